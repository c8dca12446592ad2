import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Collapse,
  Group,
  Paper,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import {
  IconAlertTriangle,
  IconArrowRight,
  IconCheck,
  IconChevronDown,
  IconChevronRight,
  IconClock,
  IconInfoCircle,
  IconLock,
  IconMailOff,
  IconPaperclip,
} from '@tabler/icons-react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { useId, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { api } from '../api/client.ts'
import type { ChannelDataView, EmailDelivery, Interaction, TicketEvent, TimelineEntry } from '../api/types.ts'
import { ESCALATION_EVENTS, EscalationChanges } from '../features/escalations/EscalationEvent.tsx'
import { FieldChanges } from '../features/fields/FieldChanges.tsx'
import { PROMISE_EVENTS, PromiseChanges } from '../features/promises/PromiseEvent.tsx'
import { dateTime, fileSize } from '../lib/format.ts'
import { useSession } from '../session.tsx'
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

/** A failure reason the reader can act on; 'other' (or none) only has the server's own words. */
const knownReason = (delivery: EmailDelivery) =>
  delivery.reason && delivery.reason !== 'other' && delivery.reason !== 'bounced'
    ? delivery.reason
    : undefined

/** The mail server's own words for whoever diagnoses them, kept out of the way behind an icon. */
const ServerWords = ({ delivery }: { delivery: EmailDelivery }) => {
  const { t } = useTranslation()
  if (!delivery.error) return null
  const label = `${t('timeline.delivery.serverSaid')}: ${delivery.error}`
  return (
    <Tooltip label={label} multiline maw={360} withArrow events={{ hover: true, focus: true, touch: true }}>
      <ActionIcon
        size="xs"
        variant="subtle"
        color="gray"
        aria-label={label}
        data-testid="delivery-server-words"
      >
        <IconInfoCircle size={14} aria-hidden />
      </ActionIcon>
    </Tooltip>
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
  const reason = knownReason(delivery)
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
          <Group gap={4} wrap="nowrap">
            <Text size="xs" c="dimmed">
              {reason
                ? t('timeline.delivery.lastError', { error: t(`timeline.delivery.reason.${reason}`) })
                : t('timeline.delivery.lastFailed')}
            </Text>
            <ServerWords delivery={delivery} />
          </Group>
        )}
      </Stack>
    )
  }
  const resend = (color: string) => (
    <Button
      size="compact-xs"
      variant="light"
      color={color}
      loading={retry.isPending}
      onClick={() => retry.mutate()}
      data-testid="delivery-retry"
    >
      {t('timeline.delivery.retry')}
    </Button>
  )
  // No channel to send with is the desk's set-up, not this reply's failure: said once above the
  // timeline (NoChannelNotice), and each such reply only marked quietly.
  if (delivery.reason === 'no_channel') {
    return (
      <Group
        gap="xs"
        mt="xs"
        wrap="wrap"
        data-testid="delivery-status"
        data-status={delivery.status}
        data-reason="no_channel"
      >
        <IconMailOff size={14} color="var(--mantine-color-dimmed)" aria-hidden />
        <Text size="xs" c="dimmed">
          {t('timeline.delivery.notEmailed')}
        </Text>
        {resend('gray')}
      </Group>
    )
  }
  return (
    <Group
      gap="xs"
      mt="xs"
      wrap="wrap"
      data-testid="delivery-status"
      data-status={delivery.status}
      data-reason={delivery.reason}
    >
      <IconAlertTriangle size={14} color="var(--mantine-color-red-7)" aria-hidden />
      <Text size="xs" c="red.8" fw={600}>
        {delivery.status === 'bounced' ? t('timeline.delivery.bounced') : t('timeline.delivery.failed')}
        {reason ? `: ${t(`timeline.delivery.reason.${reason}`)}` : ''}
      </Text>
      <ServerWords delivery={delivery} />
      {resend('red')}
    </Group>
  )
}

/** Shown once above a timeline whose replies could not go out because no channel sends mail. */
const NoChannelNotice = () => {
  const { t } = useTranslation()
  const { isAdmin } = useSession()
  return (
    <Alert
      color="gray"
      variant="light"
      icon={<IconMailOff size={18} aria-hidden />}
      title={t('timeline.noChannel.title')}
      data-testid="no-channel-notice"
    >
      <Text size="sm">
        {t('timeline.noChannel.text')}{' '}
        {isAdmin ? (
          <Trans
            i18nKey="timeline.noChannel.admin"
            components={{ link: <Anchor component={Link} to="/admin/email" inherit /> }}
          />
        ) : (
          t('timeline.noChannel.askAdmin')
        )}
      </Text>
    </Alert>
  )
}

type Warning = NonNullable<EmailData['warnings']>[number]

/** A note on receipt in the reader's language; older records hold the text itself. */
const warningText = (w: Warning, t: TFunction) =>
  typeof w === 'string' ? w : t(`timeline.warning.${w.code}`, { ...w.params })

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
      ml={entry.direction === 'outbound' || isNote ? { base: 'md', sm: 'xl' } : 0}
      mr={entry.direction === 'inbound' ? { base: 'md', sm: 'xl' } : 0}
    >
      <Group justify="space-between" mb={4} gap="xs" wrap="wrap">
        <Group gap={6} wrap="wrap" style={{ minWidth: 0 }}>
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
          {t('timeline.warnings')}: {email.warnings.map((w) => warningText(w, t)).join(' · ')}
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

/** Event kinds that show their changes in their own way (or not at all). */
const OWN_DISPLAY = new Set([
  'ticket.fields_changed',
  'ticket.closing_answered',
  'ticket.follow_up_opened',
  'ticket.follow_up_of',
  'ticket.follow_up_sent',
  'ticket.customer_confirmed',
  'ticket.customer_not_solved',
])

type AnsweredItem = {
  key: string
  label: { de: string; en: string }
  answerLabel: { de: string; en: string } | null
}

/** The closing checklist's answers, as given with the solve. */
const ClosingAnswersLine = ({ changes }: { changes: TicketEvent['changes'] }) => {
  const { i18n } = useTranslation()
  const lang = i18n.language === 'en' ? 'en' : 'de'
  const items = (changes.checklist?.to ?? []) as AnsweredItem[]
  return (
    <Text size="xs" data-testid="closing-answers">
      {items.map((a) => `✓ ${a.label[lang]}${a.answerLabel ? `: ${a.answerLabel[lang]}` : ''}`).join(' · ')}
    </Text>
  )
}

const EventEntry = ({ entry, names }: { entry: TicketEvent; names: NameLookup }) => {
  const { t, i18n } = useTranslation()
  const changes = Object.entries(entry.changes)
  return (
    <Group gap={6} px="sm" wrap="wrap" data-testid="timeline-event" data-type={entry.type}>
      <Text size="xs" c="dimmed" component="time" dateTime={entry.createdAt}>
        {dateTime(entry.createdAt, i18n.language)}
      </Text>
      <Text size="xs" fw={600}>
        {entry.actor?.name ?? t('timeline.system')}
      </Text>
      <Text size="xs">{t(`event.${entry.type}`, { defaultValue: entry.type })}</Text>
      {entry.type === 'ticket.fields_changed' && <FieldChanges changes={entry.changes} />}
      {entry.type === 'ticket.closing_answered' && <ClosingAnswersLine changes={entry.changes} />}
      {(entry.type === 'ticket.follow_up_opened' || entry.type === 'ticket.follow_up_of') && (
        <Text size="xs" fw={600}>
          #{String(Object.values(entry.changes)[0]?.to ?? '')}
        </Text>
      )}
      {PROMISE_EVENTS.has(entry.type) && <PromiseChanges entry={entry} />}
      {ESCALATION_EVENTS.has(entry.type) && <EscalationChanges entry={entry} />}
      {!OWN_DISPLAY.has(entry.type) &&
        !PROMISE_EVENTS.has(entry.type) &&
        !ESCALATION_EVENTS.has(entry.type) &&
        changes.map(([field, change]) => (
          <Group key={field} gap={4} wrap="wrap" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            <Text size="xs" c="dimmed">
              {t(`field.${field}`, { defaultValue: field })}:
            </Text>
            <Text size="xs">{show(change.from, t, field, names)}</Text>
            <IconArrowRight size={12} aria-label={t('timeline.to')} />
            <Text size="xs">{show(change.to, t, field, names)}</Text>
          </Group>
        ))}
      {entry.reason && !PROMISE_EVENTS.has(entry.type) && !ESCALATION_EVENTS.has(entry.type) && (
        <Text size="xs" fs="italic">
          {t('timeline.quoted', { text: entry.reason })}
        </Text>
      )}
      {entry.cause?.type === 'macro' && (
        <Text size="xs" c="dimmed" data-testid="event-cause">
          {t('macros.byMacro', { name: entry.cause.name })}
        </Text>
      )}
    </Group>
  )
}

const noChannel = (entry: TimelineEntry) =>
  entry.kind === 'interaction' &&
  entry.direction === 'outbound' &&
  entry.channelData?.channel === 'email' &&
  entry.channelData.delivery?.reason === 'no_channel' &&
  entry.channelData.delivery.status !== 'sent'

export const Timeline = ({ entries, names }: { entries: TimelineEntry[]; names: NameLookup }) => (
  <Stack gap="xs">
    {entries.some(noChannel) && <NoChannelNotice />}
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
  </Stack>
)
