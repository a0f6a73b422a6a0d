import { tmpdir } from 'node:os';
import { simulate } from '../../firmware-sim/simulate.js';
import { resolveTarget } from '../../firmware-sim/targets.js';
import { type Dataset, loadDataset, subsetRows } from '../data/dataset.js';
import { compareWithFloat } from '../evaluate/compare-with-float.js';
import type { Evaluation } from '../evaluate/evaluate.js';
import { isFirmnetError } from '../errors.js';
import { portableLog } from '../portable-log.js';
import type { Task } from '../model/float-model.js';
import type { Project, ProjectTarget } from '../project/project-file.js';
import type { TuneObjective } from '../project/tune-settings.js';
import { calibrationSetFor } from '../quantize/calibration-set.js';
import { quantizeModel } from '../quantize/quantize.js';
import { predictQuantized } from '../reference/predict.js';
import { type TrainSettings, trainConfig } from '../train/settings.js';
import { trainModel } from '../train/train.js';
import { type Candidate, quantizationOf, trainSettingsOf } from './search-space.js';

/** What every job of one search shares: the project's data, settings and targets, and the objective. */
export interface TuneContext {
  name: string;
  task: Task;
  trainFile: string;
  label: string[];
  calibrationFile: string | null;
  training: TrainSettings;
  quantization: Project['quantization'];
  targets: ProjectTarget[];
  objective: TuneObjective;
}

/** A unit of work for the candidate runner: price a shape, or train and score a candidate for some epochs. */
export type CandidateJob = { kind: 'price'; candidate: Candidate } | { kind: 'train'; candidate: Candidate; epochs: number };

/** A target's figures for a shape, with the weights in flash (the headline) and, when the simulator gives it, copied to SRAM. */
export interface TargetPrice {
  target: string;
  sramBytes: number;
  flashBytes: number;
  sramCapacityBytes: number | null;
  flashCapacityBytes: number | null;
  latencyMs: number;
  /** Weights copied to SRAM at init: SRAM including them, and the latency without flash stalls. */
  weightsInSram: { sramBytes: number; latencyMs: number } | null;
}

export interface PriceResult {
  kind: 'price';
  parameters: number;
  macs: number;
  targets: TargetPrice[];
}

export interface ScoreResult {
  kind: 'score';
  epochsRun: number;
  /** The objective on the held-out rows, float32 and int8 (golden reference), and what int8 cost; null when those rows cannot give it (e.g. ROC-AUC of one class). */
  floatScore: number | null;
  int8Score: number | null;
  drop: number | null;
  /**
   * Mean negative log-likelihood of the int8 model's probabilities on the same rows (classification;
   * null otherwise): a finer measure of the same fit, which breaks ties of an accuracy counted on a
   * few hundred rows.
   */
  int8Nll: number | null;
}

/** A job the project's own data or settings made impossible (diverged, a quantizer refusal): the candidate is rejected with this message. */
export interface FailedResult {
  kind: 'failed';
  message: string;
}

export type JobResult = PriceResult | ScoreResult | FailedResult;

/** Rows the shape probe trains on for one epoch: enough for the quantizer's ranges, which do not change any size. */
const PROBE_ROWS = 64;

/** Objectives where lower is better. */
export const LOWER_IS_BETTER: ReadonlySet<TuneObjective> = new Set(['rmse', 'mae', 'reconstruction']);

/**
 * Runs one job. Every result is a function of the job and the context alone (seeded training,
 * deterministic quantizer and simulator), so where and when it runs never changes it.
 */
export async function runCandidateJob(context: TuneContext, job: CandidateJob, datasets: DatasetCache): Promise<JobResult> {
  try {
    return job.kind === 'price' ? await priceShape(context, job.candidate, datasets) : scoreCandidate(context, job.candidate, job.epochs, datasets);
  } catch (e) {
    if (isFirmnetError(e)) return { kind: 'failed', message: e.message };
    // A firmnet bug met by one candidate is reported with it (and in the report), not hidden, and does not end the search.
    // Without the temporary folder's random name, so the journal and report stay the same bytes run to run.
    const first = (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ').split(tmpdir()).join('<tmp>').replace(/<tmp>\/[^/\s]+/g, '<tmp>');
    return { kind: 'failed', message: `internal error (a bug in firmnet; please report it with this candidate): ${first}` };
  }
}

/** Loads each training file once per thread. */
export class DatasetCache {
  private readonly loaded = new Map<string, Dataset>();
  get(context: TuneContext): Dataset {
    const key = `${context.task}\u0000${context.trainFile}\u0000${context.label.join('\u0000')}`;
    let d = this.loaded.get(key);
    if (!d) {
      d = loadDataset(context.trainFile, { task: context.task, labelColumns: context.label });
      this.loaded.set(key, d);
    }
    return d;
  }
}

/**
 * SRAM, flash and cycles of a shape before any real training: a network of that shape trained for
 * one epoch on a few rows, quantized with the candidate's number formats, through the simulator.
 * Sizes and cycle terms depend on layer shapes and formats only, never on the weights' values.
 */
async function priceShape(context: TuneContext, c: Candidate, datasets: DatasetCache): Promise<PriceResult> {
  const data = datasets.get(context);
  const probeRows = Uint32Array.from({ length: Math.min(PROBE_ROWS, data.rows) }, (_, i) => i);
  const probe = subsetRows(data, probeRows);
  const settings = { ...trainSettingsOf(context.training, c, 1), validationSplit: 0, earlyStop: 'none' as const };
  const { model } = trainModel(probe, trainConfig(context.task, settings), context.name);
  const calibration = { features: probe.features, rows: probe.rows, description: 'shape probe', seed: 0 };
  const { qmodel } = quantizeModel(model, calibration, { ...quantizationOf(context.quantization, c), method: 'minmax' });
  const reports = await simulate(qmodel, { targets: context.targets.map((t) => resolveTarget(t.target, t)) });
  return {
    kind: 'price',
    parameters: reports[0].model.parameters,
    macs: reports[0].model.macs,
    targets: reports.map((r) => {
      const inSram = r.cycles.weightPlacements.find((p) => p.weights === 'sram');
      return {
        target: r.target.id,
        sramBytes: r.memory.sram.totalBytes,
        flashBytes: r.memory.flash.totalBytes,
        sramCapacityBytes: r.memory.sram.capacityBytes,
        flashCapacityBytes: r.memory.flash.capacityBytes,
        latencyMs: r.cycles.latencyMs,
        weightsInSram: inSram ? { sramBytes: inSram.sramTotalBytes, latencyMs: inSram.latencyMs } : null,
      };
    }),
  };
}

/** Trains the candidate for `epochs`, quantizes it with its own settings, and scores float and int8 on the rows training held out. */
function scoreCandidate(context: TuneContext, c: Candidate, epochs: number, datasets: DatasetCache): ScoreResult {
  const data = datasets.get(context);
  const trained = trainModel(data, trainConfig(context.task, trainSettingsOf(context.training, c, epochs)), context.name);
  const model = trained.model;
  const quantization = quantizationOf(context.quantization, c);
  const set = calibrationSetFor(model, context.calibrationFile ?? context.trainFile, quantization.calibrationRows, quantization.seed);
  const { qmodel } = quantizeModel(model, set, quantization);
  const held = subsetRows(data, trained.validationRows);
  const p = predictQuantized(qmodel, held.features, held.rows);
  const comparison = compareWithFloat(model, qmodel, held, p.scores, p.dequantized);
  const floatScore = objectiveValue(context.objective, comparison.float);
  const int8Score = objectiveValue(context.objective, comparison.quantized);
  return { kind: 'score', epochsRun: trained.history.length, floatScore, int8Score, drop: dropOf(context.objective, floatScore, int8Score), int8Nll: negativeLogLikelihood(held, p.scores) };
}

/** Probabilities below this count as this, so one confident mistake costs a bounded amount. */
const MIN_PROBABILITY = 1e-7;

function negativeLogLikelihood(data: Dataset, probabilities: Float32Array): number | null {
  if (data.rows === 0) return null;
  // Written to tune.json and the journal: the same bits in the page as on the CLI (Math.log differs between engines).
  const nll = (p: number): number => -portableLog(Math.max(p, MIN_PROBABILITY));
  let sum = 0;
  if (data.task === 'multiclass') {
    const cols = data.targetColumns;
    for (let r = 0; r < data.rows; r++) sum += nll(probabilities[r * cols + data.labels[r]]);
    return sum / data.rows;
  }
  if (data.task === 'binary' || data.task === 'multilabel') {
    // One sigmoid output per label: the binary targets are 0/1 in data.targets.
    for (let i = 0; i < data.targets.length; i++) sum += nll(data.targets[i] >= 0.5 ? probabilities[i] : 1 - probabilities[i]);
    return sum / data.targets.length;
  }
  return null;
}

/** A metric the held-out rows cannot give (e.g. ROC-AUC with one class) is null: it ranks last rather than stopping the search. */
export function objectiveValue(objective: TuneObjective, e: Evaluation): number | null {
  const value = { accuracy: e.accuracy, f1: e.macroF1, auc: e.rocAuc, rmse: e.rmse, mae: e.mae, reconstruction: e.reconstructionMse }[objective];
  return value === undefined || !Number.isFinite(value) ? null : value;
}

/** What int8 cost: percentage points for accuracy, F1 and ROC-AUC; the increase for errors. */
export function dropOf(objective: TuneObjective, floatScore: number | null, int8Score: number | null): number | null {
  if (floatScore === null || int8Score === null) return null;
  return LOWER_IS_BETTER.has(objective) ? int8Score - floatScore : (floatScore - int8Score) * 100;
}
