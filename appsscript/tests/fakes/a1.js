'use strict';
// A1 notation for the in-memory spreadsheet: "B3", "A2:C10".

/** @param {number} column 1-based */
function columnLetters(column) {
  let n = column;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** @param {string} letters */
function columnNumber(letters) {
  return letters.toUpperCase().split('').reduce((n, ch) => n * 26 + (ch.charCodeAt(0) - 64), 0);
}

/**
 * @param {string} a1 "B3" or "A2:C10"
 * @returns {{row: number, column: number, numRows: number, numColumns: number}}
 */
function parseA1(a1) {
  const m = /^([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?$/.exec(a1.trim());
  if (!m) throw new Error('Range not found: ' + a1);
  const row = Number(m[2]);
  const column = columnNumber(m[1]);
  const lastRow = m[4] ? Number(m[4]) : row;
  const lastColumn = m[3] ? columnNumber(m[3]) : column;
  return {
    row: Math.min(row, lastRow),
    column: Math.min(column, lastColumn),
    numRows: Math.abs(lastRow - row) + 1,
    numColumns: Math.abs(lastColumn - column) + 1,
  };
}

/**
 * @param {number} row
 * @param {number} column
 * @param {number} numRows
 * @param {number} numColumns
 */
function formatA1(row, column, numRows, numColumns) {
  const first = columnLetters(column) + row;
  if (numRows === 1 && numColumns === 1) return first;
  return first + ':' + columnLetters(column + numColumns - 1) + (row + numRows - 1);
}

module.exports = { columnLetters, columnNumber, parseA1, formatA1 };
