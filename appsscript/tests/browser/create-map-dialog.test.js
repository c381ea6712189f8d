'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { browserTestOptions, launch } = require('./chromium');
const { openAddonPage, isoDaysFromToday } = require('./addon-page');
const { addonWithBackend, MAP_ID } = require('../helpers');

const options = browserTestOptions();
let browser;
test.before(async () => {
  if (!options.skip) browser = await launch();
});
test.after(async () => {
  if (browser) await browser.close();
});

/** The dialog on the add-on, on a backend double. */
/**
 * @param {import('node:test').TestContext} t
 * @param {{hold?: string[], addonOptions?: object}} [options]
 */
async function openDialog(t, { hold = [], addonOptions = {} } = {}) {
  const { backend, addon } = await addonWithBackend({ userEmail: 'sam@vendor.com', ...addonOptions });
  const dialog = await openAddonPage(browser, 'CreateMap', { addon, hold });
  t.after(async () => {
    await dialog.close();
    await backend.close();
  });
  await dialog.page.waitForSelector('#template option[value=enterprise]', { state: 'attached' });
  return { backend, addon, ...dialog };
}

/** Fills every field with good values. */
async function fillGoodForm(page) {
  await page.selectOption('#template', 'enterprise');
  await page.fill('#account', 'Acme Corp');
  await page.fill('#outcome', 'Cut new-hire ramp time by 50%');
  await page.fill('#go_live', isoDaysFromToday(120));
  await page.fill('#signature_date', isoDaysFromToday(90));
  await page.fill('#buyer-name-0', 'Dana Lee');
  await page.fill('#buyer-email-0', 'dana@acme.com');
  await page.click('#add-buyer');
  await page.fill('#buyer-name-1', 'Priya Patel');
  await page.fill('#buyer-email-1', 'priya@acme.com');
  await page.selectOption('#country', 'GB');
}

/** The message shown next to a field (by its API path). */
function fieldError(page, field) {
  return page.locator(`[data-field="${field}"] > .error`).textContent();
}

test('the seller fills the form, sees progress while it works, then the link to the new MAP', options, async (t) => {
  const { page, backend, calls, release, pageErrors } = await openDialog(t, { hold: ['createMap'] });
  assert.equal(await page.inputValue('#seller_owner'), 'sam@vendor.com', 'prefilled from the user');
  assert.equal(await page.textContent('#current-label'), 'In this spreadsheet (Acme Corp MAP)');
  await fillGoodForm(page);
  await page.click('#submit');

  await page.waitForSelector('#progress', { state: 'visible' });
  assert.match(await page.textContent('#progress'), /Creating the MAP/);
  assert.equal(await page.isVisible('#create-form'), false);
  assert.equal(await page.isVisible('#result'), false);
  release('createMap');

  await page.waitForSelector('#result', { state: 'visible' });
  assert.equal(await page.getAttribute('#map-link', 'href'), 'https://docs.google.com/spreadsheets/d/new-map-1/edit');
  assert.equal(await page.getAttribute('#map-link', 'target'), '_blank');
  assert.equal(await page.textContent('#result-title'), 'The MAP for Acme Corp is ready.');
  assert.match(await page.textContent('#result-summary'), /shared with dana@acme\.com, priya@acme\.com/);

  const [post] = await backend.requests('/api/maps');
  assert.deepEqual(post.json, {
    template: 'enterprise',
    account: 'Acme Corp',
    outcome: 'Cut new-hire ramp time by 50%',
    go_live: isoDaysFromToday(120),
    buyers: [{ name: 'Dana Lee', email: 'dana@acme.com' }, { name: 'Priya Patel', email: 'priya@acme.com' }],
    seller_owner: 'sam@vendor.com',
    country: 'GB',
    signature_date: isoDaysFromToday(90),
    spreadsheet_id: null,
    time_zone: 'Etc/GMT',
    locale: 'en_US',
  });
  assert.deepEqual(calls.map((c) => c.name).sort(), ['createMap', 'getCreateMapDefaults', 'getTemplates']);
  assert.deepEqual(pageErrors, []);
});

test('choosing "in this spreadsheet" sends this file and says the MAP is here', options, async (t) => {
  const spreadsheet = { id: 'fresh-sheet', name: 'Acme deal', timeZone: 'Pacific/Kiritimati' };
  const { page, backend } = await openDialog(t, { addonOptions: { spreadsheet } });
  await fillGoodForm(page);
  await page.check('input[name=where][value=current]');
  await page.click('#submit');
  await page.waitForSelector('#result', { state: 'visible' });
  assert.equal(await page.textContent('#result-title'), 'The MAP for Acme Corp is ready in this spreadsheet.');
  const [post] = await backend.requests('/api/maps');
  assert.equal(post.json.spreadsheet_id, 'fresh-sheet');
  assert.equal(post.json.time_zone, 'Pacific/Kiritimati'); // the MAP's today is this sheet's
});

test('a deal amount typed with separators reaches the backend as a whole number', options, async (t) => {
  const { page, backend } = await openDialog(t);
  await fillGoodForm(page);
  await page.fill('#amount', '250,000');
  await page.click('#submit');
  await page.waitForSelector('#result', { state: 'visible' });
  const [post] = await backend.requests('/api/maps');
  assert.equal(post.json.amount, 250000);
});

test('an amount that is not a whole number is shown next to its field, and nothing is sent', options, async (t) => {
  const { page, backend } = await openDialog(t);
  await fillGoodForm(page);
  await page.fill('#amount', '12.5k');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('[data-field="amount"] > .error').textContent !== '');
  assert.equal(await fieldError(page, 'amount'), 'Enter the amount as a whole number, e.g. 120000.');
  assert.deepEqual(await backend.requests('/api/maps'), []);
});

test('an empty form shows what each required field needs, and nothing is sent', options, async (t) => {
  const { page, calls } = await openDialog(t);
  await page.fill('#seller_owner', '');
  await page.click('#submit');
  assert.equal(await fieldError(page, 'template'), 'Choose a template.');
  assert.equal(await fieldError(page, 'account'), 'Enter the account (the buyer company).');
  assert.equal(await fieldError(page, 'outcome'), 'Say why the buyer is doing this: the outcome they want.');
  assert.equal(await fieldError(page, 'go_live'), 'Enter the go-live date.');
  assert.equal(await fieldError(page, 'buyers[0].name'), "Enter the buyer contact's name.");
  assert.equal(await fieldError(page, 'buyers[0].email'), "Enter the buyer contact's email.");
  assert.equal(await fieldError(page, 'seller_owner'), 'Enter the seller who owns this MAP.');
  assert.equal(await page.getAttribute('#account', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'template', 'focus on the first problem');
  assert.equal(calls.filter((c) => c.name === 'createMap').length, 0);
});

/** @type {[string, (p: import('playwright-core').Page) => Promise<void>, string, string][]} */
const BAD_INPUT = [
  ['a buyer email without a domain', (p) => p.fill('#buyer-email-0', 'dana@acme'), 'buyers[0].email', 'Not an email address, e.g. dana@acme.com.'],
  ['a go-live today', (p) => p.fill('#go_live', isoDaysFromToday(0)), 'go_live', 'Go-live must be in the future.'],
  ['a go-live in the past', (p) => p.fill('#go_live', isoDaysFromToday(-3)), 'go_live', 'Go-live must be in the future.'],
  ['a signature after go-live', (p) => p.fill('#signature_date', isoDaysFromToday(130)), 'signature_date', 'The signature must come before go-live.'],
  ['a signature on go-live day', (p) => p.fill('#signature_date', isoDaysFromToday(120)), 'signature_date', 'The signature must come before go-live.'],
  ['a seller owner without an email', (p) => p.fill('#seller_owner', 'Sam Seller'), 'seller_owner', 'Enter an email, e.g. Sam Seller <sam@vendor.com>.'],
  ['the same buyer twice', (p) => p.fill('#buyer-email-1', 'DANA@acme.com'), 'buyers[1].email', 'This contact is listed twice.'],
];
for (const [what, spoil, field, message] of BAD_INPUT) {
  test(`${what} shows "${message}" next to the field`, options, async (t) => {
    const { page, calls } = await openDialog(t);
    await fillGoodForm(page);
    await spoil(page);
    await page.click('#submit');
    assert.equal(await fieldError(page, field), message);
    assert.equal(await page.isVisible('#create-form'), true);
    assert.equal(calls.filter((c) => c.name === 'createMap').length, 0);
  });
}

test('a removed buyer row is not sent and the rows after it move up', options, async (t) => {
  const { page, backend } = await openDialog(t);
  await fillGoodForm(page);
  await page.click('[data-field="buyers[0].name"] ~ .remove');
  assert.equal(await page.inputValue('#buyer-email-0'), 'priya@acme.com');
  assert.equal(await page.isDisabled('.buyer .remove'), true, 'the last row cannot be removed');
  await page.click('#submit');
  await page.waitForSelector('#result', { state: 'visible' });
  const [post] = await backend.requests('/api/maps');
  assert.deepEqual(post.json.buyers, [{ name: 'Priya Patel', email: 'priya@acme.com' }]);
});

test("the backend's field errors (422) appear next to their fields", options, async (t) => {
  const { page, backend } = await openDialog(t);
  await backend.answer({
    path: '/api/maps',
    status: 422,
    body: { error: { code: 'VALIDATION_FAILED', message: 'x', details: { fields: [
      { field: 'go_live', message: 'falls on a public holiday in GB' },
      { field: 'buyers[1].email', message: 'domain does not accept mail' },
      { field: 'quarter', message: 'closed for this quarter' },
    ] } } },
  });
  await fillGoodForm(page);
  await page.click('#submit');
  await page.waitForSelector('#create-form', { state: 'visible' });
  assert.equal(await fieldError(page, 'go_live'), 'falls on a public holiday in GB');
  assert.equal(await fieldError(page, 'buyers[1].email'), 'domain does not accept mail');
  assert.equal(await page.textContent('#form-error'), 'Please correct the fields marked below.\nquarter: closed for this quarter');
  assert.equal(await page.inputValue('#account'), 'Acme Corp', 'what was typed stays');
});

test('a backend refusal without fields is shown readably above the form', options, async (t) => {
  const { page } = await openDialog(t, { addonOptions: { spreadsheet: { id: MAP_ID, name: 'Acme Corp MAP' } } });
  await fillGoodForm(page);
  await page.check('input[name=where][value=current]');
  await page.click('#submit');
  await page.waitForSelector('#form-error', { state: 'visible' });
  assert.equal(await page.textContent('#form-error'), 'This spreadsheet already holds a MAP. Create the new one in a new spreadsheet.');
});

test('templates that fail to load say why and can be loaded again', options, async (t) => {
  const { backend, addon } = await addonWithBackend();
  await backend.answer({ path: '/api/templates', status: 503, body: { error: { code: 'GOOGLE_UNAVAILABLE', message: 'x' } } });
  const { page, close } = await openAddonPage(browser, 'CreateMap', { addon });
  t.after(async () => {
    await close();
    await backend.close();
  });
  await page.waitForSelector('#reload-templates', { state: 'visible' });
  assert.match(await fieldError(page, 'template'), /Google Sheets is not answering/);
  await page.click('#reload-templates');
  await page.waitForSelector('#template option[value=enterprise]', { state: 'attached' });
  assert.equal(await fieldError(page, 'template'), '');
});

test('Cancel closes the dialog', options, async (t) => {
  const { page } = await openDialog(t);
  await page.click('#cancel');
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__closed), true);
});
