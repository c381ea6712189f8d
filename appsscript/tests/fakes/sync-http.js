'use strict';
// Synchronous HTTP for the UrlFetchApp fake: Apps Script's fetch blocks, so
// the add-on's code expects an answer on return. A worker thread does the
// request with Node's fetch; the caller blocks on Atomics.wait and takes the
// answer with receiveMessageOnPort. The server must not live on the blocked
// thread (run it in another worker or process, as backend-double.js does).

const path = require('node:path');
const { Worker, MessageChannel, receiveMessageOnPort } = require('node:worker_threads');

/**
 * @typedef {{url: string, method: string, headers: Record<string, string>, body?: string, timeoutMs: number}} SyncRequest
 * @typedef {{status: number, headers: Record<string, string>, body: string}} SyncResponse
 * @typedef {{kind: 'timeout' | 'network', message: string}} SyncFailure
 */

class SyncHttpClient {
  constructor() {
    this.worker = new Worker(path.join(__dirname, 'sync-http-worker.js'));
    this.worker.unref();
  }

  /**
   * @param {SyncRequest} request
   * @returns {{response?: SyncResponse, failure?: SyncFailure}}
   */
  request(request) {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ signal, port: port2, request }, [port2]);
    const waited = Atomics.wait(signal, 0, 0, request.timeoutMs + 5000);
    const message = receiveMessageOnPort(port1);
    port1.close();
    if (waited === 'timed-out' || !message) {
      return { failure: { kind: 'timeout', message: 'no answer within ' + request.timeoutMs + ' ms' } };
    }
    return message.message;
  }

  close() {
    return this.worker.terminate();
  }
}

module.exports = { SyncHttpClient };
