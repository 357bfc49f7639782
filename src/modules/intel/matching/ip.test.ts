import { describe, expect, it } from 'vitest'
import { CidrTrie } from './cidr-trie.js'
import { bitOf, ipv4ToString, ipv6ToString, parseCidr, parseIpv4, parseIpv6 } from './ip.js'

describe('IPv4 addresses', () => {
  it('reads dotted quads as numbers and writes them back', () => {
    for (const text of ['0.0.0.0', '10.0.0.1', '192.0.2.255', '255.255.255.255']) expect(ipv4ToString(parseIpv4(text)!)).toBe(text)
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff)
  })

  it('refuses what is not a dotted quad, and leading zeros (octal in some parsers)', () => {
    for (const text of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '1..2.3', '01.2.3.4', '1.2.3.04', 'a.b.c.d', '1.2.3.4 ', '']) expect(parseIpv4(text), text).toBeNull()
  })
})

describe('IPv6 addresses', () => {
  it('reads every RFC 4291 text form and writes the RFC 5952 canonical one', () => {
    const cases: Array<[string, string]> = [
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:DB8::1', '2001:db8::1'],
      ['::', '::'],
      ['::1', '::1'],
      ['1::', '1::'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3: the first of two equal runs
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: one zero group stays
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['64:ff9b::198.51.100.7', '64:ff9b::c633:6407'],
      ['fe80:0:0:0:0:0:0:abcd', 'fe80::abcd'],
    ]
    for (const [text, canonical] of cases) expect(ipv6ToString(parseIpv6(text)!), text).toBe(canonical)
  })

  it('refuses malformed addresses', () => {
    for (const text of [':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::1', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', 'g::1', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4']) {
      expect(parseIpv6(text), text).toBeNull()
    }
  })
})

describe('CIDR blocks', () => {
  it('parses blocks of both families and clears host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ version: 4, address: parseIpv4('10.0.0.0'), prefix: 8 })
    expect(parseCidr('192.0.2.7')).toEqual({ version: 4, address: parseIpv4('192.0.2.7'), prefix: 32 })
    const v6 = parseCidr('2001:db8:abcd:12::1/48')
    expect(v6?.version === 6 && [ipv6ToString(v6.words), v6.prefix]).toEqual(['2001:db8:abcd::', 48])
    for (const text of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '::/129', 'evil.example/8']) expect(parseCidr(text), text).toBeNull()
  })

  function trie4(...blocks: Array<[string, number]>) {
    const trie = new CidrTrie(2)
    for (const [text, value] of blocks) {
      const block = parseCidr(text)!
      if (block.version !== 4) throw new Error(text)
      trie.insert((bit) => (block.address >>> (31 - bit)) & 1, block.prefix, value)
    }
    return (address: string) => {
      const out: number[] = []
      const value = parseIpv4(address)!
      trie.lookup32(value >>> 16, value & 0xffff, out)
      return out
    }
  }

  it('matches the first and last address of a block and nothing just outside', () => {
    const lookup = trie4(['10.0.0.0/8', 1], ['192.0.2.128/25', 2])
    expect(lookup('10.0.0.0')).toEqual([1])
    expect(lookup('10.255.255.255')).toEqual([1])
    expect(lookup('9.255.255.255')).toEqual([])
    expect(lookup('11.0.0.0')).toEqual([])
    expect(lookup('192.0.2.128')).toEqual([2])
    expect(lookup('192.0.2.255')).toEqual([2])
    expect(lookup('192.0.2.127')).toEqual([])
  })

  it('reports every block that contains an address, shortest first, and /0 and /32', () => {
    const lookup = trie4(['0.0.0.0/0', 0], ['10.0.0.0/8', 1], ['10.1.0.0/16', 2], ['10.1.2.3/32', 3])
    expect(lookup('10.1.2.3')).toEqual([0, 1, 2, 3])
    expect(lookup('10.1.2.4')).toEqual([0, 1, 2])
    expect(lookup('8.8.8.8')).toEqual([0])
  })

  it('matches IPv6 blocks at their edges', () => {
    const trie = new CidrTrie()
    const block = parseCidr('2001:db8:abcd::/48')!
    if (block.version !== 6) throw new Error('v6')
    trie.insert((bit) => bitOf(block.words, bit), block.prefix, 7)
    const lookup = (text: string) => {
      const out: number[] = []
      trie.lookup128(parseIpv6(text)!, out)
      return out
    }
    expect(lookup('2001:db8:abcd::')).toEqual([7])
    expect(lookup('2001:db8:abcd:ffff:ffff:ffff:ffff:ffff')).toEqual([7])
    expect(lookup('2001:db8:abcc:ffff:ffff:ffff:ffff:ffff')).toEqual([])
    expect(lookup('2001:db8:abce::')).toEqual([])
  })

  it('grows past its initial size and keeps what it held', () => {
    const trie = new CidrTrie(2)
    for (let i = 0; i < 5000; i++) trie.insert((bit) => ((i << 8) >>> (31 - bit)) & 1, 24, i)
    const out: number[] = []
    const value = ((4321 << 8) | 77) >>> 0
    trie.lookup32(value >>> 16, value & 0xffff, out)
    expect(out).toEqual([4321])
    expect(trie.size).toBe(5000)
  })
})
