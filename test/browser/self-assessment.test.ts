import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentTotpCode } from '../../src/modules/identity/totp.js'
import { repoRoot, startKamae, type DemoLogin, type KamaeServer } from './kamae-server.js'

// A self-assessment from start to sign-off, in Japanese, as the people of かもめ信用金庫 would do it:
// the editor answers (partly with the keyboard), marks an item 対象外, attaches evidence and asks for
// review; the approver logs in with a TOTP code, approves, and reads the scores.

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const screenshots = join(repoRoot, 'test-results')
const TITLE = '2026年度 サイバーセキュリティ自己評価'
const EVIDENCE_NAME = '情報セキュリティ基本方針.txt'
const EVIDENCE = Buffer.from('情報セキュリティ基本方針（デモ）\n第1条 本方針は取締役会の承認を得て制定する。\n', 'utf8')
// Digits and letters that are shortcuts elsewhere: typed in the field, they must stay text.
const NA_REASON = '当金庫には該当する業務がないため（2026年度 j/k 確認済）'

let server: KamaeServer
let browser: Browser
let context: BrowserContext
let page: Page
let answeredCount = 0

async function shot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false })
}

async function logIn(login: DemoLogin) {
  await page.goto(`${server.url}/`)
  await page.getByRole('heading', { name: 'ログイン' }).waitFor()
  await page.locator('input[name="email"]').fill(login.email)
  await page.locator('input[name="password"]').fill(login.password)
  await page.getByRole('button', { name: 'ログイン', exact: true }).click()
}

async function waitSaved() {
  await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved')
}

async function currentItemRef() {
  return page.getByTestId('item-ref').textContent()
}

describe('self-assessment in the browser (ja)', () => {
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

  it('lets the editor answer, attach evidence and request review', async () => {
    const editor = server.login('kamome', 'editor')
    await logIn(editor)
    await page.getByRole('heading', { name: 'ダッシュボード' }).waitFor()
    expect(await page.getByTestId('organisation-name').textContent()).toBe('かもめ信用金庫（デモ）')

    // A new self-assessment of the FSA guideline.
    await page.getByRole('link', { name: '自己評価', exact: true }).click()
    await page.getByRole('heading', { name: '自己評価', exact: true }).waitFor()
    await page.getByRole('button', { name: '新しい自己評価' }).first().click()
    await page.getByRole('combobox', { name: 'カタログ（評価基準）' }).click()
    await page.getByRole('option', { name: /金融分野におけるサイバーセキュリティに関するガイドライン/ }).click()
    await page.getByRole('textbox', { name: '名称' }).fill(TITLE)
    await page.getByRole('button', { name: '作成', exact: true }).click()
    await page.getByTestId('assessment-title').filter({ hasText: TITLE }).waitFor()
    expect(await currentItemRef()).toBe('2.1-B1')

    // With the mouse: 対応済 on the first item.
    await page.getByRole('radio', { name: '対応済' }).click()
    await expect.poll(() => page.getByRole('radio', { name: '対応済' }).getAttribute('aria-checked')).toBe('true')
    await waitSaved()

    // With the keyboard: j to the next item, a digit to answer.
    await page.keyboard.press('j')
    await expect.poll(currentItemRef).toBe('2.1-B2')
    await page.keyboard.press('3')
    await expect.poll(() => page.getByRole('radio', { name: '高度化' }).getAttribute('aria-checked')).toBe('true')
    await page.keyboard.press('j')
    await expect.poll(currentItemRef).toBe('2.1-B3')
    await page.keyboard.press('1')
    await expect.poll(() => page.getByRole('radio', { name: '一部対応' }).getAttribute('aria-checked')).toBe('true')
    await waitSaved()

    // 対象外 with its reason (n focuses the reason; typing there must not trigger shortcuts).
    await page.keyboard.press('j')
    await expect.poll(currentItemRef).toBe('2.1-B4')
    await page.keyboard.press('n')
    const reason = page.getByRole('textbox', { name: /対象外とする理由/ })
    await reason.waitFor()
    await expect.poll(() => reason.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.type(NA_REASON)
    await waitSaved()
    expect(await reason.inputValue()).toBe(NA_REASON)
    expect(await page.getByRole('switch', { name: /対象外/ }).isChecked()).toBe(true)
    expect(await currentItemRef()).toBe('2.1-B4') // the j/k in the typed text did not move
    await page.keyboard.press('Escape')

    // Back to the first item with k, then attach evidence and see its SHA-256.
    for (let i = 0; i < 3; i++) await page.keyboard.press('k')
    await expect.poll(currentItemRef).toBe('2.1-B1')
    await page.getByTestId('evidence-panel').locator('input[type="file"]').setInputFiles({ name: EVIDENCE_NAME, mimeType: 'text/plain', buffer: EVIDENCE })
    const sha256 = createHash('sha256').update(EVIDENCE).digest('hex')
    const hash = page.getByTestId('evidence-sha256').first()
    await hash.waitFor({ timeout: 20_000 })
    expect(await hash.getAttribute('data-sha256')).toBe(sha256)
    expect(await hash.textContent()).toBe(`${sha256.slice(0, 12)}…`)
    expect(await page.getByTestId('evidence-table').getByRole('link', { name: EVIDENCE_NAME, exact: true }).count()).toBe(1)
    expect(await page.getByText('回答済み 4 /').count()).toBe(1)
    await shot('workspace-editor')

    // ] jumps to the next section: answer the first two items of every section from the keyboard.
    const sectionsVisited = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const before = (await currentItemRef()) ?? ''
      if (before.startsWith('3.4')) break // the last section
      await page.keyboard.press(']')
      await expect.poll(currentItemRef).not.toBe(before)
      const ref = (await currentItemRef()) ?? ''
      if (sectionsVisited.has(ref)) break
      sectionsVisited.add(ref)
      await page.keyboard.press(i % 2 === 0 ? '2' : '3')
      await page.keyboard.press('j')
      await page.keyboard.press(i % 3 === 0 ? '1' : '2')
    }
    expect(sectionsVisited.size).toBeGreaterThanOrEqual(10)
    await waitSaved()
    answeredCount = Number(/回答済み (\d+) \//.exec((await page.getByText(/回答済み \d+ \//).textContent()) ?? '')?.[1])
    expect(answeredCount).toBeGreaterThan(20)

    // Request review.
    await page.getByRole('tab', { name: '承認・版管理' }).click()
    await page.getByRole('textbox', { name: '承認者へのコメント（任意）' }).fill('回答が揃いました。ご確認をお願いします。')
    await page.getByRole('button', { name: 'レビュー依頼' }).click()
    await page.locator('[data-status="in_review"]').first().waitFor()
    await shot('signoff-in-review')

    await page.getByTestId('user-menu').click()
    await page.getByRole('menuitem', { name: 'ログアウト' }).click()
    await page.getByRole('heading', { name: 'ログイン' }).waitFor()
  })

  it('lets the approver log in with TOTP, approve and read the scores', async () => {
    const approver = server.login('kamome', 'approver')
    await logIn(approver)
    await page.getByRole('heading', { name: '確認コードの入力' }).waitFor()
    await page.getByRole('textbox', { name: '確認コード（6桁）' }).fill(currentTotpCode(approver.totpSecret ?? '', new Date()))
    await page.getByRole('button', { name: '確認', exact: true }).click()
    await page.getByRole('heading', { name: 'ダッシュボード' }).waitFor()

    // The dashboard says what waits for this approver.
    const myActions = page.getByTestId('my-actions')
    await myActions.getByText('承認待ち（1件）').waitFor()
    await myActions.getByRole('link', { name: TITLE }).click()
    await page.getByRole('button', { name: '承認', exact: true }).waitFor()
    await page.getByRole('textbox', { name: '承認・差戻しのコメント' }).fill('内容を確認し、承認します。')
    await page.getByRole('button', { name: '承認', exact: true }).click()
    await page.locator('[data-status="approved"]').first().waitFor()
    expect(await page.getByText('承認済みのため回答は編集できません').count()).toBe(1)

    // Scores: the radar by section and the rates.
    await page.getByRole('tab', { name: 'スコア' }).click()
    const radar = page.getByTestId('radar-chart')
    await radar.locator('svg .recharts-polar-grid').first().waitFor()
    expect(await radar.locator('.recharts-polar-angle-axis-tick').count()).toBeGreaterThanOrEqual(7)
    expect(await page.getByTestId('stat-basicCompliance').textContent()).toMatch(/基本的な対応事項の充足率\d+%/)
    expect(await page.getByTestId('stat-desirableAdoption').textContent()).toMatch(/対応が望ましい事項の実施率/)
    // The server's figures agree with what the workspace counted while answering.
    expect(await page.getByTestId('stat-progress').textContent()).toContain(`${answeredCount}項目回答`)
    expect(await page.getByTestId('section-scores').locator('tbody tr').count()).toBeGreaterThanOrEqual(7)
    await page.waitForTimeout(3500) // let the chart animate in and the notifications close before the picture
    await shot('scores-approved')
  })
})
