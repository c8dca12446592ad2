import { Group, Text } from '@mantine/core'
import { IconAlarm, IconAlertTriangle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { dateTime } from '../../lib/format.ts'

type Summary = { state: 'running' | 'paused' | 'warning' | 'breached'; dueAt: string | null }

/**
 * The mark on an inbox row whose promise is due soon or missed: an icon and a short word, with the
 * due time for screen readers and on hover. Nothing for promises that run on time or are paused.
 */
export const PromiseMark = ({ promise }: { promise: Summary | null | undefined }) => {
  const { t, i18n } = useTranslation()
  if (!promise || (promise.state !== 'warning' && promise.state !== 'breached')) return null
  const breached = promise.state === 'breached'
  const at = promise.dueAt ? dateTime(promise.dueAt, i18n.language) : t('promises.inbox.markNoDue')
  const label = breached
    ? t('promises.inbox.markBreachedLabel', { at })
    : t('promises.inbox.markWarningLabel', { at })
  const Icon = breached ? IconAlarm : IconAlertTriangle
  return (
    <Group
      gap={3}
      wrap="nowrap"
      role="img"
      aria-label={label}
      title={label}
      data-testid="promise-mark"
      data-state={promise.state}
      style={{
        minWidth: 'max-content',
        borderRadius: 'var(--mantine-radius-sm)',
        padding: '0 6px',
        background: breached ? 'var(--mantine-color-red-9)' : 'var(--mantine-color-orange-light)',
        color: breached ? 'var(--mantine-color-white)' : 'var(--mantine-color-text)',
        border: `1px solid ${breached ? 'var(--mantine-color-red-9)' : 'var(--mantine-color-orange-6)'}`,
      }}
    >
      <Icon
        size={12}
        color={breached ? 'var(--mantine-color-white)' : 'var(--mantine-color-orange-9)'}
        aria-hidden
      />
      <Text size="xs" fw={700} c="inherit" aria-hidden>
        {breached ? t('promises.inbox.markBreached') : t('promises.inbox.markWarning')}
      </Text>
    </Group>
  )
}
