import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client.ts'
import { PasswordField } from '../../components/PasswordField.tsx'
import { dateTime } from '../../lib/format.ts'
import { type Passkey, type PasskeyOptions, usePasskeyMutations, usePasskeys } from './api.ts'
import { CeremonyError, createPasskey } from './passkey-ceremony.ts'

type Step = { kind: 'idle' } | { kind: 'password' } | { kind: 'name'; options: PasskeyOptions }

/** What went wrong, for the person: the server's problem text, or what the device said. */
export const usePasskeyErrorText = () => {
  const { t } = useTranslation()
  return (err: unknown) => {
    if (err instanceof CeremonyError) {
      if (err.problem === 'cancelled') return t('passkeys.ceremony.cancelled')
      if (err.problem === 'duplicate') return t('passkeys.ceremony.duplicate')
      if (err.problem === 'unsupported') return t('passkeys.ceremony.unsupported')
      return t('passkeys.ceremony.failed')
    }
    if (err instanceof ApiError && err.status === 0) return t('errors.network')
    if (err instanceof ApiError) return err.message
    return t('errors.unexpected')
  }
}

/**
 * The signed-in person's passkeys: the list (name, added, last used), adding one (password,
 * name, then the device) and removing one.
 */
export const PasskeysSection = () => {
  const { t, i18n } = useTranslation()
  const passkeys = usePasskeys()
  const m = usePasskeyMutations()
  const explain = usePasskeyErrorText()
  const [step, setStep] = useState<Step>({ kind: 'idle' })
  const [password, setPassword] = useState('')
  const [name, setName] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)

  const reset = () => {
    setStep({ kind: 'idle' })
    setPassword('')
    setName('')
    setError(undefined)
  }

  const submitPassword = (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    m.options.mutate(password, {
      onSuccess: (options) => {
        setPassword('')
        setStep({ kind: 'name', options })
      },
      onError: (err) => setError(explain(err)),
    })
  }

  const submitName = async (e: FormEvent, options: PasskeyOptions) => {
    e.preventDefault()
    setError(undefined)
    setBusy(true)
    try {
      const credential = await createPasskey(options.options)
      await m.register.mutateAsync({ challengeId: options.challengeId, name: name.trim(), credential })
      reset()
      notifications.show({ color: 'green', message: t('passkeys.added'), withCloseButton: false })
    } catch (err) {
      // A challenge is answered once: after a failure the password is asked again.
      if (!(err instanceof CeremonyError && err.problem === 'cancelled')) setStep({ kind: 'password' })
      setError(explain(err))
    } finally {
      setBusy(false)
    }
  }

  const remove = (passkey: Passkey) => {
    if (!window.confirm(t('passkeys.confirmRemove', { name: passkey.name }))) return
    m.remove.mutate(passkey.id, {
      onSuccess: () =>
        notifications.show({ color: 'green', message: t('passkeys.removed'), withCloseButton: false }),
      onError: (err) => notifications.show({ color: 'red', message: explain(err) }),
    })
  }

  const alert = error && (
    <Alert color="red" role="alert" data-testid="passkey-error">
      {error}
    </Alert>
  )

  return (
    <Stack data-testid="passkeys">
      <Title order={2} size="h4">
        {t('passkeys.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('passkeys.help')}
      </Text>

      {passkeys.isPending && <Loader size="sm" aria-label={t('passkeys.loading')} />}
      {passkeys.isError && <Alert color="red">{explain(passkeys.error)}</Alert>}
      {passkeys.data?.length === 0 && <Text size="sm">{t('passkeys.none')}</Text>}
      {passkeys.data && passkeys.data.length > 0 && (
        <Table aria-label={t('passkeys.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('passkeys.name')}</Table.Th>
              <Table.Th>{t('passkeys.created')}</Table.Th>
              <Table.Th>{t('passkeys.lastUsed')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('passkeys.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {passkeys.data.map((p) => (
              <Table.Tr key={p.id} data-testid="passkey-row">
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm">{p.name}</Text>
                    {p.deviceType === 'multiDevice' && (
                      <Badge variant="light" c="dark.7" size="sm">
                        {t('passkeys.synced')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{dateTime(p.createdAt, i18n.language)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" data-testid="passkey-last-used">
                    {p.lastUsedAt ? dateTime(p.lastUsedAt, i18n.language) : t('passkeys.neverUsed')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={t('passkeys.removeNamed', { name: p.name })}
                    loading={m.remove.isPending && m.remove.variables === p.id}
                    onClick={() => remove(p)}
                  >
                    {t('passkeys.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {step.kind === 'idle' && (
        <Group>
          <Button onClick={() => setStep({ kind: 'password' })}>{t('passkeys.add')}</Button>
        </Group>
      )}

      {step.kind === 'password' && (
        <form onSubmit={submitPassword}>
          <Stack>
            {alert}
            <PasswordField
              label={t('passkeys.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoFocus
            />
            <Group>
              <Button type="submit" loading={m.options.isPending}>
                {t('passkeys.continue')}
              </Button>
              <Button variant="subtle" onClick={reset}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}

      {step.kind === 'name' && (
        <form onSubmit={(e) => void submitName(e, step.options)}>
          <Stack>
            {alert}
            <TextInput
              label={t('passkeys.nameLabel')}
              description={t('passkeys.nameHelp')}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              autoFocus
              data-testid="passkey-name"
            />
            <Group>
              <Button type="submit" loading={busy} disabled={!name.trim()}>
                {t('passkeys.create')}
              </Button>
              <Button variant="subtle" onClick={reset} disabled={busy}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  )
}

export default PasskeysSection
