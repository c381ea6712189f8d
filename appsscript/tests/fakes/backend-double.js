'use strict';
// Starts the backend double (backend-double-server.js) on its own thread and
// gives the test async handles on it: what it received, and how it should
// answer next.

const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { once } = require('node:events');

class BackendDouble {
  /** @param {Worker} worker @param {number} port */
  constructor(worker, port) {
    this.worker = worker;
    this.url = 'http://127.0.0.1:' + port;
  }

  /**
   * Requests received (control calls excluded), optionally only one path.
   * @param {string} [path]
   * @returns {Promise<{method: string, path: string, query: object, headers: Record<string, string>, body: string, json: any}[]>}
   */
  async requests(path) {
    const all = await (await fetch(this.url + '/__double/requests')).json();
    return path ? all.filter((r) => r.path === path) : all;
  }

  /**
   * How to answer the next matching requests, in order.
   * @param {...{path: string, method?: string, status?: number, body?: unknown, delayMs?: number, hangUp?: boolean, times?: number}} rules
   */
  async answer(...rules) {
    await fetch(this.url + '/__double/rules', { method: 'POST', body: JSON.stringify(rules) });
  }

  /** MAPs that exist from now on (summary overrides, see sample-responses.js). @param {...object} maps */
  async addMaps(...maps) {
    await fetch(this.url + '/__double/maps', { method: 'POST', body: JSON.stringify(maps) });
  }

  async reset() {
    await fetch(this.url + '/__double/reset', { method: 'POST' });
  }

  async close() {
    this.worker.postMessage('close');
    await once(this.worker, 'message');
    await this.worker.terminate();
  }
}

/**
 * @param {{acceptedIdTokens?: string[], maps?: object[]}} [options]
 * @returns {Promise<BackendDouble>}
 */
async function startBackendDouble(options = {}) {
  const worker = new Worker(path.join(__dirname, 'backend-double-server.js'), {
    workerData: { backendDouble: true, options },
  });
  const [message] = await once(worker, 'message');
  return new BackendDouble(worker, message.port);
}

module.exports = { startBackendDouble, BackendDouble };
