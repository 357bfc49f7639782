import { Group, Text, ThemeIcon } from '@mantine/core'
import { IconShieldCheck } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'

export function Logo() {
  const { t } = useTranslation()
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={30} radius="md" color="kamae" aria-hidden>
        <IconShieldCheck size={20} />
      </ThemeIcon>
      <Text fw={700} size="lg" lh={1}>
        {t('app.name')}
      </Text>
    </Group>
  )
}
