'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { browserTestOptions, launch } = require('./chromium');
const { openAddonPage } = require('./addon-page');
const { addonWithBackend, MAP_ID } = require('../helpers');

const options = browserTestOptions();
let browser;
test.before(async () => {
  if (!options.skip) browser = await launch();
});
test.after(async () => {
  if (browser) await browser.close();
});

/**
 * @param {import('node:test').TestContext} t
 * @param {string} file
 * @param {(backend: import('../fakes/backend-double').BackendDouble) => Promise<unknown>} [setup]
 * @param {object} [addonOptions]
 */
async function open(t, file, setup = async () => {}, addonOptions = {}) {
  const { backend, addon } = await addonWithBackend(addonOptions);
  await setup(backend);
  const dialog = await openAddonPage(browser, file, { addon });
  t.after(async () => {
    await dialog.close();
    await backend.close();
  });
  return { backend, ...dialog };
}

test('the pipeline lists each MAP with health, slip and a link, riskiest first', options, async (t) => {
  const { page } = await open(t, 'Pipeline', (backend) =>
    backend.addMaps({ spreadsheet_id: 'globex', account: 'Globex', score: 30, label: 'At risk', slip_bd: 8 })
  );
  await page.waitForSelector('#maps', { state: 'visible' });
  const rows = await page.locator('#maps tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(/** @type {HTMLTableRowElement} */ (tr).cells).map((c) => c.textContent))
  );
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[4]]), [['Globex', '30 At risk', '+8 bd'], ['Acme Corp', '55 Watch', '+3 bd']]);
  assert.deepEqual(rows.map((r) => r[2]), ['Mar 31, 2027', 'Mar 31, 2027']); // the locale's format
  const pills = await page.locator('#maps tbody .pill').evaluateAll((els) => els.map((e) => e.className));
  assert.deepEqual(pills, ['pill bad', 'pill watch']); // the colour of each label
  assert.equal(await page.getAttribute('#maps tbody tr:first-child a', 'href'), 'https://docs.google.com/spreadsheets/d/globex/edit');
  assert.equal(await page.textContent('#count'), '2 MAPs');
});

test('changing the sort asks the backend again in that order', options, async (t) => {
  const { page, backend } = await open(t, 'Pipeline', (b) => b.addMaps({ spreadsheet_id: 'globex', account: 'Globex', score: 30, slip_bd: 8 }));
  await page.waitForSelector('#maps', { state: 'visible' });
  await page.selectOption('#sort', 'account');
  await page.waitForFunction(() => document.querySelector('#maps tbody tr a').textContent === 'Acme Corp');
  const sorts = (await backend.requests('/api/maps')).map((r) => r.query.sort);
  assert.deepEqual(sorts, ['risk', 'account']);
});

test('the pipeline shows each MAP\'s chance of signing this quarter and the roll-up beside the gut commit', options, async (t) => {
  const { page } = await open(t, 'Pipeline', (backend) =>
    backend.addMaps(
      { spreadsheet_id: 'globex', account: 'Globex', p_signature_quarter: 0.9, amount: 100000 },
      { spreadsheet_id: 'initech', account: 'Initech', p_signature_quarter: 0.05, amount: null, committed_this_quarter: false }
    )
  );
  await page.waitForSelector('#rollup', { state: 'visible' });
  // Acme Corp (the default MAP): 48%, 120,000, committed this quarter.
  assert.equal(await page.textContent('#expected'), '1.43 (147,600)');
  assert.equal(await page.textContent('#committed'), '2 (220,000)');
  const rows = await page.locator('#maps tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(/** @type {HTMLTableRowElement} */ (tr).cells).map((c) => c.textContent))
  );
  const byAccount = Object.fromEntries(rows.map((r) => [r[0], [r[5], r[6]]]));
  assert.deepEqual(byAccount, { Globex: ['90%', '100,000'], Initech: ['5%', '-'], 'Acme Corp': ['48%', '120,000'] });
});

test('sorting by the chance of signing asks the backend for that order and shows it', options, async (t) => {
  const { page, backend } = await open(t, 'Pipeline', (b) =>
    b.addMaps({ spreadsheet_id: 'globex', account: 'Globex', p_signature_quarter: 0.9 })
  );
  await page.waitForSelector('#maps', { state: 'visible' });
  await page.selectOption('#sort', 'signature');
  await page.waitForFunction(() => document.querySelector('#maps tbody tr a').textContent === 'Globex');
  const sorts = (await backend.requests('/api/maps')).map((r) => r.query.sort);
  assert.deepEqual(sorts, ['risk', 'signature']);
});

test('a pipeline error is shown readably', options, async (t) => {
  const { page } = await open(t, 'Pipeline', (b) =>
    b.answer({ path: '/api/maps', status: 429, body: { error: { code: 'RATE_LIMITED', message: 'quota' } } })
  );
  await page.waitForSelector('#error', { state: 'visible' });
  assert.equal(await page.textContent('#error'), "Google's quota is used up for the moment. Wait a minute and try again.");
});

test('the weekly review runs as the dialog opens and shows what it found', options, async (t) => {
  const { page, backend } = await open(t, 'WeeklyReview');
  await page.waitForSelector('#review', { state: 'visible' });
  assert.equal(await page.textContent('#intro'), 'Review of Nov 22, 2026, changes since Nov 15, 2026. It is also in the Reviews tab of this spreadsheet.');
  assert.equal(await page.textContent('[data-part=overdue] li'), 'Security questionnaire (Dana Lee <dana@acme.com>), due Nov 20, 2026');
  assert.equal(await page.textContent('[data-part=moved] li'), 'Legal redlines: Jan 25, 2027 to Feb 1, 2027');
  assert.equal(await page.textContent('[data-part=new_stakeholders] li'), 'Priya Patel <priya@acme.com>');
  assert.equal(await page.textContent('[data-part=completed] .count'), '(1)');
  assert.equal((await backend.requests('/api/maps/' + MAP_ID + '/review')).length, 1);
});

test('the weekly review of a spreadsheet that is not a MAP says what to do', options, async (t) => {
  const { page } = await open(t, 'WeeklyReview', async () => {}, { spreadsheet: { id: 'plain', name: 'Budget' } });
  await page.waitForSelector('#error', { state: 'visible' });
  assert.match(await page.textContent('#error'), /not a MAP yet/);
  assert.equal(await page.isVisible('#progress'), false);
});
