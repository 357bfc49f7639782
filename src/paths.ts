import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The package root holds migrations/, catalogs/ and web/dist/. It is found by walking up from this
// file so the same code works from src/ (tsx) and from dist/src/ (compiled).
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error('Kamae package root not found')
    dir = parent
  }
}

export const packageRoot = findPackageRoot()
export const migrationsDir = join(packageRoot, 'migrations')
export const bundledCatalogsDir = join(packageRoot, 'catalogs')
export const webDistDir = join(packageRoot, 'web', 'dist')
