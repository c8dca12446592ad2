import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto'

// A WebAuthn authenticator in software (ES256 key, "none" attestation, user present and
// verified), so integration tests run the desk's real verification of both ceremonies:
// what it builds is what a platform authenticator sends through the browser.

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest()

/** CBOR: the major type and length header (minimal encoding). */
const head = (major: number, length: number) => {
  if (length < 24) return Buffer.from([(major << 5) | length])
  if (length < 256) return Buffer.from([(major << 5) | 24, length])
  return Buffer.from([(major << 5) | 25, length >> 8, length & 255])
}
const cborBytes = (b: Buffer) => Buffer.concat([head(2, b.length), b])
const cborText = (s: string) => Buffer.concat([head(3, Buffer.byteLength(s)), Buffer.from(s)])

type Options = { challenge: string; rp?: { id?: string }; rpId?: string; user?: { id: string } }

export const softwareAuthenticator = (opts: { origin: string }) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  const credentialId = randomBytes(32)
  let counter = 0
  let userHandle = ''
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }))

  // COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
  const coseKey = Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]),
    cborBytes(Buffer.from(jwk.x!, 'base64url')),
    Buffer.from([0x22]),
    cborBytes(Buffer.from(jwk.y!, 'base64url')),
  ])
  const counterBytes = () => {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(counter)
    return b
  }
  const clientData = (type: string, challenge: string, origin = opts.origin) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }))

  return {
    credentialId: credentialId.toString('base64url'),
    /** The answer of `navigator.credentials.create` to registration options. */
    create(options: Options, override: { origin?: string; rpId?: string } = {}) {
      const rpId = override.rpId ?? options.rp?.id ?? ''
      userHandle = options.user?.id ?? ''
      const idLength = Buffer.from([credentialId.length >> 8, credentialId.length & 255])
      const authData = Buffer.concat([
        sha256(rpId),
        Buffer.from([0x01 | 0x04 | 0x40]), // user present, user verified, attested credential data
        counterBytes(),
        Buffer.alloc(16), // AAGUID: none
        idLength,
        credentialId,
        coseKey,
      ])
      const attestationObject = Buffer.concat([
        Buffer.from([0xa3]),
        cborText('fmt'),
        cborText('none'),
        cborText('attStmt'),
        Buffer.from([0xa0]),
        cborText('authData'),
        cborBytes(authData),
      ])
      const id = credentialId.toString('base64url')
      return {
        id,
        rawId: id,
        type: 'public-key' as const,
        response: {
          clientDataJSON: clientData('webauthn.create', options.challenge, override.origin).toString(
            'base64url',
          ),
          attestationObject: attestationObject.toString('base64url'),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      }
    },
    /** The answer of `navigator.credentials.get` to sign-in options. */
    get(options: Options, override: { origin?: string; userVerified?: boolean } = {}) {
      counter++
      const flags = 0x01 | (override.userVerified === false ? 0 : 0x04)
      const authenticatorData = Buffer.concat([
        sha256(options.rpId ?? ''),
        Buffer.from([flags]),
        counterBytes(),
      ])
      const clientDataJSON = clientData('webauthn.get', options.challenge, override.origin)
      const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), key)
      const id = credentialId.toString('base64url')
      return {
        id,
        rawId: id,
        type: 'public-key' as const,
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          authenticatorData: authenticatorData.toString('base64url'),
          signature: signature.toString('base64url'),
          userHandle,
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      }
    },
  }
}
