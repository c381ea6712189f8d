/**
 * "Create MAP in this spreadsheet": the backend reaches an existing file
 * through its service account, so the add-on shares the current file with it
 * first (scope spreadsheets.currentonly: this file only). A new spreadsheet
 * needs none of this: the backend creates and shares it with the seller's token.
 */

/**
 * Adds the backend's service account (script property BACKEND_SERVICE_ACCOUNT)
 * as an editor of the spreadsheet, unless it is one already or none is configured.
 * @param {GoogleAppsScript.Spreadsheet.Spreadsheet} spreadsheet
 * @returns {{added: boolean, undo: (error: unknown) => void}} undo removes the
 *   editor again after an answer that says nothing was created (4xx); after a
 *   network error or a 5xx the MAP may exist, so the share stays.
 */
function shareWithBackend_(spreadsheet) {
  const account = backendServiceAccount_();
  const nothing = { added: false, undo: (/** @type {unknown} */ _error) => {} };
  if (!account) return nothing;
  const wanted = account.toLowerCase();
  const already = spreadsheet.getEditors().some((user) => user.getEmail().toLowerCase() === wanted);
  if (already) return nothing;
  spreadsheet.addEditor(account);
  return {
    added: true,
    undo: (error) => {
      const status = error instanceof BackendError ? error.status : 0;
      if (status < 400 || status >= 500) return;
      try {
        spreadsheet.removeEditor(account);
      } catch (e) {
        console.warn('Could not remove ' + account + ' from the editors again: ' + readableMessage_(e));
      }
    },
  };
}
