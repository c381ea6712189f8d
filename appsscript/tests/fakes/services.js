'use strict';
// The smaller Apps Script services: PropertiesService, CacheService,
// LockService, Session, Utilities, HtmlService and Logger.

const fs = require('node:fs');
const path = require('node:path');
const { SCOPES } = require('./environment');

const STORE_RULE = { limited: true };

class FakeProperties {
  /** @param {import('./environment').FakeEnvironment} env @param {Record<string, string>} values */
  constructor(env, values) {
    this.env = env;
    this.values = { ...values };
  }
  /** @param {string} key */
  getProperty(key) {
    this.env.check('Properties.getProperty', STORE_RULE);
    return Object.prototype.hasOwnProperty.call(this.values, key) ? this.values[key] : null;
  }
  /** @param {string} key @param {string} value */
  setProperty(key, value) {
    this.env.check('Properties.setProperty', STORE_RULE);
    this.values[key] = String(value);
    return this;
  }
  /** @param {string} key */
  deleteProperty(key) {
    this.env.check('Properties.deleteProperty', STORE_RULE);
    delete this.values[key];
    return this;
  }
  getProperties() {
    this.env.check('Properties.getProperties', STORE_RULE);
    return { ...this.values };
  }
}

/**
 * @param {import('./environment').FakeEnvironment} env
 * @param {{script?: Record<string, string>, user?: Record<string, string>, document?: Record<string, string>}} initial
 */
function createPropertiesService(env, initial) {
  const stores = {
    script: new FakeProperties(env, initial.script || {}),
    user: new FakeProperties(env, initial.user || {}),
    document: new FakeProperties(env, initial.document || {}),
  };
  return {
    stores,
    service: {
      getScriptProperties: () => stores.script,
      getUserProperties: () => stores.user,
      getDocumentProperties: () => stores.document,
    },
  };
}

class FakeCache {
  /** @param {import('./environment').FakeEnvironment} env */
  constructor(env) {
    this.env = env;
    /** @type {Map<string, {value: string, expires: number}>} */
    this.entries = new Map();
  }
  /** @param {string} key */
  get(key) {
    this.env.check('Cache.get', STORE_RULE);
    const entry = this.entries.get(key);
    return entry && entry.expires > Date.now() ? entry.value : null;
  }
  /** @param {string} key @param {string} value @param {number} [seconds] */
  put(key, value, seconds = 600) {
    this.env.check('Cache.put', STORE_RULE);
    this.entries.set(key, { value: String(value), expires: Date.now() + seconds * 1000 });
  }
  /** @param {string} key */
  remove(key) {
    this.entries.delete(key);
  }
}

/** @param {import('./environment').FakeEnvironment} env */
function createCacheService(env) {
  const caches = { script: new FakeCache(env), user: new FakeCache(env), document: new FakeCache(env) };
  return {
    caches,
    service: {
      getScriptCache: () => caches.script,
      getUserCache: () => caches.user,
      getDocumentCache: () => caches.document,
    },
  };
}

class FakeLock {
  /** @param {import('./environment').FakeEnvironment} env */
  constructor(env) {
    this.env = env;
    this.held = false;
    /** Another execution holds it: tryLock fails, waitLock throws. */
    this.heldElsewhere = false;
    this.acquired = 0;
  }
  /** @param {number} _ms */
  tryLock(_ms) {
    this.env.check('Lock.tryLock', STORE_RULE);
    if (this.heldElsewhere) return false;
    this.held = true;
    this.acquired += 1;
    return true;
  }
  /** @param {number} ms */
  waitLock(ms) {
    if (!this.tryLock(ms)) throw this.env.error('Exception: Lock timeout: another process was holding the lock for too long.');
  }
  releaseLock() {
    this.held = false;
  }
  hasLock() {
    return this.held;
  }
}

/** @param {import('./environment').FakeEnvironment} env */
function createLockService(env) {
  const locks = { user: new FakeLock(env), script: new FakeLock(env), document: new FakeLock(env) };
  return {
    locks,
    service: {
      getUserLock: () => locks.user,
      getScriptLock: () => locks.script,
      getDocumentLock: () => locks.document,
    },
  };
}

/**
 * @param {import('./environment').FakeEnvironment} env
 * @param {{activeUserEmail: () => string, effectiveUserEmail: () => string, timeZone?: string}} options
 */
function createSession(env, { activeUserEmail, effectiveUserEmail, timeZone = 'Etc/UTC' }) {
  const emailRule = { scopes: [SCOPES.EMAIL] };
  return {
    getActiveUser: () => ({
      getEmail() {
        env.check('User.getEmail', emailRule);
        return activeUserEmail();
      },
    }),
    getEffectiveUser: () => ({
      getEmail() {
        env.check('User.getEmail', emailRule);
        return effectiveUserEmail();
      },
    }),
    getScriptTimeZone: () => timeZone,
    getActiveUserLocale: () => 'en',
  };
}

/** Utilities: sleep is recorded, not slept, so a retry's pause costs no test time. */
function createUtilities() {
  /** @type {number[]} */
  const sleeps = [];
  return {
    sleeps,
    service: {
      /** @param {number} ms */
      sleep(ms) {
        sleeps.push(ms);
      },
      getUuid: () => require('node:crypto').randomUUID(),
    },
  };
}

class FakeHtmlOutput {
  /** @param {string} file @param {string} content */
  constructor(file, content) {
    this.file = file;
    this.content = content;
    this.title = '';
    /** @type {number | undefined} */
    this.width = undefined;
    /** @type {number | undefined} */
    this.height = undefined;
  }
  /** @param {string} title */
  setTitle(title) {
    this.title = title;
    return this;
  }
  getTitle() {
    return this.title;
  }
  /** @param {number} width */
  setWidth(width) {
    this.width = width;
    return this;
  }
  /** @param {number} height */
  setHeight(height) {
    this.height = height;
    return this;
  }
  getContent() {
    return this.content;
  }
  /** @param {unknown} _mode */
  setXFrameOptionsMode(_mode) {
    return this;
  }
}

/**
 * HtmlService reading the project's HTML files the way clasp names them:
 * "src/CreateMap" is the file src/CreateMap.html under the project root.
 * @param {string} projectRoot
 */
function createHtmlService(projectRoot) {
  return {
    /** @param {string} name */
    createHtmlOutputFromFile(name) {
      const file = path.join(projectRoot, name + '.html');
      if (!fs.existsSync(file)) throw new Error('Exception: No HTML file named ' + name + ' was found.');
      return new FakeHtmlOutput(name, fs.readFileSync(file, 'utf8'));
    },
    /** @param {string} [html] */
    createHtmlOutput(html = '') {
      return new FakeHtmlOutput('', html);
    },
    XFrameOptionsMode: { ALLOWALL: 'ALLOWALL', DEFAULT: 'DEFAULT' },
  };
}

/** @param {import('./environment').FakeEnvironment} env */
function createLogger(env) {
  return {
    /** @param {...unknown} args */
    log(...args) {
      env.logs.push({ level: 'log', message: args.map(String).join(' ') });
    },
  };
}

module.exports = {
  createPropertiesService,
  createCacheService,
  createLockService,
  createSession,
  createUtilities,
  createHtmlService,
  createLogger,
  FakeHtmlOutput,
};
