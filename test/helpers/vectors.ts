import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestVector as BaseVector } from '../../compiler/quantize/test-vector.js';
import { parseQModelText } from '../../compiler/quantize/qmodel-file.js';

/** A committed vector and the file it came from. */
export interface TestVector extends BaseVector {
  file: string;
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
