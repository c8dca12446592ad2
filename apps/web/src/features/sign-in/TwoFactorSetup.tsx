import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Image,
  Loader,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { SESSION_KEY } from '../../api/session-query.ts'
import { PasswordField } from '../../components/PasswordField.tsx'
import { signInKeys, type TwoFactorEnrolment, useTwoFactorMutations, useTwoFactorStatus } from './api.ts'

/** The QR code of the secret, drawn in the browser; the library loads only when needed. */
const QrCode = ({ uri }: { uri: string }) => {
  const { t } = useTranslation()
  const [src, setSrc] = useState<string | undefined>()
  useEffect(() => {
    let live = true
    void import('qrcode').then((qr) =>
      qr.toDataURL(uri, { margin: 1, width: 200 }).then((url) => {
        if (live) setSrc(url)
      }),
    )
    return () => {
      live = false
    }
  }, [uri])
  if (!src) return <Loader size="sm" aria-label={t('twoFactor.qrLoading')} />
  return <Image src={src} alt={t('twoFactor.qrAlt')} w={200} h={200} data-testid="two-factor-qr" />
}

/** Recovery codes, shown once: copy or download them now. */
export const RecoveryCodesOnce = ({ codes, onDone }: { codes: string[]; onDone: () => void }) => {
  const { t } = useTranslation()
  const text = codes.join('\n')
  const download = () => {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }))
    const a = document.createElement('a')
    a.href = url
    a.download = 'tresen-recovery-codes.txt'
    a.click()
    URL.revokeObjectURL(url)
  }
  return (
    <Alert color="yellow" title={t('twoFactor.codesTitle')}>
      <Stack>
        <Text size="sm">{t('twoFactor.codesHelp')}</Text>
        <Code block data-testid="recovery-codes">
          {text}
        </Code>
        <Group>
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? t('twoFactor.copied') : t('twoFactor.copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="light" onClick={download}>
            {t('twoFactor.download')}
          </Button>
          <Button onClick={onDone}>{t('twoFactor.codesSaved')}</Button>
        </Group>
      </Stack>
    </Alert>
  )
}

const PasswordStep = ({
  label,
  submitLabel,
  busy,
  error,
  color,
  onSubmit,
  onCancel,
}: {
  label: string
  submitLabel: string
  busy: boolean
  error?: string
  color?: string
  onSubmit: (password: string) => void
  onCancel?: () => void
}) => {
  const { t } = useTranslation()
  const [password, setPassword] = useState('')
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault()
        onSubmit(password)
      }}
    >
      <Stack>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <PasswordField
          label={label}
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <Group>
          <Button type="submit" loading={busy} color={color}>
            {submitLabel}
          </Button>
          {onCancel && (
            <Button variant="subtle" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  )
}

type Step =
  | { kind: 'idle' }
  | { kind: 'password' }
  | { kind: 'scan'; enrolment: TwoFactorEnrolment }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'disable' }
  | { kind: 'regenerate' }

/**
 * Two-factor sign-in of the signed-in person: set up (password, scan or type the secret, confirm
 * with a first code, keep the recovery codes), new recovery codes, or turn it off.
 */
export const TwoFactorSetup = ({ onEnrolled }: { onEnrolled?: () => void }) => {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const status = useTwoFactorStatus()
  const m = useTwoFactorMutations()
  const [step, setStep] = useState<Step>({ kind: 'idle' })
  const [code, setCode] = useState('')

  const finish = async () => {
    setStep({ kind: 'idle' })
    await queryClient.invalidateQueries({ queryKey: signInKeys.twoFactor })
    await queryClient.invalidateQueries({ queryKey: SESSION_KEY })
    onEnrolled?.()
  }

  if (status.isPending) return <Loader size="sm" />
  if (status.isError) return <Alert color="red">{status.error.message}</Alert>
  const enabled = status.data.enabled

  return (
    <Stack data-testid="two-factor">
      <Group justify="space-between">
        <Title order={2} size="h4">
          {t('twoFactor.title')}
        </Title>
        <Badge variant="light" c="dark.7" color={enabled ? 'green' : 'gray'} data-testid="two-factor-state">
          {enabled ? t('twoFactor.on') : t('twoFactor.off')}
        </Badge>
      </Group>
      <Text size="sm" c="dimmed">
        {status.data.required ? t('twoFactor.requiredHelp') : t('twoFactor.help')}
      </Text>

      {step.kind === 'idle' && !enabled && (
        <Group>
          <Button onClick={() => setStep({ kind: 'password' })}>{t('twoFactor.setUp')}</Button>
        </Group>
      )}
      {step.kind === 'idle' && enabled && (
        <Group>
          <Button variant="light" onClick={() => setStep({ kind: 'regenerate' })}>
            {t('twoFactor.newCodes')}
          </Button>
          <Button variant="light" color="red" onClick={() => setStep({ kind: 'disable' })}>
            {t('twoFactor.disable')}
          </Button>
        </Group>
      )}

      {step.kind === 'password' && (
        <PasswordStep
          label={t('twoFactor.confirmPassword')}
          submitLabel={t('twoFactor.continue')}
          busy={m.enrol.isPending}
          error={m.enrol.error?.message}
          onCancel={() => setStep({ kind: 'idle' })}
          onSubmit={(password) =>
            m.enrol.mutate(password, { onSuccess: (enrolment) => setStep({ kind: 'scan', enrolment }) })
          }
        />
      )}

      {step.kind === 'scan' && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            m.confirm.mutate(code.trim(), {
              onSuccess: () => {
                setCode('')
                setStep({ kind: 'codes', codes: step.enrolment.recoveryCodes })
                notifications.show({
                  color: 'green',
                  message: t('twoFactor.enabled'),
                  withCloseButton: false,
                })
              },
            })
          }}
        >
          <Stack>
            <Text size="sm">{t('twoFactor.scan')}</Text>
            <QrCode uri={step.enrolment.totpUri} />
            <Text size="sm">{t('twoFactor.orType')}</Text>
            <Code data-testid="two-factor-secret">{step.enrolment.secret}</Code>
            {m.confirm.isError && (
              <Alert color="red" role="alert">
                {m.confirm.error.message}
              </Alert>
            )}
            <TextInput
              label={t('twoFactor.firstCode')}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              data-testid="two-factor-first-code"
            />
            <Group>
              <Button type="submit" loading={m.confirm.isPending}>
                {t('twoFactor.confirm')}
              </Button>
              <Button variant="subtle" onClick={() => setStep({ kind: 'idle' })}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}

      {step.kind === 'codes' && <RecoveryCodesOnce codes={step.codes} onDone={() => void finish()} />}

      {step.kind === 'regenerate' && (
        <PasswordStep
          label={t('twoFactor.confirmPassword')}
          submitLabel={t('twoFactor.newCodes')}
          busy={m.regenerate.isPending}
          error={m.regenerate.error?.message}
          onCancel={() => setStep({ kind: 'idle' })}
          onSubmit={(password) =>
            m.regenerate.mutate(password, {
              onSuccess: (res) => setStep({ kind: 'codes', codes: res.recoveryCodes }),
            })
          }
        />
      )}

      {step.kind === 'disable' && (
        <PasswordStep
          label={t('twoFactor.confirmPassword')}
          submitLabel={t('twoFactor.disable')}
          color="red"
          busy={m.disable.isPending}
          error={m.disable.error?.message}
          onCancel={() => setStep({ kind: 'idle' })}
          onSubmit={(password) =>
            m.disable.mutate(password, {
              onSuccess: () => {
                setStep({ kind: 'idle' })
                notifications.show({
                  color: 'green',
                  message: t('twoFactor.disabled'),
                  withCloseButton: false,
                })
              },
            })
          }
        />
      )}
    </Stack>
  )
}

export default TwoFactorSetup
