import type { Command } from 'commander'
import { createApiToken } from '../modules/auth/index.ts'
import { findStaffByEmail } from '../modules/staff/index.ts'
import { CliError, readConfig, withRuntime } from './common.ts'
import { cliContext } from './context.ts'
import { parseNonEmpty } from './options.ts'

type CreateTokenOptions = { email: string; name: string }

/** `tresen create-token`: creates a personal API token for a staff user and prints it once. */
export const createToken = async (opts: CreateTokenOptions) => {
  const config = readConfig()
  await withRuntime(config, {}, async (runtime) => {
    const ctx = cliContext(runtime)
    const staff = await findStaffByEmail(ctx.db, opts.email)
    if (!staff) throw new CliError(`no user with the email ${opts.email}`)
    if (!staff.active) throw new CliError(`the user ${staff.email} is deactivated`)
    const { token } = await createApiToken(ctx, staff.id, opts.name)
    // The token alone on stdout, so that scripts can capture it; the hint goes to stderr.
    process.stdout.write(`${token}\n`)
    process.stderr.write(
      `Created the API token "${opts.name}" for ${staff.email}. It is shown only now; use it as "Authorization: Bearer <token>".\n`,
    )
  })
}

export const registerCreateToken = (program: Command) =>
  program
    .command('create-token')
    .description('create a personal API token for a user and print it once')
    .requiredOption('--email <email>', 'email address of the user', parseNonEmpty)
    .requiredOption('--name <name>', 'what the token is for, e.g. "monitoring"', parseNonEmpty)
    .action(createToken)
