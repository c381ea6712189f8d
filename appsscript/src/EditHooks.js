/**
 * Handlers of the installable triggers that "Enable live updates" installs.
 * They run as the seller who installed them, also when a buyer edits, and do
 * one thing: tell the backend (POST /hooks/sheet-edit) that the MAP changed.
 * The backend reads the whole sheet and syncs; these handlers never read,
 * write or compute anything, and never throw at the person editing.
 */

/** onChange kinds that move rows or columns; EDIT is onMapEdit's, FORMAT is ignored. */
const STRUCTURAL_CHANGES = ['INSERT_ROW', 'REMOVE_ROW', 'INSERT_COLUMN', 'REMOVE_COLUMN', 'OTHER'];

/**
 * Installable onEdit handler. Edits outside the Plan tab are not sent: the
 * other tabs are the backend's own (History, Reviews) or a guide (How to use).
 * @param {GoogleAppsScript.Events.SheetsOnEdit} e
 */
function onMapEdit(e) {
  try {
    const payload = editPayload_(e);
    if (payload) postHookQuietly_('/hooks/sheet-edit', payload);
  } catch (error) {
    console.warn('MAP live update skipped: ' + readableMessage_(error));
  }
}

/**
 * Installable onChange handler: rows or columns inserted, removed or sorted.
 * @param {GoogleAppsScript.Events.SheetsOnChange} e
 */
function onMapChange(e) {
  try {
    const payload = changePayload_(e);
    if (payload) postHookQuietly_('/hooks/sheet-edit', payload);
  } catch (error) {
    console.warn('MAP live update skipped: ' + readableMessage_(error));
  }
}

/**
 * The hook's body for a cell edit, or null when there is nothing to send.
 * value and old_value go only with a single-cell edit (Google gives them only then).
 * @param {GoogleAppsScript.Events.SheetsOnEdit} e
 * @returns {Object | null}
 */
function editPayload_(e) {
  if (!e || !e.range) return null;
  const sheet = e.range.getSheet().getName();
  if (sheet !== PLAN_SHEET_NAME) return null;
  /** @type {Object<string, string>} */
  const payload = {
    spreadsheet_id: (e.source || e.range.getSheet().getParent()).getId(),
    sheet: sheet,
    a1: e.range.getA1Notation(),
  };
  if (e.range.getNumRows() === 1 && e.range.getNumColumns() === 1) {
    payload.value = e.value === undefined || e.value === null ? '' : String(e.value);
    if (e.oldValue !== undefined && e.oldValue !== null) payload.old_value = String(e.oldValue);
  }
  const user = editorEmail_(e);
  if (user) payload.user = user;
  payload.ts = isoTimestamp_(new Date());
  return payload;
}

/**
 * The hook's body for a structural change, or null for kinds that need no sync.
 * Google does not say where the change was, so a1 is the Plan tab's data range.
 * @param {GoogleAppsScript.Events.SheetsOnChange} e
 * @returns {Object | null}
 */
function changePayload_(e) {
  if (!e || !e.source || STRUCTURAL_CHANGES.indexOf(String(e.changeType)) < 0) return null;
  const plan = e.source.getSheetByName(PLAN_SHEET_NAME);
  if (!plan) return null;
  /** @type {Object<string, string>} */
  const payload = {
    spreadsheet_id: e.source.getId(),
    sheet: PLAN_SHEET_NAME,
    a1: plan.getDataRange().getA1Notation(),
  };
  const user = editorEmail_(e);
  if (user) payload.user = user;
  payload.ts = isoTimestamp_(new Date());
  return payload;
}

/**
 * The editor's email; Google often leaves it blank for people outside the seller's domain.
 * @param {{user?: GoogleAppsScript.Base.User}} e
 * @returns {string}
 */
function editorEmail_(e) {
  try {
    return (e.user && e.user.getEmail()) || '';
  } catch (error) {
    return '';
  }
}

/**
 * "2026-11-22T10:00:00Z"
 * @param {Date} date
 * @returns {string}
 */
function isoTimestamp_(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
