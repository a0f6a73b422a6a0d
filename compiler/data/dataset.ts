import { FirmnetError } from '../errors.js';
import type { Task } from '../model/float-model.js';
import { type CsvTable, readCsvFile } from './csv.js';

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

export function loadDataset(file: string, options: DatasetOptions): Dataset {
  return datasetFromTable(readCsvFile(file), options);
}

export function datasetFromTable(table: CsvTable, options: DatasetOptions): Dataset {
  const { file, header } = table;
  const { task } = options;
  const labelIdx = options.labelColumns.map((name) => columnIndex(table, name, 'label'));
  if ((task === 'binary' || task === 'multiclass') && labelIdx.length !== 1) {
    throw new FirmnetError('BAD_ARGUMENT', `a ${task} task takes exactly one label column, got ${options.labelColumns.length} (${options.labelColumns.join(', ')})`);
  }
  const featureNames = options.featureNames ?? header.filter((_, i) => !labelIdx.includes(i));
  if (featureNames.length === 0) throw new FirmnetError('BAD_CSV', `${file} has no feature columns besides the label`);
  const features = featuresFromTable(table, featureNames);
  const rows = table.rows.length;

  if (task === 'autoencoder') {
    // The targets are the inputs; an optional label column (0 normal, 1 anomaly) is kept for evaluation.
    if (labelIdx.length > 1) throw new FirmnetError('BAD_ARGUMENT', `an autoencoder takes at most one (0/1 anomaly) label column, got ${labelIdx.length}`);
    const labels = new Int32Array(labelIdx.length === 1 ? rows : 0);
    for (let r = 0; r < labels.length; r++) {
      const v = numericCell(table, r, labelIdx[0]);
      if (v !== 0 && v !== 1) throw new FirmnetError('BAD_CSV', `${where(table, r, labelIdx[0])}: anomaly labels must be 0 (normal) or 1 (anomaly), got '${table.rows[r][labelIdx[0]]}'`);
      labels[r] = v;
    }
    return { file, task, featureNames, labelColumns: options.labelColumns, rows, features, classNames: [], targets: new Float32Array(features), targetColumns: featureNames.length, labels };
  }

  if (task === 'regression' || task === 'multilabel') {
    const k = labelIdx.length;
    const targets = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < k; j++) {
        const v = numericCell(table, r, labelIdx[j]);
        if (task === 'multilabel' && v !== 0 && v !== 1) {
          throw new FirmnetError('BAD_CSV', `${where(table, r, labelIdx[j])}: multilabel targets must be 0 or 1, got '${table.rows[r][labelIdx[j]]}'`);
        }
        targets[r * k + j] = v;
      }
    }
    const classNames = task === 'multilabel' ? options.labelColumns.slice() : [];
    return { file, task, featureNames, labelColumns: options.labelColumns, rows, features, classNames, targets, targetColumns: k, labels: new Int32Array(0) };
  }

  const li = labelIdx[0];
  const raw = table.rows.map((_, r) => labelText(table, r, li));
  const classNames = options.classNames ?? deriveClassNames(raw);
  if (task === 'binary' && classNames.length !== 2) {
    throw new FirmnetError(
      'BAD_CSV',
      `${file}: a binary task needs exactly 2 classes in column '${header[li]}', found ${classNames.length} (${classNames.slice(0, 10).join(', ')}); use --task multiclass`,
    );
  }
  if (task === 'multiclass' && classNames.length < 2) {
    throw new FirmnetError('BAD_CSV', `${file}: column '${header[li]}' has only one class (${classNames[0]}); nothing to learn`);
  }
  const index = new Map(classNames.map((c, i) => [c, i]));
  const labels = new Int32Array(rows);
  const k = task === 'binary' ? 1 : classNames.length;
  const targets = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const c = index.get(raw[r]);
    if (c === undefined) {
      throw new FirmnetError(
        'BAD_CSV',
        `${where(table, r, li)}: class '${raw[r]}' is not one of the declared classes [${classNames.join(', ')}]`,
      );
    }
    labels[r] = c;
    if (task === 'binary') targets[r] = c;
    else targets[r * k + c] = 1;
  }
  return { file, task, featureNames, labelColumns: options.labelColumns, rows, features, classNames, targets, targetColumns: k, labels };
}

/** The named numeric columns of every row (unlabelled data, e.g. for calibration). */
export function loadFeatures(file: string, featureNames: string[]): { features: Float32Array; rows: number } {
  const table = readCsvFile(file);
  return { features: featuresFromTable(table, featureNames), rows: table.rows.length };
}

function featuresFromTable(table: CsvTable, featureNames: string[]): Float32Array {
  const featureIdx = featureNames.map((name) => columnIndex(table, name, 'feature'));
  const nf = featureIdx.length;
  const features = new Float32Array(table.rows.length * nf);
  for (let r = 0; r < table.rows.length; r++) {
    for (let j = 0; j < nf; j++) features[r * nf + j] = numericCell(table, r, featureIdx[j]);
  }
  return features;
}

function columnIndex(table: CsvTable, name: string, role: 'label' | 'feature'): number {
  const i = table.header.indexOf(name);
  if (i < 0) {
    const columns = table.header.length > 12 ? `${table.header.slice(0, 12).join(', ')}, … (${table.header.length} in all)` : table.header.join(', ');
    throw new FirmnetError('BAD_CSV', `${table.file} has no ${role} column '${name}'; its columns are: ${columns}`);
  }
  return i;
}

function where(table: CsvTable, row: number, col: number): string {
  return `${table.file} line ${table.lines[row]}, column '${table.header[col]}' (column ${col + 1})`;
}

function numericCell(table: CsvTable, row: number, col: number): number {
  const text = table.rows[row][col].trim();
  if (MISSING.has(text.toLowerCase())) {
    throw new FirmnetError('BAD_CSV', `${where(table, row, col)}: missing value${text === '' ? '' : ` '${text}'`}; firmnet does not impute, so fill or drop the row`);
  }
  const v = Number(text);
  if (!Number.isFinite(v)) {
    throw new FirmnetError('BAD_CSV', `${where(table, row, col)}: '${text}' is not a number`);
  }
  return v;
}

/** Numeric labels are normalised ("1.0" and "1" are the same class). */
function labelText(table: CsvTable, row: number, col: number): string {
  const text = table.rows[row][col].trim();
  if (MISSING.has(text.toLowerCase())) {
    throw new FirmnetError('BAD_CSV', `${where(table, row, col)}: missing label`);
  }
  const v = Number(text);
  return Number.isFinite(v) ? String(v) : text;
}

/** Sorted unique labels: numerically when all are numbers, else lexicographically. */
export function deriveClassNames(labels: string[]): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.every((l) => Number.isFinite(Number(l)));
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
