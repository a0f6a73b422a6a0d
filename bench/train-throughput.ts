/**
 * Training throughput (samples/s) of firmnet's float trainer against PyTorch (Debian python3-torch,
 * CPU) and @tensorflow/tfjs (cpu backend), all measured in this run, on two models:
 *   digits   64-64-32-10 ReLU MLP, softmax cross-entropy, Adam 1e-3, batch 32 (models/data/digits);
 *   anomaly  640-128×4-8-128×4-640 ReLU autoencoder with BatchNorm after every hidden dense layer,
 *            MSE, Adam 1e-3, batch 64 (models/data/vibration, 1,000 rows × 640 features).
 * Two paths each:
 *   API  the training loop alone: trainModel without validation (its per-epoch samples/s),
 *        PyTorch's loop, tfjs model.fit;
 *   CLI  what a user of `firmnet train` sees: `--epochs 1+N` minus `--epochs 1` (per-epoch
 *        logging, the 10% validation pass, signals; process start-up cancels out), against a
 *        PyTorch script that also holds out 10% and evaluates and logs every epoch, and tfjs fit
 *        with validationSplit 0.1.
 * Every figure is taken twice: per wall-clock second, and per CPU-second of the process (what the
 * wall figure is on an idle core; on a shared machine the wall figures swing with other load).
 * Rounds run one after another (firmnet, PyTorch, tfjs in turn); ratios are taken within a round,
 * and the table shows medians over the rounds.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { type Dataset, loadDataset } from '../compiler/data/dataset.js';
import { applyStandardization, fitStandardization } from '../compiler/data/standardize.js';
import type { Task } from '../compiler/model/float-model.js';
import { LOSSES } from '../compiler/nn/losses.js';
import { createOptimizer, optimizerSlots } from '../compiler/nn/optimizers.js';
import { Rng } from '../compiler/rng.js';
import { buildNetwork } from '../compiler/train/architecture.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings, trainConfig } from '../compiler/train/settings.js';
import { trainModel } from '../compiler/train/train.js';
import { type PeakFigures, measureF32x4Peak } from './f32x4-peak.js';
import { median } from './stats.js';

const ROUNDS = 3;
const INSTALL_SCRIPT = 'scripts/install-bench-deps.sh';
const TIME = '/usr/bin/time';

interface BenchCase {
  name: string;
  label: string;
  file: string;
  task: Task;
  hidden: number[];
  batchNorm: boolean;
  batchSize: number;
  /** Epochs timed after `warmup` untimed ones (API paths). */
  epochs: number;
  warmup: number;
  /** Extra epochs of the longer CLI run (`--epochs 1 + cliEpochs`). */
  cliEpochs: number;
}

const DIGITS: BenchCase = { name: 'digits', label: 'digits 64-64-32-10, batch 32', file: 'models/data/digits/train.csv', task: 'multiclass', hidden: [64, 32], batchNorm: false, batchSize: 32, epochs: 7, warmup: 2, cliEpochs: 100 };
const ANOMALY: BenchCase = {
  name: 'anomaly',
  label: 'anomaly 640-128x4-8-128x4-640 + BN, batch 64',
  file: 'models/data/vibration/train.csv',
  task: 'autoencoder',
  hidden: [128, 128, 128, 128, 8, 128, 128, 128, 128],
  batchNorm: true,
  batchSize: 64,
  epochs: 5,
  warmup: 1,
  cliEpochs: 16,
};
const CASES = [DIGITS, ANOMALY];

type Path = 'API' | 'CLI';
type Peer = 'firmnet' | 'firmnet 1 thread' | 'PyTorch 1 thread' | 'PyTorch 2 threads' | 'tfjs';
const PEERS: Peer[] = ['firmnet', 'firmnet 1 thread', 'PyTorch 1 thread', 'PyTorch 2 threads', 'tfjs'];
type Clock = 'wall' | 'cpu';

/** samples/s per wall-clock second and per CPU-second (null where it cannot be measured). */
interface Rate {
  wall: number;
  cpu: number | null;
}

/** Seconds a PyTorch job may spend warming up, and then timing (see bench/torch_train.py). */
const TORCH_SECONDS = 4;
/** tfjs trains the autoencoder ~100× slower; it gets this many rows per epoch so a round stays short. */
const TFJS_AUTOENCODER_ROWS = 256;

export async function benchTrainThroughput(): Promise<void> {
  const root = repoRoot();
  const python = findTorchPython();
  const scratch = mkdtempSync(join(tmpdir(), 'firmnet-train-bench-'));
  await tf.setBackend('cpu');
  // One Rate per round, by case, path and peer.
  const rates = new Map<string, Rate[]>();
  const key = (c: BenchCase, path: Path, peer: Peer): string => `${c.name} ${path} ${peer}`;
  const record = (c: BenchCase, path: Path, peer: Peer, rate: Rate): void => {
    rates.set(key(c, path, peer), [...(rates.get(key(c, path, peer)) ?? []), rate]);
  };
  const stepRates: number[] = [];
  let peak: PeakFigures;
  try {
    peak = await measureF32x4Peak();
    const data = CASES.map((c) => loadDataset(join(root, c.file), { task: c.task, labelColumns: ['label'] }));
    const torchInputs = CASES.map((c, i) => writeTorchInputs(scratch, c, data[i]));
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`round ${round}/${ROUNDS}\n`);
      for (const c of CASES) {
        record(c, 'API', 'firmnet', await firmnetApi(c, 'auto'));
        record(c, 'API', 'firmnet 1 thread', await firmnetApi(c, '1'));
      }
      stepRates.push(trainingStepMacRate(ANOMALY, data[CASES.indexOf(ANOMALY)]));
      if (python) {
        const loops = CASES.map((c, i) => torchJob(c, data[i], torchInputs[i], 'loop'));
        const clis = CASES.map((c, i) => torchJob(c, data[i], torchInputs[i], 'cli'));
        for (const r of await torchRun(python, root, 1, [...loops, ...clis])) record(caseNamed(r.name), r.mode === 'loop' ? 'API' : 'CLI', 'PyTorch 1 thread', r);
        for (const r of await torchRun(python, root, 2, loops)) record(caseNamed(r.name), 'API', 'PyTorch 2 threads', r);
      }
      for (const [i, c] of CASES.entries()) {
        const fitRows = Math.round(data[i].rows * (1 - DEFAULT_TRAIN_SETTINGS.validationSplit));
        record(c, 'CLI', 'firmnet', await firmnetCli(c, root, scratch, fitRows, 'auto'));
        record(c, 'CLI', 'firmnet 1 thread', await firmnetCli(c, root, scratch, fitRows, '1'));
        const tfData = c.task === 'autoencoder' ? firstRows(data[i], TFJS_AUTOENCODER_ROWS) : data[i];
        record(c, 'API', 'tfjs', await tfjsFit(c, tfData, 0));
        record(c, 'CLI', 'tfjs', await tfjsFit(c, tfData, DEFAULT_TRAIN_SETTINGS.validationSplit));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  console.log(`## Training throughput, samples/s (Adam 1e-3; median of ${ROUNDS} rounds, each the median over epochs after warm-up)`);
  console.log('API: the training loop (trainModel without validation; the PyTorch loop; tfjs fit).');
  console.log('CLI: `firmnet train` with its 10% validation pass, signals and a log line every epoch (--epochs 1+N minus --epochs 1),');
  console.log('     against a PyTorch script that also holds out 10% and evaluates and logs every epoch, and tfjs fit with validationSplit 0.1.');
  if (!python) console.log(`SKIP PyTorch: no python3 with torch found; install Debian's python3-torch with ${INSTALL_SCRIPT}`);
  for (const clock of ['wall', 'cpu'] as Clock[]) {
    console.log();
    console.log(clock === 'wall' ? 'per wall-clock second:' : 'per CPU-second of the process (the wall figure on an idle core):');
    printTable(['model', 'path', ...PEERS, 'firmnet/PyTorch', '1 thread each', 'firmnet/tfjs'], tableRows(rates, clock, python !== null));
  }
  console.log('firmnet: the default (a helper thread takes half of the largest kernels when free); firmnet 1 thread: FIRMNET_THREADS=1.');
  console.log('firmnet/PyTorch: the default firmnet within each round against the faster PyTorch configuration, then the median over rounds;');
  console.log('1 thread each: firmnet 1 thread against PyTorch 1 thread.');
  console.log(`tfjs on the autoencoder: ${TFJS_AUTOENCODER_ROWS} rows per epoch. Per-round samples/s (wall / CPU):`);
  for (const [k, values] of rates) console.log(`  ${k}: ${values.map((v) => `${Math.round(v.wall)}/${v.cpu === null ? '—' : Math.round(v.cpu)}`).join(', ')}`);
  console.log();
  console.log('## Float32 peak per core (WebAssembly SIMD f32x4 multiply + add, no FMA; MAC per CPU-ns)');
  console.log(`tight kernel, 8 accumulators in registers:       ${peak.registers.toFixed(1)} MAC/ns (${(2 * peak.registers).toFixed(0)} GFLOP/s)`);
  console.log(`tight kernel, operands loaded as in a dense tile: ${peak.loads.toFixed(1)} MAC/ns`);
  for (const d of peak.dense) {
    console.log(`firmnet dense kernels, ${d.label}: forward ${d.forward.toFixed(1)}, backward (dW, dx) ${d.backward.toFixed(1)} MAC/ns (${pct(d.forward, peak.registers)} / ${pct(d.backward, peak.registers)} of the register peak)`);
  }
  const step = median(stepRates);
  console.log(`whole training steps, anomaly (dense MACs over all CPU time: BatchNorm, ReLU, loss, Adam included): ${step.toFixed(1)} MAC/ns = ${pct(step, peak.registers)} of peak`);
}

function tableRows(rates: Map<string, Rate[]>, clock: Clock, withTorch: boolean): string[][] {
  const rows: string[][] = [];
  for (const c of CASES) {
    for (const path of ['API', 'CLI'] as Path[]) {
      const series = (peer: Peer): (number | null)[] | undefined => rates.get(`${c.name} ${path} ${peer}`)?.map((r) => r[clock]);
      const cell = (peer: Peer): string => {
        const s = series(peer);
        if (!s) return peer.startsWith('PyTorch') && !withTorch ? 'skipped' : '—';
        return s.every((v) => v !== null) ? Math.round(median(s as number[])).toLocaleString('en-US') : '—';
      };
      const ratio = (others: (number | null)[][], mine: Peer = 'firmnet'): string => {
        const firmnet = series(mine)!;
        const perRound = firmnet.map((f, r) => {
          const best = Math.max(...others.map((o) => o[r] ?? 0));
          return f !== null && best > 0 ? f / best : null;
        });
        return perRound.every((v) => v !== null) && others.length > 0 ? `${median(perRound as number[]).toFixed(2)}×` : 'n/a';
      };
      const torch = [series('PyTorch 1 thread'), series('PyTorch 2 threads')].filter((s): s is (number | null)[] => s !== undefined);
      const torchOne = series('PyTorch 1 thread');
      rows.push([c.label, path, ...PEERS.map(cell), ratio(torch), torchOne ? ratio([torchOne], 'firmnet 1 thread') : 'n/a', ratio([series('tfjs')!])]);
    }
  }
  return rows;
}

function pct(value: number, of: number): string {
  return `${Math.round((100 * value) / of)}%`;
}

function caseNamed(name: string): BenchCase {
  return CASES.find((c) => c.name === name)!;
}

function settingsFor(c: BenchCase, overrides: Partial<TrainSettings>): TrainSettings {
  return { ...DEFAULT_TRAIN_SETTINGS, hidden: c.hidden, batchNorm: c.batchNorm, batchSize: c.batchSize, ...overrides };
}

/**
 * trainModel's own per-epoch samples/s (the step loop) and rows per CPU-second between epoch
 * reports, medians after warm-up, in a fresh process (the helper thread is chosen per process).
 */
async function firmnetApi(c: BenchCase, threads: string): Promise<Rate> {
  const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), '--api-child', c.name], { env: { ...process.env, FIRMNET_THREADS: threads } });
  return JSON.parse(stdout) as Rate;
}

function firmnetApiChild(c: BenchCase): Rate {
  const data = loadDataset(join(repoRoot(), c.file), { task: c.task, labelColumns: ['label'] });
  const cpuSeconds: number[] = [];
  let last = process.cpuUsage();
  const result = trainModel(data, trainConfig(c.task, settingsFor(c, { epochs: c.warmup + c.epochs, validationSplit: 0 })), 'bench', {
    onEpoch: () => {
      const used = process.cpuUsage(last);
      last = process.cpuUsage();
      cpuSeconds.push((used.user + used.system) / 1e6);
    },
  });
  return { wall: median(result.history.slice(c.warmup).map((h) => h.samplesPerSecond)), cpu: median(cpuSeconds.slice(c.warmup).map((s) => data.rows / s)) };
}

/** `firmnet train` per epoch: (--epochs 1+N) − (--epochs 1), over N, in wall time and (with /usr/bin/time) CPU time. */
async function firmnetCli(c: BenchCase, root: string, scratch: string, fitRows: number, threads: string): Promise<Rate> {
  const timed = existsSync(TIME);
  const env = { ...process.env, FIRMNET_THREADS: threads };
  const run = async (epochs: number): Promise<{ wall: number; cpu: number | null }> => {
    const cli = [join(root, 'bin/firmnet.js'), 'train', '--data', join(root, c.file), '--task', c.task, '--hidden', c.hidden.join(','), '--batch-size', String(c.batchSize)];
    if (c.batchNorm) cli.push('--batch-norm');
    cli.push('--epochs', String(epochs), '--out', join(scratch, `${c.name}.json`));
    const usage = join(scratch, 'usage.txt');
    const started = performance.now();
    if (timed) await promisify(execFile)(TIME, ['-f', '%U %S', '-o', usage, process.execPath, ...cli], { maxBuffer: 64 << 20, env });
    else await promisify(execFile)(process.execPath, cli, { maxBuffer: 64 << 20, env });
    const wall = (performance.now() - started) / 1000;
    if (!timed) return { wall, cpu: null };
    const [user, system] = readFileSync(usage, 'utf8').trim().split(/\s+/).map(Number);
    return { wall, cpu: user + system };
  };
  const short = await run(1);
  const long = await run(1 + c.cliEpochs);
  const samples = fitRows * c.cliEpochs;
  return { wall: samples / Math.max(long.wall - short.wall, 1e-6), cpu: long.cpu !== null && short.cpu !== null ? samples / Math.max(long.cpu - short.cpu, 1e-6) : null };
}

/** The first `rows` rows of a data set. */
function firstRows(data: Dataset, rows: number): Dataset {
  const n = Math.min(rows, data.rows);
  return {
    ...data,
    rows: n,
    features: data.features.slice(0, n * data.featureNames.length),
    targets: data.targets.slice(0, n * data.targetColumns),
    labels: data.labels.slice(0, data.labels.length > 0 ? n : 0),
  };
}

/** Multiply-accumulates per trained sample: forward, weight gradients, and input gradients past the first layer. */
function denseMacsPerSample(c: BenchCase, inputs: number, outputs: number): number {
  const sizes = [inputs, ...c.hidden, outputs];
  let macs = 0;
  for (let i = 1; i < sizes.length; i++) macs += sizes[i - 1] * sizes[i] * (i === 1 ? 2 : 3);
  return macs;
}

/**
 * Dense MACs per CPU-nanosecond of whole training steps (load, forward, loss, backward, Adam) on
 * the engine, as trainModel runs them: how close a step comes to the arithmetic peak.
 */
function trainingStepMacRate(c: BenchCase, data: Dataset): number {
  const nf = data.featureNames.length;
  const config = trainConfig(c.task, settingsFor(c, {}));
  const order = Uint32Array.from({ length: data.rows }, (_, i) => i);
  const inputStandardization = fitStandardization(data.features, nf, order);
  const network = buildNetwork(nf, data.targetColumns, config.architecture, new Rng(1), { rows: c.batchSize, optimizerSlots: optimizerSlots(config.optimizer), inputStandardization });
  const optimizer = createOptimizer(config.optimizer, network);
  const loss = LOSSES[c.task === 'multiclass' ? 'softmax_ce_logits' : 'mse'];
  const steps = Math.floor(data.rows / c.batchSize);
  const epoch = (): void => {
    for (let s = 0; s < steps; s++) {
      const [start, end] = [s * c.batchSize, (s + 1) * c.batchSize];
      const x = network.loadRows(data.features, order, start, end);
      const out = network.run(x, 'train');
      const dOut = network.outputGradientRows(c.batchSize);
      loss(out, c.task === 'autoencoder' ? x : network.loadTargets(data.targets, order, start, end), dOut);
      network.backward(dOut);
      optimizer.step(1e-3);
    }
  };
  epoch();
  const before = process.cpuUsage();
  epoch();
  const used = process.cpuUsage(before);
  return (denseMacsPerSample(c, nf, data.targetColumns) * steps * c.batchSize) / ((used.user + used.system) * 1000);
}

interface TorchJob {
  name: string;
  mode: 'loop' | 'cli';
  x: string;
  y: string | null;
  rows: number;
  features: number;
  task: Task;
  classes: number;
  hidden: number[];
  batchNorm: boolean;
  batch: number;
  foreach: boolean;
  warmup: number;
  epochs: number;
  maxSeconds: number;
}

/** The same standardized inputs firmnet trains on, as raw float32 files for the Python peer. */
function writeTorchInputs(dir: string, c: BenchCase, data: Dataset): { x: string; y: string | null } {
  const nf = data.featureNames.length;
  const all = Uint32Array.from({ length: data.rows }, (_, i) => i);
  const x = applyStandardization(data.features, nf, fitStandardization(data.features, nf, all));
  const xFile = join(dir, `${c.name}.x.f32`);
  writeFileSync(xFile, x);
  if (c.task !== 'multiclass') return { x: xFile, y: null };
  const yFile = join(dir, `${c.name}.y.f32`);
  writeFileSync(yFile, Float32Array.from(data.labels));
  return { x: xFile, y: yFile };
}

function torchJob(c: BenchCase, data: Dataset, files: { x: string; y: string | null }, mode: 'loop' | 'cli'): TorchJob {
  return {
    name: c.name,
    mode,
    x: files.x,
    y: files.y,
    rows: data.rows,
    features: data.featureNames.length,
    task: c.task,
    classes: data.classNames.length,
    hidden: c.hidden,
    batchNorm: c.batchNorm,
    batch: c.batchSize,
    // The multi-tensor Adam: PyTorch's faster variant on these models.
    foreach: true,
    warmup: c.warmup,
    epochs: c.epochs,
    maxSeconds: TORCH_SECONDS,
  };
}

async function torchRun(python: string, root: string, threads: number, jobs: TorchJob[]): Promise<({ name: string; mode: string } & Rate)[]> {
  // OpenBLAS starts its own threads unless told; PyTorch's thread count should be the only one.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  const child = spawn(python, [join(root, 'bench/torch_train.py')], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stdin.end(JSON.stringify({ threads, jobs }));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${python} bench/torch_train.py exited with ${code}`);
  return (JSON.parse(out) as { results: ({ name: string; mode: string } & Rate)[] }).results;
}

/** tfjs model.fit; with `validationSplit` it also evaluates the held-out rows every epoch. */
async function tfjsFit(c: BenchCase, data: Dataset, validationSplit: number): Promise<Rate> {
  const nf = data.featureNames.length;
  const k = data.targetColumns;
  const layers: tf.layers.Layer[] = [];
  c.hidden.forEach((units, i) => {
    layers.push(tf.layers.dense({ ...(i === 0 ? { inputShape: [nf] } : {}), units, kernelInitializer: 'heNormal' }));
    if (c.batchNorm) layers.push(tf.layers.batchNormalization());
    layers.push(tf.layers.reLU());
  });
  layers.push(tf.layers.dense({ units: k }));
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: c.task === 'multiclass' ? tf.losses.softmaxCrossEntropy : 'meanSquaredError' });
  const all = Uint32Array.from({ length: data.rows }, (_, i) => i);
  const xs = applyStandardization(data.features, nf, fitStandardization(data.features, nf, all));
  const x = tf.tensor2d(xs, [data.rows, nf]);
  const y = c.task === 'multiclass' ? tf.tensor2d(data.targets, [data.rows, k]) : x;
  const wall: number[] = [];
  const cpu: number[] = [];
  let started = 0;
  let cpuStarted = process.cpuUsage();
  await model.fit(x, y, {
    batchSize: c.batchSize,
    epochs: c.warmup + c.epochs,
    shuffle: true,
    validationSplit,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        started = performance.now();
        cpuStarted = process.cpuUsage();
      },
      onEpochEnd: async () => {
        wall.push((performance.now() - started) / 1000);
        const used = process.cpuUsage(cpuStarted);
        cpu.push((used.user + used.system) / 1e6);
      },
    },
  });
  const fitRows = Math.floor(data.rows * (1 - validationSplit));
  x.dispose();
  if (y !== x) y.dispose();
  model.dispose();
  return { wall: median(wall.slice(c.warmup).map((s) => fitRows / s)), cpu: median(cpu.slice(c.warmup).map((s) => fitRows / s)) };
}

/** Debian's interpreter first (python3-torch installs there), then whatever python3 is on PATH. */
function findTorchPython(): string | null {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    if (existsSync(join(dir, 'bench', 'torch_train.py'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('bench/torch_train.py not found above the benchmark');
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

if (process.argv[2] === '--api-child') console.log(JSON.stringify(firmnetApiChild(caseNamed(process.argv[3]))));
