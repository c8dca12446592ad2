import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser'

/** Why the browser's part of a passkey ceremony did not give an answer. */
export type CeremonyProblem = 'cancelled' | 'duplicate' | 'unsupported' | 'failed'

/** A failure of the device or browser (not of the server): what the person can be told. */
export class CeremonyError extends Error {
  constructor(
    readonly problem: CeremonyProblem,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.name = 'CeremonyError'
  }
}

/** What a browser or library error of the ceremony means for the person. */
export const ceremonyProblemOf = (err: unknown): CeremonyProblem => {
  const name = err instanceof Error ? err.name : ''
  const code = (err as { code?: string } | undefined)?.code
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') return 'duplicate'
  // NotAllowedError: the person closed the prompt, the time ran out, or no passkey was chosen.
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'NotAllowedError' || name === 'AbortError')
    return 'cancelled'
  if (name === 'NotSupportedError') return 'unsupported'
  return 'failed'
}

// The library loads on first use only: the sign-in page belongs to the first bundle.
const library = () => import('@simplewebauthn/browser')

/** Asks the device to create a passkey for the options of the server; its answer in JSON form. */
export const createPasskey = async (options: Record<string, unknown>) => {
  const lib = await library()
  if (!lib.browserSupportsWebAuthn()) throw new CeremonyError('unsupported', 'WebAuthn is not available')
  try {
    return await lib.startRegistration({
      optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
    })
  } catch (err) {
    throw new CeremonyError(ceremonyProblemOf(err), err)
  }
}

/** Asks the device for one of its passkeys of this desk (discoverable: no address needed). */
export const getPasskeyOfDevice = async (options: Record<string, unknown>) => {
  const lib = await library()
  if (!lib.browserSupportsWebAuthn()) throw new CeremonyError('unsupported', 'WebAuthn is not available')
  try {
    return await lib.startAuthentication({
      optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON,
    })
  } catch (err) {
    throw new CeremonyError(ceremonyProblemOf(err), err)
  }
}
