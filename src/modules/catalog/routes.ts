import { Type } from 'typebox'
import type { App } from '../../http/app.js'
import { DateTime, IdParams, Localized, withErrors } from '../../http/schemas.js'
import type { AppContext } from '../../context.js'
import * as catalogService from './service.js'

export function catalogRoutes(app: App, ctx: AppContext) {
  const tags = ['catalog']
  app.get(
    '/api/v1/catalogs',
    {
      schema: {
        tags,
        summary: 'Catalogs loaded in this Kamae (framework content is shared by every organisation)',
        response: withErrors({
          200: Type.Array(
            Type.Object({ id: Type.String(), key: Type.String(), version: Type.String(), title: Localized, itemCount: Type.Integer(), loadedAt: DateTime }),
          ),
        }),
      },
    },
    async () => catalogService.listCatalogs(ctx),
  )

  app.get(
    '/api/v1/catalogs/:id',
    { schema: { tags, summary: 'A catalog with its sections and items', params: IdParams, response: withErrors({ 200: Type.Unknown() }) } },
    async (request) => {
      const row = await catalogService.getCatalog(ctx.db, request.params.id)
      return { ...row.content, id: row.id, key: row.key, digest: row.digest }
    },
  )

  app.get(
    '/api/v1/catalogs/:id/oscal',
    {
      schema: {
        tags,
        summary: 'The catalog as an OSCAL 1.1 catalog JSON',
        params: IdParams,
        querystring: Type.Object({ lang: Type.Union([Type.Literal('ja'), Type.Literal('en')], { default: 'ja' }) }),
        response: withErrors({ 200: Type.Unknown() }),
      },
    },
    async (request, reply) => {
      const oscal = await catalogService.exportOscal(ctx, request.params.id, request.query.lang)
      return reply.header('content-disposition', `attachment; filename="catalog-${request.params.id}.oscal.json"`).send(oscal)
    },
  )
}
