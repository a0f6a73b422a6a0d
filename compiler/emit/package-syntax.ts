/**
 * Spellings for the package manifests firmnet writes next to the C (PlatformIO library.json,
 * Arduino library.properties, Zephyr module.yml and Kconfig). Names in them come from input files,
 * so they are built on the escaping every generated file uses (render.ts, js-syntax.ts): a name
 * becomes printable ASCII on one line, and nothing a manifest's reader expands survives.
 */
import { commentText } from './render.js';
import { jsLiteral } from './wasm/js-syntax.js';

/** Longest piece of a model name quoted in a manifest's description (in code points, before escaping). */
const NAME_CHARS = 80;

/** A model name cut for a one-line description: the first NAME_CHARS code points, with … when cut. */
export function shortName(name: string): string {
  const points = [...name];
  return points.length > NAME_CHARS ? `${points.slice(0, NAME_CHARS).join('')}…` : name;
}

/**
 * One line of text for a properties value or a Kconfig help line: printable ASCII (control and
 * non-ASCII characters and backslashes as C-style escapes), so it cannot end the line or start a key.
 * Kconfig expands `$(...)` (even `$(shell,...)`) in quoted strings and words but reads help text and
 * `#` comments as they are, so names go only there (the prompt is the C prefix).
 */
export function oneLineText(text: string): string {
  return commentText(text);
}

/** A JSON document with every string in ASCII (non-ASCII as \u escapes), two-space indented. */
export function asciiJson(value: Record<string, unknown>): string {
  return `${JSON.stringify(value, (_, v: unknown) => v, 2).replace(/"(?:[^"\\]|\\.)*"/g, (s) => jsLiteral(JSON.parse(s) as string))}\n`;
}
