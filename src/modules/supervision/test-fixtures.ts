import type { AppContext } from '../../context.js'
import { approve, createAssessment, requestReview, updateItem } from '../assessment/service.js'
import { makeCatalog, makeCatalogYaml, makeItemYaml, makeSectionYaml } from '../catalog/catalog-fixtures.js'
import { storeCatalog } from '../catalog/service.js'
import type { Actor } from '../identity/actor.js'
import { makeUser } from '../../../test/support/factories.js'

// Fixtures of the supervision tests: a small two-section catalog and approved assessments made
// through the assessment module's own services (four eyes included).

export const ITEM_REFS = ['1-B1', '1-B2', '1-D1', '2-B1', '2-B2', '2-D1'] as const

/** A catalog "round-demo" with sections 1 and 2, two basic and one desirable item each, scale 0 / 1. */
export async function storeRoundCatalog(ctx: AppContext, version = '1.0'): Promise<string> {
  const section = (ref: string) =>
    makeSectionYaml({
      ref,
      items: [makeItemYaml({ ref: `${ref}-B1` }), makeItemYaml({ ref: `${ref}-B2` }), makeItemYaml({ ref: `${ref}-D1`, class: 'desirable' })],
    })
  const yaml = makeCatalogYaml({ sections: [section('1'), section('2')] }).replace('id: demo-catalog', 'id: round-demo').replace('version: "1.0"', `version: "${version}"`)
  const stored = await ctx.db.transaction((tx) => storeCatalog(tx, makeCatalog(yaml), null))
  return stored.id
}

const actorOf = (userId: string, orgId: string, role: Actor['role']): Actor => ({ userId, orgId, orgKind: 'institution', role, mfaVerified: true, locale: 'ja' })

/**
 * An approved assessment of the institution with the answers given in ITEM_REFS order (1 in place,
 * 0 not, null unanswered); returns its id. Made by an editor and approved by a distinct approver.
 */
export async function approvedAssessment(ctx: AppContext, orgId: string, catalogId: string, values: readonly (0 | 1 | null)[], existingId?: string): Promise<string> {
  const editor = await makeUser(ctx, orgId, 'editor')
  const approver = await makeUser(ctx, orgId, 'approver')
  const author = actorOf(editor.id, orgId, 'editor')
  const id = existingId ?? (await createAssessment(ctx, author, { catalogId, title: 'CSSA' })).id
  for (const [i, ref] of ITEM_REFS.entries()) {
    const value = values[i] ?? null
    if (value !== null) await updateItem(ctx, author, id, ref, { value })
  }
  await requestReview(ctx, author, id, {})
  await approve(ctx, actorOf(approver.id, orgId, 'approver'), id, {})
  return id
}
