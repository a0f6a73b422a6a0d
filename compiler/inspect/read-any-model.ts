/**
 * Any model file firmnet reads, told apart by content: a firmnet float model or quantized IR (JSON
 * with their `format`), a TF.js layers model (other JSON, or its folder) or ONNX (protobuf bytes).
 * Each is read by its own checked loader, so a bad file gets the same message as anywhere else.
 */
import { statSync } from 'node:fs';
import { importModelFile } from '../import/import-model-file.js';
import { readInputFile } from '../io/read-input-file.js';
import type { FloatModel } from '../model/float-model.js';
import { parseModelText } from '../model/model-file.js';
import { parseQModelText } from '../quantize/qmodel-file.js';
import type { QModel } from '../ir/qmodel.js';

export type AnyModel = { kind: 'float'; model: FloatModel } | { kind: 'quantized'; qmodel: QModel };

export function readAnyModel(file: string): AnyModel {
  if (isDirectory(file)) return { kind: 'float', model: importModelFile(file, { file }) };
  const bytes = readInputFile(file, 'BAD_ARGUMENT', 'model file');
  const text = bytes.subarray(0, 64).toString('utf8').trimStart();
  if (!text.startsWith('{')) return { kind: 'float', model: importModelFile(file, { file }) };
  const all = bytes.toString('utf8');
  const format = jsonFormat(all);
  if (format === 'firmnet.qmodel') return { kind: 'quantized', qmodel: parseQModelText(all, file) };
  if (format === 'firmnet.model') return { kind: 'float', model: parseModelText(all, file) };
  return { kind: 'float', model: importModelFile(file, { file }) };
}

/** The top-level `format` string of a JSON document, or null (not JSON, or no such field: the TF.js reader then says what is wrong). */
function jsonFormat(text: string): string | null {
  try {
    const root: unknown = JSON.parse(text);
    return root !== null && typeof root === 'object' && typeof (root as { format?: unknown }).format === 'string' ? (root as { format: string }).format : null;
  } catch {
    return null;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // reading it names the problem
  }
}
