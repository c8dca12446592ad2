import type { TicketField } from '@tresen/contract'
import type { TicketFieldRow } from './fields.repository.ts'
import type { FieldDef } from './fields.values.ts'

export const presentField = (row: TicketFieldRow): TicketField => ({
  id: row.id,
  key: row.key,
  type: row.type,
  label: { de: row.labelDe, en: row.labelEn },
  description: { de: row.descriptionDe, en: row.descriptionEn },
  options: row.options,
  min: row.min,
  max: row.max,
  position: row.position,
  required: row.required,
  requiredTeamIds: row.requiredTeamIds,
  archived: row.archivedAt !== null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

/** What the value rules need of a row. */
export const toDef = (row: TicketFieldRow): FieldDef => ({
  key: row.key,
  type: row.type,
  label: { de: row.labelDe, en: row.labelEn },
  options: row.options,
  min: row.min,
  max: row.max,
  required: row.required,
  requiredTeamIds: row.requiredTeamIds,
  archived: row.archivedAt !== null,
})
