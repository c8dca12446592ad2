import { AsyncLocalStorage } from 'node:async_hooks'
import type { CreateSsoProvider, SsoButton, SsoProvider, UpdateSsoProvider } from '@tresen/contract'
import { CreateSsoProvider as CreateSchema } from '@tresen/contract'
import { type Ctx, inTransaction, isAdmin, type StaffRole, SYSTEM } from '../../platform/context.ts'
import type { Db } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { publishAuthChange } from '../../platform/events.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { findStaffById, updateStaff } from '../staff/index.ts'
import { createSsoLib, type SsoLib, ssoRedirectUri } from './auth.lib.ts'
import * as repo from './auth.repository.ts'
import type { GroupMapping } from './auth.tables.ts'

export type SsoDeps = { db: Db; secret: string; publicUrl: string; box: SecretBox }

const authorizeAdmin = (ctx: Ctx) => {
  if (!isAdmin(ctx.actor)) throw new AppError('auth.forbidden')
}

export const presentProvider = (row: repo.SsoProviderRow, publicUrl: string): SsoProvider => ({
  id: row.id,
  name: row.name,
  issuer: row.issuer,
  clientId: row.clientId,
  hasClientSecret: !!row.clientSecretSealed,
  scopes: row.scopes,
  emailDomains: row.emailDomains,
  groupsClaim: row.groupsClaim,
  groupMappings: row.groupMappings,
  jitEnabled: row.jitEnabled,
  defaultRole: row.defaultRole,
  trustEmails: row.trustEmails,
  enabled: row.enabled,
  redirectUri: ssoRedirectUri(publicUrl, row.id),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

const FIELDS = [
  'name',
  'issuer',
  'clientId',
  'clientSecretSealed',
  'scopes',
  'emailDomains',
  'groupsClaim',
  'groupMappings',
  'jitEnabled',
  'defaultRole',
  'trustEmails',
  'enabled',
] as const
const auditView = (row: Partial<repo.SsoProviderRow>) =>
  Object.fromEntries(FIELDS.filter((f) => f in row).map((f) => [f, row[f]]))

export const listSsoProviders = async (ctx: Ctx, deps: SsoDeps) => {
  authorizeAdmin(ctx)
  return (await repo.listProviders(ctx.db)).map((r) => presentProvider(r, deps.publicUrl))
}

export const getSsoProvider = async (ctx: Ctx, deps: SsoDeps, id: string) => {
  authorizeAdmin(ctx)
  const row = await repo.findProvider(ctx.db, id)
  if (!row) throw new AppError('sso_provider.not_found')
  return presentProvider(row, deps.publicUrl)
}

const withOpenId = (scopes: string[]) => (scopes.includes('openid') ? scopes : ['openid', ...scopes])

export const createSsoProvider = (ctx: Ctx, deps: SsoDeps, input: CreateSsoProvider) =>
  inTransaction(ctx, async (ctx) => {
    authorizeAdmin(ctx)
    const parsed = CreateSchema.parse(input)
    const { clientSecret, ...fields } = parsed
    const row = await repo.insertProvider(ctx.db, {
      ...fields,
      scopes: withOpenId(fields.scopes),
      clientSecretSealed: clientSecret ? deps.box.seal(clientSecret) : null,
    })
    await recordAudit(ctx, {
      action: 'sso_provider.created',
      targetType: 'sso_provider',
      targetId: row.id,
      targetLabel: row.name,
      ...changedFields({}, auditView(row), { secrets: ['clientSecretSealed'] }),
    })
    return presentProvider(row, deps.publicUrl)
  })

export const updateSsoProvider = (ctx: Ctx, deps: SsoDeps, id: string, input: UpdateSsoProvider) =>
  inTransaction(ctx, async (ctx) => {
    authorizeAdmin(ctx)
    const before = await repo.findProvider(ctx.db, id)
    if (!before) throw new AppError('sso_provider.not_found')
    const { clientSecret, ...fields } = input
    const values: Partial<repo.SsoProviderRow> = {
      ...fields,
      ...(fields.scopes ? { scopes: withOpenId(fields.scopes) } : {}),
      ...(clientSecret === undefined
        ? {}
        : { clientSecretSealed: clientSecret === null ? null : deps.box.seal(clientSecret) }),
      updatedAt: ctx.clock.now(),
    }
    const row = (await repo.updateProvider(ctx.db, id, values))!
    const diff = changedFields(auditView(before), auditView(values), { secrets: ['clientSecretSealed'] })
    if (Object.keys(diff.after).length > 0) {
      await recordAudit(ctx, {
        action: 'sso_provider.updated',
        targetType: 'sso_provider',
        targetId: id,
        targetLabel: row.name,
        ...diff,
      })
    }
    return presentProvider(row, deps.publicUrl)
  })

/** Removes a provider; the links of staff users to it go too (their users stay). */
export const deleteSsoProvider = (ctx: Ctx, id: string) =>
  inTransaction(ctx, async (ctx) => {
    authorizeAdmin(ctx)
    const row = await repo.deleteProvider(ctx.db, id)
    if (!row) throw new AppError('sso_provider.not_found')
    await repo.deleteProviderAccounts(ctx.db, id)
    await recordAudit(ctx, {
      action: 'sso_provider.deleted',
      targetType: 'sso_provider',
      targetId: id,
      targetLabel: row.name,
      before: { name: row.name, issuer: row.issuer, clientId: row.clientId },
    })
  })

/** The sign-in page's buttons: every enabled provider, for anyone. */
export const listSsoButtons = async (db: Db): Promise<SsoButton[]> =>
  (await repo.listProviders(db))
    .filter((p) => p.enabled)
    .map((p) => ({ id: p.id, name: p.name, startUrl: `/api/v1/auth/sso/${p.id}/start` }))

// ── the sign-in ────────────────────────────────────────────────────────────────────────────────

/** What one callback found out, filled in by the library's hooks as it goes. */
type CallbackState = {
  provider: repo.SsoProviderRow
  claims?: Record<string, unknown>
  refusal?: string
  createdUserEmail?: string
  sessionUserId?: string
}

const callbackState = new AsyncLocalStorage<CallbackState>()
const current = () => {
  const state = callbackState.getStore()
  if (!state) throw new Error('an SSO hook ran outside a callback')
  return state
}

const ROLE_RANK: Record<StaffRole, number> = { agent: 0, supervisor: 1, admin: 2 }

/** The values of the groups claim: an array of strings, or one string. */
export const groupsOf = (claims: Record<string, unknown>, claim: string) => {
  const value = claims[claim]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' ? [value] : []
}

/**
 * What a provider's mapping makes of a person's groups: the highest role any matching group
 * gives (null when none gives one), the teams of the matching groups, and every team the mapping
 * manages (memberships of managed teams follow the groups; other teams stay untouched).
 */
export const mapGroups = (mappings: GroupMapping[], groups: string[]) => {
  const held = new Set(groups)
  let role: StaffRole | null = null
  const teams = new Set<string>()
  const managed = new Set<string>()
  for (const m of mappings) {
    for (const t of m.teamIds) managed.add(t)
    if (!held.has(m.group)) continue
    for (const t of m.teamIds) teams.add(t)
    if (m.role && (role === null || ROLE_RANK[m.role] > ROLE_RANK[role])) role = m.role
  }
  return { role, teamIds: [...teams], managedTeamIds: [...managed] }
}

const domainAllowed = (provider: repo.SsoProviderRow, email: string) => {
  if (provider.emailDomains.length === 0) return true
  const domain = email.toLowerCase().split('@')[1] ?? ''
  return provider.emailDomains.includes(domain)
}

const libs = new Map<string, { version: string; lib: SsoLib }>()

/**
 * The library instance of a provider, built again when its configuration changed (another
 * process may have changed it: the row's `updatedAt` tells).
 */
const libFor = (deps: SsoDeps, provider: repo.SsoProviderRow) => {
  const version = `${provider.id}:${provider.updatedAt.toISOString()}`
  const known = libs.get(`${deps.secret}:${provider.id}`)
  if (known?.version === version) return known.lib
  const lib = createSsoLib(
    deps,
    {
      id: provider.id,
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecretSealed ? deps.box.open(provider.clientSecretSealed) : undefined,
      scopes: provider.scopes,
      jitEnabled: provider.jitEnabled,
      trustEmails: provider.trustEmails,
    },
    {
      profile: (claims) => {
        const state = current()
        state.claims = claims
        const email = typeof claims.email === 'string' ? claims.email : ''
        if (email && !domainAllowed(state.provider, email)) state.refusal = 'domain_not_allowed'
      },
      beforeUserCreate: async (user) => {
        const state = current()
        if (state.refusal) return false
        if (!state.provider.jitEnabled) {
          state.refusal = 'no_account'
          return false
        }
        const mapped = mapGroups(
          state.provider.groupMappings,
          groupsOf(state.claims ?? {}, state.provider.groupsClaim),
        )
        state.createdUserEmail = user.email
        const locale = typeof state.claims?.locale === 'string' ? state.claims.locale : ''
        return {
          role: mapped.role ?? state.provider.defaultRole,
          language: locale.toLowerCase().startsWith('en') ? 'en' : 'de',
          active: true,
        }
      },
      beforeAccountCreate: async () => !current().refusal,
      beforeSessionCreate: async (session) => {
        const state = current()
        if (state.refusal) return false
        const staff = await findStaffById(deps.db, session.userId)
        if (!staff?.active) {
          state.refusal = 'account_disabled'
          return false
        }
        state.sessionUserId = session.userId
        return true
      },
    },
  )
  libs.set(`${deps.secret}:${provider.id}`, { version, lib })
  return lib
}

const loadEnabled = async (deps: SsoDeps, id: string) => {
  const provider = await repo.findProvider(deps.db, id)
  if (!provider?.enabled) throw new AppError('sso_provider.not_found')
  return provider
}

const signInPage = (deps: SsoDeps, error: string) =>
  `${deps.publicUrl.replace(/\/$/, '')}/sign-in?sso_error=${encodeURIComponent(error)}`

/**
 * Starts a sign-in at the provider: the library makes the authorization URL (state, PKCE,
 * nonce) and the cookie that binds the callback to this browser.
 */
export const startSso = async (
  deps: SsoDeps,
  id: string,
  headers: Headers,
  log: { warn: (obj: object, msg: string) => void },
) => {
  const provider = await loadEnabled(deps, id)
  const lib = libFor(deps, provider)
  const base = deps.publicUrl.replace(/\/$/, '')
  try {
    const result = await lib.api.signInSocial({
      body: { provider: provider.id, callbackURL: `${base}/`, errorCallbackURL: signInPage(deps, 'failed') },
      headers,
      returnHeaders: true,
    })
    const url = (result.response as { url?: string }).url
    if (url) return { url, cookies: result.headers.getSetCookie() }
    log.warn({ providerId: id }, 'sso: the library made no authorization URL')
  } catch (err) {
    // The provider's discovery document could not be read (provider down, wrong issuer).
    log.warn({ err, providerId: id }, 'sso: the sign-in could not be started')
  }
  return { url: signInPage(deps, 'unavailable'), cookies: [] }
}

type Origin = { ip: string; userAgent?: string; requestId?: string }

/** The library's error codes as the sign-in page explains them. */
const explain = (libraryError: string | null) => {
  if (!libraryError) return 'failed'
  if (/state|invalid_callback|no_code|code/i.test(libraryError)) return 'invalid_state'
  if (/not_linked|unable_to_link/i.test(libraryError)) return 'not_linked'
  if (/signup_disabled|unable_to_create_user/i.test(libraryError)) return 'no_account'
  if (/email_not_found|email/i.test(libraryError)) return 'no_email'
  return 'failed'
}

/**
 * The provider's callback: the library checks state, exchanges the code and verifies the ID
 * token; the desk's hooks refuse what the provider's settings do not allow. A session that
 * began is then brought in line with the groups (role and managed teams) and recorded.
 */
export const finishSso = async (
  deps: SsoDeps,
  ctxBase: Omit<Ctx, 'actor' | 'db'>,
  id: string,
  request: Request,
  origin: Origin,
  signInEvent: (event: {
    action: string
    staffId?: string | null
    label: string
    detail?: Record<string, unknown>
  }) => Promise<unknown>,
) => {
  const provider = await loadEnabled(deps, id)
  const lib = libFor(deps, provider)
  const state: CallbackState = { provider }
  const response = await callbackState.run(state, () => lib.handler(request))
  const cookies = response.headers.getSetCookie()
  const location = response.headers.get('location') ?? ''
  const email = typeof state.claims?.email === 'string' ? state.claims.email.toLowerCase() : ''
  if (!state.sessionUserId || response.status >= 400 || location.includes('error=')) {
    let libraryError: string | null = null
    try {
      libraryError = new URL(location, deps.publicUrl).searchParams.get('error')
    } catch {
      libraryError = null
    }
    const reason = state.refusal ?? explain(libraryError)
    await signInEvent({
      action: 'auth.sso_sign_in_failed',
      label: email || provider.name,
      detail: { provider: provider.name, providerId: provider.id, reason },
    })
    return { location: signInPage(deps, reason), cookies }
  }
  const staffId = state.sessionUserId
  const groups = groupsOf(state.claims ?? {}, provider.groupsClaim)
  const mapped = mapGroups(provider.groupMappings, groups)
  const ctx: Ctx = { ...ctxBase, db: deps.db, actor: SYSTEM, origin }
  const before = (await findStaffById(deps.db, staffId))!
  const label = `${before.name} <${before.email}>`
  if (state.createdUserEmail) {
    await signInEvent({
      action: 'auth.sso_user_created',
      staffId,
      label,
      detail: { provider: provider.name, providerId: provider.id, role: before.role, groups },
    })
  }
  const change = await applyMapping(ctx, staffId, mapped)
  await signInEvent({
    action: 'auth.signed_in',
    staffId,
    label,
    detail: { method: 'sso', provider: provider.name, providerId: provider.id, groups, ...change },
  })
  return { location: `${deps.publicUrl.replace(/\/$/, '')}/`, cookies }
}

/** Role and managed team memberships as the groups say (the staff module records the change). */
const applyMapping = async (ctx: Ctx, staffId: string, mapped: ReturnType<typeof mapGroups>) => {
  const rows = await repo.loadStaffWithTeams(ctx.db, staffId)
  if (!rows) return {}
  const managed = new Set(mapped.managedTeamIds)
  const kept = rows.teams.filter((t) => !managed.has(t.id)).map((t) => ({ teamId: t.id, role: t.role }))
  const mappedTeams = mapped.teamIds.map((teamId) => ({
    teamId,
    role: rows.teams.find((t) => t.id === teamId)?.role ?? ('member' as const),
  }))
  const nextTeams = [...kept, ...mappedTeams]
  const sameTeams =
    nextTeams.length === rows.teams.length &&
    nextTeams.every((n) => rows.teams.some((t) => t.id === n.teamId))
  const roleChange = mapped.role && mapped.role !== rows.role ? mapped.role : undefined
  if (sameTeams && !roleChange) return {}
  try {
    await updateStaff(ctx, staffId, {
      ...(roleChange ? { role: roleChange } : {}),
      ...(sameTeams ? {} : { teams: nextTeams }),
    })
  } catch (err) {
    // The last admin stays an admin, and a team that no longer exists is skipped next time.
    if (!(err instanceof AppError)) throw err
    ctx.log.warn({ err: err.code }, 'sso: the group mapping could not be applied')
    return { mappingError: err.code }
  }
  await publishAuthChange(ctx.db, { staffId })
  return {
    ...(roleChange ? { role: { from: rows.role, to: roleChange } } : {}),
    ...(sameTeams ? {} : { teamIds: nextTeams.map((t) => t.teamId) }),
  }
}
