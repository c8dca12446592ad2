import { sql } from 'drizzle-orm'
import { seedDemo } from '../modules/demo/index.ts'
import { createStaff } from '../modules/staff/index.ts'
import { type Ctx, inTransaction } from '../platform/context.ts'

/** The account created on first start; its password is generated and shown once. */
export const FIRST_ADMIN_EMAIL = 'admin@tresen.local'

// One advisory lock key, so that two servers starting at once do not both create the first admin.
const BOOTSTRAP_LOCK = 7_110_452

export type FirstStart = {
  email: string
  password: string
  demo: Awaited<ReturnType<typeof seedDemo>>
}

/**
 * On a database without any staff user: creates the first admin and the demo company, in one
 * transaction. Returns the admin's credentials to show once, or undefined when there was staff.
 * `show` gets them just before the commit: a crash right after the commit must not lose the one
 * moment the password is shown (a crash before it rolls everything back, and the next start
 * shows new ones).
 */
export const bootstrapFirstStart = (ctx: Ctx, show?: (first: FirstStart) => void) =>
  inTransaction(ctx, async (ctx) => {
    await ctx.db.execute(sql`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`)
    const res = await ctx.db.execute<{ any: boolean }>(
      sql`SELECT EXISTS (SELECT 1 FROM staff_users) AS "any"`,
    )
    if (res.rows[0]?.any) return undefined
    const { staff, generatedPassword } = await createStaff(ctx, {
      name: 'Administrator',
      email: FIRST_ADMIN_EMAIL,
      role: 'admin',
      language: 'en',
      teams: [],
    })
    const demo = await seedDemo(ctx)
    const first: FirstStart = { email: staff.email, password: generatedPassword!, demo }
    show?.(first)
    return first
  })
