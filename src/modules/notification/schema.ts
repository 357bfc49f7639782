import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

// Tables of in-app notifications (migrations/0006_supervision.sql is the source of truth).

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const notifications = pgTable('notifications', {
  id: uuid('id').primaryKey(),
  orgId: uuid('org_id').notNull(),
  kind: text('kind').notNull(),
  titleJa: text('title_ja').notNull(),
  titleEn: text('title_en').notNull(),
  bodyJa: text('body_ja').notNull().default(''),
  bodyEn: text('body_en').notNull().default(''),
  link: text('link'),
  createdAt: ts('created_at').notNull(),
})

export const notificationReads = pgTable(
  'notification_reads',
  {
    notificationId: uuid('notification_id').notNull(),
    userId: uuid('user_id').notNull(),
    readAt: ts('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.userId] })],
)
