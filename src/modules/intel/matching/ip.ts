// IPv4 and IPv6 addresses as numbers, and their text forms. Pure.
// An IPv4 address is an unsigned 32-bit number; an IPv6 address four 32-bit words, most
// significant first, so that both walk the same prefix tree (cidr-trie.ts).

/** Dotted quad, no leading zeros (RFC 6943 §3.1.1: `010` is ambiguous), -> uint32; else null. */
export function parseIpv4(text: string): number | null {
  let value = 0
  let octet = -1
  let digits = 0
  let dots = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return null
      octet = digits === 0 ? c - 48 : octet * 10 + (c - 48)
      if (++digits > 3 || octet > 255) return null
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return null
      value = value * 256 + octet
      digits = 0
    } else {
      return null
    }
  }
  if (dots !== 3 || digits === 0) return null
  return value * 256 + octet
}

export function ipv4ToString(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`
}

/** RFC 4291 §2.2 text forms (`::`, embedded IPv4; no zone) -> four words; else null. */
export function parseIpv6(text: string): Uint32Array | null {
  const groups: number[] = []
  let gap = -1
  let i = 0
  if (text.startsWith('::')) {
    gap = 0
    i = 2
    if (text.length === 2) return wordsOf(groups, gap)
  } else if (text.startsWith(':')) {
    return null
  }
  while (i < text.length) {
    // An embedded IPv4 address ends the text.
    const dot = text.indexOf('.', i)
    const colon = text.indexOf(':', i)
    if (dot >= 0 && (colon < 0 || dot < colon)) {
      const v4 = parseIpv4(text.slice(i))
      if (v4 === null || groups.length > 6) return null
      groups.push(v4 >>> 16, v4 & 0xffff)
      i = text.length
      break
    }
    const end = colon < 0 ? text.length : colon
    const group = text.slice(i, end)
    if (group.length === 0 || group.length > 4 || !/^[0-9a-fA-F]+$/.test(group)) return null
    groups.push(parseInt(group, 16))
    if (end === text.length) {
      i = end
      break
    }
    if (text[end + 1] === ':') {
      if (gap >= 0) return null
      gap = groups.length
      i = end + 2
      if (i === text.length) break
    } else {
      i = end + 1
      if (i === text.length) return null
    }
  }
  if (groups.length > 8 || (gap < 0 && groups.length !== 8) || (gap >= 0 && groups.length > 7)) return null
  return wordsOf(groups, gap)
}

function wordsOf(groups: number[], gap: number): Uint32Array {
  const full = gap < 0 ? groups : [...groups.slice(0, gap), ...new Array<number>(8 - groups.length).fill(0), ...groups.slice(gap)]
  const words = new Uint32Array(4)
  for (let w = 0; w < 4; w++) words[w] = ((full[2 * w]! << 16) | full[2 * w + 1]!) >>> 0
  return words
}

/** RFC 5952 canonical text: lower case, no leading zeros, the longest run of zero groups as `::`. */
export function ipv6ToString(words: Uint32Array): string {
  const groups: number[] = []
  for (let w = 0; w < 4; w++) groups.push(words[w]! >>> 16, words[w]! & 0xffff)
  let bestStart = -1
  let bestLength = 1 // §4.2.2: a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i]
    i = j
  }
  const hex = groups.map((group) => group.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

export type Cidr = { version: 4; address: number; prefix: number } | { version: 6; words: Uint32Array; prefix: number }

/**
 * `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits, when set
 * (`10.1.2.3/8`, common in feeds), are cleared: the block is the network that contains them.
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/')
  const address = slash < 0 ? text : text.slice(0, slash)
  const prefixText = slash < 0 ? null : text.slice(slash + 1)
  if (prefixText !== null && !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null
  const v4 = parseIpv4(address)
  if (v4 !== null) {
    const prefix = prefixText === null ? 32 : Number(prefixText)
    if (prefix > 32) return null
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
    return { version: 4, address: (v4 & mask) >>> 0, prefix }
  }
  const v6 = parseIpv6(address)
  if (v6 === null) return null
  const prefix = prefixText === null ? 128 : Number(prefixText)
  if (prefix > 128) return null
  for (let w = 0; w < 4; w++) {
    const keep = Math.max(0, Math.min(32, prefix - 32 * w))
    const mask = keep === 0 ? 0 : (0xffffffff << (32 - keep)) >>> 0
    v6[w] = (v6[w]! & mask) >>> 0
  }
  return { version: 6, words: v6, prefix }
}

/** Bit `index` (0 = most significant) of a 128-bit address. */
export function bitOf(words: Uint32Array, index: number): number {
  return (words[index >>> 5]! >>> (31 - (index & 31))) & 1
}
