import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { FloatModel } from '../model/float-model.js';
import type { ImportOptions } from './finish-import.js';
import { importOnnx } from './onnx.js';
import { readInputFile } from '../io/read-input-file.js';
import { importTfjs } from './tfjs.js';

/** ONNX or TF.js, told apart by content: a TF.js model is JSON text, an ONNX model protobuf bytes. */
export function importModelFile(file: string, options: ImportOptions): FloatModel {
  const path = isDirectory(file) ? join(file, 'model.json') : file;
  const bytes = readInputFile(path, 'BAD_ARGUMENT', 'model file');
  const start = bytes.subarray(0, 64).toString('utf8').trimStart();
  if (start.startsWith('{')) return importTfjs(path, { ...options, file: path });
  return importOnnx(bytes, options);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // reading it names the problem
  }
}
