import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Dataset } from '../compiler/data/dataset.js';
import { applyStandardization } from '../compiler/data/standardize.js';
import { emitWasm } from '../compiler/emit/wasm/emit-wasm.js';
import type { FloatModel } from '../compiler/model/float-model.js';
import { foldModel } from '../compiler/quantize/fold.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import { sqnrDb } from '../compiler/quantize/sqnr.js';
import { observeTensors } from '../compiler/quantize/stage-forward.js';
import { runModel } from '../compiler/reference/interpreter.js';
import { dequantize, quantizeInput } from '../compiler/reference/io.js';
import type { QArray } from '../compiler/ops/q-array.js';
import type { LayerSqnr } from './report.js';
import { type AccuracyComparison, compareWithFloat } from '../compiler/evaluate/compare-with-float.js';

/** What the emitted model.mjs exposes that the simulator uses. */
interface WasmModel {
  hash: string;
  predictDetailed(features: Float32Array, rows: number): { output: QArray; dequantized: Float32Array; scores: Float32Array };
}

export interface AccuracyResult extends AccuracyComparison {
  data: string;
  backend: string;
  perLayerSqnr: LayerSqnr[];
}

/**
 * Float model versus the emitted WebAssembly module — the real artifact, run through its own loader —
 * on a labelled dataset. The module's integer outputs are checked against the golden reference on
 * every row (they must be identical; a difference is a firmnet bug). Per-layer SQNR compares the
 * float network's folded layers with the golden reference's dequantized layer outputs, which the
 * module reproduces bit for bit.
 */
export async function accuracyVersusFloat(q: QModel, model: FloatModel, data: Dataset, dataFile: string, wasmDir: string | null): Promise<AccuracyResult> {
  const dir = wasmDir && existsSync(join(wasmDir, 'model.mjs')) ? wasmDir : mkdtempSync(join(tmpdir(), 'firmnet-sim-wasm-'));
  if (dir !== wasmDir) await emitWasm(q, dir, { command: 'firmnet sim (accuracy run)' });
  // The query keeps one process from reusing a cached module after the folder was re-emitted.
  const wasm = (await import(`${pathToFileURL(join(dir, 'model.mjs')).href}?ir=${q.hash}`)) as WasmModel;
  if (wasm.hash !== q.hash) throw new Error(`${join(dir, 'model.mjs')} was emitted from IR ${wasm.hash}, not ${q.hash}; emit it again`);
  const result = wasm.predictDetailed(data.features, data.rows);

  const input = quantizeInput(q, data.features, data.rows);
  const golden: QArray[] = [];
  runModel(q, input, data.rows, (_, out) => golden.push(out));
  const last = golden[golden.length - 1];
  for (let i = 0; i < last.length; i++) {
    if (result.output[i] !== last[i]) {
      throw new Error(`internal: the WebAssembly module disagrees with the golden reference at output ${i} (${result.output[i]} vs ${last[i]}); please report this with model.q.json`);
    }
  }

  return {
    ...compareWithFloat(model, q, data, result.scores, result.dequantized),
    data: dataFile,
    backend: 'WebAssembly',
    perLayerSqnr: perLayerSqnr(q, model, data, golden),
  };
}

/**
 * SQNR of every layer's output: the float network's folded layer against the golden reference's
 * dequantized output on the same rows (`golden`: the reference's per-layer outputs, if already run).
 */
export function perLayerSqnr(q: QModel, model: FloatModel, data: Dataset, golden?: QArray[]): LayerSqnr[] {
  const outputs = golden ?? [];
  if (!golden) runModel(q, quantizeInput(q, data.features, data.rows), data.rows, (_, out) => outputs.push(out));
  const stages = foldModel(model, { headInFirmware: q.headInFirmware });
  const observed = observeTensors(stages, applyStandardization(data.features, model.inputFeatures, model.inputStandardization), data.rows);
  return q.layers.map((layer, k) => ({ name: layer.name, sqnrDb: sqnrDb(observed[k + 1], dequantize(layer.output, outputs[k])) }));
}
