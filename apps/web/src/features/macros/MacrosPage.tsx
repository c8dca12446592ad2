import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { useTeams, useUsers } from '../../api/queries.ts'
import { PRIORITIES, TICKET_STATUSES } from '../../api/types.ts'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { fieldErrors } from '../../lib/field-errors.ts'
import { useSession } from '../../session.tsx'
import { useTextModules } from '../text-modules/api.ts'
import { type Macro, type MacroAction, useMacroMutations, useMacros } from './api.ts'

const ACTION_TYPES = ['status', 'priority', 'team', 'tags', 'assignee', 'reply', 'note'] as const
type ActionType = (typeof ACTION_TYPES)[number]

const blank = (type: ActionType): MacroAction => {
  switch (type) {
    case 'status':
      return { type, status: 'pending' }
    case 'priority':
      return { type, priority: 'normal' }
    case 'team':
      return { type, teamId: '' }
    case 'tags':
      return { type, add: [], remove: [] }
    case 'assignee':
      return { type, assignee: 'me' }
    case 'reply':
      return { type, textModuleId: '' }
    case 'note':
      return { type, text: '' }
  }
}

/** Macros of the teams the person supervises (admins: all, and global ones). */
const MacrosPage = () => {
  const { t } = useTranslation()
  const { isAdmin, isSupervisor, supervises } = useSession()
  const [showArchived, setShowArchived] = useState(false)
  const list = useMacros({ manage: true, archived: showArchived })
  const teams = useTeams()
  const users = useUsers()
  const modules = useTextModules()
  const m = useMacroMutations()
  const [editing, setEditing] = useState<Macro | 'new' | null>(null)
  const [name, setName] = useState('')
  const [teamIds, setTeamIds] = useState<string[]>([])
  const [actions, setActions] = useState<MacroAction[]>([])
  const [archived, setArchived] = useState(false)
  if (!isSupervisor) return <ErrorPage kind="forbidden" />
  const mutation = editing === 'new' ? m.create : m.update
  const problem = mutation.error instanceof ApiError ? mutation.error.problem : undefined
  const errors = fieldErrors(problem, ['name', 'teamIds', 'actions'])
  const teamOptions = (teams.data ?? [])
    .filter((x) => supervises(x.id))
    .map((x) => ({ value: x.id, label: x.name }))
  const allTeams = (teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))

  const open = (target: Macro | 'new') => {
    m.create.reset()
    m.update.reset()
    setEditing(target)
    setName(target === 'new' ? '' : target.name)
    setTeamIds(target === 'new' ? [] : target.teams.map((x) => x.id))
    setActions(target === 'new' ? [blank('status')] : target.actions)
    setArchived(target !== 'new' && target.archived)
  }
  const setAction = (i: number, a: MacroAction) => setActions(actions.map((x, j) => (j === i ? a : x)))
  const save = () => {
    const done = () => {
      notifications.show({ color: 'green', message: t('macros.saved') })
      setEditing(null)
    }
    if (editing === 'new') m.create.mutate({ name, teamIds, actions }, { onSuccess: done })
    else if (editing)
      m.update.mutate({ id: editing.id, input: { name, teamIds, actions, archived } }, { onSuccess: done })
  }

  const actionInput = (a: MacroAction, i: number) => {
    switch (a.type) {
      case 'status':
        return (
          <Select
            aria-label={t('ticket.status')}
            data={TICKET_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            value={a.status}
            onChange={(v) => v && setAction(i, { ...a, status: v as typeof a.status })}
            allowDeselect={false}
          />
        )
      case 'priority':
        return (
          <Select
            aria-label={t('ticket.priority')}
            data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
            value={a.priority}
            onChange={(v) => v && setAction(i, { ...a, priority: v as typeof a.priority })}
            allowDeselect={false}
          />
        )
      case 'team':
        return (
          <Select
            aria-label={t('ticket.team')}
            data={allTeams}
            value={a.teamId || null}
            onChange={(v) => setAction(i, { ...a, teamId: v ?? '' })}
          />
        )
      case 'tags':
        return (
          <Group grow>
            <TagsInput
              aria-label={t('macros.tagsAdd')}
              placeholder={t('macros.tagsAdd')}
              value={a.add ?? []}
              onChange={(add) => setAction(i, { ...a, add })}
            />
            <TagsInput
              aria-label={t('macros.tagsRemove')}
              placeholder={t('macros.tagsRemove')}
              value={a.remove ?? []}
              onChange={(remove) => setAction(i, { ...a, remove })}
            />
          </Group>
        )
      case 'assignee':
        return (
          <Select
            aria-label={t('ticket.assignee')}
            data={[
              { value: 'me', label: t('macros.me') },
              { value: 'none', label: t('ticket.unassigned') },
              ...(users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name })),
            ]}
            value={a.assignee === null ? 'none' : a.assignee}
            onChange={(v) => setAction(i, { ...a, assignee: v === 'none' || !v ? null : v })}
            allowDeselect={false}
          />
        )
      case 'reply':
        return (
          <Select
            aria-label={t('macros.textModule')}
            data={(modules.data ?? []).map((x) => ({ value: x.id, label: `::${x.shortcut} ${x.title}` }))}
            value={a.textModuleId || null}
            onChange={(v) => setAction(i, { type: 'reply', textModuleId: v ?? '' })}
            searchable
          />
        )
      case 'note':
        return (
          <Textarea
            aria-label={t('macros.types.note')}
            value={a.text}
            onChange={(e) => setAction(i, { ...a, text: e.currentTarget.value })}
            autosize
            minRows={2}
          />
        )
    }
  }

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('macros.title')}
        </Title>
        <Group>
          <Checkbox
            label={t('macros.showArchived')}
            checked={showArchived}
            onChange={(e) => setShowArchived(e.currentTarget.checked)}
          />
          <Button onClick={() => open('new')} data-testid="macro-new">
            {t('macros.new')}
          </Button>
        </Group>
      </Group>
      <Table aria-label={t('macros.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('macros.name')}</Table.Th>
            <Table.Th>{t('macros.teams')}</Table.Th>
            <Table.Th>{t('macros.actions')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((x) => (
            <Table.Tr key={x.id}>
              <Table.Td>{x.name}</Table.Td>
              <Table.Td>{x.teams.map((team) => team.name).join(', ') || t('macros.global')}</Table.Td>
              <Table.Td>{x.actions.map((a) => t(`macros.types.${a.type}`)).join(', ')}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" onClick={() => open(x)}>
                  {t('macros.edit')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.length === 0 && <Text c="dimmed">{t('macros.empty')}</Text>}

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('macros.new') : t('macros.edit')}
        size="lg"
      >
        <Stack gap="sm">
          {problem && (
            <Alert color="red" role="alert">
              {problem.title}
              {[...Object.entries(errors.fields).map(([k, v]) => `${k}: ${v}`), ...errors.rest].map((r) => (
                <Text key={r} size="xs">
                  {r}
                </Text>
              ))}
            </Alert>
          )}
          <TextInput
            label={t('macros.name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
          />
          <MultiSelect
            label={t('macros.teams')}
            description={isAdmin ? t('macros.teamsHelpAdmin') : t('macros.teamsHelp')}
            data={isAdmin ? allTeams : teamOptions}
            value={teamIds}
            onChange={setTeamIds}
          />
          <Text size="sm" fw={500}>
            {t('macros.actions')}
          </Text>
          {actions.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: actions have no id of their own
            <Group key={i} align="flex-start" wrap="nowrap">
              <Select
                aria-label={t('macros.actionType')}
                data={ACTION_TYPES.map((type) => ({ value: type, label: t(`macros.types.${type}`) }))}
                value={a.type}
                onChange={(v) => v && setAction(i, blank(v as ActionType))}
                allowDeselect={false}
                w={170}
              />
              <div style={{ flex: 1 }}>{actionInput(a, i)}</div>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('macros.removeAction')}
                onClick={() => setActions(actions.filter((_, j) => j !== i))}
              >
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Group>
          ))}
          <Button
            variant="light"
            size="xs"
            w="fit-content"
            onClick={() => setActions([...actions, blank('note')])}
          >
            {t('macros.addAction')}
          </Button>
          {editing !== 'new' && (
            <Checkbox
              label={t('macros.archived')}
              checked={archived}
              onChange={(e) => setArchived(e.currentTarget.checked)}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setEditing(null)}>
              {t('macros.cancel')}
            </Button>
            <Button onClick={save} loading={mutation.isPending}>
              {t('macros.save')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}

export default MacrosPage
