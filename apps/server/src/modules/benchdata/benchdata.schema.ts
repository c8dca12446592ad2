import type pg from 'pg'

/**
 * Secondary indexes and foreign keys of the tables a bulk load fills. Loading into a table
 * without them and rebuilding them once afterwards is many times faster than maintaining them
 * row by row. They are saved from the catalog (`pg_indexes.indexdef`, `pg_get_constraintdef`)
 * and recreated with exactly the same names and definitions.
 */

/** The tables whose secondary indexes and foreign keys are dropped during a load. */
export const BULK_TABLES = [
  'customers',
  'customer_emails',
  'customer_phones',
  'tickets',
  'interactions',
  'ticket_events',
] as const

export type SavedIndex = { table: string; name: string; definition: string; kind: string }
export type SavedForeignKey = { table: string; name: string; definition: string }

/** Secondary indexes (not backing a primary key or constraint) of the given tables. */
export const secondaryIndexes = async (client: pg.ClientBase, tables: readonly string[]) => {
  const { rows } = await client.query<SavedIndex>(
    `SELECT i.tablename AS table, i.indexname AS name, i.indexdef AS definition, am.amname AS kind
       FROM pg_indexes i
       JOIN pg_class c ON c.relname = i.indexname
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
       JOIN pg_am am ON am.oid = c.relam
      WHERE i.schemaname = current_schema()
        AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
      ORDER BY i.tablename, i.indexname`,
    [tables],
  )
  return rows
}

/** Foreign keys declared on the given tables (the referencing side). */
export const foreignKeys = async (client: pg.ClientBase, tables: readonly string[]) => {
  const { rows } = await client.query<SavedForeignKey>(
    `SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ANY($1) AND k.contype = 'f'
      ORDER BY c.relname, k.conname`,
    [tables],
  )
  return rows
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

export const dropIndexSql = (index: SavedIndex) => `DROP INDEX ${ident(index.name)}`
export const dropForeignKeySql = (fk: SavedForeignKey) =>
  `ALTER TABLE ${ident(fk.table)} DROP CONSTRAINT ${ident(fk.name)}`
/** Added without checking, then validated: validation needs only a light lock on the other table. */
export const addForeignKeySql = (fk: SavedForeignKey) =>
  `ALTER TABLE ${ident(fk.table)} ADD CONSTRAINT ${ident(fk.name)} ${fk.definition} NOT VALID`
export const validateForeignKeySql = (fk: SavedForeignKey) =>
  `ALTER TABLE ${ident(fk.table)} VALIDATE CONSTRAINT ${ident(fk.name)}`
