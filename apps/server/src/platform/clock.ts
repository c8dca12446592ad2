/** The desk's notion of now; tests pass a fixed or stepping clock instead of sleeping. */
export type Clock = { now: () => Date }
export const systemClock: Clock = { now: () => new Date() }
export const fixedClock = (at: Date | string): Clock & { set: (d: Date | string) => void } => {
  let current = new Date(at)
  return { now: () => new Date(current), set: (d) => (current = new Date(d)) }
}
