'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { addonWithBackend, MAP_ID } = require('../helpers');

/** Triggers of other MAPs this seller already has, two per file. */
function otherMapTriggers(files) {
  const triggers = [];
  for (let i = 1; i <= files; i++) {
    triggers.push({ handler: 'onMapEdit', eventType: 'ON_EDIT', sourceId: 'other-map-' + i });
    triggers.push({ handler: 'onMapChange', eventType: 'ON_CHANGE', sourceId: 'other-map-' + i });
  }
  return triggers;
}

test('enabling live updates installs one onEdit and one onChange trigger for this file', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  const result = addon.call('enableLiveUpdates');
  assert.equal(result.enabled, true);
  assert.deepEqual(addon.triggers(), [
    { handler: 'onMapEdit', eventType: 'ON_EDIT', sourceId: MAP_ID },
    { handler: 'onMapChange', eventType: 'ON_CHANGE', sourceId: MAP_ID },
  ]);
});

test('enabling live updates twice still leaves one trigger of each kind and says they are on', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.call('enableLiveUpdates');
  const second = addon.call('enableLiveUpdates');
  assert.equal(addon.triggers().length, 2);
  assert.equal(second.changed, false);
  assert.match(second.message, /already on/);
});

test('enabling replaces a trigger an older version left with another handler', async (t) => {
  const { backend, addon } = await addonWithBackend({
    triggers: [{ handler: 'oldEditHandler', eventType: 'ON_EDIT', sourceId: MAP_ID }],
  });
  t.after(() => backend.close());
  addon.call('enableLiveUpdates');
  assert.deepEqual(
    addon.triggers().map((x) => x.handler).sort(),
    ['onMapChange', 'onMapEdit']
  );
});

test('the menu item tells the seller that live updates are on', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.open('FULL');
  addon.chooseMenuItem('Enable live updates');
  assert.equal(addon.ui.alerts.length, 1);
  assert.match(addon.ui.alerts[0].prompt, /Live updates are on/);
});

test('disabling live updates removes both triggers of this file and keeps those of other files', async (t) => {
  const { backend, addon } = await addonWithBackend({ triggers: otherMapTriggers(1) });
  t.after(() => backend.close());
  addon.call('enableLiveUpdates');
  const result = addon.call('disableLiveUpdates');
  assert.equal(result.changed, true);
  assert.deepEqual(addon.triggers().map((x) => x.sourceId), ['other-map-1', 'other-map-1']);
});

test('disabling when live updates were off says so and changes nothing', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  const result = addon.call('disableLiveUpdates');
  assert.equal(result.changed, false);
  assert.match(result.message, /were not on/);
});

test('at the trigger limit no trigger is installed and the message says what to do and where', async (t) => {
  const { backend, addon } = await addonWithBackend({ triggers: otherMapTriggers(10) });
  t.after(() => backend.close());
  const result = addon.call('enableLiveUpdates');
  assert.equal(result.enabled, false);
  assert.equal(addon.triggers().filter((x) => x.sourceId === MAP_ID).length, 0);
  assert.match(result.message, /20 of the 20 triggers/);
  assert.match(result.message, /at most 10 MAPs/);
  assert.match(result.message, /Disable live updates/);
  assert.match(result.message, /https:\/\/docs\.google\.com\/spreadsheets\/d\/other-map-7\/edit/);
  assert.match(result.message, /Refresh MAP/);
});

test('one free trigger is not enough for a MAP: nothing is half installed', async (t) => {
  const triggers = otherMapTriggers(9).concat([{ handler: 'x', eventType: 'ON_OPEN', sourceId: 'other-map-1' }]);
  const { backend, addon } = await addonWithBackend({ triggers });
  t.after(() => backend.close());
  const result = addon.call('enableLiveUpdates');
  assert.equal(result.enabled, false);
  assert.equal(addon.triggers().filter((x) => x.sourceId === MAP_ID).length, 0);
});

test("when Google refuses a trigger the one just made is removed and the limit message shows", async (t) => {
  // Google's limit can be lower than the add-on counts on: the second create fails.
  const { backend, addon } = await addonWithBackend({ triggerLimit: 1 });
  t.after(() => backend.close());
  const result = addon.call('enableLiveUpdates');
  assert.equal(result.enabled, false);
  assert.deepEqual(addon.triggers(), []);
  assert.match(result.message, /Live updates cannot be turned on here/);
});

test('live updates are not turned on in a spreadsheet that is not a MAP', async (t) => {
  const { backend, addon } = await addonWithBackend({ spreadsheet: { id: 'plain-sheet', name: 'Budget' } });
  t.after(() => backend.close());
  assert.throws(() => addon.call('enableLiveUpdates'), /not one yet\. Use Create MAP/);
  assert.deepEqual(addon.triggers(), []);
});

test('a second window changing live updates at the same time gets a clear message', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.locks.user.heldElsewhere = true;
  assert.throws(() => addon.call('enableLiveUpdates'), /another window/);
  assert.deepEqual(addon.triggers(), []);
});

test('the lock is released after enabling, also when it fails', async (t) => {
  const { backend, addon } = await addonWithBackend({ spreadsheet: { id: 'plain-sheet', name: 'Budget' } });
  t.after(() => backend.close());
  assert.throws(() => addon.call('enableLiveUpdates'));
  assert.equal(addon.locks.user.hasLock(), false);
});
