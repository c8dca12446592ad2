import {
  Alert,
  Button,
  Collapse,
  Group,
  Modal,
  NumberInput,
  Stack,
  Text,
  Textarea,
  Tooltip,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import {
  IconAlarm,
  IconAlertTriangle,
  IconCheck,
  IconChevronDown,
  IconChevronRight,
  IconClock,
  IconPlayerPause,
  IconPlayerPlay,
} from '@tabler/icons-react'
import type { TFunction } from 'i18next'
import { type CSSProperties, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { dateTime, duration } from '../../lib/format.ts'
import { type TicketPromise, usePromiseActions, useSlaPolicies } from './api.ts'
import {
  byUrgency,
  dueText,
  isManualPause,
  isOpen,
  kindLabel,
  type OpenState,
  pauseReasonText,
  readableErrors,
} from './promise-format.ts'

/** How often the time left is written anew; the ticket itself is not asked for again. */
const TICK_MS = 30_000

/** The current time, renewed every `ms`. */
export const useNow = (ms = TICK_MS) => {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms])
  return now
}

/**
 * Colours of each state, each with text at 4.5:1 or more on its background: the orange of a
 * warning is its tint and border, its text stays in the text colour (orange text is not readable).
 */
const STYLES: Record<OpenState, { chip: CSSProperties; icon: string }> = {
  running: {
    chip: {
      background: 'var(--mantine-color-blue-light)',
      color: 'var(--mantine-color-blue-9)',
      border: '1px solid var(--mantine-color-blue-3)',
    },
    icon: 'var(--mantine-color-blue-9)',
  },
  warning: {
    chip: {
      background: 'var(--mantine-color-orange-light)',
      color: 'var(--mantine-color-text)',
      border: '1px solid var(--mantine-color-orange-6)',
    },
    icon: 'var(--mantine-color-orange-9)',
  },
  breached: {
    chip: {
      background: 'var(--mantine-color-red-9)',
      color: 'var(--mantine-color-white)',
      border: '1px solid var(--mantine-color-red-9)',
    },
    icon: 'var(--mantine-color-white)',
  },
  paused: {
    chip: {
      background: 'var(--mantine-color-gray-light)',
      color: 'var(--mantine-color-gray-8)',
      border: '1px solid var(--mantine-color-gray-4)',
    },
    icon: 'var(--mantine-color-gray-8)',
  },
}

const ICONS: Record<OpenState, typeof IconClock> = {
  running: IconClock,
  warning: IconAlertTriangle,
  breached: IconAlarm,
  paused: IconPlayerPause,
}

const chipBase: CSSProperties = {
  borderRadius: 'var(--mantine-radius-xl)',
  padding: '2px 10px',
  minWidth: 'max-content',
}

/** What a chip says after its name: the time left (or late), or why and until when it is paused. */
const detail = (p: TicketPromise, now: number, lang: string, t: TFunction) => {
  if (p.state === 'paused') {
    const reason = pauseReasonText(p.pauseReason, t)
    const until = p.pauseUntil ? t('promises.pausedUntil', { at: dateTime(p.pauseUntil, lang) }) : ''
    return [reason, until].filter(Boolean).join(', ')
  }
  return p.dueAt ? dueText(p.dueAt, now, lang, t) : ''
}

/** The absolute due time and the target, shown on hover and focus. */
const hoverText = (p: TicketPromise, now: number, lang: string, t: TFunction) => {
  const target = t('promises.target', {
    duration: duration(p.targetMinutes * 60_000, lang),
    clock: t(p.business ? 'promises.clock.business' : 'promises.clock.wall'),
  })
  if (!p.dueAt) return target
  const at = dateTime(p.dueAt, lang)
  const due = new Date(p.dueAt).getTime() < now ? t('promises.wasDueAt', { at }) : t('promises.dueAt', { at })
  return `${due} · ${target}`
}

const PromiseChip = ({ promise: p, now }: { promise: TicketPromise; now: number }) => {
  const { t, i18n } = useTranslation()
  const state = p.state as OpenState
  const Icon = ICONS[state]
  const hover = hoverText(p, now, i18n.language, t)
  const text = detail(p, now, i18n.language, t)
  return (
    <Tooltip label={hover} withArrow multiline maw={320} events={{ hover: true, focus: true, touch: true }}>
      <Group
        gap={6}
        wrap="nowrap"
        tabIndex={0}
        style={{ ...chipBase, ...STYLES[state].chip }}
        data-testid="promise-chip"
        data-kind={p.kind}
        data-state={p.state}
      >
        <Icon size={14} color={STYLES[state].icon} aria-hidden />
        <Text size="sm" fw={700} c="inherit">
          {kindLabel(p.kind, t)}
        </Text>
        <Text size="sm" c="inherit" data-testid="promise-state">
          {t(`promises.state.${state}`)}
        </Text>
        {text && (
          <Text size="sm" c="inherit" data-testid="promise-due">
            · {text}
          </Text>
        )}
        <VisuallyHidden>{hover}</VisuallyHidden>
      </Group>
    </Tooltip>
  )
}

/** Kept promises, folded: "met", or "met late" when it had been missed first. */
const KeptPromises = ({ kept }: { kept: TicketPromise[] }) => {
  const { t, i18n } = useTranslation()
  const [open, setOpen] = useState(false)
  const id = useId()
  if (kept.length === 0) return null
  const Chevron = open ? IconChevronDown : IconChevronRight
  return (
    <>
      <UnstyledButton
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-controls={id}
        data-testid="promise-kept-toggle"
      >
        <Group gap={4} wrap="nowrap">
          <Chevron size={12} aria-hidden />
          <Text size="sm" c="dimmed">
            {t('promises.bar.kept', { count: kept.length })}
          </Text>
        </Group>
      </UnstyledButton>
      <Collapse expanded={open} id={id}>
        <Group gap="xs" data-testid="promise-kept">
          {kept.map((p) => (
            <Group
              key={p.id}
              gap={4}
              wrap="nowrap"
              data-testid="promise-kept-chip"
              data-kind={p.kind}
              title={p.metAt ? t('promises.bar.metAt', { at: dateTime(p.metAt, i18n.language) }) : undefined}
            >
              <IconCheck size={12} aria-hidden />
              <Text size="sm">
                {kindLabel(p.kind, t)}: {p.breachedAt ? t('promises.bar.metLate') : t('promises.bar.met')}
              </Text>
            </Group>
          ))}
        </Group>
      </Collapse>
    </>
  )
}

/** The pause dialog: a reason and how long; the policy's longest pause is the limit. */
const PauseDialog = ({
  opened,
  onClose,
  ticket,
  policyIds,
}: {
  opened: boolean
  onClose: () => void
  ticket: { id: string; number: number }
  policyIds: string[]
}) => {
  const { t, i18n } = useTranslation()
  const actions = usePromiseActions(ticket)
  const policies = useSlaPolicies(opened && policyIds.length > 0)
  const limits = (policies.data ?? []).filter((p) => policyIds.includes(p.id)).map((p) => p.maxPauseMinutes)
  const max = limits.length ? Math.min(...limits) : undefined
  const [reason, setReason] = useState('')
  const [minutes, setMinutes] = useState<number | string>(60)
  const error = actions.pause.error
  const problem = error instanceof ApiError ? error.problem : undefined
  const errorAt = (field: string) =>
    problem?.errors
      ?.filter((e) => e.pointer === `/body/${field}` || e.pointer.startsWith(`/body/${field}/`))
      .map((e) => e.detail)
      .join('; ') || undefined
  // A refusal that names no field (e.g. longer than the policy allows) belongs to the minutes.
  const general = error && !problem?.errors?.length ? error.message : undefined
  const close = () => {
    actions.pause.reset()
    onClose()
  }
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('promises.pause.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        style={readableErrors}
        onSubmit={(e) => {
          e.preventDefault()
          actions.pause.mutate(
            { reason: reason.trim(), minutes: typeof minutes === 'number' ? minutes : Number(minutes) },
            {
              onSuccess: () => {
                notifications.show({ color: 'blue', message: t('promises.pause.done') })
                setReason('')
                close()
              },
            },
          )
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t('promises.pause.intro')}</Text>
          {general && (
            <Alert color="red" role="alert" data-testid="promise-pause-error">
              {general}
            </Alert>
          )}
          <Textarea
            label={t('promises.pause.reason')}
            placeholder={t('promises.pause.reasonPlaceholder')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errorAt('reason')}
            required
            minLength={3}
            maxLength={500}
            autosize
            minRows={2}
            data-testid="promise-pause-reason"
          />
          <NumberInput
            label={t('promises.pause.minutes')}
            description={
              max ? t('promises.pause.max', { duration: duration(max * 60_000, i18n.language) }) : undefined
            }
            value={minutes}
            onChange={setMinutes}
            error={errorAt('minutes')}
            min={1}
            allowDecimal={false}
            allowNegative={false}
            required
            data-testid="promise-pause-minutes"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('promises.pause.cancel')}
            </Button>
            <Button type="submit" loading={actions.pause.isPending} data-testid="promise-pause-submit">
              {t('promises.pause.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/**
 * A ticket's promises at a glance: one chip per open promise with its state and time left (written
 * anew every 30 s from the due time, without asking the server), the kept ones folded, and
 * pausing and resuming the clocks.
 */
export const PromiseBar = ({
  ticket,
}: {
  ticket: { id: string; number: number; promises?: TicketPromise[] }
}) => {
  const { t } = useTranslation()
  const now = useNow()
  const [pauseOpen, setPauseOpen] = useState(false)
  const actions = usePromiseActions(ticket)
  const promises = ticket.promises ?? []
  const open = byUrgency(promises.filter((p) => isOpen(p.state)))
  const kept = promises.filter((p) => p.state === 'met')
  if (open.length === 0 && kept.length === 0) return null
  // Only the customer's response targets pause; a promise the desk keeps to itself runs on.
  const canPause = open.some((p) => p.customerFacing && p.kind.startsWith('sla.') && p.state !== 'paused')
  const canResume = open.some(isManualPause)
  const policyIds = [...new Set(open.map((p) => p.policyId).filter((id): id is string => !!id))]
  return (
    <Group gap="xs" wrap="wrap" role="group" aria-label={t('promises.bar.label')} data-testid="promise-bar">
      {open.map((p) => (
        <PromiseChip key={p.id} promise={p} now={now} />
      ))}
      <KeptPromises kept={kept} />
      {canPause && (
        <Button
          size="compact-sm"
          variant="subtle"
          leftSection={<IconPlayerPause size={14} aria-hidden />}
          onClick={() => setPauseOpen(true)}
          data-testid="promise-pause"
        >
          {t('promises.pause.open')}
        </Button>
      )}
      {canResume && (
        <Button
          size="compact-sm"
          variant="subtle"
          leftSection={<IconPlayerPlay size={14} aria-hidden />}
          loading={actions.resume.isPending}
          onClick={() =>
            actions.resume.mutate(undefined, {
              onSuccess: () => notifications.show({ color: 'blue', message: t('promises.pause.resumed') }),
              onError: (err) => notifications.show({ color: 'red', message: err.message }),
            })
          }
          data-testid="promise-resume"
        >
          {t('promises.pause.resume')}
        </Button>
      )}
      <PauseDialog
        opened={pauseOpen}
        onClose={() => setPauseOpen(false)}
        ticket={ticket}
        policyIds={policyIds}
      />
    </Group>
  )
}
