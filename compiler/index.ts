/**
 * firmnet's Node API. See README.md ("Node API") and docs/. Every function checks its arguments
 * (api-arguments.ts), so a call from plain JavaScript with a wrong one gets a FirmnetError saying what
 * was expected.
 */
import * as api from './api.js';
import * as a from './api-arguments.js';
import { checked, filePath } from './check-arguments.js';
import { tuneOptions } from './tune/tune-arguments.js';
import { loadDataset as loadCsvDataset } from './data/dataset.js';
import { emitC as emitCFiles } from './emit/c/emit-c.js';
import { emitWasm as emitWasmFiles } from './emit/wasm/emit-wasm.js';
import { floatModelToOnnx as toOnnx } from './export/onnx.js';
import type { ImportOptions } from './import/finish-import.js';
import { importModelFile as importFile } from './import/import-model-file.js';
import { importOnnx as fromOnnx } from './import/onnx.js';
import { loadPreprocessing as loadSidecar } from './import/preprocessing-sidecar.js';
import { importTfjs as fromTfjs } from './import/tfjs.js';
import type { FloatModel } from './model/float-model.js';
import { loadModel as loadFloat, saveModel as saveFloat } from './model/model-file.js';
import { loadQModel as loadIr, saveQModel as saveIr } from './quantize/qmodel-file.js';
import type { QModel } from './ir/qmodel.js';
import { predictQuantized as runQuantized } from './reference/predict.js';
import { predictFloat as runFloat } from './inference/float-inference.js';

/** Trains a float32 MLP (defaults as `firmnet train`). */
export const train = checked('train', { options: a.trainOptions }, api.train);

/** Post-training int8 quantization with calibration (defaults as `firmnet quantize`). */
export const quantize = checked('quantize', { model: a.floatModel, options: a.quantizeOptions }, api.quantize, (model, options?) => {
  const set = options?.calibration;
  if (typeof set === 'object') a.checkRows('quantize(model, options): options.calibration.features', set.features, set.rows, model.inputFeatures);
});

/** The device simulator (as `firmnet sim`): memory, cycles and, with data and model, accuracy. */
export const simulate = checked('simulate', { q: a.quantizedModel, options: a.simulateOptions }, api.simulate, (_q, options) => {
  if ((options.data === undefined) !== (options.model === undefined)) {
    a.failArgument('simulate(q, options): the accuracy section needs both options.data (a labelled CSV) and options.model (the float model the IR was quantized from)');
  }
});

/** The whole pipeline (as `firmnet build`), from a project file, a training CSV (with `task`), or a project object. */
export const build = checked('build', { input: a.buildInput, options: a.buildOptions }, api.build);

/** The search (as `firmnet tune`): the most accurate model meeting the budgets on every target, built as `build` would (docs/tune.md). */
export const tune = checked('tune', { input: a.buildInput, options: tuneOptions }, api.tune);

/** `firmnet emit --target c`: the quantized IR as portable C99 in outDir (docs/c-backend.md). */
export const emitC = checked('emitC', { q: a.quantizedModel, outDir: filePath, options: a.emitCOptions }, emitCFiles);

/** `firmnet emit --target wasm`: model.wasm, model.mjs and model.d.mts in outDir (docs/wasm.md). */
export const emitWasm = checked('emitWasm', { q: a.quantizedModel, outDir: filePath, options: a.emitWasmOptions }, emitWasmFiles);

/** `firmnet export --to onnx`: the float model as ONNX bytes. */
export const floatModelToOnnx = checked('floatModelToOnnx', { model: a.floatModel }, toOnnx);

/** `firmnet import`: an ONNX file or TF.js model.json (or its folder) as a float model; options.file defaults to `file`. */
export const importModelFile = checked(
  'importModelFile',
  { file: filePath, options: a.importFileOptions },
  (file: string, options: Omit<ImportOptions, 'file'> & { file?: string } = {}): FloatModel => importFile(file, { file, ...options }),
);

/** ONNX bytes as a float model; options.file names the model in messages. */
export const importOnnx = checked('importOnnx', { bytes: a.onnxBytes, options: a.importOptions }, fromOnnx);

/** A TF.js model.json (layers format) and its weight shards as a float model. */
export const importTfjs = checked('importTfjs', { modelJsonPath: filePath, options: a.importOptions }, fromTfjs);

/** A preprocessing sidecar file (docs/import-export.md), for ImportOptions.preprocessing. */
export const loadPreprocessing = checked('loadPreprocessing', { file: filePath }, loadSidecar);

/** A CSV file as features and encoded targets. */
export const loadDataset = checked('loadDataset', { file: filePath, options: a.datasetOptions }, loadCsvDataset);

/** The float model on raw feature rows (row-major rows × inputFeatures). */
export const predictFloat = checked('predictFloat', { model: a.floatModel, features: a.floatRows, rows: a.rowCount }, runFloat, (model, features, rows) =>
  a.checkRows('predictFloat(model, features, rows): features', features, rows, model.inputFeatures),
);

/** The golden int8 reference on raw feature rows: quantize, run the IR, dequantize, head. */
export const predictQuantized = checked('predictQuantized', { q: a.quantizedModel, features: a.floatRows, rows: a.rowCount }, runQuantized, (q: QModel, features, rows) =>
  a.checkRows('predictQuantized(q, features, rows): features', features, rows, q.layers[0].input.features),
);

export const loadModel = checked('loadModel', { file: filePath }, loadFloat);
export const saveModel = checked('saveModel', { path: filePath, model: a.floatModelToSave }, saveFloat);
export const loadQModel = checked('loadQModel', { file: filePath }, loadIr);
export const saveQModel = checked('saveQModel', { path: filePath, q: a.quantizedModelToSave }, saveIr);

export type { QuantizeApiOptions, SimulateApiOptions, TrainOptions } from './api.js';
export type { CEmitOptions, CEmitResult } from './emit/c/emit-c.js';
export type { WasmEmitOptions, WasmEmitResult } from './emit/wasm/emit-wasm.js';
export { FirmnetError } from './errors.js';
export type { FirmnetErrorCode } from './errors.js';
export type { ImportOptions } from './import/finish-import.js';
export type { Preprocessing } from './import/preprocessing-sidecar.js';
export type { Dataset, DatasetOptions } from './data/dataset.js';
export type { AccuracyComparison } from './evaluate/compare-with-float.js';
export type { FloatModel, Task } from './model/float-model.js';
export type { BuildResult } from './project/build.js';
export type { TuneResult, TuneReport, CandidateRecord } from './tune/tune.js';
export type { CandidateRunner } from './tune/candidate-runner.js';
export type { CandidateJob, JobResult, TuneContext } from './tune/run-candidate.js';
export type { TuneSettings, SearchSpace } from './project/tune-settings.js';
export type { Project } from './project/project-file.js';
export type { QModel } from './ir/qmodel.js';
export type { QuantizeResult } from './quantize/quantize.js';
export type { TrainResult } from './train/train.js';
export type { SimulationReport } from '../firmware-sim/report.js';
