import { sql } from 'drizzle-orm'
import { Type } from 'typebox'
import type { AppContext } from '../context.js'
import type { App } from './app.js'

export function healthRoutes(app: App, ctx: AppContext) {
  app.get(
    '/api/v1/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database reachability',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }), 503: Type.Object({ status: Type.Literal('unavailable') }) },
      },
    },
    async (_request, reply) => {
      try {
        await ctx.db.execute(sql`select 1`)
        return { status: 'ok' as const }
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const })
      }
    },
  )
}
