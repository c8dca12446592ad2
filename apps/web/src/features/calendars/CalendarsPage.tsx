import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { CALENDAR_WEEKDAYS } from '@tresen/contract'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { useSession } from '../../session.tsx'
import {
  type Calendar,
  useCalendarMutations,
  useCalendarPreview,
  useCalendarRegions,
  useCalendars,
} from './api.ts'

type Day = (typeof CALENDAR_WEEKDAYS)[number]
type Frame = { from: string; to: string }
type Exception = { date: string; frames: Frame[]; note?: string }
type Draft = {
  name: string
  timeZone: string
  week: Record<Day, Frame[]>
  country: string
  state: string
  region: string
  exceptions: Exception[]
  isDefault: boolean
}

const OFFICE: Frame[] = [{ from: '08:00', to: '18:00' }]
const blank = (): Draft => ({
  name: '',
  timeZone: 'Europe/Berlin',
  week: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE, sat: [], sun: [] },
  country: 'DE',
  state: '',
  region: '',
  exceptions: [],
  isDefault: false,
})
const draftOf = (c: Calendar): Draft => ({
  name: c.name,
  timeZone: c.timeZone,
  week: c.week,
  country: c.holidays?.country ?? '',
  state: c.holidays?.state ?? '',
  region: c.holidays?.region ?? '',
  exceptions: c.exceptions,
  isDefault: c.isDefault,
})
const zones = (): string[] => {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] }
  return intl.supportedValuesOf?.('timeZone') ?? ['Europe/Berlin', 'UTC']
}

/** The frames of one day (or exception): from–to pairs, added and removed. */
const FramesEditor = ({
  label,
  frames,
  onChange,
  testId,
}: {
  label: string
  frames: Frame[]
  onChange: (frames: Frame[]) => void
  testId: string
}) => {
  const { t } = useTranslation()
  const set = (i: number, patch: Partial<Frame>) =>
    onChange(frames.map((f, n) => (n === i ? { ...f, ...patch } : f)))
  return (
    <Group gap="xs" align="center" data-testid={testId} wrap="wrap">
      <Text size="sm" w={110} fw={600}>
        {label}
      </Text>
      {frames.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('calendars.closed')}
        </Text>
      )}
      {frames.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: frames have no identity besides their place
        <Group key={i} gap={4} wrap="nowrap">
          <TextInput
            size="xs"
            w={80}
            placeholder="08:00"
            value={f.from}
            onChange={(e) => set(i, { from: e.currentTarget.value })}
            aria-label={t('calendars.frameFrom', { day: label, n: i + 1 })}
          />
          <Text size="sm">–</Text>
          <TextInput
            size="xs"
            w={80}
            value={f.to}
            onChange={(e) => set(i, { to: e.currentTarget.value })}
            aria-label={t('calendars.frameTo', { day: label, n: i + 1 })}
            placeholder="18:00"
          />
          <ActionIcon
            variant="subtle"
            color="red"
            onClick={() => onChange(frames.filter((_, n) => n !== i))}
            aria-label={t('calendars.removeFrame', { day: label, n: i + 1 })}
          >
            <IconTrash size={14} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
      <ActionIcon
        variant="light"
        onClick={() =>
          onChange([...frames, frames.length === 0 ? OFFICE[0]! : { from: '13:00', to: '17:00' }])
        }
        aria-label={t('calendars.addFrame', { day: label })}
      >
        <IconPlus size={14} aria-hidden />
      </ActionIcon>
    </Group>
  )
}

const Preview = ({ id }: { id: string }) => {
  const { t, i18n } = useTranslation()
  const [from, setFrom] = useState('')
  const preview = useCalendarPreview(id, i18n.language, /^\d{4}-\d{2}-\d{2}$/.test(from) ? from : '')
  const dateFmt = useMemo(
    () =>
      new Intl.DateTimeFormat(i18n.language, {
        weekday: 'short',
        day: '2-digit',
        month: '2-digit',
        timeZone: 'UTC',
      }),
    [i18n.language],
  )
  const fromInput = (
    <TextInput
      type="date"
      size="xs"
      w={180}
      label={t('calendars.previewFrom')}
      description={t('calendars.previewFromHelp')}
      value={from}
      onChange={(e) => setFrom(e.currentTarget.value)}
    />
  )
  if (preview.isPending)
    return (
      <Stack gap="xs">
        {fromInput}
        <Loader aria-label={t('calendars.preview')} />
      </Stack>
    )
  if (preview.isError)
    return (
      <Stack gap="xs">
        {fromInput}
        <Alert color="red">{preview.error.message}</Alert>
      </Stack>
    )
  return (
    <Stack gap="xs">
      {fromInput}
      <Table aria-label={t('calendars.preview')} data-testid="calendar-preview">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('calendars.date')}</Table.Th>
            <Table.Th>{t('calendars.hours')}</Table.Th>
            <Table.Th>{t('calendars.why')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.data.days.map((d) => (
            <Table.Tr key={d.date} data-testid="calendar-preview-day">
              <Table.Td>{dateFmt.format(new Date(`${d.date}T12:00:00Z`))}</Table.Td>
              <Table.Td>
                {d.frames.length === 0
                  ? t('calendars.closed')
                  : d.frames.map((f) => `${f.from}–${f.to}`).join(', ')}
              </Table.Td>
              <Table.Td>
                {d.holiday && (
                  <Badge
                    color={d.reason === 'holiday' ? 'red' : 'gray'}
                    variant="light"
                    data-testid="calendar-holiday"
                  >
                    {d.holiday}
                  </Badge>
                )}{' '}
                {d.reason === 'exception' && (
                  <Badge color="yellow" variant="light">
                    {d.note || t('calendars.exception')}
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}

const Editor = ({ calendar, onDone }: { calendar: Calendar | 'new'; onDone: (saved?: Calendar) => void }) => {
  const { t, i18n } = useTranslation()
  const existing = calendar === 'new' ? null : calendar
  const [draft, setDraft] = useState<Draft>(existing ? draftOf(existing) : blank())
  const [problem, setProblem] = useState<{ message: string; errors: string[] } | null>(null)
  const regions = useCalendarRegions(draft.country, i18n.language)
  const m = useCalendarMutations()
  const zoneList = useMemo(zones, [])
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }))
  const states = regions.data?.states ?? []
  const stateRegions = states.find((s) => s.code === draft.state)?.regions ?? []

  const save = () => {
    setProblem(null)
    const input = {
      name: draft.name.trim(),
      timeZone: draft.timeZone,
      week: draft.week,
      holidays: draft.country
        ? { country: draft.country, state: draft.state || null, region: draft.region || null }
        : null,
      exceptions: draft.exceptions.map((e) => ({ ...e, note: e.note?.trim() || undefined })),
    }
    const onError = (err: Error) =>
      setProblem({
        message: err.message,
        errors:
          err instanceof ApiError
            ? (err.problem?.errors ?? []).map((e) => `${e.pointer.replace('/body/', '')}: ${e.detail}`)
            : [],
      })
    if (existing)
      m.update.mutate(
        {
          id: existing.id,
          input: { ...input, ...(draft.isDefault && !existing.isDefault ? { isDefault: true } : {}) },
        },
        { onSuccess: onDone, onError },
      )
    else m.create.mutate({ ...input, isDefault: draft.isDefault }, { onSuccess: onDone, onError })
  }

  return (
    <Modal
      opened
      onClose={() => onDone()}
      size="xl"
      title={existing ? t('calendars.editTitle', { name: existing.name }) : t('calendars.newTitle')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save()
        }}
      >
        <Stack>
          {problem && (
            <Alert color="red" data-testid="calendar-error">
              {problem.message}
              {problem.errors.map((e) => (
                <Text key={e} size="sm">
                  {e}
                </Text>
              ))}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('calendars.name')}
              value={draft.name}
              onChange={(e) => set({ name: e.currentTarget.value })}
              required
              maxLength={100}
            />
            <Select
              label={t('calendars.timeZone')}
              data={zoneList}
              value={draft.timeZone}
              onChange={(v) => v && set({ timeZone: v })}
              searchable
              allowDeselect={false}
            />
          </SimpleGrid>
          <Title order={2} size="h5">
            {t('calendars.week')}
          </Title>
          {CALENDAR_WEEKDAYS.map((day) => (
            <FramesEditor
              key={day}
              label={t(`calendars.days.${day}`)}
              frames={draft.week[day]}
              onChange={(frames) => set({ week: { ...draft.week, [day]: frames } })}
              testId={`calendar-day-${day}`}
            />
          ))}
          <Title order={2} size="h5">
            {t('calendars.holidays')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('calendars.holidaysHelp')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label={t('calendars.country')}
              data={(regions.data?.countries ?? []).map((c) => ({
                value: c.code,
                label: `${c.name} (${c.code})`,
              }))}
              value={draft.country || null}
              onChange={(v) => set({ country: v ?? '', state: '', region: '' })}
              searchable
              clearable
              placeholder={t('calendars.noHolidays')}
            />
            <Select
              label={t('calendars.state')}
              data={states.map((s) => ({ value: s.code, label: s.name }))}
              value={draft.state || null}
              onChange={(v) => set({ state: v ?? '', region: '' })}
              searchable
              clearable
              disabled={states.length === 0}
              placeholder={t('calendars.wholeCountry')}
            />
            <Select
              label={t('calendars.region')}
              data={stateRegions.map((r) => ({ value: r.code, label: r.name }))}
              value={draft.region || null}
              onChange={(v) => set({ region: v ?? '' })}
              searchable
              clearable
              disabled={stateRegions.length === 0}
              placeholder={t('calendars.wholeState')}
            />
          </SimpleGrid>
          <Group justify="space-between">
            <Title order={2} size="h5">
              {t('calendars.exceptions')}
            </Title>
            <Button
              size="xs"
              variant="light"
              onClick={() => set({ exceptions: [...draft.exceptions, { date: '', frames: [] }] })}
            >
              {t('calendars.addException')}
            </Button>
          </Group>
          <Text size="sm" c="dimmed">
            {t('calendars.exceptionsHelp')}
          </Text>
          {draft.exceptions.map((ex, i) => {
            const change = (patch: Partial<Exception>) =>
              set({ exceptions: draft.exceptions.map((e, n) => (n === i ? { ...e, ...patch } : e)) })
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a new exception has no date yet
              <Paper key={i} withBorder p="xs">
                <Group align="end" gap="xs">
                  <TextInput
                    type="date"
                    size="xs"
                    label={t('calendars.date')}
                    value={ex.date}
                    onChange={(e) => change({ date: e.currentTarget.value })}
                  />
                  <TextInput
                    size="xs"
                    label={t('calendars.note')}
                    value={ex.note ?? ''}
                    onChange={(e) => change({ note: e.currentTarget.value })}
                    maxLength={200}
                  />
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => set({ exceptions: draft.exceptions.filter((_, n) => n !== i) })}
                  >
                    {t('calendars.removeException')}
                  </Button>
                </Group>
                <FramesEditor
                  label={ex.date || t('calendars.exception')}
                  frames={ex.frames}
                  onChange={(frames) => change({ frames })}
                  testId={`calendar-exception-${i}`}
                />
              </Paper>
            )
          })}
          <Switch
            label={t('calendars.isDefault')}
            description={t('calendars.isDefaultHelp')}
            checked={draft.isDefault}
            disabled={existing?.isDefault}
            onChange={(e) => set({ isDefault: e.currentTarget.checked })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onDone()}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={m.create.isPending || m.update.isPending}
              data-testid="calendar-save"
            >
              {t('calendars.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

const CalendarsPage = () => {
  const { t } = useTranslation()
  const { isAdmin } = useSession()
  const calendars = useCalendars()
  const m = useCalendarMutations()
  const [editing, setEditing] = useState<Calendar | 'new' | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [removing, setRemoving] = useState<Calendar | null>(null)
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  if (calendars.isError) return <ErrorPage kind="unavailable" onRetry={() => void calendars.refetch()} />
  const shown = selected ?? calendars.data?.find((c) => c.isDefault)?.id ?? calendars.data?.[0]?.id ?? null
  const holidayLabel = (c: Calendar) =>
    c.holidays
      ? [c.holidays.country, c.holidays.state, c.holidays.region].filter(Boolean).join('-')
      : t('calendars.none')

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('calendars.title')}
        </Title>
        <Button onClick={() => setEditing('new')} data-testid="calendar-new">
          {t('calendars.new')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('calendars.intro')}
      </Text>
      {calendars.isPending ? (
        <Loader aria-label={t('calendars.title')} />
      ) : calendars.data.length === 0 ? (
        <Text c="dimmed">{t('calendars.empty')}</Text>
      ) : (
        <Table aria-label={t('calendars.title')} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('calendars.name')}</Table.Th>
              <Table.Th>{t('calendars.timeZone')}</Table.Th>
              <Table.Th>{t('calendars.holidays')}</Table.Th>
              <Table.Th>{t('calendars.usedBy')}</Table.Th>
              <Table.Th>{t('calendars.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {calendars.data.map((c) => (
              <Table.Tr
                key={c.id}
                data-testid="calendar-row"
                aria-current={c.id === shown ? 'true' : undefined}
              >
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => setSelected(c.id)}>
                    {c.name}
                  </Button>{' '}
                  {c.isDefault && <Badge variant="light">{t('calendars.default')}</Badge>}
                </Table.Td>
                <Table.Td>{c.timeZone}</Table.Td>
                <Table.Td>{holidayLabel(c)}</Table.Td>
                <Table.Td>
                  {t('calendars.usage', { teams: c.usedBy.teams, channels: c.usedBy.channels })}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button size="compact-sm" variant="light" onClick={() => setEditing(c)}>
                      {t('calendars.edit')}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      disabled={c.isDefault}
                      onClick={() => setRemoving(c)}
                    >
                      {t('calendars.delete')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {shown && (
        <Stack gap="xs">
          <Title order={2} size="h4">
            {t('calendars.previewOf', { name: calendars.data?.find((c) => c.id === shown)?.name ?? '' })}
          </Title>
          <Preview id={shown} />
        </Stack>
      )}
      {editing && (
        <Editor
          calendar={editing}
          onDone={(saved) => {
            setEditing(null)
            if (saved) setSelected(saved.id)
          }}
        />
      )}
      {removing && (
        <Modal
          opened
          onClose={() => setRemoving(null)}
          title={t('calendars.deleteTitle', { name: removing.name })}
          closeButtonProps={{ 'aria-label': t('common.close') }}
        >
          <Stack>
            <Text size="sm">{t('calendars.deleteText')}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRemoving(null)}>
                {t('common.cancel')}
              </Button>
              <Button
                color="red"
                loading={m.remove.isPending}
                onClick={() =>
                  m.remove.mutate(removing.id, {
                    onSuccess: () => {
                      setRemoving(null)
                      setSelected(null)
                    },
                    onError: (err) => {
                      setRemoving(null)
                      notifications.show({
                        color: 'red',
                        message: err.message,
                        closeButtonProps: { 'aria-label': t('common.close') },
                      })
                    },
                  })
                }
              >
                {t('calendars.delete')}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  )
}

export default CalendarsPage
