'use strict';
// The manifest asks for the narrowest scopes that work: each scope is
// needed by a feature (removing it breaks that feature and nothing else is
// asked for), and each is explained in README.md.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { addonWithBackend, createForm, loadAddon, mapSpreadsheet } = require('../helpers');
const { readManifest, PROJECT_ROOT } = require('../fakes/addon-harness');
const { SCOPES } = require('../fakes/environment');

const manifest = readManifest();
const without = (scope) => manifest.oauthScopes.filter((s) => s !== scope);

test('the manifest is V8 with exactly the scopes the add-on needs', () => {
  assert.equal(manifest.runtimeVersion, 'V8');
  assert.deepEqual([...manifest.oauthScopes].sort(), [
    'https://www.googleapis.com/auth/drive.file',
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/script.scriptapp',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/userinfo.email',
    'openid',
  ]);
});

test('every scope of the manifest is explained in README.md', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const scope of manifest.oauthScopes) assert.ok(readme.includes('| `' + scope + '` |'), scope);
});

test('the URL allow-list holds one https prefix ending in a slash', () => {
  assert.equal(manifest.urlFetchWhitelist.length, 1);
  assert.match(manifest.urlFetchWhitelist[0], /^https:\/\/[^/]+\/$/);
});

test('calls outside the URL allow-list are refused, calls inside pass', async (t) => {
  const { backend, addon } = await addonWithBackend({ urlFetchWhitelist: ['https://YOUR-BACKEND.appspot.com/'] });
  t.after(() => backend.close());
  assert.throws(() => addon.call('getPipeline'), /not permitted by the urlFetchWhitelist/);
  const allowed = loadAddon({ backendUrl: backend.url, spreadsheet: mapSpreadsheet(), urlFetchWhitelist: [backend.url + '/'] });
  assert.ok(allowed.call('getPipeline').maps);
});

test('with all its scopes every feature works', async (t) => {
  const { backend, addon } = await addonWithBackend();
  t.after(() => backend.close());
  addon.open('FULL');
  addon.chooseMenuItem('Deal health');
  addon.call('getCreateMapDefaults');
  addon.call('createMap', createForm());
  addon.call('enableLiveUpdates');
  addon.call('runWeeklyReview');
  assert.equal(addon.ui.sidebars.length, 1);
});

test('without script.container.ui no dialog or sidebar can open', async (t) => {
  const { backend, addon } = await addonWithBackend({ scopes: without(SCOPES.UI) });
  t.after(() => backend.close());
  assert.throws(() => addon.call('showDealHealthSidebar'), /permission/);
});

test('without script.external_request the backend cannot be called', async (t) => {
  const { backend, addon } = await addonWithBackend({ scopes: without(SCOPES.EXTERNAL_REQUEST) });
  t.after(() => backend.close());
  assert.throws(() => addon.call('getPipeline'), /UrlFetchApp\.fetch/);
});

test('without script.scriptapp live updates cannot be turned on', async (t) => {
  const { backend, addon } = await addonWithBackend({ scopes: without(SCOPES.SCRIPTAPP) });
  t.after(() => backend.close());
  assert.throws(() => addon.call('enableLiveUpdates'), /getUserTriggers/);
});

test('without spreadsheets.currentonly the add-on does not know which MAP it is in', async (t) => {
  const { backend, addon } = await addonWithBackend({ scopes: without(SCOPES.SHEETS_CURRENT) });
  t.after(() => backend.close());
  assert.throws(() => addon.call('getDealHealth'), /getActiveSpreadsheet/);
});

test('without openid there is no identity token, so no backend call', async (t) => {
  const { backend, addon } = await addonWithBackend({ scopes: without(SCOPES.OPENID) });
  t.after(() => backend.close());
  assert.throws(() => addon.call('getTemplates'), /openid/);
});

test('without userinfo.email the seller owner cannot be prefilled', async (t) => {
  const { backend, addon } = await addonWithBackend({ scopes: without(SCOPES.EMAIL) });
  t.after(() => backend.close());
  assert.equal(addon.call('getCreateMapDefaults').seller_owner, '');
});
