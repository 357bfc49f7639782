import { describe, expect, it } from 'vitest'
import { contentDisposition } from '../../http/files.js'
import { checkEvidenceType, cleanFilename } from './evidence.js'

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])
const EXE = Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1')
const MSG = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])
const officePackage = (part: string) => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from(`....[Content_Types].xml....PK\x03\x04..${part}document.xml`, 'latin1')])

describe('evidence file types', () => {
  it('accepts a PDF by extension and signature, stored as application/pdf', () => {
    expect(checkEvidenceType('規程.pdf', PDF)).toEqual({ ok: true, mediaType: 'application/pdf', extension: 'pdf' })
  })

  it('accepts upper-case extensions', () => {
    expect(checkEvidenceType('SCAN.JPG', JPEG)).toMatchObject({ ok: true, mediaType: 'image/jpeg' })
  })

  it('refuses an extension outside the list, naming what is accepted', () => {
    const verdict = checkEvidenceType('tool.exe', EXE)
    expect(verdict).toMatchObject({ ok: false, problem: 'extension' })
    if (!verdict.ok) expect(verdict.message.en).toContain('pdf, png')
  })

  it('refuses a file without an extension', () => {
    expect(checkEvidenceType('README', Buffer.from('hello'))).toMatchObject({ ok: false, problem: 'extension' })
  })

  it('refuses a PNG name on PDF content', () => {
    expect(checkEvidenceType('screenshot.png', PDF)).toMatchObject({ ok: false, problem: 'content' })
  })

  it('refuses an executable renamed to .pdf', () => {
    expect(checkEvidenceType('invoice.pdf', EXE)).toMatchObject({ ok: false, problem: 'content' })
  })

  it('accepts plain text, including Shift_JIS CSV', () => {
    const shiftJis = Buffer.from([0x8d, 0x80, 0x96, 0xda, 0x2c, 0x92, 0x6c, 0x0a]) // 項目,値
    expect(checkEvidenceType('export.csv', shiftJis)).toMatchObject({ ok: true, mediaType: 'text/csv' })
    expect(checkEvidenceType('notes.txt', Buffer.from('議事録\n'))).toMatchObject({ ok: true, mediaType: 'text/plain' })
  })

  it('refuses binary content under a text extension', () => {
    expect(checkEvidenceType('notes.txt', PNG)).toMatchObject({ ok: false, problem: 'content' })
    expect(checkEvidenceType('data.json', Buffer.from([0x7b, 0x00, 0x7d]))).toMatchObject({ ok: false, problem: 'content' })
  })

  it('tells Office documents apart by the parts inside the ZIP', () => {
    expect(checkEvidenceType('plan.docx', officePackage('word/'))).toMatchObject({ ok: true })
    expect(checkEvidenceType('plan.xlsx', officePackage('word/'))).toMatchObject({ ok: false, problem: 'content' })
    expect(checkEvidenceType('deck.pptx', officePackage('ppt/'))).toMatchObject({ ok: true })
  })

  it('accepts a ZIP archive and an Outlook message', () => {
    expect(checkEvidenceType('logs.zip', officePackage('logs/'))).toMatchObject({ ok: true, mediaType: 'application/zip' })
    expect(checkEvidenceType('mail.msg', MSG)).toMatchObject({ ok: true, mediaType: 'application/vnd.ms-outlook' })
  })

  it('accepts an e-mail saved as .eml', () => {
    expect(checkEvidenceType('notice.eml', Buffer.from('From: a@example.jp\r\nSubject: test\r\n\r\nbody'))).toMatchObject({ ok: true, mediaType: 'message/rfc822' })
  })

  it('explains a mismatch in Japanese and English', () => {
    const verdict = checkEvidenceType('photo.gif', PNG)
    expect(verdict.ok).toBe(false)
    if (!verdict.ok) {
      expect(verdict.message.ja).toContain('拡張子')
      expect(verdict.message.en).toContain('does not match')
    }
  })
})

describe('evidence file names', () => {
  it('keeps only the last path segment', () => {
    expect(cleanFilename('C:\\Users\\me\\..\\規程.pdf')).toBe('規程.pdf')
    expect(cleanFilename('../../etc/passwd.txt')).toBe('passwd.txt')
  })

  it('drops control characters and quotes', () => {
    expect(cleanFilename('a\r\n"b".pdf')).toBe('ab.pdf')
  })

  it('shortens a long name but keeps the extension', () => {
    const name = cleanFilename(`${'x'.repeat(300)}.pdf`)
    expect(name).toHaveLength(200)
    expect(name.endsWith('.pdf')).toBe(true)
  })

  it('sends a Japanese name as RFC 8187 filename* with an ASCII fallback', () => {
    expect(contentDisposition('規程 v2.pdf')).toBe(`attachment; filename="__ v2.pdf"; filename*=UTF-8''%E8%A6%8F%E7%A8%8B%20v2.pdf`)
  })
})
