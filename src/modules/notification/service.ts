import { randomUUID } from 'node:crypto'
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { AppContext } from '../../context.js'
import type { Queryable } from '../../db/database.js'
import type { Localized } from '../../i18n/locale.js'
import type { Actor } from '../identity/actor.js'
import { memberships, users } from '../identity/schema.js'
import { notificationReads, notifications } from './schema.js'

// In-app notifications (お知らせ): addressed to an organisation, read by each member for themselves.
// Written inside the caller's transaction, so a notification exists exactly when its cause does;
// e-mail copies go out only after commit and only when SMTP is configured.

export interface NotificationMessage {
  kind: string
  title: Localized
  body?: Localized
  /** Where the web app takes the reader, e.g. `/rounds/<id>`. */
  link?: string | null
}

export interface NotificationView {
  id: string
  kind: string
  title: Localized
  body: Localized
  link: string | null
  createdAt: Date
  read: boolean
}

/** Adds the same notification for every organisation named; returns them for `emailNotifications`. */
export async function notifyOrganisations(tx: Queryable, orgIds: readonly string[], message: NotificationMessage, at: Date): Promise<{ orgIds: readonly string[]; message: NotificationMessage }> {
  if (orgIds.length > 0) {
    await tx.insert(notifications).values(
      orgIds.map((orgId) => ({
        id: randomUUID(),
        orgId,
        kind: message.kind,
        titleJa: message.title.ja,
        titleEn: message.title.en,
        bodyJa: message.body?.ja ?? '',
        bodyEn: message.body?.en ?? '',
        link: message.link ?? null,
        createdAt: at,
      })),
    )
  }
  return { orgIds, message }
}

/**
 * E-mails the members of the organisations, each in their own language, when SMTP is configured;
 * without it the in-app notification is the message (the notifier would only fill the log).
 */
export async function emailNotifications(ctx: AppContext, sent: { orgIds: readonly string[]; message: NotificationMessage }): Promise<void> {
  if (!ctx.config.smtpUrl || sent.orgIds.length === 0) return
  const recipients = await ctx.db
    .selectDistinct({ email: users.email, locale: users.locale })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(inArray(memberships.orgId, [...sent.orgIds]))
  const link = sent.message.link ? `${ctx.config.publicUrl}${sent.message.link}` : ''
  for (const recipient of recipients) {
    const lang = recipient.locale === 'en' ? 'en' : 'ja'
    await ctx.notifier.send({
      to: recipient.email,
      subject: sent.message.title[lang],
      body: [sent.message.body?.[lang] ?? '', link].filter(Boolean).join('\n\n'),
    })
  }
}

const PAGE = 50

export async function listNotifications(ctx: AppContext, actor: Actor): Promise<{ unread: number; items: NotificationView[] }> {
  const readJoin = and(eq(notificationReads.notificationId, notifications.id), eq(notificationReads.userId, actor.userId))
  const rows = await ctx.db
    .select({ n: notifications, readAt: notificationReads.readAt })
    .from(notifications)
    .leftJoin(notificationReads, readJoin)
    .where(eq(notifications.orgId, actor.orgId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(PAGE)
  const [unread] = await ctx.db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .leftJoin(notificationReads, readJoin)
    .where(and(eq(notifications.orgId, actor.orgId), isNull(notificationReads.readAt)))
  return {
    unread: unread?.count ?? 0,
    items: rows.map(({ n, readAt }) => ({
      id: n.id,
      kind: n.kind,
      title: { ja: n.titleJa, en: n.titleEn },
      body: { ja: n.bodyJa, en: n.bodyEn },
      link: n.link,
      createdAt: n.createdAt,
      read: readAt !== null,
    })),
  }
}

/** Marks the named notifications of the actor's organisation (or all of them) read for the actor; others' ids are ignored. */
export async function markRead(ctx: AppContext, actor: Actor, ids: readonly string[] | 'all'): Promise<void> {
  const own = await ctx.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(ids === 'all' ? eq(notifications.orgId, actor.orgId) : and(eq(notifications.orgId, actor.orgId), inArray(notifications.id, [...ids])))
  if (own.length === 0) return
  const now = ctx.clock()
  await ctx.db
    .insert(notificationReads)
    .values(own.map(({ id }) => ({ notificationId: id, userId: actor.userId, readAt: now })))
    .onConflictDoNothing()
}
