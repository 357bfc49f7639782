#!/usr/bin/env node
// The `kamae` command. Runs the compiled CLI when `npm run build` has produced it, else the
// TypeScript source through tsx, so `npx kamae` works in a fresh clone after `npm ci`.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const compiled = join(root, 'dist', 'src', 'cli', 'index.js')
if (existsSync(compiled) && !process.env.KAMAE_FROM_SOURCE) {
  await import(pathToFileURL(compiled).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(join(root, 'src', 'cli', 'index.ts')).href)
}
