import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

// The Japanese font of the reports: BIZ UDPGothic (Morisawa, SIL Open Font License 1.1), a
// universal-design gothic with proportional Latin, as TrueType files from the npm package
// @expo-google-fonts/biz-udpgothic, so a fresh `npm ci` needs no system font. TrueType outlines:
// pdfkit embeds a subset of the glyphs used as a FontFile2 stream.

export type FontWeight = 'regular' | 'bold'

const FONT_FILES: Record<FontWeight, string> = {
  regular: '@expo-google-fonts/biz-udpgothic/400Regular/BIZUDPGothic_400Regular.ttf',
  bold: '@expo-google-fonts/biz-udpgothic/700Bold/BIZUDPGothic_700Bold.ttf',
}

const resolveFrom = createRequire(import.meta.url)
const fontBuffers = new Map<FontWeight, Buffer>()

/** The font file, read once per process (4.5 MB each). */
function fontBuffer(weight: FontWeight): Buffer {
  let buffer = fontBuffers.get(weight)
  if (buffer === undefined) {
    buffer = readFileSync(resolveFrom.resolve(FONT_FILES[weight]))
    fontBuffers.set(weight, buffer)
  }
  return buffer
}

// ---- one parsed font for every document ---------------------------------------------------
//
// pdfkit parses a font anew for every document (fontkit.create), decodes its metrics, shapes every
// run of text anew and decodes the outline of every glyph it subsets. For the feedback report of a
// national round (2,000 PDFs of three pages) that took 39 ms a PDF; sharing the work below brings
// it to 16 ms. A parsed fontkit font holds no per-document state (the subset and pdfkit's
// EmbeddedFont do), so the first document's font is kept and every later document gets an
// EmbeddedFont of it, sharing the shaped runs: pdfkit copies a glyph position before changing it.
// These are pdfkit 0.19 internals, checked at run time: should they change shape, nothing is
// shared and documents are only slower.

/** The parts of pdfkit's EmbeddedFont this module relies on (not in pdfkit's types). */
interface EmbeddedFont {
  font: ParsedFont
  layoutCache?: Record<string, unknown>
}

type EmbeddedFontClass = new (document: unknown, font: ParsedFont, id: string) => EmbeddedFont

interface ParsedFont {
  getGlyph(id: number, codePoints?: number[]): unknown
}

/** What pdfkit keeps of a document's fonts. */
interface DocumentFonts {
  _font?: unknown
  _fontFamilies?: Record<string, unknown>
  _fontCount?: number
}

interface DocumentWithFont {
  font(name: string): unknown
  registerFont(name: string, src: Buffer): unknown
}

interface SharedFont {
  parsed: ParsedFont
  EmbeddedFont: EmbeddedFontClass
  layoutCache: Record<string, unknown>
  documents: number
}

const sharedFonts = new Map<FontWeight, SharedFont>()
/** Shaped runs are kept for this many documents, then dropped, so a long-running server stays small. */
const LAYOUT_CACHE_DOCUMENTS = 500

/** Registers both weights under their names ('regular', 'bold') and leaves 'regular' selected. */
export function useReportFonts(doc: DocumentWithFont): void {
  for (const weight of ['bold', 'regular'] as const) {
    doc.registerFont(weight, fontBuffer(weight))
    if (openSharedFont(doc, weight)) continue
    doc.font(weight) // parses the font: the first document, or pdfkit's internals have changed
    keepFont(weight, (doc as DocumentFonts)._font)
  }
  doc.font('regular')
}

/** Puts an EmbeddedFont of the kept font where `doc.font(weight)` finds it. */
function openSharedFont(doc: DocumentWithFont, weight: FontWeight): boolean {
  const shared = sharedFonts.get(weight)
  const fonts = doc as DocumentFonts
  if (shared === undefined || typeof fonts._fontFamilies !== 'object' || typeof fonts._fontCount !== 'number') return false
  if (shared.documents >= LAYOUT_CACHE_DOCUMENTS) {
    shared.layoutCache = Object.create(null) as Record<string, unknown>
    shared.documents = 0
  }
  shared.documents += 1
  fonts._fontCount += 1
  const font = new shared.EmbeddedFont(doc, shared.parsed, `F${fonts._fontCount}`)
  font.layoutCache = shared.layoutCache
  fonts._fontFamilies[weight] = font
  return true
}

function keepFont(weight: FontWeight, embedded: unknown): void {
  if (!isEmbeddedFont(embedded) || embedded.layoutCache === undefined) return
  const parsed = embedded.font
  decodeGlyphsOnce(parsed)
  sharedFonts.set(weight, { parsed, EmbeddedFont: embedded.constructor as EmbeddedFontClass, layoutCache: embedded.layoutCache, documents: 1 })
}

/**
 * fontkit decodes a glyph's outline each time a subset takes the glyph, only to learn whether it
 * is composite; the outline of a static TrueType font never changes, so each glyph keeps its first.
 */
function decodeGlyphsOnce(parsed: ParsedFont): void {
  const getGlyph = parsed.getGlyph.bind(parsed)
  parsed.getGlyph = (id, codePoints) => {
    const glyph = getGlyph(id, codePoints)
    if (typeof glyph === 'object' && glyph !== null && '_decode' in glyph && typeof glyph._decode === 'function' && !Object.hasOwn(glyph, '_decode')) {
      const decode = glyph._decode.bind(glyph) as () => unknown
      let decoded: { value: unknown } | null = null
      Object.defineProperty(glyph, '_decode', { value: () => (decoded ??= { value: decode() }).value })
    }
    return glyph
  }
}

function isEmbeddedFont(value: unknown): value is EmbeddedFont {
  if (typeof value !== 'object' || value === null || !('font' in value) || !('subset' in value)) return false
  const font: unknown = value.font
  return typeof font === 'object' && font !== null && 'getGlyph' in font && typeof font.getGlyph === 'function' && 'createSubset' in font
}
