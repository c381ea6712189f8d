'use strict';
// Loads the add-on's source files (src/*.js, pushed by clasp as .gs) into a
// vm context with fake Apps Script globals, as one Apps Script project would
// share one global scope. Takes the backend URL and the tokens as
// parameters, so the same harness drives the add-on against the test double
// in unit tests and against the real backend in an end-to-end test.

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const { FakeEnvironment } = require('./environment');
const { FakeSpreadsheet, FakeUi, createSpreadsheetApp } = require('./spreadsheet-app');
const { createScriptApp, TriggerRegistry, EventType } = require('./script-app');
const { createUrlFetchApp } = require('./url-fetch-app');
const {
  createPropertiesService,
  createCacheService,
  createLockService,
  createSession,
  createUtilities,
  createHtmlService,
  createLogger,
} = require('./services');
const { SyncHttpClient } = require('./sync-http');

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIR = path.join(PROJECT_ROOT, 'src');

/** @returns {{runtimeVersion: string, oauthScopes: string[], urlFetchWhitelist?: string[]}} */
function readManifest() {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'appsscript.json'), 'utf8'));
}

/** The add-on's code files in a fixed order; none runs code across files at load. */
function sourceFiles() {
  return fs
    .readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => path.join(SOURCE_DIR, f));
}

/** @type {SyncHttpClient | null} */
let sharedHttp = null;
function http() {
  if (!sharedHttp) sharedHttp = new SyncHttpClient();
  return sharedHttp;
}

/** @param {string | (() => string)} value */
const asGetter = (value) => (typeof value === 'function' ? value : () => value);

/**
 * @typedef {Object} AddonOptions
 * @property {string | null} [backendUrl] the BACKEND_URL script property (null: not set)
 * @property {string | (() => string)} [identityToken] what ScriptApp.getIdentityToken() gives
 * @property {string | (() => string)} [oauthToken] what ScriptApp.getOAuthToken() gives
 * @property {string} [userEmail] who runs the add-on (and owns the triggers it installs)
 * @property {string} [activeUserEmail] Session.getActiveUser(); '' as for people outside the domain
 * @property {'NONE' | 'LIMITED' | 'FULL'} [authMode]
 * @property {string[]} [scopes] granted scopes; the manifest's by default
 * @property {{id: string, name: string, sheets?: Record<string, unknown[][]>, editors?: string[]}} [spreadsheet]
 * @property {Record<string, string>} [scriptProperties] more script properties
 * @property {{handler: string, eventType: string, sourceId: string, user?: string}[]} [triggers] already installed
 * @property {number} [triggerLimit]
 * @property {number} [fetchTimeoutMs] when UrlFetchApp gives up with "Timeout"
 * @property {string[] | null} [urlFetchWhitelist] enforced when given
 * @property {'sorted' | 'reversed'} [loadOrder] Apps Script promises no order of files
 */

/**
 * @param {AddonOptions} [options]
 * @returns {AddonHarness}
 */
function loadAddon(options = {}) {
  return new AddonHarness(options);
}

class AddonHarness {
  /** @param {AddonOptions} options */
  constructor(options) {
    const manifest = readManifest();
    const userEmail = options.userEmail || 'sam@vendor.com';
    this.userEmail = userEmail;
    this.env = new FakeEnvironment({ authMode: options.authMode || 'FULL', scopes: options.scopes || manifest.oauthScopes });
    this.spreadsheet = new FakeSpreadsheet(
      this.env,
      options.spreadsheet || { id: 'sheet-acme', name: 'Acme Corp MAP', sheets: { Plan: [['Milestone', 'Status']] } }
    );
    this.ui = new FakeUi(this.env);
    this.registry = new TriggerRegistry({ limit: options.triggerLimit || 20 });
    for (const t of options.triggers || []) this.registry.add({ user: userEmail, ...t });

    const scriptProperties = { ...(options.scriptProperties || {}) };
    if (options.backendUrl) scriptProperties.BACKEND_URL = options.backendUrl;
    const properties = createPropertiesService(this.env, { script: scriptProperties });
    const cache = createCacheService(this.env);
    const locks = createLockService(this.env);
    const utilities = createUtilities();
    const urlFetch = createUrlFetchApp(this.env, {
      http: http(),
      timeoutMs: options.fetchTimeoutMs || 10000,
      whitelist: options.urlFetchWhitelist || null,
    });
    this.properties = properties.stores;
    this.caches = cache.caches;
    this.locks = locks.locks;
    this.sleeps = utilities.sleeps;
    /** Every request the add-on sent through UrlFetchApp, as it sent it. */
    this.sent = urlFetch.sent;

    const activeUserEmail = options.activeUserEmail === undefined ? userEmail : options.activeUserEmail;
    const globals = {
      console: this.env.console(),
      Logger: createLogger(this.env),
      SpreadsheetApp: createSpreadsheetApp(this.env, this.spreadsheet, this.ui),
      ScriptApp: createScriptApp(this.env, {
        registry: this.registry,
        user: () => userEmail,
        identityToken: asGetter(options.identityToken === undefined ? 'test-id-token' : options.identityToken),
        oauthToken: asGetter(options.oauthToken === undefined ? 'test-oauth-token' : options.oauthToken),
        activeSpreadsheetId: this.spreadsheet.getId(),
      }),
      UrlFetchApp: urlFetch.service,
      PropertiesService: properties.service,
      CacheService: cache.service,
      LockService: locks.service,
      Session: createSession(this.env, { activeUserEmail: () => activeUserEmail, effectiveUserEmail: () => userEmail }),
      Utilities: utilities.service,
      HtmlService: createHtmlService(PROJECT_ROOT),
    };
    this.context = vm.createContext(globals);
    this.env.Error = vm.runInContext('Error', this.context);
    const files = sourceFiles();
    if (options.loadOrder === 'reversed') files.reverse();
    for (const file of files) {
      vm.runInContext(fs.readFileSync(file, 'utf8'), this.context, { filename: path.relative(PROJECT_ROOT, file) });
    }
  }

  /** Names of the add-on's global functions. */
  functionNames() {
    return Object.keys(this.context).filter((k) => typeof this.context[k] === 'function' && !(k in globalsOf()));
  }

  /** @param {'NONE' | 'LIMITED' | 'FULL'} mode */
  setAuthMode(mode) {
    this.env.authMode = mode;
  }

  /**
   * Calls a global function as google.script.run or a menu would: arguments
   * and answer cross as JSON; an error comes back with its message and fields.
   * @param {string} name
   * @param {...unknown} args
   */
  call(name, ...args) {
    const fn = this.context[name];
    if (typeof fn !== 'function') throw new Error('The add-on has no function ' + name);
    this.context.__args = JSON.stringify(args);
    const inRealmArgs = vm.runInContext('JSON.parse(__args)', this.context);
    delete this.context.__args;
    let result;
    try {
      result = fn(...inRealmArgs);
    } catch (error) {
      /** @type {any} */
      const copy = new Error(error && error.message ? error.message : String(error));
      copy.name = error && error.name;
      copy.code = error && error.code;
      copy.status = error && error.status;
      copy.fields = error && error.fields ? JSON.parse(JSON.stringify(error.fields)) : [];
      throw copy;
    }
    return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  }

  /**
   * Opens the file: runs onOpen with the event Apps Script gives in that mode.
   * @param {'NONE' | 'LIMITED' | 'FULL'} mode
   */
  open(mode) {
    this.setAuthMode(mode);
    this.context.onOpen({ authMode: mode, source: mode === 'NONE' ? undefined : this.spreadsheet });
    return this.ui.menus[this.ui.menus.length - 1];
  }

  /**
   * Chooses a menu item (which always runs in FULL mode).
   * @param {string} caption
   */
  chooseMenuItem(caption) {
    const menu = this.ui.menus[this.ui.menus.length - 1];
    const item = menu && menu.items.find((i) => i.caption === caption);
    if (!item) throw new Error('No menu item ' + caption);
    this.setAuthMode('FULL');
    return this.call(item.functionName);
  }

  /** This user's triggers as plain records. */
  triggers() {
    return this.registry.ofUser(this.userEmail).map((t) => ({
      handler: t.handler,
      eventType: t.eventType,
      sourceId: t.sourceId,
    }));
  }

  /**
   * A person edits cells of the spreadsheet: the values change, then every
   * installable onEdit trigger of this file fires, as Google would.
   * @param {{sheet?: string, a1: string, value?: string, values?: unknown[][], user?: string}} edit
   *   value for one cell, values for a range; user '' when Google leaves it blank
   * @returns {{handler: string, error: Error | null}[]}
   */
  edit({ sheet = 'Plan', a1, value, values, user = '' }) {
    const tab = this.spreadsheet.getSheetByName(sheet);
    if (!tab) throw new Error('No tab ' + sheet);
    const range = tab.getRange(a1);
    const single = range.getNumRows() === 1 && range.getNumColumns() === 1;
    const oldValue = single ? range.getValue() : undefined;
    if (single) range.setValue(value);
    else range.setValues(values || []);
    /** @type {Record<string, unknown>} */
    const event = { authMode: 'FULL', source: this.spreadsheet, range, user: { getEmail: () => user } };
    if (single) {
      if (value !== undefined && value !== '') event.value = value;
      if (oldValue !== '') event.oldValue = String(oldValue);
    }
    return this.fire(EventType.ON_EDIT, event);
  }

  /**
   * A structural change (rows inserted, removed, sorted...): fires onChange triggers.
   * @param {string} changeType INSERT_ROW, REMOVE_ROW, FORMAT, EDIT, OTHER...
   * @param {string} [user]
   */
  change(changeType, user = '') {
    return this.fire(EventType.ON_CHANGE, {
      authMode: 'FULL',
      changeType,
      source: this.spreadsheet,
      user: { getEmail: () => user },
    });
  }

  /**
   * @param {string} eventType
   * @param {Record<string, unknown>} event
   */
  fire(eventType, event) {
    this.setAuthMode('FULL');
    return this.registry.forFile(this.spreadsheet.getId(), eventType).map((trigger) => {
      const handler = this.context[trigger.handler];
      try {
        if (typeof handler !== 'function') throw new Error('Script function not found: ' + trigger.handler);
        handler({ ...event, triggerUid: trigger.id });
        return { handler: trigger.handler, error: null };
      } catch (error) {
        return { handler: trigger.handler, error };
      }
    });
  }

  /** What the add-on logged at level warn or error. */
  warnings() {
    return this.env.logs.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);
  }
}

/** Names the vm context has before any add-on code runs. */
function globalsOf() {
  return {
    console: 1,
    Logger: 1,
    SpreadsheetApp: 1,
    ScriptApp: 1,
    UrlFetchApp: 1,
    PropertiesService: 1,
    CacheService: 1,
    LockService: 1,
    Session: 1,
    Utilities: 1,
    HtmlService: 1,
  };
}

module.exports = { loadAddon, AddonHarness, readManifest, sourceFiles, PROJECT_ROOT };
