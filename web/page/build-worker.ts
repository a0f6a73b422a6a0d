/**
 * The page's build worker: the same `build()` the CLI runs, on an in-memory volume laid out as a
 * project folder (`/project.json`, `/data/<name>/*.csv`, output in `/out/<name>/`), so the paths
 * every artifact records are the ones `firmnet build project.json` records in a folder laid out
 * the same way. Runs in a Web Worker so training never blocks the page.
 */
import { ASSETS } from 'firmnet-page-assets';
import { loadBoards } from '../../firmware-sim/targets.js';
import { readCsvHeader } from '../../compiler/data/csv.js';
import { isFirmnetError } from '../../compiler/errors.js';
import { TASKS } from '../../compiler/model/float-model.js';
import { build } from '../../compiler/project/build.js';
import { loadProject } from '../../compiler/project/project-file.js';
import { CALIBRATION_METHODS } from '../../compiler/quantize/quantize.js';
import { ACTIVATION_NAMES } from '../../compiler/train/settings.js';
import { WEIGHT_BIT_CHOICES } from '../../compiler/quantize/weight-bits.js';
import { volume } from '../node-api/volume.js';
import type { DataFiles, FromWorker, OutputFile, PageOptions, ToWorker } from './protocol.js';

interface Scope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
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
    datasets: bundledDatasets(),
  },
});

scope.onmessage = (event) => {
  const message = event.data;
  void (message.kind === 'header' ? header(message.data) : runBuild(message.data, message.project)).catch((e: unknown) => {
    scope.postMessage({ kind: 'error', message: isFirmnetError(e) ? `firmnet: error: ${e.message}` : `firmnet: internal error (a bug in firmnet; please report it): ${(e as Error).stack ?? String(e)}` });
  });
};

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

async function runBuild(data: DataFiles, project: string): Promise<void> {
  writeData(data);
  volume.write('/project.json', encoder.encode(project));
  const started = performance.now();
  const result = await build(loadProject('project.json'), {
    progress: {
      step: (step, state, seconds) => scope.postMessage({ kind: 'step', step, state, seconds: seconds ?? null }),
      epoch: (log, total) => scope.postMessage({ kind: 'epoch', log, total }),
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const out = result.outDir;
  const files: OutputFile[] = [{ path: 'project.json', bytes: volume.read('/project.json').slice() }];
  for (const path of volume.walk(out)) {
    if (path.split('/').some((part) => part.startsWith('.'))) continue;
    files.push({ path, bytes: volume.read(`${out}/${path}`).slice() });
  }
  const html = new TextDecoder().decode(volume.read(`${out}/report.html`));
  const summary = result.steps.map((s) => `${s.step}: ${s.state === 'cached' ? 'reused' : `${s.seconds.toFixed(2)} s`}`);
  scope.postMessage({ kind: 'done', html, files, seconds, summary }, files.map((f) => f.bytes.buffer as ArrayBuffer));
}

/** The datasets bundled with the page, from models/data/manifest.json. */
function bundledDatasets(): PageOptions['datasets'] {
  const manifest = JSON.parse(new TextDecoder().decode(volume.read('/firmnet/models/data/manifest.json'))) as { label_column: string; datasets: Record<string, { task: string }> };
  return Object.entries(manifest.datasets)
    .filter(([name]) => volume.has(`/firmnet/models/data/${name}/train.csv`))
    .map(([name, d]) => ({ name, task: d.task, label: manifest.label_column }));
}
