import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Lang, Localized } from '../types'
import en from './en.json'
import ja from './ja.json'

// Japanese is the default language of every screen; English is the second. The choice is kept in
// localStorage (per device) and, when logged in, in the user's profile (PATCH /api/v1/me).

const STORAGE_KEY = 'kamae.language'

export function storedLanguage(): Lang | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return value === 'ja' || value === 'en' ? value : null
  } catch {
    return null
  }
}

export function storeLanguage(lang: Lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export const i18n = i18next.createInstance()

void i18n.use(initReactI18next).init({
  resources: { ja: { translation: ja }, en: { translation: en } },
  lng: storedLanguage() ?? 'ja',
  fallbackLng: 'ja',
  interpolation: { escapeValue: false },
  returnNull: false,
})

function reflectLanguage(lang: string) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'ja'
}
reflectLanguage(i18n.language)
i18n.on('languageChanged', reflectLanguage)

/** Picks the text of the UI language from a { ja, en } pair (falls back to Japanese). */
export function pick(text: Localized | null | undefined, lang: Lang): string {
  if (!text) return ''
  return (lang === 'en' ? text.en : text.ja) || text.ja || text.en
}
