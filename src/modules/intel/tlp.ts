// Traffic Light Protocol 2.0 (FIRST, 2022) as STIX 2.1 marks it, and the one decision every read
// path asks: may this reader see this object? Pure; the callers (UI, API, TAXII, exports, matching)
// supply what the object was shared with and who the reader is.

export const TLP_LEVELS = ['red', 'amber+strict', 'amber', 'green', 'clear'] as const
export type TlpLevel = (typeof TLP_LEVELS)[number]

/**
 * The five TLP 2.0 marking definitions OASIS publishes (oasis-open/cti-stix-common-objects,
 * extension-definition-specifications/tlp-2.0): fixed ids, created 2022-10-01, marked through the
 * TLP 2.0 extension definition.
 */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'
export const TLP2_CREATED = '2022-10-01T00:00:00.000Z'
export const TLP2_MARKING_IDS: Record<TlpLevel, string> = {
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
}

/**
 * The TLP 1.0 markings STIX 2.1 predefines (§7.2.1.4), mapped on import to their TLP 2.0 successors
 * (FIRST TLP 2.0: WHITE became CLEAR; 1.0 has no AMBER+STRICT).
 */
export const TLP1_MARKING_IDS: Record<'white' | 'green' | 'amber' | 'red', string> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
}
const TLP1_TO_TLP2: Record<keyof typeof TLP1_MARKING_IDS, TlpLevel> = { white: 'clear', green: 'green', amber: 'amber', red: 'red' }

const LEVEL_BY_MARKING = new Map<string, TlpLevel>([
  ...TLP_LEVELS.map((level) => [TLP2_MARKING_IDS[level], level] as const),
  ...(Object.keys(TLP1_MARKING_IDS) as Array<keyof typeof TLP1_MARKING_IDS>).map((name) => [TLP1_MARKING_IDS[name], TLP1_TO_TLP2[name]] as const),
])

/** 0 = most restrictive (RED) … 4 = CLEAR. */
const rank = (level: TlpLevel) => TLP_LEVELS.indexOf(level)

/** The TLP level of a marking-definition id (1.0 ids mapped to 2.0), or null for another marking. */
export function tlpOfMarking(markingId: string): TlpLevel | null {
  return LEVEL_BY_MARKING.get(markingId) ?? null
}

/** An object's TLP from its object_marking_refs: the most restrictive one when several are given. */
export function tlpOfMarkings(markingRefs: readonly string[] | undefined): TlpLevel | null {
  let level: TlpLevel | null = null
  for (const ref of markingRefs ?? []) {
    const found = tlpOfMarking(ref)
    if (found && (level === null || rank(found) < rank(level))) level = found
  }
  return level
}

/** `TLP:AMBER+STRICT`, `amber+strict`, `tlp:white` -> a TLP 2.0 level (WHITE -> CLEAR), or null. */
export function parseTlpLevel(text: string): TlpLevel | null {
  const name = text.trim().toLowerCase().replace(/^tlp:/, '').replace(/\s+/g, '')
  if (name === 'white') return 'clear'
  return (TLP_LEVELS as readonly string[]).includes(name) ? (name as TlpLevel) : null
}

/** The published marking-definition object of a level, to ship inside a bundle. */
export function tlpMarkingDefinition(level: TlpLevel) {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[level],
    created: TLP2_CREATED,
    name: `TLP:${level.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level } },
  }
}

// ---------------------------------------------------------------------------------------------
// Who may read

/** What an object was shared with: everything `mayRead` needs to know about it. */
export interface SharedObjectAccess {
  tlp: TlpLevel
  /** The organisation that produced (shared) it. */
  producerOrgId: string
  /** AMBER / AMBER+STRICT: the organisations it was shared with. */
  recipientOrgIds: readonly string[]
  /** RED: the people, and the organisations, named as recipients. */
  namedRecipients: { userIds: readonly string[]; orgIds: readonly string[] }
  /** AMBER: the clients (organisations) the recipients named as needing to know. */
  clientOrgIds: readonly string[]
  /** GREEN: the community (ISAC) it was shared in. */
  communityId: string
  /** CLEAR: the collection it was published in. */
  collectionId: string
}

/** Who asks. */
export interface Reader {
  userId: string
  orgId: string
  /** The communities (ISACs) the reader's organisation is a member of. */
  communityIds: readonly string[]
  /** The collections the reader may read (collection rights, granted elsewhere). */
  collectionIds: readonly string[]
}

/**
 * FIRST TLP 2.0, as the ISAC applies it:
 *   RED          — only the named recipients (people, or whole organisations named);
 *   AMBER+STRICT — the recipient organisations only;
 *   AMBER        — the recipient organisations and the clients they named;
 *   GREEN        — the community (the ISAC's members);
 *   CLEAR        — anyone with access to the collection.
 * The producing organisation always reads its own. The audiences nest: whoever may read an object
 * under a label may still read it under any less restrictive one (TLP 2.0 labels only widen).
 */
export function mayRead(object: SharedObjectAccess, reader: Reader): boolean {
  if (reader.orgId === object.producerOrgId) return true
  const level = rank(object.tlp)
  for (let allowed = 0; allowed <= level; allowed++) {
    if (inAudience(TLP_LEVELS[allowed]!, object, reader)) return true
  }
  return false
}

function inAudience(level: TlpLevel, object: SharedObjectAccess, reader: Reader): boolean {
  switch (level) {
    case 'red':
      return object.namedRecipients.userIds.includes(reader.userId) || object.namedRecipients.orgIds.includes(reader.orgId)
    case 'amber+strict':
      return object.recipientOrgIds.includes(reader.orgId)
    case 'amber':
      return object.clientOrgIds.includes(reader.orgId)
    case 'green':
      return reader.communityIds.includes(object.communityId)
    case 'clear':
      return reader.collectionIds.includes(object.collectionId)
  }
}
