import { useEffect, useState } from 'react'
import { api, ApiError } from '../api'
import { asApiError } from '../common/hooks'
import type { Catalog, CatalogItem, CatalogSection, ItemState } from '../types'

// Catalogs are shared framework content and do not change once loaded: fetch each once per page load.
const cache = new Map<string, Promise<Catalog>>()

export function loadCatalog(id: string): Promise<Catalog> {
  let pending = cache.get(id)
  if (!pending) {
    pending = api.get<Catalog>(`/api/v1/catalogs/${id}`)
    pending.catch(() => cache.delete(id))
    cache.set(id, pending)
  }
  return pending
}

export function useCatalog(id: string | undefined): { catalog: Catalog | undefined; error: ApiError | null } {
  const [catalog, setCatalog] = useState<Catalog | undefined>(undefined)
  const [error, setError] = useState<ApiError | null>(null)
  useEffect(() => {
    if (!id) return
    let cancelled = false
    loadCatalog(id)
      .then((value) => !cancelled && setCatalog(value))
      .catch((reason: unknown) => !cancelled && setError(asApiError(reason)))
    return () => {
      cancelled = true
    }
  }, [id])
  return { catalog: catalog && catalog.id === id ? catalog : undefined, error }
}

/** Every item under a section, its subsections' items included, in catalog order. */
export function itemsUnder(section: CatalogSection): CatalogItem[] {
  return [...section.items, ...section.sections.flatMap(itemsUnder)]
}

/** Every item of the catalog in catalog order. */
export function allItems(catalog: Catalog): CatalogItem[] {
  return catalog.sections.flatMap(itemsUnder)
}

/** The section tree without the sections that hold nothing to answer (e.g. chapter 1, the basic ideas). */
export function answerableSections(sections: CatalogSection[]): CatalogSection[] {
  return sections
    .map((section) => ({ ...section, sections: answerableSections(section.sections) }))
    .filter((section) => section.items.length > 0 || section.sections.length > 0)
}

/** Sections that hold items directly: the units the workspace shows one by one. */
export function leafSections(sections: CatalogSection[]): CatalogSection[] {
  return sections.flatMap((section) => [...(section.items.length > 0 ? [section] : []), ...leafSections(section.sections)])
}

/** An answer, or 対象外 with its reason (without one the server has not accepted it yet). */
export function isAnswered(state: ItemState | undefined): boolean {
  if (!state) return false
  return state.value !== null || (state.notApplicable && Boolean(state.naReason?.trim()))
}

export interface Progress {
  answered: number
  total: number
}

/** Answered (an answer or 対象外 with its reason) out of the items in scope. */
export function progressOf(items: CatalogItem[], states: ReadonlyMap<string, ItemState>): Progress {
  let answered = 0
  let total = 0
  for (const item of items) {
    const state = states.get(item.ref)
    if (state && !state.inScope) continue
    total += 1
    if (isAnswered(state)) answered += 1
  }
  return { answered, total }
}
