import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../api'
import type { Lang } from '../types'

export function useLang(): Lang {
  const { i18n } = useTranslation()
  return i18n.language === 'en' ? 'en' : 'ja'
}

export interface Query<T> {
  data: T | undefined
  error: ApiError | null
  loading: boolean
  reload: () => void
  setData: (update: T | ((previous: T | undefined) => T)) => void
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'error', String(error))
}

/** GETs a path (null: nothing yet) and keeps the answer; `reload` asks again. */
export function useQuery<T>(path: string | null): Query<T> {
  const [data, setDataState] = useState<T | undefined>(undefined)
  const [error, setError] = useState<ApiError | null>(null)
  const [loading, setLoading] = useState(path !== null)
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    if (path === null) return
    let cancelled = false
    setLoading(true)
    api
      .get<T>(path)
      .then((value) => {
        if (cancelled) return
        setDataState(value)
        setError(null)
      })
      .catch((reason: unknown) => {
        if (!cancelled) setError(asApiError(reason))
      })
      .finally(() => {
        if (!cancelled) setLoading(false)
      })
    return () => {
      cancelled = true
    }
  }, [path, generation])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const setData = useCallback((update: T | ((previous: T | undefined) => T)) => {
    setDataState((previous) => (typeof update === 'function' ? (update as (p: T | undefined) => T)(previous) : update))
  }, [])
  return { data, error, loading, reload, setData }
}

export { asApiError }
