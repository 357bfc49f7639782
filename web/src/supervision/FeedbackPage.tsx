import { Anchor, Button, Group, Stack, Text, Title } from '@mantine/core'
import { IconArrowLeft, IconFileTypePdf } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { ErrorAlert } from '../common/ErrorAlert'
import { useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { FeedbackReportView } from './FeedbackReportView'
import { KindBadge } from './shared'
import type { FeedbackReport } from './types'

/** フィードバック: the institution's own released report, on screen and as a PDF in Japanese or English. */
export function FeedbackPage() {
  const { id = '' } = useParams()
  const { t } = useTranslation()
  const lang = useLang()
  const report = useQuery<FeedbackReport>(`/api/v1/rounds/${id}/feedback`)

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Anchor component={Link} to={`/rounds/${id}`} size="sm">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {t('feedback.backToRound')}
            </Group>
          </Anchor>
          <Title order={1} size="h3" data-testid="feedback-title">
            {t('feedback.title')}
          </Title>
          {report.data && (
            <Group gap="xs">
              <Text size="sm" fw={600}>
                {pick(report.data.roundTitle, lang)}
              </Text>
              <KindBadge kind={report.data.roundKind} />
            </Group>
          )}
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {(['ja', 'en'] as const).map((l) => (
            <Button key={l} component="a" href={`/api/v1/rounds/${id}/feedback.pdf?lang=${l}`} download variant={l === lang ? 'filled' : 'default'} leftSection={<IconFileTypePdf size={16} />} disabled={!report.data}>
              {t(`feedback.pdf.${l}`)}
            </Button>
          ))}
        </Group>
      </Group>
      <ErrorAlert error={report.error} />
      {report.data ? <FeedbackReportView report={report.data} /> : !report.error && <PageLoader />}
    </Stack>
  )
}
