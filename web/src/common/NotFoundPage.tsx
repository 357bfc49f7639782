import { Button, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'

export function NotFoundPage() {
  const { t } = useTranslation()
  return (
    <Stack align="flex-start" gap="sm">
      <Title order={1} size="h3">
        {t('notFound.title')}
      </Title>
      <Text c="dimmed">{t('notFound.help')}</Text>
      <Button component={Link} to="/" variant="light">
        {t('nav.dashboard')}
      </Button>
    </Stack>
  )
}
