import { execSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { newestMtime, repoRoot } from './kamae-server.js'

/**
 * The server serves web/dist: build the SPA when it is missing, or older than its sources (CI builds
 * right before the run, so there this does nothing).
 */
export default function setup() {
  const built = join(repoRoot, 'web', 'dist', 'index.html')
  const sources = Math.max(newestMtime(join(repoRoot, 'web', 'src')), statSync(join(repoRoot, 'web', 'index.html')).mtimeMs)
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return
  console.log('[browser tests] web/dist is missing or stale: npm run build:web')
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execSync('npm run build:web', { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } })
}
