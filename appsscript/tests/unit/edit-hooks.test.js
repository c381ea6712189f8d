'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { addonWithBackend, closedPort, loadAddon, mapSpreadsheet, MAP_ID } = require('../helpers');

const HOOK = '/hooks/sheet-edit';

/** Live updates already on in the MAP. */
const LIVE = [
  { handler: 'onMapEdit', eventType: 'ON_EDIT', sourceId: MAP_ID },
  { handler: 'onMapChange', eventType: 'ON_CHANGE', sourceId: MAP_ID },
];

/** How many hook posts the add-on sent (answered or not). */
const hooksSent = (addon) => addon.sent.filter((r) => r.url.endsWith(HOOK)).length;

/** The add-on with live updates on in the MAP. */
async function liveMap(addonOptions, backendOptions) {
  const setup = await addonWithBackend(addonOptions, backendOptions);
  setup.addon.call('enableLiveUpdates');
  await setup.backend.reset();
  return setup;
}

test('a buyer edit posts the cell, value, old value, editor and time with the seller identity token', async (t) => {
  const { backend, addon } = await liveMap(
    { identityToken: 'seller-id-token', oauthToken: 'seller-oauth' },
    { acceptedIdTokens: ['seller-id-token'] }
  );
  t.after(() => backend.close());

  const before = Date.now();
  const runs = addon.edit({ a1: 'F3', value: 'Done', user: 'dana@acme.com' });
  assert.deepEqual(runs.map((r) => [r.handler, r.error]), [['onMapEdit', null]]);
  const [hook] = await backend.requests(HOOK);
  assert.equal(hook.method, 'POST');
  assert.equal(hook.headers.authorization, 'Bearer seller-id-token');
  assert.equal(hook.headers['x-goog-access-token'], undefined, 'the OAuth token never goes with a hook');
  assert.match(hook.headers['content-type'], /application\/json/);
  const { ts, ...rest } = hook.json;
  assert.deepEqual(rest, {
    spreadsheet_id: MAP_ID,
    sheet: 'Plan',
    a1: 'F3',
    value: 'Done',
    old_value: 'In progress',
    user: 'dana@acme.com',
  });
  assert.match(ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.ok(Math.abs(Date.parse(ts) - before) < 5000);
});

test('an editor Google leaves blank is left out rather than sent empty', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  addon.edit({ a1: 'F3', value: 'Blocked', user: '' });
  const [hook] = await backend.requests(HOOK);
  assert.equal('user' in hook.json, false);
  assert.equal(hook.json.value, 'Blocked');
});

test('a cleared cell is sent with an empty value and its old value', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  addon.edit({ a1: 'D3', value: '', user: 'sam@vendor.com' });
  const [hook] = await backend.requests(HOOK);
  assert.equal(hook.json.value, '');
  assert.equal(hook.json.old_value, 'Dana Lee <dana@acme.com>');
});

test('a paste over several cells sends the range without value or old value', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  addon.edit({ a1: 'B4:C5', values: [['Legal review', 'Buyer'], ['Signature', 'Joint']] });
  const [hook] = await backend.requests(HOOK);
  assert.equal(hook.json.a1, 'B4:C5');
  assert.equal('value' in hook.json, false);
  assert.equal('old_value' in hook.json, false);
});

test('edits outside the Plan tab are not sent', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  addon.edit({ sheet: 'How to use', a1: 'A2', value: 'note to self' });
  addon.edit({ sheet: 'History', a1: 'A2', value: 'tampered' });
  assert.deepEqual(await backend.requests(HOOK), []);
});

test('a backend that answers 500 once gets one retry and the edit is delivered', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  await backend.answer({ path: HOOK, status: 500, body: { error: { code: 'INTERNAL', message: 'boom' } } });
  const runs = addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal(runs[0].error, null);
  const hooks = await backend.requests(HOOK);
  assert.equal(hooks.length, 2);
  assert.deepEqual(hooks[0].json, hooks[1].json, 'the retry sends the same edit');
  assert.deepEqual(addon.sleeps, [1000], 'it pauses before the retry');
  assert.deepEqual(addon.warnings(), []);
});

test('a backend that keeps answering 500 is tried twice, never throws, and the failure is logged', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  await backend.answer({ path: HOOK, status: 500, body: 'Internal Server Error', times: 5 });
  const runs = addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal(runs[0].error, null);
  assert.equal((await backend.requests(HOOK)).length, 2);
  assert.match(addon.warnings().join('\n'), /not delivered after 2 attempt\(s\): HTTP 500/);
});

test('a backend that is down never makes the edit fail and is tried twice', async (t) => {
  const addon = loadAddon({ backendUrl: 'http://127.0.0.1:' + (await closedPort()), spreadsheet: mapSpreadsheet(), triggers: LIVE });
  const runs = addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal(runs[0].error, null);
  assert.equal(hooksSent(addon), 2);
  assert.match(addon.warnings().join('\n'), /Address unavailable/);
});

test('a backend that times out is tried once more, and that second try can succeed', async (t) => {
  const { backend, addon } = await liveMap({ fetchTimeoutMs: 300 });
  t.after(() => backend.close());
  await backend.answer({ path: HOOK, delayMs: 1500, status: 202, body: { accepted: true } });
  const runs = addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal(runs[0].error, null);
  assert.equal(hooksSent(addon), 2);
  assert.deepEqual(addon.warnings(), [], 'the second try was delivered');
});

test('a backend that hangs up is retried and never throws', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  await backend.answer({ path: HOOK, hangUp: true, times: 2 });
  const runs = addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal(runs[0].error, null);
  assert.equal(hooksSent(addon), 2);
});

test('a 401 is not retried: another try would get the same answer', async (t) => {
  const { backend, addon } = await addonWithBackend({ identityToken: 'expired-token', triggers: LIVE });
  t.after(() => backend.close());
  const runs = addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal(runs[0].error, null);
  assert.equal((await backend.requests(HOOK)).length, 1);
  assert.match(addon.warnings().join('\n'), /HTTP 401/);
});

test('an add-on without BACKEND_URL logs the problem and does not throw at the editor', () => {
  const addon = loadAddon({ spreadsheet: mapSpreadsheet(), triggers: LIVE });
  const runs = addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal(runs[0].error, null);
  assert.equal(addon.sent.length, 0);
  assert.match(addon.warnings().join('\n'), /BACKEND_URL/);
});

test('inserted rows are sent as a change of the Plan tab data range', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  const runs = addon.change('INSERT_ROW', 'dana@acme.com');
  assert.deepEqual(runs.map((r) => [r.handler, r.error]), [['onMapChange', null]]);
  const [hook] = await backend.requests(HOOK);
  assert.equal(hook.json.sheet, 'Plan');
  assert.equal(hook.json.a1, 'A1:F3');
  assert.equal(hook.json.user, 'dana@acme.com');
  assert.equal('value' in hook.json, false);
});

test('onChange does not repeat a cell edit (onEdit sends it) nor send a format change', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  addon.change('EDIT');
  addon.change('FORMAT');
  assert.deepEqual(await backend.requests(HOOK), []);
});

test('one edit in a MAP with live updates on reaches the backend once', async (t) => {
  const { backend, addon } = await liveMap();
  t.after(() => backend.close());
  addon.call('enableLiveUpdates');
  addon.edit({ a1: 'F3', value: 'Done' });
  assert.equal((await backend.requests(HOOK)).length, 1);
});
