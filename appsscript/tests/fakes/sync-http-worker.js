'use strict';
// The worker side of sync-http.js: one request per message, answered on the
// message's port, then the caller is woken through the shared signal.

const { parentPort } = require('node:worker_threads');

parentPort.on('message', async ({ signal, port, request }) => {
  let result;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'follow',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const headers = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    result = { response: { status: response.status, headers, body: await response.text() } };
  } catch (error) {
    const timedOut = error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause = error && error.cause ? error.cause.code || error.cause.message : '';
    result = {
      failure: {
        kind: timedOut ? 'timeout' : 'network',
        message: String((error && error.message) || error) + (cause ? ' (' + cause + ')' : ''),
      },
    };
  }
  port.postMessage(result);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
