// The Node.js version Tresen needs, from package.json's "engines" field (">=MAJOR.MINOR"), checked
// before anything else loads: an older Node fails later with errors that do not name the cause.
import fs from 'node:fs'

const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'))

/** The oldest supported version as [major, minor]. */
export const required = () => {
  const m = /^>=\s*(\d+)\.(\d+)$/.exec(pkg.engines?.node ?? '')
  if (!m) throw new Error(`package.json engines.node must read ">=MAJOR.MINOR", not ${pkg.engines?.node}`)
  return [Number(m[1]), Number(m[2])]
}

/** Null when `version` (e.g. "v20.19.1") is new enough, else the message to print. */
export const tooOld = (version) => {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  const [needMajor, needMinor] = required()
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return null
  return `tresen: Node.js ${needMajor}.${needMinor} or newer is needed; this is Node.js ${version.replace(/^v/, '')}`
}
