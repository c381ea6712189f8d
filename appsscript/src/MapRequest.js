/**
 * The Create MAP form as the backend's POST /api/maps body (docs/api.md):
 * trims what people typed, drops empty buyer rows, and checks what the add-on
 * can check without the backend. The dialog checks the same before it sends;
 * the backend stays the authority (its 422 field errors reach the dialog too).
 */

/**
 * @typedef {Object} MapForm
 * @property {string} [template]
 * @property {string} [account]
 * @property {string} [outcome]
 * @property {string} [go_live] YYYY-MM-DD
 * @property {{name?: string, email?: string}[]} [buyers]
 * @property {string} [seller_owner] "Sam Seller <sam@vendor.com>" or an email
 * @property {string} [country] ISO 3166 alpha-2, e.g. US
 * @property {string | null} [signature_date] YYYY-MM-DD or empty
 * @property {string | null} [spreadsheet_id] the current file's id, or null for a new file
 * @property {string | number | null} [amount] what the deal is worth (optional), e.g. "120,000"
 */

/**
 * @typedef {Object} MapRequest
 * @property {string} template
 * @property {string} account
 * @property {string} outcome
 * @property {string} go_live
 * @property {{name: string, email: string}[]} buyers
 * @property {string} seller_owner
 * @property {string} country
 * @property {string | null} signature_date
 * @property {string | null} spreadsheet_id
 * @property {number} [amount] whole units of the deal's currency; absent when not given
 */

const EMAIL_PATTERN = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * @param {MapForm} form what the dialog sent
 * @param {string} currentSpreadsheetId the file the add-on is open in
 * @returns {{request: MapRequest, errors: FieldError[]}}
 */
function mapRequestFromForm_(form, currentSpreadsheetId) {
  const f = form || {};
  const buyers = (Array.isArray(f.buyers) ? f.buyers : [])
    .map((b) => ({ name: text_(b && b.name), email: text_(b && b.email) }))
    .filter((b) => b.name || b.email);
  /** @type {MapRequest} */
  const request = {
    template: text_(f.template),
    account: text_(f.account),
    outcome: text_(f.outcome),
    go_live: text_(f.go_live),
    buyers: buyers,
    seller_owner: text_(f.seller_owner),
    country: text_(f.country).toUpperCase(),
    signature_date: text_(f.signature_date) || null,
    spreadsheet_id: text_(f.spreadsheet_id) || null,
  };
  const amount = text_(f.amount).replace(/[\s,]/g, '');
  if (amount) request.amount = /^\d+$/.test(amount) ? Number(amount) : NaN;
  return { request: request, errors: mapRequestErrors_(request, currentSpreadsheetId) };
}

/**
 * @param {MapRequest} r
 * @param {string} currentSpreadsheetId
 * @returns {FieldError[]}
 */
function mapRequestErrors_(r, currentSpreadsheetId) {
  /** @type {FieldError[]} */
  const errors = [];
  /** @type {(field: string, message: string) => void} */
  const add = (field, message) => {
    errors.push({ field: field, message: message });
  };
  if (!r.template) add('template', 'Choose a template.');
  if (!r.account) add('account', 'Enter the account (the buyer company).');
  if (!r.outcome) add('outcome', 'Say why the buyer is doing this: the outcome they want.');
  if (!r.go_live) add('go_live', 'Enter the go-live date.');
  else if (!isIsoDate_(r.go_live)) add('go_live', 'Enter the go-live date as YYYY-MM-DD.');
  if (!r.buyers.length) add('buyers', 'Add at least one buyer contact.');
  /** @type {Object<string, boolean>} */
  const seen = {};
  r.buyers.forEach((b, i) => {
    if (!b.name) add('buyers[' + i + '].name', "Enter the buyer contact's name.");
    if (!b.email) add('buyers[' + i + '].email', "Enter the buyer contact's email.");
    else if (!EMAIL_PATTERN.test(b.email)) add('buyers[' + i + '].email', 'Not an email address.');
    else if (seen[b.email.toLowerCase()]) add('buyers[' + i + '].email', 'This contact is listed twice.');
    seen[b.email.toLowerCase()] = true;
  });
  if (!r.seller_owner) add('seller_owner', 'Enter the seller who owns this MAP.');
  else if (!ownerEmail_(r.seller_owner)) {
    add('seller_owner', 'Enter an email, e.g. Sam Seller <sam@vendor.com>.');
  }
  if (!/^[A-Z]{2}$/.test(r.country)) add('country', 'Choose the country whose holidays apply.');
  if (r.signature_date) {
    if (!isIsoDate_(r.signature_date)) add('signature_date', 'Enter the signature date as YYYY-MM-DD.');
    else if (isIsoDate_(r.go_live) && r.signature_date >= r.go_live) {
      add('signature_date', 'The signature must come before go-live.');
    }
  }
  if (r.amount !== undefined && !(Number.isSafeInteger(r.amount) && r.amount >= 0)) {
    add('amount', 'Enter the amount as a whole number, e.g. 120000.');
  }
  if (r.spreadsheet_id && r.spreadsheet_id !== currentSpreadsheetId) {
    add('spreadsheet_id', 'A MAP can only be created in the spreadsheet the add-on is open in.');
  }
  return errors;
}

/**
 * The email in "Name <email>" or a bare email; '' when there is none.
 * @param {string} owner
 * @returns {string}
 */
function ownerEmail_(owner) {
  const angled = /<([^<>]+)>\s*$/.exec(owner);
  const candidate = (angled ? angled[1] : owner).trim();
  return EMAIL_PATTERN.test(candidate) ? candidate : '';
}

/**
 * @param {string} value
 * @returns {boolean}
 */
function isIsoDate_(value) {
  const m = ISO_DATE_PATTERN.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function text_(value) {
  return value === undefined || value === null ? '' : String(value).trim();
}
