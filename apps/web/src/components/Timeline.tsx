import { Anchor, Badge, Button, Collapse, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import {
  IconAlertTriangle,
  IconArrowRight,
  IconCheck,
  IconChevronDown,
  IconChevronRight,
  IconClock,
  IconLock,
  IconPaperclip,
} from '@tabler/icons-react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../api/client.ts'
import type { ChannelDataView, EmailDelivery, Interaction, TicketEvent, TimelineEntry } from '../api/types.ts'
import { dateTime, fileSize } from '../lib/format.ts'
import { ChannelIcon } from './TicketBits.tsx'

type EmailData = Extract<ChannelDataView, { channel: 'email' }>

const textStyle = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const

/** Plain text with the quoted earlier mail (or signature) from `foldAt` on folded away. */
const FoldedText = ({ text, foldAt }: { text: string; foldAt: number | undefined }) => {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const id = useId()
  if (foldAt === undefined || foldAt >= text.length || !text.slice(foldAt).trim()) {
    return (
      <Text size="sm" style={textStyle}>
        {text}
      </Text>
    )
  }
  const Icon = open ? IconChevronDown : IconChevronRight
  return (
    <>
      <Text size="sm" style={textStyle}>
        {text.slice(0, foldAt).trimEnd()}
      </Text>
      <UnstyledButton
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-controls={id}
        mt={4}
        data-testid="timeline-quote-toggle"
      >
        <Group gap={4} wrap="nowrap">
          <Icon size={12} aria-hidden />
          <Text size="xs" c="dimmed">
            {open ? t('timeline.hideQuoted') : t('timeline.showQuoted')}
          </Text>
        </Group>
      </UnstyledButton>
      <Collapse expanded={open} id={id}>
        <Text size="sm" c="dimmed" style={textStyle} mt={4}>
          {text.slice(foldAt).trim()}
        </Text>
      </Collapse>
    </>
  )
}

/** Where an email reply stands: sending, sent, or not delivered (with a way to send it again). */
const DeliveryStatus = ({ interactionId, delivery }: { interactionId: string; delivery: EmailDelivery }) => {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const retry = useMutation({
    mutationFn: () => api<null>(`/interactions/${interactionId}/delivery/retry`, { method: 'POST' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['tickets', 'detail'] }),
    onError: (err) => notifications.show({ color: 'red', message: err.message }),
  })
  const at = dateTime(delivery.at, i18n.language)
  if (delivery.status === 'sent') {
    return (
      <Group gap={4} mt="xs" wrap="nowrap" data-testid="delivery-status" data-status="sent">
        <IconCheck size={12} aria-hidden />
        <Text size="xs" c="dimmed">
          {t('timeline.delivery.sent', { at })}
        </Text>
      </Group>
    )
  }
  if (delivery.status === 'queued') {
    return (
      <Stack gap={2} mt="xs" data-testid="delivery-status" data-status="queued">
        <Group gap={4} wrap="nowrap">
          <IconClock size={12} aria-hidden />
          <Text size="xs" c="dimmed">
            {t('timeline.delivery.queued')}
          </Text>
        </Group>
        {delivery.error && (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {t('timeline.delivery.lastError', {
              error:
                delivery.reason && delivery.reason !== 'other'
                  ? `${t(`timeline.delivery.reason.${delivery.reason}`)} (${delivery.error})`
                  : delivery.error,
            })}
          </Text>
        )}
      </Stack>
    )
  }
  return (
    <Group gap="xs" mt="xs" wrap="wrap" data-testid="delivery-status" data-status={delivery.status}>
      <IconAlertTriangle size={14} color="var(--mantine-color-red-7)" aria-hidden />
      <Text size="xs" c="red.8" fw={600}>
        {delivery.status === 'bounced' ? t('timeline.delivery.bounced') : t('timeline.delivery.failed')}
        {delivery.reason && delivery.reason !== 'other' && delivery.reason !== 'bounced'
          ? `: ${t(`timeline.delivery.reason.${delivery.reason}`)}`
          : ''}
      </Text>
      {delivery.error && (
        <Text
          size="xs"
          c="red.8"
          style={{ overflowWrap: 'anywhere' }}
          title={t('timeline.delivery.serverSaid')}
        >
          {delivery.error}
        </Text>
      )}
      <Button
        size="compact-xs"
        variant="light"
        color="red"
        loading={retry.isPending}
        onClick={() => retry.mutate()}
        data-testid="delivery-retry"
      >
        {t('timeline.delivery.retry')}
      </Button>
    </Group>
  )
}

const InteractionEntry = ({ entry }: { entry: Interaction }) => {
  const { t, i18n } = useTranslation()
  const isNote = entry.direction === 'internal'
  const label = isNote
    ? t('timeline.note')
    : entry.direction === 'inbound'
      ? t('timeline.fromCustomer')
      : t('timeline.toCustomer')
  const email: EmailData | null = entry.channelData?.channel === 'email' ? entry.channelData : null
  return (
    <Paper
      withBorder
      p="sm"
      className={isNote ? 'note-entry' : undefined}
      data-testid={isNote ? 'timeline-note' : 'timeline-message'}
      aria-label={`${label}: ${entry.author.name}`}
      component="article"
      ml={entry.direction === 'outbound' || isNote ? 'xl' : 0}
      mr={entry.direction === 'inbound' ? 'xl' : 0}
    >
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <ChannelIcon channel={entry.channel} size={14} />
          <Text size="sm" fw={600}>
            {entry.author.name}
          </Text>
          <Badge
            size="xs"
            variant={isNote ? 'filled' : 'default'}
            color={isNote ? 'yellow' : undefined}
            leftSection={isNote ? <IconLock size={10} aria-hidden /> : undefined}
            autoContrast
          >
            {label}
          </Badge>
          {email?.automated && (
            <Badge size="xs" variant="light" color="orange" c="dark.7" data-testid="timeline-automated">
              {t(`timeline.automated.${email.automated}`)}
            </Badge>
          )}
          {entry.mergedFromTicketNumber && (
            <Text size="xs" c="dimmed">
              {t('timeline.mergedFrom', { number: entry.mergedFromTicketNumber })}
            </Text>
          )}
        </Group>
        <Text size="xs" c="dimmed" component="time" dateTime={entry.createdAt}>
          {dateTime(entry.createdAt, i18n.language)}
        </Text>
      </Group>
      {entry.html ? (
        // Sanitized by the server (no scripts, no event handlers, no remote frames); the page's
        // Content-Security-Policy refuses any script that might still get through.
        // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized server-side, CSP-protected
        <div className="timeline-html" dangerouslySetInnerHTML={{ __html: entry.html }} />
      ) : (
        <FoldedText text={entry.text} foldAt={email?.foldAt} />
      )}
      {email?.warnings && email.warnings.length > 0 && (
        <Text size="xs" c="dimmed" mt="xs" data-testid="timeline-warnings">
          {t('timeline.warnings')}: {email.warnings.join(' · ')}
        </Text>
      )}
      {entry.attachments.length > 0 && (
        <Group gap="xs" mt="xs">
          {entry.attachments.map((a) => (
            <Anchor key={a.id} href={a.url} download={a.filename} size="xs">
              <Group gap={4} wrap="nowrap">
                <IconPaperclip size={12} aria-hidden />
                {a.filename} ({fileSize(a.size, i18n.language)})
              </Group>
            </Anchor>
          ))}
        </Group>
      )}
      {email?.delivery && entry.direction === 'outbound' && (
        <DeliveryStatus interactionId={entry.id} delivery={email.delivery} />
      )}
    </Paper>
  )
}

/** Team and staff names by id: events record ids, people read names. */
export type NameLookup = {
  team: (id: string) => string | undefined
  staff: (id: string) => string | undefined
}

const show = (value: unknown, t: (k: string) => string, field: string, names: NameLookup): string => {
  if (value === null || value === undefined || value === '') return '–'
  if (Array.isArray(value)) return value.length ? value.join(', ') : '–'
  if (typeof value === 'object' && value && 'name' in value) return String((value as { name: unknown }).name)
  if (field === 'status') return t(`status.${value}`)
  if (field === 'priority') return t(`priority.${value}`)
  if (field === 'language') return t(`language.${value}`)
  if (field === 'team') return names.team(String(value)) ?? t('timeline.unknownTeam')
  if (field === 'assignee') return names.staff(String(value)) ?? t('timeline.unknownStaff')
  if (field === 'merged' || field === 'mergedInto') return `#${value}`
  return String(value)
}

const EventEntry = ({ entry, names }: { entry: TicketEvent; names: NameLookup }) => {
  const { t, i18n } = useTranslation()
  const changes = Object.entries(entry.changes)
  return (
    <Group gap={6} px="sm" wrap="wrap" data-testid="timeline-event">
      <Text size="xs" c="dimmed" component="time" dateTime={entry.createdAt}>
        {dateTime(entry.createdAt, i18n.language)}
      </Text>
      <Text size="xs" fw={600}>
        {entry.actor?.name ?? t('timeline.system')}
      </Text>
      <Text size="xs">{t(`event.${entry.type}`, { defaultValue: entry.type })}</Text>
      {changes.map(([field, change]) => (
        <Group key={field} gap={4} wrap="nowrap">
          <Text size="xs" c="dimmed">
            {t(`field.${field}`, { defaultValue: field })}:
          </Text>
          <Text size="xs">{show(change.from, t, field, names)}</Text>
          <IconArrowRight size={12} aria-label={t('timeline.to')} />
          <Text size="xs">{show(change.to, t, field, names)}</Text>
        </Group>
      ))}
      {entry.reason && (
        <Text size="xs" fs="italic">
          „{entry.reason}“
        </Text>
      )}
    </Group>
  )
}

export const Timeline = ({ entries, names }: { entries: TimelineEntry[]; names: NameLookup }) => (
  <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
    {entries.map((entry) => (
      <li key={`${entry.kind}-${entry.id}`}>
        {entry.kind === 'interaction' ? (
          <InteractionEntry entry={entry} />
        ) : (
          <EventEntry entry={entry} names={names} />
        )}
      </li>
    ))}
  </Stack>
)
