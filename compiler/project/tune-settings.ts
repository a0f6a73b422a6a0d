import type { CalibrationMethod } from '../ir/qmodel.js';
import { type JsonReader, join as fieldPath } from '../io/json-reader.js';
import type { ArchitectureOptionField } from '../ops/float-layers.js';
import { ACTIVATION_NAMES, ARCHITECTURE_OPTION_FIELDS, type TrainSettings } from '../train/settings.js';

export type HiddenActivation = TrainSettings['activation'];

/**
 * What follows each hidden dense layer before its activation: nothing, BatchNorm1d, one of the
 * opt-in layers the float registry declares (by their settings fields),
 * or BatchNorm then one of those (`batchNorm+<field>`).
 */
export type NormChoice = 'none' | 'batchNorm' | ArchitectureOptionField | `batchNorm+${ArchitectureOptionField}`;
export const NORM_CHOICES: readonly NormChoice[] = ['none', 'batchNorm', ...ARCHITECTURE_OPTION_FIELDS, ...ARCHITECTURE_OPTION_FIELDS.map((f) => `batchNorm+${f}` as const)];

/**
 * 16-bit activations (the 16x8 scheme): none, every tensor, or one hidden layer's output (the
 * search picks which, by its seed).
 */
export const INT16_CHOICES = ['none', 'all', 'one'] as const;
export type Int16Choice = (typeof INT16_CHOICES)[number];

/**
 * Weight widths the quantizer can write. Only int8 exists today; when narrower weights land in the
 * quantizer, this union widens (e.g. `4 | 8`) and `quantizationOf` in compiler/tune/search-space.ts
 * maps the choice onto the quantizer's option. Nothing searches a width the quantizer cannot make.
 */
export type WeightBits = 8;
export const WEIGHT_BITS: readonly WeightBits[] = [8];

export const CALIBRATION_CHOICES = ['auto', 'minmax', 'percentile', 'mse', 'kl'] as const;

/** The grid the search samples from: every dimension a list of allowed values. */
export interface SearchSpace {
  /** Number of hidden layers (an autoencoder's encoder depth: the decoder mirrors it). */
  depths: number[];
  /** Hidden layer widths; a sampled network never widens from one hidden layer to the next. */
  widths: number[];
  activations: HiddenActivation[];
  norms: NormChoice[];
  dropouts: number[];
  weightDecays: number[];
  methods: (CalibrationMethod | 'auto')[];
  perChannel: boolean[];
  int16: Int16Choice[];
  weightBits: WeightBits[];
}

export const DEFAULT_SEARCH_SPACE: SearchSpace = {
  depths: [1, 2, 3],
  widths: [8, 16, 24, 32, 48, 64, 96, 128],
  activations: ['relu', 'relu6', 'leaky_relu', 'tanh'],
  norms: ['none', 'batchNorm', ...ARCHITECTURE_OPTION_FIELDS],
  dropouts: [0, 0.1, 0.2],
  weightDecays: [0, 0.001, 0.003, 0.01],
  methods: ['auto', 'minmax', 'percentile', 'mse'],
  perChannel: [true, false],
  int16: ['none', 'all', 'one'],
  weightBits: [8],
};

export type TuneObjective = 'accuracy' | 'f1' | 'auc' | 'rmse' | 'mae' | 'reconstruction';
export const TUNE_OBJECTIVES: readonly TuneObjective[] = ['accuracy', 'f1', 'auc', 'rmse', 'mae', 'reconstruction'];

/** The budgets a candidate must meet on every target; null: the board's capacity (memory) or no limit. */
export interface TuneBudgets {
  maxLatencyMs: number | null;
  maxSramBytes: number | null;
  maxFlashBytes: number | null;
  /** Largest int8 cost on the held-out rows, in the objective's units (pp for accuracy, F1 and ROC-AUC). */
  maxDrop: number | null;
}

/** The `tune` section of a project file (docs/tune.md), with every default filled in. */
export interface TuneSettings {
  budgets: TuneBudgets;
  /** null: the task's headline (accuracy, RMSE, reconstruction error). */
  objective: TuneObjective | null;
  /** Candidates sampled, the project's own settings included. */
  trials: number;
  /** Stop starting new rungs after this many seconds (null: no limit). */
  timeBudgetSeconds: number | null;
  seed: number;
  /** Successive halving: how many rungs, and the share (1/eta) promoted from one to the next. */
  rungs: number;
  eta: number;
  space: SearchSpace;
}

export const DEFAULT_TUNE_SETTINGS: TuneSettings = {
  budgets: { maxLatencyMs: null, maxSramBytes: null, maxFlashBytes: null, maxDrop: null },
  objective: null,
  trials: 24,
  timeBudgetSeconds: null,
  seed: 0,
  rungs: 3,
  eta: 3,
  space: DEFAULT_SEARCH_SPACE,
};

const TUNE_KEYS = ['maxLatencyMs', 'maxSram', 'maxFlash', 'maxDrop', 'objective', 'trials', 'timeBudgetSeconds', 'seed', 'rungs', 'eta', 'space'];
const SPACE_KEYS: (keyof SearchSpace)[] = ['depths', 'widths', 'activations', 'norms', 'dropouts', 'weightDecays', 'methods', 'perChannel', 'int16', 'weightBits'];
/** A bound on the grid's lists, so a file cannot make the sampler's work unbounded. */
const MAX_CHOICES = 64;

/** Reads a project file's `tune` section; unknown keys and out-of-range values are errors naming the field. */
export function parseTuneSection(r: JsonReader, root: Record<string, unknown>): TuneSettings {
  if (root.tune === undefined) return DEFAULT_TUNE_SETTINGS;
  const t = r.child(root, 'tune', '');
  const at = 'tune';
  only(r, t, at, TUNE_KEYS);
  const optional = (key: string, rule: { integer?: boolean; min?: number; max?: number }): number | null =>
    t[key] === undefined || t[key] === null ? null : r.number(t, key, at, rule);
  const d = DEFAULT_TUNE_SETTINGS;
  return {
    budgets: {
      maxLatencyMs: optional('maxLatencyMs', { min: 0 }),
      maxSramBytes: optional('maxSram', { integer: true, min: 1 }),
      maxFlashBytes: optional('maxFlash', { integer: true, min: 1 }),
      maxDrop: optional('maxDrop', { min: 0 }),
    },
    objective: t.objective === undefined || t.objective === null ? null : r.string(t, 'objective', at, TUNE_OBJECTIVES),
    trials: optional('trials', { integer: true, min: 1, max: 1000 }) ?? d.trials,
    timeBudgetSeconds: optional('timeBudgetSeconds', { min: 1 }),
    seed: optional('seed', { integer: true }) ?? d.seed,
    rungs: optional('rungs', { integer: true, min: 1, max: 6 }) ?? d.rungs,
    eta: optional('eta', { integer: true, min: 2, max: 10 }) ?? d.eta,
    space: t.space === undefined ? d.space : parseSpace(r, r.child(t, 'space', at), fieldPath(at, 'space')),
  };
}

function parseSpace(r: JsonReader, s: Record<string, unknown>, at: string): SearchSpace {
  only(r, s, at, SPACE_KEYS);
  const d = DEFAULT_SEARCH_SPACE;
  const list = <T>(key: keyof SearchSpace, read: () => T[]): T[] => {
    if (s[key] === undefined) return d[key] as T[];
    const values = read();
    if (values.length === 0 || values.length > MAX_CHOICES) r.fail(fieldPath(at, key), `give 1 to ${MAX_CHOICES} values, got ${values.length}`);
    return values;
  };
  const choices = <T extends string>(key: keyof SearchSpace, allowed: readonly T[]): T[] =>
    list(key, () => r.array(s, key, at).map((_, i) => r.string(s[key] as unknown as Record<string, unknown>, String(i), fieldPath(at, key), allowed)));
  const booleans = (key: keyof SearchSpace): boolean[] => list(key, () => r.array(s, key, at).map((_, i) => r.boolean(s[key] as unknown as Record<string, unknown>, String(i), fieldPath(at, key))));
  const weightBits = list('weightBits', () => r.numbers(s, 'weightBits', at, undefined, { integer: true }));
  for (const bits of weightBits) {
    if (!(WEIGHT_BITS as readonly number[]).includes(bits)) r.fail(fieldPath(at, 'weightBits'), `this firmnet quantizes weights to ${WEIGHT_BITS.join(', ')} bits only, got ${bits}`);
  }
  return {
    depths: list('depths', () => r.numbers(s, 'depths', at, undefined, { integer: true, min: 1, max: 8 })),
    widths: list('widths', () => r.numbers(s, 'widths', at, undefined, { integer: true, min: 1, max: 4096 })),
    activations: choices('activations', ACTIVATION_NAMES),
    norms: choices('norms', NORM_CHOICES),
    dropouts: list('dropouts', () => r.numbers(s, 'dropouts', at, undefined, { min: 0, max: 0.9 })),
    weightDecays: list('weightDecays', () => r.numbers(s, 'weightDecays', at, undefined, { min: 0, max: 1 })),
    methods: choices('methods', CALIBRATION_CHOICES),
    perChannel: booleans('perChannel'),
    int16: choices('int16', INT16_CHOICES),
    weightBits: weightBits as WeightBits[],
  };
}

function only(r: JsonReader, obj: Record<string, unknown>, at: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) r.fail(fieldPath(at, key), `is not a tune setting; allowed: ${allowed.join(', ')}`);
}
