'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { addonWithBackend, createForm, loadAddon, mapSpreadsheet, MAP_ID } = require('../helpers');

const SERVICE_ACCOUNT = 'map-backend@project.iam.gserviceaccount.com';

test('Create MAP in a new spreadsheet sends the form as the API body and answers with the link', async (t) => {
  const { backend, addon } = await addonWithBackend({ oauthToken: 'seller-oauth' });
  t.after(() => backend.close());
  const answer = addon.call('createMap', createForm());
  assert.equal(answer.spreadsheet_id, 'new-map-1');
  assert.equal(answer.url, 'https://docs.google.com/spreadsheets/d/new-map-1/edit');
  assert.equal(answer.summary.account, 'Acme Corp');
  const [post] = await backend.requests('/api/maps');
  assert.deepEqual(post.json, { ...createForm(), time_zone: 'Etc/GMT', locale: 'en_US' }); // and the sheet's zone and locale
  assert.equal(post.headers['x-goog-access-token'], 'seller-oauth');
});

test('what people typed is trimmed, empty buyer rows dropped and the country upper-cased', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.call('createMap', createForm({
    account: '  Acme Corp ',
    buyers: [{ name: ' Dana Lee ', email: ' dana@acme.com' }, { name: '', email: '' }],
    country: 'gb',
    signature_date: '',
  }));
  const [post] = await backend.requests('/api/maps');
  assert.equal(post.json.account, 'Acme Corp');
  assert.deepEqual(post.json.buyers, [{ name: 'Dana Lee', email: 'dana@acme.com' }]);
  assert.equal(post.json.country, 'GB');
  assert.equal(post.json.signature_date, null);
});

test('an amount is sent as a whole number, and left out when not given', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.call('createMap', createForm({ amount: ' 120,000 ' }));
  addon.call('createMap', createForm({ amount: '' }));
  const [withAmount, without] = await backend.requests('/api/maps');
  assert.equal(withAmount.json.amount, 120000);
  assert.equal('amount' in without.json, false);
});

/** @type {[string, object, string, RegExp][]} */
const INVALID = [
  ['an amount with cents', { amount: '120000.50' }, 'amount', /whole number/],
  ['an amount in words', { amount: 'lots' }, 'amount', /whole number/],
  ['no buyer contact', { buyers: [] }, 'buyers', /at least one buyer/],
  ['a buyer email without @', { buyers: [{ name: 'Dana', email: 'dana.acme.com' }] }, 'buyers[0].email', /Not an email/],
  ['a buyer without a name', { buyers: [{ name: '', email: 'dana@acme.com' }] }, 'buyers[0].name', /name/],
  ['the same buyer twice', { buyers: [{ name: 'A', email: 'dana@acme.com' }, { name: 'B', email: 'DANA@acme.com' }] }, 'buyers[1].email', /twice/],
  ['a go-live that is not a date', { go_live: '31/03/2027' }, 'go_live', /YYYY-MM-DD/],
  ['a go-live on 30 February', { go_live: '2027-02-30' }, 'go_live', /YYYY-MM-DD/],
  ['a signature after go-live', { signature_date: '2027-04-01' }, 'signature_date', /before go-live/],
  ['a seller owner without an email', { seller_owner: 'Sam Seller' }, 'seller_owner', /email/],
  ['no outcome', { outcome: ' ' }, 'outcome', /outcome/],
  ['another spreadsheet than this one', { spreadsheet_id: 'someone-elses' }, 'spreadsheet_id', /open in/],
];
for (const [what, change, field, message] of INVALID) {
  test(`${what} is refused before anything is sent, next to its field`, async (t) => {
    const { backend, addon } = await addonWithBackend();
    t.after(() => backend.close());
    /** @type {any} */
    let error;
    assert.throws(() => addon.call('createMap', createForm(change)), (e) => ((error = e), true));
    const hit = error.fields.find((f) => f.field === field);
    assert.ok(hit, 'a message for ' + field + ' in ' + JSON.stringify(error.fields));
    assert.match(hit.message, message);
    assert.match(error.message, new RegExp('^Please correct these fields:\\n(.*\\n)*- ' + field.replace(/[[\]]/g, '\\$&') + ': '));
    assert.deepEqual(await backend.requests(), []);
  });
}

test('Create MAP in this spreadsheet shares it with the backend service account first', async (t) => {
  const { backend, addon } = await addonWithBackend({
    spreadsheet: { id: 'fresh-sheet', name: 'Acme deal' },
    scriptProperties: { BACKEND_SERVICE_ACCOUNT: SERVICE_ACCOUNT },
  });
  t.after(() => backend.close());
  const answer = addon.call('createMap', createForm({ spreadsheet_id: 'fresh-sheet' }));
  assert.equal(answer.spreadsheet_id, 'fresh-sheet');
  assert.deepEqual(addon.spreadsheet.editors, [SERVICE_ACCOUNT]);
  const [post] = await backend.requests('/api/maps');
  assert.equal(post.json.spreadsheet_id, 'fresh-sheet');
});

test('when the backend refuses (409) the share added for it is taken back', async (t) => {
  const { backend, addon } = await addonWithBackend({
    scriptProperties: { BACKEND_SERVICE_ACCOUNT: SERVICE_ACCOUNT },
  });
  t.after(() => backend.close());
  assert.throws(() => addon.call('createMap', createForm({ spreadsheet_id: MAP_ID })), { message: /already holds a MAP/ });
  assert.deepEqual(addon.spreadsheet.editors, []);
});

test('a spreadsheet Google does not let the backend use (403) says what to do instead', async (t) => {
  const { backend, addon } = await addonWithBackend({ spreadsheet: { id: 'fresh-sheet', name: 'Acme deal' } });
  t.after(() => backend.close());
  await backend.answer({ path: '/api/maps', status: 403, body: { error: { code: 'FORBIDDEN', message: 'Google refused access to the spreadsheet' } } });
  assert.throws(() => addon.call('createMap', createForm({ spreadsheet_id: 'fresh-sheet' })), {
    message: /^The MAP service may not use this spreadsheet\. Create the MAP in a new spreadsheet, or ask .*BACKEND_SERVICE_ACCOUNT\. \(Google refused access/,
  });
});

test('when the backend fails with a 5xx the share stays: the MAP may exist', async (t) => {
  const { backend, addon } = await addonWithBackend({
    spreadsheet: { id: 'fresh-sheet', name: 'Acme deal' },
    scriptProperties: { BACKEND_SERVICE_ACCOUNT: SERVICE_ACCOUNT },
  });
  t.after(() => backend.close());
  await backend.answer({ path: '/api/maps', status: 503, body: { error: { code: 'GOOGLE_UNAVAILABLE', message: 'x' } } });
  assert.throws(() => addon.call('createMap', createForm({ spreadsheet_id: 'fresh-sheet' })));
  assert.deepEqual(addon.spreadsheet.editors, [SERVICE_ACCOUNT]);
});

test('a service account that is an editor already is left as it is', async (t) => {
  const { backend, addon } = await addonWithBackend({
    spreadsheet: { id: 'fresh-sheet', name: 'Acme deal', editors: [SERVICE_ACCOUNT] },
    scriptProperties: { BACKEND_SERVICE_ACCOUNT: SERVICE_ACCOUNT },
  });
  t.after(() => backend.close());
  await backend.answer({ path: '/api/maps', status: 422, body: { error: { code: 'VALIDATION_FAILED', message: 'x', details: { fields: [] } } } });
  assert.throws(() => addon.call('createMap', createForm({ spreadsheet_id: 'fresh-sheet' })));
  assert.deepEqual(addon.spreadsheet.editors, [SERVICE_ACCOUNT]);
});

test('a new spreadsheet is never shared from the add-on: the backend does it with the seller token', async (t) => {
  const { backend, addon } = await addonWithBackend({ scriptProperties: { BACKEND_SERVICE_ACCOUNT: SERVICE_ACCOUNT } });
  t.after(() => backend.close());
  addon.call('createMap', createForm());
  assert.deepEqual(addon.spreadsheet.editors, []);
});

test("the dialog starts with the seller's email and this spreadsheet's name", () => {
  const addon = loadAddon({ userEmail: 'sam@vendor.com', spreadsheet: mapSpreadsheet() });
  assert.deepEqual(addon.call('getCreateMapDefaults'), {
    seller_owner: 'sam@vendor.com',
    country: 'US',
    spreadsheet_id: MAP_ID,
    spreadsheet_name: 'Acme Corp MAP',
  });
});

test("a German seller's spreadsheet makes a German MAP: its locale is sent and Germany's holidays are the default", async (t) => {
  const { backend, addon } = await addonWithBackend({
    spreadsheet: mapSpreadsheet({ locale: 'de_DE', timeZone: 'Europe/Berlin' }),
  });
  t.after(() => backend.close());
  assert.equal(addon.call('getCreateMapDefaults').country, 'DE');
  addon.call('createMap', createForm());
  const [post] = await backend.requests('/api/maps');
  assert.equal(post.json.locale, 'de_DE');
  assert.equal(post.json.time_zone, 'Europe/Berlin');
});

test('when Google hides the active user the effective user fills the seller owner', () => {
  const addon = loadAddon({ userEmail: 'sam@vendor.com', activeUserEmail: '' });
  assert.equal(addon.call('getCreateMapDefaults').seller_owner, 'sam@vendor.com');
});
