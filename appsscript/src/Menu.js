/**
 * The add-on menu (Extensions > MAP). onOpen runs in every authorisation mode:
 * in AuthMode.NONE (add-on installed, not yet used in this file) and LIMITED it
 * may not touch properties, triggers or the network, so the menu is the same
 * fixed list everywhere and each item does its work only when chosen (FULL).
 */

/**
 * @param {GoogleAppsScript.Events.SheetsOnOpen | {authMode?: GoogleAppsScript.Script.AuthMode}} [e]
 */
function onOpen(e) {
  SpreadsheetApp.getUi()
    .createAddonMenu()
    .addItem('Create MAP...', 'showCreateMapDialog')
    .addItem('Refresh MAP', 'refreshMapFromMenu')
    .addItem('Weekly review', 'showWeeklyReviewDialog')
    .addItem('Deal health', 'showDealHealthSidebar')
    .addSeparator()
    .addItem('Enable live updates', 'enableLiveUpdatesFromMenu')
    .addItem('Disable live updates', 'disableLiveUpdatesFromMenu')
    .addSeparator()
    .addItem('Pipeline', 'showPipelineDialog')
    .addToUi();
}

/**
 * Runs when the add-on is installed from inside a file: show the menu at once.
 * @param {{authMode?: GoogleAppsScript.Script.AuthMode}} [e]
 */
function onInstall(e) {
  onOpen(e);
}

/** Menu: Refresh MAP. Syncs now and says what the MAP looks like after. */
function refreshMapFromMenu() {
  runFromMenu_('Refresh MAP', () => {
    const detail = refreshMap();
    SpreadsheetApp.getActiveSpreadsheet().toast(healthSummaryLine_(detail.summary), 'MAP refreshed', 8);
  });
}

/** Menu: Enable live updates. */
function enableLiveUpdatesFromMenu() {
  runFromMenu_('Live updates', () => {
    const result = enableLiveUpdates();
    SpreadsheetApp.getUi().alert('Live updates', result.message, SpreadsheetApp.getUi().ButtonSet.OK);
  });
}

/** Menu: Disable live updates. */
function disableLiveUpdatesFromMenu() {
  runFromMenu_('Live updates', () => {
    const result = disableLiveUpdates();
    SpreadsheetApp.getUi().alert('Live updates', result.message, SpreadsheetApp.getUi().ButtonSet.OK);
  });
}

/**
 * Runs a menu action; any error becomes an alert with a readable message.
 * @param {string} title
 * @param {() => void} action
 */
function runFromMenu_(title, action) {
  try {
    action();
  } catch (error) {
    const ui = SpreadsheetApp.getUi();
    ui.alert(title, readableMessage_(error), ui.ButtonSet.OK);
  }
}

/**
 * "Health 55 (Watch) · go-live 2027-03-31, projected 2027-04-05 (3 business days late)"
 * @param {any} summary a MapSummary
 * @returns {string}
 */
function healthSummaryLine_(summary) {
  if (!summary) return 'Done.';
  const health = summary.health || {};
  const parts = ['Health ' + health.score + ' (' + health.label + ')'];
  if (summary.committed_go_live) {
    let goLive = 'go-live ' + summary.committed_go_live;
    if (summary.projected_go_live && summary.projected_go_live !== summary.committed_go_live) {
      goLive += ', projected ' + summary.projected_go_live;
    }
    parts.push(goLive + ' (' + slipText_(summary.slip_bd) + ')');
  }
  return parts.join(' · ');
}

/**
 * @param {number} slipBd business days of slip, negative when early
 * @returns {string}
 */
function slipText_(slipBd) {
  if (!slipBd) return 'on time';
  const days = Math.abs(slipBd) + (Math.abs(slipBd) === 1 ? ' business day' : ' business days');
  return slipBd > 0 ? days + ' late' : days + ' early';
}
