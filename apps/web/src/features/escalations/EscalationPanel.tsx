import { Badge, Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlarm, IconLifebuoy } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { dateTime, duration } from '../../lib/format.ts'
import { useNow } from '../promises/PromiseBar.tsx'
import { dueText } from '../promises/promise-format.ts'
import { type Escalation, useEscalationActions, useTicketEscalations } from './api.ts'
import { causeDetail, isOverdue, openEscalation, reasonLabel, waitedMs } from './escalation-format.ts'
import { JoinActions } from './JoinActions.tsx'
import { NoteModal } from './NoteModal.tsx'

/** "I need help": the agent says what they need, and the team's supervisors are called. */
export const HelpRequestButton = ({ ticket }: { ticket: { id: string; number: number } }) => {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const { requestHelp } = useEscalationActions()
  return (
    <>
      <Button
        size="xs"
        variant="light"
        color="orange"
        c="var(--mantine-color-text)"
        leftSection={<IconLifebuoy size={14} aria-hidden />}
        onClick={() => setOpen(true)}
        data-testid="escalation-help"
      >
        {t('escalations.help.open')}
      </Button>
      <NoteModal
        opened={open}
        onClose={() => setOpen(false)}
        title={t('escalations.help.title')}
        intro={t('escalations.help.intro')}
        label={t('escalations.help.note')}
        placeholder={t('escalations.help.placeholder')}
        submitLabel={t('escalations.help.submit')}
        maxLength={2000}
        testId="escalation-help"
        onSubmit={(note) =>
          requestHelp
            .mutateAsync({ ticketId: ticket.id, input: { note } })
            .then(() => notifications.show({ color: 'blue', message: t('escalations.help.done') }))
        }
      />
    </>
  )
}

/** The state of an escalation in a few words: waiting, or who joined and how. */
export const EscalationStateBadge = ({ escalation: e, now }: { escalation: Escalation; now: number }) => {
  const { t } = useTranslation()
  return (
    <Group gap={4} wrap="wrap">
      {e.state === 'joined' ? (
        <Badge
          variant="light"
          color="blue"
          c="blue.9"
          tt="none"
          data-testid="escalation-state"
          data-state="joined"
        >
          {e.joinMode === 'advise'
            ? t('escalations.state.advised', { name: e.joinedByName ?? '–' })
            : t('escalations.state.tookOver', { name: e.joinedByName ?? '–' })}
        </Badge>
      ) : (
        <Badge
          variant="light"
          color="orange"
          c="var(--mantine-color-text)"
          tt="none"
          data-testid="escalation-state"
          data-state={e.state}
        >
          {t(e.state === 'resolved' ? 'escalations.state.resolved' : 'escalations.state.waiting')}
        </Badge>
      )}
      {isOverdue(e, now) && (
        <Badge
          color="red.9"
          leftSection={<IconAlarm size={12} aria-hidden />}
          data-testid="escalation-overdue"
        >
          {t('escalations.overdue')}
        </Badge>
      )}
    </Group>
  )
}

/** How long it waited, and when a supervisor is due (the absolute time on hover and focus). */
export const EscalationTimes = ({ escalation: e, now }: { escalation: Escalation; now: number }) => {
  const { t, i18n } = useTranslation()
  const waited = duration(waitedMs(e, now), i18n.language)
  return (
    <Stack gap={2}>
      <Text size="sm" data-testid="escalation-waited">
        {e.state === 'waiting'
          ? t('escalations.waitingFor', { duration: waited })
          : t('escalations.waited', { duration: waited })}
      </Text>
      {e.state === 'waiting' && e.joinDueAt && (
        <Tooltip
          label={t('escalations.joinDueAt', { at: dateTime(e.joinDueAt, i18n.language) })}
          withArrow
          events={{ hover: true, focus: true, touch: true }}
        >
          <Text size="sm" tabIndex={0} data-testid="escalation-join-due">
            {t('escalations.joinDue', { due: dueText(e.joinDueAt, now, i18n.language, t) })}
          </Text>
        </Tooltip>
      )}
    </Stack>
  )
}

/** Each reason raised on the escalation, in order, with what made it. */
export const EscalationCauses = ({ escalation: e }: { escalation: Escalation }) => {
  const { t, i18n } = useTranslation()
  return (
    <Stack
      gap={4}
      component="ul"
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
      aria-label={t('escalations.panel.causes')}
    >
      {e.causes.map((c) => {
        const detail = causeDetail(c, t)
        return (
          <li key={`${c.reason}-${c.at}`} data-testid="escalation-cause" data-reason={c.reason}>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              <b>{reasonLabel(c.reason, t)}</b>
              {c.byName ? ` (${c.byName})` : ''}
              {detail ? `: ${detail}` : ''}
              <Text span size="xs" c="dimmed">
                {' '}
                · <time dateTime={c.at}>{dateTime(c.at, i18n.language)}</time>
              </Text>
            </Text>
          </li>
        )
      })}
    </Stack>
  )
}

/**
 * The ticket's open escalation, if it has one: why, how long it has waited, when a supervisor is
 * due, and for those who may join it, taking over, advising and resolving.
 */
export const EscalationPanel = ({ ticketId }: { ticketId: string }) => {
  const { t } = useTranslation()
  const escalations = useTicketEscalations(ticketId)
  const now = useNow(60_000)
  const e = openEscalation(escalations.data)
  if (!e) return null
  const overdue = isOverdue(e, now)
  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-labelledby="escalation-panel-title"
      style={{
        borderColor: overdue
          ? 'var(--mantine-color-red-9)'
          : e.state === 'waiting'
            ? 'var(--mantine-color-orange-6)'
            : 'var(--mantine-color-blue-6)',
        borderWidth: 2,
      }}
      data-testid="escalation-panel"
      data-state={e.state}
    >
      <Stack gap="xs">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Title order={2} size="h5" id="escalation-panel-title">
            {t('escalations.panel.title')}
          </Title>
          <EscalationStateBadge escalation={e} now={now} />
        </Group>
        {e.teamName && (
          <Text size="xs" c="dimmed">
            {t('escalations.panel.team', { team: e.teamName })}
          </Text>
        )}
        <EscalationCauses escalation={e} />
        <EscalationTimes escalation={e} now={now} />
        <JoinActions escalation={e} />
      </Stack>
    </Paper>
  )
}
