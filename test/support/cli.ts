import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'

export const KAMAE_BIN = join(packageRoot, 'bin', 'kamae.mjs')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the real `kamae` command (from source) as a user would. */
export function runKamae(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KAMAE_BIN, ...args], {
      cwd: packageRoot,
      env: { ...process.env, KAMAE_FROM_SOURCE: '1', KAMAE_LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    if (input !== undefined) child.stdin.end(input)
    else child.stdin.end()
  })
}

/** Starts `kamae serve` and resolves once it printed its URL. */
export function startKamae(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KAMAE_BIN, 'serve'], {
      cwd: packageRoot,
      env: { ...process.env, KAMAE_FROM_SOURCE: '1', KAMAE_LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    })
    let output = ''
    const timer = setTimeout(() => reject(new Error(`kamae serve did not start:\n${output}`)), 90_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /is running[^:]*: (http:\/\/\S+)/.exec(output)
      if (match && /API docs/.test(output)) {
        clearTimeout(timer)
        // Give the rest of the banner (demo logins) a moment to arrive on the same stream.
        setTimeout(() => resolve({ child, url: match[1]!, output: () => output }), 200)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code !== null && code !== 0) reject(new Error(`kamae serve exited with ${code}:\n${output}`))
    })
  })
}

export function stopKamae(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
