import type { FirmnetErrorCode } from '../errors.js';
import { toJsonText, writeFileAtomic } from './atomic-write.js';
import { JsonReader } from './json-reader.js';

/** A kind of JSON file firmnet reads and writes: its error code, what to call it, and its checked parser. */
export interface JsonDocument<T> {
  code: FirmnetErrorCode;
  what: string;
  parse(reader: JsonReader, root: Record<string, unknown>): T;
}

export function loadJsonDocument<T>(doc: JsonDocument<T>, file: string): T {
  const { reader, root } = JsonReader.parseFile(file, doc.code, doc.what);
  return doc.parse(reader, root);
}

export function parseJsonDocumentText<T>(doc: JsonDocument<T>, text: string, file: string): T {
  const reader = new JsonReader(file, doc.code);
  return doc.parse(reader, reader.parseText(text, doc.what));
}

/** Writes only a file that loads back: a document its own reader would reject is a firmnet bug, not a user error. */
export function saveJsonDocument<T>(doc: JsonDocument<T>, path: string, value: T): void {
  const text = toJsonText(value);
  try {
    parseJsonDocumentText(doc, text, path);
  } catch (e) {
    throw new Error(`internal: refusing to write ${path}, which would not load back: ${(e as Error).message}`);
  }
  writeFileAtomic(path, text);
}
