/**
 * The prediction table as CSV (RFC 4180). Text cells carry names from the model file (classes,
 * labels), so each is made safe for the places a CSV goes: control, line-separator and
 * bidirectional characters become visible escapes (as on the terminal, where the CSV may be
 * printed), a cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe, and a cell with a separator, a quote or outer spaces is quoted.
 */
import { terminalText } from '../terminal-text.js';
import type { Cell, PredictionTable } from './prediction-table.js';

export function csvCell(value: Cell): string {
  if (typeof value === 'number') return String(value);
  let text = terminalText(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",;]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function predictionCsv(table: PredictionTable): string {
  const lines = [table.columns.map(csvCell).join(','), ...table.rows.map((r) => r.map(csvCell).join(','))];
  return `${lines.join('\n')}\n`;
}
