import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { englishContext, launchChromium, signInStaff } from '../helpers/browser.js';
import { createDemoCase } from '../../server/demo.js';
import { runAxe } from '../helpers/axe.js';

/**
 * The foundation as a user meets it, in Debian's Chromium: a mediator signs in, registers a case, schedules a hearing
 * and copies the applicant's link; the link, opened in another browser context (another person), passes the identity check.
 */
/** The new-case form's required fields: an unpaid-wages claim between a worker (ID type given) and a company. */
async function fillNewCase(page: Page, applicant: { name: string; idType: string; idNumber: string }): Promise<void> {
  await page.getByTestId('new-case').click();
  await page.getByTestId('case-new').waitFor();
  await page.getByTestId('dispute-type-unpaid_wages').check();
  await page.getByTestId('claim-amount').fill('12000.00');
  await page.getByTestId('party-name-0').fill(applicant.name);
  await page.getByTestId('party-id-type-0').selectOption(applicant.idType);
  await page.getByTestId('party-id-0').fill(applicant.idNumber);
  await page.getByTestId('party-name-1').fill('珠海横琴示例贸易有限公司');
  await page.getByTestId('party-id-1').fill('91440400MA5G0TEST2');
}

describe('mediator console and join page in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('registers a case, schedules a hearing, and the copied applicant link passes the identity check', async () => {
    const mediator = await englishContext(browser);
    await mediator.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
    const page = await mediator.newPage();
    await signInStaff(page, s.url, 'demo.mediator', DEMO_PASSWORD);

    await page.getByTestId('new-case').click();
    await page.getByTestId('case-new').waitFor();
    await page.getByTestId('dispute-type-unpaid_wages').check();
    await page.getByTestId('claim-amount').fill('28500.00');
    await page.getByTestId('claim-currency').selectOption('CNY');
    await page.getByTestId('case-summary').fill('拖欠2026年8月至10月工资');
    await page.getByTestId('party-name-0').fill('黄志强');
    await page.getByTestId('party-id-0').fill('440104198805052317');
    await page.getByTestId('party-name-1').fill('深圳前海示例科技有限公司');
    await page.getByTestId('party-id-1').fill('91440300MA5G0TEST1');
    await page.getByTestId('case-submit').click();

    await page.getByTestId('case-detail').waitFor();
    const caseId = await page.getByTestId('case-detail').getAttribute('data-case-id');
    expect(caseId).toBeTruthy();
    await expect.poll(() => page.getByTestId('case-status').getAttribute('data-status')).toBe('registered');

    await page.getByTestId('case-tab-hearings').click();
    await page.getByTestId('hearing-starts-at').fill('2026-12-03T10:00');
    await page.getByTestId('hearing-duration').fill('90');
    await page.getByTestId('hearing-submit').click();
    await page.getByTestId('hearing-card').waitFor();
    await expect.poll(() => page.getByTestId('case-status').getAttribute('data-status')).toBe('scheduled');

    await page.getByTestId('issue-link-applicant').click();
    const urlInput = page.getByTestId('link-url-applicant');
    await urlInput.waitFor();
    await page.getByTestId('copy-link-applicant').click();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(await urlInput.inputValue());
    expect(copied).toMatch(new RegExp(`^${s.url}/join#[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));

    // The applicant, on a phone-sized screen, in a separate browser context.
    const applicant = await englishContext(browser, { viewport: { width: 375, height: 740 } });
    const phone = await applicant.newPage();
    await phone.goto(copied);
    await phone.getByTestId('join-form').waitFor();
    expect(await phone.getByTestId('join-form').getAttribute('data-check')).toBe('party');
    expect(await phone.getByTestId('join-role').textContent()).toMatch(/applicant/i);
    // A wrong ID number is refused and the page stays.
    await phone.getByTestId('join-name').fill('黄志强');
    await phone.getByTestId('join-id-number').fill('440104198805050000');
    await phone.getByTestId('join-submit').click();
    await expect.poll(() => phone.getByTestId('error').getAttribute('data-code')).toBe('IDENTITY_CHECK_FAILED');
    await phone.getByTestId('join-id-number').fill('440104198805052317');
    await phone.getByTestId('join-submit').click();
    await phone.getByTestId('waiting-room').waitFor();
    expect(await phone.getByTestId('waiting-role').textContent()).toMatch(/applicant/i);

    // Back in the console, the audit trail records it all and verifies.
    await page.reload();
    await page.getByTestId('case-tab-audit').click();
    await page.getByTestId('audit-verify-status').waitFor();
    expect(await page.getByTestId('audit-verify-status').getAttribute('data-ok')).toBe('true');
    const actions = await s.services.audit.entries(caseId!);
    expect(actions.map((e) => e.action)).toEqual(
      expect.arrayContaining(['case.registered', 'hearing.scheduled', 'link.issued', 'identity.failed', 'identity.verified']),
    );
    await mediator.close();
    await applicant.close();
  });

  it('a signed-in clerk opens their own link without the password; another staff member\'s link still asks for it', async () => {
    const demo = await createDemoCase(s.services, s.url);
    const ctx = await englishContext(browser);
    const page = await ctx.newPage();
    await signInStaff(page, s.url, demo.staff.clerk.username, DEMO_PASSWORD);
    // Someone else's link first: the signed-in way is refused with a clear message and the password form remains.
    await page.goto(demo.links.mediator);
    await page.getByTestId('join-signed-in').waitFor();
    await page.getByTestId('join-continue-signed-in').click();
    await expect.poll(() => page.getByTestId('join-signed-in').getByTestId('error').getAttribute('data-code')).toBe('IDENTITY_CHECK_FAILED');
    expect(await page.getByTestId('join-signed-in').textContent()).toMatch(/another staff member/);
    expect(await page.getByTestId('join-password').isVisible()).toBe(true);
    // Their own link: one click past the identity check (the hearing has not started: the waiting page); the staff
    // session stays.
    await page.goto(`${s.url}/`);
    await page.getByTestId('case-list').waitFor();
    await page.goto(demo.links.clerk);
    await page.getByTestId('join-continue-signed-in').click();
    await page.getByTestId('waiting-room').waitFor();
    expect(await page.getByTestId('waiting-role').textContent()).toMatch(/clerk/i);
    const methods = (await s.services.audit.entries(demo.caseId)).filter((e) => e.action.startsWith('identity.')).map((e) => `${e.action}:${(e.data as any).method}`);
    expect(methods).toEqual(['identity.failed:staff-session', 'identity.verified:staff-session']);
    expect(await page.evaluate<boolean>(`!!localStorage.getItem('concord.session')`)).toBe(true);
    await ctx.close();
  });

  it('opens every demo link on the join page of its role', async () => {
    const demo = await createDemoCase(s.services, s.url);
    const ctx = await englishContext(browser, { viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    // The first link is looked up before the app has run, the others (only the fragment changes) by the join view:
    // one request per link either way.
    let inspections = 0;
    page.on('request', (r) => { if (r.url().endsWith('/api/join/inspect')) inspections++; });
    for (const [role, url] of Object.entries(demo.links)) {
      await page.goto(url);
      await page.getByTestId('join-form').waitFor();
      // The form is drawn from the link's payload; the facts follow with the inspection's answer.
      await expect.poll(() => page.getByTestId('join-case-number').textContent()).toContain(demo.caseNumber);
      expect(await page.getByTestId('join-form').getAttribute('data-check')).toBe(['applicant', 'respondent'].includes(role) ? 'party' : 'staff');
      expect((await page.getByTestId('join-role').textContent())?.toLowerCase()).toContain(role === 'court' ? 'court' : role);
    }
    expect(inspections).toBe(Object.keys(demo.links).length);
    await ctx.close();
  });

  it('the new-case form registers a case in chosen document languages (zh-Hant + en) and a Macau case in the automatic ones', async () => {
    const ctx = await englishContext(browser);
    const page = await ctx.newPage();
    await signInStaff(page, s.url, 'demo.mediator', DEMO_PASSWORD);

    // Explicit: a mainland worker (automatic would give Simplified Chinese alone), languages chosen with the keyboard.
    await fillNewCase(page, { name: '陈家明', idType: 'prc_id', idNumber: '440104199001011234' });
    expect(await page.getByTestId('case-languages-derived').textContent()).toBe('简体中文');
    expect(await page.getByTestId('case-languages-auto').isChecked()).toBe(true);
    await page.getByTestId('case-languages-auto').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('case-languages-explicit').isChecked()).toBe(true);
    await page.getByTestId('case-language-first').selectOption('zh-Hant');
    await page.getByTestId('case-language-second').selectOption('en');

    // The server's own check shows on the field: the first submission is altered on the wire to repeat a language,
    // the real server refuses it, nothing is registered and the page stays.
    await page.route(`${s.url}/api/cases`, async (route) => {
      const body = route.request().postDataJSON() as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, languages: ['en', 'en'] }) });
    }, { times: 1 });
    await page.getByTestId('case-submit').click();
    const fieldError = page.locator('[data-testid="field-error"][data-field="languages"]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toBe('Choose two different languages');
    expect(await page.getByTestId('case-new').isVisible()).toBe(true);
    // The control is labelled and its error tied to it (axe-core: no critical or serious finding on the form).
    const axe = await runAxe(page);
    expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);

    const sent = page.waitForRequest((r) => r.url() === `${s.url}/api/cases` && r.method() === 'POST');
    await page.getByTestId('case-submit').click();
    expect(((await sent).postDataJSON() as { languages?: unknown }).languages).toEqual(['zh-Hant', 'en']);
    await page.getByTestId('case-detail').waitFor();
    expect(await page.getByTestId('case-languages').textContent()).toBe('繁體中文 · English');
    const explicitId = await page.getByTestId('case-detail').getAttribute('data-case-id');
    expect(await s.services.cases.languages(explicitId!)).toEqual(['zh-Hant', 'en']);

    // Automatic: a Macau worker at a Guangzhou organisation; the form shows what the server will derive and sends nothing.
    await page.goto(`${s.url}/`);
    await page.getByTestId('case-list').waitFor();
    await fillNewCase(page, { name: 'Maria Lei 李瑪莉', idType: 'macau_id', idNumber: '1234567(8)' });
    await expect.poll(() => page.getByTestId('case-languages-derived').textContent()).toBe('简体中文 · Português');
    const sentAuto = page.waitForRequest((r) => r.url() === `${s.url}/api/cases` && r.method() === 'POST');
    await page.getByTestId('case-submit').click();
    expect('languages' in ((await sentAuto).postDataJSON() as object)).toBe(false);
    await page.getByTestId('case-detail').waitFor();
    await expect.poll(() => page.getByTestId('case-detail').getAttribute('data-case-id')).not.toBe(explicitId);
    expect(await page.getByTestId('case-languages').textContent()).toBe('简体中文 · Português');
    await ctx.close();
  });

  it('a mangled link (bad percent-encoding in the fragment) ends on "invalid link", not on a blank page', async () => {
    const ctx = await englishContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${s.url}/join#token=%E0%A4%ZZeyabc.def.ghi`);
    await page.getByTestId('join-error').waitFor();
    expect(await page.getByTestId('join-error').getAttribute('data-problem')).toBe('join.invalid');
    await ctx.close();
  });
});
