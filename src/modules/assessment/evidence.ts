import type { Localized } from '../../i18n/locale.js'

// Which evidence files Kamae accepts (DESIGN.md §7: uploads type-checked). Pure: a file name and
// the first bytes in, a verdict out. The extension names the type; where the type has a signature
// ("magic bytes") the content must carry it, so a renamed executable or a PDF called .png is refused.
// Text types have no signature: they must look like text (no NUL byte) and not start with the
// signature of a binary type. The stored media type always comes from this table, never from the
// client's Content-Type, so a download never tells the browser something the check did not verify.

type ContentCheck = (head: Buffer) => boolean

const startsWith =
  (...signatures: (string | number[])[]): ContentCheck =>
  (head) =>
    signatures.some((signature) => {
      const bytes = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature)
      return head.length >= bytes.length && head.subarray(0, bytes.length).equals(bytes)
    })

// PKWARE APPNOTE §4.3.7 (local file header) and §4.3.16 (end of central directory: an empty archive).
const isZip = startsWith('PK\x03\x04', 'PK\x05\x06')
// ECMA-376 Part 2: an OOXML package is a ZIP whose part names sit in the local headers uncompressed.
const isOfficePackage =
  (partPrefix: string): ContentCheck =>
  (head) =>
    isZip(head) && head.includes(Buffer.from('[Content_Types].xml', 'latin1')) && head.includes(Buffer.from(partPrefix, 'latin1'))
// [MS-CFB] §2.2: compound file header signature (Outlook .msg).
const isCompoundFile = startsWith([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
const isPdf = startsWith('%PDF-')
const isPng = startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const isJpeg = startsWith([0xff, 0xd8, 0xff])
const isGif = startsWith('GIF87a', 'GIF89a')
const isExecutable = startsWith('MZ', '\x7fELF', [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe])

const BINARY_SIGNATURES: ContentCheck[] = [isZip, isCompoundFile, isPdf, isPng, isJpeg, isGif, isExecutable]

const isText: ContentCheck = (head) => !head.includes(0) && !BINARY_SIGNATURES.some((check) => check(head))

interface EvidenceType {
  mediaType: string
  matches: ContentCheck
}

const EVIDENCE_TYPES: Record<string, EvidenceType> = {
  pdf: { mediaType: 'application/pdf', matches: isPdf },
  png: { mediaType: 'image/png', matches: isPng },
  jpg: { mediaType: 'image/jpeg', matches: isJpeg },
  jpeg: { mediaType: 'image/jpeg', matches: isJpeg },
  gif: { mediaType: 'image/gif', matches: isGif },
  txt: { mediaType: 'text/plain', matches: isText },
  csv: { mediaType: 'text/csv', matches: isText },
  json: { mediaType: 'application/json', matches: isText },
  xml: { mediaType: 'application/xml', matches: isText },
  eml: { mediaType: 'message/rfc822', matches: isText },
  msg: { mediaType: 'application/vnd.ms-outlook', matches: isCompoundFile },
  zip: { mediaType: 'application/zip', matches: isZip },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', matches: isOfficePackage('xl/') },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', matches: isOfficePackage('word/') },
  pptx: { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', matches: isOfficePackage('ppt/') },
}

export const ALLOWED_EXTENSIONS = Object.keys(EVIDENCE_TYPES)

/** How many leading bytes the check reads; OOXML part names sit in the first local headers. */
export const SNIFF_BYTES = 64 * 1024

export type EvidenceTypeVerdict =
  | { ok: true; mediaType: string; extension: string }
  | { ok: false; problem: 'extension' | 'content'; extension: string; message: Localized }

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.')
  return dot <= 0 ? '' : filename.slice(dot + 1).toLowerCase()
}

const allowedList = ALLOWED_EXTENSIONS.join(', ')

export function checkEvidenceType(filename: string, data: Buffer): EvidenceTypeVerdict {
  const extension = extensionOf(filename)
  const type = EVIDENCE_TYPES[extension]
  if (!type) {
    return {
      ok: false,
      problem: 'extension',
      extension,
      message: {
        ja: `この種類のファイル（${extension ? `.${extension}` : '拡張子なし'}）は証跡として登録できません。登録できる形式: ${allowedList}`,
        en: `This kind of file (${extension ? `.${extension}` : 'no extension'}) cannot be evidence. Accepted: ${allowedList}`,
      },
    }
  }
  if (!type.matches(data.subarray(0, SNIFF_BYTES))) {
    return {
      ok: false,
      problem: 'content',
      extension,
      message: {
        ja: `ファイルの内容が拡張子（.${extension}）と一致しません。正しい形式のファイルか確認してください`,
        en: `The file's content does not match its extension (.${extension}): check that the file is what its name says`,
      },
    }
  }
  return { ok: true, mediaType: type.mediaType, extension }
}

/**
 * A file name safe to store and to send back: the last path segment, without control characters,
 * at most 200 characters (keeping the extension).
 */
export function cleanFilename(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (raw.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim()
  if (base.length <= 200) return base
  const extension = extensionOf(base)
  const suffix = extension ? `.${extension}` : ''
  return base.slice(0, 200 - suffix.length) + suffix
}

