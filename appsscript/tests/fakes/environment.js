'use strict';
// What every fake shares: the current authorisation mode, the scopes the
// user granted (the manifest's by default), the realm's Error class, and a
// record of what the add-on logged. Each fake asks check() before it acts, so
// code that calls a service in the wrong mode or without its scope fails the
// way it would in Apps Script.

const SCOPES = Object.freeze({
  UI: 'https://www.googleapis.com/auth/script.container.ui',
  EXTERNAL_REQUEST: 'https://www.googleapis.com/auth/script.external_request',
  SCRIPTAPP: 'https://www.googleapis.com/auth/script.scriptapp',
  SHEETS_CURRENT: 'https://www.googleapis.com/auth/spreadsheets.currentonly',
  SHEETS: 'https://www.googleapis.com/auth/spreadsheets',
  DRIVE_FILE: 'https://www.googleapis.com/auth/drive.file',
  OPENID: 'openid',
  EMAIL: 'https://www.googleapis.com/auth/userinfo.email',
});

/** The current spreadsheet, with either scope. */
const CURRENT_SHEET_SCOPES = [SCOPES.SHEETS_CURRENT, SCOPES.SHEETS];

class FakeEnvironment {
  /**
   * @param {{authMode?: 'NONE' | 'LIMITED' | 'FULL', scopes: string[]}} options
   */
  constructor({ authMode = 'FULL', scopes }) {
    this.authMode = authMode;
    this.scopes = new Set(scopes);
    /** The Error class of the add-on's realm; the harness sets it. */
    this.Error = Error;
    /** @type {{level: string, message: string}[]} */
    this.logs = [];
  }

  /**
   * Throws like Apps Script when a call is not allowed now.
   * @param {string} method e.g. UrlFetchApp.fetch
   * @param {{scopes?: string[], limited?: boolean, none?: boolean}} [rule]
   *   scopes: any one of them must be granted; limited/none: allowed in that mode
   */
  check(method, rule = {}) {
    const { scopes = [], limited = false, none = false } = rule;
    const modeAllows =
      this.authMode === 'FULL' || (this.authMode === 'LIMITED' && limited) || (this.authMode === 'NONE' && none);
    const scopeAllows = this.authMode === 'NONE' || !scopes.length || scopes.some((s) => this.scopes.has(s));
    if (!modeAllows || !scopeAllows) {
      throw this.error(
        'Exception: You do not have permission to call ' +
          method +
          (scopes.length ? '. Required permissions: ' + scopes.join(' || ') : '') +
          ' (authorisation mode ' +
          this.authMode +
          ')'
      );
    }
  }

  /** @param {string} message */
  error(message) {
    return new this.Error(message);
  }

  /** A console for the add-on that records instead of printing. */
  console() {
    const record = (level) => (...args) => {
      this.logs.push({ level, message: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') });
    };
    return { log: record('log'), info: record('info'), warn: record('warn'), error: record('error') };
  }
}

module.exports = { FakeEnvironment, SCOPES, CURRENT_SHEET_SCOPES };
