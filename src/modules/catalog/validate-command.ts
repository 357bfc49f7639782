// `kamae catalog validate <path> [--json]`: what a catalog author runs before committing content.
// The CLI only prints `output` and exits with `exitCode`; everything else happens here.

import { formatSummary, summarizeCatalog } from './catalog-summary.js'
import { loadCatalog, type CatalogError } from './load-catalog.js'

export interface CatalogValidateOptions {
  json: boolean
  lang: 'ja' | 'en'
}

export interface CommandResult {
  exitCode: number
  output: string
}

export async function runCatalogValidate(path: string, opts: CatalogValidateOptions): Promise<CommandResult> {
  const result = await loadCatalog(path)
  if (result.ok) {
    const summary = summarizeCatalog(result.catalog)
    const output = opts.json ? JSON.stringify({ ok: true, summary }, null, 2) : formatSummary(summary, opts.lang)
    return { exitCode: 0, output }
  }
  const output = opts.json
    ? JSON.stringify({ ok: false, errors: result.errors }, null, 2)
    : [...result.errors.map((error) => formatCatalogError(error, opts.lang)), errorCount(result.errors.length, opts.lang)].join('\n')
  return { exitCode: 1, output }
}

/** `file:line:column path: message`, the shape editors and CI annotations turn into links. */
export function formatCatalogError(error: CatalogError, lang: 'ja' | 'en'): string {
  const place = [error.file, error.line, error.column].filter((part) => part !== null).join(':')
  return error.path ? `${place} ${error.path}: ${error.message[lang]}` : `${place}: ${error.message[lang]}`
}

function errorCount(count: number, lang: 'ja' | 'en'): string {
  if (lang === 'ja') return `${count} 件のエラーがあります`
  return count === 1 ? '1 error' : `${count} errors`
}
