import type { Config } from './config.js'
import type { Database, Db } from './db/database.js'
import type { BlobStore } from './blob-store.js'

export interface Notifier {
  /** Sends a message to a person; without SMTP it is written to the log (the admin copies the link). */
  send(message: { to: string; subject: string; body: string }): Promise<void>
}

export interface Logger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** What every service receives: no globals, so tests build their own with a controllable clock. */
export interface AppContext {
  config: Config
  database: Database
  db: Db
  blobs: BlobStore
  notifier: Notifier
  clock: () => Date
}
