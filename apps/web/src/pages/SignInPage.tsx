import { Alert, Button, Center, Group, Paper, SegmentedControl, Stack, TextInput, Title } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useSearchParams } from 'react-router'
import { ApiError, api } from '../api/client.ts'
import type { SessionInfo } from '../api/types.ts'
import { PasswordField } from '../components/PasswordField.tsx'
import { setLanguage, type UiLanguage } from '../i18n/index.ts'
import { applySession, SESSION_KEY } from '../session.tsx'

/** Only paths inside the desk; never an address elsewhere. */
const safeNext = (next: string | null) =>
  next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/'

export const SignInPage = () => {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const info = await api<SessionInfo>('/auth/sign-in', { method: 'POST', body: { email, password } })
      applySession(info)
      queryClient.setQueryData(SESSION_KEY, info)
      navigate(safeNext(params.get('next')), { replace: true })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'auth.invalid_credentials') setError(t('signIn.invalid'))
      else if (err instanceof ApiError && err.status === 429) setError(t('signIn.tooMany'))
      else if (err instanceof ApiError && err.status === 0) setError(t('errors.network'))
      else setError(err instanceof ApiError ? err.message : t('errors.unexpected'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Center mih="100vh" p="md">
      <main style={{ width: '100%', maxWidth: 400 }}>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <form onSubmit={submit} noValidate>
            <Stack>
              <Group justify="space-between">
                <Title order={1} size="h3">
                  {t('signIn.title')}
                </Title>
                <SegmentedControl
                  size="xs"
                  aria-label={t('common.language')}
                  value={i18n.language}
                  data={[
                    { value: 'de', label: 'DE' },
                    { value: 'en', label: 'EN' },
                  ]}
                  onChange={(v) => void setLanguage(v as UiLanguage)}
                />
              </Group>
              {error && (
                <Alert color="red" role="alert" data-testid="sign-in-error">
                  {error}
                </Alert>
              )}
              <TextInput
                label={t('signIn.email')}
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                autoFocus
              />
              <PasswordField
                label={t('signIn.password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" loading={busy} fullWidth>
                {t('signIn.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      </main>
    </Center>
  )
}
