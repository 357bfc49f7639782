import { Group, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { percent } from '../common/format'
import type { Distribution } from './types'

// A horizontal box plot of scores on 0–100%: whiskers p10–p90, box p25–p75, the median as a thick
// line and, when given, the institution's own score as a red dot. Coordinates are percentages, so
// the plot takes the width of its cell; the text alternative states the same figures.

const PAD = 3 // % of the width kept free at each end, so a dot at 0% or 100% is whole
const x = (value: number) => `${PAD + Math.max(0, Math.min(1, value)) * (100 - 2 * PAD)}%`

const OWN_COLOR = 'var(--mantine-color-red-7)'
const BOX_FILL = 'var(--mantine-color-kamae-1)'
const BOX_STROKE = 'var(--mantine-color-kamae-7)'

export function BoxPlot({ distribution, own, height = 26, axis = false }: { distribution: Distribution | null; own?: number | null; height?: number; axis?: boolean }) {
  const { t } = useTranslation()
  const mid = height / 2
  const boxTop = mid - height * 0.3
  const boxHeight = height * 0.6
  const label = distribution
    ? t('boxPlot.label', {
        p10: percent(distribution.p10),
        p25: percent(distribution.p25),
        median: percent(distribution.median),
        p75: percent(distribution.p75),
        p90: percent(distribution.p90),
      }) + (own !== undefined && own !== null ? ` ${t('boxPlot.own', { value: percent(own) })}` : '')
    : t('boxPlot.noData')
  const total = height + (axis ? 14 : 0)
  return (
    <svg width="100%" height={total} role="img" aria-label={label} data-testid="box-plot" style={{ display: 'block', minWidth: 140, overflow: 'visible' }}>
      <title>{label}</title>
      {[0, 0.25, 0.5, 0.75, 1].map((tick) => (
        <line key={tick} x1={x(tick)} x2={x(tick)} y1={2} y2={height - 2} stroke="var(--mantine-color-gray-3)" strokeDasharray={tick === 0 || tick === 1 ? undefined : '2 3'} />
      ))}
      {axis &&
        [0, 0.25, 0.5, 0.75, 1].map((tick) => (
          <text key={`label-${tick}`} x={x(tick)} y={height + 11} fontSize={10} textAnchor="middle" fill="var(--mantine-color-dimmed)">
            {Math.round(tick * 100)}
          </text>
        ))}
      {distribution && (
        <g>
          <line x1={x(distribution.p10)} x2={x(distribution.p90)} y1={mid} y2={mid} stroke={BOX_STROKE} strokeWidth={1.5} />
          <line x1={x(distribution.p10)} x2={x(distribution.p10)} y1={mid - 5} y2={mid + 5} stroke={BOX_STROKE} strokeWidth={1.5} />
          <line x1={x(distribution.p90)} x2={x(distribution.p90)} y1={mid - 5} y2={mid + 5} stroke={BOX_STROKE} strokeWidth={1.5} />
          <rect
            x={x(distribution.p25)}
            width={`${Math.max(0.4, (distribution.p75 - distribution.p25) * (100 - 2 * PAD))}%`}
            y={boxTop}
            height={boxHeight}
            fill={BOX_FILL}
            stroke={BOX_STROKE}
            strokeWidth={1.5}
          />
          <line x1={x(distribution.median)} x2={x(distribution.median)} y1={boxTop} y2={boxTop + boxHeight} stroke={BOX_STROKE} strokeWidth={3} />
        </g>
      )}
      {own !== undefined && own !== null && <circle cx={x(own)} cy={mid} r={5.5} fill={OWN_COLOR} stroke="white" strokeWidth={1.5} data-testid="own-score-mark" />}
    </svg>
  )
}

export function BoxPlotLegend({ withOwn = false }: { withOwn?: boolean }) {
  const { t } = useTranslation()
  return (
    <Group gap="md" data-testid="box-plot-legend">
      <Group gap={4} wrap="nowrap">
        <svg width={34} height={14} aria-hidden="true">
          <line x1={2} x2={32} y1={7} y2={7} stroke={BOX_STROKE} strokeWidth={1.5} />
          <rect x={10} y={2} width={14} height={10} fill={BOX_FILL} stroke={BOX_STROKE} strokeWidth={1.5} />
          <line x1={17} x2={17} y1={2} y2={12} stroke={BOX_STROKE} strokeWidth={3} />
        </svg>
        <Text size="xs" c="dimmed">
          {t('boxPlot.legend')}
        </Text>
      </Group>
      {withOwn && (
        <Group gap={4} wrap="nowrap">
          <svg width={14} height={14} aria-hidden="true">
            <circle cx={7} cy={7} r={5.5} fill={OWN_COLOR} stroke="white" strokeWidth={1.5} />
          </svg>
          <Text size="xs" c="dimmed">
            {t('boxPlot.ownLegend')}
          </Text>
        </Group>
      )}
    </Group>
  )
}
