/**
 * The `tresen` command: `start` runs the server; the other commands do one job and exit.
 * bin/tresen.mjs loads this file through tsx.
 */
import { runCli } from './cli/program.ts'

const code = await runCli(process.argv)
const command = process.argv[2]
if (command !== 'start' || code !== 0) {
  // Short commands exit explicitly, so that a stray handle of a library cannot keep them alive.
  process.exit(code)
}
