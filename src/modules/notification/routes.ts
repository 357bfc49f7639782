import { Type } from 'typebox'
import type { AppContext } from '../../context.js'
import type { App } from '../../http/app.js'
import { actorOf } from '../../http/auth.js'
import { DateTime, Localized, Ok, Uuid, withErrors } from '../../http/schemas.js'
import { listNotifications, markRead } from './service.js'

const NotificationView = Type.Object({
  id: Uuid,
  kind: Type.String(),
  title: Localized,
  body: Localized,
  link: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  read: Type.Boolean(),
})

const ReadBody = Type.Object(
  { ids: Type.Optional(Type.Array(Uuid, { maxItems: 500 })), all: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)

export function notificationRoutes(app: App, ctx: AppContext) {
  const tags = ['notification']
  app.get(
    '/api/v1/notifications',
    {
      schema: {
        tags,
        summary: "The latest notifications of the active organisation, with the caller's unread count",
        response: withErrors({ 200: Type.Object({ unread: Type.Integer(), items: Type.Array(NotificationView) }) }),
      },
    },
    async (request) => listNotifications(ctx, actorOf(request)),
  )
  app.post(
    '/api/v1/notifications/read',
    { schema: { tags, summary: 'Mark notifications read for the caller: the ids given, or all with all: true', body: ReadBody, response: withErrors({ 200: Ok }) } },
    async (request) => {
      await markRead(ctx, actorOf(request), request.body.all ? 'all' : (request.body.ids ?? []))
      return { ok: true as const }
    },
  )
}
