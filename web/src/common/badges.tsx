import { Badge, Tooltip } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { AssessmentStatus, ItemClass } from '../types'

const STATUS_COLOR: Record<AssessmentStatus, string> = { draft: 'gray', in_review: 'orange', approved: 'teal' }

export function StatusBadge({ status, size = 'md' }: { status: AssessmentStatus; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation()
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" size={size} data-status={status} tt="none">
      {t(`status.${status}`)}
    </Badge>
  )
}

export function ClassBadge({ itemClass, size = 'sm' }: { itemClass: ItemClass; size?: 'xs' | 'sm' | 'md' }) {
  const { t } = useTranslation()
  return (
    <Tooltip label={t(`itemClass.${itemClass}.long`)} withArrow>
      <Badge color={itemClass === 'basic' ? 'blue' : 'grape'} variant={itemClass === 'basic' ? 'filled' : 'light'} size={size} tt="none">
        {t(`itemClass.${itemClass}.short`)}
      </Badge>
    </Tooltip>
  )
}
