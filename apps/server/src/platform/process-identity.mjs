// Telling a live process from a dead one whose pid was reused. Plain JavaScript, so the embedded
// PostgreSQL's supervisor can run it with bare `node` (no TypeScript loader, little memory).
import fs from 'node:fs'

/**
 * The kernel's start time of a process (clock ticks since boot, /proc/<pid>/stat field 22): with
 * the pid it names one process for the life of the machine. Null where /proc does not exist.
 */
export const processStartTime = (pid) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 2 (the command name) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

/** The parent pid of a process (field 4 of /proc/<pid>/stat), or null. */
export const parentPid = (pid) => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    return Number.isInteger(ppid) ? ppid : null
  } catch {
    return null
  }
}

/** The command line of a process as its arguments, or null (no /proc, or the process is gone). */
export const commandLine = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  } catch {
    return null
  }
}

/** Whether a process with this pid exists (also one of another user, which answers EPERM). */
export const pidExists = (pid) => {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return err.code === 'EPERM'
  }
}

/** This process's identity, as `identityAlive` checks it later. */
export const ownIdentity = () => ({ pid: process.pid, startTime: processStartTime(process.pid) })

/**
 * Whether the process recorded as { pid, startTime } still runs: the pid exists and, where the
 * system tells start times, it is the same process and not a later one that got the pid.
 */
export const identityAlive = ({ pid, startTime }) => {
  if (!pidExists(pid)) return false
  if (startTime === null || startTime === undefined) return true
  const now = processStartTime(pid)
  return now === null ? true : now === String(startTime)
}

/** Name of a user file: `<pid>-<start time>`, so a reused pid never matches an old entry. */
export const userFileName = (identity) => `${identity.pid}-${identity.startTime ?? 'x'}`

/** The identity in a user file name, or null for a name that is not one. */
export const parseUserFileName = (name) => {
  const match = /^(\d+)-(\d+|x)$/.exec(name)
  if (!match) return null
  return { pid: Number(match[1]), startTime: match[2] === 'x' ? null : match[2] }
}

/** The live users registered in a directory; entries of processes that are gone are removed. */
export const liveUsers = (dir) => {
  let names
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const live = []
  for (const name of names) {
    const identity = parseUserFileName(name)
    if (!identity) continue
    if (identityAlive(identity)) live.push(identity)
    else fs.rmSync(`${dir}/${name}`, { force: true })
  }
  return live
}
