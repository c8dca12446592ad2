import {
  Alert,
  Anchor,
  Button,
  Center,
  Divider,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useSearchParams } from 'react-router'
import { ApiError, api } from '../api/client.ts'
import type { SessionInfo } from '../api/types.ts'
import { PasswordField } from '../components/PasswordField.tsx'
import { useSsoButtons } from '../features/sign-in/api.ts'
import { PasskeySignInButton } from '../features/sign-in/PasskeySignInButton.tsx'
import { setLanguage, type UiLanguage } from '../i18n/index.ts'
import { applySession, SESSION_KEY } from '../session.tsx'

/** Only paths inside the desk; never an address elsewhere. */
const safeNext = (next: string | null) =>
  next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/'

const SSO_ERRORS = [
  'no_account',
  'not_linked',
  'domain_not_allowed',
  'account_disabled',
  'invalid_state',
  'no_email',
  'unavailable',
] as const

export const SignInPage = () => {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const sso = useSsoButtons()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [step, setStep] = useState<'password' | 'code'>('password')
  const [useRecovery, setUseRecovery] = useState(false)
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  const ssoError = params.get('sso_error')
  const ssoMessage = ssoError
    ? t(`signIn.sso.errors.${(SSO_ERRORS as readonly string[]).includes(ssoError) ? ssoError : 'failed'}`)
    : undefined

  const explain = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'auth.invalid_credentials') return t('signIn.invalid')
    if (err instanceof ApiError && err.code === 'auth.invalid_code') return t('signIn.invalidCode')
    if (err instanceof ApiError && err.code === 'auth.two_factor_expired') return t('signIn.codeExpired')
    if (err instanceof ApiError && err.code === 'auth.sso_required') return t('signIn.ssoRequired')
    if (err instanceof ApiError && err.status === 429) return t('signIn.tooMany')
    if (err instanceof ApiError && err.status === 0) return t('errors.network')
    return err instanceof ApiError ? err.message : t('errors.unexpected')
  }

  const signedIn = (info: SessionInfo) => {
    applySession(info)
    queryClient.setQueryData(SESSION_KEY, info)
    navigate(safeNext(params.get('next')), { replace: true })
  }

  const submitPassword = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const result = await api<SessionInfo | { twoFactorRequired: true }>('/auth/sign-in', {
        method: 'POST',
        body: { email, password },
      })
      if ('twoFactorRequired' in result) {
        setPassword('')
        setStep('code')
      } else signedIn(result)
    } catch (err) {
      setError(explain(err))
    } finally {
      setBusy(false)
    }
  }

  const submitCode = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const body = useRecovery ? { recoveryCode: code.trim() } : { code: code.replace(/\s/g, '') }
      signedIn(await api<SessionInfo>('/auth/sign-in/two-factor', { method: 'POST', body }))
    } catch (err) {
      if (err instanceof ApiError && err.code === 'auth.two_factor_expired') {
        setStep('password')
        setCode('')
      }
      setError(explain(err))
    } finally {
      setBusy(false)
    }
  }

  const header = (
    <Group justify="space-between">
      <Title order={1} size="h3">
        {step === 'code' ? t('signIn.codeTitle') : t('signIn.title')}
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
  )
  const alert = (error ?? ssoMessage) && (
    <Alert color="red" role="alert" data-testid="sign-in-error">
      {error ?? ssoMessage}
    </Alert>
  )

  return (
    <Center mih="100vh" p="md">
      <main style={{ width: '100%', maxWidth: 400 }}>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          {step === 'password' ? (
            <Stack>
              <form onSubmit={submitPassword} noValidate>
                <Stack>
                  {header}
                  {alert}
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
              <Divider label={t('signIn.sso.or')} labelPosition="center" />
              <PasskeySignInButton onSignedIn={signedIn} onError={setError} explain={explain} />
              {(sso.data ?? []).map((p) => (
                <Button
                  key={p.id}
                  component="a"
                  href={p.startUrl}
                  variant="default"
                  fullWidth
                  data-testid="sso-button"
                >
                  {t('signIn.sso.with', { name: p.name })}
                </Button>
              ))}
            </Stack>
          ) : (
            <form onSubmit={submitCode} noValidate>
              <Stack>
                {header}
                {alert}
                <Text size="sm">{useRecovery ? t('signIn.recoveryHelp') : t('signIn.codeHelp')}</Text>
                <TextInput
                  key={useRecovery ? 'recovery' : 'code'}
                  label={useRecovery ? t('signIn.recoveryCode') : t('signIn.code')}
                  inputMode={useRecovery ? 'text' : 'numeric'}
                  autoComplete="one-time-code"
                  maxLength={useRecovery ? 64 : 6}
                  required
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                  autoFocus
                  data-testid="sign-in-code"
                />
                <Button type="submit" loading={busy} fullWidth>
                  {t('signIn.verify')}
                </Button>
                <Group justify="space-between">
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => {
                      setUseRecovery(!useRecovery)
                      setCode('')
                      setError(undefined)
                    }}
                  >
                    {useRecovery ? t('signIn.useApp') : t('signIn.useRecovery')}
                  </Anchor>
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => {
                      setStep('password')
                      setCode('')
                      setError(undefined)
                    }}
                  >
                    {t('signIn.back')}
                  </Anchor>
                </Group>
              </Stack>
            </form>
          )}
        </Paper>
      </main>
    </Center>
  )
}
