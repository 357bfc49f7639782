import { describe, expect, it } from 'vitest'
import { extractObservables } from './extract.js'

const found = (text: string) => extractObservables(text).map(({ kind, value }) => `${kind} ${value}`)

describe('extractObservables', () => {
  it('finds addresses, names, URLs, e-mail addresses and hashes in a log line', () => {
    const line =
      '2024-04-01T09:30:00.123Z web01 src=192.0.2.33:51234 dst=[2001:db8::7]:443 user=alice@example.org ' +
      'url="https://login.evil.example:8443/a?q=1" sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    expect(found(line)).toEqual([
      'ipv4 192.0.2.33',
      'ipv6 2001:db8::7',
      'email alice@example.org',
      'domain example.org',
      'url https://login.evil.example:8443/a?q=1',
      'domain login.evil.example',
      'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ])
  })

  it('finds IPv6 addresses in their compressed, full, embedded-IPv4 and zoned forms', () => {
    expect(found('a ::1 b 2001:0db8:0000:0000:0000:0000:0000:0001 c ::ffff:192.0.2.1 d fe80::1%eth0 e 1:2:3:4:5:6:7:8')).toEqual([
      'ipv6 ::1',
      'ipv6 2001:0db8:0000:0000:0000:0000:0000:0001',
      'ipv6 ::ffff:192.0.2.1',
      'ipv6 fe80::1',
      'ipv6 1:2:3:4:5:6:7:8',
    ])
  })

  it('reads past a colon that only ends a token: mailto:, host:port, key:value', () => {
    expect(found('mailto:bob@evil.example evil.example:8443 10.0.0.1:22 md5:d41d8cd98f00b204e9800998ecf8427e')).toEqual([
      'email bob@evil.example',
      'domain evil.example',
      'domain evil.example',
      'ipv4 10.0.0.1',
      'md5 d41d8cd98f00b204e9800998ecf8427e',
    ])
  })

  it('takes no IPv6 address out of a longer token', () => {
    expect(found('2001:db8::7xyz and 1:2:3:4:5:6:7:8:9 and 2001:db8:0:0:0:0:0:0:1 and at 2001:db8::7.')).toEqual(['ipv6 2001:db8::7'])
  })

  it('does not take times, MAC addresses or version numbers for addresses', () => {
    expect(found('at 09:30:00 mac 00:1b:63:84:45:e6 version 1.2.3 and 1.2.3.4.5 and 010.0.0.1 and 256.1.1.1')).toEqual([])
  })

  it('finds hashes of the three lengths, alone or after a colon, and nothing of other lengths', () => {
    const md5 = 'D41D8CD98F00B204E9800998ECF8427E'
    const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'
    expect(found(`md5:${md5} sha1 ${sha1} short ${md5.slice(1)} long ${md5}0 word ${'g'.repeat(32)}`)).toEqual([`md5 ${md5}`, `sha1 ${sha1}`])
  })

  it('ends URLs at quotes, spaces and brackets, and drops trailing punctuation', () => {
    expect(found('see (http://evil.example/x.php?a=1&b=2), then <https://10.9.8.7/p>. and HTTPS://Evil.Example/Y.')).toEqual([
      'url http://evil.example/x.php?a=1&b=2',
      'domain evil.example',
      'url https://10.9.8.7/p',
      'ipv4 10.9.8.7',
      'url HTTPS://Evil.Example/Y',
      'domain Evil.Example',
    ])
  })

  it('takes the host of a URL after user information, and an IPv6 host in brackets', () => {
    expect(found('ftp://user:pw@files.evil.example/pub http://[2001:db8::1]:8080/')).toEqual([
      'url ftp://user:pw@files.evil.example/pub',
      'domain files.evil.example',
      'url http://[2001:db8::1]:8080/',
      'ipv6 2001:db8::1',
    ])
  })

  it('reads domain names but not numbers with a dot, and drops a sentence-ending dot', () => {
    expect(found('resolved www.Example.COM. and 3.14 and _dmarc.example.net and a.b and x.1a')).toEqual(['domain www.Example.COM', 'domain _dmarc.example.net'])
  })

  it('reads e-mail addresses with a plus and takes their domain', () => {
    expect(found('from bob+tag@mail.example.net: hi, not-an@address and two@at@signs.example')).toEqual(['email bob+tag@mail.example.net', 'domain mail.example.net'])
  })

  it('numbers the lines', () => {
    expect(extractObservables('10.0.0.1\n\nx 10.0.0.2\r\n10.0.0.3').map((o) => o.line)).toEqual([1, 3, 4])
  })
})
