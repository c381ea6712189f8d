'use strict';
// Opens one of the add-on's HTML files in Chromium the way Apps Script would
// show it, with a google.script.run stand-in injected before the page's own
// script. The stand-in hands each call to the add-on's real server function
// in the harness (which talks HTTP to the backend double), so a browser test
// covers HTML, server function and backend contract together. Calls named
// in `hold` wait until the test releases them, so a test can look at the
// page while the work is under way.

const path = require('node:path');
const { pathToFileURL } = require('node:url');

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** Runs in the page: google.script.run and google.script.host, as Apps Script gives them. */
function installStandIn() {
  /** @type {any} */
  const page = window;
  function runner(onSuccess, onFailure, userObject) {
    const base = {
      withSuccessHandler: (f) => runner(f, onFailure, userObject),
      withFailureHandler: (f) => runner(onSuccess, f, userObject),
      withUserObject: (u) => runner(onSuccess, onFailure, u),
    };
    return new Proxy(base, {
      get(target, name) {
        if (name in target) return target[name];
        if (typeof name !== 'string') return undefined;
        return (...args) => {
          page.__serverCall(name, JSON.parse(JSON.stringify(args))).then((answer) => {
            if (answer.ok) {
              if (onSuccess) onSuccess(answer.value, userObject);
            } else if (onFailure) {
              onFailure(new Error(answer.message), userObject);
            }
          });
        };
      },
    });
  }
  page.google = { script: { run: runner(null, null, undefined), host: { close: () => { page.__closed = true; } } } };
}

/**
 * @param {import('playwright-core').Browser} browser
 * @param {string} file e.g. CreateMap
 * @param {{addon: import('../fakes/addon-harness').AddonHarness, hold?: string[], locale?: string, now?: string}} options
 *   locale: the reader's (en-US unless given); now: an ISO instant the page's clock is fixed at
 */
async function openAddonPage(browser, file, { addon, hold = [], locale = 'en-US', now = undefined }) {
  const context = await browser.newContext({ locale });
  if (now) await context.clock.setFixedTime(new Date(now));
  const page = await context.newPage();
  /** @type {{name: string, args: unknown[]}[]} */
  const calls = [];
  const gates = new Map();
  for (const name of hold) {
    let release;
    const opened = new Promise((resolve) => (release = resolve));
    gates.set(name, { opened, release });
  }
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.exposeFunction('__serverCall', async (name, args) => {
    calls.push({ name, args });
    if (gates.has(name)) await gates.get(name).opened;
    try {
      return { ok: true, value: addon.call(name, ...args) };
    } catch (error) {
      return { ok: false, message: error.message };
    }
  });
  await page.addInitScript(installStandIn);
  await page.goto(pathToFileURL(path.join(SRC, file + '.html')).href);
  return {
    page,
    calls,
    pageErrors,
    /** @param {string} name */
    release: (name) => gates.get(name).release(),
    close: () => context.close(),
  };
}

/** An ISO date some days from today (local time, as the dialog reads it). */
function isoDaysFromToday(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

module.exports = { openAddonPage, isoDaysFromToday };
