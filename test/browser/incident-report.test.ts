import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentTotpCode } from '../../src/modules/identity/totp.js'
import { repoRoot, startKamae, type DemoLogin, type KamaeServer } from './kamae-server.js'

// Incident reporting in Japanese (issue 4): かもめ信用金庫's editor files a 第一報 in under a minute;
// the supervisor's approver acknowledges it (受領確認) and asks a question; the editor answers and
// closes the incident with a 最終報 (原因, 再発防止策); the supervisor sees the final report.

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const screenshots = join(repoRoot, 'test-results')
const TITLE = 'フィッシングによるインターネットバンキング認証情報の窃取の疑い'
const QUESTION = '不正送金の有無と、影響を受けた顧客数の見込みをご教示ください。'
const ANSWER = '現時点で不正送金は確認されていません。影響顧客は約120名の見込みです。'
const MEASURES = '全対象顧客のパスワードを強制リセットし、ワンタイムパスワードを必須化しました。'

let server: KamaeServer
let browser: Browser
let context: BrowserContext
let page: Page

async function shot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false })
}

async function logIn(login: DemoLogin) {
  await context.clearCookies() // a fresh start even when the step before stopped half-way
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

async function choose(combobox: string | RegExp, option: string) {
  await page.getByRole('combobox', { name: combobox }).click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

async function waitSaved() {
  await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
}

function localNow() {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`
}

describe('incident reporting in the browser (ja)', () => {
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true })
    server = await startKamae()
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP', acceptDownloads: true })
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('lets an institution file an initial report in under a minute', async () => {
    await logIn(server.login('kamome', 'editor'))
    await page.getByRole('link', { name: 'インシデント報告', exact: true }).click()
    await page.getByRole('heading', { name: 'インシデント報告', exact: true }).waitFor()
    await page.getByRole('button', { name: '第一報を作成' }).click()

    // Only what is known now: 検知日時 defaults to now, the contact to the person filing it.
    const dialog = page.getByRole('dialog', { name: '第一報を作成' })
    await dialog.getByRole('textbox', { name: /^件名/ }).fill(TITLE)
    expect(await dialog.getByLabel(/^検知日時/).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)
    await choose(/^インシデントの種類/, 'フィッシング')
    const services = dialog.getByLabel(/^影響を受けたサービス/)
    await services.fill('インターネットバンキング')
    await services.press('Enter')
    await dialog.getByRole('group', { name: '顧客影響' }).getByRole('radio', { name: 'あり' }).check()
    await dialog.getByRole('textbox', { name: /^電話番号/ }).fill('03-1234-5678')
    await shot('incident-initial-form')
    await dialog.getByRole('button', { name: '第一報を提出' }).click()

    await page.getByTestId('incident-title').filter({ hasText: TITLE }).waitFor()
    await page.getByRole('button', { name: '最終報を作成' }).waitFor()
    expect(await page.getByTestId('classification-severity').getAttribute('data-severity')).toBe('non_major')
    await page.getByRole('tab', { name: /提出履歴/ }).click()
    expect(await page.getByTestId('timeline-entry').count()).toBe(1)
    expect(await page.getByTestId('timeline-entry').first().getAttribute('data-phase')).toBe('initial')
    await shot('incident-initial-submitted')
    await logOut()
  })

  it('lets the supervisor acknowledge the report and ask a question', async () => {
    await logIn(server.login('supervisor', 'approver'))
    await page.getByRole('link', { name: 'インシデント受付', exact: true }).click()
    await page.getByRole('heading', { name: 'インシデント受付', exact: true }).waitFor()
    const inbox = page.getByTestId('inbox')
    await inbox.getByRole('link', { name: TITLE }).waitFor()
    // The demo crypto exchange's report is there too.
    expect(await inbox.getByText('つばさ暗号資産取引所（デモ）').count()).toBe(1)
    expect(await inbox.getByTestId('needs-ack').count()).toBe(2)
    await shot('supervision-inbox')

    // A selection of reports leaves as one FIRE JSON document.
    await inbox.getByRole('checkbox', { name: `この報告を選択: ${TITLE}` }).check()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-selected-json').click()])
    const exported = JSON.parse(readFileSync((await download.path()) as string, 'utf8')) as { incidents: unknown[] }
    expect(exported.incidents).toHaveLength(1)
    expect(JSON.stringify(exported)).toContain(TITLE)
    expect(JSON.stringify(exported)).not.toContain('ホットウォレット管理サーバー')

    await inbox.getByRole('link', { name: TITLE }).click()
    await page.getByTestId('incident-title').filter({ hasText: TITLE }).waitFor()
    await page.getByRole('button', { name: '受領確認', exact: true }).click()
    await page.getByTestId('acknowledged').waitFor()

    await page.getByRole('textbox', { name: '金融機関への質問・追加情報の依頼' }).fill(QUESTION)
    await page.getByRole('button', { name: '送信', exact: true }).click()
    await page.getByTestId('message').filter({ hasText: QUESTION }).waitFor()
    await page.waitForTimeout(3500) // let the notification close before the picture
    await shot('supervision-incident')

    // The sector view: incidents per month by category (stacked bars).
    await page.getByRole('link', { name: 'インシデント受付', exact: true }).click()
    await page.getByRole('tab', { name: '業態別の推移' }).click()
    await page.getByTestId('sector-chart').locator('.recharts-bar-rectangle path').first().waitFor()
    await page.waitForTimeout(1500)
    await shot('supervision-sector-view')
    await logOut()
  })

  it('lets the institution answer and close the incident with a final report', async () => {
    await logIn(server.login('kamome', 'editor'))
    await page.getByRole('link', { name: 'インシデント報告', exact: true }).click()
    const row = page.getByTestId('incident-row').filter({ hasText: TITLE })
    await row.getByText('当局からの質問あり').waitFor()
    await row.getByRole('link', { name: TITLE }).click()

    // The receipt shows, and the question waits in 質問・回答.
    await page.getByTestId('receipts').getByText(/第1版を受領確認/).waitFor()
    await page.getByRole('tab', { name: /質問・回答/ }).click()
    await page.getByTestId('message').filter({ hasText: QUESTION }).waitFor()
    await page.getByRole('textbox', { name: '回答' }).fill(ANSWER)
    await page.getByRole('button', { name: '送信', exact: true }).click()
    await page.getByTestId('message').filter({ hasText: ANSWER }).waitFor()

    // 最終報: starts from the initial report; add the response, the root cause and the measures.
    await page.getByRole('tab', { name: '報告の作成' }).click()
    await page.getByRole('button', { name: '最終報を作成' }).click()
    const editor = page.getByTestId('draft-editor')
    await editor.waitFor()
    expect(await editor.getByRole('textbox', { name: /^件名/ }).inputValue()).toBe(TITLE)
    await editor.getByLabel(/^復旧日時/).fill(localNow())
    await choose(/^現在の状況/, '復旧済み')
    await editor.getByRole('group', { name: '重要業務への影響' }).getByRole('radio', { name: 'いいえ' }).check()
    await editor.getByRole('textbox', { name: /^影響を受けた顧客数/ }).fill('120')
    await editor.getByRole('textbox', { name: /^実施した対応/ }).fill('対象顧客のアカウントを一時停止し、警察と金融ISACに連絡しました。')
    await choose(/^原因の分類/, '悪意ある行為')
    await choose(/^原因の詳細分類/, 'ソーシャルエンジニアリング・フィッシング')
    await editor.getByRole('group', { name: '原因の所在' }).getByRole('radio', { name: '自社' }).check()
    await editor.getByRole('textbox', { name: /^実施した再発防止策/ }).fill(MEASURES)
    await waitSaved()
    await shot('incident-final-draft')
    await page.getByRole('button', { name: '最終報を提出' }).click()

    await page.getByTestId('incident-closed').waitFor()
    const finalEntry = page.getByTestId('timeline-entry').and(page.locator('[data-phase="final"]'))
    await finalEntry.waitFor()
    expect(await page.getByTestId('timeline-entry').count()).toBe(2)
    await page.waitForTimeout(3500)
    await shot('incident-final-submitted')
    await logOut()
  })

  it('shows the supervisor the final report in the timeline', async () => {
    await logIn(server.login('supervisor', 'viewer'))
    await page.getByRole('link', { name: 'インシデント受付', exact: true }).click()
    await page.getByTestId('inbox').getByRole('link', { name: TITLE }).click()
    await page.getByTestId('incident-title').filter({ hasText: TITLE }).waitFor()
    const timeline = page.getByTestId('version-timeline')
    await timeline.locator('[data-phase="final"][data-testid="timeline-entry"]').waitFor()
    expect(await timeline.getByTestId('timeline-entry').count()).toBe(2)
    expect(await page.getByTestId('root-cause').first().textContent()).toContain('悪意ある行為 / ソーシャルエンジニアリング・フィッシング')
    expect(await page.getByTestId('report-view').first().textContent()).toContain(MEASURES)
    await page.getByTestId('message').filter({ hasText: ANSWER }).waitFor()

    // Each version opens as submitted.
    await timeline.getByRole('button', { name: '提出内容を表示' }).first().click()
    await page.getByTestId('version-view').getByText(MEASURES).waitFor()
    await shot('supervision-final-version')
  })
})
