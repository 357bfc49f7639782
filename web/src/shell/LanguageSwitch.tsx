import { SegmentedControl } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { api } from '../api'
import { useSession } from '../auth/session'
import { storeLanguage } from '../i18n'
import type { Lang } from '../types'
import { useLang } from '../common/hooks'

/** Switches the UI language: kept on this device and, when logged in, in the user's profile. */
export function useChangeLanguage() {
  const { i18n } = useTranslation()
  const { session } = useSession()
  return async (lang: Lang) => {
    storeLanguage(lang)
    await i18n.changeLanguage(lang)
    if (session?.authenticated) {
      // The profile follows; a failure here must not undo the switch on this device.
      await api.patch('/api/v1/me', { locale: lang }).catch(() => undefined)
    }
  }
}

export function LanguageSwitch({ size = 'xs' }: { size?: 'xs' | 'sm' }) {
  const { t } = useTranslation()
  const lang = useLang()
  const change = useChangeLanguage()
  return (
    <SegmentedControl
      size={size}
      aria-label={t('language.label')}
      value={lang}
      onChange={(value) => void change(value as Lang)}
      data={[
        { value: 'ja', label: t('language.ja') },
        { value: 'en', label: t('language.en') },
      ]}
    />
  )
}
