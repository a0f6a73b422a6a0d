/**
 * TF.js layers format (`model.json` + weight shards, as written by `model.save()` in TF.js or by
 * `tensorflowjs_converter --input_format keras`) → firmnet float model. Sequential and functional
 * models whose layers form one chain (the classes in SUPPORTED_TFJS_LAYERS). The classes and
 * activation names that read as layers are each op's business (compiler/ops/<op>/readers.ts,
 * looked up in tables built from the float layer registry); this file
 * keeps the chain, the weights and the shapes. Documented in docs/import-export.md.
 */
import { dirname } from 'node:path';
import { FirmnetError } from '../errors.js';
import { JsonReader } from '../io/json-reader.js';
import type { FloatModel, LayerSpec } from '../model/float-model.js';
import { modelIdentifier } from '../model/model-name.js';
import { type ImportOptions, type ImportedNetwork, finishImport } from './finish-import.js';
import { MAX_IMPORT_FEATURES, MAX_IMPORT_PARAMETERS, formatCount, someOf } from './import-limits.js';
import { UnreadableFile, readConfinedFile, readInputFile } from '../io/read-input-file.js';
import { ScopedNames } from './scoped-names.js';
import { preview } from '../io/message-list.js';
import type { TfjsReadContext } from '../ops/import-readers.js';
import { KERAS_ACTIVATIONS, KERAS_ACTIVATIONS_SUPPORTED, TFJS_CLASSES_SUPPORTED, TFJS_CLASS_READERS } from '../ops/import-tables.js';

type Json = Record<string, unknown>;

/** "a, b and c": the messages' list of names. */
function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

// The registry's classes and activations, with the ones this file reads itself (the chain's input,
// Activation layers, Flatten, the identity activation).
export const SUPPORTED_TFJS_LAYERS = listed(['InputLayer', ...TFJS_CLASSES_SUPPORTED, 'Activation', 'Flatten']);
export const SUPPORTED_KERAS_ACTIVATIONS = listed(['linear', ...KERAS_ACTIVATIONS_SUPPORTED]);

export function importTfjs(modelJsonPath: string, options: ImportOptions): FloatModel {
  const r = new JsonReader(options.file, 'BAD_TFJS');
  const root = r.parseText(readInputFile(modelJsonPath, 'BAD_TFJS', 'TF.js model.json').toString('utf8'), 'TF.js model.json');
  if (root.format === 'firmnet.model') r.fail('', 'is already a firmnet model file; import takes an ONNX file or a TF.js model.json');
  if (root.format === 'graph-model') {
    r.fail('format', "is a TF.js graph model (converted from a SavedModel or frozen graph); firmnet imports the layers format: save the Keras/TF.js model with model.save() or tensorflowjs_converter --input_format keras");
  }
  if (root.format !== undefined && root.format !== 'layers-model') r.fail('format', `expected 'layers-model', got ${preview(root.format)}`);
  let topology = r.child(root, 'modelTopology', '');
  // The Keras converter wraps the model config (with keras_version, training_config) in model_config.
  if ('model_config' in topology) topology = r.child(topology, 'model_config', 'modelTopology');
  const weights = readWeights(r, root, dirname(modelJsonPath), options.file);
  const chain = chainOfLayers(r, topology);
  const net = new LayerReader(r, weights, options.file).read(chain);
  const modelName = chain.modelName;
  const generic = modelName === null || /^(sequential|model|functional)(_\d+)?$/i.test(modelName);
  return finishImport({ ...net, recorded: generic ? {} : { name: modelIdentifier(modelName) } }, options);
}

interface KerasLayer {
  className: string;
  name: string;
  config: Json;
  path: string;
}

/** The layers in the order data flows through them; functional models must be one chain. */
function chainOfLayers(r: JsonReader, topology: Json): { layers: KerasLayer[]; modelName: string | null } {
  const className = r.string(topology, 'class_name', 'modelTopology');
  const configValue = r.field(topology, 'config', 'modelTopology');
  if (className === 'Sequential') {
    // Keras ≥ 2.2.3 writes {name, layers}; older versions a bare list of layers.
    const config = Array.isArray(configValue) ? { layers: configValue } : r.object(configValue, 'modelTopology.config');
    const list = r.array(config, 'layers', 'modelTopology.config');
    const layers = list.map((l, i) => kerasLayer(r, l, `modelTopology.config.layers[${i}]`));
    return { layers, modelName: typeof config.name === 'string' ? config.name : null };
  }
  if (className !== 'Model' && className !== 'Functional') {
    r.fail('modelTopology.class_name', `is '${className}'; firmnet imports Sequential and functional (Model/Functional) models`);
  }
  const config = r.object(configValue, 'modelTopology.config');
  const all = r.array(config, 'layers', 'modelTopology.config').map((l, i) => ({ layer: kerasLayer(r, l, `modelTopology.config.layers[${i}]`), raw: r.object(l, '') }));
  const byName = new Map<string, (typeof all)[number]>();
  for (const a of all) {
    const twin = byName.get(a.layer.name);
    if (twin) r.fail(a.layer.path, `names its layer '${a.layer.name}', like ${twin.layer.path}; layer names must be unique`);
    byName.set(a.layer.name, a);
  }
  const endpoint = (key: string): string => {
    const list = r.array(config, key, 'modelTopology.config');
    if (list.length !== 1) r.fail(`modelTopology.config.${key}`, `has ${list.length} entries; firmnet imports models with one input and one output`);
    const first = list[0];
    const name = Array.isArray(first) ? first[0] : first;
    if (typeof name !== 'string') r.fail(`modelTopology.config.${key}[0]`, 'expected [layer name, node index, tensor index] or a layer name');
    return name;
  };
  const inputName = endpoint('input_layers');
  const outputName = endpoint('output_layers');
  const inbound = new Map<string, string[]>();
  const consumers = new Map<string, string[]>();
  for (const { layer, raw } of all) {
    const nodes = Array.isArray(raw.inbound_nodes) ? raw.inbound_nodes : [];
    if (nodes.length > 1) throw unsupported(r, `layer '${layer.name}' (${layer.className}) is applied ${nodes.length} times (a shared layer); firmnet imports models whose layers form one chain`);
    const sources = nodes.length === 0 ? [] : inboundNames(r, nodes[0], `${layer.path}.inbound_nodes[0]`);
    inbound.set(layer.name, sources);
    for (const s of sources) {
      const list = consumers.get(s);
      if (list) list.push(layer.name);
      else consumers.set(s, [layer.name]);
    }
  }
  const layers: KerasLayer[] = [];
  const onChain = new Set<string>();
  let current = inputName;
  for (;;) {
    const entry = byName.get(current);
    if (!entry) r.fail('modelTopology.config', `names layer '${current}', which is not in its layer list`);
    // Each step follows the only consumer of the layer before, so meeting a layer again means the inbound nodes loop.
    if (onChain.has(current)) r.fail(`${entry.layer.path}.inbound_nodes`, `layer '${current}' is reached again after '${layers[layers.length - 1].name}': the inbound nodes form a cycle`);
    onChain.add(current);
    const sources = inbound.get(current) ?? [];
    if (sources.length > 1) {
      throw unsupported(r, `layer '${current}' (${entry.layer.className}) takes ${sources.length} inputs (${someOf(sources.map((s) => `'${s}'`))}): the model branches; firmnet imports models whose layers form one chain`);
    }
    layers.push(entry.layer);
    if (current === outputName) break;
    const next = consumers.get(current) ?? [];
    if (next.length === 0) r.fail(entry.layer.path, `layer '${current}' feeds no layer, but the output is '${outputName}'`);
    if (next.length > 1) {
      const fed = next.slice(0, 8).map((n) => `'${n}' (${byName.get(n)?.layer.className ?? '?'})`);
      throw unsupported(r, `the model branches after layer '${current}', which feeds ${someOf(fed, ' and ', next.length)}; firmnet imports models whose layers form one chain`);
    }
    current = next[0];
  }
  if (layers.length !== all.length) {
    const stray = all.find((a) => !onChain.has(a.layer.name))!;
    throw unsupported(r, `layer '${stray.layer.name}' (${stray.layer.className}) is not on the chain from '${inputName}' to '${outputName}'; firmnet imports models whose layers form one chain`);
  }
  return { layers, modelName: typeof config.name === 'string' ? config.name : null };
}

function unsupported(r: JsonReader, message: string): FirmnetError {
  return new FirmnetError('UNSUPPORTED', `${r.file}: ${message}`);
}

/** Keras 3 nests the tensors of a call's arguments in lists (e.g. Concatenate's); no real model nests deeper than this. */
const MAX_INBOUND_DEPTH = 16;

/** Layer names an inbound node reads: Keras 2 `[[name, node, tensor, kwargs], …]`, Keras 3 `{args: [{config: {keras_history}}]}`. */
function inboundNames(r: JsonReader, node: unknown, path: string): string[] {
  if (Array.isArray(node)) {
    return node.map((t, i) => {
      const name = Array.isArray(t) ? t[0] : t;
      if (typeof name !== 'string') r.fail(`${path}[${i}]`, 'expected [layer name, node index, tensor index, kwargs] (Keras 2 / TF.js inbound tensor)');
      return name;
    });
  }
  if (node === null || typeof node !== 'object') {
    r.fail(path, `expected a list of inbound tensors (Keras 2 / TF.js) or {args: [...]} (Keras 3), got ${node === null ? 'null' : typeof node}`);
  }
  const args = (node as { args?: unknown }).args ?? [];
  if (!Array.isArray(args)) r.fail(`${path}.args`, 'expected a list of call arguments');
  const names: string[] = [];
  // Iterative, one frame per open list: a hostile file can nest lists far deeper than the call stack,
  // and a flat list of millions of entries must not become millions of pending entries.
  const frames: { list: unknown[]; next: number; at: string }[] = [{ list: args, next: 0, at: `${path}.args` }];
  while (frames.length > 0) {
    const top = frames[frames.length - 1];
    if (top.next === top.list.length) {
      frames.pop();
      continue;
    }
    const i = top.next++;
    const value = top.list[i];
    if (Array.isArray(value)) {
      if (frames.length >= MAX_INBOUND_DEPTH) r.fail(`${top.at}[${i}]`, `nests lists more than ${MAX_INBOUND_DEPTH} deep; a layer's call arguments are tensors or short lists of them`);
      frames.push({ list: value, next: 0, at: `${top.at}[${i}]` });
    } else if (value && typeof value === 'object') {
      const history = (value as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (history === undefined) continue;
      if (!Array.isArray(history) || typeof history[0] !== 'string') r.fail(`${top.at}[${i}].config.keras_history`, 'expected [layer name, node index, tensor index]');
      names.push(history[0]);
    }
  }
  return names;
}

function kerasLayer(r: JsonReader, value: unknown, path: string): KerasLayer {
  const l = r.object(value, path);
  const className = r.string(l, 'class_name', path);
  const config = r.child(l, 'config', path);
  const name = typeof config.name === 'string' ? config.name : typeof l.name === 'string' ? l.name : `${className}_${path}`;
  return { className, name, config, path };
}

interface ManifestWeight {
  name: string;
  shape: number[];
  count: number;
  path: string;
}

/**
 * Weight shards concatenated per manifest group, sliced per weight in manifest order. The manifest
 * is checked first, so the bytes it declares bound every read: a shard is read only if it fits in
 * what the group's weights still need.
 */
function readWeights(r: JsonReader, root: Json, dir: string, file: string): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  const groups = r.array(root, 'weightsManifest', '');
  let parameters = 0;
  groups.forEach((g, gi) => {
    const gpath = `weightsManifest[${gi}]`;
    const group = r.object(g, gpath);
    const paths = r.strings(group, 'paths', gpath);
    const entries = r.array(group, 'weights', gpath).map((w, wi) => manifestWeight(r, w, `${gpath}.weights[${wi}]`));
    for (const w of entries) {
      parameters += w.count;
      if (parameters > MAX_IMPORT_PARAMETERS) {
        throw new FirmnetError(
          'UNSUPPORTED',
          `${file}: ${w.path} ('${w.name}', shape [${someOf(w.shape)}]) brings the model to more than ${formatCount(MAX_IMPORT_PARAMETERS)} parameters, the most firmnet imports (64 MiB of float32, more than any microcontroller's flash)`,
        );
      }
    }
    const declaredBytes = entries.reduce((sum, w) => sum + w.count * 4, 0);
    const chunks: Buffer[] = [];
    let readBytes = 0;
    paths.forEach((p, pi) => {
      const left = declaredBytes - readBytes;
      let chunk: Buffer;
      try {
        chunk = readConfinedFile(dir, p, left, (bytes) => `holds ${bytes} bytes, but the weights of ${gpath} need only ${left} more; the shards belong to another model`);
      } catch (e) {
        if (!(e instanceof UnreadableFile)) throw e;
        const keep = e.message.startsWith('cannot be read (file not found)') ? '; keep the .bin shards next to model.json' : '';
        throw new FirmnetError('BAD_TFJS', `${file}: weight file '${p}' listed in ${gpath}.paths[${pi}] ${e.message}${keep}`);
      }
      chunks.push(chunk);
      readBytes += chunk.length;
    });
    const bytes = Buffer.concat(chunks);
    let offset = 0;
    for (const w of entries) {
      if (offset + w.count * 4 > bytes.length) {
        throw new FirmnetError(
          'BAD_TFJS',
          `${file}: the weight shards of ${gpath} (${someOf(paths)}) hold ${bytes.length} bytes, but weight '${w.name}' needs bytes ${offset}–${offset + w.count * 4}; a shard is truncated or belongs to another model`,
        );
      }
      const values = new Float32Array(w.count);
      for (let i = 0; i < w.count; i++) {
        const v = bytes.readFloatLE(offset + i * 4);
        if (!Number.isFinite(v)) throw new FirmnetError('BAD_TFJS', `${file}: weight '${w.name}' (${w.path}) holds ${v} at index ${i}; a model's weights must be finite numbers`);
        values[i] = v;
      }
      offset += w.count * 4;
      if (out.has(w.name)) throw new FirmnetError('BAD_TFJS', `${file}: ${w.path} names weight '${w.name}' again; each weight is listed once`);
      out.set(w.name, { shape: w.shape, values });
    }
  });
  return out;
}

/** One manifest entry, checked before any shard is read: float32, unquantized, a shape within the limits. */
function manifestWeight(r: JsonReader, value: unknown, path: string): ManifestWeight {
  const w = r.object(value, path);
  const name = r.string(w, 'name', path);
  const shape = r.numbers(w, 'shape', path, undefined, { integer: true, min: 0 });
  const dtype = r.string(w, 'dtype', path);
  if (w.quantization !== undefined && w.quantization !== null) {
    const q = r.object(w.quantization, `${path}.quantization`);
    const stored = typeof q.dtype === 'string' ? q.dtype : preview(q.dtype);
    throw new FirmnetError(
      'UNSUPPORTED',
      `${r.file}: weight '${name}' is stored quantized (${stored}, e.g. tensorflowjs_converter --quantize_${stored}); firmnet imports float32 weights: convert without --quantize_* (firmnet quantizes to int8 itself)`,
    );
  }
  if (dtype !== 'float32') throw new FirmnetError('UNSUPPORTED', `${r.file}: weight '${name}' is ${dtype}; firmnet imports float32 weights only`);
  // The product is checked as it grows, so a shape like [1e300, 1e300] never becomes Infinity.
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > MAX_IMPORT_PARAMETERS) {
      throw new FirmnetError(
        'UNSUPPORTED',
        `${r.file}: ${path}.shape [${someOf(shape)}] of weight '${name}' has more than ${formatCount(MAX_IMPORT_PARAMETERS)} values, the most firmnet imports (64 MiB of float32, more than any microcontroller's flash)`,
      );
    }
  }
  return { name, shape, count, path };
}

class LayerReader implements TfjsReadContext {
  private readonly layers: LayerSpec[] = [];
  private readonly origins: string[] = [];
  private rowDims: (number | null)[] | null = null;
  private inputFeatures: number | null = null;
  private scoped: ScopedNames | null = null;

  constructor(
    private readonly r: JsonReader,
    private readonly weights: Map<string, { shape: number[]; values: Float32Array }>,
    private readonly file: string,
  ) {}

  read(chain: { layers: KerasLayer[] }): Omit<ImportedNetwork, 'recorded'> {
    for (const layer of chain.layers) this.layer(layer);
    if (this.inputFeatures === null) this.r.fail('modelTopology', 'no layer declares the input shape (batch_input_shape); firmnet needs the number of input features');
    return { format: 'tfjs', inputFeatures: this.inputFeatures, layers: this.layers, origins: this.origins, inputStandardization: null, targetStandardization: null };
  }

  private layer(l: KerasLayer): void {
    const c = l.config;
    const shape = c.batch_input_shape ?? c.batchInputShape ?? c.batch_shape;
    if (shape !== undefined && this.rowDims === null) this.setInputShape(l, shape);
    if (typeof c.dtype === 'string' && c.dtype !== 'float32') this.unsupported(l, `has dtype ${c.dtype}; firmnet imports float32 models only`);
    const origin = `layer '${l.name}' (${l.className})`;
    switch (l.className) {
      case 'InputLayer':
        if (this.rowDims === null) this.fail(l, 'has no batch_input_shape');
        return;
      case 'Activation':
        return this.activationLayer(l, origin, this.r.string(c, 'activation', `${l.path}.config`));
      case 'Flatten': {
        const dims = this.requireShape(l);
        if (c.data_format === 'channels_first' && dims.length > 2) this.unsupported(l, 'flattens channels_first data, which reorders the features; firmnet supports channels_last');
        this.rowDims = [dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1)];
        return;
      }
      default:
        return this.readLayer(l, origin);
    }
  }

  /** A class that reads as layers: its op's reader (compiler/ops/<op>/readers.ts) checks it and gives them. */
  private readLayer(l: KerasLayer, origin: string): void {
    const reader = TFJS_CLASS_READERS.get(l.className);
    if (!reader) throw new FirmnetError('UNSUPPORTED', `${this.file}: ${origin} is not supported; firmnet imports TF.js layers models made of ${SUPPORTED_TFJS_LAYERS}`);
    const read = reader(l, this, origin);
    if (read.inFeatures !== undefined && this.inputFeatures === null && this.layers.every((x) => x.op !== 'dense')) this.inputFeatures = read.inFeatures;
    for (const { layer, origin: named } of read.layers) this.push(layer, named ?? origin);
    if (read.rowDims) this.rowDims = read.rowDims;
  }

  private activationLayer(l: KerasLayer, origin: string, name: string): void {
    const specs = this.activation(name) ?? this.unsupportedActivation(l, name);
    for (const spec of specs) this.push(spec, origin);
  }

  // ── what a layer's reader may use (TfjsReadContext) ─────────────────────────────────────────────

  activation(name: string): LayerSpec[] | null {
    if (name === 'linear') return [];
    const spec = KERAS_ACTIVATIONS.get(name);
    return spec ? [spec()] : null;
  }

  unsupportedActivation(l: KerasLayer, name: string): never {
    return this.unsupported(l, `uses activation '${name}'; firmnet supports ${SUPPORTED_KERAS_ACTIVATIONS}`);
  }

  number(l: KerasLayer, key: string, options?: { integer?: boolean; min?: number; max?: number }): number {
    return this.r.number(l.config, key, `${l.path}.config`, options);
  }

  /** The declared input shape sizes what no weight backs (a model of activations only), so it is bounded. */
  private setInputShape(l: KerasLayer, shape: unknown): void {
    if (!Array.isArray(shape) || shape.length < 2) this.fail(l, `has batch_input_shape ${preview(shape)}; expected [null, features, …]`);
    const dims = shape.slice(1).map((d) => {
      if (d !== null && !(Number.isSafeInteger(d) && (d as number) > 0)) this.fail(l, `has batch_input_shape ${preview(shape)}: sizes are whole numbers ≥ 1 (or null for a dynamic one)`);
      return d as number | null;
    });
    let features = 1;
    for (const d of dims) {
      features *= d ?? 1;
      if (features > MAX_IMPORT_FEATURES) this.unsupported(l, `has batch_input_shape ${preview(shape)}, more than ${formatCount(MAX_IMPORT_FEATURES)} features per row, the most firmnet imports`);
    }
    this.rowDims = dims;
    if (dims.every((d) => d !== null)) this.inputFeatures = features;
  }

  private push(spec: LayerSpec, origin: string): void {
    this.layers.push(spec);
    this.origins.push(origin);
  }

  /** A number field that may be absent (then `fallback`), but not something else: a string would silently become the default. */
  optionalNumber(l: KerasLayer, key: string, fallback: number | null): number | null {
    const v = l.config[key];
    if (v === undefined || v === null) return fallback;
    return this.r.number(l.config, key, `${l.path}.config`);
  }

  requireShape(l: KerasLayer): (number | null)[] {
    if (this.rowDims === null) this.fail(l, 'comes before any layer declares the input shape (batch_input_shape)');
    return this.rowDims;
  }

  vector(l: KerasLayer, param: string, n: number): Float32Array {
    const w = this.weight(l, param);
    if (w.values.length !== n) this.fail(l, `${param} has ${w.values.length} values, expected ${n}`);
    return w.values;
  }

  /** `<layer>/<param>`; a converter may add a scope in front (`model/<layer>/<param>`). */
  weight(l: KerasLayer, param: string): { shape: number[]; values: Float32Array } {
    const key = `${l.name}/${param}`;
    const exact = this.weights.get(key);
    if (exact) return exact;
    this.scoped ??= new ScopedNames(this.weights.keys());
    const { count, examples } = this.scoped.endingIn(key);
    if (count === 1) return this.weights.get(examples[0])!;
    const several = count > 1 ? ` (several scoped matches: ${examples.join(', ')}${count > examples.length ? `, … ${count} in all` : ''})` : '';
    return this.fail(l, `weight '${key}' is not in the weights manifest${several}`);
  }

  fail(l: KerasLayer, message: string): never {
    throw new FirmnetError('BAD_TFJS', `${this.file}: layer '${l.name}' (${l.className}) ${message}`);
  }

  unsupported(l: KerasLayer, message: string): never {
    throw new FirmnetError('UNSUPPORTED', `${this.file}: layer '${l.name}' (${l.className}) ${message}`);
  }
}
