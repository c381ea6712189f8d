'use strict';
// The product's local mode as a real process for the end-to-end tests:
// `python -m service serve --port 0 --data <temporary dir>` runs the backend,
// the Google emulator and its sign-in issuer on free ports; its output names
// their URLs. Also the few emulator calls the tests make as Google's users
// (tokens from the issuer, the Sheets and Drive APIs).
//
// Python: $MAP_PYTHON, else the repository's .venv. Without one the tests are
// skipped with the reason printed, unless TEST_REQUIRE_BACKEND=1, where that
// fails the run.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The OAuth client id the backend accepts as the ID-token audience in local mode. */
const LOCAL_CLIENT_ID = 'map-addon-local';
// Usually 2-3 s; a loaded machine importing the backend's libraries can take far longer.
const START_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 15000;

/** The Python that runs the backend, or '' when there is none. */
function pythonPath() {
  if (process.env.MAP_PYTHON) return process.env.MAP_PYTHON;
  const candidates = [
    path.join(REPO_ROOT, '.venv', 'bin', 'python'),
    path.join(REPO_ROOT, '.venv', 'Scripts', 'python.exe'),
  ];
  return candidates.find((file) => fs.existsSync(file)) || '';
}

/** Why the backend cannot be started here, or '' when it can. */
function unavailableReason() {
  const python = pythonPath();
  if (process.env.MAP_PYTHON && !fs.existsSync(python)) return 'MAP_PYTHON is ' + python + ', which does not exist';
  if (!python) {
    return (
      'no Python for the backend: set MAP_PYTHON, or create ' +
      path.join(REPO_ROOT, '.venv') +
      " with the backend's dependencies (scripts/bootstrap.sh)"
    );
  }
  return '';
}

/**
 * Options for node:test: { skip: reason } when the backend cannot run and is
 * not required; {} otherwise. Prints the reason once.
 */
function backendTestOptions() {
  const reason = unavailableReason();
  if (!reason) return {};
  if (process.env.TEST_REQUIRE_BACKEND === '1') {
    throw new Error('TEST_REQUIRE_BACKEND=1 but the end-to-end tests cannot run: ' + reason);
  }
  console.log('# Skipping the end-to-end tests: ' + reason);
  return { skip: reason };
}

/**
 * @typedef {Object} LocalStack
 * @property {string} backendUrl
 * @property {string} emulatorUrl
 * @property {string} dataDir
 * @property {() => string} output what serve printed so far (stdout and stderr)
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL if it lingers; removes the data dir
 */

/**
 * Starts `python -m service serve --port 0` on a new temporary data directory
 * and resolves once it prints "Ready.".
 * @returns {Promise<LocalStack>}
 */
function startLocalStack() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'map-addon-e2e-'));
  const child = spawn(pythonPath(), ['-m', 'service', 'serve', '--port', '0', '--data', dataDir], {
    cwd: REPO_ROOT,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code === null ? (signal ? -1 : null) : code));
    child.on('error', (error) => {
      output += '\n' + String(error);
      resolve(-1);
    });
  });
  // A test run that dies leaves no backend behind.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    }
    process.removeListener('exit', killOnExit);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  let isReady = false;
  const ready = new Promise((resolve, reject) => {
    const fail = async (why) => {
      clearInterval(poll);
      clearTimeout(timeout);
      await stop();
      reject(new Error(why + '\n--- python -m service serve printed ---\n' + output));
    };
    const poll = setInterval(() => {
      if (!/^Ready\./m.test(output)) return;
      clearInterval(poll);
      clearTimeout(timeout);
      isReady = true;
      const backend = /^\s*Backend\s+(http:\/\/\S+)/m.exec(output);
      const emulator = /^\s*Emulator\s+(http:\/\/\S+)/m.exec(output);
      if (!backend || !emulator) {
        fail('serve said Ready but not its Backend and Emulator URLs');
        return;
      }
      resolve({ backendUrl: backend[1], emulatorUrl: emulator[1], dataDir, output: () => output, stop });
    }, 50);
    const timeout = setTimeout(
      () => fail('python -m service serve was not ready within ' + START_TIMEOUT_MS / 1000 + ' s'),
      START_TIMEOUT_MS
    );
    exited.then((code) => {
      if (stopped) return;
      if (!isReady) {
        fail('python -m service serve (' + pythonPath() + ') exited with status ' + code + ' before it was ready');
      } else {
        console.log('# python -m service serve exited with status ' + code + ' during the test:\n' + output);
      }
    });
  });
  return ready;
}

/**
 * A JSON call to the emulator; throws with the answer when it is not 2xx.
 * @param {string} url
 * @param {{method?: string, token?: string, body?: unknown}} [options]
 * @returns {Promise<any>}
 */
async function emulatorCall(url, { method = 'GET', token, body } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(method + ' ' + url + ' answered ' + response.status + ': ' + text.slice(0, 500));
  return text ? JSON.parse(text) : {};
}

/**
 * A Google-signed ID token for email (the emulator's issuer), as ScriptApp.getIdentityToken() gives.
 * @param {string} emulatorUrl
 * @param {string} email
 * @param {string} [audience]
 * @returns {Promise<string>}
 */
async function mintIdToken(emulatorUrl, email, audience = LOCAL_CLIENT_ID) {
  const answer = await emulatorCall(emulatorUrl + '/__emulator/oidc/id-token', {
    method: 'POST',
    body: { email, audience },
  });
  return answer.id_token;
}

/**
 * An OAuth access token for email, as ScriptApp.getOAuthToken() gives (or a person's browser session).
 * @param {string} emulatorUrl
 * @param {string} email
 * @returns {Promise<string>}
 */
async function mintAccessToken(emulatorUrl, email) {
  const answer = await emulatorCall(emulatorUrl + '/__emulator/oidc/access-token', { method: 'POST', body: { email } });
  return answer.access_token;
}

/**
 * Sheets API values.get: formatted values, rows as Sheets gives them (trailing blanks left out).
 * @param {string} emulatorUrl
 * @param {string} token
 * @param {string} spreadsheetId
 * @param {string} range e.g. Plan or Plan!G13
 * @returns {Promise<string[][]>}
 */
async function readValues(emulatorUrl, token, spreadsheetId, range) {
  const url = emulatorUrl + '/v4/spreadsheets/' + encodeURIComponent(spreadsheetId) + '/values/' + encodeURIComponent(range);
  const answer = await emulatorCall(url, { token });
  return answer.values || [];
}

/**
 * Sheets API values.update with valueInputOption=USER_ENTERED: a cell typed
 * by a person, read as Sheets reads what people type.
 * @param {string} emulatorUrl
 * @param {string} token the person's access token
 * @param {string} spreadsheetId
 * @param {string} range e.g. Plan!G13
 * @param {string} value
 */
async function typeIntoCell(emulatorUrl, token, spreadsheetId, range, value) {
  const url =
    emulatorUrl +
    '/v4/spreadsheets/' +
    encodeURIComponent(spreadsheetId) +
    '/values/' +
    encodeURIComponent(range) +
    '?valueInputOption=USER_ENTERED';
  return emulatorCall(url, { method: 'PUT', token, body: { range, majorDimension: 'ROWS', values: [[value]] } });
}

/**
 * Polls check() until it returns something truthy; the last value otherwise.
 * @template T
 * @param {() => Promise<T>} check
 * @param {{timeoutMs?: number, intervalMs?: number}} [options]
 * @returns {Promise<T>}
 */
async function eventually(check, { timeoutMs = 10000, intervalMs = 150 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let value = await check();
  while (!value && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await check();
  }
  return value;
}

module.exports = {
  REPO_ROOT,
  LOCAL_CLIENT_ID,
  pythonPath,
  backendTestOptions,
  startLocalStack,
  emulatorCall,
  mintIdToken,
  mintAccessToken,
  readValues,
  typeIntoCell,
  eventually,
};
