import type { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { invalid, tooLarge } from '../errors.js'

// Files in and out of the API, the same for every module: one multipart upload read up to the
// configured limit, and downloads that a browser saves rather than renders.

/** Bytes sent as they are (Fastify never serializes a Buffer or a stream). */
export const Binary = Type.Unsafe<Buffer | Readable>({ type: 'string', format: 'binary' })

/** The one file of a multipart request, read into memory up to the upload limit. */
export async function readUploadedFile(request: FastifyRequest, limitBytes: number): Promise<{ filename: string; data: Buffer }> {
  const noFile = { ja: 'ファイルを multipart/form-data の file 欄で送ってください', en: 'Send the file as multipart/form-data in the field "file"' }
  if (!request.isMultipart()) throw invalid(noFile, [{ path: 'body.file', message: noFile }])
  const part = await request.file()
  if (!part) throw invalid(noFile, [{ path: 'body.file', message: noFile }])
  try {
    return { filename: part.filename, data: await part.toBuffer() }
  } catch (error) {
    if (error instanceof request.server.multipartErrors.RequestFileTooLargeError) throw tooLarge(limitBytes)
    throw error
  }
}

/** RFC 6266 §4 with RFC 8187 filename*: an ASCII fallback and the UTF-8 name for Japanese file names. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'download'
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

/** A stored file as a download: its own media type, never sniffed, never cached by shared caches. */
export function sendStoredFile(reply: FastifyReply, file: { filename: string; mediaType: string; sizeBytes: number; content: Readable | Buffer }) {
  return reply
    .header('content-type', file.mediaType)
    .header('content-length', file.sizeBytes)
    .header('content-disposition', contentDisposition(file.filename))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.content)
}

/**
 * A multipart upload of one file, for the OpenAPI document. @fastify/multipart reads the parts itself,
 * so the validator sees no body (null), which this schema lets through.
 */
export const fileUpload = (description: string) => ({
  content: {
    'multipart/form-data': {
      schema: { type: ['object', 'null'], properties: { file: { type: 'string', format: 'binary', description } }, required: ['file'] },
    },
  },
})
