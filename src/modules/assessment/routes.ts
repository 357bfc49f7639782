export function assessmentRoutes(_app: unknown, _ctx: unknown) {}
