// The exact text of each object of a STIX bundle or a TAXII envelope, so that the store keeps every
// object as it was received (issue 5 §1) — key order, number spelling, escapes and all — rather than
// a re-serialisation of what JSON.parse made of it. Pure.

/**
 * The elements of the top-level "objects" array of a JSON document, each as its exact text. The
 * text must be valid JSON (parse it first); like JSON.parse, the last "objects" key wins. Null when
 * the document is not an object or has no "objects" array.
 */
export function objectTexts(text: string): string[] | null {
  let i = skipSpace(text, 0)
  if (text[i] !== '{') return null
  i = skipSpace(text, i + 1)
  let found: string[] | null = null
  while (i < text.length && text[i] !== '}') {
    const keyStart = i
    i = skipString(text, i)
    const key = JSON.parse(text.slice(keyStart, i)) as string
    i = skipSpace(text, i)
    i = skipSpace(text, i + 1) // the colon
    if (key === 'objects') found = text[i] === '[' ? arrayElements(text, i) : null
    i = skipSpace(text, skipValue(text, i))
    if (text[i] === ',') i = skipSpace(text, i + 1)
  }
  return found
}

function arrayElements(text: string, at: number): string[] {
  const elements: string[] = []
  let i = skipSpace(text, at + 1)
  while (i < text.length && text[i] !== ']') {
    const start = i
    i = skipValue(text, i)
    elements.push(text.slice(start, i))
    i = skipSpace(text, i)
    if (text[i] === ',') i = skipSpace(text, i + 1)
  }
  return elements
}

function skipSpace(text: string, at: number): number {
  let i = at
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break
    i++
  }
  return i
}

/** From the opening quote to just after the closing one. */
function skipString(text: string, at: number): number {
  let i = at + 1
  for (;;) {
    const quote = text.indexOf('"', i)
    if (quote < 0) return text.length
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    i = quote + 1
  }
}

function skipValue(text: string, at: number): number {
  const first = text[at]
  if (first === '"') return skipString(text, at)
  if (first === '{' || first === '[') {
    let depth = 0
    let i = at
    while (i < text.length) {
      const c = text[i]
      if (c === '"') {
        i = skipString(text, i)
        continue
      }
      if (c === '{' || c === '[') depth++
      else if (c === '}' || c === ']') {
        depth--
        if (depth === 0) return i + 1
      }
      i++
    }
    return i
  }
  let i = at
  while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++
  return i
}
