import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { auditRecords } from '../../schema.ts'

let t: TestApp
let admin: Awaited<ReturnType<TestApp['buildStaff']>>
let agent: Awaited<ReturnType<TestApp['buildStaff']>>
beforeAll(async () => {
  t = await startTestApp()
  admin = await t.buildStaff({ role: 'admin', name: 'Ada Admin' })
  agent = await t.buildStaff({ role: 'agent' })
})
afterAll(() => t.close())

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...headers, 'user-agent': 'audit-test/1.0' },
    ...(payload === undefined ? {} : { payload }),
  })

type Record_ = {
  seq: number
  at: string
  actorId: string | null
  actorLabel: string
  action: string
  targetType: string
  targetId: string | null
  targetLabel: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  ip: string | null
  userAgent: string | null
  requestId: string | null
}

const recordsFor = async (targetId: string) => {
  const res = await call('GET', `/audit?targetId=${targetId}&limit=200`, admin.headers)
  expect(res.statusCode).toBe(200)
  return (res.json().items as Record_[]).reverse()
}

describe('audit log: what is recorded', () => {
  it('records creating, changing and deactivating a user with before/after, who, when and from where, never the password', async () => {
    const team = await t.buildTeam()
    const created = await call('POST', '/users', admin.headers, {
      name: 'Nina Neu',
      email: `${unique('nina')}@example.test`,
      role: 'agent',
      language: 'de',
      password: 'a-very-secret-password',
      teams: [{ teamId: team.id, role: 'member' }],
    })
    expect(created.statusCode).toBe(201)
    const id = created.json().id as string
    expect((await call('PATCH', `/users/${id}`, admin.headers, { role: 'supervisor' })).statusCode).toBe(200)
    expect(
      (await call('PATCH', `/users/${id}`, admin.headers, { password: 'another-secret-password' }))
        .statusCode,
    ).toBe(200)
    expect((await call('DELETE', `/users/${id}`, admin.headers)).statusCode).toBe(204)

    const records = await recordsFor(id)
    expect(records.map((r) => r.action)).toEqual([
      'staff.created',
      'staff.updated',
      'staff.updated',
      'staff.deactivated',
    ])
    const [create, promote, password, deactivate] = records
    expect(create).toMatchObject({
      actorId: admin.id,
      actorLabel: `Ada Admin <${admin.email}>`,
      targetType: 'staff',
      targetLabel: expect.stringContaining('Nina Neu'),
      before: null,
      after: { name: 'Nina Neu', role: 'agent', language: 'de', password: '[changed]' },
      ip: '127.0.0.1',
      userAgent: 'audit-test/1.0',
    })
    expect(create!.requestId).toBeTruthy()
    expect(create!.after!.teams).toEqual([`${team.name} (member)`])
    expect(promote).toMatchObject({ before: { role: 'agent' }, after: { role: 'supervisor' } })
    expect(password).toMatchObject({ before: { password: '[changed]' }, after: { password: '[changed]' } })
    expect(deactivate).toMatchObject({ before: { active: true }, after: { active: false } })
    const everything = JSON.stringify(records)
    expect(everything).not.toContain('a-very-secret-password')
    expect(everything).not.toContain('another-secret-password')
  })

  it('records team changes and memberships', async () => {
    const member = await t.buildStaff()
    const res = await call('POST', '/teams', admin.headers, {
      name: unique('Versand '),
      description: 'Pakete',
    })
    expect(res.statusCode).toBe(201)
    const team = res.json() as { id: string; name: string }
    await call('PATCH', `/teams/${team.id}`, admin.headers, { description: 'Pakete und Retouren' })
    await call('PATCH', `/teams/${team.id}`, admin.headers, { description: 'Pakete und Retouren' })
    await call('PUT', `/teams/${team.id}/members/${member.id}`, admin.headers, { role: 'member' })
    await call('PUT', `/teams/${team.id}/members/${member.id}`, admin.headers, { role: 'supervisor' })
    await call('DELETE', `/teams/${team.id}/members/${member.id}`, admin.headers)
    expect((await call('DELETE', `/teams/${team.id}`, admin.headers)).statusCode).toBe(204)

    const records = await recordsFor(team.id)
    // The second PATCH changed nothing and leaves no record.
    expect(records.map((r) => r.action)).toEqual([
      'team.created',
      'team.updated',
      'team.member_added',
      'team.member_role_changed',
      'team.member_removed',
      'team.archived',
    ])
    expect(records[1]).toMatchObject({
      before: { description: 'Pakete' },
      after: { description: 'Pakete und Retouren' },
    })
    expect(records[3]).toMatchObject({
      before: { member: member.email, role: 'member' },
      after: { member: member.email, role: 'supervisor' },
    })
  })

  it("records an email channel's settings and that a secret changed, never the secret", async () => {
    const created = await call('POST', '/email/channels', admin.headers, {
      name: 'Service',
      address: `${unique('service')}@shop.example`,
      imap: {
        host: 'imap.shop.example',
        port: 993,
        security: 'tls',
        user: 'service',
        secret: 'imap-pass-123',
      },
    })
    expect(created.statusCode).toBe(201)
    const id = created.json().id as string
    await call('PATCH', `/email/channels/${id}`, admin.headers, {
      name: 'Kundenservice',
      imap: {
        host: 'imap.shop.example',
        port: 993,
        security: 'tls',
        user: 'service',
        secret: 'imap-pass-456',
      },
    })
    const records = await recordsFor(id)
    expect(records.map((r) => r.action)).toEqual(['email_channel.created', 'email_channel.updated'])
    expect(records[0]!.after).toMatchObject({ name: 'Service', imapSecret: '[changed]' })
    expect(records[1]).toMatchObject({
      before: { name: 'Service', imapSecret: '[changed]' },
      after: { name: 'Kundenservice', imapSecret: '[changed]' },
    })
    expect(JSON.stringify(records)).not.toMatch(/imap-pass/)
  })

  it('writes no record when the change fails', async () => {
    const before = (await call('GET', '/audit?limit=1', admin.headers)).json().total as number
    const taken = await call('POST', '/users', admin.headers, {
      name: 'Doppelt',
      email: agent.email,
      role: 'agent',
      language: 'de',
      teams: [],
    })
    expect(taken.statusCode).toBe(409)
    expect((await call('GET', '/audit?limit=1', admin.headers)).json().total).toBe(before)
  })

  it('cannot be changed or deleted, not even with SQL', async () => {
    await t.buildTeam()
    await call('POST', '/teams', admin.headers, { name: unique('Unveränderlich ') })
    const refused = { cause: { message: 'audit records cannot be changed or deleted' } }
    await expect(t.db.update(auditRecords).set({ action: 'forged' })).rejects.toMatchObject(refused)
    await expect(t.db.delete(auditRecords)).rejects.toMatchObject(refused)
    await expect(t.db.execute('TRUNCATE audit_records')).rejects.toMatchObject(refused)
  })
})

describe('audit log: reading and searching (admins)', () => {
  it('is for admins only', async () => {
    expect((await call('GET', '/audit', agent.headers)).statusCode).toBe(403)
    expect((await call('GET', '/audit/export.csv', agent.headers)).statusCode).toBe(403)
    const supervisor = await t.buildStaff({ role: 'supervisor' })
    expect((await call('GET', '/audit', supervisor.headers)).statusCode).toBe(403)
    expect((await t.app.inject('/api/v1/audit')).statusCode).toBe(401)
  })

  it('filters by text, action family, actor and time, and pages newest first', async () => {
    const marker = unique('Suchteam')
    for (let i = 0; i < 3; i++) await call('POST', '/teams', admin.headers, { name: `${marker} ${i}` })
    const byText = await call('GET', `/audit?q=${encodeURIComponent(marker)}`, admin.headers)
    expect(byText.json().items.map((r: Record_) => r.targetLabel)).toEqual([
      `${marker} 2`,
      `${marker} 1`,
      `${marker} 0`,
    ])
    expect(byText.json().total).toBe(3)

    const first = await call('GET', `/audit?q=${encodeURIComponent(marker)}&limit=2`, admin.headers)
    expect(first.json().items).toHaveLength(2)
    const cursor = first.json().nextCursor as string
    expect(cursor).toMatch(/^\d+$/)
    const second = await call(
      'GET',
      `/audit?q=${encodeURIComponent(marker)}&limit=2&cursor=${cursor}`,
      admin.headers,
    )
    expect(second.json().items.map((r: Record_) => r.targetLabel)).toEqual([`${marker} 0`])
    expect(second.json().nextCursor).toBeNull()

    const family = await call('GET', `/audit?action=team.&actorId=${admin.id}&limit=200`, admin.headers)
    expect(family.json().items.every((r: Record_) => r.action.startsWith('team.'))).toBe(true)
    expect(family.json().items.every((r: Record_) => r.actorId === admin.id)).toBe(true)

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    expect((await call('GET', `/audit?from=${tomorrow}`, admin.headers)).json().total).toBe(0)
    const today = new Date().toISOString().slice(0, 10)
    expect(
      (await call('GET', `/audit?q=${encodeURIComponent(marker)}&to=${today}`, admin.headers)).json().total,
    ).toBe(3)
    // Wildcards in the text are taken literally.
    expect((await call('GET', '/audit?q=%25%25%25', admin.headers)).json().total).toBe(0)
  })

  it('refuses bad filters with a pointer to the field', async () => {
    for (const query of [
      'cursor=abc',
      'limit=0',
      'limit=1000',
      'from=yesterday',
      'actorId=not-a-uuid',
      'action=DROP%20TABLE',
    ]) {
      const res = await call('GET', `/audit?${query}`, admin.headers)
      expect(res.statusCode, query).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().errors[0].pointer, query).toMatch(/^\/querystring\//)
    }
  })
})

describe('audit log: CSV export', () => {
  it('exports the filtered log with formulas defused, in English and German', async () => {
    const evil = ['=HYPERLINK("http://evil.example","x")', '+SUM(1;2)', '-2+3', '@cmd']
    const marker = unique('csv')
    for (const name of evil) {
      expect((await call('POST', '/teams', admin.headers, { name: `${name} ${marker}` })).statusCode).toBe(
        201,
      )
    }
    const res = await call('GET', `/audit/export.csv?q=${marker}`, admin.headers)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="tresen-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    expect(res.body.startsWith('\uFEFF')).toBe(true)
    const parsed = Papa.parse<string[]>(res.body.slice(1).trim(), { delimiter: ',' })
    const [header, ...rows] = parsed.data
    expect(header).toEqual([
      'Time (UTC)',
      'Who',
      'Action',
      'Record type',
      'Record id',
      'Record',
      'Before',
      'After',
      'Address',
      'Browser',
      'Request id',
    ])
    expect(rows).toHaveLength(evil.length)
    const labels = rows.map((r) => r[5]!)
    for (const name of evil) expect(labels).toContain(`'${name} ${marker}`)
    // No cell of the file starts with a character a spreadsheet would run.
    for (const row of rows) for (const cell of row) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/)
    expect(rows[0]![2]).toBe('team.created')
    expect(JSON.parse(rows[0]![7]!.replace(/^'/, ''))).toMatchObject({
      name: `'${evil.at(-1)} ${marker}`.slice(1),
    })

    const de = await call('GET', `/audit/export.csv?q=${marker}&lang=de`, admin.headers)
    const deRows = Papa.parse<string[]>(de.body.slice(1).trim(), { delimiter: ';' }).data
    expect(deRows[0]!.slice(0, 3)).toEqual(['Zeit (UTC)', 'Wer', 'Aktion'])
    expect(deRows).toHaveLength(evil.length + 1)
  })

  it('exports more than one batch completely and in order', async () => {
    const marker = unique('viele')
    const ctx = t.ctxAs()
    const { recordAudit } = await import('./index.ts')
    for (let i = 0; i < 1205; i++) {
      await recordAudit(ctx, {
        action: 'setting.changed',
        targetType: 'setting',
        targetLabel: `${marker}-${i}`,
      })
    }
    const res = await call('GET', `/audit/export.csv?q=${marker}`, admin.headers)
    const rows = Papa.parse<string[]>(res.body.slice(1).trim()).data.slice(1)
    expect(rows).toHaveLength(1205)
    expect(rows[0]![5]).toBe(`${marker}-1204`)
    expect(rows.at(-1)![5]).toBe(`${marker}-0`)
  })
})
