import { describe, expect, it } from 'vitest'
import {
  mayRead,
  parseTlpLevel,
  TLP1_MARKING_IDS,
  TLP2_MARKING_IDS,
  TLP_LEVELS,
  tlpMarkingDefinition,
  tlpOfMarkings,
  type Reader,
  type SharedObjectAccess,
  type TlpLevel,
} from './tlp.js'
import { validateStix } from './stix-validate.js'

// The ISAC "fin-isac" with collection "indicators"; Bank A produces, Bank R receives (its analyst
// Ryo is named), Bank R names its SOC provider K as a client; Bank M is another member; Org O is
// a member of another community; two outsiders, one granted the collection and one not.
function makeObject(tlp: TlpLevel, overrides: Partial<SharedObjectAccess> = {}): SharedObjectAccess {
  return {
    tlp,
    producerOrgId: 'org-bank-a',
    recipientOrgIds: ['org-bank-r'],
    namedRecipients: { userIds: ['user-ryo'], orgIds: [] },
    clientOrgIds: ['org-soc-k'],
    communityId: 'fin-isac',
    collectionId: 'indicators',
    ...overrides,
  }
}

const makeReader = (userId: string, orgId: string, communityIds: string[], collectionIds: string[]): Reader => ({ userId, orgId, communityIds, collectionIds })

const READERS: Record<string, Reader> = {
  producer: makeReader('user-ann', 'org-bank-a', ['fin-isac'], ['indicators']),
  'named recipient': makeReader('user-ryo', 'org-bank-r', ['fin-isac'], ['indicators']),
  "recipient organisation's other user": makeReader('user-rika', 'org-bank-r', ['fin-isac'], ['indicators']),
  'client named by the recipient': makeReader('user-ken', 'org-soc-k', [], []),
  'other member of the ISAC': makeReader('user-mei', 'org-bank-m', ['fin-isac'], ['indicators']),
  'member of another community': makeReader('user-otto', 'org-o', ['energy-isac'], ['energy-indicators']),
  'outsider with collection access': makeReader('user-pat', 'org-public', [], ['indicators']),
  'outsider without access': makeReader('user-eve', 'org-eve', [], []),
}

// reader -> [RED, AMBER+STRICT, AMBER, GREEN, CLEAR]
const EXPECTED: Record<string, [boolean, boolean, boolean, boolean, boolean]> = {
  producer: [true, true, true, true, true],
  'named recipient': [true, true, true, true, true],
  "recipient organisation's other user": [false, true, true, true, true],
  'client named by the recipient': [false, false, true, true, true],
  'other member of the ISAC': [false, false, false, true, true],
  'member of another community': [false, false, false, false, false],
  'outsider with collection access': [false, false, false, false, true],
  'outsider without access': [false, false, false, false, false],
}

describe('mayRead under TLP 2.0', () => {
  const cases = Object.keys(READERS).flatMap((reader) => TLP_LEVELS.map((level, i) => [level, reader, EXPECTED[reader]![i]!] as const))

  it.each(cases)('TLP:%s, %s: %s', (level, reader, expected) => {
    expect(mayRead(makeObject(level), READERS[reader]!)).toBe(expected)
  })

  it('lets every user of an organisation named as a RED recipient read, and no one else there', () => {
    const object = makeObject('red', { namedRecipients: { userIds: [], orgIds: ['org-bank-m'] } })
    expect(mayRead(object, READERS['other member of the ISAC']!)).toBe(true)
    expect(mayRead(object, READERS['named recipient']!)).toBe(false)
  })

  it('lets the producer read its own object even when it named no one', () => {
    const object = makeObject('red', { recipientOrgIds: [], namedRecipients: { userIds: [], orgIds: [] }, clientOrgIds: [] })
    expect(mayRead(object, READERS.producer!)).toBe(true)
  })

  it('grants RED to the named person wherever they work, AMBER+STRICT only by organisation', () => {
    const moved = makeReader('user-ryo', 'org-eve', [], [])
    expect(mayRead(makeObject('red'), moved)).toBe(true)
    expect(mayRead(makeObject('amber+strict', { namedRecipients: { userIds: [], orgIds: [] } }), moved)).toBe(false)
  })

  it('refuses GREEN to a member of the community when the object was shared in another community', () => {
    expect(mayRead(makeObject('green', { communityId: 'energy-isac' }), READERS['other member of the ISAC']!)).toBe(false)
    expect(mayRead(makeObject('green', { communityId: 'energy-isac' }), READERS['member of another community']!)).toBe(true)
  })
})

describe('TLP markings', () => {
  it('reads the TLP 2.0 level of each published marking id', () => {
    for (const level of TLP_LEVELS) expect(tlpOfMarkings([TLP2_MARKING_IDS[level]])).toBe(level)
  })

  it('maps the TLP 1.0 markings to their 2.0 successors, WHITE to CLEAR', () => {
    expect(tlpOfMarkings([TLP1_MARKING_IDS.white])).toBe('clear')
    expect(tlpOfMarkings([TLP1_MARKING_IDS.green])).toBe('green')
    expect(tlpOfMarkings([TLP1_MARKING_IDS.amber])).toBe('amber')
    expect(tlpOfMarkings([TLP1_MARKING_IDS.red])).toBe('red')
  })

  it('takes the most restrictive of several TLP markings and ignores other markings', () => {
    expect(tlpOfMarkings([TLP2_MARKING_IDS.green, 'marking-definition--00000000-0000-4000-8000-000000000001', TLP2_MARKING_IDS['amber+strict']])).toBe('amber+strict')
    expect(tlpOfMarkings(['marking-definition--00000000-0000-4000-8000-000000000001'])).toBeNull()
    expect(tlpOfMarkings(undefined)).toBeNull()
  })

  it('parses label spellings found in MISP tags and CSV files', () => {
    expect(parseTlpLevel('tlp:amber+strict')).toBe('amber+strict')
    expect(parseTlpLevel('TLP:WHITE')).toBe('clear')
    expect(parseTlpLevel(' Green ')).toBe('green')
    expect(parseTlpLevel('tlp:ex:chr')).toBeNull()
  })

  it('builds marking definitions that are valid STIX 2.1 and identical to the published ones', () => {
    for (const level of TLP_LEVELS) {
      const definition = tlpMarkingDefinition(level)
      expect(validateStix(definition)).toEqual({ ok: true })
      expect(definition.extensions['extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'].tlp_2_0).toBe(level)
    }
    expect(tlpMarkingDefinition('amber+strict').name).toBe('TLP:AMBER+STRICT')
  })
})
