'use strict';
// axe-core over each of the add-on's pages in Chromium, in the states people see:
// the dialogs, and the sidebar with a MAP loaded. No serious or critical violation.
const test = require('node:test');
const assert = require('node:assert/strict');
const { browserTestOptions, launch } = require('./chromium');
const { openAddonPage } = require('./addon-page');
const { addonWithBackend } = require('../helpers');

const options = browserTestOptions();
let browser;
test.before(async () => {
  if (!options.skip) browser = await launch();
});
test.after(async () => {
  if (browser) await browser.close();
});

/**
 * The serious and critical violations axe-core finds on the page, as readable lines.
 * @param {import('playwright-core').Page} page
 */
async function seriousViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  const results = await page.evaluate(() => /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * @param {import('node:test').TestContext} t
 * @param {string} file
 * @param {string} ready a selector visible once the page has loaded what it shows
 * @param {(backend: any) => Promise<unknown>} [setup]
 */
async function check(t, file, ready, setup = async () => {}) {
  const { backend, addon } = await addonWithBackend();
  await setup(backend);
  const opened = await openAddonPage(browser, file, { addon });
  t.after(async () => {
    await opened.close();
    await backend.close();
  });
  await opened.page.waitForSelector(ready, { state: 'visible' });
  assert.deepEqual(await seriousViolations(opened.page), []);
}

test('the sidebar with a MAP loaded has no serious accessibility violation', options, (t) =>
  check(t, 'Sidebar', '#health'));

test('the Create MAP dialog has no serious accessibility violation', options, (t) =>
  check(t, 'CreateMap', '#create-form'));

test('the pipeline dialog has no serious accessibility violation', options, (t) =>
  check(t, 'Pipeline', '#maps', (b) => b.addMaps({ spreadsheet_id: 'globex', account: 'Globex', score: 30, slip_bd: 8 })));

test('the weekly review dialog has no serious accessibility violation', options, (t) =>
  check(t, 'WeeklyReview', '#review'));
