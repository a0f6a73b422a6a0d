/**
 * The valid files the cases are mutated from: the bundled data sets (a slice of each), the ONNX and
 * TF.js test fixtures, and float models, IRs and ONNX exports that firmnet itself makes from that
 * data at the start of the campaign (tiny, seeded, through the CLI, so the same firmnet gives the
 * same seeds).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../compiler/io/package-root.js';
import type { Task } from '../../compiler/model/float-model.js';
import type { FuzzCase, Step } from './fuzz-case.js';
import type { RunnerPool } from './runner-pool.js';

export interface DataSeed {
  name: string;
  task: Task;
  label: string[];
  /** A slice of the training CSV, header included. */
  csv: string;
}

export interface ModelSeed {
  name: string;
  data: DataSeed;
  /** model.json as firmnet wrote it. */
  model: string;
  /** Quantized IRs of the model (different options: per-tensor, int16, int8 head). */
  irs: { name: string; text: string }[];
  onnx: Uint8Array;
}

export interface OnnxSeed {
  name: string;
  bytes: Uint8Array;
  sidecar: string | null;
}

export interface TfjsSeed {
  name: string;
  /** Files of the model folder, relative to it (model.json, shards, an optional preprocessing.json). */
  files: { path: string; bytes: Uint8Array }[];
}

export interface Seeds {
  data: DataSeed[];
  models: ModelSeed[];
  onnx: OnnxSeed[];
  tfjs: TfjsSeed[];
}

interface DataSpec {
  name: string;
  source: string;
  task: Task;
  label: string[];
  rows: number;
  train: string[];
}

/** Rows per slice keep a case small (a vibration row is 640 numbers); training flags keep the seeds quick. */
const DATA: DataSpec[] = [
  { name: 'iris', source: 'iris', task: 'multiclass', label: ['label'], rows: 120, train: ['--hidden', '8', '--batch-norm', '--dropout', '0.1', '--epochs', '10'] },
  { name: 'breast-cancer', source: 'breast-cancer', task: 'binary', label: ['label'], rows: 150, train: ['--hidden', '8,4', '--activation', 'tanh', '--epochs', '10'] },
  { name: 'diabetes', source: 'diabetes', task: 'regression', label: ['label'], rows: 150, train: ['--hidden', '8', '--activation', 'leaky_relu', '--epochs', '10'] },
  { name: 'digits', source: 'digits', task: 'multiclass', label: ['label'], rows: 200, train: ['--hidden', '16', '--activation', 'gelu', '--epochs', '4'] },
  { name: 'vibration', source: 'vibration', task: 'autoencoder', label: ['label'], rows: 40, train: ['--hidden', '16,4,16', '--epochs', '3'] },
  { name: 'iris-multilabel', source: 'iris', task: 'multilabel', label: ['y0', 'y1', 'y2'], rows: 120, train: ['--hidden', '6', '--activation', 'sigmoid', '--epochs', '10'] },
];

/** Extra quantization options per model, each giving one more IR seed with other layer kinds. */
const IR_VARIANTS: Record<string, { suffix: string; flags: string[] }[]> = {
  iris: [{ suffix: 'head-per-tensor', flags: ['--int8-head', '--per-tensor'] }],
  'breast-cancer': [{ suffix: 'int16', flags: ['--int16', 'all'] }],
  digits: [{ suffix: 'auto', flags: ['--method', 'auto'] }],
};

const SEED_STEP_MS = 120_000;

export async function prepareSeeds(pool: RunnerPool, dir: string): Promise<Seeds> {
  const root = packageRoot();
  mkdirSync(join(dir, 'data'), { recursive: true });
  const data = DATA.map((spec) => {
    const seed: DataSeed = { name: spec.name, task: spec.task, label: spec.label, csv: dataSlice(root, spec) };
    writeFileSync(join(dir, 'data', `${spec.name}.csv`), seed.csv);
    return seed;
  });
  const models = await Promise.all(
    DATA.map(async (spec, i): Promise<ModelSeed> => {
      const steps = modelSteps(spec);
      const c: FuzzCase = { id: `seed-${spec.name}`, kind: 'model', seed: 0, index: i, origin: spec.name, mutations: [], files: [], steps, mustReject: null };
      const result = await pool.run(c, { dir });
      const failed = result.status !== 'done' || result.steps.length !== steps.length || result.steps.some((s) => s.exitCode !== 0);
      if (failed) {
        const last = result.status === 'done' ? result.steps[result.steps.length - 1] : null;
        throw new Error(`preparing the fuzz seed '${spec.name}' failed (${result.status}${last ? `, \`firmnet ${last.argv.join(' ')}\` exit ${last.exitCode}: ${last.stderr.trim()}` : ''})`);
      }
      // Trained from data/<name>.csv relative to the seeds folder: the model records that relative path.
      const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
      return {
        name: spec.name,
        data: data[i],
        model: read(`${spec.name}.json`),
        irs: [{ name: `${spec.name}.q.json`, text: read(`${spec.name}.q.json`) }, ...(IR_VARIANTS[spec.name] ?? []).map((v) => ({ name: `${spec.name}-${v.suffix}.q.json`, text: read(`${spec.name}-${v.suffix}.q.json`) }))],
        onnx: new Uint8Array(readFileSync(join(dir, `${spec.name}.onnx`))),
      };
    }),
  );
  return { data, models, onnx: [...onnxFixtures(root), ...models.map((m) => ({ name: `${m.name}.onnx (firmnet export)`, bytes: m.onnx, sidecar: null }))], tfjs: tfjsFixtures(root) };
}

function modelSteps(spec: DataSpec): Step[] {
  const cli = (argv: string[]): Step => ({ type: 'cli', argv, timeoutMs: SEED_STEP_MS });
  const csv = `{dir}/data/${spec.name}.csv`;
  const model = `{dir}/${spec.name}.json`;
  return [
    cli(['train', '--data', csv, '--task', spec.task, '--label', spec.label.join(','), ...spec.train, '--seed', '0', '--name', spec.name.replace(/-/g, '_'), '--out', model]),
    cli(['quantize', model, '--calib', csv, '--method', 'minmax', '--out', `{dir}/${spec.name}.q.json`]),
    ...(IR_VARIANTS[spec.name] ?? []).map((v) => cli(['quantize', model, '--calib', csv, ...(v.flags.includes('--method') ? [] : ['--method', 'minmax']), ...v.flags, '--out', `{dir}/${spec.name}-${v.suffix}.q.json`])),
    cli(['export', model, '--to', 'onnx', '--out', `{dir}/${spec.name}.onnx`]),
  ];
}

/** The first rows of a bundled training CSV; the multilabel slice turns iris' class into three 0/1 columns. */
function dataSlice(root: string, spec: DataSpec): string {
  const lines = readFileSync(join(root, 'models', 'data', spec.source, 'train.csv'), 'utf8').trimEnd().split('\n');
  const kept = [lines[0], ...lines.slice(1, spec.rows + 1)];
  if (spec.task !== 'multilabel') return `${kept.join('\n')}\n`;
  const header = kept[0].split(',');
  const labelAt = header.indexOf('label');
  const rows = kept.slice(1).map((line) => {
    const cells = line.split(',');
    const k = Number(cells[labelAt]);
    cells.splice(labelAt, 1, ...spec.label.map((_, j) => (j === k ? '1' : '0')));
    return cells.join(',');
  });
  header.splice(labelAt, 1, ...spec.label);
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** The importable fixtures, and the broken ones too: a mutation of an already broken file is a case as well. */
function onnxFixtures(root: string): OnnxSeed[] {
  const dir = join(root, 'test', 'fixtures', 'onnx');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => {
      const sidecarFile = join(dir, f.replace(/(-opset\d+)?\.onnx$/, '.sidecar.json'));
      return { name: f, bytes: new Uint8Array(readFileSync(join(dir, f))), sidecar: existsSync(sidecarFile) ? readFileSync(sidecarFile, 'utf8') : null };
    });
}

function tfjsFixtures(root: string): TfjsSeed[] {
  const dir = join(root, 'test', 'fixtures', 'tfjs');
  return readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory())
    .sort()
    .map((d) => ({
      name: d,
      files: readdirSync(join(dir, d))
        .sort()
        .map((f) => ({ path: relative(join(dir, d), join(dir, d, f)), bytes: new Uint8Array(readFileSync(join(dir, d, f))) })),
    }));
}
