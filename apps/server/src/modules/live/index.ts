/** Live updates: desk events streamed to signed-in staff over a WebSocket. */
export { CLOSE_SESSION_ENDED, LIVE_PATH, type LiveOptions, livePlugin } from './live.plugin.ts'
