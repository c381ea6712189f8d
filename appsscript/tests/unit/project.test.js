'use strict';
// The project as Apps Script and clasp see it: file load order, the public
// functions, and the documented list of functions the HTML calls.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { addonWithBackend, loadAddon } = require('../helpers');
const { PROJECT_ROOT } = require('../fakes/addon-harness');

const README = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const HTML_FILES = fs.readdirSync(path.join(PROJECT_ROOT, 'src')).filter((f) => f.endsWith('.html'));

/** Names in the README table under the given heading: the first backticked word of each row. */
function documentedNames(heading) {
  const section = README.split(/^## /m).find((s) => s.startsWith(heading));
  assert.ok(section, 'README has a section "' + heading + '"');
  return [...section.matchAll(/^\| `(\w+)\(/gm)].map((m) => m[1]);
}

test('the add-on works whatever order Apps Script loads its files in', async (t) => {
  const { backend, addon } = await addonWithBackend({ loadOrder: 'reversed' });
  t.after(() => backend.close());
  addon.open('NONE');
  addon.setAuthMode('FULL');
  assert.equal(addon.call('enableLiveUpdates').enabled, true);
  assert.equal(addon.edit({ a1: 'F3', value: 'Done' })[0].error, null);
  assert.equal((await backend.requests('/hooks/sheet-edit')).length, 1);
});

test('every function the HTML calls through google.script.run exists and is documented', () => {
  const addon = loadAddon({});
  const documented = documentedNames('Functions the HTML calls');
  for (const file of HTML_FILES) {
    const html = fs.readFileSync(path.join(PROJECT_ROOT, 'src', file), 'utf8');
    const called = [...html.matchAll(/\b(?:call|load)\('(\w+)'/g)].map((m) => m[1]);
    assert.ok(called.length, file + ' calls the server');
    for (const name of called) {
      assert.equal(typeof addon.context[name], 'function', file + ' calls ' + name);
      assert.ok(documented.includes(name), name + ' (called by ' + file + ') is in README.md');
    }
  }
});

test('every public function is a menu item, a trigger handler or a documented server function', () => {
  // Functions whose names end in _ cannot be called from google.script.run; the rest can.
  const addon = loadAddon({});
  const menu = addon.open('FULL').items.filter((i) => !i.separator).map((i) => i.functionName);
  const allowed = new Set([
    'onOpen',
    'onInstall',
    ...menu,
    ...documentedNames('Functions the HTML calls'),
    ...documentedNames('Trigger handlers'),
  ]);
  const publicNames = addon.functionNames().filter((n) => !n.endsWith('_'));
  assert.deepEqual(publicNames.filter((n) => !allowed.has(n)), []);
});

test('the HTML files are self-contained: no scriptlets, no outside scripts or styles', () => {
  for (const file of HTML_FILES) {
    const html = fs.readFileSync(path.join(PROJECT_ROOT, 'src', file), 'utf8');
    assert.doesNotMatch(html, /<\?/, file + ' has no <? ?> scriptlet');
    assert.doesNotMatch(html, /<script[^>]+src=/i, file + ' loads no outside script');
    assert.doesNotMatch(html, /<link[^>]+stylesheet/i, file + ' loads no outside style');
  }
});
