import { resolve } from 'node:path'

// The one place that reads the environment (STYLE.md). Everything below receives a Config.
export interface Config {
  port: number
  host: string
  /** Embedded PGlite data and the blob store live here unless DATABASE_URL is set. */
  dataDir: string
  /** A PostgreSQL server; when absent Kamae runs on embedded PGlite under dataDir. */
  databaseUrl: string | null
  /** Public URL used in invitation links. */
  publicUrl: string
  /** Cookies get the Secure flag: set when Kamae is served behind TLS. */
  secureCookies: boolean
  sessionTtlMinutes: number
  sessionIdleMinutes: number
  maxUploadBytes: number
  loginMaxFailures: number
  lockoutMinutes: number
  smtpUrl: string | null
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  trustProxy: boolean
  /**
   * The Ed25519 private key (PKCS#8 PEM) that signs ledger tree heads: a file, or the PEM itself.
   * With neither, embedded mode generates `<dataDir>/ledger-key.pem` at first start.
   */
  ledgerKeyFile: string | null
  ledgerKeyPem: string | null
  /** A deployment's own incident reporting policy (classification rules, deadlines) and taxonomy files; null = bundled. */
  incidentPolicyFile: string | null
  incidentTaxonomyFile: string | null
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min} (got "${raw}")`)
  }
  return value
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false
  throw new ConfigError(`${name} must be true or false (got "${raw}")`)
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0)
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535 (got ${port})`)
  const logLevel = (env.KAMAE_LOG_LEVEL ?? 'info') as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`KAMAE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  const databaseUrl = env.DATABASE_URL?.trim() || null
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://')
  }
  const host = env.HOST ?? '127.0.0.1'
  const ledgerKeyFile = env.KAMAE_LEDGER_KEY_FILE?.trim() || null
  const ledgerKeyPem = env.KAMAE_LEDGER_KEY?.trim() || null
  if (ledgerKeyFile && ledgerKeyPem) throw new ConfigError('set KAMAE_LEDGER_KEY_FILE or KAMAE_LEDGER_KEY, not both')
  if (ledgerKeyPem && !ledgerKeyPem.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new ConfigError('KAMAE_LEDGER_KEY must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)')
  }
  return {
    port,
    host,
    dataDir: resolve(env.KAMAE_DATA_DIR ?? '.kamae'),
    databaseUrl,
    publicUrl: env.KAMAE_PUBLIC_URL ?? `http://localhost:${port}`,
    secureCookies: flag(env, 'KAMAE_SECURE_COOKIES', false),
    sessionTtlMinutes: integer(env, 'KAMAE_SESSION_TTL_MINUTES', 12 * 60, 1),
    sessionIdleMinutes: integer(env, 'KAMAE_SESSION_IDLE_MINUTES', 60, 1),
    maxUploadBytes: integer(env, 'KAMAE_MAX_UPLOAD_BYTES', 20 * 1024 * 1024, 1024),
    loginMaxFailures: integer(env, 'KAMAE_LOGIN_MAX_FAILURES', 5, 1),
    lockoutMinutes: integer(env, 'KAMAE_LOCKOUT_MINUTES', 15, 1),
    smtpUrl: env.KAMAE_SMTP_URL?.trim() || null,
    logLevel,
    trustProxy: flag(env, 'KAMAE_TRUST_PROXY', false),
    ledgerKeyFile: ledgerKeyFile ? resolve(ledgerKeyFile) : null,
    ledgerKeyPem,
    incidentPolicyFile: env.KAMAE_INCIDENT_POLICY_FILE?.trim() ? resolve(env.KAMAE_INCIDENT_POLICY_FILE.trim()) : null,
    incidentTaxonomyFile: env.KAMAE_INCIDENT_TAXONOMY_FILE?.trim() ? resolve(env.KAMAE_INCIDENT_TAXONOMY_FILE.trim()) : null,
  }
}
