import type { SavedView } from '@tresen/contract'
import type { SavedViewRow } from './views.repository.ts'

export const presentSavedView = (row: SavedViewRow): SavedView => ({
  id: row.id,
  name: row.name,
  query: row.query,
})
