import { EventEmitter } from 'node:events'
import type { Queryable } from './db.ts'
import { type DeskEvent, EventListener, publishEvent } from './events.ts'

/**
 * A value each server process keeps in memory (the active webhook subscriptions, the response
 * policies) and reads again when any process changes it: the change publishes the cache's topic
 * as a desk event (LISTEN/NOTIFY) in its own transaction. Until it has been read, and while it is
 * read again, `value()` is null: callers must then act as if they knew nothing (never wrongly).
 * Emits `refreshed` after each read.
 */
export class SharedCache<T> extends EventEmitter {
  private current: T | null = null
  private generation = 0

  constructor(
    readonly topic: string,
    private readonly load: (db: Queryable) => Promise<T>,
  ) {
    super()
    this.setMaxListeners(0)
  }

  value(): T | null {
    return this.current
  }

  /** Forgets the value: null until the next `refresh` has finished. */
  forget() {
    this.generation++
    this.current = null
    this.emit('forgotten')
  }

  /** Reads the value; a change heard meanwhile makes this read count for nothing. */
  async refresh(db: Queryable) {
    this.forget()
    const generation = this.generation
    const value = await this.load(db)
    if (generation !== this.generation) return false
    this.current = value
    this.emit('refreshed', value)
    return true
  }

  /**
   * Announces a change inside the transaction that makes it: this process forgets the value at
   * once, every process (this one too) reads it again when the transaction commits.
   */
  async changed(db: Queryable, at: Date) {
    this.forget()
    await publishEvent(db, { type: this.topic, at: at.toISOString() })
  }
}

/**
 * Keeps caches fresh in this process on one event connection: reads each now, again when its
 * topic is published, and all of them after the connection came back (changes may be missed).
 */
export const startSharedCaches = async (opts: {
  db: Queryable
  databaseUrl: string
  caches: readonly SharedCache<unknown>[]
  onProblem: (err: Error) => void
}) => {
  const refresh = (cache: SharedCache<unknown>) => {
    cache.refresh(opts.db).catch((err: Error) => {
      cache.forget()
      opts.onProblem(err)
    })
  }
  const listener = new EventListener(opts.databaseUrl, opts.onProblem)
  listener.on('event', (event: DeskEvent) => {
    for (const cache of opts.caches) if (event.type === cache.topic) refresh(cache)
  })
  listener.on('connected', () => {
    for (const cache of opts.caches) refresh(cache)
  })
  await listener.start()
  return {
    stop: async () => {
      await listener.close()
      for (const cache of opts.caches) cache.forget()
    },
  }
}
