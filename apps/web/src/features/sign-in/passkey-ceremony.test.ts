import { WebAuthnError } from '@simplewebauthn/browser'
import { describe, expect, it } from 'vitest'
import { ceremonyProblemOf } from './passkey-ceremony.ts'

const dom = (name: string) => new DOMException('the browser says no', name)

describe('ceremonyProblemOf', () => {
  it.each([
    ['a closed prompt or a timeout (NotAllowedError)', dom('NotAllowedError'), 'cancelled'],
    ['an aborted ceremony', dom('AbortError'), 'cancelled'],
    [
      "the library's abort code",
      new WebAuthnError({ message: 'aborted', code: 'ERROR_CEREMONY_ABORTED', cause: dom('AbortError') }),
      'cancelled',
    ],
    [
      'a device that already holds a passkey of the account',
      new WebAuthnError({
        message: 'registered',
        code: 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED',
        cause: dom('InvalidStateError'),
      }),
      'duplicate',
    ],
    ['InvalidStateError without the library', dom('InvalidStateError'), 'duplicate'],
    ['no supported algorithm', dom('NotSupportedError'), 'unsupported'],
    [
      'an address the browser refuses (an IP address as relying party)',
      new WebAuthnError({ message: 'bad domain', code: 'ERROR_INVALID_DOMAIN', cause: dom('SecurityError') }),
      'failed',
    ],
    ['anything else', new Error('boom'), 'failed'],
    ['a thrown string', 'boom', 'failed'],
  ])('%s', (_what, err, problem) => {
    expect(ceremonyProblemOf(err)).toBe(problem)
  })
})
