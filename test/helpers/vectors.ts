import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { QModel } from '../../compiler/quantize/qmodel.js';
import { parseQModelText } from '../../compiler/quantize/qmodel-file.js';

/** A committed test vector (see scripts/make-test-vectors.ts): a small IR, an input batch, the expected output. */
export interface TestVector {
  file: string;
  name: string;
  description: string;
  qmodel: QModel;
  rows: number;
  floatInput: number[] | null;
  input: number[];
  output: number[];
}

export const VECTOR_DIR = 'test/vectors';

/** Every vector, with its IR validated by the same loader every backend uses. */
export function loadVectors(): TestVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = join(VECTOR_DIR, f);
      const raw = JSON.parse(readFileSync(file, 'utf8'));
      return { ...raw, file, qmodel: parseQModelText(JSON.stringify(raw.qmodel), `${file}#qmodel`) } as TestVector;
    });
}
