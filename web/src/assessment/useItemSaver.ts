import { useCallback, useEffect, useRef, useState } from 'react'
import { api, ApiError } from '../api'
import { asApiError } from '../common/hooks'
import type { ItemPatch, ItemState } from '../types'

// Autosave of answers: each edit is merged into a pending patch per item and PUT after a short pause
// (immediately for a choice, after typing stops for text). Saves of one item run one after another,
// so a later edit never lands before an earlier one.

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'error'

export interface SaveFailure {
  ref: string
  error: ApiError
}

export interface ItemSaver {
  schedule: (ref: string, patch: ItemPatch, delayMs: number) => void
  flushAll: () => void
  retry: () => void
  /** Fields of an item still waiting to be sent (the local value wins over the server's for those). */
  pendingFor: (ref: string) => ItemPatch | undefined
  status: SaveStatus
  failure: SaveFailure | null
  savedAt: Date | null
}

/** `onSaved` gets the server's state of the item and the fields edited again since (to keep locally). */
export function useItemSaver(assessmentId: string, onSaved: (saved: ItemState, stillPending: ItemPatch) => void): ItemSaver {
  const pending = useRef(new Map<string, ItemPatch>())
  const failed = useRef(new Map<string, ItemPatch>())
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>())
  const chains = useRef(new Map<string, Promise<void>>())
  const inflight = useRef(0)
  const onSavedRef = useRef(onSaved)
  const [status, setStatus] = useState<SaveStatus>('idle')
  const [failure, setFailure] = useState<SaveFailure | null>(null)
  const [savedAt, setSavedAt] = useState<Date | null>(null)

  useEffect(() => {
    onSavedRef.current = onSaved
  }, [onSaved])

  const settle = useCallback(() => {
    if (inflight.current > 0 || pending.current.size > 0) setStatus('saving')
    else setStatus(failed.current.size > 0 ? 'error' : 'saved')
  }, [])

  const flush = useCallback(
    (ref: string) => {
      const timer = timers.current.get(ref)
      if (timer) clearTimeout(timer)
      timers.current.delete(ref)
      const patch = pending.current.get(ref)
      if (!patch) return
      pending.current.delete(ref)
      inflight.current += 1
      setStatus('saving')
      const previous = chains.current.get(ref) ?? Promise.resolve()
      const next = previous.then(async () => {
        try {
          const saved = await api.put<ItemState>(`/api/v1/assessments/${assessmentId}/items/${encodeURIComponent(ref)}`, patch)
          failed.current.delete(ref)
          setFailure((current) => (current?.ref === ref ? null : current))
          setSavedAt(new Date())
          onSavedRef.current(saved, pending.current.get(ref) ?? {})
        } catch (reason) {
          // Keep the edit so that "retry" can send it again; newer edits stay on top of it.
          failed.current.set(ref, { ...failed.current.get(ref), ...patch })
          setFailure({ ref, error: asApiError(reason) })
        } finally {
          inflight.current -= 1
          settle()
        }
      })
      chains.current.set(ref, next)
    },
    [assessmentId, settle],
  )

  const schedule = useCallback(
    (ref: string, patch: ItemPatch, delayMs: number) => {
      pending.current.set(ref, { ...pending.current.get(ref), ...patch })
      setStatus('saving')
      const timer = timers.current.get(ref)
      if (timer) clearTimeout(timer)
      if (delayMs <= 0) flush(ref)
      else timers.current.set(ref, setTimeout(() => flush(ref), delayMs))
    },
    [flush],
  )

  const flushAll = useCallback(() => {
    for (const ref of [...pending.current.keys()]) flush(ref)
  }, [flush])

  const retry = useCallback(() => {
    const again = [...failed.current.entries()]
    failed.current.clear()
    setFailure(null)
    for (const [ref, patch] of again) {
      pending.current.set(ref, { ...patch, ...pending.current.get(ref) })
      flush(ref)
    }
  }, [flush])

  const pendingFor = useCallback((ref: string) => pending.current.get(ref), [])

  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (pending.current.size === 0 && inflight.current === 0) return
      flushAll()
      event.preventDefault()
    }
    window.addEventListener('beforeunload', beforeUnload)
    return () => {
      window.removeEventListener('beforeunload', beforeUnload)
      // Leaving the workspace: send what is waiting rather than drop it.
      flushAll()
    }
  }, [flushAll])

  return { schedule, flushAll, retry, pendingFor, status, failure, savedAt }
}
