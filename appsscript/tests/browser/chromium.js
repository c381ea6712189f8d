'use strict';
// Finds Debian's Chromium for the browser tests. Without it the tests are
// skipped with the reason printed, unless TEST_REQUIRE_BROWSER=1 (CI), where
// a missing browser fails the run.

const fs = require('node:fs');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Why the browser tests cannot run here, or '' when they can. */
function unavailableReason() {
  const file = chromiumPath();
  if (!fs.existsSync(file)) return 'Chromium not found at ' + file + ' (install Debian\'s chromium or set CHROMIUM_PATH)';
  try {
    require.resolve('playwright-core');
  } catch (e) {
    return 'playwright-core is not installed (run npm ci in appsscript/)';
  }
  return '';
}

/**
 * Options for node:test: { skip: reason } when the browser is missing and
 * not required; {} otherwise. Prints the reason once.
 */
function browserTestOptions() {
  const reason = unavailableReason();
  if (!reason) return {};
  if (process.env.TEST_REQUIRE_BROWSER === '1') {
    throw new Error('TEST_REQUIRE_BROWSER=1 but the browser tests cannot run: ' + reason);
  }
  console.log('# Skipping the browser tests: ' + reason);
  return { skip: reason };
}

async function launch() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

module.exports = { browserTestOptions, launch, chromiumPath, CHROMIUM_ARGS };
