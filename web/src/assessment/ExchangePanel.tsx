import { Alert, Button, Card, Grid, Group, List, Progress, Stack, Table, Text, Title } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconAlertCircle, IconCircleCheck, IconFileSpreadsheet, IconFileUpload } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, uploadFile } from '../api'
import { asApiError } from '../common/hooks'
import type { AssessmentDetail, ImportResult } from '../types'

const XLSX_TYPES = { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'] }

/** The check sheet (点検票) as XLSX: export in Japanese or English, import a filled-in one. */
export function ExchangePanel({ assessment, onImported }: { assessment: AssessmentDetail; onImported: () => void }) {
  const { t } = useTranslation()
  const [progress, setProgress] = useState<number | null>(null)
  const [result, setResult] = useState<ImportResult | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [fileName, setFileName] = useState<string | null>(null)
  const canImport = assessment.permissions.canEdit || assessment.permissions.canPlan

  function importFile(file: File) {
    setError(null)
    setResult(null)
    setFileName(file.name)
    setProgress(0)
    uploadFile<ImportResult>(`/api/v1/assessments/${assessment.id}/import`, file, setProgress)
      .promise.then((outcome) => {
        setResult(outcome)
        onImported()
      })
      .catch((reason: unknown) => setError(asApiError(reason)))
      .finally(() => setProgress(null))
  }

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <Card withBorder padding="md">
          <Title order={2} size="h4" mb="xs">
            {t('exchange.exportTitle')}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('exchange.exportHelp')}
          </Text>
          <Group>
            {(['ja', 'en'] as const).map((lang) => (
              <Button
                key={lang}
                component="a"
                href={`/api/v1/assessments/${assessment.id}/export.xlsx?lang=${lang}`}
                download
                variant={lang === 'ja' ? 'filled' : 'light'}
                leftSection={<IconFileSpreadsheet size={16} />}
              >
                {t(`exchange.export.${lang}`)}
              </Button>
            ))}
          </Group>
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Card withBorder padding="md">
          <Title order={2} size="h4" mb="xs">
            {t('exchange.importTitle')}
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            {t('exchange.importHelp')}
          </Text>
          <Stack gap="sm">
            {!assessment.permissions.canEdit && (
              <Alert color="yellow" variant="light" py="xs">
                {t('exchange.answersLocked')}
              </Alert>
            )}
            {canImport && (
              <Dropzone
                onDrop={(files) => files[0] && importFile(files[0])}
                onReject={(rejections) => {
                  setResult(null)
                  setFileName(rejections[0]?.file.name ?? null)
                  setError(new ApiError(0, 'not_xlsx', t('exchange.notXlsx')))
                }}
                multiple={false}
                accept={XLSX_TYPES}
                loading={progress !== null}
                inputProps={{ 'aria-label': t('exchange.choose') }}
                p="md"
              >
                <Group justify="center" gap="sm" mih={50} style={{ pointerEvents: 'none' }}>
                  <IconFileUpload size={26} color="var(--mantine-color-dimmed)" />
                  <div>
                    <Text size="sm">{t('exchange.drop')}</Text>
                    <Text size="xs" c="dimmed">
                      {t('exchange.dropHelp')}
                    </Text>
                  </div>
                </Group>
              </Dropzone>
            )}
            {progress !== null && <Progress value={progress * 100} animated aria-label={t('exchange.uploading')} />}
            {result && (
              <Alert color="teal" icon={<IconCircleCheck size={18} />} title={t('exchange.imported', { name: fileName ?? '' })} data-testid="import-result">
                <List size="sm">
                  <List.Item>{t('exchange.answersUpdated', { count: result.answersUpdated })}</List.Item>
                  <List.Item>{t('exchange.actionsCreated', { count: result.actionsCreated })}</List.Item>
                  <List.Item>{t('exchange.actionsUpdated', { count: result.actionsUpdated })}</List.Item>
                </List>
              </Alert>
            )}
            {error && (
              <Alert color="red" icon={<IconAlertCircle size={18} />} title={t('exchange.refused', { name: fileName ?? '' })} role="alert" data-testid="import-errors">
                <Text size="sm" mb={error.details.length ? 'xs' : 0}>
                  {error.message}
                </Text>
                {error.details.length > 0 && (
                  <Table.ScrollContainer minWidth={400} mah={300}>
                    <Table verticalSpacing={3} fz="sm" withTableBorder bg="white">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th w={160}>{t('exchange.cell')}</Table.Th>
                          <Table.Th>{t('exchange.problem')}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {error.details.map((detail, index) => (
                          <Table.Tr key={`${detail.path}-${index}`}>
                            <Table.Td ff="monospace">{detail.path}</Table.Td>
                            <Table.Td>{detail.message}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Alert>
            )}
          </Stack>
        </Card>
      </Grid.Col>
    </Grid>
  )
}
