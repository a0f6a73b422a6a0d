/**
 * The rows `firmnet predict` runs: a CSV with a header naming (at least) the model's feature columns
 * in any order, or a headerless CSV of exactly the model's features per row, in the model's order.
 * Every bad row is collected (wrong number of values, a cell that is not a number) and reported at
 * once, by line; nothing is predicted from a file with a bad row.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { type CsvHeader, readCsv } from '../data/csv.js';
import { parseDecimal } from '../data/dataset.js';
import { FirmnetError } from '../errors.js';
import { isFiniteFloat32 } from '../float32.js';

export interface PredictionRows {
  rows: number;
  /** Raw features, row-major rows × features, in the model's order. */
  features: Float32Array;
  /** True when the file had no header row (its first line was data). */
  headerless: boolean;
}

/** Bad rows named in the message; the rest are counted. */
const LISTED_PROBLEMS = 10;
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

export function readPredictionRows(file: string, featureNames: readonly string[]): PredictionRows {
  const headerless = firstLineIsData(file, featureNames);
  const reader = new RowReader(file, featureNames, headerless, fileBytes(file));
  readCsv(file, reader, undefined, { headerless, onRagged: (cells, line) => reader.row(cells, line) });
  return reader.finish();
}

class RowReader {
  rows = 0;
  private columns: number[] = [];
  private width = 0;
  private features = new Float32Array(0);
  private readonly problems: string[] = [];
  private problemCount = 0;

  constructor(
    private readonly file: string,
    private readonly featureNames: readonly string[],
    private readonly headerless: boolean,
    private readonly bytes: number,
  ) {}

  start(header: CsvHeader, maxRows: number): void {
    this.width = header.names.length;
    if (this.headerless) {
      this.width = this.featureNames.length;
      this.columns = this.featureNames.map((_, j) => j);
    } else {
      this.columns = this.featureNames.map((name) => {
        const i = header.names.indexOf(name);
        if (i < 0) throw this.missingColumn(header, name);
        return i;
      });
    }
    // A row of the model's features takes at least two bytes per feature (a digit and a separator),
    // whatever the width of the first line (which sets the reader's bound in a headerless file).
    const capacity = Math.min(maxRows, Math.floor((this.bytes + 1) / (2 * this.featureNames.length)));
    this.features = new Float32Array(capacity * this.featureNames.length);
  }

  /** Every record, also those whose width differs from the header's (the reader's onRagged). */
  row(cells: readonly string[], line: number): void {
    if (cells.length !== this.width) {
      this.ragged(cells.length, line);
      return;
    }
    const n = this.featureNames.length;
    const base = this.rows * n;
    this.rows++;
    if (base + n > this.features.length) throw new Error(`internal: ${this.file} has more rows than its size allows (${this.rows})`);
    for (let j = 0; j < n; j++) {
      const text = cells[this.columns[j]];
      const v = parseDecimal(text);
      if (Number.isNaN(v) || !isFiniteFloat32(v)) {
        const what = MISSING.has(text.trim().toLowerCase()) ? `missing value${text.trim() === '' ? '' : ` '${text.trim()}'`}` : Number.isNaN(v) ? `'${text.trim()}' is not a number` : `'${text.trim()}' is outside the float32 range`;
        this.problem(`line ${line}, feature '${this.featureNames[j]}': ${what}`);
        return;
      }
      this.features[base + j] = v;
    }
  }

  private ragged(cells: number, line: number): void {
    const expected = this.headerless ? `the model takes ${this.featureNames.length} features` : `the header has ${this.width} columns`;
    this.problem(`line ${line} has ${cells} value${cells === 1 ? '' : 's'}, ${expected}`);
  }

  finish(): PredictionRows {
    if (this.problemCount > 0) {
      const more = this.problemCount - this.problems.length;
      const order = this.headerless
        ? ` Without a header row each line must hold the model's ${this.featureNames.length} features in this order: ${listed(this.featureNames)}.`
        : '';
      throw new FirmnetError(
        'BAD_CSV',
        `${this.file}: ${this.problemCount} row${this.problemCount === 1 ? '' : 's'} cannot be predicted: ${this.problems.join('; ')}${more > 0 ? `; and ${more} more` : ''}.${order} Nothing was predicted; fix or drop these rows.`,
      );
    }
    return { rows: this.rows, features: this.features.subarray(0, this.rows * this.featureNames.length), headerless: this.headerless };
  }

  private problem(text: string): void {
    this.problemCount++;
    if (this.problems.length < LISTED_PROBLEMS) this.problems.push(text);
  }

  private missingColumn(header: CsvHeader, name: string): FirmnetError {
    return new FirmnetError(
      'BAD_CSV',
      `${this.file} has no column '${name}', one of the model's ${this.featureNames.length} features; its columns are: ${listed(header.names)}. ` +
        `Give a header naming the model's features (${listed(this.featureNames)}), or leave the header out and give exactly ${this.featureNames.length} numbers per line in that order`,
    );
  }
}

function listed(names: readonly string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/**
 * A headerless file starts with a line of numbers. The first line is a header unless every cell of
 * it is a number and it is not the model's own feature names (which may be numbers, e.g. 0,1,2,…).
 * Only the start of the file is read; a quoted first line is a header.
 */
function firstLineIsData(file: string, featureNames: readonly string[]): boolean {
  const head = readStart(file, 1 << 16);
  const text = head.replace(/^\uFEFF/, '');
  const end = text.search(/[\r\n]/);
  const line = end < 0 ? text : text.slice(0, end);
  if (line.trim() === '' || line.includes('"')) return false;
  const cells = line.split(line.includes(',') ? ',' : line.includes(';') ? ';' : '\t');
  if (!cells.every((c) => Number.isFinite(parseDecimal(c)))) return false;
  return !(cells.length === featureNames.length && cells.every((c, i) => c.trim() === featureNames[i]));
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // readCsv names the problem
  }
}

/** The first bytes of a regular file, or '' for anything else (readCsv then names the problem). */
function readStart(file: string, bytes: number): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return '';
  }
  try {
    if (!fstatSync(fd).isFile()) return '';
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}
