import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

export interface ReadPdf {
  pages: number
  /** The text runs as a reader finds them, in page order. */
  runs: string[]
  /** All the text with white space removed, so that wrapped lines read as one. */
  text: string
}

/** Opens a PDF with PDF.js, as a reader would, and takes its text through the ToUnicode maps. */
export async function readPdf(pdf: Buffer | Uint8Array): Promise<ReadPdf> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise
  const runs: string[] = []
  for (let number = 1; number <= doc.numPages; number += 1) {
    const content = await (await doc.getPage(number)).getTextContent()
    for (const item of content.items) if ('str' in item && item.str.trim() !== '') runs.push(item.str)
  }
  const pages = doc.numPages
  await doc.destroy()
  return { pages, runs, text: compact(runs.join('')) }
}

/** Text without white space. */
export function compact(text: string): string {
  return text.replace(/\s+/g, '')
}
