import { currentTotpCode } from '../../src/modules/identity/totp.js'
import type { TestServer } from './app.js'

export interface ApiResponse<T = unknown> {
  status: number
  headers: Headers
  body: T
  text: string
}

/**
 * A browser-like HTTP client: keeps cookies, echoes the CSRF cookie in X-CSRF-Token on every
 * state-changing request, and sends the chosen language.
 */
export class ApiClient {
  private cookies = new Map<string, string>()
  constructor(
    private readonly server: TestServer,
    public language: 'ja' | 'en' = 'ja',
  ) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { 'accept-language': this.language, ...extraHeaders }
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const csrf = this.cookies.get('kamae_csrf')
    if (csrf && !['GET', 'HEAD'].includes(method) && !('x-csrf-token' in extraHeaders)) headers['x-csrf-token'] = csrf
    let payload: RequestInit['body']
    if (body instanceof FormData) payload = body
    else if (body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    const response = await fetch(`${this.server.baseUrl}${path}`, { method, headers, body: payload, redirect: 'manual' })
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = setCookie.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = response.headers.get('content-type')?.includes('application/vnd.openxmlformats') ? '' : await response.clone().text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      parsed = text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text }
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path)
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {})
  }
  patch<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {})
  }
  put<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {})
  }
  delete<T = unknown>(path: string) {
    return this.request<T>('DELETE', path)
  }

  /** Logs in like the SPA: fetch the session (CSRF cookie), post credentials, answer TOTP when asked. */
  async login(email: string, password: string, totpSecret?: string | null): Promise<ApiResponse<{ state?: string }>> {
    await this.get('/api/v1/auth/session')
    const response = await this.post<{ state?: string }>('/api/v1/auth/login', { email, password })
    if (response.status !== 200 || response.body.state !== 'mfa_required') return response
    if (!totpSecret) return response
    return this.verifyTotp(totpSecret)
  }

  async verifyTotp(totpSecret: string): Promise<ApiResponse<{ state?: string }>> {
    // Each code is accepted once (replay protection): step the test clock past the last one used.
    this.server.clock.advance(30_000)
    const code = currentTotpCode(totpSecret, this.server.ctx.clock())
    return this.post<{ state?: string }>('/api/v1/auth/mfa/verify', { code })
  }
}
