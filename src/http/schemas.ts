import { Type, type TSchema } from 'typebox'

// Shared pieces of route schemas.
export const Uuid = Type.String({ format: 'uuid' })
export const IdParams = Type.Object({ id: Uuid })
export const Localized = Type.Object({ ja: Type.String(), en: Type.String() })
export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  }),
})
/** A timestamp: services hand Dates, the serializer writes ISO 8601. */
export const DateTime = Type.Unsafe<Date | string>(Type.String({ format: 'date-time' }))
export const Ok = Type.Object({ ok: Type.Literal(true) })

/** The error responses every authenticated route can give, for the OpenAPI document. */
export function withErrors<T extends Record<number, TSchema>>(responses: T) {
  return { ...responses, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse }
}
