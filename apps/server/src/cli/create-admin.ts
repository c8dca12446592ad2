import { CreateStaffInput } from '@tresen/contract'
import type { Command } from 'commander'
import { createStaff, findStaffByEmail } from '../modules/staff/index.ts'
import { box, CliError, EXIT, readConfig, readStdin, withRuntime } from './common.ts'
import { cliContext } from './context.ts'
import { parseNonEmpty } from './options.ts'

type CreateAdminOptions = { email: string; name?: string; passwordStdin?: boolean }

/** `tresen create-admin`: creates an admin account; prints the password once when it was generated. */
export const createAdmin = async (opts: CreateAdminOptions) => {
  const password = opts.passwordStdin ? await readStdin() : undefined
  const parsed = CreateStaffInput.safeParse({
    name: opts.name ?? 'Administrator',
    email: opts.email,
    role: 'admin',
    language: 'en',
    ...(password !== undefined ? { password } : {}),
  })
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      i.path[0] === 'password'
        ? 'the password from stdin must have 12 to 256 characters'
        : `--${String(i.path[0])}: ${i.message}`,
    )
    throw new CliError(problems.join('; '), EXIT.usage)
  }
  const config = readConfig()
  await withRuntime(config, {}, async (runtime) => {
    const ctx = cliContext(runtime)
    if (await findStaffByEmail(ctx.db, parsed.data.email)) {
      throw new CliError(`a user with the email ${parsed.data.email} already exists`)
    }
    const { staff, generatedPassword } = await createStaff(ctx, parsed.data)
    if (generatedPassword) {
      process.stdout.write(
        `${box([
          `Created the admin ${staff.email}.`,
          `Password: ${generatedPassword}`,
          'This password is shown only now.',
        ])}\n`,
      )
    } else {
      process.stdout.write(`Created the admin ${staff.email}.\n`)
    }
  })
}

export const registerCreateAdmin = (program: Command) =>
  program
    .command('create-admin')
    .description('create an admin account')
    .requiredOption('--email <email>', 'sign-in email address', parseNonEmpty)
    .option('--name <name>', 'display name (default: Administrator)', parseNonEmpty)
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(createAdmin)
