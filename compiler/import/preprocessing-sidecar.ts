import { type JsonDocument, parseJsonDocumentText } from '../io/json-document.js';
import type { JsonReader } from '../io/json-reader.js';
import type { Standardization, Task } from '../model/float-model.js';
import { readInputFile } from '../io/read-input-file.js';
import { parseStandardizationObject } from '../model/model-file.js';

/**
 * What a trained model file does not say but firmnet needs: the preprocessing that ran before the
 * network (e.g. scikit-learn's StandardScaler), the CSV column names and the classes. Given as a JSON
 * sidecar (`firmnet import --preprocessing sidecar.json`); every field is optional. Documented in
 * docs/import-export.md.
 */
export interface Preprocessing {
  featureNames?: string[];
  /** x' = (x − mean) / std before the first layer. */
  input?: Standardization;
  /** Regression: the network predicts standardized targets, y = y' · std + mean. */
  target?: Standardization;
  task?: Task;
  classNames?: string[];
  labelColumns?: string[];
}

const KEYS = ['format', 'featureNames', 'input', 'target', 'task', 'classNames', 'labelColumns'] as const;
export const PREPROCESSING_FORMAT = 'firmnet.preprocessing';

const SIDECAR_DOCUMENT: JsonDocument<Preprocessing> = { code: 'BAD_ARGUMENT', what: 'preprocessing sidecar', parse: parsePreprocessing };

export function loadPreprocessing(file: string): Preprocessing {
  return parsePreprocessingText(readInputFile(file, 'BAD_ARGUMENT', 'preprocessing sidecar').toString('utf8'), file);
}

export function parsePreprocessingText(text: string, file: string): Preprocessing {
  return parseJsonDocumentText(SIDECAR_DOCUMENT, text, file);
}

function parsePreprocessing(r: JsonReader, root: Record<string, unknown>): Preprocessing {
  // A misspelt key ("means", "classes") would otherwise be ignored silently and change predictions.
  for (const key of Object.keys(root)) {
    if (!(KEYS as readonly string[]).includes(key)) r.fail(key, `unknown field; a preprocessing sidecar has ${KEYS.map((k) => `'${k}'`).join(', ')}`);
  }
  if ('format' in root) r.string(root, 'format', '', [PREPROCESSING_FORMAT]);
  const out: Preprocessing = {};
  if ('featureNames' in root) out.featureNames = r.strings(root, 'featureNames', '');
  if ('input' in root) out.input = standardization(r, root, 'input');
  if ('target' in root) out.target = standardization(r, root, 'target');
  if ('task' in root) out.task = r.string(root, 'task', '', ['regression', 'binary', 'multiclass', 'multilabel', 'autoencoder'] as const);
  if ('classNames' in root) out.classNames = r.strings(root, 'classNames', '');
  if ('labelColumns' in root) out.labelColumns = r.strings(root, 'labelColumns', '');
  return out;
}

function standardization(r: JsonReader, root: Record<string, unknown>, key: string): Standardization {
  // The same rules as a model file's standardization: the values end up there.
  return parseStandardizationObject(r, r.child(root, key, ''), key);
}
