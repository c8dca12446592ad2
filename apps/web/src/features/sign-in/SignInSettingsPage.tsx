import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  MultiSelect,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconTrash } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useTeams } from '../../api/queries.ts'
import { ErrorPage } from '../../components/ErrorPage.tsx'
import { useSession } from '../../session.tsx'
import {
  type SignInPolicy,
  type SsoProvider,
  type SsoProviderInput,
  useSignInPolicies,
  useSignInSettingsMutations,
  useSsoProviders,
} from './api.ts'

type Role = SignInPolicy['role']
const ROLES: Role[] = ['agent', 'supervisor', 'admin']

const Policies = () => {
  const { t } = useTranslation()
  const policies = useSignInPolicies()
  const { savePolicies } = useSignInSettingsMutations()
  const [draft, setDraft] = useState<SignInPolicy[]>([])
  useEffect(() => {
    if (policies.data) setDraft(policies.data.policies)
  }, [policies.data])
  if (policies.isPending) return <Loader size="sm" />
  if (policies.isError) return <Alert color="red">{policies.error.message}</Alert>
  const set = (role: Role, patch: Partial<SignInPolicy>) =>
    setDraft((d) => d.map((p) => (p.role === role ? { ...p, ...patch } : p)))
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          {t('signInSettings.policiesTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('signInSettings.policiesHelp')}
        </Text>
        <Table aria-label={t('signInSettings.policiesTitle')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('signInSettings.role')}</Table.Th>
              <Table.Th>{t('signInSettings.requireTwoFactor')}</Table.Th>
              <Table.Th>{t('signInSettings.ssoOnly')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ROLES.map((role) => {
              const p = draft.find((x) => x.role === role)
              if (!p) return null
              return (
                <Table.Tr key={role}>
                  <Table.Td>{t(`signInSettings.roles.${role}`)}</Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`${t('signInSettings.requireTwoFactor')}: ${t(`signInSettings.roles.${role}`)}`}
                      checked={p.requireTwoFactor}
                      onChange={(e) => set(role, { requireTwoFactor: e.currentTarget.checked })}
                      data-testid={`require-2fa-${role}`}
                    />
                  </Table.Td>
                  <Table.Td>
                    {role === 'admin' ? (
                      <Text size="xs" c="dimmed">
                        {t('signInSettings.adminKeepsPassword')}
                      </Text>
                    ) : (
                      <Switch
                        aria-label={`${t('signInSettings.ssoOnly')}: ${t(`signInSettings.roles.${role}`)}`}
                        checked={p.ssoOnly}
                        onChange={(e) => set(role, { ssoOnly: e.currentTarget.checked })}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
        <Group justify="flex-end">
          <Button
            loading={savePolicies.isPending}
            onClick={() =>
              savePolicies.mutate(draft, {
                onSuccess: () => notifications.show({ color: 'green', message: t('common.saved') }),
                onError: (err) => notifications.show({ color: 'red', message: err.message }),
              })
            }
          >
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}

type Mapping = { group: string; teamIds: string[]; role: Role | null }
type Form = Omit<SsoProviderInput, 'groupMappings' | 'clientSecret'> & {
  clientSecret: string
  groupMappings: Mapping[]
}

const emptyForm = (): Form => ({
  name: '',
  issuer: '',
  clientId: '',
  clientSecret: '',
  scopes: ['openid', 'email', 'profile'],
  emailDomains: [],
  groupsClaim: 'groups',
  groupMappings: [],
  jitEnabled: false,
  defaultRole: 'agent',
  trustEmails: false,
  enabled: true,
})

const ProviderModal = ({ editing, onClose }: { editing: SsoProvider | 'new'; onClose: () => void }) => {
  const { t } = useTranslation()
  const teams = useTeams()
  const { createProvider, updateProvider } = useSignInSettingsMutations()
  const [form, setForm] = useState<Form>(() =>
    editing === 'new'
      ? emptyForm()
      : {
          name: editing.name,
          issuer: editing.issuer,
          clientId: editing.clientId,
          clientSecret: '',
          scopes: editing.scopes,
          emailDomains: editing.emailDomains,
          groupsClaim: editing.groupsClaim,
          groupMappings: editing.groupMappings,
          jitEnabled: editing.jitEnabled,
          defaultRole: editing.defaultRole,
          trustEmails: editing.trustEmails,
          enabled: editing.enabled,
        },
  )
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }))
  const setMapping = (i: number, patch: Partial<Mapping>) =>
    set({ groupMappings: form.groupMappings.map((m, j) => (j === i ? { ...m, ...patch } : m)) })
  const mutation = editing === 'new' ? createProvider : updateProvider
  const teamOptions = (teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`signInSettings.roles.${r}`) }))

  const save = () => {
    const { clientSecret, ...rest } = form
    const done = {
      onSuccess: () => {
        notifications.show({ color: 'green', message: t('common.saved') })
        onClose()
      },
    }
    if (editing === 'new') createProvider.mutate({ ...rest, ...(clientSecret ? { clientSecret } : {}) }, done)
    else
      updateProvider.mutate(
        { id: editing.id, body: { ...rest, ...(clientSecret ? { clientSecret } : {}) } },
        done,
      )
  }

  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={editing === 'new' ? t('signInSettings.addProvider') : t('signInSettings.editProvider')}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save()
        }}
      >
        <Stack>
          {mutation.isError && (
            <Alert color="red" role="alert">
              {mutation.error.message}
              {mutation.error instanceof Error && 'problem' in mutation.error
                ? (
                    (mutation.error as { problem?: { errors?: { pointer: string; detail: string }[] } })
                      .problem?.errors ?? []
                  ).map((e) => (
                    <Text key={e.pointer} size="xs">
                      {e.pointer.replace('/body/', '')}: {e.detail}
                    </Text>
                  ))
                : null}
            </Alert>
          )}
          <TextInput
            label={t('signInSettings.name')}
            description={t('signInSettings.nameHelp')}
            required
            value={form.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <TextInput
            label={t('signInSettings.issuer')}
            description={t('signInSettings.issuerHelp')}
            placeholder="https://login.microsoftonline.com/<tenant>/v2.0"
            required
            value={form.issuer}
            onChange={(e) => set({ issuer: e.currentTarget.value })}
          />
          <Group grow>
            <TextInput
              label={t('signInSettings.clientId')}
              required
              value={form.clientId}
              onChange={(e) => set({ clientId: e.currentTarget.value })}
            />
            <PasswordInput
              label={t('signInSettings.clientSecret')}
              description={
                editing !== 'new' && editing.hasClientSecret ? t('signInSettings.secretKept') : undefined
              }
              autoComplete="off"
              value={form.clientSecret}
              onChange={(e) => set({ clientSecret: e.currentTarget.value })}
            />
          </Group>
          <TagsInput
            label={t('signInSettings.scopes')}
            value={form.scopes}
            onChange={(scopes) => set({ scopes })}
          />
          <TagsInput
            label={t('signInSettings.emailDomains')}
            description={t('signInSettings.emailDomainsHelp')}
            value={form.emailDomains}
            onChange={(emailDomains) => set({ emailDomains })}
          />
          <TextInput
            label={t('signInSettings.groupsClaim')}
            description={t('signInSettings.groupsClaimHelp')}
            value={form.groupsClaim}
            onChange={(e) => set({ groupsClaim: e.currentTarget.value })}
          />
          <Stack gap="xs">
            <Text fw={500} size="sm">
              {t('signInSettings.mappings')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('signInSettings.mappingsHelp')}
            </Text>
            {form.groupMappings.map((m, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
              <Group key={i} align="flex-end" wrap="nowrap">
                <TextInput
                  label={t('signInSettings.group')}
                  value={m.group}
                  onChange={(e) => setMapping(i, { group: e.currentTarget.value })}
                  required
                />
                <MultiSelect
                  label={t('signInSettings.teams')}
                  data={teamOptions}
                  value={m.teamIds}
                  onChange={(teamIds) => setMapping(i, { teamIds })}
                  style={{ flex: 1 }}
                />
                <Select
                  label={t('signInSettings.role')}
                  data={roleOptions}
                  value={m.role}
                  placeholder={t('signInSettings.keepRole')}
                  clearable
                  onChange={(v) => setMapping(i, { role: (v as Role | null) ?? null })}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('signInSettings.removeMapping')}
                  onClick={() => set({ groupMappings: form.groupMappings.filter((_, j) => j !== i) })}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                onClick={() =>
                  set({ groupMappings: [...form.groupMappings, { group: '', teamIds: [], role: null }] })
                }
              >
                {t('signInSettings.addMapping')}
              </Button>
            </Group>
          </Stack>
          <Switch
            label={t('signInSettings.jit')}
            description={t('signInSettings.jitHelp')}
            checked={form.jitEnabled}
            onChange={(e) => set({ jitEnabled: e.currentTarget.checked })}
          />
          <Select
            label={t('signInSettings.defaultRole')}
            data={roleOptions}
            value={form.defaultRole}
            allowDeselect={false}
            onChange={(v) => v && set({ defaultRole: v as Role })}
          />
          <Switch
            label={t('signInSettings.trustEmails')}
            description={t('signInSettings.trustEmailsHelp')}
            checked={form.trustEmails}
            onChange={(e) => set({ trustEmails: e.currentTarget.checked })}
          />
          <Switch
            label={t('signInSettings.enabled')}
            checked={form.enabled}
            onChange={(e) => set({ enabled: e.currentTarget.checked })}
          />
          <Group justify="flex-end">
            <Button variant="subtle" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

const Providers = () => {
  const { t } = useTranslation()
  const providers = useSsoProviders()
  const { deleteProvider } = useSignInSettingsMutations()
  const [editing, setEditing] = useState<SsoProvider | 'new' | undefined>()
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t('signInSettings.providersTitle')}
          </Title>
          <Button onClick={() => setEditing('new')}>{t('signInSettings.addProvider')}</Button>
        </Group>
        <Text size="sm" c="dimmed">
          {t('signInSettings.providersHelp')}
        </Text>
        {providers.isPending && <Loader size="sm" />}
        {providers.isError && <Alert color="red">{providers.error.message}</Alert>}
        {providers.data?.length === 0 && <Text size="sm">{t('signInSettings.noProviders')}</Text>}
        {providers.data?.map((p) => (
          <Paper key={p.id} withBorder p="sm" data-testid={`sso-provider-${p.id}`}>
            <Stack gap="xs">
              <Group justify="space-between">
                <Group gap="xs">
                  <Text fw={500}>{p.name}</Text>
                  <Badge variant="light" c="dark.7" color={p.enabled ? 'green' : 'gray'}>
                    {p.enabled ? t('signInSettings.active') : t('signInSettings.inactive')}
                  </Badge>
                  {p.jitEnabled && (
                    <Badge variant="light" c="dark.7">
                      {t('signInSettings.jitBadge')}
                    </Badge>
                  )}
                </Group>
                <Group gap="xs">
                  <Button size="xs" variant="light" onClick={() => setEditing(p)}>
                    {t('signInSettings.edit')}
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => {
                      if (window.confirm(t('signInSettings.confirmDelete', { name: p.name })))
                        deleteProvider.mutate(p.id)
                    }}
                  >
                    {t('signInSettings.delete')}
                  </Button>
                </Group>
              </Group>
              <Text size="xs" c="dimmed">
                {p.issuer}
              </Text>
              <Group gap="xs">
                <Text size="xs">{t('signInSettings.redirectUri')}:</Text>
                <Code>{p.redirectUri}</Code>
                <CopyButton value={p.redirectUri}>
                  {({ copied, copy }) => (
                    <Button size="compact-xs" variant="subtle" onClick={copy}>
                      {copied ? t('twoFactor.copied') : t('twoFactor.copy')}
                    </Button>
                  )}
                </CopyButton>
              </Group>
            </Stack>
          </Paper>
        ))}
      </Stack>
      {editing && <ProviderModal editing={editing} onClose={() => setEditing(undefined)} />}
    </Paper>
  )
}

/** Admins: what sign-in requires of each role, and the single sign-on providers. */
const SignInSettingsPage = () => {
  const { t } = useTranslation()
  const { isAdmin } = useSession()
  if (!isAdmin) return <ErrorPage kind="notFound" />
  return (
    <Stack p="md" maw={960}>
      <Title order={1} size="h3">
        {t('signInSettings.title')}
      </Title>
      <Policies />
      <Providers />
    </Stack>
  )
}

export default SignInSettingsPage
