import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { LanguageSwitch } from '../shell/LanguageSwitch'
import { Logo } from '../shell/Logo'

/** The frame of the pages shown before the app: login, second factor, enrolment, invitation. */
export function AuthLayout({ title, children, width = 420 }: { title: string; children: ReactNode; width?: number }) {
  const { t } = useTranslation()
  return (
    <Box mih="100dvh" bg="gray.0">
      <Group justify="space-between" p="md">
        <Logo />
        <LanguageSwitch />
      </Group>
      <Center px="md" pb="xl" pt="lg">
        <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={width} component="main">
          <Stack gap="md">
            <div>
              <Title order={1} size="h3">
                {title}
              </Title>
              <Text size="sm" c="dimmed" mt={4}>
                {t('app.tagline')}
              </Text>
            </div>
            {children}
          </Stack>
        </Paper>
      </Center>
    </Box>
  )
}
