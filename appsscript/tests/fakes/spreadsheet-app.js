'use strict';
// SpreadsheetApp: one active spreadsheet held in memory (tabs of cell
// values), its editors and toasts, and the Ui with the add-on menu, alerts,
// dialogs and sidebars the add-on opened.

const { parseA1, formatA1 } = require('./a1');
const { SCOPES, CURRENT_SHEET_SCOPES } = require('./environment');

const UI_RULE = { scopes: [SCOPES.UI] };
const SHEET_RULE = { scopes: CURRENT_SHEET_SCOPES, limited: true };

class FakeRange {
  /**
   * @param {FakeSheet} sheet
   * @param {number} row
   * @param {number} column
   * @param {number} numRows
   * @param {number} numColumns
   */
  constructor(sheet, row, column, numRows, numColumns) {
    this.sheet = sheet;
    this.row = row;
    this.column = column;
    this.numRows = numRows;
    this.numColumns = numColumns;
  }
  getSheet() {
    return this.sheet;
  }
  getA1Notation() {
    return formatA1(this.row, this.column, this.numRows, this.numColumns);
  }
  getRow() {
    return this.row;
  }
  getColumn() {
    return this.column;
  }
  getNumRows() {
    return this.numRows;
  }
  getNumColumns() {
    return this.numColumns;
  }
  getValues() {
    const values = [];
    for (let r = 0; r < this.numRows; r++) {
      const row = [];
      for (let c = 0; c < this.numColumns; c++) row.push(this.sheet.cell(this.row + r, this.column + c));
      values.push(row);
    }
    return values;
  }
  getValue() {
    return this.sheet.cell(this.row, this.column);
  }
  getDisplayValue() {
    return String(this.getValue());
  }
  /** @param {unknown[][]} values */
  setValues(values) {
    values.forEach((row, r) => row.forEach((v, c) => this.sheet.setCell(this.row + r, this.column + c, v)));
    return this;
  }
  /** @param {unknown} value */
  setValue(value) {
    this.sheet.setCell(this.row, this.column, value);
    return this;
  }
}

class FakeSheet {
  /**
   * @param {FakeSpreadsheet} parent
   * @param {string} name
   * @param {unknown[][]} rows
   */
  constructor(parent, name, rows) {
    this.parent = parent;
    this.name = name;
    this.rows = rows.map((r) => r.slice());
  }
  getName() {
    return this.name;
  }
  getParent() {
    return this.parent;
  }
  /** @param {number} row @param {number} column */
  cell(row, column) {
    const r = this.rows[row - 1];
    const v = r ? r[column - 1] : undefined;
    return v === undefined || v === null ? '' : v;
  }
  /** @param {number} row @param {number} column @param {unknown} value */
  setCell(row, column, value) {
    while (this.rows.length < row) this.rows.push([]);
    const r = this.rows[row - 1];
    while (r.length < column) r.push('');
    r[column - 1] = value;
  }
  getLastRow() {
    return this.rows.length;
  }
  getLastColumn() {
    return this.rows.reduce((n, r) => Math.max(n, r.length), 0);
  }
  /**
   * getRange("B3"), getRange("A1:C4") or getRange(row, column, numRows?, numColumns?)
   * @param {string | number} a1OrRow
   * @param {number} [column]
   * @param {number} [numRows]
   * @param {number} [numColumns]
   */
  getRange(a1OrRow, column, numRows, numColumns) {
    if (typeof a1OrRow === 'string') {
      const p = parseA1(a1OrRow);
      return new FakeRange(this, p.row, p.column, p.numRows, p.numColumns);
    }
    return new FakeRange(this, a1OrRow, column || 1, numRows || 1, numColumns || 1);
  }
  getDataRange() {
    return new FakeRange(this, 1, 1, Math.max(1, this.getLastRow()), Math.max(1, this.getLastColumn()));
  }
  activate() {
    this.parent.activeSheet = this;
    return this;
  }
  /**
   * Ranges to select at once ("A2:F2", ...): activate() makes them the selection.
   * @param {string[]} a1s
   */
  getRangeList(a1s) {
    const sheet = this;
    return {
      getRanges: () => a1s.map((a1) => sheet.getRange(a1)),
      activate() {
        sheet.parent.selection = { sheet: sheet.name, ranges: Array.from(a1s, String) };
        return this;
      },
    };
  }
}

class FakeSpreadsheet {
  /**
   * @param {import('./environment').FakeEnvironment} env
   * @param {{id: string, name: string, sheets?: Record<string, unknown[][]>, editors?: string[], timeZone?: string, locale?: string}} spec
   */
  constructor(env, { id, name, sheets = { Plan: [] }, editors = [], timeZone = 'Etc/GMT', locale = 'en_US' }) {
    this.env = env;
    this.id = id;
    this.name = name;
    this.timeZone = timeZone;
    this.locale = locale;
    this.sheets = Object.entries(sheets).map(([n, rows]) => new FakeSheet(this, n, rows));
    this.editors = editors.slice();
    /** @type {{message: string, title: string, seconds: number | undefined}[]} */
    this.toasts = [];
    /** @type {FakeSheet | null} */
    this.activeSheet = null;
    /** What is selected: the sheet's name and its ranges' A1 notations. */
    /** @type {{sheet: string, ranges: string[]} | null} */
    this.selection = null;
  }
  getId() {
    return this.id;
  }
  getName() {
    return this.name;
  }
  getSpreadsheetTimeZone() {
    return this.timeZone;
  }
  getSpreadsheetLocale() {
    return this.locale;
  }
  getUrl() {
    return 'https://docs.google.com/spreadsheets/d/' + this.id + '/edit';
  }
  getSheets() {
    return this.sheets.slice();
  }
  /** @param {string} name */
  getSheetByName(name) {
    return this.sheets.find((s) => s.name === name) || null;
  }
  getActiveSheet() {
    return this.activeSheet || this.sheets[0];
  }
  getEditors() {
    this.env.check('Spreadsheet.getEditors', SHEET_RULE);
    return this.editors.map((email) => ({ getEmail: () => email }));
  }
  /** @param {string} email */
  addEditor(email) {
    this.env.check('Spreadsheet.addEditor', { scopes: CURRENT_SHEET_SCOPES });
    if (!this.editors.includes(email)) this.editors.push(email);
    return this;
  }
  /** @param {string} email */
  removeEditor(email) {
    this.env.check('Spreadsheet.removeEditor', { scopes: CURRENT_SHEET_SCOPES });
    this.editors = this.editors.filter((e) => e !== email);
    return this;
  }
  /** @param {string} message @param {string} [title] @param {number} [seconds] */
  toast(message, title, seconds) {
    this.env.check('Spreadsheet.toast', SHEET_RULE);
    this.toasts.push({ message: String(message), title: String(title || ''), seconds });
  }
}

class FakeMenu {
  /** @param {FakeUi} ui @param {string} title */
  constructor(ui, title) {
    this.ui = ui;
    this.title = title;
    /** @type {({caption: string, functionName: string} | {separator: true})[]} */
    this.items = [];
  }
  /** @param {string} caption @param {string} functionName */
  addItem(caption, functionName) {
    this.items.push({ caption, functionName });
    return this;
  }
  addSeparator() {
    this.items.push({ separator: true });
    return this;
  }
  addToUi() {
    this.ui.menus.push({ title: this.title, items: this.items.slice() });
  }
}

class FakeUi {
  /** @param {import('./environment').FakeEnvironment} env */
  constructor(env) {
    this.env = env;
    /** @type {{title: string, items: object[]}[]} */
    this.menus = [];
    /** @type {{title: string, prompt: string}[]} */
    this.alerts = [];
    /** @type {{file: string, title: string, width?: number, height?: number, content: string}[]} */
    this.dialogs = [];
    /** @type {{file: string, title: string, content: string}[]} */
    this.sidebars = [];
    this.ButtonSet = { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' };
    this.Button = { OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE' };
  }
  createAddonMenu() {
    // Allowed in every mode: this is what onOpen may always do.
    return new FakeMenu(this, 'Add-on');
  }
  /** @param {string} title */
  createMenu(title) {
    return new FakeMenu(this, title);
  }
  /** alert(prompt) or alert(title, prompt, buttons) */
  alert(...args) {
    this.env.check('Ui.alert', UI_RULE);
    const [title, prompt] = args.length >= 2 && typeof args[1] === 'string' ? args : ['', args[0]];
    this.alerts.push({ title: String(title), prompt: String(prompt) });
    return this.Button.OK;
  }
  /** @param {import('./services').FakeHtmlOutput} output @param {string} title */
  showModalDialog(output, title) {
    this.env.check('Ui.showModalDialog', UI_RULE);
    this.dialogs.push({ file: output.file, title, width: output.width, height: output.height, content: output.content });
  }
  /** @param {import('./services').FakeHtmlOutput} output */
  showSidebar(output) {
    this.env.check('Ui.showSidebar', UI_RULE);
    this.sidebars.push({ file: output.file, title: output.title, content: output.content });
  }
}

/**
 * @param {import('./environment').FakeEnvironment} env
 * @param {FakeSpreadsheet} spreadsheet
 * @param {FakeUi} ui
 */
function createSpreadsheetApp(env, spreadsheet, ui) {
  return {
    getUi: () => ui,
    getActiveSpreadsheet() {
      env.check('SpreadsheetApp.getActiveSpreadsheet', SHEET_RULE);
      return spreadsheet;
    },
    getActive() {
      env.check('SpreadsheetApp.getActive', SHEET_RULE);
      return spreadsheet;
    },
  };
}

module.exports = { FakeSpreadsheet, FakeSheet, FakeRange, FakeUi, createSpreadsheetApp };
