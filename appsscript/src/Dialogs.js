/**
 * Opens the add-on's HTML: the Create MAP and Pipeline dialogs, the weekly
 * review dialog and the Deal health sidebar. Each HTML file is self-contained
 * and asks for its data through google.script.run (see ServerApi.js).
 */

/** Menu: Create MAP... */
function showCreateMapDialog() {
  showDialog_('CreateMap', 'Create a Mutual Action Plan', 560, 680);
}

/** Menu: Weekly review. The dialog runs the review and shows what it found. */
function showWeeklyReviewDialog() {
  showDialog_('WeeklyReview', 'Weekly review', 520, 520);
}

/** Menu: Pipeline. */
function showPipelineDialog() {
  showDialog_('Pipeline', 'Pipeline: your MAPs', 900, 560);
}

/** Menu: Deal health. */
function showDealHealthSidebar() {
  const output = HtmlService.createHtmlOutputFromFile(HTML_DIR + 'Sidebar').setTitle('Deal health');
  SpreadsheetApp.getUi().showSidebar(output);
}

/**
 * @param {string} file HTML file name without extension, in src/
 * @param {string} title
 * @param {number} width
 * @param {number} height
 */
function showDialog_(file, title, width, height) {
  const output = HtmlService.createHtmlOutputFromFile(HTML_DIR + file).setWidth(width).setHeight(height);
  SpreadsheetApp.getUi().showModalDialog(output, title);
}
