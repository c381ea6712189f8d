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
 * @param {{hold?: string[], addonOptions?: object, detail?: object}} [options]
 */
async function openSidebar(t, { hold = [], addonOptions = {}, detail = undefined } = {}) {
  const { backend, addon } = await addonWithBackend(addonOptions);
  if (detail) await backend.answer({ path: '/api/maps/' + MAP_ID, status: 200, body: detail });
  const sidebar = await openAddonPage(browser, 'Sidebar', { addon, hold });
  t.after(async () => {
    await sidebar.close();
    await backend.close();
  });
  return { backend, ...sidebar };
}

const texts = (page, selector) => page.locator(selector).allTextContents();

test('the sidebar shows the score, go-live dates, slip, each risk with what to do, and the next steps', options, async (t) => {
  const { page, pageErrors } = await openSidebar(t);
  await page.waitForSelector('#health', { state: 'visible' });
  assert.equal(await page.textContent('#account'), 'Acme Corp');
  assert.equal(await page.textContent('#score'), '55');
  assert.equal(await page.textContent('#label'), 'Watch');
  assert.match(await page.getAttribute('#score', 'class'), /watch/);
  assert.equal(await page.textContent('#committed'), '2027-03-31');
  assert.equal(await page.textContent('#projected'), '2027-04-05');
  assert.equal(await page.textContent('#slip'), '3 business days late');
  assert.deepEqual(await texts(page, '#risks li'), [
    'highGo-live is projected 3 business days late: agree a date for legal redlines with Dana.Milestones: Legal redlines',
    'mediumName one person for "Legal redlines" instead of "Legal team".Milestones: Legal redlines',
  ]);
  assert.deepEqual(await texts(page, '#next-steps li'), [
    'Security questionnaireDana Lee <dana@acme.com> · due 2027-01-04',
    'Legal redlinesLegal team · due 2027-02-01',
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

test('the sidebar shows the forecast: odds and dates, the drivers, what to do, and its basis', options, async (t) => {
  const { page, pageErrors } = await openSidebar(t);
  await page.waitForSelector('#forecast', { state: 'visible' });
  assert.equal(await page.textContent('#go-live-odds'), '62% on time');
  assert.equal(await page.textContent('#go-live-dates'), 'even odds by 2027-03-24 · 4 in 5 by 2027-04-09');
  assert.equal(await page.textContent('#signature-odds'), '48% in its quarter');
  assert.equal(await page.textContent('#signature-dates'), 'even odds by 2027-02-17 · 4 in 5 by 2027-03-03');
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
