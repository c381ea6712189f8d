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
  FORBIDDEN: 'This MAP belongs to another organisation, so you cannot do that here.',
  NOT_FOUND: 'The MAP service does not know this MAP.',
  CONFLICT: 'This spreadsheet already holds a MAP. Create the new one in a new spreadsheet.',
  PAYLOAD_TOO_LARGE: 'That is too much to send at once. Shorten the text and try again.',
  VALIDATION_FAILED: 'Please correct these fields:',
  RATE_LIMITED: "Google's quota is used up for the moment. Wait a minute and try again.",
  GOOGLE_UNAVAILABLE: 'Google Sheets is not answering right now. Try again in a few minutes.',
};

/** Codes whose lead says it all; for the others the backend's message follows in brackets. */
const LEAD_SAYS_IT_ALL = ['CONFLICT', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'GOOGLE_UNAVAILABLE'];

/**
 * Turns an error answer of the backend into a BackendError with a readable message.
 * @param {number} status HTTP status
 * @param {string} body the response text
 * @param {string} [notFoundMessage] what a 404 means where it was asked
 * @returns {BackendError}
 */
function backendErrorFromResponse_(status, body, notFoundMessage) {
  const error = parseErrorBody_(body);
  if (!error) {
    return new BackendError(
      'The MAP service answered with an error (HTTP ' + status + '). Try again in a few minutes.',
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
  const lead = code === 'NOT_FOUND' && notFoundMessage ? notFoundMessage : leadFor_(code);
  const detail = LEAD_SAYS_IT_ALL.indexOf(code) >= 0 ? '' : error.message;
  const message = lead ? joinSentences_(lead, detail) : error.message || 'HTTP ' + status;
  return new BackendError(message, { status: status, code: code, fields: fields });
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
  if (!detail || lead.indexOf(detail) >= 0) return lead;
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
