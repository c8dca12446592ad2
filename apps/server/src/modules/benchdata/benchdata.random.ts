/**
 * A small, fast, seedable random source (sfc32). Every ticket gets its own stream derived from the
 * run's seed and the ticket's index, so one ticket can be regenerated alone, in any order: the
 * tickets, interactions and events of a ticket are written in separate passes and must agree.
 */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(...seeds: number[]) {
    this.a = 0x9e3779b9
    this.b = 0x243f6a88
    this.c = 0xb7e15162
    this.d = 1
    for (const s of seeds) {
      this.a ^= mix32(s)
      this.b ^= mix32(s ^ 0x85ebca6b)
      this.c ^= mix32(s + 0x68e31da4)
      this.d = (this.d + 0x2545f491) | 0
      for (let i = 0; i < 4; i++) this.next()
    }
    for (let i = 0; i < 12; i++) this.next()
  }

  /** A uint32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 4294967296
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n)
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(p: number): boolean {
    return this.float() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  /** Fills `out` with random bytes (uuid randomness). */
  fill(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i += 4) {
      const v = this.next()
      out[i] = v & 0xff
      out[i + 1] = (v >>> 8) & 0xff
      out[i + 2] = (v >>> 16) & 0xff
      out[i + 3] = v >>> 24
    }
    return out
  }
}

/** A well-mixed 32-bit hash of a 32-bit value (murmur3's finalizer). */
export const mix32 = (value: number): number => {
  let h = value | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Picks by weight: build once from `{ value: weight }`, then draw with a float in [0, 1). */
export const weighted = <T extends string>(weights: Partial<Record<T, number>>) => {
  const entries = Object.entries(weights) as [T, number][]
  const total = entries.reduce((sum, [, w]) => sum + w, 0)
  const values = entries.map(([v]) => v)
  const cumulative: number[] = []
  let acc = 0
  for (const [, w] of entries) {
    acc += w / total
    cumulative.push(acc)
  }
  return (rng: Rng): T => {
    const x = rng.float()
    for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]!) return values[i]!
    return values[values.length - 1]!
  }
}
