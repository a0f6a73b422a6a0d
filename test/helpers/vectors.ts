import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestVector as BaseVector } from '../../compiler/quantize/test-vector.js';
import { parseQModelText } from '../../compiler/quantize/qmodel-file.js';

/** A committed vector and the file it came from. */
export interface TestVector extends BaseVector {
  file: string;
}

export const VECTOR_DIR = 'test/vectors';

/** Where the ops' own vectors are (scripts/make-test-vectors.ts writes an op's cases to compiler/ops/<op>/vectors/). */
const OPS_DIR = 'compiler/ops';

/** The vector files: test/vectors/ and every op folder's vectors/, in file-name order. */
function vectorFiles(): string[] {
  const dirs = [VECTOR_DIR, ...readdirSync(OPS_DIR, { withFileTypes: true }).flatMap((e) => (e.isDirectory() && existsSync(join(OPS_DIR, e.name, 'vectors')) ? [join(OPS_DIR, e.name, 'vectors')] : []))];
  const files = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ f, file: join(dir, f) })));
  return files.sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0)).map((x) => x.file);
}

/** Every vector, with its IR validated by the same loader every backend uses. */
export function loadVectors(): TestVector[] {
  return vectorFiles().map((file) => {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    return { ...raw, file, qmodel: parseQModelText(JSON.stringify(raw.qmodel), `${file}#qmodel`) } as TestVector;
  });
}
