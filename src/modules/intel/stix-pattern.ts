import type { Localized } from '../../i18n/locale.js'
import { isRealDate } from './stix-formats.js'

// A hand-written recursive-descent parser for STIX 2.1 patterns (OASIS STIX 2.1 §9, and the
// grammar STIXPattern.g4 the specification publishes). Precedence, loosest first:
//   observation expressions: FOLLOWEDBY < OR < AND < qualifiers (WITHIN, REPEATS, START/STOP)
//   comparison expressions (inside [ ]): OR < AND < NOT-prefixed comparisons
// A syntax error names its 1-based column (and offset) in ja and en: "column 17: expected ']'".

// ---------------------------------------------------------------------------------------------
// The AST

export type Constant =
  | { type: 'string'; value: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'timestamp'; value: string }
  | { type: 'hex'; value: string }
  | { type: 'binary'; value: string }

/** A step after the first property: `.name`, `.'quoted-name'`, `[3]`, `[-1]` or `[*]`. */
export type PathStep = { kind: 'property'; name: string } | { kind: 'index'; index: number | '*' }

export interface ObjectPath {
  objectType: string
  /** The first step is always a property (`value`, `hashes`, `extensions`). */
  steps: PathStep[]
}

export type ComparisonOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET'

export type ComparisonExpression =
  | { kind: 'comparison'; path: ObjectPath; operator: ComparisonOperator; negated: boolean; value: Constant | Constant[]; offset: number }
  | { kind: 'exists'; path: ObjectPath; offset: number }
  | { kind: 'and' | 'or'; operands: ComparisonExpression[] }

export type Qualifier = { kind: 'within'; seconds: number } | { kind: 'repeats'; times: number } | { kind: 'start-stop'; start: string; stop: string }

export type ObservationExpression =
  | { kind: 'observation'; comparison: ComparisonExpression; offset: number }
  | { kind: 'and' | 'or' | 'followedby'; operands: ObservationExpression[] }
  | { kind: 'qualified'; qualifier: Qualifier; expression: ObservationExpression }

export interface PatternSyntaxError {
  /** 0-based offset into the pattern. */
  offset: number
  /** 1-based line and column (patterns are normally one line). */
  line: number
  column: number
  message: Localized
}

export type PatternParseResult = { ok: true; pattern: ObservationExpression } | { ok: false; error: PatternSyntaxError }

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind =
  | 'keyword'
  | 'identifier'
  | 'string'
  | 'int'
  | 'float'
  | 'timestamp'
  | 'hex'
  | 'binary'
  | 'punct'
  | 'end'

interface Token {
  kind: TokenKind
  /** Keywords upper-case as written, punctuation as written, literals their decoded value. */
  text: string
  offset: number
  /** The token as it appears in the pattern (for messages). */
  source: string
}

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'LAST',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'TRUE',
  'FALSE',
  'WITHIN',
  'REPEATS',
  'TIMES',
])

// Two-character operators first so that `<=` is not read as `<` then `=`.
const PUNCTUATION = ['==', '!=', '<>', '<=', '>=', '=', '<', '>', '[', ']', '(', ')', ':', '.', ',', '*']

const TIMESTAMP_BODY = /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z$/
const BASE64_BODY = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)?$/

class SyntaxErrorAt extends Error {
  constructor(
    readonly offset: number,
    readonly localized: Localized,
  ) {
    super(localized.en)
  }
}

const describeToken = (token: Token): Localized =>
  token.kind === 'end' ? { ja: 'パターンの終わり', en: 'end of pattern' } : { ja: `「${token.source}」`, en: `"${token.source}"` }

class Lexer {
  private position = 0
  private peeked: Token | null = null

  constructor(private readonly text: string) {}

  peek(): Token {
    this.peeked ??= this.read()
    return this.peeked
  }

  next(): Token {
    const token = this.peek()
    this.peeked = null
    return token
  }

  private read(): Token {
    const text = this.text
    while (this.position < text.length && /\s/.test(text[this.position]!)) this.position++
    const start = this.position
    if (start >= text.length) return { kind: 'end', text: '', offset: start, source: '' }
    const char = text[start]!
    const after = text[start + 1]
    if (char === "'") return this.quoted(start, start, 'string')
    if ((char === 't' || char === 'h' || char === 'b') && after === "'") {
      return this.quoted(start, start + 1, char === 't' ? 'timestamp' : char === 'h' ? 'hex' : 'binary')
    }
    const number = /^[+-]?([0-9]*\.[0-9]+|0|[1-9][0-9]*)/.exec(text.slice(start))
    if (number && (/[0-9]/.test(char) || ((char === '-' || char === '+') && after !== undefined && /[0-9.]/.test(after)) || (char === '.' && after !== undefined && /[0-9]/.test(after)))) {
      this.position = start + number[0].length
      const isFloat = number[0].includes('.')
      return { kind: isFloat ? 'float' : 'int', text: number[0], offset: start, source: number[0] }
    }
    const word = /^[a-zA-Z_][a-zA-Z0-9_-]*/.exec(text.slice(start))
    if (word) {
      this.position = start + word[0].length
      const kind = KEYWORDS.has(word[0]) ? 'keyword' : 'identifier'
      return { kind, text: word[0], offset: start, source: word[0] }
    }
    for (const punct of PUNCTUATION) {
      if (text.startsWith(punct, start)) {
        this.position = start + punct.length
        return { kind: 'punct', text: punct, offset: start, source: punct }
      }
    }
    throw new SyntaxErrorAt(start, { ja: `使えない文字「${char}」があります`, en: `unexpected character "${char}"` })
  }

  /** A quoted literal; `'` and `\` are escaped by `\` (§9.4.1). */
  private quoted(start: number, quote: number, kind: 'string' | 'timestamp' | 'hex' | 'binary'): Token {
    const text = this.text
    let value = ''
    let i = quote + 1
    for (;;) {
      if (i >= text.length) {
        throw new SyntaxErrorAt(start, { ja: '文字列が「\'」で閉じられていません', en: "unterminated string: expected a closing \"'\"" })
      }
      const char = text[i]!
      if (char === "'") break
      if (char === '\\' && (text[i + 1] === "'" || text[i + 1] === '\\')) {
        value += text[i + 1]
        i += 2
        continue
      }
      // Any other backslash is kept as written: MATCHES regular expressions in published
      // indicators (`\.exe$`) rely on it, though the grammar only defines \' and \\.
      value += char
      i++
    }
    this.position = i + 1
    const source = text.slice(start, i + 1)
    if (kind === 'timestamp' && !(TIMESTAMP_BODY.test(value) && isRealDate(value))) {
      throw new SyntaxErrorAt(start, { ja: `タイムスタンプ ${source} が正しくありません（t'2016-01-01T00:00:00Z' の形式）`, en: `invalid timestamp ${source} (expected t'2016-01-01T00:00:00Z')` })
    }
    if (kind === 'hex' && !/^([0-9a-fA-F]{2})*$/.test(value)) {
      throw new SyntaxErrorAt(start, { ja: `16 進定数 ${source} が正しくありません（偶数個の 16 進数字）`, en: `invalid hex constant ${source} (an even number of hex digits)` })
    }
    if (kind === 'binary' && !BASE64_BODY.test(value)) {
      throw new SyntaxErrorAt(start, { ja: `バイナリ定数 ${source} が正しい Base64 ではありません`, en: `invalid binary constant ${source} (not base64)` })
    }
    return { kind, text: value, offset: start, source }
  }
}

// ---------------------------------------------------------------------------------------------
// The parser

const expected = (what: Localized, found: Token) =>
  new SyntaxErrorAt(found.offset, { ja: `${what.ja}が必要です（見つかったのは${describeToken(found).ja}）`, en: `expected ${what.en}` })

const q = (text: string): Localized => ({ ja: `「${text}」`, en: `'${text}'` })

class Parser {
  constructor(private readonly lexer: Lexer) {}

  pattern(): ObservationExpression {
    const expression = this.followedBy()
    const end = this.lexer.peek()
    if (end.kind !== 'end') {
      throw expected({ ja: 'AND、OR、FOLLOWEDBY、修飾子、またはパターンの終わり', en: 'AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern' }, end)
    }
    return expression
  }

  private isKeyword(word: string): boolean {
    const token = this.lexer.peek()
    return token.kind === 'keyword' && token.text === word
  }

  private isPunct(punct: string): boolean {
    const token = this.lexer.peek()
    return token.kind === 'punct' && token.text === punct
  }

  private expectPunct(punct: string): Token {
    if (!this.isPunct(punct)) throw expected(q(punct), this.lexer.peek())
    return this.lexer.next()
  }

  private expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw expected({ ja: word, en: word }, this.lexer.peek())
    return this.lexer.next()
  }

  // Observation expressions: FOLLOWEDBY < OR < AND.
  private followedBy(): ObservationExpression {
    return this.nary('followedby', 'FOLLOWEDBY', () => this.observationOr())
  }

  private observationOr(): ObservationExpression {
    return this.nary('or', 'OR', () => this.observationAnd())
  }

  private observationAnd(): ObservationExpression {
    return this.nary('and', 'AND', () => this.qualified())
  }

  private nary<K extends 'and' | 'or' | 'followedby'>(kind: K, keyword: string, operand: () => ObservationExpression): ObservationExpression {
    const operands = [operand()]
    while (this.isKeyword(keyword)) {
      this.lexer.next()
      operands.push(operand())
    }
    return operands.length === 1 ? operands[0]! : { kind, operands }
  }

  private qualified(): ObservationExpression {
    let expression = this.observation()
    for (;;) {
      if (this.isKeyword('WITHIN')) {
        this.lexer.next()
        const seconds = this.lexer.peek()
        if ((seconds.kind !== 'int' && seconds.kind !== 'float') || Number(seconds.text) <= 0) {
          throw expected({ ja: '正の秒数', en: 'a positive number of seconds' }, seconds)
        }
        this.lexer.next()
        this.expectKeyword('SECONDS')
        expression = { kind: 'qualified', qualifier: { kind: 'within', seconds: Number(seconds.text) }, expression }
      } else if (this.isKeyword('REPEATS')) {
        this.lexer.next()
        const times = this.lexer.peek()
        if (times.kind !== 'int' || Number(times.text) <= 0 || times.text.startsWith('-')) throw expected({ ja: '正の整数', en: 'a positive integer' }, times)
        this.lexer.next()
        this.expectKeyword('TIMES')
        expression = { kind: 'qualified', qualifier: { kind: 'repeats', times: Number(times.text) }, expression }
      } else if (this.isKeyword('START')) {
        this.lexer.next()
        const start = this.timestamp()
        this.expectKeyword('STOP')
        const stop = this.timestamp()
        expression = { kind: 'qualified', qualifier: { kind: 'start-stop', start, stop }, expression }
      } else {
        return expression
      }
    }
  }

  private timestamp(): string {
    const token = this.lexer.peek()
    if (token.kind !== 'timestamp') throw expected({ ja: "タイムスタンプ（t'…'）", en: "a timestamp (t'…')" }, token)
    return this.lexer.next().text
  }

  private observation(): ObservationExpression {
    const token = this.lexer.peek()
    if (this.isPunct('[')) {
      this.lexer.next()
      const comparison = this.comparisonOr()
      this.expectPunct(']')
      return { kind: 'observation', comparison, offset: token.offset }
    }
    if (this.isPunct('(')) {
      this.lexer.next()
      const inner = this.followedBy()
      this.expectPunct(')')
      return inner
    }
    throw expected({ ja: '「[」または「(」', en: "'[' or '('" }, token)
  }

  // Comparison expressions: OR < AND.
  private comparisonOr(): ComparisonExpression {
    const operands = [this.comparisonAnd()]
    while (this.isKeyword('OR')) {
      this.lexer.next()
      operands.push(this.comparisonAnd())
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands }
  }

  private comparisonAnd(): ComparisonExpression {
    const operands = [this.propertyTest()]
    while (this.isKeyword('AND')) {
      this.lexer.next()
      operands.push(this.propertyTest())
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands }
  }

  private propertyTest(): ComparisonExpression {
    const first = this.lexer.peek()
    if (this.isPunct('(')) {
      this.lexer.next()
      const inner = this.comparisonOr()
      this.expectPunct(')')
      return inner
    }
    if (this.isKeyword('EXISTS')) {
      this.lexer.next()
      return { kind: 'exists', path: this.objectPath(), offset: first.offset }
    }
    const path = this.objectPath()
    let negated = false
    if (this.isKeyword('NOT')) {
      this.lexer.next()
      negated = true
    }
    const operatorToken = this.lexer.peek()
    const operator = comparisonOperator(operatorToken)
    if (!operator) {
      throw expected(
        { ja: '比較演算子（=、!=、<、>、<=、>=、IN、LIKE、MATCHES、ISSUBSET、ISSUPERSET）', en: 'a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)' },
        operatorToken,
      )
    }
    this.lexer.next()
    return { kind: 'comparison', path, operator, negated, value: this.operand(operator), offset: first.offset }
  }

  /** §9.3.3: which constants each operator takes. */
  private operand(operator: ComparisonOperator): Constant | Constant[] {
    if (operator === 'IN') {
      this.expectPunct('(')
      const values: Constant[] = []
      if (!this.isPunct(')')) {
        values.push(this.constant(true))
        while (this.isPunct(',')) {
          this.lexer.next()
          values.push(this.constant(true))
        }
      }
      this.expectPunct(')')
      return values
    }
    if (operator === 'LIKE' || operator === 'MATCHES' || operator === 'ISSUBSET' || operator === 'ISSUPERSET') {
      const token = this.lexer.peek()
      if (token.kind !== 'string') throw expected({ ja: `文字列定数（${operator} の右辺）`, en: `a string constant after ${operator}` }, token)
      this.lexer.next()
      return { type: 'string', value: token.text }
    }
    return this.constant(operator === '=' || operator === '!=')
  }

  private constant(allowBoolean: boolean): Constant {
    const token = this.lexer.peek()
    switch (token.kind) {
      case 'string':
      case 'timestamp':
      case 'hex':
      case 'binary':
        this.lexer.next()
        return { type: token.kind, value: token.text }
      case 'int':
        this.lexer.next()
        return { type: 'int', value: Number(token.text) }
      case 'float':
        this.lexer.next()
        return { type: 'float', value: Number(token.text) }
      case 'keyword':
        if (allowBoolean && (token.text === 'TRUE' || token.text === 'FALSE')) {
          this.lexer.next()
          return { type: 'boolean', value: token.text === 'TRUE' }
        }
        break
      case 'identifier':
        // The grammar's boolean constants are lower-case too (true / false).
        if (allowBoolean && (token.text === 'true' || token.text === 'false')) {
          this.lexer.next()
          return { type: 'boolean', value: token.text === 'true' }
        }
        break
    }
    throw expected({ ja: '定数', en: 'a constant' }, token)
  }

  /** §9.3.2: `type:property(.property | .'quoted' | [index])*`. */
  private objectPath(): ObjectPath {
    const typeToken = this.lexer.peek()
    if (typeToken.kind !== 'identifier' || !/^[a-z0-9-]+$/.test(typeToken.text) || typeToken.text.length < 3) {
      throw expected({ ja: 'オブジェクトパス（例: ipv4-addr:value）', en: 'an object path (e.g. ipv4-addr:value)' }, typeToken)
    }
    this.lexer.next()
    this.expectPunct(':')
    const steps: PathStep[] = [{ kind: 'property', name: this.propertyName() }]
    for (;;) {
      if (this.isPunct('.')) {
        this.lexer.next()
        steps.push({ kind: 'property', name: this.propertyName() })
      } else if (this.isPunct('[')) {
        this.lexer.next()
        const index = this.lexer.peek()
        if (index.kind === 'punct' && index.text === '*') steps.push({ kind: 'index', index: '*' })
        else if (index.kind === 'int') steps.push({ kind: 'index', index: Number(index.text) })
        else throw expected({ ja: 'リストの添字（整数または *）', en: 'a list index (an integer or *)' }, index)
        this.lexer.next()
        this.expectPunct(']')
      } else {
        return { objectType: typeToken.text, steps }
      }
    }
  }

  private propertyName(): string {
    const token = this.lexer.peek()
    // A name with a hyphen must be quoted: hashes.'SHA-256', extensions.'windows-pebinary-ext'.
    if (token.kind === 'identifier' && !token.text.includes('-')) return this.lexer.next().text
    if (token.kind === 'string') return this.lexer.next().text
    if (token.kind === 'identifier') {
      throw new SyntaxErrorAt(token.offset, {
        ja: `「-」を含む名前は引用符で囲みます（'${token.text}'）`,
        en: `expected a property name: a name with "-" must be quoted ('${token.text}')`,
      })
    }
    throw expected({ ja: 'プロパティ名', en: 'a property name' }, token)
  }
}

function comparisonOperator(token: Token): ComparisonOperator | null {
  if (token.kind === 'punct') {
    switch (token.text) {
      case '=':
      case '==':
        return '='
      case '!=':
      case '<>':
        return '!='
      case '<':
      case '>':
      case '<=':
      case '>=':
        return token.text
    }
    return null
  }
  if (token.kind === 'keyword' && ['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'].includes(token.text)) return token.text as ComparisonOperator
  return null
}

/** Parses a STIX 2.1 pattern; a syntax error names its column. */
export function parsePattern(text: string): PatternParseResult {
  try {
    return { ok: true, pattern: new Parser(new Lexer(text)).pattern() }
  } catch (error) {
    if (!(error instanceof SyntaxErrorAt)) throw error
    const before = text.slice(0, error.offset)
    const line = before.split('\n').length
    const column = error.offset - (before.lastIndexOf('\n') + 1) + 1
    const where = line > 1 ? { ja: `${line} 行 ${column} 文字目`, en: `line ${line}, column ${column}` } : { ja: `${column} 文字目`, en: `column ${column}` }
    return {
      ok: false,
      error: { offset: error.offset, line, column, message: { ja: `${where.ja}: ${error.localized.ja}`, en: `${where.en}: ${error.localized.en}` } },
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Observables an indicator names

/** The observable kinds the matcher indexes. */
export type ObservableKind = 'ipv4' | 'ipv6' | 'domain' | 'url' | 'email' | 'md5' | 'sha1' | 'sha256'

/**
 * One comparison of an indicator that names an observable value: `=` and `IN` (an exact value),
 * `ISSUBSET` (a CIDR range), `LIKE` and `MATCHES` (the matcher turns domain-suffix forms into
 * suffix rules). Negated comparisons and `!=` name nothing and are left out.
 */
export interface NamedObservable {
  kind: ObservableKind
  /** The STIX object type and path as written, hash names normalised: `file`, `hashes.SHA-256`. */
  objectType: string
  path: string
  operator: '=' | 'ISSUBSET' | 'LIKE' | 'MATCHES'
  value: string
}

const HASH_KINDS: Record<string, ObservableKind> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256' }

/** `sha256`, `SHA256`, `Sha-256` -> `SHA-256` (hash-algorithm-ov spelling). */
export function normaliseHashName(name: string): string {
  const upper = name.toUpperCase().replace(/_/g, '-')
  const match = /^SHA-?(1|224|256|384|512)$/.exec(upper)
  if (match) return `SHA-${match[1]}`
  const sha3 = /^SHA3-?(224|256|384|512)$/.exec(upper)
  if (sha3) return `SHA3-${sha3[1]}`
  return upper
}

function observableKind(path: ObjectPath): { kind: ObservableKind; path: string } | null {
  const [first, second, ...rest] = path.steps
  if (first?.kind !== 'property') return null
  if (first.name === 'value' && second === undefined) {
    const kind = ({ 'ipv4-addr': 'ipv4', 'ipv6-addr': 'ipv6', 'domain-name': 'domain', url: 'url', 'email-addr': 'email' } as const)[path.objectType as 'url']
    return kind ? { kind, path: 'value' } : null
  }
  if (path.objectType === 'file' && first.name === 'hashes' && second?.kind === 'property' && rest.length === 0) {
    const name = normaliseHashName(second.name)
    const kind = HASH_KINDS[name]
    return kind ? { kind, path: `hashes.${name}` } : null
  }
  return null
}

/** Every observable value a pattern names positively (see NamedObservable), in pattern order. */
export function observablesOf(pattern: ObservationExpression): NamedObservable[] {
  const found: NamedObservable[] = []
  const visitComparison = (expression: ComparisonExpression): void => {
    if (expression.kind === 'and' || expression.kind === 'or') return expression.operands.forEach(visitComparison)
    if (expression.kind !== 'comparison' || expression.negated) return
    const target = observableKind(expression.path)
    if (!target) return
    const base = { kind: target.kind, objectType: expression.path.objectType, path: target.path }
    const { operator, value } = expression
    if ((operator === '=' || operator === 'IN') && Array.isArray(value)) {
      for (const item of value) if (item.type === 'string') found.push({ ...base, operator: '=', value: item.value })
    } else if (!Array.isArray(value) && value.type === 'string' && (operator === '=' || operator === 'ISSUBSET' || operator === 'LIKE' || operator === 'MATCHES')) {
      found.push({ ...base, operator, value: value.value })
    }
  }
  const visit = (expression: ObservationExpression): void => {
    if (expression.kind === 'observation') visitComparison(expression.comparison)
    else if (expression.kind === 'qualified') visit(expression.expression)
    else expression.operands.forEach(visit)
  }
  visit(pattern)
  return found
}
