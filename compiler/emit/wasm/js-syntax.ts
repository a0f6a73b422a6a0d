/**
 * JavaScript spellings of values for the generated loader (model.mjs, model.d.mts). Names come from
 * input files, so every string is written as a literal: JSON, which escapes quotes, backslashes and
 * control characters (and lone surrogates), with every non-ASCII character as a \u escape as well, so
 * a name reads the same whatever encoding a bundler or server assumes, and no line or paragraph
 * separator or bidirectional control appears raw.
 */
export function jsLiteral(value: string | number | boolean | null | readonly (string | number)[] | Record<string, number>): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error(`internal: ${String(value)} has no JavaScript literal`);
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
