#!/usr/bin/env node
// The `tresen` command. The server is TypeScript run directly: register tsx, then hand over to the CLI.
import { register } from 'tsx/esm/api'

register()
await import('../apps/server/src/main.ts')
