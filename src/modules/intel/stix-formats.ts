import { isIPv6 } from 'node:net'

// String formats STIX 2.1 names that JSON Schema's format vocabulary does not carry (or that
// ajv-formats lacks): pure predicates, registered with the validator.

/**
 * §6.4 domain-name: RFC 1034 names whose labels may be IDNA U-labels (RFC 5890): labels of letters,
 * digits and hyphens (any script), 1–63 long, no hyphen at either end, at most 253 in all.
 */
export function isIdnHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value
  if (name.length === 0 || name.length > 253) return false
  for (const label of name.split('.')) {
    if (label.length === 0 || label.length > 63) return false
    if (label.startsWith('-') || label.endsWith('-')) return false
    if (!/^[\p{L}\p{N}\p{M}-]+$/u.test(label)) return false
  }
  return true
}

/** §6.9 ipv6-addr: an RFC 4291 address, optionally with a CIDR prefix length (0–128). */
export function isIpv6Value(value: string): boolean {
  const slash = value.indexOf('/')
  if (slash < 0) return isIPv6(value)
  const prefix = value.slice(slash + 1)
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix) || Number(prefix) > 128) return false
  return isIPv6(value.slice(0, slash))
}

/**
 * §6.14 software.cpe: a CPE 2.3 formatted string (NISTIR 7695 §6.2): `cpe:2.3:` and eleven
 * colon-separated components, part in {a, o, h, *, -}; `\` escapes the next character.
 */
export function isCpe23(value: string): boolean {
  if (!value.startsWith('cpe:2.3:')) return false
  const components: string[] = []
  let current = ''
  for (let i = 'cpe:2.3:'.length; i < value.length; i++) {
    const char = value[i]!
    if (char === '\\') {
      if (i + 1 >= value.length) return false
      current += char + value[++i]!
    } else if (char === ':') {
      components.push(current)
      current = ''
    } else {
      current += char
    }
  }
  components.push(current)
  if (components.length !== 11) return false
  if (!/^[aho*-]$/.test(components[0]!)) return false
  return components.every((component) => component.length > 0 && /^(\\.|[A-Za-z0-9._\-*?~%!])+$/.test(component))
}

/** §2.16: a timestamp's calendar date exists (the schema pattern allows 31 February). */
export function isRealDate(timestamp: string): boolean {
  const year = Number(timestamp.slice(0, 4))
  const month = Number(timestamp.slice(5, 7))
  const day = Number(timestamp.slice(8, 10))
  if (!(month >= 1 && month <= 12) || day < 1) return false
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!
  return day <= days
}

/** A sort key for STIX timestamps: the fraction padded so that plain string order is time order. */
export function timestampKey(timestamp: string): string {
  const dot = timestamp.indexOf('.')
  const seconds = dot < 0 ? timestamp.slice(0, -1) : timestamp.slice(0, dot)
  const fraction = dot < 0 ? '' : timestamp.slice(dot + 1, -1)
  return `${seconds}.${fraction.padEnd(9, '0')}`
}
