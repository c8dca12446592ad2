import Holidays from 'date-holidays'
import type { HolidayLanguage } from './calendars.math.ts'

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)
const entries = (o: Record<string, string> | undefined) =>
  Object.entries(o ?? {}).map(([code, name]) => ({ code, name }))

/** The countries date-holidays knows; with a country, its states and their regions (names in `lang`). */
export const holidayRegions = (lang: HolidayLanguage, country?: string) => {
  const hd = new Holidays()
  const countries = entries(hd.getCountries(lang)).sort(byName)
  const code = country?.toUpperCase()
  const states =
    code && countries.some((c) => c.code === code)
      ? entries(hd.getStates(code, lang))
          .map((s) => ({ ...s, regions: entries(hd.getRegions(code, s.code, lang)).sort(byName) }))
          .sort(byName)
      : []
  return { countries, states }
}
