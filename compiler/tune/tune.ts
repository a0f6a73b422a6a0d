import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { toJsonText, writeFileAtomic } from '../io/atomic-write.js';
import { canonicalJson, sha256Hex } from '../io/content-hash.js';
import { FirmnetError } from '../errors.js';
import type { Task } from '../model/float-model.js';
import { type BuildProgress, type BuildResult, build } from '../project/build.js';
import { fileHash } from '../project/build-cache.js';
import { type Project, checkProjectFiles } from '../project/project-file.js';
import type { TuneObjective, TuneSettings } from '../project/tune-settings.js';
import { ARCHITECTURE_OPTION_FIELDS } from '../train/settings.js';
import { FIRMNET_VERSION } from '../version.js';
import { type FitResult, fitOnTarget } from './budgets.js';
import { type CandidateRunner, candidateRunner } from './candidate-runner.js';
import { Journal } from './journal.js';
import { paretoFront } from './pareto.js';
import { renderTuneHtml } from './render-tune-html.js';
import { type CandidateJob, type JobResult, LOWER_IS_BETTER, type PriceResult, type TuneContext } from './run-candidate.js';
import type { CandidateRecord, TuneReport } from './tune-report.js';
import { type Candidate, describeCandidate, quantizationOf, sampleCandidates, shapeKey, trainSettingsOf } from './search-space.js';
import { promoted, rungEpochs } from './successive-halving.js';

export type { CandidateRecord, CandidateStatus, RungScore, TuneReport } from './tune-report.js';

/** What a front end hears while the search runs (display only: nothing here feeds a decision). */
export interface TuneProgress {
  phase?(phase: string, jobs: number): void;
  job?(phase: string, done: number, total: number, best: { id: number; score: number } | null): void;
  note?(message: string): void;
  build?: BuildProgress;
}

export interface TuneOptions {
  /** Threads that run candidates (default: the machine's cores, at most 2). */
  workers?: number;
  /**
   * Where the candidates run (default: `workers` worker_threads): any implementation of the
   * candidate-runner interface, e.g. the page's Web Workers. The search reads only the results
   * array it returns, so the runner never changes the outcome.
   */
  runner?: (context: TuneContext) => CandidateRunner;
  progress?: TuneProgress;
}

export interface TuneResult {
  report: TuneReport;
  build: BuildResult;
  files: { journal: string; json: string; html: string };
  jobs: { ran: number; reused: number };
  stoppedByTimeBudget: boolean;
}

export const TUNE_FILES = { journal: 'tune-journal.jsonl', json: 'tune.json', html: 'tune.html' } as const;

/**
 * `firmnet tune`: the most accurate model that meets the budgets on every target. Candidates are
 * sampled from the space by the seed, priced on every target before any training (shapes that
 * cannot fit are never trained), trained by successive halving over epochs on worker threads, and
 * scored in int8 on the rows training holds out. The winner is then built as `firmnet build`
 * builds a project (model.json, model.q.json, wasm/, c/, report.html) in the project's output
 * folder, with tune.json and tune.html beside it.
 */
export async function tune(project: Project, settings: TuneSettings, options: TuneOptions = {}): Promise<TuneResult> {
  if (project.import) throw new FirmnetError('BAD_PROJECT_FILE', `${project.file ?? 'tune'}: import: tune trains its candidates; remove "import" and give "model"/"training" (or nothing, for the defaults)`);
  checkProjectFiles(project);
  const objective = settings.objective ?? defaultObjective(project.task);
  checkObjective(objective, project.task);
  const progress = options.progress;
  // Scoring needs held-out rows: a project without a validation split gets the trainer's default 10 %.
  const training = project.training.validationSplit > 0 ? project.training : { ...project.training, validationSplit: 0.1 };
  const context: TuneContext = {
    name: project.name,
    task: project.task,
    trainFile: project.data.train,
    label: project.data.label,
    calibrationFile: project.data.calibration,
    training,
    quantization: project.quantization,
    targets: project.targets,
    objective,
  };
  const candidates = sampleCandidates(project, settings.space, settings.trials, settings.seed);
  const epochs = rungEpochs(training.epochs, settings.rungs, settings.eta);
  const journal = new Journal(join(project.out, TUNE_FILES.journal), fingerprint(project, context, settings));
  if (journal.problem) progress?.note?.(journal.problem);
  const runner = options.runner?.(context) ?? candidateRunner(context, options.workers ?? Math.min(2, availableParallelism()));
  let ran = 0;
  const runAll = async (phase: string, jobs: CandidateJob[], scoreOf: (i: number, r: JobResult) => number | null, idOf: (i: number) => number): Promise<JobResult[]> => {
    const results: (JobResult | undefined)[] = jobs.map((j) => journal.get(j));
    const todo = jobs.map((_, i) => i).filter((i) => results[i] === undefined);
    progress?.phase?.(phase, jobs.length);
    let best: { id: number; score: number } | null = null;
    let done = jobs.length - todo.length;
    const seen = (i: number, r: JobResult): void => {
      const s = scoreOf(i, r);
      if (s !== null && (best === null || s > best.score)) best = { id: idOf(i), score: s };
    };
    results.forEach((r, i) => r && seen(i, r));
    progress?.job?.(phase, done, jobs.length, best);
    await runner.run(
      todo.map((i) => jobs[i]),
      (k, r) => {
        const i = todo[k];
        journal.record(jobs[i], r);
        results[i] = r;
        ran++;
        seen(i, r);
        progress?.job?.(phase, ++done, jobs.length, best);
      },
    );
    return results as JobResult[];
  };

  const started = performance.now();
  let stoppedByTimeBudget = false;
  const records: CandidateRecord[] = candidates.map((c, id) => ({ id, description: describeCandidate(c), candidate: c, parameters: null, macs: null, targets: [], rungs: [], status: 'rejected', reason: null, rejection: null }));
  try {
    // 1. Price every shape once, before any training.
    const shapes = [...new Map(candidates.map((c) => [shapeKey(c), c])).values()];
    const prices = await runAll('pricing shapes', shapes.map((c) => ({ kind: 'price', candidate: c })), () => null, () => 0);
    const priceOf = new Map(shapes.map((c, i) => [shapeKey(c), prices[i]]));
    let alive: number[] = [];
    for (const r of records) {
      const price = priceOf.get(shapeKey(r.candidate))!;
      if (price.kind !== 'price') {
        reject(r, 'failed', price.kind === 'failed' ? price.message : 'no price');
        continue;
      }
      applyPrice(r, price, settings);
      if (r.rejection === null) alive.push(r.id);
    }
    if (alive.length === 0) throw noCandidate(records, settings);

    // 2. Successive halving over epochs, each rung's results reduced in candidate order.
    const sign = LOWER_IS_BETTER.has(objective) ? -1 : 1;
    const rank = (ids: number[]): number[] => [...ids].sort((a, b) => compareCandidates(records[a], records[b], sign));
    for (const [rung, e] of epochs.entries()) {
      if (rung > 0 && settings.timeBudgetSeconds !== null && (performance.now() - started) / 1000 > settings.timeBudgetSeconds) {
        stoppedByTimeBudget = true;
        progress?.note?.(`time budget of ${settings.timeBudgetSeconds} s used up: the winner is chosen from rung ${rung} (${epochs[rung - 1]} epochs)`);
        break;
      }
      const jobs: CandidateJob[] = alive.map((id) => ({ kind: 'train', candidate: records[id].candidate, epochs: e }));
      const results = await runAll(`rung ${rung + 1}/${epochs.length}: ${alive.length} × ${e} epochs`, jobs, (_, r) => (r.kind === 'score' && r.int8Score !== null ? sign * r.int8Score : null), (i) => alive[i]);
      const scored: number[] = [];
      results.forEach((res, i) => {
        const r = records[alive[i]];
        if (res.kind === 'failed') return reject(r, 'failed', res.message);
        if (res.kind !== 'score') return reject(r, 'failed', 'no score');
        r.rungs.push({ epochs: e, epochsRun: res.epochsRun, floatScore: res.floatScore, int8Score: res.int8Score, drop: res.drop, int8Nll: res.int8Nll });
        scored.push(r.id);
      });
      const last = rung === epochs.length - 1;
      const ranked = rank(scored);
      if (last) {
        alive = ranked;
        break;
      }
      const keep = promoted(ranked.length, settings.eta);
      // The project's own settings (candidate 0) always reach the last rung when they fit: the
      // winner is then at least as good as them on the held-out rows at full epochs, however
      // slowly they start.
      const baselineCarried = ranked.indexOf(0) >= keep;
      for (const id of ranked.slice(keep).filter((id) => id !== 0)) {
        const r = records[id];
        r.status = 'stopped early';
        r.reason = `stopped after ${e} epochs: ${objective} ${formatScore(r.rungs[r.rungs.length - 1].int8Score)} on the held-out rows, below the best ${keep} of ${ranked.length}`;
      }
      alive = baselineCarried ? [...ranked.slice(0, keep), 0] : ranked.slice(0, keep);
      if (alive.length === 0) break;
    }

    // 3. The drop budget, on the finalists' full runs.
    const maxDrop = settings.budgets.maxDrop;
    const finalists = alive.filter((id) => {
      const r = records[id];
      const s = r.rungs[r.rungs.length - 1];
      if (maxDrop !== null && (s.drop === null || s.drop > maxDrop)) {
        reject(r, 'drop too large', `int8 costs ${s.drop === null ? 'an unmeasurable amount' : formatScore(s.drop)} ${dropUnit(objective)} on the held-out rows, more than the allowed ${maxDrop}`);
        return false;
      }
      r.status = 'finalist';
      return true;
    });
    if (finalists.length === 0 || records[finalists[0]].rungs[records[finalists[0]].rungs.length - 1].int8Score === null) throw noCandidate(records, settings);
    const winner = records[finalists[0]];
    winner.status = 'winner';

    // 4. The winner as a normal build output.
    const winnerProject: Project = {
      ...project,
      training: trainSettingsOf(training, winner.candidate, epochs[winner.rungs.length - 1]),
      quantization: quantizationOf(project.quantization, winner.candidate),
    };
    const built = await build(winnerProject, { progress: progress?.build });
    const report: TuneReport = {
      firmnet: FIRMNET_VERSION,
      project: project.name,
      task: project.task,
      objective,
      scoredOn: `the ${Math.round(training.validationSplit * 100)} % of the training rows the trainer holds out (validation split, seed ${training.seed}); the test data is never used to choose`,
      budgets: settings.budgets,
      seed: settings.seed,
      rungEpochs: epochs,
      candidates: records,
      fronts: fronts(records, sign),
      winner: winner.id,
      winnerSettings: winnerSettings(winnerProject),
      winnerPlacement: winner.targets,
    };
    const files = { journal: journal.file, json: join(project.out, TUNE_FILES.json), html: join(project.out, TUNE_FILES.html) };
    writeFileAtomic(files.json, toJsonText(report));
    writeFileAtomic(files.html, renderTuneHtml(report, built));
    return { report, build: built, files, jobs: { ran, reused: journal.reused }, stoppedByTimeBudget };
  } finally {
    await runner.close();
  }
}

function applyPrice(r: CandidateRecord, price: PriceResult, settings: TuneSettings): void {
  r.parameters = price.parameters;
  r.macs = price.macs;
  const fits: FitResult[] = price.targets.map((t) => fitOnTarget(t, settings.budgets));
  r.targets = fits.map((f) => f.placed);
  const bad = fits.find((f): f is Extract<FitResult, { fits: false }> => !f.fits);
  if (bad) reject(r, bad.reason, bad.detail);
}

function reject(r: CandidateRecord, why: NonNullable<CandidateRecord['rejection']>, detail: string): void {
  r.status = 'rejected';
  r.rejection = why;
  r.reason = `${why}: ${detail}`;
}

/**
 * Best first: the last rung's int8 objective, then its int8 negative log-likelihood (classification),
 * then the slowest target's latency, then flash, then the sampling order.
 */
function compareCandidates(a: CandidateRecord, b: CandidateRecord, sign: number): number {
  const score = (r: CandidateRecord): number => {
    const s = r.rungs[r.rungs.length - 1]?.int8Score ?? null;
    return s === null ? -Infinity : sign * s;
  };
  const nll = (r: CandidateRecord): number => r.rungs[r.rungs.length - 1]?.int8Nll ?? Infinity;
  const worstLatency = (r: CandidateRecord): number => Math.max(...r.targets.map((t) => t.latencyMs));
  const flash = (r: CandidateRecord): number => Math.max(...r.targets.map((t) => t.flashBytes));
  return score(b) - score(a) || compareNumbers(nll(a), nll(b)) || worstLatency(a) - worstLatency(b) || flash(a) - flash(b) || a.id - b.id;
}

/** Ascending, with Infinity (no value) last and equal infinities equal. */
function compareNumbers(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function fronts(records: CandidateRecord[], sign: number): TuneReport['fronts'] {
  const scored = records.filter((r) => r.rungs.length > 0 && r.rejection !== 'too big' && r.rejection !== 'too slow' && r.rungs[r.rungs.length - 1].int8Score !== null);
  const targets = records[0]?.targets.map((t) => t.target) ?? [];
  return targets.map((target, t) => ({
    target,
    ids: paretoFront(
      scored.map((r) => ({ id: r.id, score: sign * r.rungs[r.rungs.length - 1].int8Score!, latencyMs: r.targets[t].latencyMs, flashBytes: r.targets[t].flashBytes, sramBytes: r.targets[t].sramBytes })),
    ).map((p) => p.id),
  }));
}

function noCandidate(records: CandidateRecord[], settings: TuneSettings): FirmnetError {
  const counts = new Map<string, number>();
  for (const r of records) if (r.rejection) counts.set(r.rejection, (counts.get(r.rejection) ?? 0) + 1);
  const first = records.find((r) => r.reason)?.reason ?? '';
  return new FirmnetError(
    'DOES_NOT_FIT',
    `no candidate meets the budgets (${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}; e.g. ${first}). ` +
      `Loosen a budget (${budgetText(settings)}), allow smaller shapes (tune.space.widths, tune.space.depths) or more trials.`,
  );
}

function budgetText(s: TuneSettings): string {
  const b = s.budgets;
  const parts = [b.maxLatencyMs !== null ? `--max-latency-ms ${b.maxLatencyMs}` : null, b.maxSramBytes !== null ? `--max-sram ${b.maxSramBytes}` : null, b.maxFlashBytes !== null ? `--max-flash ${b.maxFlashBytes}` : null, b.maxDrop !== null ? `--max-drop ${b.maxDrop}` : null].filter((p) => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'the boards\' capacities';
}

export function defaultObjective(task: Task): TuneObjective {
  return task === 'regression' ? 'rmse' : task === 'autoencoder' ? 'reconstruction' : 'accuracy';
}

/** The objectives each task can be searched for (the page offers the same lists). */
export const TASK_OBJECTIVES: Readonly<Record<Task, readonly TuneObjective[]>> = {
  binary: ['accuracy', 'f1', 'auc'],
  multiclass: ['accuracy', 'f1'],
  multilabel: ['accuracy', 'f1'],
  regression: ['rmse', 'mae'],
  autoencoder: ['reconstruction'],
};

function checkObjective(objective: TuneObjective, task: Task): void {
  const allowed = TASK_OBJECTIVES[task];
  if (!allowed.includes(objective)) throw new FirmnetError('BAD_ARGUMENT', `objective '${objective}' does not fit a ${task} task; use one of: ${allowed.join(', ')}`);
}

export function dropUnit(objective: TuneObjective): string {
  return LOWER_IS_BETTER.has(objective) ? `(${objective} increase)` : 'pp';
}

export function formatScore(v: number | null): string {
  return v === null ? '—' : v.toFixed(4);
}

/** Data bytes, the settings every job reads and the search's own settings: a journal of anything else is not reused. */
function fingerprint(project: Project, context: TuneContext, settings: TuneSettings): string {
  return sha256Hex(
    canonicalJson({
      firmnet: FIRMNET_VERSION,
      train: fileHash(project.data.train),
      calibration: fileHash(project.data.calibration),
      context: { ...context, trainFile: null, calibrationFile: null },
      settings,
    }),
  );
}

function winnerSettings(p: Project): TuneReport['winnerSettings'] {
  const t = p.training;
  const q = p.quantization;
  return {
    model: { hidden: t.hidden, activation: t.activation, batchNorm: t.batchNorm, ...Object.fromEntries(ARCHITECTURE_OPTION_FIELDS.map((f) => [f, t[f]])), dropout: t.dropout },
    training: { epochs: t.epochs, weightDecay: t.weightDecay, validationSplit: t.validationSplit, seed: t.seed },
    quantization: { method: q.method, perChannel: q.perChannel, int16: q.int16 },
  };
}
