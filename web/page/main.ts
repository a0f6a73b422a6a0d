/**
 * The page: a form over the project file's settings, a build worker running the compiler, a live
 * training chart, the build's own HTML report, and the build's files as a zip. The option lists
 * come from the worker, which reads them from the compiler's own tables.
 */
import type { DataFiles, FromWorker, OutputFile, PageOptions, ToWorker } from './protocol.js';
import { zipStored } from './zip.js';

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
const chart = $<HTMLCanvasElement>('chart');

let worker: Worker;
let options: PageOptions | null = null;
let data: DataFiles | null = null;
let projectName = 'model';
let outputs: OutputFile[] = [];
const workerUrl = URL.createObjectURL(new Blob([$('worker-source').textContent!], { type: 'text/javascript' }));
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
    case 'epoch':
      history.push({ loss: m.log.trainLoss, metric: m.log.valMetric, metricName: m.log.valMetricName });
      drawChart(m.total);
      break;
    case 'done':
      outputs = m.files;
      report.srcdoc = m.html;
      stepsBox.textContent += `built in ${m.seconds.toFixed(2)} s\n`;
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
  $('max-drop-label').hidden = $<HTMLSelectElement>('qat').value !== 'auto';
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
    ...(qat === 'auto' ? { maxDrop: Number(value('max-drop')) } : {}),
    targets: [...$('targets').querySelectorAll('input')].filter((b) => b.checked).map((b) => b.value),
  };
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
  const text = `${JSON.stringify(project(), null, 2)}\n`;
  document.body.dataset.project = text;
  send({ kind: 'build', data, project: text });
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

downloadButton.addEventListener('click', () => {
  const zip = zipStored(outputs);
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([zip.slice()], { type: 'application/zip' })), download: `${projectName}-firmnet.zip` });
  link.click();
});

taskSelect.addEventListener('change', showSettingsForTask);
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
