import type { Command } from 'commander'
import { seedDemo } from '../modules/demo/index.ts'
import { inTransaction } from '../platform/context.ts'
import { readConfig, withRuntime } from './common.ts'
import { cliContext } from './context.ts'

/** `tresen seed-demo`: adds the demo company unless it is there already. */
export const seedDemoData = async () => {
  const config = readConfig()
  await withRuntime(config, {}, async (runtime) => {
    const result = await inTransaction(cliContext(runtime), (ctx) => seedDemo(ctx))
    if (!result.seeded) {
      process.stdout.write('The demo data is already there; nothing to do.\n')
      return
    }
    const c = result.counts
    process.stdout.write(
      `Added the demo company: ${c.teams} teams, ${c.staff} staff, ${c.organizations} organizations, ${c.customers} customers, ${c.tickets} tickets, ${c.fields} ticket fields, ${c.textModules} text modules, ${c.macros} macros.\n` +
        `Demo staff (${result.staffEmails.join(', ')}) sign in with the password ${result.staffPassword}\n`,
    )
  })
}

export const registerSeedDemo = (program: Command) =>
  program
    .command('seed-demo')
    .description('add a demo company (teams, staff, customers, tickets); does nothing when present')
    .action(seedDemoData)
