'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { browserTestOptions, launch } = require('./chromium');
const { openAddonPage } = require('./addon-page');
const { addonWithBackend, MAP_ID } = require('../helpers');
const { mapDetail } = require('../fakes/sample-responses');

const options = browserTestOptions();
let browser;
test.before(async () => {
  if (!options.skip) browser = await launch();
});
test.after(async () => {
  if (browser) await browser.close();
});

/** The sidebar on the add-on, on a backend double. */
/**
 * @param {import('node:test').TestContext} t
 * @param {{hold?: string[], addonOptions?: object, detail?: object, locale?: string, now?: string}} [options]
 */
async function openSidebar(t, { hold = [], addonOptions = {}, detail = undefined, locale = 'en-US', now = undefined } = {}) {
  const { backend, addon } = await addonWithBackend(addonOptions);
  if (detail) await backend.answer({ path: '/api/maps/' + MAP_ID, status: 200, body: detail });
  const sidebar = await openAddonPage(browser, 'Sidebar', { addon, hold, locale, now });
  t.after(async () => {
    await sidebar.close();
    await backend.close();
  });
  return { backend, addon, ...sidebar };
}

const texts = (page, selector) => page.locator(selector).allTextContents();

test('the sidebar shows the score, go-live dates, slip, each risk with what to do, and the next steps', options, async (t) => {
  const { page, pageErrors } = await openSidebar(t);
  await page.waitForSelector('#health', { state: 'visible' });
  assert.equal(await page.textContent('#account'), 'Acme Corp');
  assert.equal(await page.textContent('#score'), '55');
  assert.equal(await page.textContent('#label'), 'Watch');
  assert.match(await page.getAttribute('#score', 'class'), /watch/);
  assert.equal(await page.textContent('#committed'), 'Mar 31, 2027');
  assert.equal(await page.textContent('#projected'), 'Apr 5, 2027');
  assert.equal(await page.textContent('#slip'), '3 business days late');
  assert.deepEqual(await texts(page, '#risks li'), [
    'highGo-live is projected 3 business days late: agree a date for legal redlines with Dana.Milestones: Legal redlines',
    'mediumName one person for "Legal redlines" instead of "Legal team".Milestones: Legal redlines',
  ]);
  assert.deepEqual(await texts(page, '#next-steps li'), [
    'Security questionnaireDana Lee <dana@acme.com> · due Jan 4, 2027',
    'Legal redlinesLegal team · due Feb 1, 2027',
  ]);
  assert.equal(await page.getAttribute('#calendar', 'href'), mapDetail({ spreadsheet_id: MAP_ID }).calendar_url);
  assert.equal(await page.isVisible('#loading'), false);
  assert.deepEqual(pageErrors, []);
});

test('Refresh now syncs the MAP and shows the answer', options, async (t) => {
  const { page, backend, release } = await openSidebar(t, { hold: ['refreshMap'] });
  await page.waitForSelector('#health', { state: 'visible' });
  await backend.answer({
    path: '/api/maps/' + MAP_ID + '/refresh',
    status: 200,
    body: mapDetail({ spreadsheet_id: MAP_ID, score: 82, label: 'Healthy', slip_bd: 0, projected_go_live: '2027-03-31' }),
  });
  await page.click('#refresh');
  await page.waitForSelector('#loading', { state: 'visible' });
  assert.equal(await page.textContent('#loading-text'), 'Syncing the MAP...');
  assert.equal(await page.isDisabled('#refresh'), true);
  release('refreshMap');
  await page.waitForSelector('#loading', { state: 'hidden' });
  assert.equal(await page.textContent('#score'), '82');
  assert.equal(await page.textContent('#slip'), 'On time');
  assert.equal((await backend.requests('/api/maps/' + MAP_ID + '/refresh')).length, 1);
});

test('a spreadsheet that is not a MAP gets a message that says what to do', options, async (t) => {
  const { page } = await openSidebar(t, { addonOptions: { spreadsheet: { id: 'plain', name: 'Budget' } } });
  await page.waitForSelector('#error', { state: 'visible' });
  assert.match(await page.textContent('#error'), /^This spreadsheet is not a MAP yet\. Use Create MAP\.\.\./);
  assert.equal(await page.isVisible('#health'), false);
});

test('a plan without risks or next steps says so instead of an empty list', options, async (t) => {
  const detail = { ...mapDetail({ spreadsheet_id: MAP_ID }), risks: [], next_steps: [] };
  const { page } = await openSidebar(t, { detail });
  await page.waitForSelector('#health', { state: 'visible' });
  assert.deepEqual(await texts(page, '#risks li'), ['No risks found. Keep the dates and owners up to date.']);
  assert.deepEqual(await texts(page, '#next-steps li'), ['Nothing is due in the next two weeks.']);
});

test('text typed into the sheet is shown as text, never run as markup', options, async (t) => {
  const detail = mapDetail({ spreadsheet_id: MAP_ID });
  detail.next_steps[0].title = '<img src=x onerror="window.__pwned=1">Security questionnaire';
  detail.risks[0].message = '<b>Call Dana</b>';
  detail.calendar_url = 'javascript:alert(1)';
  const { page } = await openSidebar(t, { detail });
  await page.waitForSelector('#health', { state: 'visible' });
  assert.match((await texts(page, '#next-steps li'))[0], /^<img src=x/);
  assert.match((await texts(page, '#risks li'))[0], /<b>Call Dana<\/b>/);
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__pwned), undefined);
  assert.equal(await page.isVisible('#calendar'), false, 'only http(s) links are shown');
});

test('New link replaces the calendar link and says the old one no longer works', options, async (t) => {
  const { page, backend, release } = await openSidebar(t, { hold: ['newCalendarLink'] });
  await page.waitForSelector('#health', { state: 'visible' });
  const old = await page.getAttribute('#calendar', 'href');
  await page.click('#calendar-new');
  await page.waitForFunction(() => /** @type {HTMLButtonElement} */ (document.getElementById('calendar-new')).disabled);
  assert.equal(await page.isDisabled('#calendar-revoke'), true);
  release('newCalendarLink');
  await page.waitForFunction(() => document.getElementById('calendar-note').textContent !== '');
  const now = await page.getAttribute('#calendar', 'href');
  assert.notEqual(now, old);
  assert.match(now, /calendar\.ics\?key=k3y1$/);
  assert.match(await page.textContent('#calendar-note'), /old link no longer works/);
  assert.equal(await page.isDisabled('#calendar-new'), false);
  const sent = await backend.requests('/api/maps/' + MAP_ID + '/calendar-key');
  assert.deepEqual(sent.map((r) => r.method), ['POST']);
});

test('Turn off hides the calendar link, says the feed is off, and offers to turn it on', options, async (t) => {
  const { page, backend } = await openSidebar(t);
  await page.waitForSelector('#health', { state: 'visible' });
  await page.click('#calendar-revoke');
  await page.waitForSelector('#calendar-off', { state: 'visible' });
  assert.equal(await page.isVisible('#calendar'), false);
  assert.equal(await page.isVisible('#calendar-revoke'), false);
  assert.equal(await page.textContent('#calendar-new'), 'Turn on with a new link');
  assert.match(await page.textContent('#calendar-note'), /feed is off/);
  await page.click('#calendar-new');
  await page.waitForSelector('#calendar', { state: 'visible' });
  assert.equal(await page.isVisible('#calendar-off'), false);
  const sent = await backend.requests('/api/maps/' + MAP_ID + '/calendar-key');
  assert.deepEqual(sent.map((r) => r.method), ['DELETE', 'POST']);
});

test('a MAP whose calendar feed is off opens with the feed shown as off', options, async (t) => {
  const { page } = await openSidebar(t, { detail: mapDetail({ spreadsheet_id: MAP_ID, calendar_url: null }) });
  await page.waitForSelector('#health', { state: 'visible' });
  assert.equal(await page.isVisible('#calendar'), false);
  assert.equal(await page.isVisible('#calendar-off'), true);
  assert.equal(await page.textContent('#calendar-new'), 'Turn on with a new link');
});

test('a German reader sees every date in German order, and only in that format', options, async (t) => {
  const { page, pageErrors } = await openSidebar(t, { locale: 'de-DE' });
  await page.waitForSelector('#health', { state: 'visible' });
  const german = (y, m, d) =>
    new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('de-DE', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
  assert.equal(await page.textContent('#committed'), german(2027, 3, 31));
  assert.match(await page.textContent('#committed'), /^31\. März 2027$/);
  assert.equal(await page.textContent('#projected'), german(2027, 4, 5));
  const steps = await texts(page, '#next-steps li');
  assert.ok(steps[0].endsWith('due ' + german(2027, 1, 4)), steps[0]);
  const shown = [await page.textContent('#committed'), await page.textContent('#projected'), ...steps].join(' ');
  assert.doesNotMatch(shown, /\d{4}-\d{2}-\d{2}/); // no ISO date left
  assert.deepEqual(pageErrors, []);
});

test('the sidebar says how long ago the MAP was synced, not a raw timestamp', options, async (t) => {
  const detail = mapDetail({ spreadsheet_id: MAP_ID });
  detail.summary.last_synced_at = '2026-12-03T08:12:09.111272+00:00';
  const { page } = await openSidebar(t, { detail, now: '2026-12-03T08:15:30Z' });
  await page.waitForSelector('#health', { state: 'visible' });
  assert.equal(await page.textContent('#synced'), 'Synced 3 min ago');
  assert.match(await page.getAttribute('#synced', 'title'), /2026/); // the full time on hover
});

/** @type {[number, string, string][]} */
const TONES = [[72, 'Healthy', 'good'], [45, 'Watch', 'watch'], [39, 'At risk', 'bad']];
for (const [score, label, tone] of TONES) {
  test(`the colour of a score of ${score} is the colour of its label, ${label}`, options, async (t) => {
    const detail = mapDetail({ spreadsheet_id: MAP_ID, score, label });
    const { page } = await openSidebar(t, { detail });
    await page.waitForSelector('#health', { state: 'visible' });
    assert.equal(await page.textContent('#label'), label);
    assert.equal(await page.getAttribute('#score', 'class'), 'number ' + tone);
    assert.equal(await page.getAttribute('#label', 'class'), 'label ' + tone);
  });
}

test('the Reminders section shows who gets what next, owners without an email, last sent and the call agenda', options, async (t) => {
  const { page, pageErrors } = await openSidebar(t);
  await page.waitForSelector('#reminders', { state: 'visible' });
  assert.equal(await page.isChecked('#reminders-enabled'), true);
  assert.deepEqual(await texts(page, '#reminders-upcoming li'), ['Dana Lee: Security questionnairedue soon · Dec 30, 2026']);
  assert.deepEqual(await texts(page, '#reminders-unreachable li'), ['Legal team: Legal redlines']);
  assert.deepEqual(await texts(page, '#reminders-sent li'), ['Acme Corp plan: 1 step to updatedana@acme.com · Nov 23, 2026']);
  assert.deepEqual(await texts(page, '#agenda li'), [
    'The security questionnaire was due last week; what is happening on your end?',
    'Book the next step: "Legal redlines" by 1 Feb 2027.',
  ]);
  assert.deepEqual(pageErrors, []);
});

test('the switch turns the MAP reminders off, and back when the backend refuses', options, async (t) => {
  const { page, backend } = await openSidebar(t);
  await page.waitForSelector('#reminders', { state: 'visible' });
  await page.click('#reminders-enabled');
  await page.waitForFunction(() => document.querySelector('#reminders-upcoming li')?.textContent === 'Reminders are off for this MAP.');
  assert.equal(await page.isChecked('#reminders-enabled'), false);
  const puts = (await backend.requests('/api/maps/' + MAP_ID + '/reminders')).filter((r) => r.method === 'PUT');
  assert.deepEqual(puts.map((r) => r.json), [{ enabled: false }]);

  await backend.answer({ path: '/api/maps/' + MAP_ID + '/reminders', method: 'PUT', status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'down', details: {} } } });
  await page.click('#reminders-enabled');
  await page.waitForSelector('#reminders-error', { state: 'visible' });
  assert.equal(await page.isChecked('#reminders-enabled'), false, 'the switch shows what the backend holds');
});

test('the sidebar shows the forecast: odds and dates, the drivers, what to do, and its basis', options, async (t) => {
  const { page, pageErrors } = await openSidebar(t);
  await page.waitForSelector('#forecast', { state: 'visible' });
  assert.equal(await page.textContent('#go-live-odds'), '62% on time');
  assert.equal(await page.textContent('#go-live-dates'), 'even odds by Mar 24, 2027 · 4 in 5 by Apr 9, 2027');
  assert.equal(await page.textContent('#signature-odds'), '48% in its quarter');
  assert.equal(await page.textContent('#signature-dates'), 'even odds by Feb 17, 2027 · 4 in 5 by Mar 3, 2027');
  assert.deepEqual(await texts(page, '#drivers li'), [
    'Legal redlines: 60% of the risk',
    'Security questionnaire: 25% of the risk',
  ]);
  assert.match(await page.textContent('#advice'), /^What to do: .*"Legal redlines"/);
  assert.equal(await page.textContent('#basis'), 'Based on 42 past plans');
  assert.deepEqual(pageErrors, []);
});

test('a plan without a signature step or drivers, on the priors, says so', options, async (t) => {
  const detail = mapDetail({ spreadsheet_id: MAP_ID });
  detail.forecast = {
    ...detail.forecast,
    basis: { kind: 'priors', plans: 0, text: 'priors' },
    signature: null,
    drivers: [],
    advice: null,
  };
  const { page } = await openSidebar(t, { detail });
  await page.waitForSelector('#forecast', { state: 'visible' });
  assert.equal(await page.isVisible('#signature-odds'), false);
  assert.deepEqual(await texts(page, '#drivers li'), ['No step carries a risk worth naming.']);
  assert.equal(await page.isVisible('#advice'), false);
  assert.equal(await page.textContent('#basis'), 'Based on priors');
});

test('a MAP not computed yet shows no forecast section', options, async (t) => {
  const detail = { ...mapDetail({ spreadsheet_id: MAP_ID }), forecast: null };
  const { page } = await openSidebar(t, { detail });
  await page.waitForSelector('#health', { state: 'visible' });
  assert.equal(await page.isVisible('#forecast'), false);
});

test('clicking a risk\'s milestones selects their rows in the Plan tab', options, async (t) => {
  const detail = mapDetail({ spreadsheet_id: MAP_ID });
  detail.risks[0].milestones = ['m2'];
  const { page, addon, calls, pageErrors } = await openSidebar(t, { detail });
  await page.waitForSelector('#health', { state: 'visible' });
  const button = page.locator('#risks li').first().locator('button.rows');
  assert.equal(await button.textContent(), 'Milestones: Security questionnaire');
  await button.click();
  await waitUntil(() => addon.spreadsheet.selection !== null);
  assert.deepEqual(calls.filter((c) => c.name === 'selectMilestoneRows').map((c) => c.args), [[['m2']]]);
  assert.deepEqual(addon.spreadsheet.selection, { sheet: 'Plan', ranges: ['A3:F3'] });
  assert.deepEqual(pageErrors, []);
});

/** @param {() => boolean} condition */
async function waitUntil(condition) {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), 'the condition never held');
}
