import { describe, expect, it } from 'vitest'
import { normaliseHashName, observablesOf, parsePattern, type ObservationExpression } from './stix-pattern.js'

function parsed(text: string): ObservationExpression {
  const result = parsePattern(text)
  if (!result.ok) throw new Error(`${text}: ${result.error.message.en}`)
  return result.pattern
}

// Patterns in the forms of the STIX 2.1 specification's examples (§9.9 and the object sections).
const VALID = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4']",
  "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
  "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008']",
  "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
  "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
  "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
  "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
  "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
  "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
  "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
  "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
  "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
  "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
  "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']",
  "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
  "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
  "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 180 SECONDS",
  "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "([file:name = 'a.exe'] AND [file:name = 'b.exe']) OR [file:name = 'c.exe'] FOLLOWEDBY [file:name = 'd.exe']",
  "[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2', '198.51.100.3')]",
  "[ipv4-addr:value NOT IN ()]",
  "[file:size >= 1024 AND file:size <= -0.5 AND file:size < +3 AND file:size != 7 AND file:size <> 8]",
  "[file:is_encrypted = true AND file:x_flag == FALSE]",
  "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
  "[domain-name:value LIKE '%.evil.example' AND domain-name:value NOT = 'good.evil.example']",
  "[process:environment_variables ISSUPERSET 'PATH']",
  "[EXISTS windows-registry-key:values[0].name]",
  "[file:name = 'it\\'s here']",
  "[network-traffic:protocols[-1] = 'tls']",
]

describe('parsePattern accepts STIX 2.1 patterns', () => {
  it.each(VALID)('%s', (text) => {
    const result = parsePattern(text)
    expect(result.ok ? 'ok' : result.error.message.en).toBe('ok')
  })
})

describe('the AST of a pattern', () => {
  it('binds AND tighter than OR, and OR tighter than FOLLOWEDBY, between observations', () => {
    const ast = parsed("[a-b:x = 1] AND [a-b:x = 2] OR [a-b:x = 3] FOLLOWEDBY [a-b:x = 4]")
    expect(ast.kind).toBe('followedby')
    if (ast.kind !== 'followedby') return
    const [first, second] = ast.operands
    expect(first?.kind).toBe('or')
    if (first?.kind === 'or') expect(first.operands.map((o) => o.kind)).toEqual(['and', 'observation'])
    expect(second?.kind).toBe('observation')
  })

  it('binds AND tighter than OR inside an observation, and parentheses override it', () => {
    const flat = parsed('[a-b:x = 1 OR a-b:x = 2 AND a-b:y = 3]')
    expect(flat.kind === 'observation' && flat.comparison.kind).toBe('or')
    const grouped = parsed('[(a-b:x = 1 OR a-b:x = 2) AND a-b:y = 3]')
    expect(grouped.kind === 'observation' && grouped.comparison.kind).toBe('and')
  })

  it('reads object paths with quoted names, list indexes and extensions', () => {
    const ast = parsed("[file:extensions.'windows-pebinary-ext'.sections[*].hashes.'SHA-256' = 'ab']")
    expect(ast.kind === 'observation' && ast.comparison.kind === 'comparison' && ast.comparison.path).toEqual({
      objectType: 'file',
      steps: [
        { kind: 'property', name: 'extensions' },
        { kind: 'property', name: 'windows-pebinary-ext' },
        { kind: 'property', name: 'sections' },
        { kind: 'index', index: '*' },
        { kind: 'property', name: 'hashes' },
        { kind: 'property', name: 'SHA-256' },
      ],
    })
  })

  it('decodes constants: escapes, numbers, booleans, timestamps, hex and binary', () => {
    const ast = parsed("[a-b:s = 'it\\'s \\\\ ok' AND a-b:i = -12 AND a-b:f = 3.5 AND a-b:b = true AND a-b:t = t'2016-01-01T00:00:00.123Z' AND a-b:h = h'0aFF' AND a-b:x = b'AAEC']")
    const values = ast.kind === 'observation' && ast.comparison.kind === 'and' ? ast.comparison.operands.map((c) => (c.kind === 'comparison' ? c.value : null)) : []
    expect(values).toEqual([
      { type: 'string', value: "it's \\ ok" },
      { type: 'int', value: -12 },
      { type: 'float', value: 3.5 },
      { type: 'boolean', value: true },
      { type: 'timestamp', value: '2016-01-01T00:00:00.123Z' },
      { type: 'hex', value: '0aFF' },
      { type: 'binary', value: 'AAEC' },
    ])
  })

  it('applies qualifiers to the observation before them, in order', () => {
    const ast = parsed("[a-b:x = 1] REPEATS 2 TIMES WITHIN 10.5 SECONDS")
    expect(ast).toMatchObject({ kind: 'qualified', qualifier: { kind: 'within', seconds: 10.5 }, expression: { kind: 'qualified', qualifier: { kind: 'repeats', times: 2 } } })
    const startStop = parsed("[a-b:x = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'")
    expect(startStop).toMatchObject({ qualifier: { kind: 'start-stop', start: '2016-06-01T00:00:00Z', stop: '2016-07-01T00:00:00Z' } })
  })

  it('records NOT on the comparison it negates', () => {
    const ast = parsed("[ipv4-addr:value NOT = '1.2.3.4']")
    expect(ast.kind === 'observation' && ast.comparison).toMatchObject({ operator: '=', negated: true })
  })
})

describe('parsePattern reports the column of a syntax error', () => {
  // [pattern, 1-based column, what the message says]
  const INVALID: Array<[string, number, string]> = [
    ["[ipv4-addr:value = '10.0.0.1'", 30, "expected ']'"],
    ["[ipv4-addr:value = '10.0.0.1' AND]", 34, 'expected an object path'],
    ["ipv4-addr:value = '10.0.0.1'", 1, "expected '[' or '('"],
    ["[ipv4-addr:value '10.0.0.1']", 18, 'expected a comparison operator'],
    ["[ipv4-addr:value = ]", 20, 'expected a constant'],
    ["[ipv4-addr:value = '10.0.0.1]", 20, 'unterminated string'],
    ["[file:hashes.SHA-256 = 'abc']", 14, 'must be quoted'],
    ["[file:size > true]", 14, 'expected a constant'],
    ["[file:name LIKE 5]", 17, 'expected a string constant after LIKE'],
    ["[file:name IN 'a']", 15, "expected '('"],
    ["[file:name IN ('a' 'b')]", 20, "expected ')'"],
    ["[file:name = 'a'] WITHIN SECONDS", 26, 'expected a positive number of seconds'],
    ["[file:name = 'a'] WITHIN 0 SECONDS", 26, 'expected a positive number of seconds'],
    ["[file:name = 'a'] WITHIN 5", 27, 'expected SECONDS'],
    ["[file:name = 'a'] REPEATS 2.5 TIMES", 27, 'expected a positive integer'],
    ["[file:name = 'a'] START '2016-01-01T00:00:00Z' STOP t'2016-01-02T00:00:00Z'", 25, "expected a timestamp (t'…')"],
    ["[file:created = t'2016-02-30T00:00:00Z']", 17, 'invalid timestamp'],
    ["[file:magic_number_hex = h'abc']", 26, 'invalid hex constant'],
    ["[artifact:payload_bin = b'abc']", 25, 'invalid binary constant'],
    ["[file:name = 'a'] [file:name = 'b']", 19, 'expected AND, OR, FOLLOWEDBY'],
    ["[file:name = 'a'] AND", 22, "expected '[' or '('"],
    ["[file:name = 'a'] & [file:name = 'b']", 19, 'unexpected character "&"'],
    ["[file:list[x] = 'a']", 12, 'expected a list index'],
    ["([file:name = 'a']", 19, "expected ')'"],
    ["[:name = 'a']", 2, 'expected an object path'],
    ['', 1, "expected '[' or '('"],
  ]

  it.each(INVALID)('%s -> column %i', (text, column, message) => {
    const result = parsePattern(text)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.column).toBe(column)
    expect(result.error.offset).toBe(column - 1)
    expect(result.error.message.en).toContain(`column ${column}: `)
    expect(result.error.message.en).toContain(message)
    expect(result.error.message.ja).toContain(`${column} 文字目`)
  })

  it('gives line and column when a pattern spans lines', () => {
    const result = parsePattern("[file:name = 'a']\nAND [file:name = ]")
    expect(result.ok).toBe(false)
    if (!result.ok) expect([result.error.line, result.error.column, result.error.message.en]).toEqual([2, 18, 'line 2, column 18: expected a constant'])
  })
})

describe('observablesOf', () => {
  it('lists the equality comparisons on the indexed observable paths, hash names normalised', () => {
    const ast = parsed(
      "[ipv4-addr:value = '198.51.100.7' OR ipv6-addr:value = '2001:db8::1'] OR [domain-name:value = 'evil.example' AND url:value = 'http://evil.example/a'] " +
        "FOLLOWEDBY [email-addr:value = 'x@evil.example' OR file:hashes.md5 = 'AB' OR file:hashes.'SHA-1' = 'CD' OR file:hashes.SHA256 = 'EF']",
    )
    expect(observablesOf(ast).map((o) => [o.kind, o.objectType, o.path, o.operator, o.value])).toEqual([
      ['ipv4', 'ipv4-addr', 'value', '=', '198.51.100.7'],
      ['ipv6', 'ipv6-addr', 'value', '=', '2001:db8::1'],
      ['domain', 'domain-name', 'value', '=', 'evil.example'],
      ['url', 'url', 'value', '=', 'http://evil.example/a'],
      ['email', 'email-addr', 'value', '=', 'x@evil.example'],
      ['md5', 'file', 'hashes.MD5', '=', 'AB'],
      ['sha1', 'file', 'hashes.SHA-1', '=', 'CD'],
      ['sha256', 'file', 'hashes.SHA-256', '=', 'EF'],
    ])
  })

  it('expands IN, keeps ISSUBSET, LIKE and MATCHES, and leaves out negations and other paths', () => {
    const ast = parsed(
      "[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2') AND ipv4-addr:value ISSUBSET '10.0.0.0/8' AND domain-name:value LIKE '%.evil.example'" +
        " AND domain-name:value MATCHES '\\\\.bad\\\\.example$' AND ipv4-addr:value != '192.0.2.9' AND ipv4-addr:value NOT = '192.0.2.8'" +
        " AND network-traffic:dst_ref.value = '192.0.2.7' AND file:name = 'x.exe' AND file:hashes.'SHA-512' = 'ff']",
    )
    expect(observablesOf(ast).map((o) => [o.operator, o.value])).toEqual([
      ['=', '192.0.2.1'],
      ['=', '192.0.2.2'],
      ['ISSUBSET', '10.0.0.0/8'],
      ['LIKE', '%.evil.example'],
      ['MATCHES', '\\.bad\\.example$'],
    ])
  })

  it('looks inside qualified observations', () => {
    expect(observablesOf(parsed("[url:value = 'http://a.example/'] REPEATS 3 TIMES"))).toHaveLength(1)
  })

  it('normalises hash algorithm spellings', () => {
    expect(['sha256', 'SHA256', 'Sha-256', 'sha_256'].map(normaliseHashName)).toEqual(['SHA-256', 'SHA-256', 'SHA-256', 'SHA-256'])
    expect(['md5', 'sha1', 'SHA-1', 'sha3-256'].map(normaliseHashName)).toEqual(['MD5', 'SHA-1', 'SHA-1', 'SHA3-256'])
  })
})
