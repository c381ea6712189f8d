'use strict';
// Small builders the unit tests share.

const net = require('node:net');
const { loadAddon } = require('./fakes/addon-harness');
const { startBackendDouble } = require('./fakes/backend-double');

const MAP_ID = 'sheet-acme';

/** A spreadsheet that is a MAP: a Plan tab with a few rows, and the backend's tabs. */
function mapSpreadsheet(overrides = {}) {
  return {
    id: MAP_ID,
    name: 'Acme Corp MAP',
    sheets: {
      Plan: [
        ['ID', 'Milestone', 'Side', 'Owner', 'Due', 'Status'],
        ['m1', 'Pricing review', 'Joint', 'Sam Seller <sam@vendor.com>', '', 'Done'],
        ['m2', 'Security questionnaire', 'Buyer', 'Dana Lee <dana@acme.com>', '', 'In progress'],
      ],
      History: [['When', 'What']],
      'How to use': [['Edit the white cells.']],
    },
    ...overrides,
  };
}

/** A port nothing listens on. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A backend double that knows the MAP, and the add-on pointed at it.
 * @param {import('./fakes/addon-harness').AddonOptions} [addonOptions]
 * @param {{acceptedIdTokens?: string[]}} [backendOptions]
 */
async function addonWithBackend(addonOptions = {}, backendOptions = {}) {
  const backend = await startBackendDouble({ maps: [{ spreadsheet_id: MAP_ID }], ...backendOptions });
  try {
    const addon = loadAddon({ backendUrl: backend.url, spreadsheet: mapSpreadsheet(), ...addonOptions });
    return { backend, addon };
  } catch (error) {
    // The add-on failed to load: stop the double, or its thread keeps the test process alive.
    await backend.close();
    throw error;
  }
}

/** A valid Create MAP form as the dialog sends it. */
function createForm(overrides = {}) {
  return {
    template: 'enterprise',
    account: 'Acme Corp',
    outcome: 'Cut new-hire ramp time by 50%',
    go_live: '2027-03-31',
    buyers: [{ name: 'Dana Lee', email: 'dana@acme.com' }],
    seller_owner: 'Sam Seller <sam@vendor.com>',
    country: 'US',
    signature_date: '2027-02-26',
    spreadsheet_id: null,
    ...overrides,
  };
}

module.exports = { MAP_ID, mapSpreadsheet, closedPort, addonWithBackend, createForm, loadAddon, startBackendDouble };
