import {
  Alert,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useAdminMutations, useTeams } from '../api/queries.ts'
import type { Team } from '../api/types.ts'
import { ErrorPage } from '../components/ErrorPage.tsx'
import { useCalendars } from '../features/calendars/api.ts'
import { useSession } from '../session.tsx'

const TeamsAdminPage = () => {
  const { t } = useTranslation()
  const { isAdmin } = useSession()
  const teams = useTeams()
  const m = useAdminMutations()
  const [editing, setEditing] = useState<Team | 'new' | null>(null)
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [calendarId, setCalendarId] = useState<string | null>(null)
  const calendars = useCalendars()
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  const openFor = (team: Team | 'new') => {
    setEditing(team)
    setName(team === 'new' ? '' : team.name)
    setDescription(team === 'new' ? '' : team.description)
    setCalendarId(team === 'new' ? null : team.calendarId)
  }
  const error = m.createTeam.error ?? m.updateTeam.error
  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('admin.teams')}
        </Title>
        <Button onClick={() => openFor('new')}>{t('admin.newTeam')}</Button>
      </Group>
      <Table aria-label={t('admin.teams')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customers.name')}</Table.Th>
            <Table.Th>{t('admin.members')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(teams.data ?? []).map((team) => (
            <Table.Tr key={team.id}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {team.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {team.description}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {team.members
                    .map((x) => (x.role === 'supervisor' ? `${x.name} (${t('role.supervisor')})` : x.name))
                    .join(', ') || '–'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button size="xs" variant="subtle" onClick={() => openFor(team)}>
                    {t('common.edit')}
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => {
                      if (window.confirm(t('admin.archiveConfirm', { name: team.name }))) {
                        m.archiveTeam.mutate(team.id, {
                          onError: (err) => notifications.show({ color: 'red', message: err.message }),
                        })
                      }
                    }}
                  >
                    {t('admin.archive')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('admin.newTeam') : t('admin.editTeam')}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault()
            const done = { onSuccess: () => setEditing(null) }
            if (editing === 'new') m.createTeam.mutate({ name, description }, done)
            else if (editing)
              m.updateTeam.mutate({ id: editing.id, input: { name, description, calendarId } }, done)
          }}
        >
          <Stack>
            {error && (
              <Alert color="red" role="alert">
                {error.message}
              </Alert>
            )}
            <TextInput
              label={t('customers.name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
            />
            <Textarea
              label={t('admin.description')}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            {editing !== 'new' && (
              <Select
                label={t('admin.teamCalendar')}
                description={t('admin.teamCalendarHint')}
                data={[
                  { value: '', label: t('admin.teamCalendarDefault') },
                  ...(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name })),
                ]}
                value={calendarId ?? ''}
                onChange={(v) => setCalendarId(v ? v : null)}
                allowDeselect={false}
                data-testid="team-calendar"
              />
            )}
            <Text size="xs" c="dimmed">
              {t('admin.membersHint')}
            </Text>
            <Group justify="flex-end">
              <Button type="submit">{t('common.save')}</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  )
}

export default TeamsAdminPage
