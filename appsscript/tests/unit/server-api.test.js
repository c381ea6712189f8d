'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { addonWithBackend, MAP_ID } = require('../helpers');
const { mapDetail, TEMPLATES, REVIEW, reminders } = require('../fakes/sample-responses');

test('the deal health is the backend answer for this spreadsheet as it stands', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  assert.deepEqual(addon.call('getDealHealth'), mapDetail({ spreadsheet_id: MAP_ID }));
});

test('the template list is asked for once and then served from the cache', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  assert.deepEqual(addon.call('getTemplates'), TEMPLATES);
  assert.deepEqual(addon.call('getTemplates'), TEMPLATES);
  assert.equal((await backend.requests('/api/templates')).length, 1);
});

test('the weekly review answers with the review and says where it was written', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  assert.deepEqual(addon.call('runWeeklyReview'), REVIEW);
  assert.deepEqual(addon.spreadsheet.toasts.map((x) => x.title), ['Weekly review done']);
  assert.match(addon.spreadsheet.toasts[0].message, /Reviews tab/);
});

test('the pipeline passes a known sort order and answers with the MAPs', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  await backend.addMaps({ spreadsheet_id: 'globex', account: 'Globex', score: 30, slip_bd: 8 });
  const answer = addon.call('getPipeline', 'risk');
  assert.deepEqual(answer.maps.map((m) => [m.account, m.health.score]), [['Globex', 30], ['Acme Corp', 55]]);
});

test('Refresh MAP from the menu syncs and shows the health, go-live and slip in a toast', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.open('FULL');
  addon.chooseMenuItem('Refresh MAP');
  assert.equal((await backend.requests('/api/maps/' + MAP_ID + '/refresh')).length, 1);
  assert.deepEqual(addon.spreadsheet.toasts, [{
    title: 'MAP refreshed',
    message: 'Health 55 (Watch) · go-live 2027-03-31, projected 2027-04-05 (3 business days late)',
    seconds: 8,
  }]);
});

test('a new calendar link is asked for this spreadsheet and the answer is the new link', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  const answer = addon.call('newCalendarLink');
  const sent = await backend.requests('/api/maps/' + MAP_ID + '/calendar-key');
  assert.deepEqual(sent.map((r) => r.method), ['POST']);
  assert.match(answer.calendar_url, /calendar\.ics\?key=k3y1$/);
  assert.equal(addon.call('getDealHealth').calendar_url, answer.calendar_url);
});

test('turning the calendar link off sends DELETE and the deal health then has no link', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  assert.deepEqual(addon.call('turnOffCalendarLink'), { calendar_url: null });
  const sent = await backend.requests('/api/maps/' + MAP_ID + '/calendar-key');
  assert.deepEqual(sent.map((r) => r.method), ['DELETE']);
  assert.equal(addon.call('getDealHealth').calendar_url, null);
});

test('the calendar link of a spreadsheet that is not a MAP says what to do', async (t) => {
  const { backend, addon } = await addonWithBackend({ spreadsheet: { id: 'plain', name: 'Budget' } });
  t.after(() => backend.close());
  assert.throws(() => addon.call('newCalendarLink'), /not a MAP yet/);
  assert.throws(() => addon.call('turnOffCalendarLink'), /not a MAP yet/);
});

test('the Reminders section is the backend answer for this spreadsheet', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  assert.deepEqual(addon.call('getReminders'), reminders({ enabled: true }));
  assert.equal((await backend.requests('/api/maps/' + MAP_ID + '/reminders')).length, 1);
});

test('turning reminders off sends a PUT with enabled false and answers with the section', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  const answer = addon.call('setRemindersEnabled', false);
  assert.equal(answer.enabled, false);
  const [request] = await backend.requests('/api/maps/' + MAP_ID + '/reminders');
  assert.equal(request.method, 'PUT');
  assert.deepEqual(request.json, { enabled: false });
  // Anything but true turns them off: the sidebar sends a checkbox's state.
  addon.call('setRemindersEnabled', 'yes');
  const requests = await backend.requests('/api/maps/' + MAP_ID + '/reminders');
  assert.deepEqual(requests[1].json, { enabled: false });
});

test('selecting a risk\'s milestones selects their rows on the Plan tab, across the table', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  assert.equal(addon.call('selectMilestoneRows', ['m2', 'm1']), 2);
  assert.deepEqual(addon.spreadsheet.selection, { sheet: 'Plan', ranges: ['A2:F2', 'A3:F3'] });
  assert.equal(addon.spreadsheet.getActiveSheet().getName(), 'Plan');
});

test('selecting milestones the Plan tab does not hold selects nothing', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  assert.equal(addon.call('selectMilestoneRows', ['m9']), 0);
  assert.equal(addon.call('selectMilestoneRows', []), 0);
  assert.equal(addon.spreadsheet.selection, null);
});
