import type { Readable } from 'node:stream'
import type {
  ConnectionCheck,
  CreateEmailChannelInput,
  EmailChannel,
  ImapSettingsInput,
  InboundMessage,
  InboundMessageQuery,
  OAuthSettingsInput,
  SmtpSettingsInput,
  UpdateEmailChannelInput,
} from '@tresen/contract'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import { readObject } from '../../platform/storage.ts'
import { changedFields, recordAudit, SECRET_CHANGED } from '../audit/index.ts'
import { findVisibleTicketScope, intake } from '../tickets/index.ts'
import { checkImap } from './email.imap.ts'
import { ingestMessage } from './email.ingest.ts'
import type { OAuthConfig } from './email.oauth.ts'
import { requeueReply, smtpTransport } from './email.outbound.ts'
import { authorize } from './email.policy.ts'
import * as repo from './email.repository.ts'

/** A command context of the email module: the desk's with the box that opens the channels' secrets. */
export type EmailCtx = Ctx & { box: SecretBox }

export const presentChannel = (row: repo.ChannelRow, box: SecretBox, problems = 0): EmailChannel => ({
  id: row.id,
  name: row.name,
  address: row.address,
  displayName: row.displayName,
  teamId: row.teamId,
  imap: row.imapHost
    ? {
        host: row.imapHost,
        port: row.imapPort ?? 993,
        security: (row.imapSecurity ?? 'tls') as ImapSettingsInput['security'],
        user: row.imapUser ?? '',
        auth: (row.imapAuth ?? 'password') as ImapSettingsInput['auth'],
        folder: row.imapFolder ?? 'INBOX',
        afterImport: (row.imapAfterImport ?? 'move') as ImapSettingsInput['afterImport'],
        processedFolder: row.imapProcessedFolder ?? 'Tresen/Processed',
        pollSeconds: row.imapPollSeconds ?? 60,
        hasSecret: !!row.imapSecret,
      }
    : null,
  smtp: row.smtpHost
    ? {
        host: row.smtpHost,
        port: row.smtpPort ?? 587,
        security: (row.smtpSecurity ?? 'starttls') as SmtpSettingsInput['security'],
        ...(row.smtpUser ? { user: row.smtpUser } : {}),
        auth: (row.smtpAuth ?? 'password') as SmtpSettingsInput['auth'],
        hasSecret: !!row.smtpSecret,
      }
    : null,
  oauth: oauthView(row.oauth, box),
  smtpReceiverAddresses: row.smtpReceiverAddresses,
  acknowledge: row.acknowledge,
  replyPromiseHours: row.replyPromiseHours,
  signature: row.signature,
  active: row.active,
  state: {
    status: row.state as EmailChannel['state']['status'],
    error: row.stateError,
    checkedAt: row.checkedAt?.toISOString() ?? null,
  },
  problems,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

/** Columns of the IMAP settings; a secret left out keeps the stored one (unless the host changes). */
const imapColumns = (
  box: SecretBox,
  imap: ImapSettingsInput | null | undefined,
  current?: repo.ChannelRow,
) => {
  if (imap === undefined) return {}
  if (imap === null)
    return {
      imapHost: null,
      imapPort: null,
      imapSecurity: null,
      imapUser: null,
      imapAuth: null,
      imapSecret: null,
      imapFolder: null,
      imapAfterImport: null,
      imapProcessedFolder: null,
      imapPollSeconds: null,
    }
  const sameServer = current?.imapHost === imap.host && current?.imapUser === imap.user
  const folderChanged = current?.imapFolder !== imap.folder || !sameServer
  return {
    imapHost: imap.host,
    imapPort: imap.port,
    imapSecurity: imap.security,
    imapUser: imap.user,
    imapAuth: imap.auth,
    imapSecret: imap.secret ? box.seal(imap.secret) : sameServer ? (current?.imapSecret ?? null) : null,
    imapFolder: imap.folder,
    imapAfterImport: imap.afterImport,
    imapProcessedFolder: imap.processedFolder,
    imapPollSeconds: imap.pollSeconds,
    // Another mailbox or folder starts from its beginning (identities prevent duplicates).
    ...(folderChanged ? { imapUidValidity: null, imapLastUid: 0 } : {}),
  }
}

const smtpColumns = (
  box: SecretBox,
  smtp: SmtpSettingsInput | null | undefined,
  current?: repo.ChannelRow,
) => {
  if (smtp === undefined) return {}
  if (smtp === null)
    return {
      smtpHost: null,
      smtpPort: null,
      smtpSecurity: null,
      smtpUser: null,
      smtpAuth: null,
      smtpSecret: null,
    }
  const sameServer = current?.smtpHost === smtp.host && current?.smtpUser === (smtp.user ?? null)
  return {
    smtpHost: smtp.host,
    smtpPort: smtp.port,
    smtpSecurity: smtp.security,
    smtpUser: smtp.user ?? null,
    smtpAuth: smtp.auth,
    smtpSecret: smtp.secret ? box.seal(smtp.secret) : sameServer ? (current?.smtpSecret ?? null) : null,
  }
}

/** The OAuth2 settings as an admin sees them: no secrets, only whether they are set. */
const oauthView = (sealed: string | null, box: SecretBox): EmailChannel['oauth'] => {
  if (!sealed) return null
  try {
    const cfg = JSON.parse(box.open(sealed)) as OAuthConfig
    return {
      tokenUrl: cfg.tokenUrl,
      clientId: cfg.clientId,
      scope: cfg.scope ?? null,
      hasClientSecret: !!cfg.clientSecret,
      hasRefreshToken: !!cfg.refreshToken,
    }
  } catch {
    return { tokenUrl: '', clientId: '', scope: null, hasClientSecret: false, hasRefreshToken: false }
  }
}

/** Sealed OAuth2 settings; secrets left out keep the stored ones while the endpoint and client stay. */
const oauthColumn = (
  box: SecretBox,
  oauth: OAuthSettingsInput | null | undefined,
  current?: repo.ChannelRow,
) => {
  if (oauth === undefined) return {}
  if (oauth === null) return { oauth: null }
  let previous: OAuthConfig | undefined
  try {
    previous = current?.oauth ? (JSON.parse(box.open(current.oauth)) as OAuthConfig) : undefined
  } catch {
    previous = undefined
  }
  const same = previous && previous.tokenUrl === oauth.tokenUrl && previous.clientId === oauth.clientId
  const cfg: OAuthConfig = {
    tokenUrl: oauth.tokenUrl,
    clientId: oauth.clientId,
    ...(oauth.scope ? { scope: oauth.scope } : {}),
    ...((oauth.clientSecret ?? (same ? previous?.clientSecret : undefined))
      ? { clientSecret: oauth.clientSecret ?? previous?.clientSecret }
      : {}),
    ...((oauth.refreshToken ?? (same ? previous?.refreshToken : undefined))
      ? { refreshToken: oauth.refreshToken ?? previous?.refreshToken }
      : {}),
  }
  return { oauth: box.seal(JSON.stringify(cfg)) }
}

const checkTeam = async (ctx: Ctx, teamId: string | null | undefined) => {
  if (!teamId) return
  if (!(await repo.teamExists(ctx.db, teamId))) {
    throw new AppError('team.not_found', undefined, [{ pointer: '/body/teamId', detail: 'unknown team' }])
  }
}

const presentInbound = (r: { message: repo.InboundRow; ticketNumber: number | null }): InboundMessage => ({
  id: r.message.id,
  channelId: r.message.channelId,
  source: r.message.source as InboundMessage['source'],
  status: r.message.status as InboundMessage['status'],
  reason: r.message.reason,
  messageId: r.message.messageId,
  from: r.message.fromAddress,
  subject: r.message.subject,
  size: r.message.size,
  ticketNumber: r.ticketNumber,
  receivedAt: r.message.receivedAt.toISOString(),
})

export const listChannels = async (ctx: EmailCtx) => {
  authorize(ctx.actor, 'email.manage')
  const [rows, problems] = await Promise.all([repo.listChannels(ctx.db), repo.problemCounts(ctx.db)])
  return rows.map((r) => presentChannel(r, ctx.box, problems.get(r.id) ?? 0))
}

export const getChannel = async (ctx: EmailCtx, id: string) => {
  authorize(ctx.actor, 'email.manage')
  const row = await repo.findChannel(ctx.db, id)
  if (!row) throw new AppError('email_channel.not_found')
  const problems = await repo.problemCounts(ctx.db)
  return presentChannel(row, ctx.box, problems.get(row.id) ?? 0)
}

/** What the audit log shows of a channel: its settings, never its secrets (only whether they are set). */
const CHANNEL_AUDIT_FIELDS = [
  'name',
  'address',
  'displayName',
  'teamId',
  'imap',
  'smtp',
  'oauth',
  'smtpReceiverAddresses',
  'acknowledge',
  'replyPromiseHours',
  'signature',
  'active',
] as const

/** The secrets an input sets, as the audit log names them ("[changed]", never the value). */
const secretsSet = (input: CreateEmailChannelInput | UpdateEmailChannelInput) => ({
  ...(input.imap?.secret ? { imapSecret: SECRET_CHANGED } : {}),
  ...(input.smtp?.secret ? { smtpSecret: SECRET_CHANGED } : {}),
  ...(input.oauth && 'clientSecret' in input.oauth && input.oauth.clientSecret
    ? { oauthClientSecret: SECRET_CHANGED }
    : {}),
})

const auditChannel = (
  ctx: EmailCtx,
  action: string,
  before: EmailChannel | null,
  after: EmailChannel,
  input: CreateEmailChannelInput | UpdateEmailChannelInput,
) => {
  const diff = changedFields(
    (before ?? {}) as Record<string, unknown>,
    after as unknown as Record<string, unknown>,
    { fields: CHANNEL_AUDIT_FIELDS },
  )
  const secrets = secretsSet(input)
  return recordAudit(ctx, {
    action,
    targetType: 'email_channel',
    targetId: after.id,
    targetLabel: `${after.name} <${after.address}>`,
    before: before ? { ...diff.before, ...secrets } : null,
    after: { ...diff.after, ...secrets },
  })
}

export const createChannel = async (base: EmailCtx, input: CreateEmailChannelInput) => {
  authorize(base.actor, 'email.manage')
  await checkTeam(base, input.teamId)
  const now = base.clock.now()
  try {
    return await inTransaction(base, async (tx) => {
      const ctx: EmailCtx = { ...tx, box: base.box }
      const row = await repo.insertChannel(ctx.db, {
        name: input.name,
        address: input.address,
        displayName: input.displayName ?? null,
        teamId: input.teamId ?? null,
        ...imapColumns(ctx.box, input.imap),
        ...smtpColumns(ctx.box, input.smtp),
        ...oauthColumn(ctx.box, input.oauth),
        smtpReceiverAddresses: [...new Set(input.smtpReceiverAddresses)],
        acknowledge: input.acknowledge,
        replyPromiseHours: input.replyPromiseHours,
        signature: input.signature,
        active: input.active,
        acknowledgeSince: now,
        createdAt: now,
        updatedAt: now,
      })
      const channel = presentChannel(row, ctx.box)
      await auditChannel(ctx, 'email_channel.created', null, channel, input)
      return channel
    })
  } catch (err) {
    if (repo.isAddressTaken(err))
      throw new AppError('email_channel.address_taken', undefined, [
        { pointer: '/body/address', detail: 'taken' },
      ])
    throw err
  }
}

export const updateChannel = (base: EmailCtx, id: string, input: UpdateEmailChannelInput) =>
  inTransaction(base, async (tx) => {
    const ctx: EmailCtx = { ...tx, box: base.box }
    authorize(ctx.actor, 'email.manage')
    const current = await repo.lockChannel(ctx.db, id)
    if (!current) throw new AppError('email_channel.not_found')
    await checkTeam(ctx, input.teamId)
    try {
      const row = await repo.updateChannel(ctx.db, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.address !== undefined ? { address: input.address } : {}),
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
        ...(input.teamId !== undefined ? { teamId: input.teamId } : {}),
        ...imapColumns(ctx.box, input.imap, current),
        ...smtpColumns(ctx.box, input.smtp, current),
        ...oauthColumn(ctx.box, input.oauth, current),
        ...(input.smtpReceiverAddresses
          ? { smtpReceiverAddresses: [...new Set(input.smtpReceiverAddresses)] }
          : {}),
        ...(input.acknowledge !== undefined ? { acknowledge: input.acknowledge } : {}),
        ...(input.replyPromiseHours !== undefined ? { replyPromiseHours: input.replyPromiseHours } : {}),
        ...(input.signature ? { signature: input.signature } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        updatedAt: ctx.clock.now(),
      })
      const channel = presentChannel(row!, ctx.box)
      await auditChannel(ctx, 'email_channel.updated', presentChannel(current, ctx.box), channel, input)
      return channel
    } catch (err) {
      if (repo.isAddressTaken(err))
        throw new AppError('email_channel.address_taken', undefined, [
          { pointer: '/body/address', detail: 'taken' },
        ])
      throw err
    }
  })

/** Tries the channel's IMAP and SMTP settings without changing anything. */
export const checkConnection = async (ctx: EmailCtx, id: string): Promise<ConnectionCheck> => {
  authorize(ctx.actor, 'email.manage')
  const row = await repo.findChannel(ctx.db, id)
  if (!row) throw new AppError('email_channel.not_found')
  try {
    const imap = row.imapHost ? await checkImap(ctx.db, row, ctx.box) : null
    let smtp: ConnectionCheck['smtp'] = null
    if (row.smtpHost) {
      let transport: Awaited<ReturnType<ReturnType<typeof smtpTransport>>> | undefined
      try {
        transport = await smtpTransport(ctx.box, ctx.db)(row)
        await transport.verify()
        smtp = { ok: true, detail: 'connected and signed in' }
      } catch (err) {
        smtp = { ok: false, detail: String((err as Error).message).slice(0, 500) }
      } finally {
        transport?.close()
      }
    }
    const failed = [imap, smtp].filter((r) => r && !r.ok).map((r) => r!.detail)
    await repo.recordCheck(
      ctx.db,
      id,
      failed.length ? 'error' : 'ok',
      failed.join('; ') || null,
      ctx.clock.now(),
    )
    return { imap, smtp }
  } catch (err) {
    if (/cannot be read/.test((err as Error).message)) throw new AppError('email_channel.secret_unreadable')
    throw err
  }
}

export const listMessages = async (ctx: EmailCtx, q: InboundMessageQuery) => {
  authorize(ctx.actor, 'email.manage')
  let before: { at: Date; id: string } | undefined
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString().split('|')
    const date = new Date(at ?? '')
    if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id))
      throw new AppError('request.invalid', 'The cursor is invalid.', [
        { pointer: '/query/cursor', detail: 'invalid' },
      ])
    before = { at: date, id }
  }
  const rows = await repo.listInbound(ctx.db, {
    ...(q.channelId ? { channelId: q.channelId } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(before ? { before } : {}),
    limit: q.limit + 1,
  })
  const items = rows.slice(0, q.limit).map(presentInbound)
  const last = rows.length > q.limit ? rows[q.limit - 1]!.message : undefined
  return {
    items,
    nextCursor: last
      ? Buffer.from(`${last.receivedAt.toISOString()}|${last.id}`).toString('base64url')
      : null,
  }
}

export const rawMessage = async (
  ctx: EmailCtx,
  id: string,
): Promise<{ stream: Readable; row: repo.InboundRow }> => {
  authorize(ctx.actor, 'email.manage')
  const row = await repo.findInbound(ctx.db, id)
  if (!row) throw new AppError('email_message.not_found')
  return { stream: await ctx.storage.get(row.rawKey), row }
}

/** Takes a message that could not be processed in again (after a fix or a changed setting). */
export const retryMessage = async (ctx: EmailCtx, id: string) => {
  authorize(ctx.actor, 'email.manage')
  const row = await repo.findInbound(ctx.db, id)
  if (!row) throw new AppError('email_message.not_found')
  if (row.status !== 'failed') throw new AppError('email_message.not_failed')
  const channel = await repo.findChannel(ctx.db, row.channelId)
  if (!channel) throw new AppError('email_channel.not_found')
  const raw = await readObject(ctx.storage, row.rawKey)
  // The failed record gives way to the new attempt; if that fails too, it records the new reason.
  await repo.deleteFailedInbound(ctx.db, id)
  const outcome = await ingestMessage(ctx, channel, raw, { source: row.source as 'imap' | 'smtp' })
  return outcome
}

export const dismissMessage = async (ctx: EmailCtx, id: string) => {
  authorize(ctx.actor, 'email.manage')
  const row = await repo.findInbound(ctx.db, id)
  if (!row) throw new AppError('email_message.not_found')
  if (row.status !== 'failed') throw new AppError('email_message.not_failed')
  await repo.updateInbound(ctx.db, id, { status: 'dismissed' })
}

/** An agent sends a failed reply again; the ticket must be visible to them (else 404). */
export const retryDelivery = (base: Ctx, interactionId: string) =>
  inTransaction(base, async (ctx) => {
    authorize(ctx.actor, 'email.retry_delivery')
    const interaction = await intake.contact(ctx, interactionId)
    const scope = interaction ? await findVisibleTicketScope(ctx, interaction.ticketId) : undefined
    if (!interaction || !scope) throw new AppError('ticket.not_found')
    if (!(await requeueReply(ctx, interactionId))) throw new AppError('email_delivery.not_retryable')
    return interaction.ticketId
  })
