/**
 * Checks on what firmnet printed and generated for a hostile input: a name must never reach the
 * terminal with raw control characters, and a name carrying the fuzz marker must never become code
 * in the generated C (only comments and string literals may hold it, escaped).
 */
import { MARKER } from './mutate/hostile-values.js';

/** C0 controls other than tab and newline, DEL, and the C1 range: what makes a terminal act, not print. */
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export function terminalControlCharacter(text: string): string | null {
  const m = TERMINAL_CONTROL.exec(text);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} at ${JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 10))}`;
}

/**
 * Where the marker appears in C code proper, outside comments, string and character literals.
 * A tiny C lexer: enough for generated C (no trigraphs; `\` line splices are honoured inside
 * comments and literals, which is where an escaping bug would put them).
 */
export function markerInCCode(source: string): { line: number; text: string } | null {
  let i = 0;
  let line = 1;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      line += count(source, i, stop, '\n');
      i = stop;
    } else if (c === '/' && source[i + 1] === '/') {
      // A line comment runs to a newline not preceded by a backslash splice.
      let j = i + 2;
      while (j < n && !(source[j] === '\n' && source[j - 1] !== '\\')) j++;
      line += count(source, i, j, '\n');
      i = j;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      line += count(source, i, Math.min(j, n), '\n');
      i = j + 1;
    } else if (source.startsWith(MARKER, i) && !isIdentifierChar(source[i - 1]) && !isIdentifierChar(source[i + MARKER.length])) {
      // A whole token: a sanitised name like `FZMARK_invoke` or `__FZMARK_` is an identifier, not an injection.
      const start = source.lastIndexOf('\n', i) + 1;
      const end = source.indexOf('\n', i);
      return { line, text: source.slice(start, end < 0 ? n : end).slice(0, 160) };
    } else i++;
  }
  return null;
}

function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

function count(text: string, from: number, to: number, ch: string): number {
  let k = 0;
  for (let i = from; i < to; i++) if (text[i] === ch) k++;
  return k;
}
