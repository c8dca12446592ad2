import { Command, CommanderError } from 'commander'
import { describeFailure, EXIT, reportFailure } from './common.ts'
import { registerCreateAdmin } from './create-admin.ts'
import { registerCreateToken } from './create-token.ts'
import { registerDoctor } from './doctor.ts'
import { registerMigrate } from './migrate.ts'
import { registerSeedBench } from './seed-bench.ts'
import { registerSeedDemo } from './seed-demo.ts'
import { registerStart } from './start.ts'

/** The `tresen` command line. */
export const buildProgram = () => {
  const program = new Command('tresen')
    .description('Tresen: a self-hosted customer service desk')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    // Errors end the program through runCli, which chooses the exit code.
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ outputError: (str, write) => write(`tresen: ${str.replace(/^error: /, '')}`) })
  registerStart(program)
  registerMigrate(program)
  registerCreateAdmin(program)
  registerCreateToken(program)
  registerSeedDemo(program)
  registerSeedBench(program)
  registerDoctor(program)
  program.addHelpText(
    'after',
    '\nConfiguration comes from environment variables (see the README). Exit codes: 0 ok, 1 failed, 2 bad arguments or configuration, 3 PostgreSQL unreachable or port in use.',
  )
  return program
}

/** Runs the CLI and returns the exit code; long-running commands (start) resolve once they run. */
export const runCli = async (argv: string[]): Promise<number> => {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok
      return EXIT.usage
    }
    const failure = describeFailure(err)
    reportFailure(failure.message)
    return failure.exitCode
  }
}
