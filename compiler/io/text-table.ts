import { terminalText } from '../terminal-text.js';

/**
 * Plain-text tables and number formats shared by every human report: the CLI commands, the
 * simulator's terminal report and the evaluation summaries. Nothing here writes; callers print.
 */

/** A text table; cells are escaped (a class or layer name with a line break stays in its cell). */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const head = headers.map(terminalText);
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : terminalText(c))));
  const widths = head.map((h, i) => cells.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const numeric = head.map((_, i) => rows.every((r) => typeof r[i] === 'number' || /^[-+]?[\d.,]+\s?[%a-zµ]*$/i.test(String(r[i] ?? ''))));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(head), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 1) return v.toFixed(3);
  if (a >= 1e-3) return v.toFixed(4);
  return v.toExponential(2);
}

export function percent(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}
