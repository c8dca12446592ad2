import type { CountryCode } from 'libphonenumber-js/max'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

/**
 * A phone number in any common notation as E.164 (`+491711234567`), or null when it is not a
 * valid number. National numbers ("0171 1234567") are read in `defaultCountry`; numbers with
 * "+" or the international prefix ("0044 …") keep their own country. Extensions are dropped:
 * E.164 has none. The full metadata ("max") checks number ranges, not just lengths.
 */
export const normalizePhone = (raw: string, defaultCountry: CountryCode = 'DE'): string | null => {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry)
  if (!parsed?.isValid()) return null
  return parsed.number
}
