import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FirmnetError } from '../errors.js';
import type { FloatModel } from '../model/float-model.js';
import type { ImportOptions } from './finish-import.js';
import { importOnnx } from './onnx.js';
import { importTfjs } from './tfjs.js';

/** ONNX or TF.js, told apart by content: a TF.js model is JSON text, an ONNX model protobuf bytes. */
export function importModelFile(file: string, options: ImportOptions): FloatModel {
  let path = file;
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) path = join(path, 'model.json');
    bytes = readFileSync(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    throw new FirmnetError('BAD_ARGUMENT', `cannot read model file ${path}: ${reason}`);
  }
  const start = bytes.subarray(0, 64).toString('utf8').trimStart();
  if (start.startsWith('{')) return importTfjs(path, { ...options, file: path });
  return importOnnx(bytes, options);
}
