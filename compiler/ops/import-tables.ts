/**
 * The importers' lookup tables, built once from every float layer definition's readers. Maps, not
 * objects: an op type or class name from an untrusted file ('constructor', '__proto__') must find
 * nothing rather than an object's inherited member.
 */
import { FLOAT_LAYERS } from './float-layers.js';
import type { LayerSpec } from './float-layer-types.js';
import type { LayerReaders, OnnxNodeReader, OnnxPattern, TfjsClassReader } from './import-readers.js';

const DEFINITIONS: readonly { op: string; readers: LayerReaders }[] = Object.values(FLOAT_LAYERS);

/** One name → reader table over `definitions`; two kinds claiming one name is a programming error, thrown when the module loads. */
export function readerTable<V>(definitions: readonly { op: string; readers: LayerReaders }[], pick: (r: LayerReaders) => Readonly<Record<string, V>>, what: string): ReadonlyMap<string, V> {
  const out = new Map<string, V>();
  const owner = new Map<string, string>();
  for (const def of definitions) {
    for (const [key, value] of Object.entries(pick(def.readers))) {
      // Two kinds claiming one name would make the reader depend on registry order.
      if (owner.has(key)) throw new Error(`${what} '${key}' is read by both ${owner.get(key)} and ${def.op}`);
      owner.set(key, def.op);
      out.set(key, value);
    }
  }
  return out;
}

export const ONNX_NODE_READERS: ReadonlyMap<string, OnnxNodeReader> = readerTable(DEFINITIONS, (r) => r.onnxNodes, 'ONNX op type');
export const ONNX_PATTERNS: readonly OnnxPattern[] = DEFINITIONS.flatMap((def) => def.readers.onnxPatterns);
export const TFJS_CLASS_READERS: ReadonlyMap<string, TfjsClassReader> = readerTable(DEFINITIONS, (r) => r.tfjsClasses, 'Keras class');
export const KERAS_ACTIVATIONS: ReadonlyMap<string, () => LayerSpec> = readerTable(DEFINITIONS, (r) => r.kerasActivations, 'Keras activation');

/** What the readers read, named for the importers' "not supported" messages, in registry order. */
export const ONNX_SUPPORTED: readonly string[] = DEFINITIONS.flatMap((def) => def.readers.supported.onnx);
export const TFJS_CLASSES_SUPPORTED: readonly string[] = [...TFJS_CLASS_READERS.keys()];
export const KERAS_ACTIVATIONS_SUPPORTED: readonly string[] = DEFINITIONS.flatMap((def) => def.readers.supported.kerasActivations);
