'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadAddon, mapSpreadsheet } = require('../helpers');

const EXPECTED_ITEMS = [
  'Create MAP...',
  'Refresh MAP',
  'Weekly review',
  'Deal health',
  '-',
  'Enable live updates',
  'Disable live updates',
  '-',
  'Pipeline',
];

/** @param {{items: object[]}} menu */
const captions = (menu) => menu.items.map((i) => (i.separator ? '-' : i.caption));

for (const mode of /** @type {const} */ (['NONE', 'LIMITED', 'FULL'])) {
  test(`the menu shows every item when the file opens in AuthMode.${mode}`, () => {
    const addon = loadAddon({ backendUrl: 'http://127.0.0.1:9', spreadsheet: mapSpreadsheet() });
    const menu = addon.open(mode);
    assert.deepEqual(captions(menu), EXPECTED_ITEMS);
  });

  test(`opening the file in AuthMode.${mode} touches no service that needs authorisation`, () => {
    const addon = loadAddon({ backendUrl: 'http://127.0.0.1:9', spreadsheet: mapSpreadsheet() });
    addon.open(mode);
    assert.equal(addon.sent.length, 0, 'no HTTP request');
    assert.deepEqual(addon.triggers(), [], 'no trigger');
    assert.equal(addon.locks.user.acquired, 0, 'no lock');
    assert.deepEqual(addon.warnings(), []);
  });
}

test('the fakes refuse a property read in AuthMode.NONE, so the menu test can fail', () => {
  const addon = loadAddon({ backendUrl: 'http://127.0.0.1:9' });
  addon.setAuthMode('NONE');
  assert.throws(() => addon.context.PropertiesService.getScriptProperties().getProperty('BACKEND_URL'), /permission/);
  assert.throws(() => addon.context.UrlFetchApp.fetch('http://127.0.0.1:9/'), /permission/);
});

test('onInstall shows the menu at once', () => {
  const addon = loadAddon({ backendUrl: 'http://127.0.0.1:9' });
  addon.setAuthMode('FULL');
  addon.context.onInstall({ authMode: 'FULL' });
  assert.deepEqual(captions(addon.ui.menus[0]), EXPECTED_ITEMS);
});

test('every menu item calls a function the add-on defines', () => {
  const addon = loadAddon({ backendUrl: 'http://127.0.0.1:9' });
  const menu = addon.open('FULL');
  for (const item of menu.items.filter((i) => !i.separator)) {
    assert.equal(typeof addon.context[item.functionName], 'function', item.caption + ' -> ' + item.functionName);
  }
});

test('Create MAP... opens the Create dialog from its HTML file', () => {
  const addon = loadAddon({ backendUrl: 'http://127.0.0.1:9' });
  addon.open('NONE');
  addon.chooseMenuItem('Create MAP...');
  assert.equal(addon.ui.dialogs.length, 1);
  assert.equal(addon.ui.dialogs[0].file, 'src/CreateMap');
  assert.match(addon.ui.dialogs[0].content, /<form/);
});

test('Deal health opens the sidebar and Pipeline and Weekly review open dialogs', () => {
  const addon = loadAddon({ backendUrl: 'http://127.0.0.1:9' });
  addon.open('FULL');
  addon.chooseMenuItem('Deal health');
  addon.chooseMenuItem('Pipeline');
  addon.chooseMenuItem('Weekly review');
  assert.deepEqual(addon.ui.sidebars.map((s) => [s.file, s.title]), [['src/Sidebar', 'Deal health']]);
  assert.deepEqual(addon.ui.dialogs.map((d) => d.file), ['src/Pipeline', 'src/WeeklyReview']);
});
