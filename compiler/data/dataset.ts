import { FirmnetError } from '../errors.js';
import { isFiniteFloat32 } from '../float32.js';
import type { Task } from '../model/float-model.js';
import { type CsvDelimiter, type CsvHeader, type CsvVisitor, ownCopy, readCsv, readCsvHeader } from './csv.js';

/** Numeric features and encoded targets of one CSV file, rows in file order. */
export interface Dataset {
  file: string;
  task: Task;
  featureNames: string[];
  labelColumns: string[];
  rows: number;
  /** Raw (unstandardized) features, row-major rows × featureNames.length. */
  features: Float32Array;
  /** Class names (binary/multiclass), label column names (multilabel), [] for regression. */
  classNames: string[];
  /** Targets as the network sees them: one-hot (multiclass), 0/1 per output (binary, multilabel), values (regression). */
  targets: Float32Array;
  targetColumns: number;
  /** Class index per row for binary and multiclass; 0/1 anomaly labels for an autoencoder with a label column; empty otherwise. */
  labels: Int32Array;
}

export interface DatasetOptions {
  task: Task;
  /** One label column, or several for multilabel (each 0/1) and multi-output regression. */
  labelColumns: string[];
  /** Declared class names (binary/multiclass); any other label is an error. Derived from the file when absent. */
  classNames?: string[];
  /** Expected feature columns in model order (for a model's test data); default: every non-label column. */
  featureNames?: string[];
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

/**
 * Most classes a classifier is built for: a label column with more distinct values is almost
 * always a numeric target given the wrong task, and its confusion matrix alone would be huge.
 */
export const MAX_CLASSES = 1024;

/**
 * A decimal number the way a CSV writer prints it: optional sign, digits with an optional '.'
 * fraction, optional exponent, optional surrounding whitespace. Not JavaScript's Number() grammar,
 * which also reads 0x10, 0b11, 0o7 and Infinity.
 */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Powers of ten that are exact doubles. */
const EXACT_POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const SPACE = 0x20;
const TAB = 0x09;
const DIGIT_0 = 0x30;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;

/**
 * The value of a decimal cell (see DECIMAL), or NaN for anything else; the same double Number()
 * gives. Fast path for the common `-12.345` shape: digits as an exact integer m < 2^53 and k ≤ 22
 * fraction digits give m / 10^k, a single correctly rounded division of two exact doubles (the
 * classic exact case of decimal conversion). Anything else (exponents, long mantissas, other
 * whitespace) takes the regular expression and Number().
 */
export function parseDecimal(text: string): number {
  const n = text.length;
  let i = 0;
  while (i < n && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  let negative = false;
  if (i < n && (text.charCodeAt(i) === MINUS || text.charCodeAt(i) === PLUS)) negative = text.charCodeAt(i++) === MINUS;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - DIGIT_0;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (fraction >= 0) fraction++;
    } else if (d === DOT - DIGIT_0 && fraction < 0) {
      fraction = 0;
    } else {
      break;
    }
  }
  while (i < n && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  if (i === n && digits > 0 && mantissa <= Number.MAX_SAFE_INTEGER && fraction <= 22) {
    const v = fraction > 0 ? mantissa / EXACT_POW10[fraction] : mantissa;
    return negative ? -v : v;
  }
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

export function loadDataset(file: string, options: DatasetOptions): Dataset {
  const builder = new DatasetBuilder(file, options);
  readCsv(file, builder);
  return builder.finish();
}

/** The named numeric columns of every row (unlabelled data, e.g. for calibration). */
export function loadFeatures(file: string, featureNames: string[]): { features: Float32Array; rows: number } {
  const builder = new DatasetBuilder(file, { task: 'regression', labelColumns: [], featureNames });
  readCsv(file, builder);
  return { features: builder.finishFeatures(), rows: builder.rows };
}

/**
 * Reads every cell of a file as loadDataset would (numbers, 0/1 targets, non-missing labels and,
 * when given, declared classes) without keeping the data: for validating every input file of a
 * run before the first epoch. Returns the number of data rows.
 */
export function checkCsvData(file: string, options: DatasetOptions): number {
  const builder = new DatasetBuilder(file, options, false);
  readCsv(file, builder);
  return builder.rows;
}

/**
 * Checks, from its header alone, that a CSV file has the given columns: for validating every input
 * file of a run before the first epoch. Returns the header.
 */
export function checkCsvColumns(file: string, columns: { feature: readonly string[]; label: readonly string[] }): CsvHeader {
  const header = readCsvHeader(file);
  for (const name of columns.label) columnIndex(header, name, 'label');
  for (const name of columns.feature) columnIndex(header, name, 'feature');
  return header;
}

/**
 * Turns CSV records into typed arrays as they stream by, so the file's cells are never held as
 * strings: features and targets are written into arrays sized by the reader's row bound, and class
 * labels are kept as small integer ids of the distinct label texts.
 */
class DatasetBuilder implements CsvVisitor {
  rows = 0;
  private header!: CsvHeader;
  private featureIdx: number[] = [];
  private labelIdx: number[] = [];
  private featureNames: string[] = [];
  private capacity = 0;
  private features = new Float32Array(0);
  /** Regression and multilabel targets, rows × label columns. */
  private values = new Float32Array(0);
  /** Class ids (into `classTexts`), or 0/1 anomaly labels for an autoencoder. */
  private ids = new Int32Array(0);
  private readonly classIndex = new Map<string, number>();
  private readonly classTexts: string[] = [];

  /** `store` false: check every cell, keep nothing (capacity 0). */
  constructor(
    private readonly file: string,
    private readonly options: DatasetOptions,
    private readonly store = true,
  ) {}

  start(header: CsvHeader, maxRows: number): void {
    const { task } = this.options;
    this.header = header;
    this.labelIdx = this.options.labelColumns.map((name) => columnIndex(header, name, 'label'));
    if ((task === 'binary' || task === 'multiclass') && this.labelIdx.length !== 1) {
      throw new FirmnetError('BAD_ARGUMENT', `a ${task} task takes exactly one label column, got ${this.options.labelColumns.length} (${this.options.labelColumns.join(', ')})`);
    }
    if (task === 'autoencoder' && this.labelIdx.length > 1) {
      throw new FirmnetError('BAD_ARGUMENT', `an autoencoder takes at most one (0/1 anomaly) label column, got ${this.labelIdx.length}`);
    }
    this.featureNames = this.options.featureNames ?? header.names.filter((_, i) => !this.labelIdx.includes(i));
    if (this.featureNames.length === 0) throw new FirmnetError('BAD_CSV', `${this.file} has no feature columns besides the label`);
    this.featureIdx = this.featureNames.map((name) => columnIndex(header, name, 'feature'));
    (this.options.classNames ?? []).forEach((c, i) => this.classIndex.set(c, i));
    if (!this.store) return;
    this.capacity = maxRows;
    this.features = new Float32Array(maxRows * this.featureIdx.length);
    if (task === 'regression' || task === 'multilabel') this.values = new Float32Array(maxRows * this.labelIdx.length);
    else if (task !== 'autoencoder' || this.labelIdx.length === 1) this.ids = new Int32Array(maxRows);
  }

  row(cells: readonly string[], line: number): void {
    const r = this.rows;
    const store = this.store;
    if (store && r >= this.capacity) throw new Error(`internal: ${this.file} has more rows than the reader's bound ${this.capacity}`);
    const nf = this.featureIdx.length;
    for (let j = 0; j < nf; j++) {
      const v = this.numeric(cells, this.featureIdx[j], line);
      if (store) this.features[r * nf + j] = v;
    }
    const { task } = this.options;
    if (task === 'binary' || task === 'multiclass') {
      const id = this.classId(cells, this.labelIdx[0], line);
      if (store) this.ids[r] = id;
    } else {
      const k = this.labelIdx.length;
      for (let j = 0; j < k; j++) {
        const v = this.target(cells, this.labelIdx[j], line);
        if (!store) continue;
        if (task === 'autoencoder') this.ids[r] = v;
        else this.values[r * k + j] = v;
      }
    }
    this.rows++;
  }

  /** A regression target, a 0/1 multilabel target or a 0/1 anomaly label. */
  private target(cells: readonly string[], col: number, line: number): number {
    const v = this.numeric(cells, col, line);
    if (v === 0 || v === 1) return v;
    if (this.options.task === 'multilabel') throw this.error(line, col, `multilabel targets must be 0 or 1, got '${cells[col].trim()}'`);
    if (this.options.task === 'autoencoder') throw this.error(line, col, `anomaly labels must be 0 (normal) or 1 (anomaly), got '${cells[col].trim()}'`);
    return v;
  }

  finish(): Dataset {
    const { task, labelColumns } = this.options;
    const { file, rows } = this;
    const features = this.finishFeatures();
    const base = { file, task, featureNames: this.featureNames, labelColumns, rows, features };
    if (task === 'autoencoder') {
      const labels = this.ids.subarray(0, this.labelIdx.length === 1 ? rows : 0);
      return { ...base, classNames: [], targets: new Float32Array(features), targetColumns: this.featureNames.length, labels };
    }
    if (task === 'regression' || task === 'multilabel') {
      const k = this.labelIdx.length;
      const classNames = task === 'multilabel' ? labelColumns.slice() : [];
      return { ...base, classNames, targets: this.values.subarray(0, rows * k), targetColumns: k, labels: new Int32Array(0) };
    }
    const labelName = this.header.names[this.labelIdx[0]];
    const { classNames, labels } = this.classes();
    if (task === 'binary' && classNames.length !== 2) {
      throw new FirmnetError(
        'BAD_CSV',
        `${file}: a binary task needs exactly 2 classes in column '${labelName}', found ${classNames.length} (${classNames.slice(0, 10).join(', ')}); use --task multiclass`,
      );
    }
    if (task === 'multiclass' && classNames.length < 2) {
      throw new FirmnetError('BAD_CSV', `${file}: column '${labelName}' has only one class (${classNames[0]}); nothing to learn`);
    }
    const k = task === 'binary' ? 1 : classNames.length;
    const targets = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      if (task === 'binary') targets[r] = labels[r];
      else targets[r * k + labels[r]] = 1;
    }
    return { ...base, classNames, targets, targetColumns: k, labels };
  }

  finishFeatures(): Float32Array {
    return this.features.subarray(0, this.rows * this.featureIdx.length);
  }

  /** Declared classes keep their order; derived ones are sorted (numerically when all are numbers) and the ids renumbered. */
  private classes(): { classNames: string[]; labels: Int32Array } {
    const labels = this.ids.subarray(0, this.rows);
    if (this.options.classNames) return { classNames: this.options.classNames.slice(), labels };
    const classNames = deriveClassNames(this.classTexts);
    const order = new Map(classNames.map((c, i) => [c, i]));
    const renumber = Int32Array.from(this.classTexts, (c) => order.get(c)!);
    for (let r = 0; r < labels.length; r++) labels[r] = renumber[labels[r]];
    return { classNames, labels };
  }

  private classId(cells: readonly string[], col: number, line: number): number {
    const text = cells[col].trim();
    if (MISSING.has(text.toLowerCase())) throw this.error(line, col, 'missing label');
    // Numeric labels are normalised ("1.0" and "1" are the same class).
    const v = parseDecimal(text);
    const label = Number.isFinite(v) ? String(v) : text;
    const known = this.classIndex.get(label);
    if (known !== undefined) return known;
    if (this.options.classNames) {
      throw this.error(line, col, `class '${label}' is not one of the declared classes [${this.options.classNames.join(', ')}]`);
    }
    if (this.classTexts.length === MAX_CLASSES) throw this.tooManyClasses(this.header.names[col]);
    const id = this.classTexts.length;
    const own = ownCopy(label);
    this.classTexts.push(own);
    this.classIndex.set(own, id);
    return id;
  }

  private tooManyClasses(labelName: string): FirmnetError {
    return new FirmnetError(
      'BAD_CSV',
      `${this.file}: column '${labelName}' has more than ${MAX_CLASSES} distinct labels; firmnet builds classifiers for at most ${MAX_CLASSES} classes. ` +
        'If the column is a numeric target, use --task regression',
    );
  }

  private numeric(cells: readonly string[], col: number, line: number): number {
    const cell = cells[col];
    const v = parseDecimal(cell);
    if (Number.isNaN(v)) throw this.notANumber(cell.trim(), line, col);
    if (!isFiniteFloat32(v)) {
      throw this.error(line, col, `'${cell.trim()}' is outside the float32 range (±3.4028235e38) the model computes in; rescale the column (e.g. to other units)`);
    }
    return v;
  }

  private notANumber(text: string, line: number, col: number): FirmnetError {
    if (MISSING.has(text.toLowerCase())) {
      return this.error(line, col, `missing value${text === '' ? '' : ` '${text}'`}; firmnet does not impute, so fill or drop the row`);
    }
    return this.error(line, col, `'${text}' is not a number${notANumberHint(text, this.header.delimiter)}`);
  }

  private error(line: number, col: number, message: string): FirmnetError {
    return new FirmnetError('BAD_CSV', `${this.file} line ${line}, column '${this.header.names[col]}' (column ${col + 1}): ${message}`);
  }
}

/** Why a cell that looks numeric is not read as one. */
function notANumberHint(text: string, delimiter: CsvDelimiter): string {
  if (/^[+-]?0[xXbBoO][0-9a-fA-F]/.test(text)) return ' (firmnet reads decimal numbers only, not hexadecimal, binary or octal literals)';
  if (/^[+-]?\d[\d_]*_\d/.test(text)) return " (write numbers without '_' digit separators)";
  if (/^[+-]?(inf|infinity)$/i.test(text)) return ' (infinite values are not accepted)';
  if (delimiter !== ',' && /^[+-]?\d*,\d+$/.test(text)) return ` (the file is '${delimiter === ';' ? ';' : 'tab'}'-separated with decimal commas: write decimal points instead)`;
  return '';
}

function columnIndex(header: CsvHeader, name: string, role: 'label' | 'feature'): number {
  const i = header.names.indexOf(name);
  if (i < 0) {
    const names = header.names;
    const columns = names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length} in all)` : names.join(', ');
    const other = header.delimiter === ',' ? names.find((n) => n.includes(';') || n.includes('\t')) : undefined;
    const hint = other === undefined ? '' : ` (the header looks ${other.includes(';') ? "';'" : 'tab'}-separated, but it also has a comma, so it was split at commas; write the file with one separator)`;
    throw new FirmnetError('BAD_CSV', `${header.file} has no ${role} column '${name}'; its columns are: ${columns}${hint}`);
  }
  return i;
}

/** Sorted unique labels: numerically when all are numbers, else lexicographically. */
export function deriveClassNames(labels: readonly string[]): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.every((l) => Number.isFinite(parseDecimal(l)));
  return numeric ? unique.sort((a, b) => Number(a) - Number(b)) : unique.sort();
}

/** Labelled data for an existing model: its feature columns, label columns and classes, in its order. */
export function loadDatasetForModel(
  model: { task: Task; featureNames: string[]; labelColumns: string[]; classNames: string[] },
  file: string,
  labelColumns: string[] = model.labelColumns,
): Dataset {
  return loadDataset(file, {
    task: model.task,
    labelColumns,
    classNames: model.task === 'binary' || model.task === 'multiclass' ? model.classNames : undefined,
    featureNames: model.featureNames,
  });
}

/** The given rows of a dataset, in the given order. */
export function subsetRows(data: Dataset, rows: ArrayLike<number>): Dataset {
  const pick = (values: Float32Array, cols: number): Float32Array => {
    const out = new Float32Array(rows.length * cols);
    for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i] * cols, (rows[i] + 1) * cols), i * cols);
    return out;
  };
  return {
    ...data,
    rows: rows.length,
    features: pick(data.features, data.featureNames.length),
    targets: pick(data.targets, data.targetColumns),
    labels: data.labels.length > 0 ? Int32Array.from(rows, (r) => data.labels[r]) : data.labels,
  };
}
