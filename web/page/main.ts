/**
 * The page: a form over the project file's settings, a build worker running the compiler, a live
 * training chart, the build's own HTML report, and the build's files as a zip. In Tune mode the
 * worker runs the search of `firmnet tune` and the page shows its progress and its tune.html. The
 * option lists come from the worker, which reads them from the compiler's own tables.
 */
import type { DataFiles, FromWorker, OutputFile, PageOptions, ToWorker, TuneRequest } from './protocol.js';
import { zipDeflated } from './zip.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = $<HTMLFormElement>('form');
const datasetSelect = $<HTMLSelectElement>('dataset');
const labelSelect = $<HTMLSelectElement>('label');
const taskSelect = $<HTMLSelectElement>('task');
const buildButton = $<HTMLButtonElement>('build');
const stopButton = $<HTMLButtonElement>('stop');
const downloadButton = $<HTMLButtonElement>('download');
const errorBox = $<HTMLDivElement>('error');
const stepsBox = $<HTMLDivElement>('steps');
const report = $<HTMLIFrameElement>('report');
const tuneReport = $<HTMLIFrameElement>('tune-report');
const chart = $<HTMLCanvasElement>('chart');
const modeSelect = $<HTMLSelectElement>('mode');
const tuneBar = $<HTMLProgressElement>('tune-bar');
const tuneStatus = $<HTMLSpanElement>('tune-status');

let worker: Worker;
let options: PageOptions | null = null;
let data: DataFiles | null = null;
let projectName = 'model';
let outputs: OutputFile[] = [];
const workerSource = new Blob([$('worker-source').textContent!], { type: 'text/javascript' });
const workerUrl = URL.createObjectURL(workerSource);
const history: { loss: number; metric: number | null; metricName: string | null }[] = [];

function startWorker(): void {
  worker = new Worker(workerUrl, { name: 'firmnet build' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  worker.onerror = (event) => showError(`firmnet: internal error in the build worker: ${event.message}`);
}

function send(message: ToWorker): void {
  worker.postMessage(message);
}

function fill(select: HTMLSelectElement, values: readonly string[], selected?: string): void {
  select.replaceChildren(...values.map((v) => new Option(v, v, false, v === selected)));
}

function onMessage(m: FromWorker): void {
  switch (m.kind) {
    case 'options':
      if (options === null) setOptions(m.options);
      break;
    case 'header':
      fill(labelSelect, m.columns, m.columns.includes('label') ? 'label' : m.columns[m.columns.length - 1]);
      buildButton.disabled = false;
      break;
    case 'step':
      stepsBox.textContent += `${m.step}: ${m.state === 'start' ? 'running' : m.state === 'cached' ? 'reused' : `${(m.seconds ?? 0).toFixed(2)} s`}\n`;
      break;
    case 'tune-phase':
      phase = { started: performance.now(), firstDone: -1 };
      stepsBox.textContent += `${m.phase}\n`;
      break;
    case 'tune-job':
      showTuneProgress(m.phase, m.done, m.total, m.best);
      break;
    case 'note':
      stepsBox.textContent += `note: ${m.message}\n`;
      break;
    case 'epoch':
      history.push({ loss: m.log.trainLoss, metric: m.log.valMetric, metricName: m.log.valMetricName });
      drawChart(m.total);
      break;
    case 'done':
      outputs = m.files;
      report.srcdoc = m.html;
      tuneReport.hidden = m.tuneHtml === null;
      if (m.tuneHtml !== null) tuneReport.srcdoc = m.tuneHtml;
      // A build's step times are already listed as they finished; a search's summary is not.
      if (m.tuneHtml !== null) stepsBox.textContent += m.summary.map((line) => `${line}\n`).join('');
      stepsBox.textContent += `${m.tuneHtml !== null ? 'tuned and built' : 'built'} in ${m.seconds.toFixed(2)} s\n`;
      document.body.dataset.state = 'built';
      document.body.dataset.buildSeconds = m.seconds.toFixed(3);
      finish();
      downloadButton.disabled = false;
      break;
    case 'error':
      showError(m.message);
      finish();
      break;
  }
}

function setOptions(o: PageOptions): void {
  options = o;
  fill(datasetSelect, o.datasets.map((d) => d.name), 'iris');
  fill($<HTMLSelectElement>('activation'), o.activations, 'relu');
  fill($<HTMLSelectElement>('method'), o.methods, 'auto');
  fill($<HTMLSelectElement>('weight-bits'), o.weightBits.map(String), '8');
  fill(taskSelect, o.tasks);
  $<HTMLInputElement>('trials').value = String(o.tuneDefaults.trials);
  $<HTMLInputElement>('tune-seed').value = String(o.tuneDefaults.seed);
  $<HTMLInputElement>('workers').value = String(Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1)));
  showSettingsForTask();
  $('targets').replaceChildren(
    ...o.boards.map((b, i) => {
      const label = document.createElement('label');
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: b.id, checked: i < 2 || b.id === 'stm32l4r5' || b.id === 'rp2040', title: b.description });
      label.append(box, ` ${b.id}`);
      return label;
    }),
  );
  for (const box of $('targets').querySelectorAll('input')) box.checked = box.value === 'stm32l4r5' || box.value === 'rp2040';
  chooseDataset();
  document.body.dataset.state = 'ready';
}

function chooseDataset(): void {
  const d = options?.datasets.find((x) => x.name === datasetSelect.value);
  if (!d) return;
  projectName = d.name;
  taskSelect.value = d.task;
  showSettingsForTask();
  data = { folder: d.name, train: null, test: null };
  send({ kind: 'header', data });
}

async function useFile(file: File): Promise<void> {
  showError('');
  projectName = file.name.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'upload';
  data = { folder: 'upload', train: await file.text(), test: null };
  datasetSelect.append(new Option(file.name, 'upload', true, true));
  send({ kind: 'header', data });
}

/** Settings that apply to some tasks only (class weight, decision threshold) are hidden, and left out of project.json, for the others. */
function showSettingsForTask(): void {
  for (const label of document.querySelectorAll<HTMLElement>('[data-tasks]')) label.hidden = !label.dataset.tasks!.split(' ').includes(taskSelect.value);
  const tuning = modeSelect.value === 'tune';
  // The drop budget is the project's maxDrop in both modes (as `firmnet tune --max-drop` sets it): a search may leave it empty.
  $('max-drop-label').hidden = !tuning && $<HTMLSelectElement>('qat').value !== 'auto';
  $('max-drop-what').textContent = tuning ? '(int8 cost in accuracy points, on the held-out rows and the test data; empty: no limit)' : '(accuracy points on the test data)';
  $('tune-settings').hidden = !tuning;
  // A disabled fieldset's fields are not validated: an emptied Trials field does not block a build.
  $<HTMLFieldSetElement>('tune-settings').disabled = !tuning;
  buildButton.textContent = tuning ? 'Tune and build' : 'Train and build';
  if (options) fill($<HTMLSelectElement>('objective'), ['', ...(options.objectives[taskSelect.value] ?? [])], $<HTMLSelectElement>('objective').value);
  for (const option of $<HTMLSelectElement>('objective').options) if (option.value === '') option.text = 'the task\'s default';
}

/** QAT's drop default (0.5 points on the test data) is no budget a search should start with: in Tune mode the field starts empty. */
function switchMode(): void {
  const maxDrop = $<HTMLInputElement>('max-drop');
  if (modeSelect.value === 'tune' && maxDrop.value === maxDrop.defaultValue) maxDrop.value = '';
  if (modeSelect.value !== 'tune' && maxDrop.value === '') maxDrop.value = maxDrop.defaultValue;
  showSettingsForTask();
}

function applies(id: string): boolean {
  return !($(id).closest('label') as HTMLElement).hidden;
}

/** The project file the page builds; a setting left at its default is left out, as a hand-written file would. */
function project(): Record<string, unknown> {
  const value = (id: string): string => $<HTMLInputElement>(id).value;
  const folder = data!.folder;
  const bundled = data!.train === null;
  const hasTest = bundled || data!.test !== null;
  const classWeight = applies('class-weight') ? value('class-weight') : '';
  const threshold = applies('threshold') ? value('threshold').trim() : '';
  const weightBits = Number(value('weight-bits'));
  const qat = { off: false, on: true, auto: 'auto' }[value('qat') as 'off' | 'on' | 'auto'];
  return {
    name: projectName,
    task: taskSelect.value,
    data: { train: `data/${folder}/train.csv`, ...(hasTest ? { test: `data/${folder}/test.csv` } : {}), label: labelSelect.value },
    model: { hidden: value('hidden').split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number), activation: value('activation') },
    training: {
      epochs: Number(value('epochs')),
      seed: Number(value('seed')),
      standardize: $<HTMLInputElement>('standardize').checked,
      ...(classWeight !== '' ? { classWeight } : {}),
      ...(threshold !== '' ? { threshold } : {}),
    },
    quantization: { method: value('method'), ...(weightBits !== 8 ? { weightBits } : {}), ...(qat !== false ? { qat } : {}) },
    ...(qat === 'auto' || (modeSelect.value === 'tune' && value('max-drop').trim() !== '') ? { maxDrop: Number(value('max-drop')) } : {}),
    targets: [...$('targets').querySelectorAll('input')].filter((b) => b.checked).map((b) => b.value),
  };
}

/** The search's settings from the Tune fieldset; an empty budget is no budget (the board's capacity for memory). */
function tuneRequest(): TuneRequest {
  const optional = (id: string): number | null => {
    const text = $<HTMLInputElement>(id).value.trim();
    return text === '' ? null : Number(text);
  };
  const objective = $<HTMLSelectElement>('objective').value;
  return {
    budgets: { maxLatencyMs: optional('max-latency-ms'), maxSramBytes: optional('max-sram'), maxFlashBytes: optional('max-flash') },
    objective: objective === '' ? null : (objective as TuneRequest['objective']),
    trials: Number($<HTMLInputElement>('trials').value),
    seed: Number($<HTMLInputElement>('tune-seed').value),
    workers: Number($<HTMLInputElement>('workers').value),
  };
}

/** The command that makes the same search from the zip's project.json (shown, and read by the test that compares the two). */
function tuneCommand(request: TuneRequest, maxDrop: unknown): string[] {
  const b = request.budgets;
  const flag = (name: string, v: number | string | null | undefined): string[] => (v === null || v === undefined ? [] : [`--${name}`, String(v)]);
  return [
    'tune',
    'project.json',
    ...flag('max-latency-ms', b.maxLatencyMs),
    ...flag('max-sram', b.maxSramBytes),
    ...flag('max-flash', b.maxFlashBytes),
    ...flag('max-drop', typeof maxDrop === 'number' ? maxDrop : null),
    ...flag('objective', request.objective),
    ...flag('trials', request.trials),
    ...flag('tune-seed', request.seed),
  ];
}

let phase = { started: 0, firstDone: -1 };

/** One bar per phase, with the ETA from this phase's rate (jobs found in the journal do not count) and the best so far. */
function showTuneProgress(name: string, done: number, total: number, best: { id: number; score: number } | null): void {
  if (phase.firstDone < 0) phase = { started: performance.now(), firstDone: done };
  const rate = done > phase.firstDone ? (performance.now() - phase.started) / 1000 / (done - phase.firstDone) : NaN;
  const eta = Number.isFinite(rate) ? `${Math.ceil(rate * (total - done))} s` : '…';
  tuneBar.max = Math.max(total, 1);
  tuneBar.value = done;
  // Scores come signed so that higher is better; an error objective is shown as its value.
  tuneStatus.textContent = `${name}: ${done}/${total}${done < total ? `, ETA ${eta}` : ''}${best === null ? '' : `, best so far #${best.id} ${Math.abs(best.score).toFixed(4)}`}`;
}

function drawChart(totalEpochs: number): void {
  const g = chart.getContext('2d')!;
  const { width, height } = chart;
  g.clearRect(0, 0, width, height);
  const pad = 30;
  const x = (i: number): number => pad + ((width - 2 * pad) * i) / Math.max(totalEpochs - 1, 1);
  const line = (values: number[], color: string, label: string, row: number): void => {
    const max = Math.max(...values, 1e-9);
    const min = Math.min(...values, 0);
    g.strokeStyle = color;
    g.beginPath();
    values.forEach((v, i) => (i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v))));
    g.stroke();
    g.fillStyle = color;
    g.fillText(`${label}: ${values[values.length - 1].toFixed(4)}`, pad + 4, 14 * row);
    function y(v: number): number {
      return height - pad - ((height - 2 * pad) * (v - min)) / (max - min || 1);
    }
  };
  g.font = '12px sans-serif';
  line(history.map((h) => h.loss), '#3b6fd8', 'train loss', 1);
  const metric = history.filter((h) => h.metric !== null);
  if (metric.length === history.length && metric.length > 0) line(metric.map((h) => h.metric!), '#d8743b', history[0].metricName ?? 'metric', 2);
  g.fillStyle = '#556';
  g.fillText(`epoch ${history.length} / ${totalEpochs}`, width - pad - 90, 14);
}

function showError(message: string): void {
  errorBox.textContent = message;
  if (message !== '') document.body.dataset.state = 'error';
}

function finish(): void {
  buildButton.disabled = false;
  stopButton.disabled = true;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!data) return;
  showError('');
  history.length = 0;
  stepsBox.textContent = '';
  downloadButton.disabled = true;
  buildButton.disabled = true;
  stopButton.disabled = false;
  document.body.dataset.state = 'building';
  const settings = project();
  const text = `${JSON.stringify(settings, null, 2)}\n`;
  document.body.dataset.project = text;
  tuneReport.hidden = true;
  $('tune-progress').hidden = modeSelect.value !== 'tune';
  if (modeSelect.value !== 'tune') return send({ kind: 'build', data, project: text });
  const request = tuneRequest();
  const command = tuneCommand(request, settings.maxDrop);
  document.body.dataset.tuneCommand = JSON.stringify(command);
  stepsBox.textContent = `the same search as: firmnet ${command.join(' ')} (${request.workers} worker${request.workers === 1 ? '' : 's'})\n`;
  tuneBar.value = 0;
  tuneStatus.textContent = 'starting the candidate workers';
  send({ kind: 'tune', data, project: text, tune: request, source: workerSource });
});

stopButton.addEventListener('click', () => {
  // Training is one synchronous loop in the worker: stopping ends the worker (and its cache) and starts a fresh one.
  worker.terminate();
  stepsBox.textContent += 'stopped\n';
  document.body.dataset.state = 'stopped';
  finish();
  startWorker();
  if (data) send({ kind: 'header', data });
});

downloadButton.addEventListener('click', async () => {
  const zip = await zipDeflated(outputs, deflateRaw);
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([zip.slice()], { type: 'application/zip' })), download: `${projectName}-firmnet.zip` });
  link.click();
});

/** The browser's own deflate (zlib's, through CompressionStream): the same bytes for the same input in the same browser. */
async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

taskSelect.addEventListener('change', showSettingsForTask);
modeSelect.addEventListener('change', switchMode);
$('qat').addEventListener('change', showSettingsForTask);
datasetSelect.addEventListener('change', () => (datasetSelect.value === 'upload' ? undefined : chooseDataset()));
$<HTMLInputElement>('file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void useFile(file);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void useFile(file);
});

startWorker();
