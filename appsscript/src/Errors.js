/**
 * Errors the add-on shows to people, and how the backend's JSON errors
 * (docs/api.md: {"error": {"code", "message", "details"}}) become sentences
 * a seller can act on.
 *
 * A message that lists field errors uses one line per field, "- <field>: <message>",
 * where <field> is the backend's JSON path (go_live, buyers[0].email). The
 * Create MAP dialog reads those lines to put each message next to its field.
 */

/** The add-on lacks a setting only its administrator can give. */
class AddonNotConfiguredError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'AddonNotConfiguredError';
  }
}

/** The backend answered with an error, or could not be reached. */
class BackendError extends Error {
  /**
   * @param {string} message readable text for people
   * @param {{status?: number, code?: string, fields?: FieldError[]}} [info]
   */
  constructor(message, info) {
    super(message);
    this.name = 'BackendError';
    /** HTTP status; 0 when the backend could not be reached. */
    this.status = (info && info.status) || 0;
    /** The backend's error code, e.g. VALIDATION_FAILED; NETWORK when unreachable. */
    this.code = (info && info.code) || '';
    /** @type {FieldError[]} */
    this.fields = (info && info.fields) || [];
  }
}

/**
 * @typedef {{field: string, message: string}} FieldError
 */

/** Readable lead sentences per error code; the backend's own message follows. */
const ERROR_LEADS = {
  BAD_REQUEST: 'The MAP service could not read the request.',
  UNAUTHENTICATED:
    'The MAP service could not confirm who you are. Reload the spreadsheet and try again; ' +
    "if it keeps happening, ask the add-on's administrator to check its sign-in settings.",
  FORBIDDEN: 'You may not do that in this MAP: it belongs to another organisation, or Google refused access.',
  NOT_FOUND: 'The MAP service does not know this MAP.',
  METHOD_NOT_ALLOWED: 'The add-on and the MAP service do not agree on this request: the add-on may need an update.',
  CONFLICT: 'The MAP changed while this was being done. Try again.',
  PAYLOAD_TOO_LARGE: 'That is too much to send at once. Shorten the text and try again.',
  VALIDATION_FAILED: 'Please correct these fields:',
  RATE_LIMITED: "Google's quota is used up for the moment. Wait a minute and try again.",
  GOOGLE_REJECTED: 'Google refused what the MAP service asked of it.',
  GOOGLE_UNAVAILABLE: 'Google Sheets is not answering right now. Try again in a few minutes.',
  SERVICE_UNAVAILABLE: 'The MAP service is busy or restarting. Try again in a minute.',
};

/** Codes whose lead says it all; for the others the backend's message follows in brackets. */
const LEAD_SAYS_IT_ALL = ['PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'GOOGLE_UNAVAILABLE', 'SERVICE_UNAVAILABLE'];

/**
 * What an error code means where it was asked, in place of the general lead,
 * e.g. {NOT_FOUND: 'This spreadsheet is not a MAP yet...'}.
 * @typedef {Object<string, string>} ErrorMeanings
 */

/**
 * Turns an error answer of the backend into a BackendError with a readable message.
 * A server error (5xx) ends with the answer's X-Request-Id, which finds it in the logs.
 * @param {number} status HTTP status
 * @param {string} body the response text
 * @param {ErrorMeanings} [meanings] what some codes mean where it was asked
 * @param {string} [requestId] the answer's X-Request-Id
 * @returns {BackendError}
 */
function backendErrorFromResponse_(status, body, meanings, requestId) {
  const reference = requestId && status >= 500 ? ' Reference: ' + requestId + '.' : '';
  const error = parseErrorBody_(body);
  if (!error) {
    return new BackendError(
      'The MAP service answered with an error (HTTP ' + status + '). Try again in a few minutes.' + reference,
      { status: status, code: 'HTTP_' + status }
    );
  }
  const code = error.code || 'HTTP_' + status;
  const fields = error.fields;
  if (code === 'VALIDATION_FAILED' && fields.length) {
    const lines = fields.map((f) => '- ' + f.field + ': ' + f.message);
    return new BackendError([ERROR_LEADS.VALIDATION_FAILED].concat(lines).join('\n'), {
      status: status,
      code: code,
      fields: fields,
    });
  }
  const meaning = meanings && Object.prototype.hasOwnProperty.call(meanings, code) ? meanings[code] : '';
  const lead = meaning || leadFor_(code);
  const detail = LEAD_SAYS_IT_ALL.indexOf(code) >= 0 ? '' : error.message;
  const message = lead ? joinSentences_(lead, detail) : error.message || 'HTTP ' + status;
  return new BackendError(message + reference, { status: status, code: code, fields: fields });
}

/**
 * The error the add-on shows when the backend cannot be reached at all.
 * @param {unknown} cause what UrlFetchApp threw
 * @returns {BackendError}
 */
function backendUnreachableError_(cause) {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new BackendError(
    'The MAP service cannot be reached right now (' +
      detail.replace(/^Exception:\s*/, '') +
      '). Try again in a few minutes.',
    { status: 0, code: 'NETWORK' }
  );
}

/**
 * The message to show for any error a server function catches.
 * @param {unknown} error
 * @returns {string}
 */
function readableMessage_(error) {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * @param {string} body
 * @returns {{code: string, message: string, fields: FieldError[]} | null}
 */
function parseErrorBody_(body) {
  /** @type {any} */
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return null;
  }
  const error = parsed && typeof parsed === 'object' ? parsed.error : null;
  if (!error || typeof error !== 'object') return null;
  const details = error.details && typeof error.details === 'object' ? error.details : {};
  const rawFields = Array.isArray(details.fields) ? details.fields : [];
  /** @type {FieldError[]} */
  const fields = rawFields
    .filter((/** @type {any} */ f) => f && typeof f === 'object')
    .map((/** @type {any} */ f) => ({ field: String(f.field || ''), message: String(f.message || '') }));
  return {
    code: typeof error.code === 'string' ? error.code : '',
    message: typeof error.message === 'string' ? error.message : '',
    fields: fields,
  };
}

/**
 * @param {string} code
 * @returns {string}
 */
function leadFor_(code) {
  return Object.prototype.hasOwnProperty.call(ERROR_LEADS, code)
    ? ERROR_LEADS[/** @type {keyof typeof ERROR_LEADS} */ (code)]
    : '';
}

/**
 * "Lead. (Details: message.)" without repeating a message that says nothing more.
 * @param {string} lead
 * @param {string} detail
 * @returns {string}
 */
function joinSentences_(lead, detail) {
  const said = detail.toLowerCase().replace(/^(the|this|a)\s+/, '').replace(/\.$/, '');
  if (!said || lead.toLowerCase().indexOf(said) >= 0) return lead;
  return lead + ' (' + detail.replace(/\.$/, '') + '.)';
}

/**
 * A BackendError listing field errors in the same form as the backend's 422,
 * for problems the add-on finds before it sends anything.
 * @param {FieldError[]} fields
 * @returns {BackendError}
 */
function fieldErrors_(fields) {
  const lines = fields.map((f) => '- ' + f.field + ': ' + f.message);
  return new BackendError([ERROR_LEADS.VALIDATION_FAILED].concat(lines).join('\n'), {
    status: 0,
    code: 'VALIDATION_FAILED',
    fields: fields,
  });
}
