'use strict';
// A test double of the backend (docs/api.md): answers like the real one,
// records every request it receives, and can be told to fail, stall or hang
// up. It runs on its own thread (backend-double.js starts it in a worker) so
// it answers while the add-on's synchronous UrlFetchApp blocks the test's thread.
//
// Control endpoints, for the test only: GET /__double/requests,
// POST /__double/reset, POST /__double/rules, POST /__double/maps.

const http = require('node:http');
const { isMainThread, parentPort, workerData } = require('node:worker_threads');
const { TEMPLATES, REVIEW, mapSummary, mapDetail, reminders, pipelineRollup } = require('./sample-responses');

/**
 * @param {{acceptedIdTokens?: string[], maps?: object[]}} [options]
 *   acceptedIdTokens: bearer tokens that pass; maps: summaries overrides of MAPs that exist
 */
function createBackendDouble(options = {}) {
  const acceptedIdTokens = options.acceptedIdTokens || ['test-id-token'];
  /** @type {Map<string, object>} */
  const maps = new Map();
  const requests = [];
  let rules = [];
  let created = 0;
  let answered = 0;
  let calendarKeys = 0;
  for (const m of options.maps || []) maps.set(m.spreadsheet_id, m);

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url, 'http://double');
    answered += 1;
    const requestId = 'req-' + answered;
    const send = (status, payload) => {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const type = typeof payload === 'string' ? 'text/html' : 'application/json';
      res.writeHead(status, { 'Content-Type': type, 'X-Request-Id': requestId });
      res.end(text);
    };
    const fail = (status, code, message, fields) =>
      send(status, { error: { code, message, details: fields ? { fields } : {} } });

    if (url.pathname.startsWith('/__double/')) return control(url.pathname, req.method, body, send);

    let json = null;
    try {
      json = body ? JSON.parse(body) : null;
    } catch (e) {
      json = undefined;
    }
    requests.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      json,
    });

    const rule = rules.find((r) => r.times > 0 && r.path === url.pathname && (!r.method || r.method === req.method));
    if (rule) {
      rule.times -= 1;
      if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
      if (rule.hangUp) return req.socket.destroy();
      if (rule.status) return send(rule.status, rule.body === undefined ? {} : rule.body);
    }

    if (url.pathname === '/healthz') return send(200, { status: 'ok' });
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization || '');
    if (!auth || !acceptedIdTokens.includes(auth[1])) {
      return fail(401, 'UNAUTHENTICATED', auth ? 'the ID token is not valid' : 'no ID token');
    }
    if (json === undefined) return fail(400, 'BAD_REQUEST', 'the body is not JSON');

    const route = url.pathname;
    if (req.method === 'GET' && route === '/api/templates') return send(200, TEMPLATES);
    if (req.method === 'POST' && route === '/api/maps') return createMap(json, req, send, fail);
    if (req.method === 'GET' && route === '/api/maps') {
      const sort = url.searchParams.get('sort') || 'risk';
      const list = [...maps.values()].map((m) => mapSummary(m));
      const key = {
        risk: (m) => m.health.score,
        slip: (m) => -m.slip_bd,
        go_live: (m) => m.committed_go_live,
        account: (m) => m.account,
        signature: (m) => -(m.forecast.p_signature_quarter || 0),
      }[sort];
      const sorts = 'one of risk, slip, go_live, account, signature';
      if (!key) return fail(422, 'VALIDATION_FAILED', 'sort: ' + sorts, [{ field: 'sort', message: sorts }]);
      list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      return send(200, { maps: list, rollup: pipelineRollup(list) });
    }
    const mapRoute = /^\/api\/maps\/([^/]+)(\/refresh|\/review|\/reminders|\/calendar-key)?$/.exec(route);
    if (mapRoute) {
      const id = decodeURIComponent(mapRoute[1]);
      if (!maps.has(id)) return fail(404, 'NOT_FOUND', 'no MAP ' + id);
      const overrides = maps.get(id);
      if (mapRoute[2] === '/calendar-key' && (req.method === 'POST' || req.method === 'DELETE')) {
        calendarKeys += 1;
        const base = mapDetail({ ...overrides, calendar_url: undefined }).calendar_url;
        const url = base.replace(/key=.*$/, 'key=k3y' + calendarKeys);
        overrides.calendar_url = req.method === 'POST' ? url : null;
        return send(200, { calendar_url: overrides.calendar_url });
      }
      if (mapRoute[2] === '/reminders') {
        if (req.method === 'PUT') {
          if (!json || typeof json.enabled !== 'boolean') {
            return fail(422, 'VALIDATION_FAILED', 'enabled: a boolean', [{ field: 'enabled', message: 'a boolean' }]);
          }
          overrides.remindersEnabled = json.enabled;
        }
        if (req.method === 'GET' || req.method === 'PUT') {
          return send(200, reminders({ enabled: overrides.remindersEnabled !== false }));
        }
      }
      if (req.method === 'GET' && !mapRoute[2]) return send(200, mapDetail(overrides));
      if (req.method === 'POST' && mapRoute[2] === '/refresh') return send(200, mapDetail(overrides));
      if (req.method === 'POST' && mapRoute[2] === '/review') return send(200, REVIEW);
    }
    if (req.method === 'POST' && route === '/hooks/sheet-edit') {
      const missing = ['spreadsheet_id', 'sheet', 'a1', 'ts'].filter((k) => !json || typeof json[k] !== 'string');
      if (missing.length) {
        return fail(422, 'VALIDATION_FAILED', missing[0] + ': required', missing.map((f) => ({ field: f, message: 'required' })));
      }
      if (!maps.has(json.spreadsheet_id)) return fail(404, 'NOT_FOUND', 'no MAP ' + json.spreadsheet_id);
      return send(202, { accepted: true });
    }
    return fail(404, 'NOT_FOUND', 'no route ' + req.method + ' ' + route);
  });

  function createMap(json, req, send, fail) {
    if (!req.headers['x-goog-access-token']) {
      return fail(401, 'UNAUTHENTICATED', 'X-Goog-Access-Token is required to create a MAP');
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) return fail(400, 'BAD_REQUEST', 'the body is not an object');
    const fields = [];
    if (!TEMPLATES.templates.some((t) => t.name === json.template)) fields.push({ field: 'template', message: 'no such template' });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(json.go_live || '')) fields.push({ field: 'go_live', message: 'not a date (expected YYYY-MM-DD)' });
    (json.buyers || []).forEach((b, i) => {
      if (!/@/.test((b && b.email) || '')) fields.push({ field: 'buyers[' + i + '].email', message: 'not an email' });
    });
    if (fields.length) return fail(422, 'VALIDATION_FAILED', fields[0].field + ': ' + fields[0].message, fields);
    if (json.spreadsheet_id && maps.has(json.spreadsheet_id)) {
      return fail(409, 'CONFLICT', 'the spreadsheet already holds a MAP');
    }
    created += 1;
    const id = json.spreadsheet_id || 'new-map-' + created;
    const overrides = { spreadsheet_id: id, account: json.account, committed_go_live: json.go_live, projected_go_live: json.go_live, slip_bd: 0, score: 90, label: 'Healthy' };
    maps.set(id, overrides);
    const summary = mapSummary(overrides);
    return send(201, { spreadsheet_id: id, url: summary.url, summary });
  }

  function control(pathname, method, body, send) {
    if (pathname === '/__double/requests' && method === 'GET') return send(200, requests);
    if (pathname === '/__double/reset' && method === 'POST') {
      requests.length = 0;
      rules = [];
      return send(200, {});
    }
    if (pathname === '/__double/rules' && method === 'POST') {
      for (const r of JSON.parse(body)) rules.push({ times: 1, ...r });
      return send(200, {});
    }
    if (pathname === '/__double/maps' && method === 'POST') {
      for (const m of JSON.parse(body)) maps.set(m.spreadsheet_id, m);
      return send(200, {});
    }
    return send(404, {});
  }

  return server;
}

/** @param {http.IncomingMessage} req */
function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

if (!isMainThread && workerData && workerData.backendDouble) {
  const server = createBackendDouble(workerData.options);
  server.listen(0, '127.0.0.1', () => {
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    parentPort.postMessage({ port: address.port });
  });
  parentPort.on('message', (m) => {
    if (m !== 'close') return;
    server.close(() => parentPort.postMessage('closed'));
    server.closeAllConnections();
  });
}

module.exports = { createBackendDouble };
