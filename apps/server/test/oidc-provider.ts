import { generateKeyPairSync } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export type IdpAccount = {
  email: string
  email_verified: boolean
  name: string
  groups: string[]
}

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1 for tests: one confidential client, the
 * accounts given, and interactions that sign in `nextAccount` and grant consent without a form.
 */
export const startOidcProvider = async (opts: {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  accounts: Record<string, IdpAccount>
}) => {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'test-key' }
  const state = { nextAccount: Object.keys(opts.accounts)[0]! }

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    findAccount: async (_ctx, sub) => {
      const account = opts.accounts[sub]
      if (!account) return undefined
      return { accountId: sub, claims: async () => ({ sub, ...account }) }
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  })
  const handle = provider.callback()

  server.on('request', async (req, res) => {
    const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? '')
    if (!match) return handle(req, res)
    try {
      const details = await provider.interactionDetails(req, res)
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: state.nextAccount } },
          { mergeWithLastSubmission: false },
        )
        return
      }
      const grant = new provider.Grant({
        accountId: details.session!.accountId,
        clientId: details.params.client_id as string,
      })
      const missing = details.prompt.details.missingOIDCScope as string[] | undefined
      if (missing) grant.addOIDCScope(missing.join(' '))
      const missingClaims = details.prompt.details.missingOIDCClaims as string[] | undefined
      if (missingClaims) grant.addOIDCClaims(missingClaims)
      const grantId = await grant.save()
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      )
    } catch (err) {
      res.statusCode = 500
      res.end(String(err))
    }
  })

  return {
    issuer,
    /** Who signs in at the next interaction. */
    signInAs: (sub: string) => {
      state.nextAccount = sub
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Follows a browser's redirects through the provider (keeping its cookies) until the provider
 * sends the browser back to `returnTo`; answers that address.
 */
export const followToApp = async (start: string, returnTo: string) => {
  const cookies = new Map<string, string>()
  let url = start
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(returnTo)) return url
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const eq = pair!.indexOf('=')
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1))
    }
    const location = res.headers.get('location')
    if (!location)
      throw new Error(`the provider answered ${res.status} without a redirect: ${await res.text()}`)
    url = new URL(location, url).toString()
  }
  throw new Error('too many redirects')
}
