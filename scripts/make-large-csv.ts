/**
 * Writes a large seeded synthetic CSV for checking that training scales to real-sized data
 * (docs/training.md, "Large data"). Features are standard normal with 4 decimals; the label is
 * binary (the sign of a fixed random linear function plus noise) or, with --task regression, that
 * linear function's value. Rows are streamed to disk, so the file can be larger than memory allows
 * for one string.
 *
 * Run: node dist/scripts/make-large-csv.js --rows 1000000 --features 64 --out big.csv [--task regression] [--seed 0]
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng } from '../compiler/rng.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '64' },
    out: { type: 'string' },
    task: { type: 'string', default: 'binary' },
    seed: { type: 'string', default: '0' },
  },
});
const rows = Number(values.rows);
const features = Number(values.features);
const task = values.task;
if (!values.out || !Number.isInteger(rows) || rows < 1 || !Number.isInteger(features) || features < 1 || (task !== 'binary' && task !== 'regression')) {
  console.error('usage: make-large-csv --rows N --features F --out FILE [--task binary|regression] [--seed S]');
  process.exit(2);
}

const rng = new Rng(Number(values.seed));
const direction = Array.from({ length: features }, () => rng.normal() / Math.sqrt(features));
const partial = `${values.out}.partial`;
const fd = openSync(partial, 'w');
const header = [...Array.from({ length: features }, (_, j) => `f${j}`), 'label'].join(',');
let chunk = `${header}\n`;
const cells = new Array<string>(features + 1);
for (let r = 0; r < rows; r++) {
  let y = 0;
  for (let j = 0; j < features; j++) {
    const x = rng.normal();
    y += direction[j] * x;
    cells[j] = x.toFixed(4);
  }
  const noisy = y + 0.3 * rng.normal();
  cells[features] = task === 'binary' ? (noisy > 0 ? '1' : '0') : noisy.toFixed(4);
  chunk += `${cells.join(',')}\n`;
  if (chunk.length > 1 << 20) {
    writeSync(fd, chunk);
    chunk = '';
  }
}
writeSync(fd, chunk);
closeSync(fd);
renameSync(partial, values.out);
console.log(`wrote ${values.out}: ${rows} rows × ${features} features, ${task} label`);
