/**
 * CPU time by process group from /proc (Linux), for benches that want to say where the machine's
 * time went: this process, the PostgreSQL cluster, a mail server, and everything else (the other
 * load on the machine, which a measurement should report).
 */
import fs from 'node:fs'
import os from 'node:os'

const TICK_MS = 10 // USER_HZ is 100 on Linux

type ProcStat = { pid: number; comm: string; ppid: number; pgid: number; ticks: number; start: number }

const readStat = (pid: number): ProcStat | null => {
  let text: string
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null // exited meanwhile
  }
  // comm may hold spaces and parentheses: the fields after it start behind the last ')'.
  const close = text.lastIndexOf(')')
  const comm = text.slice(text.indexOf('(') + 1, close)
  const f = text
    .slice(close + 2)
    .split(' ')
    .map((x) => Number(x))
  // After comm: state(0) ppid(1) pgrp(2) … utime(11) stime(12) … starttime(19)
  return { pid, comm, ppid: f[1]!, pgid: f[2]!, ticks: f[11]! + f[12]!, start: f[19]! }
}

const allPids = () =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)

/**
 * Busy jiffies of the whole machine (all cores), from the first line of /proc/stat: user, nice,
 * system, irq and softirq. Guest time is already inside user and nice; steal (a virtual machine's
 * CPU taken by the host) is not time this machine worked, so it is counted apart.
 */
const machineTicks = () => {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  return { busy: user + nice + system + irq + softirq, steal }
}

export type Group = { name: string; matches: (p: ProcStat, all: Map<number, ProcStat>) => boolean }

/** This process and its threads. */
export const selfGroup = (name = 'bench process'): Group => ({ name, matches: (p) => p.pid === process.pid })

/** A PostgreSQL cluster: its postmaster (pid from `postmaster.pid`) and that process's children. */
export const postgresGroup = (postmasterPid: number, name = 'PostgreSQL'): Group => ({
  name,
  matches: (p) => p.pid === postmasterPid || p.ppid === postmasterPid,
})

/** One other process (with its threads). */
export const pidGroup = (pid: number, name: string): Group => ({ name, matches: (p) => p.pid === pid })

/** Every process of one process group (a server started detached, with its workers). */
export const processGroup = (pgid: number, name: string): Group => ({ name, matches: (p) => p.pgid === pgid })

/** The postmaster of the cluster whose data directory this is, or null when it is not readable here. */
export const postmasterPidOf = (dataDirectory: string) => {
  try {
    const pid = Number(fs.readFileSync(`${dataDirectory}/postmaster.pid`, 'utf8').split('\n')[0])
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** The process group of the process whose command line contains `needle` (and whose comm is `comm`). */
export const findProcessGroup = (comm: string, test: (cmdline: string) => boolean) => {
  for (const pid of allPids()) {
    const s = readStat(pid)
    if (!s || s.comm !== comm) continue
    let cmdline = ''
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
    } catch {
      continue
    }
    if (test(cmdline)) return s.pgid
  }
  return null
}

type Snapshot = { at: number; machine: number; steal: number; byPid: Map<number, ProcStat> }

const snapshot = (): Snapshot => {
  const byPid = new Map<number, ProcStat>()
  for (const pid of allPids()) {
    const s = readStat(pid)
    if (s) byPid.set(pid, s)
  }
  const { busy, steal } = machineTicks()
  return { at: performance.now(), machine: busy, steal, byPid }
}

export type CpuUsage = {
  wall_s: number
  /** CPU seconds and the share of the machine (all cores = 100 %) per group. */
  groups: Record<string, { cpu_s: number; pct_of_machine: number }>
  /** Busy time of everything else on the machine. */
  other: { cpu_s: number; pct_of_machine: number; busiest: string[] }
  machine_busy_pct: number
  /** CPU the host of this virtual machine took away (0 on bare metal). */
  steal_pct: number
}

/** Starts counting; the returned function gives the CPU time used since, per group. */
export const startCpuAccounting = (groups: Group[]) => {
  const before = snapshot()
  return (): CpuUsage => {
    const after = snapshot()
    const wall = (after.at - before.at) / 1000
    const capacity = wall * os.cpus().length
    const pct = (s: number) => (capacity > 0 ? Math.round((s / capacity) * 1000) / 10 : 0)
    const used = new Map<string, number>()
    const others = new Map<string, number>()
    for (const [pid, a] of after.byPid) {
      const b = before.byPid.get(pid)
      // A process started meanwhile counts from zero (a reused pid has another start time); one
      // that exited is lost (short-lived ones only). Kernel workers change their comm as they work.
      const delta = a.ticks - (b && b.start === a.start ? b.ticks : 0)
      const g = groups.find((x) => x.matches(a, after.byPid))
      if (g) used.set(g.name, (used.get(g.name) ?? 0) + delta)
      else if (delta > 0) others.set(a.comm, (others.get(a.comm) ?? 0) + delta)
    }
    const ours = [...used.values()].reduce((s, x) => s + x, 0)
    const machine = after.machine - before.machine
    const result: CpuUsage['groups'] = {}
    for (const g of groups) {
      const s = ((used.get(g.name) ?? 0) * TICK_MS) / 1000
      result[g.name] = { cpu_s: Math.round(s * 100) / 100, pct_of_machine: pct(s) }
    }
    const other = (Math.max(0, machine - ours) * TICK_MS) / 1000
    return {
      wall_s: Math.round(wall * 100) / 100,
      groups: result,
      other: {
        cpu_s: Math.round(other * 100) / 100,
        pct_of_machine: pct(other),
        // By command name: "node 40 %" says more about the other load than a bare figure.
        busiest: [...others.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([comm, t]) => `${comm} ${pct((t * TICK_MS) / 1000)} %`),
      },
      machine_busy_pct: pct((machine * TICK_MS) / 1000),
      steal_pct: pct(((after.steal - before.steal) * TICK_MS) / 1000),
    }
  }
}

/** Samples this process's resident memory every `everyMs`; the returned function stops and gives the peak in MB. */
export const sampleRss = (everyMs = 200) => {
  let max = process.memoryUsage.rss()
  const timer = setInterval(() => {
    max = Math.max(max, process.memoryUsage.rss())
  }, everyMs)
  timer.unref()
  return () => {
    clearInterval(timer)
    max = Math.max(max, process.memoryUsage.rss())
    return Math.round(max / 1024 / 1024)
  }
}

/** CPU used by other processes (% of all cores) over `ms`, before a measurement starts. */
export const backgroundLoad = async (ms: number, groups: Group[] = [selfGroup()]) => {
  const stop = startCpuAccounting(groups)
  await new Promise((r) => setTimeout(r, ms))
  const u = stop()
  return { other_pct: u.other.pct_of_machine, busiest_other: u.other.busiest }
}
