/**
 * The `tresen` command: `start` runs the server; the other commands do one job and exit.
 * bin/tresen.mjs runs it built (apps/server/dist) or, when that is out of date, through tsx.
 */
import { runCli } from './cli/program.ts'

const code = await runCli(process.argv)
const command = process.argv[2]
if (command !== 'start' || code !== 0) {
  // Short commands exit explicitly, so that a stray handle of a library cannot keep them alive.
  process.exit(code)
}
