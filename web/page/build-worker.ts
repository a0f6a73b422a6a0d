/**
 * The page's build worker: the same `build()` the CLI runs, on an in-memory volume laid out as a
 * project folder (`/project.json`, `/data/<name>/*.csv`, output in `/out/<name>/`), so the paths
 * every artifact records are the ones `firmnet build project.json` records in a folder laid out
 * the same way; `tune()` of the Node API likewise, its candidates on more of these workers (the
 * candidate role: a context, then jobs). Runs in a Web Worker so training never blocks the page.
 */
import { ASSETS } from 'firmnet-page-assets';
import { loadBoards } from '../../firmware-sim/targets.js';
import { readCsvHeader } from '../../compiler/data/csv.js';
import { isFirmnetError } from '../../compiler/errors.js';
import { TASKS } from '../../compiler/model/float-model.js';
import type { BuildStep } from '../../compiler/project/build.js';
import type { EpochLog } from '../../compiler/train/train.js';
import { tune } from '../../compiler/api.js';
import { build } from '../../compiler/project/build.js';
import { loadProject } from '../../compiler/project/project-file.js';
import { DEFAULT_TUNE_SETTINGS } from '../../compiler/project/tune-settings.js';
import { DatasetCache, type TuneContext, runCandidateJob } from '../../compiler/tune/run-candidate.js';
import { TASK_OBJECTIVES, TUNE_FILES } from '../../compiler/tune/tune.js';
import { CALIBRATION_METHODS } from '../../compiler/quantize/quantize.js';
import { ACTIVATION_NAMES } from '../../compiler/train/settings.js';
import { WEIGHT_BIT_CHOICES } from '../../compiler/quantize/weight-bits.js';
import { volume } from '../node-api/volume.js';
import type { CandidateReply, DataFiles, FromWorker, OutputFile, PageOptions, ToWorker, TuneRequest } from './protocol.js';
import { WebWorkerRunner } from './web-worker-runner.js';

interface Scope {
  postMessage(message: FromWorker | CandidateReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as Scope;
const encoder = new TextEncoder();

for (const [path, content] of Object.entries(ASSETS)) {
  volume.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', true);
  volume.write(path, typeof content === 'string' ? encoder.encode(content) : content);
}

scope.postMessage({
  kind: 'options',
  options: {
    tasks: TASKS,
    activations: ACTIVATION_NAMES,
    methods: ['auto', ...CALIBRATION_METHODS],
    weightBits: [...WEIGHT_BIT_CHOICES].sort((a, b) => b - a),
    boards: loadBoards().map((b) => ({ id: b.id, description: b.name })),
    objectives: TASK_OBJECTIVES,
    tuneDefaults: { trials: DEFAULT_TUNE_SETTINGS.trials, seed: DEFAULT_TUNE_SETTINGS.seed },
    datasets: bundledDatasets(),
  },
});

/** Set by the first message of a candidate worker. */
let candidate: { context: TuneContext; datasets: DatasetCache } | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  void handle(message).catch((e: unknown) => {
    scope.postMessage({ kind: 'error', message: isFirmnetError(e) ? `firmnet: error: ${e.message}` : `firmnet: internal error (a bug in firmnet; please report it): ${(e as Error).stack ?? String(e)}` });
  });
};

async function handle(message: ToWorker): Promise<void> {
  switch (message.kind) {
    case 'header':
      return header(message.data);
    case 'build':
      return runBuild(message.data, message.project);
    case 'tune':
      return runTune(message.data, message.project, message.tune, message.source);
    case 'candidate':
      for (const f of message.files) {
        volume.mkdir(f.path.slice(0, f.path.lastIndexOf('/')) || '/', true);
        volume.write(f.path, f.bytes);
      }
      candidate = { context: message.context, datasets: new DatasetCache() };
      return;
    case 'job': {
      if (candidate === null) throw new Error('a candidate job before the search\'s context');
      const result = await runCandidateJob(candidate.context, message.job, candidate.datasets);
      scope.postMessage({ kind: 'result', index: message.index, result });
      return;
    }
  }
}

function writeData(data: DataFiles): void {
  const dir = `/data/${data.folder}`;
  volume.mkdir(dir, true);
  if (data.train === null) {
    for (const f of volume.list(`/firmnet/models/data/${data.folder}`)) volume.write(`${dir}/${f}`, volume.read(`/firmnet/models/data/${data.folder}/${f}`));
    return;
  }
  volume.write(`${dir}/train.csv`, encoder.encode(data.train));
  if (data.test === null) volume.remove(`${dir}/test.csv`);
  else volume.write(`${dir}/test.csv`, encoder.encode(data.test));
}

async function header(data: DataFiles): Promise<void> {
  writeData(data);
  scope.postMessage({ kind: 'header', columns: readCsvHeader(`/data/${data.folder}/train.csv`).names });
}

const buildProgress = {
  step: (step: BuildStep, state: 'start' | 'done' | 'cached', seconds?: number) => scope.postMessage({ kind: 'step', step, state, seconds: seconds ?? null }),
  epoch: (log: EpochLog, total: number) => scope.postMessage({ kind: 'epoch', log, total }),
};

async function runBuild(data: DataFiles, project: string): Promise<void> {
  writeData(data);
  volume.write('/project.json', encoder.encode(project));
  const started = performance.now();
  const result = await build(loadProject('project.json'), { progress: buildProgress });
  const seconds = (performance.now() - started) / 1000;
  const summary = result.steps.map((s) => `${s.step}: ${s.state === 'cached' ? 'reused' : `${s.seconds.toFixed(2)} s`}`);
  // A search run earlier in this page leaves its files in the same folder; they are not this build's.
  finish(result.outDir, Object.values(TUNE_FILES), null, seconds, summary);
}

/** `firmnet tune project.json` with the request's flags, through the Node API's tune(), its candidates on Web Workers. */
async function runTune(data: DataFiles, project: string, request: TuneRequest, source: Blob): Promise<void> {
  writeData(data);
  volume.write('/project.json', encoder.encode(project));
  const started = performance.now();
  const result = await tune('project.json', {
    settings: { budgets: request.budgets, objective: request.objective, trials: request.trials, seed: request.seed },
    runner: (context) => new WebWorkerRunner(context, request.workers, source, dataFilesOf(context)),
    progress: {
      phase: (phase, jobs) => scope.postMessage({ kind: 'tune-phase', phase, jobs }),
      job: (phase, done, total, best) => scope.postMessage({ kind: 'tune-job', phase, done, total, best }),
      note: (message) => scope.postMessage({ kind: 'note', message }),
      build: buildProgress,
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const counts = new Map<string, number>();
  for (const c of result.report.candidates) counts.set(c.rejection ?? c.status, (counts.get(c.rejection ?? c.status) ?? 0) + 1);
  const summary = [`${result.jobs.ran} jobs run, ${result.jobs.reused} from the journal`, `candidates: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`];
  // The journal records jobs in the order they finished, which the number of workers changes; it is this page's resume record, not an output.
  const tuneHtml = new TextDecoder().decode(volume.read(result.files.html));
  finish(result.build.outDir, [TUNE_FILES.journal], tuneHtml, seconds, summary);
}

/** The training and calibration files a candidate worker reads, copied into its own volume. */
function dataFilesOf(context: TuneContext): OutputFile[] {
  const paths = [...new Set([context.trainFile, context.calibrationFile].filter((p): p is string => p !== null))];
  return paths.map((path) => ({ path, bytes: volume.read(path).slice() }));
}

function finish(out: string, leftOut: string[], tuneHtml: string | null, seconds: number, summary: string[]): void {
  const files: OutputFile[] = [{ path: 'project.json', bytes: volume.read('/project.json').slice() }];
  for (const path of volume.walk(out)) {
    if (path.split('/').some((part) => part.startsWith('.')) || leftOut.includes(path)) continue;
    files.push({ path, bytes: volume.read(`${out}/${path}`).slice() });
  }
  const html = new TextDecoder().decode(volume.read(`${out}/report.html`));
  scope.postMessage({ kind: 'done', html, tuneHtml, files, seconds, summary }, files.map((f) => f.bytes.buffer as ArrayBuffer));
}

/** The datasets bundled with the page, from models/data/manifest.json. */
function bundledDatasets(): PageOptions['datasets'] {
  const manifest = JSON.parse(new TextDecoder().decode(volume.read('/firmnet/models/data/manifest.json'))) as { label_column: string; datasets: Record<string, { task: string }> };
  return Object.entries(manifest.datasets)
    .filter(([name]) => volume.has(`/firmnet/models/data/${name}/train.csv`))
    .map(([name, d]) => ({ name, task: d.task, label: manifest.label_column }));
}
