import fs from 'node:fs'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { required, tooOld } from '../../../../bin/node-version.mjs'

const lock = JSON.parse(
  fs.readFileSync(new URL('../../../../package-lock.json', import.meta.url), 'utf8'),
) as {
  packages: Record<string, { version?: string; engines?: { node?: string }; optional?: boolean }>
}

describe('the Node.js requirement', () => {
  it('tells a too old Node.js plainly', () => {
    const [major, minor] = required()
    expect(tooOld(`v${major}.${minor}.0`)).toBeNull()
    expect(tooOld(`v${major + 2}.0.0`)).toBeNull()
    expect(tooOld(`v${major}.${minor - 1}.9`)).toBe(
      `tresen: Node.js ${major}.${minor} or newer is needed; this is Node.js ${major}.${minor - 1}.9`,
    )
    expect(tooOld('v18.20.0')).toMatch(/or newer is needed/)
  })

  it('is the real one: every package runs on it but for a known few that declare Node 22', () => {
    const [major, minor] = required()
    const refuse = (version: string) =>
      Object.entries(lock.packages)
        .filter(([key, pkg]) => key && pkg.engines?.node && !pkg.optional)
        .filter(([, pkg]) => !semver.satisfies(version, pkg.engines!.node!))
        .map(([key]) => key.replace(/^.*node_modules\//, ''))
    // These declare Node 22 but run on Node 20, where this suite runs; the README names them.
    const declareNode22 = ['@mantine/dropzone', 'attr-accept', 'cookie', 'file-selector', 'react-dropzone']
    expect([...new Set(refuse(`${major}.${minor}.0`))].sort()).toEqual(declareNode22)
    // One minor release older is really too old: some package needs this one.
    expect(
      refuse(`${major}.${minor - 1}.0`).filter((name) => !declareNode22.includes(name)).length,
    ).toBeGreaterThan(0)
  })
})
