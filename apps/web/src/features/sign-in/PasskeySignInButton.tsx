import { Button } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, api } from '../../api/client.ts'
import type { SessionInfo } from '../../api/types.ts'
import type { PasskeyOptions } from './api.ts'
import { CeremonyError, getPasskeyOfDevice } from './passkey-ceremony.ts'

/**
 * "Sign in with a passkey": the device offers its passkeys of this desk (discoverable
 * credentials, no address asked). The WebAuthn library loads on the click.
 */
export const PasskeySignInButton = ({
  onSignedIn,
  onError,
  explain,
}: {
  onSignedIn: (info: SessionInfo) => void
  /** undefined clears an earlier error */
  onError: (text: string | undefined) => void
  /** The sign-in page's words for the server's problems (wrong role, too many attempts, …). */
  explain: (err: unknown) => string
}) => {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)

  const run = async () => {
    setBusy(true)
    onError(undefined)
    try {
      const { challengeId, options } = await api<PasskeyOptions>('/auth/passkey/options', { method: 'POST' })
      const credential = await getPasskeyOfDevice(options)
      onSignedIn(
        await api<SessionInfo>('/auth/passkey/sign-in', {
          method: 'POST',
          body: { challengeId, credential },
        }),
      )
    } catch (err) {
      if (err instanceof CeremonyError) {
        if (err.problem === 'cancelled') onError(t('signIn.passkey.cancelled'))
        else if (err.problem === 'unsupported') onError(t('signIn.passkey.unsupported'))
        else onError(t('signIn.passkey.failed'))
      } else if (err instanceof ApiError && err.code === 'auth.passkey_failed')
        onError(t('signIn.passkey.failed'))
      else onError(explain(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Button
      variant="default"
      fullWidth
      loading={busy}
      onClick={() => void run()}
      data-testid="passkey-sign-in"
    >
      {t('signIn.passkey.button')}
    </Button>
  )
}
