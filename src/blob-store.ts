import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'

// Content-addressed storage (DESIGN.md §3): the sha256 of the bytes is the key, so a file stored twice
// is kept once and a key always names the same bytes. Behind this interface an S3 store can follow.
export interface BlobStore {
  put(data: Buffer): Promise<{ sha256: string; sizeBytes: number }>
  has(sha256: string): Promise<boolean>
  read(sha256: string): Readable
}

const SHA256_HEX = /^[0-9a-f]{64}$/

export function directoryBlobStore(root: string): BlobStore {
  const pathOf = (sha256: string) => {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`)
    return join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256)
  }
  return {
    async put(data) {
      const sha256 = createHash('sha256').update(data).digest('hex')
      const target = pathOf(sha256)
      try {
        await stat(target)
      } catch {
        await mkdir(dirname(target), { recursive: true })
        // Write then rename, so a reader never sees half a file under a valid key.
        const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`
        await writeFile(temp, data)
        await rename(temp, target).catch(async (error: unknown) => {
          await unlink(temp).catch(() => undefined)
          throw error
        })
      }
      return { sha256, sizeBytes: data.length }
    },
    async has(sha256) {
      try {
        await stat(pathOf(sha256))
        return true
      } catch {
        return false
      }
    },
    read(sha256) {
      return createReadStream(pathOf(sha256))
    },
  }
}
