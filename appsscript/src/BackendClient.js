/**
 * The only code that talks HTTP to the backend (docs/api.md).
 *
 * Every call carries the user's Google ID token (ScriptApp.getIdentityToken(),
 * scope openid + userinfo.email) as "Authorization: Bearer ...". The seller's
 * OAuth access token goes with one call only, Create MAP, as X-Goog-Access-Token.
 */

/**
 * Calls the backend and returns its JSON answer; throws a BackendError with a
 * readable message on an error answer or when the backend cannot be reached.
 * @param {'get' | 'post' | 'put' | 'delete'} method
 * @param {string} path starting with /, e.g. /api/maps
 * @param {{body?: Object, withSellerToken?: boolean, meanings?: ErrorMeanings}} [options]
 *   withSellerToken: add the seller's OAuth access token (Create MAP only);
 *   meanings: what some error codes mean to the person who asked
 * @returns {any}
 */
function callBackend_(method, path, options) {
  const opts = options || {};
  const url = backendUrl_() + path;
  const headers = identityHeaders_();
  if (opts.withSellerToken) headers['X-Goog-Access-Token'] = ScriptApp.getOAuthToken();
  /** @type {GoogleAppsScript.URL_Fetch.URLFetchRequestOptions} */
  const request = { method: method, headers: headers, muteHttpExceptions: true };
  if (opts.body !== undefined) {
    request.contentType = 'application/json';
    request.payload = JSON.stringify(opts.body);
  }
  /** @type {GoogleAppsScript.URL_Fetch.HTTPResponse} */
  let response;
  try {
    response = UrlFetchApp.fetch(url, request);
  } catch (e) {
    throw backendUnreachableError_(e);
  }
  const status = response.getResponseCode();
  const text = response.getContentText();
  if (status < 200 || status >= 300) {
    throw backendErrorFromResponse_(status, text, opts.meanings, requestIdOf_(response));
  }
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BackendError('The MAP service sent an answer the add-on cannot read. Try again later.', {
      status: status,
      code: 'BAD_RESPONSE',
    });
  }
}

/**
 * Posts to a hook from an installable trigger: never throws, tries once more
 * after a pause when the backend is unreachable, times out or answers 429/5xx.
 * Failures go to the execution log (Stackdriver), never to the person editing.
 * @param {string} path e.g. /hooks/sheet-edit
 * @param {Object} payload
 * @returns {{delivered: boolean, attempts: number, problem: string}}
 */
function postHookQuietly_(path, payload) {
  let problem = '';
  let attempts = 0;
  while (attempts < 2) {
    attempts += 1;
    /** @type {'retry' | 'stop'} */
    let next = 'retry';
    try {
      const response = UrlFetchApp.fetch(backendUrl_() + path, {
        method: 'post',
        contentType: 'application/json',
        payload: JSON.stringify(payload),
        headers: identityHeaders_(),
        muteHttpExceptions: true,
      });
      const status = response.getResponseCode();
      if (status >= 200 && status < 300) return { delivered: true, attempts: attempts, problem: '' };
      const id = requestIdOf_(response);
      problem = 'HTTP ' + status + (id ? ' (request ' + id + ')' : '') + ': ' + response.getContentText().slice(0, 300);
      if (status !== 429 && status < 500) next = 'stop';
    } catch (e) {
      problem = readableMessage_(e);
      if (e instanceof AddonNotConfiguredError) next = 'stop';
    }
    if (next === 'stop' || attempts >= 2) break;
    Utilities.sleep(HOOK_RETRY_DELAY_MS);
  }
  console.warn('MAP live update not delivered after ' + attempts + ' attempt(s): ' + problem);
  return { delivered: false, attempts: attempts, problem: problem };
}

/**
 * The answer's X-Request-Id, or ''.
 * @param {GoogleAppsScript.URL_Fetch.HTTPResponse} response
 * @returns {string}
 */
function requestIdOf_(response) {
  /** @type {Object<string, any>} */
  const headers = response.getHeaders() || {};
  const name = Object.keys(headers).filter((h) => h.toLowerCase() === 'x-request-id')[0];
  return name ? String(headers[name]) : '';
}

/**
 * @returns {Object<string, string>}
 */
function identityHeaders_() {
  const token = ScriptApp.getIdentityToken();
  if (!token) {
    throw new AddonNotConfiguredError(
      'The add-on could not get your Google sign-in token. ' +
        'Its manifest must include the openid and userinfo.email scopes.'
    );
  }
  return { Authorization: 'Bearer ' + token };
}
