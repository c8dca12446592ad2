import { describe, expect, it } from 'vitest'
import { memorySettings } from './embedded-postgres.ts'

const GB = 1024 ** 3

describe('memory settings of the embedded PostgreSQL', () => {
  it('gives shared buffers an eighth of the RAM', () => {
    expect(memorySettings(8 * GB)).toEqual({ shared_buffers: '1024MB', effective_cache_size: '4096MB' })
  })

  it('never goes below PostgreSQL’s own default on a small machine', () => {
    expect(memorySettings(0.5 * GB).shared_buffers).toBe('128MB')
    expect(memorySettings(0.5 * GB).effective_cache_size).toBe('256MB')
  })

  it('stops at 2 GB of shared buffers on a large machine', () => {
    expect(memorySettings(64 * GB)).toEqual({ shared_buffers: '2048MB', effective_cache_size: '32768MB' })
  })
})
