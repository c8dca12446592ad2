import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useAdminMutations, useTeams, useUsers } from '../api/queries.ts'
import type { Language, StaffRole, StaffUser } from '../api/types.ts'
import { ErrorPage } from '../components/ErrorPage.tsx'
import { useSession } from '../session.tsx'

type Form = {
  name: string
  email: string
  role: StaffRole
  language: Language
  teams: string[]
  supervises: string[]
}
const empty: Form = { name: '', email: '', role: 'agent', language: 'de', teams: [], supervises: [] }

const UsersAdminPage = () => {
  const { t } = useTranslation()
  const { isAdmin } = useSession()
  const users = useUsers(true)
  const teams = useTeams()
  const m = useAdminMutations()
  const [editing, setEditing] = useState<StaffUser | 'new' | null>(null)
  const [form, setForm] = useState<Form>(empty)
  const [password, setPassword] = useState<string | undefined>()
  if (!isAdmin) return <ErrorPage kind="forbidden" />

  const openFor = (u: StaffUser | 'new') => {
    setEditing(u)
    setForm(
      u === 'new'
        ? empty
        : {
            name: u.name,
            email: u.email,
            role: u.role,
            language: u.language,
            teams: u.teams.map((x) => x.id),
            supervises: u.teams.filter((x) => x.role === 'supervisor').map((x) => x.id),
          },
    )
  }
  const memberships = form.teams.map((teamId) => ({
    teamId,
    role: form.supervises.includes(teamId) ? ('supervisor' as const) : ('member' as const),
  }))
  const save = () => {
    const body = {
      name: form.name,
      email: form.email,
      role: form.role,
      language: form.language,
      teams: memberships,
    }
    const done = { onSuccess: () => setEditing(null) }
    if (editing === 'new') {
      m.createUser.mutate(body, {
        onSuccess: (created) => {
          setEditing(null)
          setPassword(created.generatedPassword)
        },
      })
    } else if (editing) m.updateUser.mutate({ id: editing.id, input: body }, done)
  }
  const error = m.createUser.error ?? m.updateUser.error
  const teamOptions = (teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('admin.users')}
        </Title>
        <Button onClick={() => openFor('new')}>{t('admin.newUser')}</Button>
      </Group>
      <Table aria-label={t('admin.users')} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customers.name')}</Table.Th>
            <Table.Th>{t('customers.email')}</Table.Th>
            <Table.Th>{t('admin.role')}</Table.Th>
            <Table.Th>{t('nav.teams')}</Table.Th>
            <Table.Th>{t('admin.active')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(users.data ?? []).map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.name}</Table.Td>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>{t(`role.${u.role}`)}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {u.teams.map((x) => (
                    <Badge key={x.id} variant={x.role === 'supervisor' ? 'filled' : 'default'} autoContrast>
                      {x.name}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Switch
                  checked={u.active}
                  aria-label={t('admin.activeFor', { name: u.name })}
                  onChange={(e) =>
                    m.updateUser.mutate(
                      { id: u.id, input: { active: e.currentTarget.checked } },
                      { onError: (err) => notifications.show({ color: 'red', message: err.message }) },
                    )
                  }
                />
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" onClick={() => openFor(u)}>
                  {t('common.edit')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('admin.newUser') : t('admin.editUser')}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault()
            save()
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
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
              required
            />
            <TextInput
              label={t('customers.email')}
              type="email"
              value={form.email}
              onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
              required
            />
            <Select
              label={t('admin.role')}
              data={(['agent', 'supervisor', 'admin'] as const).map((r) => ({
                value: r,
                label: t(`role.${r}`),
              }))}
              value={form.role}
              onChange={(v) => v && setForm({ ...form, role: v as StaffRole })}
              allowDeselect={false}
            />
            <Select
              label={t('customers.language')}
              data={[
                { value: 'de', label: t('language.de') },
                { value: 'en', label: t('language.en') },
              ]}
              value={form.language}
              onChange={(v) => v && setForm({ ...form, language: v as Language })}
              allowDeselect={false}
            />
            <MultiSelect
              label={t('nav.teams')}
              data={teamOptions}
              value={form.teams}
              onChange={(v) =>
                setForm({ ...form, teams: v, supervises: form.supervises.filter((x) => v.includes(x)) })
              }
            />
            <MultiSelect
              label={t('admin.supervises')}
              data={teamOptions.filter((o) => form.teams.includes(o.value))}
              value={form.supervises}
              onChange={(v) => setForm({ ...form, supervises: v })}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={m.createUser.isPending || m.updateUser.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={!!password} onClose={() => setPassword(undefined)} title={t('admin.passwordOnce')}>
        <Stack>
          <Text size="sm">{t('admin.passwordOnceText')}</Text>
          <Code block>{password}</Code>
          <Button onClick={() => setPassword(undefined)}>{t('common.close')}</Button>
        </Stack>
      </Modal>
    </Stack>
  )
}

export default UsersAdminPage
