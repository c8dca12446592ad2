import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core'
import { IconArrowRight, IconLock, IconPaperclip } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { Interaction, TicketEvent, TimelineEntry } from '../api/types.ts'
import { dateTime, fileSize } from '../lib/format.ts'
import { ChannelIcon } from './TicketBits.tsx'

const InteractionEntry = ({ entry }: { entry: Interaction }) => {
  const { t, i18n } = useTranslation()
  const isNote = entry.direction === 'internal'
  const label = isNote
    ? t('timeline.note')
    : entry.direction === 'inbound'
      ? t('timeline.fromCustomer')
      : t('timeline.toCustomer')
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
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {entry.text}
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
