import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../config.js'
import { generateSigningKeyPem, KEY_FILE_NAME, keyIdOf, LedgerKeyError, loadSigningKey, publicKeyFromRaw, publicKeyPem, rawPublicKey } from './signing-key.js'

const temp = mkdtempSync(join(tmpdir(), 'kamae-ledger-key-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('the ledger signing key', () => {
  it('is generated on first use in embedded mode, readable by the owner only, and reused', () => {
    const dataDir = join(temp, 'embedded')
    const first = loadSigningKey(loadConfig({ KAMAE_DATA_DIR: dataDir }))!
    const file = join(dataDir, KEY_FILE_NAME)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(first.keyId).toBe(keyIdOf(first.publicKey))
    expect(loadSigningKey(loadConfig({ KAMAE_DATA_DIR: dataDir }))!.keyId).toBe(first.keyId)
  })

  it('comes from KAMAE_LEDGER_KEY_FILE or KAMAE_LEDGER_KEY when configured', () => {
    const pem = generateSigningKeyPem()
    const file = join(temp, 'configured.pem')
    writeFileSync(file, pem, { mode: 0o600 })
    const fromFile = loadSigningKey(loadConfig({ KAMAE_DATA_DIR: join(temp, 'unused'), KAMAE_LEDGER_KEY_FILE: file }))!
    const fromEnv = loadSigningKey(loadConfig({ KAMAE_DATA_DIR: join(temp, 'unused'), KAMAE_LEDGER_KEY: pem, DATABASE_URL: 'postgres://x@localhost/db' }))!
    expect(fromEnv.keyId).toBe(fromFile.keyId)
    expect(fromEnv.source).toBe('KAMAE_LEDGER_KEY')
  })

  it('is never generated for a PostgreSQL server: the operator provides it', () => {
    expect(loadSigningKey(loadConfig({ KAMAE_DATA_DIR: join(temp, 'server'), DATABASE_URL: 'postgres://x@localhost/db' }))).toBeNull()
  })

  it('refuses a configured file that is missing or not an Ed25519 private key', () => {
    expect(() => loadSigningKey(loadConfig({ KAMAE_LEDGER_KEY_FILE: join(temp, 'absent.pem') }))).toThrow(LedgerKeyError)
    const rsa = join(temp, 'rsa.pem')
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))
    expect(() => loadSigningKey(loadConfig({ KAMAE_LEDGER_KEY_FILE: rsa }))).toThrow(/Ed25519/)
  })

  it('refuses both settings at once', () => {
    expect(() => loadConfig({ KAMAE_LEDGER_KEY_FILE: 'a.pem', KAMAE_LEDGER_KEY: generateSigningKeyPem() })).toThrow(/not both/)
  })

  it('publishes its public key as 32 raw bytes and as SPKI PEM', () => {
    const key = loadSigningKey(loadConfig({ KAMAE_DATA_DIR: join(temp, 'embedded') }))!
    expect(rawPublicKey(publicKeyFromRaw(key.publicKey))).toEqual(key.publicKey)
    expect(publicKeyPem(key.publicKey)).toMatch(/^-----BEGIN PUBLIC KEY-----/)
  })
})
