/**
 * Text from input files (model, layer, class and feature names, ONNX metadata, paths) made safe to
 * print on a terminal: a name must not move the cursor, change colours, set the window title, ring
 * the bell, start a new line that looks like firmnet's own output, or reorder what is displayed.
 */

/**
 * C0 controls, DEL and C1 controls (0x9b is CSI on 8-bit terminals), line and paragraph separators,
 * the bidirectional embedding, override and isolate controls, and lone surrogates (which no encoding
 * can write).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Every unsafe character as a visible escape (`\n`, `\x1b`, `\u202e`); other text is unchanged. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** The same, keeping line breaks: for text that is several lines of firmnet's own output. */
export function terminalLines(text: string): string {
  return text.split('\n').map(terminalText).join('\n');
}

/**
 * JSON for a terminal: JSON.stringify escapes the C0 controls; the other unsafe characters become
 * \u escapes too, which JSON readers decode to the same strings.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** UNSAFE without the C0 controls: inside strings JSON has escaped them, outside them they are its own line breaks. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Longer than any path or name a message needs whole; the head and tail that stay still show which one it is. */
const LONG_RUN_CHARS = 240;
const LONG_RUN = new RegExp(`[^\\s]{${LONG_RUN_CHARS + 1},}`, 'g');

/**
 * Every run of more than 240 characters without a space (a cell, a name or a list from a hostile
 * file) cut to its first 120 and last 40, with the count of what was left out; shorter text is
 * unchanged. The tail is kept because a path's file name is at its end.
 */
export function cutLongRuns(text: string): string {
  return text.replace(LONG_RUN, (run) => `${run.slice(0, 120)}…(${run.length - 160} more characters)…${run.slice(-40)}`);
}

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return SHORT[ch] ?? (code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}
