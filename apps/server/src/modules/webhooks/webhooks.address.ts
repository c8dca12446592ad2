import ipaddr from 'ipaddr.js'

/**
 * Which addresses a webhook may be delivered to. Pure, unit-tested; the classification is
 * ipaddr.js's (IANA special-purpose registries), IPv4-mapped IPv6 addresses are judged as the
 * IPv4 address they carry.
 *
 * - Public unicast addresses: always.
 * - Loopback, private (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10) and IPv6 unique local
 *   (fc00::/7): only for a host an admin allowed explicitly.
 * - Everything else, allowed host or not: link-local (169.254/16 with the cloud metadata
 *   address, fe80::/10), unspecified (0.0.0.0/8, ::), multicast, broadcast, reserved and
 *   documentation ranges, and IPv6 translation ranges that can carry an IPv4 address
 *   (NAT64, 6to4, Teredo).
 */
export type AddressVerdict = { allowed: true } | { allowed: false; range: string }

const PRIVATE_RANGES = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal'])

export const judgeAddress = (address: string, opts: { allowPrivate: boolean }): AddressVerdict => {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''))
  } catch {
    return { allowed: false, range: 'invalid' }
  }
  const range = parsed.range()
  if (range === 'unicast') return { allowed: true }
  if (opts.allowPrivate && PRIVATE_RANGES.has(range)) return { allowed: true }
  return { allowed: false, range }
}

/** Whether a URL's host is an IP address literal (no DNS lookup happens for it). */
export const ipLiteral = (hostname: string) => {
  const bare = hostname.replace(/^\[|\]$/g, '')
  return ipaddr.isValid(bare) ? bare : null
}

/** A URL's host the way an admin names it in `allowPrivateHost`: lower case, IPv6 without brackets. */
export const normalHost = (hostname: string) =>
  hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
