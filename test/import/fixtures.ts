import { readFileSync } from 'node:fs';
import { importOnnx } from '../../compiler/import/onnx.js';
import type { ImportOptions } from '../../compiler/import/finish-import.js';
import { loadPreprocessing } from '../../compiler/import/preprocessing-sidecar.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import { Rng } from '../../compiler/rng.js';
import { int64ToNumber, onnx } from '../../compiler/onnx/onnx-proto.js';

export const ONNX_FIXTURES = 'test/fixtures/onnx';
export const TFJS_FIXTURES = 'test/fixtures/tfjs';

export function onnxFixture(name: string): Uint8Array {
  return readFileSync(`${ONNX_FIXTURES}/${name}`);
}

export function importOnnxFixture(name: string, options: Partial<ImportOptions> & { sidecar?: string } = {}): FloatModel {
  const { sidecar, ...rest } = options;
  return importOnnx(onnxFixture(name), { file: name, ...(sidecar ? { preprocessing: loadPreprocessing(`${ONNX_FIXTURES}/${sidecar}`) } : {}), ...rest });
}

/** The graph input's shape with the batch dimension set to `rows` (e.g. [rows, 4, 2]). */
export function onnxInputShape(bytes: Uint8Array, rows: number): number[] {
  const model = onnx.ModelProto.decode(bytes);
  const dims = model.graph!.input![0].type!.tensorType!.shape!.dim!;
  return [rows, ...dims.slice(1).map((d) => int64ToNumber(d.dimValue))];
}

/** Deterministic inputs spread over ±3 (several standard deviations of standardized data). */
export function randomRows(rows: number, features: number, seed = 7): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * features }, () => Math.fround(rng.normal() * 1.5));
}
