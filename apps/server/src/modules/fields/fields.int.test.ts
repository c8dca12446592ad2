import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { auditRecords } from '../audit/index.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

const api = (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  })

const missingId = '0190a000-0000-7000-8000-000000000000'
const label = (en: string, de = `${en} (de)`) => ({ de, en })
const pointers = (res: { json: () => { errors?: { pointer: string }[] } }) =>
  (res.json().errors ?? []).map((e) => e.pointer)

const auditOf = (id: string) =>
  t.db
    .select()
    .from(auditRecords)
    .where(and(eq(auditRecords.targetType, 'ticket_field'), eq(auditRecords.targetId, id)))
    .orderBy(auditRecords.seq)

describe('ticket field definitions', () => {
  it('lets admins define, change, retire options of and archive fields, each audited', async () => {
    const admin = await t.buildStaff({ role: 'admin', name: 'Ada Admin' })
    const team = await t.buildTeam()
    const created = await api('POST', '/ticket-fields', admin.headers, {
      key: 'return_reason',
      type: 'select',
      label: label('Return reason', 'Rücksendegrund'),
      description: { de: 'Warum der Kunde zurückschickt', en: 'Why the customer sends it back' },
      options: [
        { value: 'damaged', label: label('Damaged', 'Beschädigt') },
        { value: 'too_small', label: label('Too small', 'Zu klein') },
      ],
      required: 'teams',
      requiredTeamIds: [team.id],
    })
    expect(created.statusCode).toBe(201)
    const field = created.json()
    expect(field).toMatchObject({
      key: 'return_reason',
      type: 'select',
      label: { de: 'Rücksendegrund', en: 'Return reason' },
      options: [
        { value: 'damaged', label: { de: 'Beschädigt', en: 'Damaged' }, retired: false },
        { value: 'too_small', label: { de: 'Zu klein', en: 'Too small' }, retired: false },
      ],
      min: null,
      max: null,
      required: 'teams',
      requiredTeamIds: [team.id],
      archived: false,
    })

    const updated = await api('PATCH', `/ticket-fields/${field.id}`, admin.headers, {
      label: label('Reason for return', 'Rücksendegrund'),
      options: [
        { value: 'damaged', label: label('Damaged', 'Beschädigt') },
        { value: 'too_small', label: label('Too small', 'Zu klein'), retired: true },
        { value: 'wrong_item', label: label('Wrong item', 'Falscher Artikel') },
      ],
      required: 'all',
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json()).toMatchObject({ required: 'all', requiredTeamIds: [] })
    expect(updated.json().options.map((o: { retired: boolean }) => o.retired)).toEqual([false, true, false])

    const archived = await api('PATCH', `/ticket-fields/${field.id}`, admin.headers, { archived: true })
    expect(archived.json().archived).toBe(true)

    const records = await auditOf(field.id)
    expect(records.map((r) => r.action)).toEqual([
      'ticket_field.created',
      'ticket_field.updated',
      'ticket_field.archived',
    ])
    expect(records[0]).toMatchObject({ actorId: admin.id, targetLabel: 'return_reason', before: null })
    expect(records[0]!.after).toMatchObject({ key: 'return_reason', required: 'teams' })
    expect(records[1]!.before).toEqual({
      label: { de: 'Rücksendegrund', en: 'Return reason' },
      options: field.options,
      required: 'teams',
      requiredTeamIds: [team.id],
    })
    expect(records[1]!.after).toMatchObject({ required: 'all', requiredTeamIds: [] })
    expect(records[2]).toMatchObject({ before: { archived: false }, after: { archived: true } })

    // Restoring brings it back; a no-op change writes no record.
    await api('PATCH', `/ticket-fields/${field.id}`, admin.headers, { archived: false })
    await api('PATCH', `/ticket-fields/${field.id}`, admin.headers, { required: 'all' })
    expect((await auditOf(field.id)).map((r) => r.action).slice(3)).toEqual(['ticket_field.restored'])
  })

  it('shows staff the fields in use in their order, archived ones only to admins', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const agent = await t.buildStaff()
    const make = async (key: string) =>
      (await api('POST', '/ticket-fields', admin.headers, { key, type: 'text', label: label(key) })).json()
    const a = await make('order_a')
    const b = await make('order_b')
    const c = await make('order_c')
    expect(b.position).toBeGreaterThan(a.position)
    await api('PATCH', `/ticket-fields/${b.id}`, admin.headers, { archived: true })

    const list = await api('GET', '/ticket-fields', agent.headers)
    expect(list.statusCode).toBe(200)
    const keys = list.json().map((f: { key: string }) => f.key)
    expect(keys).toContain('order_a')
    expect(keys).not.toContain('order_b')
    expect((await api('GET', `/ticket-fields/${a.id}`, agent.headers)).statusCode).toBe(200)
    // Hidden from agents: as missing as a field that never was.
    const hidden = await api('GET', `/ticket-fields/${b.id}`, agent.headers)
    expect(hidden.statusCode).toBe(404)
    expect(hidden.json().code).toBe('field.not_found')
    expect((await api('GET', `/ticket-fields/${missingId}`, agent.headers)).statusCode).toBe(404)
    expect((await api('GET', '/ticket-fields/not-a-uuid', agent.headers)).statusCode).toBe(400)
    expect((await api('GET', '/ticket-fields?archived=true', agent.headers)).statusCode).toBe(403)
    const all = await api('GET', '/ticket-fields?archived=true', admin.headers)
    expect(all.json().map((f: { key: string }) => f.key)).toContain('order_b')
    expect((await api('GET', `/ticket-fields/${b.id}`, admin.headers)).json().archived).toBe(true)

    // Reorder: every field in use once.
    const inUse = list.json().map((f: { id: string }) => f.id) as string[]
    const reversed = [...inUse].reverse()
    const reordered = await api('PUT', '/ticket-fields/order', admin.headers, { ids: reversed })
    expect(reordered.statusCode).toBe(200)
    expect(reordered.json().map((f: { id: string }) => f.id)).toEqual(reversed)
    expect(
      (await api('GET', '/ticket-fields', agent.headers)).json().map((f: { id: string }) => f.id),
    ).toEqual(reversed)
    const incomplete = await api('PUT', '/ticket-fields/order', admin.headers, { ids: [c.id] })
    expect(incomplete.statusCode).toBe(400)
    expect(pointers(incomplete)).toEqual(['/body/ids'])
    const twice = await api('PUT', '/ticket-fields/order', admin.headers, { ids: [...reversed, c.id] })
    expect(pointers(twice)).toContain(`/body/ids/${reversed.length}`)
    const foreign = await api('PUT', '/ticket-fields/order', admin.headers, { ids: [...reversed, b.id] })
    expect(pointers(foreign)).toContain(`/body/ids/${reversed.length}`)
    const [record] = await t.db
      .select()
      .from(auditRecords)
      .where(eq(auditRecords.action, 'ticket_field.reordered'))
    expect(record?.after).toMatchObject({ order: expect.arrayContaining(['order_a', 'order_c']) })
  })

  it('refuses writes by agents and supervisors, and callers who are not signed in', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const field = (
      await api('POST', '/ticket-fields', admin.headers, {
        key: 'locked_down',
        type: 'checkbox',
        label: label('x'),
      })
    ).json()
    for (const role of ['agent', 'supervisor'] as const) {
      const who = await t.buildStaff({ role })
      const create = await api('POST', '/ticket-fields', who.headers, {
        key: `by_${role}`,
        type: 'text',
        label: label('x'),
      })
      expect(create.statusCode, role).toBe(403)
      expect(create.json().code).toBe('auth.forbidden')
      expect(
        (await api('PATCH', `/ticket-fields/${field.id}`, who.headers, { archived: true })).statusCode,
      ).toBe(403)
      expect((await api('PUT', '/ticket-fields/order', who.headers, { ids: [field.id] })).statusCode).toBe(
        403,
      )
    }
    expect((await api('GET', '/ticket-fields', {})).statusCode).toBe(401)
    expect(
      (await api('POST', '/ticket-fields', {}, { key: 'x', type: 'text', label: label('x') })).statusCode,
    ).toBe(401)
    expect((await api('GET', `/ticket-fields/${field.id}`, admin.headers)).json().archived).toBe(false)
  })

  it('rejects bad definitions with a pointer each and saves nothing', async () => {
    const admin = await t.buildStaff({ role: 'admin' })
    const option = { value: 'a', label: label('A') }
    const cases: [unknown, string, string?][] = [
      [{ type: 'text', label: label('x') }, '/body/key'],
      [{ key: 'Order No', type: 'text', label: label('x') }, '/body/key'],
      [{ key: 'order-no', type: 'text', label: label('x') }, '/body/key'],
      [{ key: '9lives', type: 'text', label: label('x') }, '/body/key'],
      [{ key: 'ok_key', type: 'colour', label: label('x') }, '/body/type'],
      [{ key: 'ok_key', type: 'text' }, '/body/label'],
      [{ key: 'ok_key', type: 'text', label: { de: 'x' } }, '/body/label/en'],
      [{ key: 'ok_key', type: 'text', label: { de: '', en: 'x' } }, '/body/label/de'],
      [{ key: 'ok_key', type: 'select', label: label('x') }, '/body/options'],
      [{ key: 'ok_key', type: 'text', label: label('x'), options: [option] }, '/body/options'],
      [
        { key: 'ok_key', type: 'select', label: label('x'), options: [option, option] },
        '/body/options/1/value',
      ],
      [
        {
          key: 'ok_key',
          type: 'select',
          label: label('x'),
          options: [{ value: 'Bad Value', label: label('B') }],
        },
        '/body/options/0/value',
      ],
      [{ key: 'ok_key', type: 'number', label: label('x'), min: 10, max: 1 }, '/body/max'],
      [{ key: 'ok_key', type: 'text', label: label('x'), min: 1 }, '/body/min'],
      [{ key: 'ok_key', type: 'text', label: label('x'), required: 'teams' }, '/body/requiredTeamIds'],
      [{ key: 'ok_key', type: 'text', label: label('x'), required: 'sometimes' }, '/body/required'],
      [
        { key: 'ok_key', type: 'text', label: label('x'), required: 'teams', requiredTeamIds: [missingId] },
        '/body/requiredTeamIds/0',
        'team.not_found',
      ],
      [{ key: 'ok_key', type: 'text', label: label('x'), archived: true }, '/body'],
    ]
    for (const [payload, pointer, code] of cases) {
      const res = await api('POST', '/ticket-fields', admin.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(code === 'team.not_found' ? 404 : 400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().code, JSON.stringify(payload)).toBe(code ?? 'request.invalid')
      expect(pointers(res).join(' '), JSON.stringify(payload)).toContain(pointer)
    }
    expect(
      (await api('GET', '/ticket-fields?archived=true', admin.headers))
        .json()
        .some((f: { key: string }) => f.key === 'ok_key'),
    ).toBe(false)

    // Keys are taken for good, archived fields included.
    const first = (
      await api('POST', '/ticket-fields', admin.headers, { key: 'kept_key', type: 'text', label: label('x') })
    ).json()
    await api('PATCH', `/ticket-fields/${first.id}`, admin.headers, { archived: true })
    const again = await api('POST', '/ticket-fields', admin.headers, {
      key: 'kept_key',
      type: 'date',
      label: label('y'),
    })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'field.key_taken', errors: [{ pointer: '/body/key' }] })

    // Updates: key and type stay, options are retired rather than removed, ids are checked.
    const select = (
      await api('POST', '/ticket-fields', admin.headers, {
        key: 'channel_hint',
        type: 'select',
        label: label('x'),
        options: [option, { value: 'b', label: label('B') }],
      })
    ).json()
    const updates: [unknown, string][] = [
      [{ key: 'renamed' }, '/body'],
      [{ type: 'text' }, '/body'],
      [{ options: [option] }, '/body/options'],
      [{ min: 1 }, '/body/min'],
      [{ required: 'teams' }, '/body/requiredTeamIds'],
    ]
    for (const [payload, pointer] of updates) {
      const res = await api('PATCH', `/ticket-fields/${select.id}`, admin.headers, payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(pointers(res).join(' ')).toContain(pointer)
    }
    expect(
      (await api('PATCH', `/ticket-fields/${missingId}`, admin.headers, { archived: true })).statusCode,
    ).toBe(404)
    expect((await api('PATCH', '/ticket-fields/nope', admin.headers, { archived: true })).statusCode).toBe(
      400,
    )
    expect((await auditOf(select.id)).map((r) => r.action)).toEqual(['ticket_field.created'])
  })
})
