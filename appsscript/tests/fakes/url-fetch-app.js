'use strict';
// UrlFetchApp doing real, synchronous HTTP (through sync-http.js), with
// Apps Script's rules: methods in lower case, muteHttpExceptions, an
// exception for a network failure or timeout whatever the options, and the
// manifest's urlFetchWhitelist when one is given.

const { SCOPES } = require('./environment');

class FakeHttpResponse {
  /** @param {{status: number, headers: Record<string, string>, body: string}} response */
  constructor(response) {
    this.response = response;
  }
  getResponseCode() {
    return this.response.status;
  }
  getContentText() {
    return this.response.body;
  }
  getHeaders() {
    return { ...this.response.headers };
  }
  getAllHeaders() {
    return { ...this.response.headers };
  }
}

/**
 * @param {import('./environment').FakeEnvironment} env
 * @param {{http: import('./sync-http').SyncHttpClient, timeoutMs?: number, whitelist?: string[] | null}} options
 */
function createUrlFetchApp(env, { http, timeoutMs = 10000, whitelist = null }) {
  /** What the add-on sent, in order, as the add-on saw it. */
  const sent = [];
  const service = {
    /**
     * @param {string} url
     * @param {{method?: string, headers?: Record<string, string>, payload?: string | Record<string, string>,
     *          contentType?: string, muteHttpExceptions?: boolean}} [params]
     */
    fetch(url, params = {}) {
      env.check('UrlFetchApp.fetch', { scopes: [SCOPES.EXTERNAL_REQUEST] });
      if (whitelist && !whitelist.some((prefix) => url.startsWith(prefix))) {
        throw env.error('Exception: UrlFetch calls to ' + url + ' are not permitted by the urlFetchWhitelist.');
      }
      const method = (params.method || 'get').toUpperCase();
      const headers = { ...(params.headers || {}) };
      let body;
      if (params.payload !== undefined && method !== 'GET') {
        if (typeof params.payload === 'string') {
          body = params.payload;
          headers['Content-Type'] = params.contentType || 'application/x-www-form-urlencoded';
        } else {
          body = new URLSearchParams(params.payload).toString();
          headers['Content-Type'] = params.contentType || 'application/x-www-form-urlencoded';
        }
      }
      sent.push({ url, method, headers, body });
      const { response, failure } = http.request({ url, method, headers, body, timeoutMs });
      if (failure) {
        throw env.error(
          failure.kind === 'timeout' ? 'Exception: Timeout: ' + url : 'Exception: Address unavailable: ' + url
        );
      }
      if (response.status >= 400 && !params.muteHttpExceptions) {
        throw env.error(
          'Exception: Request failed for ' +
            url +
            ' returned code ' +
            response.status +
            '. Truncated server response: ' +
            response.body.slice(0, 200) +
            ' (use muteHttpExceptions option to examine full response)'
        );
      }
      return new FakeHttpResponse(response);
    },
  };
  return { service, sent };
}

module.exports = { createUrlFetchApp, FakeHttpResponse };
