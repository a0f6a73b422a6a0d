/**
 * The Node API: what the CLI does, as typed functions. `train`, `quantize`, `emitWasm`, `emitC`,
 * `simulate`, `build` and `tune` take plain options with the CLI's defaults.
 */
import type { SimulationReport } from '../firmware-sim/report.js';
import { simulate as simulateTargets } from '../firmware-sim/simulate.js';
import { resolveTarget } from '../firmware-sim/targets.js';
import { type Dataset, loadDataset, loadDatasetForModel } from './data/dataset.js';
import type { FloatModel, Task } from './model/float-model.js';
import { defaultModelName } from './model/model-name.js';
import { type BuildProgress, type BuildResult, build as buildProject } from './project/build.js';
import { type Project, type ProjectTarget, loadProject, projectFromCsv } from './project/project-file.js';
import { calibrationSetFor } from './quantize/calibration-set.js';
import type { QModel } from './ir/qmodel.js';
import { type CalibrationSet, DEFAULT_QUANTIZE_OPTIONS, type QuantizeOptions, type QuantizeResult, quantizeModel } from './quantize/quantize.js';
import { DEFAULT_CALIBRATION_ROWS } from './quantize/calibration-set.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings, trainConfig } from './train/settings.js';
import { type EpochLog, type TrainResult, trainModel } from './train/train.js';
import { DEFAULT_TUNE_SETTINGS, type TuneSettings } from './project/tune-settings.js';
import { type TuneOptions, type TuneResult, tune as tuneProject } from './tune/tune.js';

export interface TrainOptions extends Partial<TrainSettings> {
  /** A training CSV, or an already loaded dataset. */
  data: string | Dataset;
  task: Task;
  /** Label column(s) of the CSV (default 'label'). */
  label?: string | string[];
  /** Declared class names; other labels are an error. */
  classes?: string[];
  name?: string;
  onEpoch?: (log: EpochLog, totalEpochs: number) => void;
}

/** Trains a float32 MLP (defaults as `firmnet train`). */
export function train(options: TrainOptions): TrainResult {
  const { data, task, label = 'label', classes, name, onEpoch, ...settings } = options;
  const dataset =
    typeof data === 'string' ? loadDataset(data, { task, labelColumns: Array.isArray(label) ? label : [label], classNames: classes }) : data;
  const modelName = name ?? defaultModelName(typeof data === 'string' ? data : dataset.file);
  return trainModel(dataset, trainConfig(task, { ...DEFAULT_TRAIN_SETTINGS, ...settings }), modelName, { onEpoch });
}

export interface QuantizeApiOptions extends Partial<QuantizeOptions> {
  /** Representative inputs: a CSV with the model's feature columns, or rows. Default: the training data the model records. */
  calibration?: string | CalibrationSet;
  calibrationRows?: number;
  seed?: number;
}

/** Post-training int8 quantization with calibration (defaults as `firmnet quantize`). */
export function quantize(model: FloatModel, options: QuantizeApiOptions = {}): QuantizeResult {
  const { calibration, calibrationRows = DEFAULT_CALIBRATION_ROWS, seed = 0, ...quantizeOptions } = options;
  const set = typeof calibration === 'object' ? calibration : calibrationSetFor(model, calibration ?? null, calibrationRows, seed);
  return quantizeModel(model, set, { ...DEFAULT_QUANTIZE_OPTIONS, ...quantizeOptions });
}

export interface SimulateApiOptions {
  /** Board ids, core ids, or targets with a clock and memory sizes. */
  targets: (string | ProjectTarget)[];
  /** Labelled CSV and the float model, for the accuracy-versus-float section. */
  data?: string;
  model?: FloatModel;
  label?: string[];
  /** A folder with this IR's emitted WebAssembly module to run (emitted afresh otherwise). */
  wasmDir?: string;
}

/** The device simulator (as `firmnet sim`): memory, cycles and, with data and model, accuracy. */
export async function simulate(q: QModel, options: SimulateApiOptions): Promise<SimulationReport[]> {
  const targets = options.targets.map((t) => (typeof t === 'string' ? resolveTarget(t) : resolveTarget(t.target, t)));
  const accuracy = options.data && options.model ? { model: options.model, data: loadDatasetForModel(options.model, options.data, options.label), dataFile: options.data } : undefined;
  return simulateTargets(q, { targets, accuracy, wasmDir: options.wasmDir });
}

/** The whole pipeline (as `firmnet build`), from a project file, a training CSV (with `task`), or a project object. */
export async function build(input: string | Project, options: { task?: Task; cache?: boolean; progress?: BuildProgress } = {}): Promise<BuildResult> {
  const project = typeof input === 'string' ? (input.toLowerCase().endsWith('.csv') ? projectFromCsv(input, options.task) : loadProject(input)) : input;
  return buildProject(project, options);
}

export interface TuneApiOptions extends TuneOptions {
  task?: Task;
  /** Overrides of the project's `tune` section (budgets are merged field by field). */
  settings?: Partial<Omit<TuneSettings, 'budgets'>> & { budgets?: Partial<TuneSettings['budgets']> };
}

/** The search (as `firmnet tune`): the most accurate model meeting the budgets on every target, built into the project's output folder. */
export async function tune(input: string | Project, options: TuneApiOptions = {}): Promise<TuneResult> {
  const project = typeof input === 'string' ? (input.toLowerCase().endsWith('.csv') ? projectFromCsv(input, options.task) : loadProject(input)) : input;
  const base = project.tune ?? DEFAULT_TUNE_SETTINGS;
  const { budgets, ...rest } = options.settings ?? {};
  const maxDrop = budgets?.maxDrop ?? base.budgets.maxDrop ?? project.maxDrop;
  return tuneProject(project, { ...base, ...rest, budgets: { ...base.budgets, ...budgets, maxDrop } }, options);
}
