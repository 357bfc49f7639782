import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './kamae-server.js'

// Every screen speaks Japanese and English: both message files hold the same keys, and every key
// the SPA asks for with a literal t('…') exists. (Plural forms: en may add _one/_other to a key.)

type Messages = { [key: string]: string | Messages }

const webSrc = join(repoRoot, 'web', 'src')
const load = (lang: string) => JSON.parse(readFileSync(join(webSrc, 'i18n', `${lang}.json`), 'utf8')) as Messages

function flatten(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : flatten(value, `${prefix}${key}.`)))
}

const basePluralKey = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|tsx)$/.test(name) ? [path] : []
  })
}

describe('UI messages', () => {
  const ja = new Set(flatten(load('ja')).map(basePluralKey))
  const en = new Set(flatten(load('en')).map(basePluralKey))

  it('has the same keys in Japanese and English', () => {
    expect([...ja].filter((key) => !en.has(key))).toEqual([])
    expect([...en].filter((key) => !ja.has(key))).toEqual([])
  })

  it('has a message for every literal key the screens use', () => {
    const used = new Set<string>()
    for (const file of sourceFiles(webSrc)) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(match[1]!)
      for (const match of text.matchAll(/description: '(shortcuts\.[a-zA-Z]+)'/g)) used.add(match[1]!)
    }
    expect(used.size).toBeGreaterThan(100)
    expect([...used].filter((key) => !ja.has(key))).toEqual([])
  })

  it('has a message for every key the screens build from a code value', () => {
    const family = (prefix: string, values: string[]) => values.map((value) => `${prefix}.${value}`)
    const workflow = ['request-review', 'approve', 'return', 'reopen']
    const figures = ['score', 'progress', 'basicCompliance', 'desirableAdoption']
    const built = [
      ...family('roles', ['admin', 'editor', 'approver', 'viewer']),
      ...family('status', ['draft', 'in_review', 'approved']),
      ...family('signoff.explain', ['draft', 'in_review', 'approved']),
      ...family('signoff.step', ['created', 'reviewRequested', 'returned', 'approved']),
      ...family('signoff.done', workflow),
      ...family('signoff.refused', workflow),
      ...family('actionStatus', ['open', 'in_progress', 'done', 'cancelled']),
      ...family('crosswalk', ['csf', 'fisc', 'g7', 'fsb_cirr', 'bcbs', 'dora']),
      ...family('diffField', ['inScope', 'value', 'notApplicable', 'naReason', 'comment', 'evidence']),
      ...family('itemClass', ['basic.short', 'basic.long', 'desirable.short', 'desirable.long']),
      ...family('scores', figures),
      ...family('scores.help', figures),
      ...family('exchange.export', ['ja', 'en']),
      ...family('language', ['ja', 'en']),
    ]
    expect(built.filter((key) => !ja.has(key))).toEqual([])
  })
})
