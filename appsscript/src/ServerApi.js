/**
 * The functions the add-on's HTML calls through google.script.run. Each
 * returns plain JSON (the backend's answer as docs/api.md describes it) or
 * throws an Error whose message is readable as it stands; field errors are
 * listed one a line as "- <field>: <message>".
 *
 * The product's local mode serves the same HTML with its own google.script.run
 * stand-in that maps these names to the backend's HTTP endpoints; keep the
 * names, arguments and answers in step with appsscript/README.md.
 */

/** What a 404 on the current file means to a seller. */
const NOT_A_MAP_MESSAGE =
  'This spreadsheet is not a MAP yet. Use Create MAP... in the add-on menu to make it one.';

/** What errors of Create MAP mean to a seller. */
const CREATE_MAP_MEANINGS = {
  CONFLICT: 'This spreadsheet already holds a MAP. Create the new one in a new spreadsheet.',
  FORBIDDEN:
    'The MAP service may not use this spreadsheet. Create the MAP in a new spreadsheet, or ask ' +
    "the add-on's administrator to set BACKEND_SERVICE_ACCOUNT.",
};

/** Sort orders GET /api/maps accepts. */
const PIPELINE_SORTS = ['risk', 'slip', 'go_live', 'account', 'signature'];

/** How long the template list is cached, in seconds. */
const TEMPLATES_CACHE_SECONDS = 300;

/**
 * What the Create MAP dialog starts with.
 * @returns {{seller_owner: string, country: string, spreadsheet_id: string, spreadsheet_name: string}}
 */
function getCreateMapDefaults() {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  return {
    seller_owner: currentUserEmail_(),
    country: countryOfLocale_(spreadsheet.getSpreadsheetLocale()),
    spreadsheet_id: spreadsheet.getId(),
    spreadsheet_name: spreadsheet.getName(),
  };
}

/**
 * The country of a locale (de_DE: DE), whose holidays a new MAP most likely follows;
 * US when the locale names none (the dialog keeps US where it offers no such country).
 * @param {string} locale
 * @returns {string}
 */
function countryOfLocale_(locale) {
  const match = /^[a-z]{2,3}[_-]([A-Za-z]{2})$/.exec(String(locale || ''));
  return match ? match[1].toUpperCase() : 'US';
}

/**
 * GET /api/templates, cached for a few minutes.
 * @returns {{templates: {name: string, title: string, description: string, milestones: number}[]}}
 */
function getTemplates() {
  const cache = CacheService.getScriptCache();
  const cached = cache.get('templates');
  if (cached) return JSON.parse(cached);
  const answer = callBackend_('get', '/api/templates');
  cache.put('templates', JSON.stringify(answer), TEMPLATES_CACHE_SECONDS);
  return answer;
}

/**
 * POST /api/maps with the seller's OAuth token: creates the MAP in a new
 * spreadsheet (spreadsheet_id null) or in this one (spreadsheet_id = this file's id).
 * @param {MapForm} form
 * @returns {{spreadsheet_id: string, url: string, summary: Object}}
 */
function createMap(form) {
  const spreadsheet = SpreadsheetApp.getActiveSpreadsheet();
  const checked = mapRequestFromForm_(form, spreadsheet.getId());
  if (checked.errors.length) throw fieldErrors_(checked.errors);
  const sharing = checked.request.spreadsheet_id ? shareWithBackend_(spreadsheet) : null;
  try {
    // The MAP's "today" is its spreadsheet's date and its dates are read and shown in its
    // locale: a new spreadsheet gets the zone and locale of the one the seller works in
    // (their account's), "in this spreadsheet" keeps its own.
    const body = Object.assign({}, checked.request, {
      time_zone: spreadsheet.getSpreadsheetTimeZone(),
      locale: spreadsheet.getSpreadsheetLocale(),
    });
    return callBackend_('post', '/api/maps', {
      body: body,
      withSellerToken: true,
      meanings: CREATE_MAP_MEANINGS,
    });
  } catch (error) {
    if (sharing) sharing.undo(error);
    throw error;
  }
}

/**
 * GET /api/maps/<this file>: summary, milestones, risks and next steps.
 * @returns {any}
 */
function getDealHealth() {
  return callBackend_('get', mapPath_(''), { meanings: { NOT_FOUND: NOT_A_MAP_MESSAGE } });
}

/**
 * POST /api/maps/<this file>/refresh: syncs now, answers like getDealHealth.
 * @returns {any}
 */
function refreshMap() {
  return callBackend_('post', mapPath_('/refresh'), { body: {}, meanings: { NOT_FOUND: NOT_A_MAP_MESSAGE } });
}

/**
 * POST /api/maps/<this file>/calendar-key: a new link for the calendar feed; the old
 * link stops working (also turns a feed that was off back on).
 * @returns {{calendar_url: string | null}}
 */
function newCalendarLink() {
  return callBackend_('post', mapPath_('/calendar-key'), { body: {}, meanings: { NOT_FOUND: NOT_A_MAP_MESSAGE } });
}

/**
 * DELETE /api/maps/<this file>/calendar-key: turns the calendar feed off; every link
 * to it stops working until a new one is made.
 * @returns {{calendar_url: string | null}}
 */
function turnOffCalendarLink() {
  return callBackend_('delete', mapPath_('/calendar-key'), { meanings: { NOT_FOUND: NOT_A_MAP_MESSAGE } });
}

/**
 * POST /api/maps/<this file>/review: appends a review to the Reviews tab.
 * @returns {{review: any}}
 */
function runWeeklyReview() {
  const answer = callBackend_('post', mapPath_('/review'), { body: {}, meanings: { NOT_FOUND: NOT_A_MAP_MESSAGE } });
  SpreadsheetApp.getActiveSpreadsheet().toast('The review is in the Reviews tab.', 'Weekly review done', 5);
  return answer;
}

/**
 * GET /api/maps/<this file>/reminders: on/off, who gets what next, owners without
 * an email, the last messages sent and the call agenda.
 * @returns {any}
 */
function getReminders() {
  return callBackend_('get', mapPath_('/reminders'), { meanings: { NOT_FOUND: NOT_A_MAP_MESSAGE } });
}

/**
 * PUT /api/maps/<this file>/reminders: turns this MAP's reminders on or off;
 * answers like getReminders.
 * @param {boolean} enabled
 * @returns {any}
 */
function setRemindersEnabled(enabled) {
  return callBackend_('put', mapPath_('/reminders'), {
    body: { enabled: enabled === true },
    meanings: { NOT_FOUND: NOT_A_MAP_MESSAGE },
  });
}

/**
 * Selects the Plan tab's rows of these milestones (a risk's, clicked in the sidebar):
 * the rows whose ID (column A, hidden) is one of ``ids``, across the table's columns.
 * @param {string[]} ids
 * @returns {number} how many rows were selected
 */
function selectMilestoneRows(ids) {
  const wanted = new Set((Array.isArray(ids) ? ids : []).map(String));
  const sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName(PLAN_SHEET_NAME);
  const last = sheet ? sheet.getLastRow() : 0;
  if (!sheet || !wanted.size || !last) return 0;
  const width = sheet.getLastColumn();
  /** @type {string[]} */
  const rows = [];
  sheet.getRange(1, 1, last, 1).getValues().forEach(function (row, i) {
    if (wanted.has(String(row[0]))) rows.push(sheet.getRange(i + 1, 1, 1, width).getA1Notation());
  });
  if (!rows.length) return 0;
  sheet.activate();
  sheet.getRangeList(rows).activate();
  return rows.length;
}

/**
 * GET /api/maps?sort=...: the MAPs of the caller's organisation.
 * @param {string} [sort] risk (default), slip, go_live, account or signature (most
 *   likely to sign this quarter first)
 * @returns {{maps: any[]}}
 */
function getPipeline(sort) {
  const order = PIPELINE_SORTS.indexOf(String(sort)) >= 0 ? String(sort) : 'risk';
  return callBackend_('get', '/api/maps?sort=' + order);
}

/**
 * @param {string} suffix
 * @returns {string}
 */
function mapPath_(suffix) {
  return '/api/maps/' + encodeURIComponent(SpreadsheetApp.getActiveSpreadsheet().getId()) + suffix;
}

/**
 * The user's email, or '' when Google does not tell (outside the domain, consumer accounts).
 * @returns {string}
 */
function currentUserEmail_() {
  try {
    return Session.getActiveUser().getEmail() || Session.getEffectiveUser().getEmail() || '';
  } catch (e) {
    return '';
  }
}
