import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { Catalog } from './catalog-types.js'

export const catalogs = pgTable('catalogs', {
  id: uuid('id').primaryKey(),
  key: text('key').notNull(),
  version: text('version').notNull(),
  titleJa: text('title_ja').notNull(),
  titleEn: text('title_en').notNull(),
  content: jsonb('content').$type<Catalog>().notNull(),
  digest: text('digest').notNull(),
  loadedAt: timestamp('loaded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

export const catalogItems = pgTable(
  'catalog_items',
  {
    catalogId: uuid('catalog_id').notNull(),
    ref: text('ref').notNull(),
    position: integer('position').notNull(),
    sectionRef: text('section_ref').notNull(),
    topSectionRef: text('top_section_ref').notNull(),
    class: text('class', { enum: ['basic', 'desirable'] }).notNull(),
    sectors: text('sectors').array(),
    sizes: text('sizes').array(),
  },
  (t) => [primaryKey({ columns: [t.catalogId, t.ref] })],
)
