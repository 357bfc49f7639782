import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentTotpCode } from '../../src/modules/identity/totp.js'
import { repoRoot, startKamae, type DemoLogin, type KamaeServer } from './kamae-server.js'

// A supervision round in Japanese (issue 3, 公助): みなと金融監督局 publishes a self-assessment round
// to the shinkin and regional banks of its jurisdiction; かもめ信用金庫 and あおば銀行 each submit an
// approved self-assessment; the supervisor generates every feedback report (progress bar) and
// releases them; かもめ信用金庫 reads its percentile rank and downloads its PDF.
//
// Data prepared through the API before the browser starts: あおば銀行's approved assessment comes
// with the demo data; かもめ信用金庫's is created, answered and approved (four eyes) here.

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const screenshots = join(repoRoot, 'test-results')
const ROUND_TITLE = '2026年度 サイバーセキュリティ自己評価（預金取扱機関）'
const ROUND_TITLE_EN = 'FY2026 cyber-security self-assessment (deposit-taking institutions)'
const KAMOME_ASSESSMENT = '2026年度 自己評価（当局提出用）'
const FSA_CATALOG = 'fsa-cyber-2024'

let server: KamaeServer
let browser: Browser
let context: BrowserContext
let page: Page
let kamomeDigest: string | null = null

// ---------------------------------------------------------------- the API, as a logged-in user

interface ApiUser {
  call<T>(method: string, path: string, body?: unknown): Promise<T>
}

async function apiLogin(login: DemoLogin): Promise<ApiUser> {
  const cookies = new Map<string, string>()
  let csrf = ''
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': 'ja' }
    if (cookies.size > 0) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    if (method !== 'GET') headers['x-csrf-token'] = csrf || (cookies.get('kamae_csrf') ?? '')
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = (pair ?? '').split('=')
      if (name) cookies.set(name.trim(), value.join('='))
    }
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
    return (text ? JSON.parse(text) : null) as T
  }
  await call('GET', '/api/v1/auth/session')
  const session = await call<{ csrfToken: string }>('POST', '/api/v1/auth/login', { email: login.email, password: login.password })
  csrf = session.csrfToken
  if (login.totpSecret) await call('POST', '/api/v1/auth/mfa/verify', { code: currentTotpCode(login.totpSecret, new Date()) })
  return { call }
}

/** かもめ信用金庫: a self-assessment of the FSA guideline, fully answered by the editor and approved by the approver. */
async function prepareKamomeAssessment() {
  const editor = await apiLogin(server.login('kamome', 'editor'))
  const catalogs = await editor.call<{ id: string; key: string }[]>('GET', '/api/v1/catalogs')
  const catalog = catalogs.find((c) => c.key === FSA_CATALOG)
  if (!catalog) throw new Error(`catalog ${FSA_CATALOG} missing`)
  const assessment = await editor.call<{ id: string }>('POST', '/api/v1/assessments', { catalogId: catalog.id, title: KAMOME_ASSESSMENT })
  const items = await editor.call<{ ref: string; inScope: boolean }[]>('GET', `/api/v1/assessments/${assessment.id}/items`)
  const answers = [2, 2, 3, 1, 2, 2, 0, 3] // a different pattern from あおば銀行's demo answers
  for (const [i, item] of items.filter((it) => it.inScope).entries()) {
    await editor.call('PUT', `/api/v1/assessments/${assessment.id}/items/${encodeURIComponent(item.ref)}`, { value: answers[i % answers.length] })
  }
  await editor.call('POST', `/api/v1/assessments/${assessment.id}/request-review`, { comment: '当局提出用の回答です。' })
  const approver = await apiLogin(server.login('kamome', 'approver'))
  await approver.call('POST', `/api/v1/assessments/${assessment.id}/approve`, { comment: '承認します。' })
}

// ---------------------------------------------------------------- the browser

async function shot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false })
}

async function logIn(login: DemoLogin) {
  await context.clearCookies()
  await page.goto(`${server.url}/`)
  await page.getByRole('heading', { name: 'ログイン' }).waitFor()
  await page.locator('input[name="email"]').fill(login.email)
  await page.locator('input[name="password"]').fill(login.password)
  await page.getByRole('button', { name: 'ログイン', exact: true }).click()
  if (login.totpSecret) {
    await page.getByRole('heading', { name: '確認コードの入力' }).waitFor()
    await page.getByRole('textbox', { name: '確認コード（6桁）' }).fill(currentTotpCode(login.totpSecret, new Date()))
    await page.getByRole('button', { name: '確認', exact: true }).click()
  }
  await page.getByRole('heading', { name: 'ダッシュボード' }).waitFor()
}

async function logOut() {
  await page.getByTestId('user-menu').click()
  await page.getByRole('menuitem', { name: 'ログアウト' }).click()
  await page.getByRole('heading', { name: 'ログイン' }).waitFor()
}

/** A datetime-local value, days from now, at 17:00 in the browser's time zone. */
function localDate(daysFromNow: number) {
  const date = new Date(Date.now() + daysFromNow * 86_400_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T17:00`
}

async function openRoundAsSupervisor() {
  await page.getByRole('link', { name: '自己評価ラウンド', exact: true }).click()
  await page.getByRole('heading', { name: '自己評価ラウンド', exact: true }).waitFor()
  await page.getByTestId('round-list').getByRole('link', { name: ROUND_TITLE }).click()
  await page.getByTestId('round-title').filter({ hasText: ROUND_TITLE }).waitFor()
}

async function submitInTheBrowser(login: DemoLogin) {
  await logIn(login)
  const card = page.getByTestId('my-rounds')
  await card.getByRole('link', { name: ROUND_TITLE }).waitFor()
  await shot(`round-dashboard-${login.org}`)
  await card.getByRole('link', { name: ROUND_TITLE }).click()
  await page.getByTestId('round-title').filter({ hasText: ROUND_TITLE }).waitFor()
  expect(await page.getByTestId('target-state').first().getAttribute('data-state')).toBe('not_started')
  // The approved assessment is chosen already; submitting asks for a confirmation.
  const answer = page.getByTestId('answer-card')
  await expect.poll(() => answer.getByRole('combobox', { name: '提出する自己評価（承認済み）' }).inputValue()).not.toBe('')
  await answer.getByRole('button', { name: '提出', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: '提出の確認' })
  await dialog.getByRole('button', { name: '提出する' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('submission-row').and(page.locator('[data-version="1"]')).waitFor()
  expect(await page.getByTestId('target-state').first().getAttribute('data-state')).toBe('submitted')
  // The SHA-256 of the stored snapshot is shown whole.
  const digest = await page.getByTestId('latest-digest').getByTestId('digest').getAttribute('data-digest')
  expect(digest).toMatch(/^[0-9a-f]{64}$/)
  expect(await page.getByTestId('latest-digest').textContent()).toContain(digest)
  return digest
}

describe('a supervision round in the browser (ja)', () => {
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true })
    server = await startKamae()
    await prepareKamomeAssessment()
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ja-JP', acceptDownloads: true })
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('lets the supervisor draft and publish a round to the shinkin and regional banks', async () => {
    await logIn(server.login('supervisor', 'editor'))
    await page.getByRole('link', { name: '自己評価ラウンド', exact: true }).click()
    await page.getByRole('heading', { name: '自己評価ラウンド', exact: true }).waitFor()
    await page.getByRole('link', { name: '新しいラウンド' }).click()
    await page.getByRole('heading', { name: '新しいラウンド' }).waitFor()

    await page.getByRole('textbox', { name: /^タイトル（日本語）/ }).fill(ROUND_TITLE)
    await page.getByRole('textbox', { name: /^タイトル（英語）/ }).fill(ROUND_TITLE_EN)
    await page.getByRole('combobox', { name: /^カタログ（評価基準）/ }).click()
    await page.getByRole('option', { name: /金融分野におけるサイバーセキュリティに関するガイドライン/ }).click()
    await page.getByRole('checkbox', { name: '信用金庫', exact: true }).check()
    await page.getByRole('checkbox', { name: '地域銀行', exact: true }).check()
    await expect.poll(() => page.getByTestId('target-count').textContent()).toContain('2機関')
    await page.getByRole('textbox', { name: /^金融機関への説明/ }).fill('基本的な対応事項を中心に、経営陣の関与の状況も含めてご回答ください。')
    // Two submissions only: k = 2 lets the feedback compare them (the group of all submissions).
    await page.getByRole('textbox', { name: /^k（比較グループの最小機関数）/ }).fill('2')

    // A due date before the opening: the server's message shows on the field it names.
    const due = page.getByLabel(/^提出期限/)
    await due.fill('2020-04-01T17:00')
    await page.getByRole('button', { name: '下書きを保存' }).click()
    await page.getByTestId('form-error').waitFor()
    await page.getByText('提出期限は開始日時より後にしてください').waitFor()
    expect(await due.getAttribute('aria-invalid')).toBe('true')
    await due.fill(localDate(14))
    await expect.poll(() => due.getAttribute('aria-invalid')).not.toBe('true')
    await shot('round-form')
    await page.getByRole('button', { name: '下書きを保存' }).click()

    await page.getByTestId('round-title').filter({ hasText: ROUND_TITLE }).waitFor()
    await page.locator('[data-round-status="draft"]').waitFor()
    await page.getByRole('button', { name: '公開', exact: true }).click()
    await page.getByRole('dialog', { name: 'ラウンドの公開' }).getByRole('button', { name: '公開する' }).click()
    await page.locator('[data-round-status="published"]').waitFor()

    const rows = page.getByTestId('target-row')
    await expect.poll(() => rows.count()).toBe(2)
    expect(await rows.and(page.locator('[data-state="not_started"]')).count()).toBe(2)
    expect(await page.getByTestId('target-list').textContent()).toContain('かもめ信用金庫（デモ）')
    expect(await page.getByTestId('target-list').textContent()).toContain('あおば銀行（デモ）')
    await shot('round-published')
    await logOut()
  })

  it('lets two institutions submit their approved self-assessments', async () => {
    const kamome = await submitInTheBrowser(server.login('kamome', 'editor'))
    kamomeDigest = kamome
    await shot('round-submitted-institution')
    await logOut()
    const aoba = await submitInTheBrowser(server.login('aoba', 'editor'))
    expect(aoba).not.toBe(kamome)
    await logOut()
  })

  it('lets the supervisor see the status, analyse, generate every report and release them', async () => {
    await logIn(server.login('supervisor', 'editor'))
    await openRoundAsSupervisor()
    const rows = page.getByTestId('target-row')
    await expect.poll(() => rows.and(page.locator('[data-state="submitted"]')).count()).toBe(2)

    // One institution's page shows the same SHA-256 the institution saw when it submitted.
    await rows.getByRole('link', { name: 'かもめ信用金庫（デモ）' }).click()
    await page.getByTestId('institution-name').filter({ hasText: 'かもめ信用金庫（デモ）' }).waitFor()
    expect(await page.getByTestId('submission-row').getByTestId('digest').getAttribute('data-digest')).toBe(kamomeDigest)
    await page.getByTestId('institution-scores').locator('tbody tr').first().waitFor()
    await shot('round-institution')
    await page.getByRole('link', { name: `「${ROUND_TITLE}」へ` }).click()
    await page.getByTestId('round-title').filter({ hasText: ROUND_TITLE }).waitFor()

    // 分析: the distribution of every section, and the institutions behind a figure.
    await page.getByRole('tab', { name: '分析' }).click()
    const sections = page.getByTestId('section-distributions')
    await sections.waitFor()
    expect(await sections.getByTestId('distribution-row').count()).toBeGreaterThanOrEqual(3)
    await sections.getByRole('button', { name: '総合スコア', exact: true }).click()
    const drill = page.getByTestId('drill-down')
    await expect.poll(() => drill.getByTestId('drill-down-row').count()).toBe(2)
    await shot('round-analysis-drill-down')
    await page.keyboard.press('Escape')
    await drill.waitFor({ state: 'detached' })

    // フィードバック: one action generates every report; the bar fills as they are made.
    await page.getByRole('tab', { name: 'フィードバック' }).click()
    await page.getByRole('button', { name: 'フィードバックを一括作成' }).click()
    const progress = page.getByTestId('feedback-progress')
    await progress.waitFor()
    expect(await progress.getAttribute('data-total')).toBe('2')
    await expect.poll(() => page.getByTestId('feedback-job').getAttribute('data-state'), { timeout: 90_000 }).toBe('done')
    expect(await progress.getAttribute('data-done')).toBe('2')
    expect(await page.getByTestId('feedback-progress-count').textContent()).toBe('2 / 2 件')
    await shot('round-feedback-generated')

    await page.getByRole('button', { name: '還元する', exact: true }).click()
    await page.getByRole('dialog', { name: 'フィードバックの還元' }).getByRole('button', { name: '還元する' }).click()
    await expect.poll(() => page.getByTestId('feedback-released').getAttribute('data-released')).toBe('true')
    await logOut()
  })

  it('lets an institution read its percentile rank and download its feedback PDF', async () => {
    await logIn(server.login('kamome', 'editor'))
    // The bell says feedback is waiting; its notification opens the feedback page.
    await expect.poll(async () => Number(await page.getByTestId('notification-count').getAttribute('data-unread'))).toBeGreaterThanOrEqual(1)
    await page.getByTestId('notification-bell').click()
    await page.getByTestId('notification-menu').waitFor()
    await shot('round-notifications')
    await page.getByRole('menuitem', { name: /フィードバックが還元されました/ }).click()
    await page.getByRole('heading', { name: 'フィードバック', exact: true }).waitFor()

    const rank = page.getByTestId('percentile-rank')
    await rank.waitFor()
    expect(await rank.textContent()).toMatch(/^\d{1,3} パーセンタイル$/)
    expect(Number(await rank.getAttribute('data-value'))).toBeGreaterThanOrEqual(0)
    // The comparison group is named with its size, and the fall-back from the peer group is stated.
    const peer = page.getByTestId('peer-group')
    expect(await peer.getAttribute('data-level')).toBe('all')
    expect(await peer.getAttribute('data-size')).toBe('2')
    expect(await peer.textContent()).toContain('比較対象：このラウンドの全提出機関（2機関）')
    expect(await page.getByTestId('peer-fallback').textContent()).toContain('信用金庫・小規模')
    expect(await page.getByTestId('feedback-section').count()).toBeGreaterThanOrEqual(3)
    await shot('round-feedback-page')

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'PDF（日本語）' }).click()])
    const file = await download.path()
    const head = readFileSync(file).subarray(0, 5).toString('latin1')
    expect(head).toBe('%PDF-')
  })
})
