/**
 * Intl formatters are costly to make (an inbox page needs dozens of formatted times): one per
 * language and options, kept.
 */
const formatters = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat | Intl.NumberFormat>()
const cached = <F extends Intl.RelativeTimeFormat | Intl.DateTimeFormat | Intl.NumberFormat>(
  key: string,
  make: () => F,
): F => {
  let f = formatters.get(key) as F | undefined
  if (!f) {
    f = make()
    formatters.set(key, f)
  }
  return f
}

/** "vor 5 Minuten" / "5 minutes ago", in the UI language. */
export const relativeTime = (iso: string, lang: string, now = Date.now()) => {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  const fmt = cached(`rel:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }))
  const abs = Math.abs(seconds)
  if (abs < 60) return fmt.format(seconds, 'second')
  if (abs < 3600) return fmt.format(Math.round(seconds / 60), 'minute')
  if (abs < 86400) return fmt.format(Math.round(seconds / 3600), 'hour')
  if (abs < 86400 * 30) return fmt.format(Math.round(seconds / 86400), 'day')
  if (abs < 86400 * 365) return fmt.format(Math.round(seconds / (86400 * 30)), 'month')
  return fmt.format(Math.round(seconds / (86400 * 365)), 'year')
}

export const dateTime = (iso: string, lang: string) =>
  cached(
    `date:${lang}`,
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(new Date(iso))

/** "2 Std. 5 Min." / "2 hr, 5 min" for durations such as time to first answer. */
export const duration = (ms: number, lang: string) => {
  const minutes = Math.max(0, Math.round(ms / 60000))
  const unit = (value: number, u: 'minute' | 'hour' | 'day') =>
    cached(
      `unit:${lang}:${u}`,
      () => new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'short' }),
    ).format(value)
  if (minutes < 60) return unit(minutes, 'minute')
  if (minutes < 60 * 24) return `${unit(Math.floor(minutes / 60), 'hour')} ${unit(minutes % 60, 'minute')}`
  return `${unit(Math.floor(minutes / 1440), 'day')} ${unit(Math.floor((minutes % 1440) / 60), 'hour')}`
}

export const fileSize = (bytes: number, lang: string) => {
  const units = ['byte', 'kilobyte', 'megabyte'] as const
  let value = bytes
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  const unit = units[i]!
  return cached(
    `size:${lang}:${unit}`,
    () =>
      new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }),
  ).format(value)
}
