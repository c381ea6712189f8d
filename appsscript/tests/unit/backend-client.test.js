'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { addonWithBackend, closedPort, createForm, loadAddon, mapSpreadsheet, MAP_ID } = require('../helpers');

test('every call carries the identity token, and the OAuth token goes only with Create MAP', async (t) => {
  const { backend, addon } = await addonWithBackend({ identityToken: 'id-tok', oauthToken: 'oauth-tok' }, { acceptedIdTokens: ['id-tok'] });
  t.after(() => backend.close());
  addon.call('getTemplates');
  addon.call('getDealHealth');
  addon.call('refreshMap');
  addon.call('runWeeklyReview');
  addon.call('getPipeline', 'slip');
  addon.call('enableLiveUpdates');
  addon.edit({ a1: 'F3', value: 'Done' });
  addon.call('createMap', createForm());
  const requests = await backend.requests();
  assert.equal(requests.length, 8);
  for (const r of requests) assert.equal(r.headers.authorization, 'Bearer id-tok', r.method + ' ' + r.path);
  const withOAuth = requests.filter((r) => 'x-goog-access-token' in r.headers);
  assert.deepEqual(withOAuth.map((r) => [r.method, r.path, r.headers['x-goog-access-token']]), [['POST', '/api/maps', 'oauth-tok']]);
});

test('the calls reach the endpoints of the API contract', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.call('getDealHealth');
  addon.call('refreshMap');
  addon.call('runWeeklyReview');
  addon.call('getPipeline', 'go_live');
  addon.call('getPipeline', 'drop table');
  const seen = (await backend.requests()).map((r) => r.method + ' ' + r.path + (r.query.sort ? '?sort=' + r.query.sort : ''));
  assert.deepEqual(seen, [
    'GET /api/maps/' + MAP_ID,
    'POST /api/maps/' + MAP_ID + '/refresh',
    'POST /api/maps/' + MAP_ID + '/review',
    'GET /api/maps?sort=go_live',
    'GET /api/maps?sort=risk',
  ]);
});

test('a 422 lists each field with its message, one a line', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  await backend.answer({
    path: '/api/maps',
    status: 422,
    body: {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'go_live: not a date (expected YYYY-MM-DD)',
        details: { fields: [
          { field: 'go_live', message: 'not a date (expected YYYY-MM-DD)' },
          { field: 'buyers[0].email', message: 'not an email' },
        ] },
      },
    },
  });
  const error = captureError(() => addon.call('createMap', createForm()));
  assert.equal(error.message, 'Please correct these fields:\n- go_live: not a date (expected YYYY-MM-DD)\n- buyers[0].email: not an email');
  assert.deepEqual(error.fields.map((f) => f.field), ['go_live', 'buyers[0].email']);
});

test('asking for the deal health of a spreadsheet that is not a MAP says what to do', async (t) => {
  const { backend, addon } = await addonWithBackend({ spreadsheet: { id: 'plain', name: 'Budget' } });
  t.after(() => backend.close());
  assert.throws(() => addon.call('getDealHealth'), { message: /^This spreadsheet is not a MAP yet\. Use Create MAP\.\.\./ });
});

/** @type {[number, string, string, RegExp][]} */
const READABLE = [
  [401, 'UNAUTHENTICATED', 'token expired', /could not confirm who you are.*\(token expired\.\)/s],
  [403, 'FORBIDDEN', 'caller is outside the organisation', /^You may not do that in this MAP: .*\(caller is outside the organisation\.\)$/],
  [405, 'METHOD_NOT_ALLOWED', 'GET only', /the add-on may need an update\. \(GET only\.\)$/],
  [409, 'CONFLICT', 'the MAP changed during an update', /^The MAP changed while this was being done\. Try again\. \(the MAP changed/],
  [429, 'RATE_LIMITED', 'quota', /^Google's quota is used up for the moment\. Wait a minute and try again\.$/],
  [502, 'GOOGLE_REJECTED', 'invalid range', /^Google refused what the MAP service asked of it\. \(invalid range\.\) Reference: req-\d+\.$/],
  [503, 'GOOGLE_UNAVAILABLE', 'sheets down', /^Google Sheets is not answering right now\. Try again in a few minutes\. Reference: req-\d+\.$/],
  [503, 'SERVICE_UNAVAILABLE', 'store down', /^The MAP service is busy or restarting\. Try again in a minute\. Reference: req-\d+\.$/],
  [418, 'TEAPOT', 'short and stout', /^short and stout$/],
];
for (const [status, code, message, expected] of READABLE) {
  test(`a ${status} ${code} answer becomes a readable message`, async (t) => {
    const { backend, addon } = await addonWithBackend();
    t.after(() => backend.close());
    await backend.answer({ path: '/api/maps/' + MAP_ID, status, body: { error: { code, message, details: {} } } });
    const error = captureError(() => addon.call('getDealHealth'));
    assert.match(error.message, expected);
    assert.equal(error.code, code);
  });
}

test('an error page that is not JSON still gives a readable message with the status', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  await backend.answer({ path: '/api/maps/' + MAP_ID, status: 502, body: '<html>Bad Gateway</html>' });
  assert.throws(() => addon.call('getDealHealth'), {
    message: /^The MAP service answered with an error \(HTTP 502\)\. Try again in a few minutes\. Reference: req-\d+\.$/,
  });
});

test('a backend that cannot be reached says so instead of a stack trace', async () => {
  const addon = loadAddon({ backendUrl: 'http://127.0.0.1:' + (await closedPort()), spreadsheet: mapSpreadsheet() });
  assert.throws(() => addon.call('getPipeline'), { message: /^The MAP service cannot be reached right now \(Address unavailable: http/ });
});

test('without BACKEND_URL the message names the setting to fix, and nothing is sent', () => {
  const addon = loadAddon({ spreadsheet: mapSpreadsheet() });
  assert.throws(() => addon.call('getPipeline'), { message: /not set up yet.*BACKEND_URL/ });
  assert.equal(addon.sent.length, 0);
});

test('a trailing slash in BACKEND_URL does not double the slash in paths', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.properties.script.setProperty('BACKEND_URL', backend.url + '/');
  addon.call('getPipeline');
  assert.equal(addon.sent[0].url, backend.url + '/api/maps?sort=risk');
});

test('without the openid scope there is no identity token and the message says why', async (t) => {
  const { readManifest } = require('../fakes/addon-harness');
  const scopes = readManifest().oauthScopes.filter((s) => s !== 'openid');
  const { backend, addon } = await addonWithBackend({ scopes });
  t.after(() => backend.close());
  assert.throws(() => addon.call('getPipeline'), { message: /openid/ });
  assert.equal(addon.sent.length, 0);
});

test('the menu shows a backend error in an alert instead of failing', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  await backend.answer({ path: '/api/maps/' + MAP_ID + '/refresh', status: 503, body: { error: { code: 'GOOGLE_UNAVAILABLE', message: 'x' } } });
  addon.open('FULL');
  addon.chooseMenuItem('Refresh MAP');
  assert.equal(addon.ui.alerts.length, 1);
  assert.match(addon.ui.alerts[0].prompt, /Google Sheets is not answering/);
});

/** @param {() => unknown} fn */
function captureError(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
