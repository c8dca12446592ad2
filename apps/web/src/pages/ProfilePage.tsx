import {
  Alert,
  Button,
  Code,
  Group,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, setCsrfToken } from '../api/client.ts'
import { useTokenMutations, useTokens } from '../api/queries.ts'
import type { Me } from '../api/types.ts'
import { PasswordField } from '../components/PasswordField.tsx'
import { PasskeysSection } from '../features/sign-in/PasskeysSection.tsx'
import { TwoFactorSetup } from '../features/sign-in/TwoFactorSetup.tsx'
import { setLanguage, type UiLanguage } from '../i18n/index.ts'
import { dateTime } from '../lib/format.ts'
import { SESSION_KEY, useSession } from '../session.tsx'

const ProfilePage = () => {
  const { t, i18n } = useTranslation()
  const { me } = useSession()
  const queryClient = useQueryClient()
  // Who signed in with single sign-on has no desk password to confirm changes with.
  const signInMethod = queryClient.getQueryData<{ signInMethod?: string }>(SESSION_KEY)?.signInMethod
  const [name, setName] = useState(me.name)
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [tokenName, setTokenName] = useState('')
  const [newToken, setNewToken] = useState<string | undefined>()
  const tokens = useTokens()
  const tokenMutations = useTokenMutations()

  const saveProfile = useMutation({
    mutationFn: (body: { name?: string; language?: UiLanguage; escalationEmails?: boolean }) =>
      api<Me>('/me', { method: 'PATCH', body }),
    onSuccess: (updated) => {
      queryClient.setQueryData(SESSION_KEY, (old: { user: Me; csrfToken: string } | null) =>
        old ? { ...old, user: updated } : old,
      )
      notifications.show({ color: 'green', message: t('common.saved') })
    },
  })
  const changePassword = useMutation({
    mutationFn: () =>
      api<{ csrfToken?: string }>('/me/password', {
        method: 'POST',
        body: { currentPassword: current, newPassword: next },
      }),
    onSuccess: (res) => {
      if (res.csrfToken) setCsrfToken(res.csrfToken)
      setCurrent('')
      setNext('')
      notifications.show({ color: 'green', message: t('profile.passwordChanged') })
    },
  })

  return (
    <Stack p="md" maw={720}>
      <Title order={1} size="h3">
        {t('profile.title')}
      </Title>
      <Paper withBorder p="md">
        <form
          onSubmit={(e) => {
            e.preventDefault()
            saveProfile.mutate({ name })
          }}
        >
          <Stack>
            <TextInput
              label={t('customers.name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
            />
            <Text size="sm">
              {t('customers.email')}: {me.email}
            </Text>
            <Select
              label={t('profile.language')}
              data={[
                { value: 'de', label: t('language.de') },
                { value: 'en', label: t('language.en') },
              ]}
              value={i18n.language}
              onChange={(v) => {
                if (!v) return
                void setLanguage(v as UiLanguage)
                saveProfile.mutate({ language: v as UiLanguage })
              }}
              allowDeselect={false}
              data-testid="profile-language"
            />
            <Group justify="flex-end">
              <Button type="submit" loading={saveProfile.isPending}>
                {t('common.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={2} size="h4">
            {t('escalations.profile.title')}
          </Title>
          <Switch
            label={t('escalations.profile.emails')}
            description={t('escalations.profile.emailsHelp')}
            checked={me.escalationEmails}
            disabled={saveProfile.isPending}
            onChange={(e) =>
              saveProfile.mutate(
                { escalationEmails: e.currentTarget.checked },
                { onError: (err) => notifications.show({ color: 'red', message: err.message }) },
              )
            }
            data-testid="profile-escalation-emails"
          />
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <form
          onSubmit={(e) => {
            e.preventDefault()
            changePassword.mutate()
          }}
        >
          <Stack>
            <Title order={2} size="h4">
              {t('profile.password')}
            </Title>
            {changePassword.isError && (
              <Alert color="red" role="alert">
                {changePassword.error.message}
              </Alert>
            )}
            <PasswordField
              label={t('profile.currentPassword')}
              value={current}
              onChange={(e) => setCurrent(e.currentTarget.value)}
              autoComplete="current-password"
              required
            />
            <PasswordField
              label={t('profile.newPassword')}
              description={t('profile.passwordRule')}
              value={next}
              onChange={(e) => setNext(e.currentTarget.value)}
              autoComplete="new-password"
              minLength={12}
              required
            />
            <Group justify="flex-end">
              <Button type="submit" loading={changePassword.isPending}>
                {t('profile.changePassword')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {signInMethod !== 'sso' && (
        <Paper withBorder p="md">
          <TwoFactorSetup />
        </Paper>
      )}
      {signInMethod !== 'sso' && (
        <Paper withBorder p="md">
          <PasskeysSection />
        </Paper>
      )}
      <Paper withBorder p="md">
        <Stack>
          <Title order={2} size="h4">
            {t('profile.tokens')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('profile.tokensHelp')}
          </Text>
          {newToken && (
            <Alert color="green" title={t('profile.tokenOnce')}>
              <Code block data-testid="new-token">
                {newToken}
              </Code>
            </Alert>
          )}
          <form
            onSubmit={(e) => {
              e.preventDefault()
              tokenMutations.create.mutate(tokenName, {
                onSuccess: (created) => {
                  setNewToken(created.token)
                  setTokenName('')
                },
                onError: (err) => notifications.show({ color: 'red', message: err.message }),
              })
            }}
          >
            <Group align="flex-end">
              <TextInput
                label={t('profile.tokenName')}
                value={tokenName}
                onChange={(e) => setTokenName(e.currentTarget.value)}
                required
              />
              <Button type="submit">{t('profile.createToken')}</Button>
            </Group>
          </form>
          <Table aria-label={t('profile.tokens')}>
            <Table.Tbody>
              {(tokens.data ?? []).map((tok) => (
                <Table.Tr key={tok.id}>
                  <Table.Td>{tok.name}</Table.Td>
                  <Table.Td>
                    <Code>{tok.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {tok.lastUsedAt
                        ? t('profile.lastUsed', { at: dateTime(tok.lastUsedAt, i18n.language) })
                        : t('profile.neverUsed')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => tokenMutations.revoke.mutate(tok.id)}
                    >
                      {t('profile.revoke')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Paper>
    </Stack>
  )
}

export default ProfilePage
