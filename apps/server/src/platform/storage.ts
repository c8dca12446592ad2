import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'

export type StoredObject = { key: string; size: number; sha256: string }

/** Where attachment bytes live. The filesystem store is the default; an S3 store can implement the same. */
export interface Storage {
  put(data: Buffer): Promise<StoredObject>
  get(key: string): Promise<Readable>
  exists(key: string): Promise<boolean>
  /** Checks that the store is writable; throws with the reason when not. */
  check(): Promise<void>
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/

export class FsStorage implements Storage {
  /** Folders made already (256 × 256 at most), so a write is one file and one rename. */
  private readonly made = new Set<string>()

  constructor(readonly root: string) {}

  private pathOf(key: string) {
    if (!KEY.test(key)) throw new Error(`invalid storage key: ${key}`)
    return path.join(this.root, key)
  }

  async put(data: Buffer): Promise<StoredObject> {
    const sha256 = createHash('sha256').update(data).digest('hex')
    const id = randomUUID()
    const key = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${id}`
    const file = this.pathOf(key)
    const dir = path.dirname(file)
    if (!this.made.has(dir)) {
      await fsp.mkdir(dir, { recursive: true })
      this.made.add(dir)
    }
    const tmp = `${file}.tmp`
    await fsp.writeFile(tmp, data, { mode: 0o600 })
    await fsp.rename(tmp, file)
    return { key, size: data.length, sha256 }
  }

  async get(key: string): Promise<Readable> {
    return fs.createReadStream(this.pathOf(key))
  }

  async exists(key: string) {
    return fsp.access(this.pathOf(key)).then(
      () => true,
      () => false,
    )
  }

  async check() {
    await fsp.mkdir(this.root, { recursive: true })
    const probe = path.join(this.root, `.probe-${process.pid}`)
    await fsp.writeFile(probe, 'ok')
    await fsp.rm(probe)
  }
}

/** A stored object's bytes, whole (for files small enough to hold: attachments, raw messages). */
export const readObject = async (storage: Storage, key: string) => {
  const chunks: Buffer[] = []
  for await (const chunk of await storage.get(key)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
