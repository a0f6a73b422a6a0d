import type { CalibrationMethod } from '../ir/qmodel.js';
import { canonicalJson } from '../io/content-hash.js';
import type { Task } from '../model/float-model.js';
import type { Project } from '../project/project-file.js';
import type { HiddenActivation, Int16Choice, NormChoice, SearchSpace, WeightBits } from '../project/tune-settings.js';
import { Rng } from '../rng.js';
import { ARCHITECTURE_OPTION_FIELDS, type ArchitectureFlags, type TrainSettings } from '../train/settings.js';

/** One point of the search space: everything that differs between two candidates. */
export interface Candidate {
  hidden: number[];
  activation: HiddenActivation;
  norm: NormChoice;
  dropout: number;
  weightDecay: number;
  method: CalibrationMethod | 'auto';
  perChannel: boolean;
  /** Tensors with 16-bit activations: [], ['all'], or one hidden layer's output ('dense2'). */
  int16: string[];
  weightBits: WeightBits;
}

/** Bounds the draws spent looking for candidates not sampled yet (a small grid has few). */
const DRAWS_PER_TRIAL = 50;

/**
 * The candidates of a search, in a fixed order that depends only on the seed, the space and the
 * project: first the project's own settings (so the search can only do better than them on the
 * held-out rows), then distinct draws from the space.
 */
export function sampleCandidates(project: Project, space: SearchSpace, trials: number, seed: number): Candidate[] {
  const baseline = candidateOfProject(project);
  const seen = new Set([candidateKey(baseline)]);
  const out = [baseline];
  const rng = new Rng(seed);
  for (let draw = 0; out.length < trials && draw < trials * DRAWS_PER_TRIAL; draw++) {
    const c = drawCandidate(space, project.task, rng);
    const key = candidateKey(c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.int(values.length)];
}

function drawCandidate(space: SearchSpace, task: Task, rng: Rng): Candidate {
  const depth = pick(rng, space.depths);
  const widths = [...space.widths].sort((a, b) => b - a);
  const layers: number[] = [];
  for (let i = 0; i < depth; i++) {
    // Never wider than the layer before: funnels are what small classifiers and encoders use.
    const allowed = i === 0 ? widths : widths.filter((w) => w <= layers[i - 1]);
    layers.push(pick(rng, allowed.length > 0 ? allowed : [widths[widths.length - 1]]));
  }
  // An autoencoder's decoder mirrors its encoder around the narrowest layer.
  const hidden = task === 'autoencoder' ? [...layers, ...layers.slice(0, -1).reverse()] : layers;
  const activation = pick(rng, space.activations);
  const norm = pick(rng, space.norms);
  const dropout = pick(rng, space.dropouts);
  const weightDecay = pick(rng, space.weightDecays);
  const method = pick(rng, space.methods);
  const perChannel = pick(rng, space.perChannel);
  const int16 = int16Tensors(pick(rng, space.int16), hidden.length, rng);
  const weightBits = pick(rng, space.weightBits);
  return { hidden, activation, norm, dropout, weightDecay, method, perChannel, int16, weightBits };
}

/** The quantizer's names for the choice: hidden layer i's output is `dense<i+1>`. */
function int16Tensors(choice: Int16Choice, hiddenLayers: number, rng: Rng): string[] {
  if (choice === 'none') return [];
  if (choice === 'all') return ['all'];
  return [`dense${1 + rng.int(Math.max(1, hiddenLayers))}`];
}

export function candidateOfProject(project: Project): Candidate {
  const t = project.training;
  const q = project.quantization;
  return {
    hidden: t.hidden.slice(),
    activation: t.activation,
    norm: normOf(t),
    dropout: t.dropout,
    weightDecay: t.weightDecay,
    method: q.method,
    perChannel: q.perChannel,
    int16: q.int16.slice(),
    weightBits: 8,
  };
}

export function candidateKey(c: Candidate): string {
  return canonicalJson(c);
}

/**
 * What fixes the IR's layers, tensor sizes and number formats — and so SRAM, flash and cycles on
 * every target. The rest (regularisation, calibration method) moves values, not sizes, so the
 * search prices each shape once.
 */
export function shapeKey(c: Candidate): string {
  return canonicalJson({ hidden: c.hidden, activation: c.activation, norm: c.norm, perChannel: c.perChannel, int16: c.int16, weightBits: c.weightBits });
}

/** The project's BatchNorm and opt-in layer settings as one choice (the first opt-in layer that is on, the registry's order). */
function normOf(t: TrainSettings): NormChoice {
  const option = ARCHITECTURE_OPTION_FIELDS.find((f) => t[f]);
  if (option === undefined) return t.batchNorm ? 'batchNorm' : 'none';
  return t.batchNorm ? `batchNorm+${option}` : option;
}

/** The project's training settings with the candidate's choices and an epoch budget. */
export function trainSettingsOf(base: TrainSettings, c: Candidate, epochs: number): TrainSettings {
  return {
    ...base,
    hidden: c.hidden.slice(),
    activation: c.activation,
    batchNorm: c.norm.split('+').includes('batchNorm'),
    ...(Object.fromEntries(ARCHITECTURE_OPTION_FIELDS.map((f) => [f, c.norm.split('+').includes(f)])) as ArchitectureFlags),
    dropout: c.dropout,
    weightDecay: c.weightDecay,
    epochs,
  };
}

/** The project's quantization settings with the candidate's choices (weightBits: int8, the only width today). */
export function quantizationOf(base: Project['quantization'], c: Candidate): Project['quantization'] {
  return { ...base, method: c.method, perChannel: c.perChannel, int16: c.int16.slice() };
}

/** One line naming the candidate's choices, for tables and logs. */
export function describeCandidate(c: Candidate): string {
  const parts = [c.hidden.join('-'), c.activation];
  if (c.norm !== 'none') parts.push(c.norm);
  if (c.dropout > 0) parts.push(`do ${c.dropout}`);
  if (c.weightDecay > 0) parts.push(`wd ${c.weightDecay}`);
  parts.push(c.method, c.perChannel ? 'per-ch' : 'per-tensor');
  if (c.int16.length > 0) parts.push(`16x8 ${c.int16.join(',')}`);
  return parts.join(' ');
}
