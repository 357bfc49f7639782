// Every table of every module, for Drizzle's typed queries. Migrations (migrations/*.sql) are the
// source of truth for the database; these definitions must match them.
export * from '../modules/identity/schema.js'
export * from '../modules/audit/schema.js'
export * from '../modules/catalog/schema.js'
export * from '../modules/assessment/schema.js'
export * from '../modules/ledger/schema.js'
export * from '../modules/incident/schema.js'
export * from '../modules/notification/schema.js'
export * from '../modules/supervision/schema.js'
export * from '../modules/custody/schema.js'
export * from '../modules/intel/schema.js'
