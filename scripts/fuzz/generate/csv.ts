/**
 * CSV cases: a slice of a bundled data set, damaged at the table level (cells, labels, header,
 * columns, rows) and at the text level (delimiter, quoting, line ends, BOM, bytes), then used as
 * training data, as calibration and test data of a trained model, or as the test set of a training.
 */
import type { Rng } from '../../../compiler/rng.js';
import { between, chance, pick, weighted } from '../mutate/choose.js';
import { mutateBytes, mutateText } from '../mutate/bytes.js';
import { HOSTILE_STRINGS, hostileName } from '../mutate/hostile-values.js';
import type { DataSeed } from '../seeds.js';
import { type Generated, type GeneratorInput, bytesFile, cli, deepSteps, emitCStep, quantizeStep, textFile } from './common.js';

interface Table {
  header: string[];
  rows: string[][];
}

/**
 * Cells firmnet must refuse in a feature column: not a decimal number (hex, binary, octal, Infinity,
 * text), or a number that float32 cannot hold (it would become Infinity).
 */
const REJECTED_CELLS = ['0x10', '0X1f', '0b11', '0o17', '1e308', '-1e308', '3.5e38', '-1e39', 'Infinity', '-Infinity', 'NaN', '', 'n/a', '?', 'abc', '1e', '--1', '1_000', '١٢', '1'.repeat(400)];

/** Cells that are decimal numbers, if odd ones; accepting them is fine. */
const ODD_NUMBERS = [' 1 ', '+1', '.5', '5.', '-0', '00012', '1e-50', '3.4e38', '-3.4e38', '1e10', '1E5', '0.0000001', '65504', '2147483648'];

export function generateCsv({ rng, seeds, deep }: GeneratorInput): Generated {
  const seed = pick(rng, seeds.data);
  const role = weighted(rng, [
    ['train', 6],
    ['calibration', 2.5],
    ['test', 1.5],
  ] as const);
  const mutations: string[] = [];
  let mustReject: string | null = null;
  const full = parseSeed(seed.csv);
  const table = sliceRows(rng, full, seed.name === 'vibration' ? 30 : 80);
  mutations.push(`${table.rows.length} of ${full.rows.length} rows`);

  let text: string | Uint8Array;
  if (chance(rng, 0.04)) {
    const [content, what] = wholeFile(rng);
    text = content;
    mutations.push(what);
  } else {
    const count = weighted(rng, [
      [0, 0.5],
      [1, 5],
      [2, 3],
      [3, 1.5],
    ] as const);
    for (let k = 0; k < count; k++) mutations.push(mutateTable(rng, table, seed));
    if (chance(rng, 0.25)) {
      // The columns that are read: every non-label column when training on the file; otherwise only
      // the trained model's feature columns (extra columns of a calibration or test file are ignored).
      const modelFeatures = new Set(full.header.filter((h) => !seed.label.includes(h)));
      const features = table.header.map((h, i) => (seed.label.includes(h) || (role !== 'train' && !modelFeatures.has(h)) ? -1 : i)).filter((i) => i >= 0);
      if (features.length > 0 && table.rows.length > 0) {
        const cell = pick(rng, REJECTED_CELLS);
        const r = rng.int(table.rows.length);
        const c = pick(rng, features);
        if (c < table.rows[r].length) {
          table.rows[r][c] = cell;
          mustReject = `a feature cell holds '${cell.length > 12 ? `${cell.slice(0, 12)}…` : cell}' (not a decimal number within float32 range)`;
          mutations.push(`row ${r + 1} column '${table.header[c]}' = ${JSON.stringify(cell.length > 12 ? `${cell.slice(0, 12)}…` : cell)}`);
        }
      }
    }
    const format = serializeOptions(rng);
    if (format.description) mutations.push(format.description);
    text = serialize(table, format);
    if (chance(rng, 0.12)) {
      // Damage after the fact may remove the refused cell again, so it no longer has to be refused.
      mustReject = null;
      if (chance(rng, 0.5)) {
        const m = mutateText(rng, text);
        text = m.text;
        mutations.push(m.description);
      } else {
        const m = mutateBytes(rng, new Uint8Array(Buffer.from(text, 'utf8')));
        text = m.bytes;
        mutations.push(`bytes: ${m.description}`);
      }
    }
  }

  const csvFile = (path: string) => (typeof text === 'string' ? textFile(path, text) : bytesFile(path, text));
  const label = seed.label.join(',');
  const trainArgs = (data: string): string[] => ['train', '--data', data, '--task', seed.task, '--label', label, '--hidden', '4', '--epochs', '2', '--batch-size', '16', '--out', '{dir}/model.json'];
  const tail = [emitCStep(), ...(deep ? deepSteps(rng) : [])];
  if (role === 'train') {
    return {
      origin: `models/data ${seed.name} (training data)`,
      mutations,
      files: [csvFile('data/train.csv')],
      steps: [cli(trainArgs('{dir}/data/train.csv')), quantizeStep('{dir}/model.json', chance(rng, 0.5) ? '{dir}/data/train.csv' : null), ...tail],
      mustReject,
    };
  }
  if (role === 'test') {
    return {
      origin: `models/data ${seed.name} (test data of a training)`,
      mutations,
      files: [textFile('data/train.csv', seed.csv), csvFile('data/test.csv')],
      steps: [cli([...trainArgs('{dir}/data/train.csv'), '--test', '{dir}/data/test.csv']), quantizeStep('{dir}/model.json', '{dir}/data/train.csv'), ...tail],
      mustReject,
    };
  }
  const model = seeds.models.find((m) => m.data.name === seed.name)!;
  return {
    origin: `models/data ${seed.name} (calibration and test data of a trained model)`,
    mutations,
    files: [textFile('model.json', model.model), csvFile('data/calib.csv')],
    steps: [quantizeStep('{dir}/model.json', '{dir}/data/calib.csv', ['--test', '{dir}/data/calib.csv']), ...tail],
    mustReject,
  };
}

function parseSeed(csv: string): Table {
  const lines = csv.trimEnd().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function sliceRows(rng: Rng, t: Table, max: number): Table {
  const n = between(rng, Math.min(8, t.rows.length), Math.min(max, t.rows.length));
  const picked = Array.from(rng.permutation(t.rows.length).slice(0, n)).sort((a, b) => a - b);
  return { header: t.header.slice(), rows: picked.map((i) => t.rows[i].slice()) };
}

function mutateTable(rng: Rng, t: Table, seed: DataSeed): string {
  const labelAt = t.header.findIndex((h) => seed.label.includes(h));
  const anyColumn = (): number => rng.int(Math.max(1, t.header.length));
  const anyRow = (): number => rng.int(Math.max(1, t.rows.length));
  const setColumn = (c: number, value: (r: number) => string): void => t.rows.forEach((row, r) => c < row.length && (row[c] = value(r)));
  const op = weighted(rng, [
    ['odd-number', 3],
    ['hostile-cell', 2],
    ['label', labelAt >= 0 ? 3 : 0],
    ['header-name', 3],
    ['header-duplicate', 1],
    ['delete-column', 1.5],
    ['constant-column', 1.5],
    ['scale-column', 2],
    ['many-columns', 0.5],
    ['many-rows', 0.7],
    ['no-rows', 0.5],
    ['ragged', 1.5],
    ['quoted-cell', 1],
  ] as const);
  switch (op) {
    case 'odd-number': {
      const [r, c, v] = [anyRow(), anyColumn(), pick(rng, ODD_NUMBERS)];
      if (t.rows[r]) t.rows[r][c] = v;
      return `row ${r + 1} column ${c + 1} = ${JSON.stringify(v)}`;
    }
    case 'hostile-cell': {
      const [r, c, v] = [anyRow(), anyColumn(), pick(rng, HOSTILE_STRINGS)];
      if (t.rows[r]) t.rows[r][c] = v;
      return `row ${r + 1} column ${c + 1} = ${JSON.stringify(v.slice(0, 20))}`;
    }
    case 'label': {
      const how = pick(rng, ['one class', 'a class per row', 'names', 'injection', 'huge', 'fraction'] as const);
      if (how === 'one class') setColumn(labelAt, () => t.rows[0]?.[labelAt] ?? '0');
      else if (how === 'a class per row') setColumn(labelAt, (r) => String(r));
      else if (how === 'names') setColumn(labelAt, (r) => pick(rng, ['cat', 'dog', 'Cat', ' cat', 'cat ']) + (r % 2));
      else if (how === 'injection') setColumn(labelAt, (r) => (r % 2 === 0 ? hostileName(rng) : 'ok'));
      else if (how === 'huge') setColumn(labelAt, (r) => (r % 2 === 0 ? '1e38' : '-1e38'));
      else setColumn(labelAt, (r) => String(r / 7));
      return `label column: ${how}`;
    }
    case 'header-name': {
      const c = anyColumn();
      const name = hostileName(rng);
      t.header[c] = name;
      return `header ${c + 1} = ${JSON.stringify(name.slice(0, 24))}`;
    }
    case 'header-duplicate': {
      const c = anyColumn();
      t.header[c] = t.header[(c + 1) % t.header.length];
      return `header ${c + 1} duplicates its neighbour`;
    }
    case 'delete-column': {
      const c = anyColumn();
      t.header.splice(c, 1);
      t.rows.forEach((row) => row.splice(c, 1));
      return `column ${c + 1} deleted`;
    }
    case 'constant-column': {
      const c = anyColumn();
      setColumn(c, () => '1.5');
      return `column ${c + 1} constant`;
    }
    case 'scale-column': {
      const c = anyColumn();
      const factor = pick(rng, [1e30, 1e37, 3e38, 1e-38, 1e-44, -1e20]);
      setColumn(c, (r) => String(Number(t.rows[r][c]) * factor));
      return `column ${c + 1} ×${factor}`;
    }
    case 'many-columns': {
      const extra = pick(rng, [50, 500, 5000]);
      for (let k = 0; k < extra; k++) t.header.push(`extra_${k}`);
      t.rows.forEach((row) => {
        for (let k = 0; k < extra; k++) row.push(String(rng.int(100)));
      });
      return `${extra} extra columns`;
    }
    case 'many-rows': {
      // Bounded by cells, not rows: 20,000 rows of the 640-column vibration data would be 60 MB.
      const target = Math.max(t.rows.length, Math.min(pick(rng, [1000, 5000, 20_000]), Math.floor(400_000 / Math.max(1, t.header.length))));
      const base = t.rows.length === 0 ? [t.header.map(() => '0')] : t.rows.slice();
      while (t.rows.length < target) t.rows.push(base[t.rows.length % base.length].slice());
      return `${target} rows (repeated)`;
    }
    case 'no-rows':
      t.rows.length = 0;
      return 'no data rows';
    case 'ragged': {
      const r = anyRow();
      const row = t.rows[r];
      if (row && chance(rng, 0.5)) row.push('1');
      else row?.pop();
      return `row ${r + 1} ragged`;
    }
    default: {
      const [r, c] = [anyRow(), anyColumn()];
      const v = pick(rng, ['1,5', '"1"', '1\n2', 'a "quoted" word', '1\r']);
      if (t.rows[r]) t.rows[r][c] = v;
      return `row ${r + 1} column ${c + 1} = ${JSON.stringify(v)} (quoted)`;
    }
  }
}

interface CsvFormat {
  delimiter: string;
  lineEnd: string;
  quoteAll: boolean;
  bom: boolean;
  finalNewline: boolean;
  description: string;
}

function serializeOptions(rng: Rng): CsvFormat {
  const delimiter = weighted(rng, [
    [',', 17],
    [';', 1],
    ['\t', 1],
    ['|', 0.5],
  ] as const);
  const lineEnd = weighted(rng, [
    ['\n', 14],
    ['\r\n', 3],
    ['\r', 1],
  ] as const);
  const quoteAll = chance(rng, 0.08);
  const bom = chance(rng, 0.05);
  const finalNewline = !chance(rng, 0.1);
  const parts = [
    delimiter !== ',' ? `${JSON.stringify(delimiter)}-separated` : '',
    lineEnd !== '\n' ? `${JSON.stringify(lineEnd)} line ends` : '',
    quoteAll ? 'every cell quoted' : '',
    bom ? 'BOM' : '',
    finalNewline ? '' : 'no final newline',
  ].filter(Boolean);
  return { delimiter, lineEnd, quoteAll, bom, finalNewline, description: parts.join(', ') };
}

function serialize(t: Table, f: CsvFormat): string {
  const cell = (v: string): string => (f.quoteAll || v.includes(f.delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [t.header, ...t.rows].map((row) => row.map(cell).join(f.delimiter));
  return `${f.bom ? '\uFEFF' : ''}${lines.join(f.lineEnd)}${f.finalNewline ? f.lineEnd : ''}`;
}

function wholeFile(rng: Rng): [string | Uint8Array, string] {
  const which = rng.int(7);
  switch (which) {
    case 0:
      return ['', 'empty file'];
    case 1:
      return ['\uFEFF', 'only a BOM'];
    case 2:
      return ['\n\n\r\n\n', 'only blank lines'];
    case 3:
      return ['a,b,label\n', 'only a header'];
    case 4: {
      const bytes = new Uint8Array(1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return [bytes, '1 KB of random bytes'];
    }
    case 5:
      return ['{"format":"firmnet.model","version":1}\n', 'a JSON document'];
    default: {
      const n = 20_000;
      return [`${Array.from({ length: n }, (_, i) => `c${i}`).join(',')},label\n${Array.from({ length: n }, () => '1').join(',')},0\n${Array.from({ length: n }, () => '2').join(',')},1\n`, `${n} columns`];
    }
  }
}
