// Finds the observables in log text — IPv4 and IPv6 addresses, domain names, URLs, e-mail addresses,
// MD5 / SHA-1 / SHA-256 hashes — in one pass over the bytes, without regular expressions: a byte
// class table splits the text into tokens of [A-Za-z0-9._@+-], the classes seen in a token decide
// what it can be, and only candidates are looked at again. A colon ends a token, except inside an
// IPv6 address (read on from a token of hex digits, or from `::`) and before the `//` of a URL.
// One alternation regex per line was measured at a fraction of this speed (see bench/intel.ts).
//
// What counts:
//   IPv4      dotted quad without leading zeros (`10.0.0.1`, also `10.0.0.1:443`)
//   IPv6      RFC 4291 forms with at least two colons (`2001:db8::1`, `[2001:db8::1]:443`)
//   domain    labels of letters, digits, `-`, `_` and a last label that starts with a letter, at least
//             two labels (`evil.example`); the host of a URL and the domain of an e-mail address too
//   URL       `scheme://…` for http, https, ftp, sftp, ws, wss, up to a space, quote or <>|`{}^\
//             (trailing .,;:!?)]} dropped)
//   e-mail    local@domain
//   hashes    32, 40 or 64 hex digits standing alone (not inside a longer token)

export const KIND_IPV4 = 0
export const KIND_IPV6 = 1
export const KIND_DOMAIN = 2
export const KIND_URL = 3
export const KIND_EMAIL = 4
export const KIND_MD5 = 5
export const KIND_SHA1 = 6
export const KIND_SHA256 = 7
export const KIND_NAMES = ['ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256'] as const

/**
 * Receives each candidate: its kind, its byte range and the line (1-based); for IPv4 also the
 * address as two 16-bit halves (small integers, so the call never allocates), else 0 and 0.
 */
export interface CandidateSink {
  found(kind: number, start: number, end: number, line: number, high: number, low: number): void
}

const DIGIT = 1
const HEXLETTER = 2 // a-f A-F
const LETTER = 4 // g-z G-Z
const DOT = 8
/** `-` and `_`: allowed inside labels. */
const LABEL_PUNCT = 16
const PLUS = 32
const AT = 64

const CLASS = new Uint8Array(256)
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT
for (let c = 97; c <= 122; c++) CLASS[c] = c <= 102 ? HEXLETTER : LETTER
for (let c = 65; c <= 90; c++) CLASS[c] = c <= 70 ? HEXLETTER : LETTER
CLASS[46] = DOT
CLASS[45] = LABEL_PUNCT
CLASS[95] = LABEL_PUNCT
// ':' ends a token (host:port, md5:…); IPv6 addresses are read across colons by ipv6End.
CLASS[64] = AT
CLASS[43] = PLUS

/** Bytes that end a URL. */
const URL_END = new Uint8Array(256)
for (const c of ' \t\r\n"\'<>`|{}^\\') URL_END[c.charCodeAt(0)] = 1
for (let c = 0; c < 32; c++) URL_END[c] = 1
URL_END[127] = 1
/** Trailing bytes dropped from a URL (sentence punctuation, closing brackets). */
const URL_TRIM = new Uint8Array(256)
for (const c of '.,;:!?)]}') URL_TRIM[c.charCodeAt(0)] = 1
/** Bytes that end the host of a URL. */
const HOST_END = new Uint8Array(256)
for (const c of '/?#') HOST_END[c.charCodeAt(0)] = 1

const HEX_ONLY = DIGIT | HEXLETTER
/** What a token before a colon may hold to begin an IPv6 address. */
const IPV6_TOKEN = DIGIT | HEXLETTER | DOT

/**
 * Scans bytes [start, end) of `text`, whose first line is `firstLine`; reports every candidate to
 * `sink` and returns the number of the line it ended on (each `\n` starts a new line).
 * The last byte scanned must end a token (a newline, a space): it stops the inner loops, which
 * then need no bounds check.
 */
export function scanText(text: Uint8Array, start: number, end: number, firstLine: number, sink: CandidateSink): number {
  if (end <= start) return firstLine
  if (CLASS[text[end - 1]!] !== 0) throw new Error('scanText: the text must end with a delimiter byte')
  let line = firstLine
  let i = start
  let noIpv6Before = start
  for (;;) {
    let c = text[i]!
    while (CLASS[c] === 0) {
      if (c === 10) {
        line++
      } else if (c === 58 && text[i + 1] === 58 && i >= noIpv6Before) {
        // `::` opens an IPv6 address (::1, ::ffff:192.0.2.1).
        const after = ipv6End(text, i, end)
        if (after > 0) {
          sink.found(KIND_IPV6, i, after, line, 0, 0)
          i = after - 1
        } else {
          noIpv6Before = -after
        }
      }
      if (++i >= end) return line
      c = text[i]!
    }
    const tokenStart = i
    let seen = 0
    let f = CLASS[c]!
    do {
      seen |= f
      f = CLASS[text[++i]!]!
    } while (f !== 0)
    if (text[i] === 58) {
      // `scheme://`
      if (text[i + 1] === 47 && text[i + 2] === 47 && isUrlScheme(text, tokenStart, i)) {
        i = scanUrl(text, tokenStart, i + 3, end, line, sink)
        if (i >= end) return line
        continue
      }
      // Hex digits before a colon may begin an IPv6 address; else the colon just ends the token
      // (host:port, md5:…, 09:30:00).
      if ((seen & ~IPV6_TOKEN) === 0 && tokenStart >= noIpv6Before) {
        const after = ipv6End(text, tokenStart, end)
        if (after > i) {
          sink.found(KIND_IPV6, tokenStart, after, line, 0, 0)
          i = after
          if (i >= end) return line
          continue
        }
        // No address in this run of hex and colons (09:30:00, 1:2:3:4:5:6:7:8:9): none starts
        // inside it either.
        if (after < 0) noIpv6Before = -after
      }
    }
    if (seen & (DOT | AT)) classify(text, tokenStart, i, seen, line, sink)
    else if ((seen & ~HEX_ONLY) === 0 && i - tokenStart >= 32) reportHash(tokenStart, i, line, sink)
  }
}

/**
 * Where the IPv6 address starting at `start` ends: a run of hex digits, colons and dots (at most 45,
 * the longest text form) with eight groups (seven colons), six and an embedded IPv4 address, or a
 * `::` — not 09:30:00 — and no letter right after it; a dot that ends a sentence is left out.
 * When there is none, `-(end of the run)`: no address starts anywhere inside that run either.
 */
function ipv6End(text: Uint8Array, start: number, end: number): number {
  let colons = 0
  let double = false
  let i = start
  for (; i < end; i++) {
    const c = text[i]!
    if (c === 58) {
      colons++
      if (text[i + 1] === 58) double = true
    } else if (c !== 46 && !(CLASS[c]! & HEX_ONLY)) {
      break
    }
  }
  const runEnd = i
  if (CLASS[text[i]!]! !== 0 || runEnd - start > 46) return -runEnd // glued to a longer token, or too long
  while (i > start && text[i - 1] === 46) i--
  let dots = 0
  for (let j = start; j < i; j++) if (text[j] === 46) dots++
  const plausible = colons <= 7 && (double || colons === 7 || (colons === 6 && dots === 3))
  // An address ends in a colon only as part of `::` (fe80::).
  return plausible && (double || text[i - 1] !== 58) ? i : -runEnd
}

function reportHash(start: number, end: number, line: number, sink: CandidateSink): void {
  const length = end - start
  if (length === 64) sink.found(KIND_SHA256, start, end, line, 0, 0)
  else if (length === 40) sink.found(KIND_SHA1, start, end, line, 0, 0)
  else if (length === 32) sink.found(KIND_MD5, start, end, line, 0, 0)
}

/** A token with a dot, colon or @ in it. */
/** A token with a dot or an @ in it. */
function classify(text: Uint8Array, start: number, end: number, seen: number, line: number, sink: CandidateSink): void {
  if (seen & AT) classifyEmail(text, start, end, line, sink)
  else classifyDotted(text, start, end, seen, line, sink)
}

/** Dotted token: an IPv4 address or a domain name. */
function classifyDotted(text: Uint8Array, start: number, end: number, seen: number, line: number, sink: CandidateSink): void {
  // Sentence punctuation and leading dots are not part of a name.
  while (end > start && (text[end - 1] === 46 || text[end - 1] === 45)) end--
  while (start < end && text[start] === 46) start++
  if (end - start < 3) return
  if ((seen & ~(DIGIT | DOT)) === 0) {
    if (ipv4OctetsAt(text, start, end, scratchOctets)) {
      sink.found(KIND_IPV4, start, end, line, (scratchOctets[0]! << 8) | scratchOctets[1]!, (scratchOctets[2]! << 8) | scratchOctets[3]!)
    }
    return
  }
  if (seen & PLUS) return
  // Most dotted tokens that are no names fail here: the last label must start with a letter.
  let last = end - 1
  while (last > start && text[last] !== 46) last--
  if (!(CLASS[text[last + 1]!]! & (LETTER | HEXLETTER))) return
  if (isDomainAt(text, start, end)) sink.found(KIND_DOMAIN, start, end, line, 0, 0)
}

/**
 * Reads the IPv4 address in bytes [start, end) into `octets`; false when it is none (no leading
 * zeros, each octet <= 255). Octets, not one 32-bit number: a number above 2^30 is no Smi, and
 * returning one from a function that is not inlined allocates.
 */
export function ipv4OctetsAt(text: Uint8Array, start: number, end: number, octets: Uint8Array): boolean {
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = start; i < end; i++) {
    const c = text[i]!
    if (c === 46) {
      if (digits === 0 || dots === 3) return false
      octets[dots++] = octet
      octet = 0
      digits = 0
    } else {
      if (digits > 0 && octet === 0) return false // leading zero
      octet = octet * 10 + (c - 48)
      if (++digits > 3 || octet > 255) return false
    }
  }
  if (dots !== 3 || digits === 0) return false
  octets[3] = octet
  return true
}

const scratchOctets = new Uint8Array(4)

/**
 * RFC 1034 labels (letters, digits, hyphens; `_` allowed as DNS records use it), 1–63 bytes,
 * at least two labels, the last starting with a letter; at most 253 bytes.
 */
function isDomainAt(text: Uint8Array, start: number, end: number): boolean {
  if (end - start > 253) return false
  let labelStart = start
  let labels = 0
  for (let i = start; i <= end; i++) {
    if (i === end || text[i] === 46) {
      const length = i - labelStart
      if (length === 0 || length > 63) return false
      labels++
      if (i === end) {
        // The top-level label starts with a letter (rules out 1.2.3.4.5 and file.123).
        const f = CLASS[text[labelStart]!]!
        if (!(f & (LETTER | HEXLETTER)) || length < 2) return false
      }
      labelStart = i + 1
    } else if (CLASS[text[i]!]! & (AT | PLUS)) {
      return false
    }
  }
  return labels >= 2
}

function classifyEmail(text: Uint8Array, start: number, end: number, line: number, sink: CandidateSink): void {
  let at = -1
  for (let i = start; i < end; i++) {
    if (text[i] === 64) {
      if (at >= 0) return
      at = i
    }
  }
  while (end > at + 1 && (text[end - 1] === 46 || text[end - 1] === 58 || text[end - 1] === 45)) end--
  if (at <= start || at + 1 >= end) return
  for (let i = at + 1; i < end; i++) if (text[i] === 58) return
  if (!isDomainAt(text, at + 1, end)) return
  sink.found(KIND_EMAIL, start, end, line, 0, 0)
  sink.found(KIND_DOMAIN, at + 1, end, line, 0, 0)
}

const SCHEMES = ['http', 'https', 'ftp', 'sftp', 'ws', 'wss']

function isUrlScheme(text: Uint8Array, start: number, colon: number): boolean {
  const length = colon - start
  if (length < 2 || length > 5) return false
  outer: for (const scheme of SCHEMES) {
    if (scheme.length !== length) continue
    for (let i = 0; i < length; i++) if ((text[start + i]! | 0x20) !== scheme.charCodeAt(i)) continue outer
    return true
  }
  return false
}

/** A URL from its scheme at `start`, its authority at `authority`; returns where scanning resumes. */
function scanUrl(text: Uint8Array, start: number, authority: number, end: number, line: number, sink: CandidateSink): number {
  let urlEnd = authority
  while (urlEnd < end && !URL_END[text[urlEnd]!]) urlEnd++
  let trimmed = urlEnd
  while (trimmed > authority && URL_TRIM[text[trimmed - 1]!]) trimmed--
  if (trimmed === authority) return urlEnd
  sink.found(KIND_URL, start, trimmed, line, 0, 0)
  // The host: after any user@, before the path, query or fragment, without a port.
  let hostStart = authority
  let hostEnd = authority
  while (hostEnd < trimmed && !HOST_END[text[hostEnd]!]) {
    if (text[hostEnd] === 64) hostStart = hostEnd + 1
    hostEnd++
  }
  if (text[hostStart] === 91) {
    const close = text.indexOf(93, hostStart)
    if (close > hostStart && close < hostEnd) sink.found(KIND_IPV6, hostStart + 1, close, line, 0, 0)
    return urlEnd
  }
  for (let i = hostStart; i < hostEnd; i++) {
    if (text[i] === 58) {
      hostEnd = i
      break
    }
  }
  let seen = 0
  for (let i = hostStart; i < hostEnd; i++) seen |= CLASS[text[i]!]!
  if (seen & DOT && (seen & ~(DIGIT | HEXLETTER | LETTER | DOT | LABEL_PUNCT)) === 0) classifyDotted(text, hostStart, hostEnd, seen, line, sink)
  return urlEnd
}

/** Every observable in a piece of text, as `{ kind, value, line }` (for tests and small inputs). */
export function extractObservables(text: string): Array<{ kind: (typeof KIND_NAMES)[number]; value: string; line: number }> {
  const bytes = Buffer.from(`${text}\n`, 'latin1')
  const found: Array<{ kind: (typeof KIND_NAMES)[number]; value: string; line: number }> = []
  scanText(bytes, 0, bytes.length, 1, {
    found(kind, start, end, line) {
      found.push({ kind: KIND_NAMES[kind]!, value: bytes.toString('latin1', start, end), line })
    },
  })
  return found
}
