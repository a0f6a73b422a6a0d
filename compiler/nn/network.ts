import type { LayerSpec, Standardization } from '../model/float-model.js';
import type { FloatTrainer } from '../ops/float-trainer.js';
import type { DefinitionTrainedKind, LayerType, SpecOf } from '../ops/float-layer-types.js';
import { floatLayerOf } from '../ops/float-layers.js';
import { Rng } from '../rng.js';
import { activationLayer } from './activations.js';
import { BatchNorm } from './batchnorm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { OpLayer } from './op-layer.js';
import { Engine, RowBlock } from './engine.js';
import type { Layer, Mode, Param } from './layer.js';
import { type FloatArray, type Matrix, type Precision, allocFloats, precisionOf } from './matrix.js';

export interface NetworkOptions {
  /** Rows the engine holds: the training batch size; eval passes over more rows run in blocks of this many. */
  rows?: number;
  /** float64 only for gradient checks; inferred from the layers' parameters when they have any. */
  precision?: Precision;
  /** Optimizer state arrays per parameter (Adam keeps two); 0 for a network that is not trained. */
  optimizerSlots?: number;
  /** Also compute dLoss/dInput of the first layer (gradient checks); training does not need it. */
  inputGradient?: boolean;
  /** Raw rows loaded with `loadRows` are standardized with these statistics on the way in. */
  inputStandardization?: Standardization | null;
  /** Let a second thread run half of the largest kernels (compiler/nn/threads.ts); results are the same. */
  parallel?: boolean;
}

/** Every parameter of a network in one contiguous block: weight-decayed tensors first. */
export interface ParameterBlock {
  values: FloatArray;
  grads: FloatArray;
  /** Optimizer state, each the length of `values` (see NetworkOptions.optimizerSlots). */
  slots: FloatArray[];
  /** The first `decayedLength` values are the tensors weight decay applies to. */
  decayedLength: number;
}

export interface NetworkState {
  values: FloatArray;
  statistics: FloatArray[];
}

/** What a layer is built with from its spec: the features reaching it, the precision, its index among layers of its kind (parameter names), and the network's generator (dropout masks). */
export interface LayerContext {
  features: number;
  precision: Precision;
  index: number;
  rng: Rng;
}

type LayerFactory<K extends LayerType> = (spec: SpecOf<K>, context: LayerContext) => Layer;

/**
 * The trainer's own layer for each kind its op does not train by definition: a typed table, so a
 * kind with neither a layer here nor a `trainer` in its definition does not compile.
 */
const LAYERS: { [K in Exclude<LayerType, DefinitionTrainedKind>]: LayerFactory<K> } = {
  dense: (spec, c) => Dense.fromSpec(spec, c.precision, c.index),
  batchnorm: (spec, c) => BatchNorm.fromSpec(spec, c.precision, c.index),
  dropout: (spec, c) => new Dropout(c.features, spec.rate, c.rng.fork()),
  relu: (spec, c) => activationLayer(spec, c.features),
  relu6: (spec, c) => activationLayer(spec, c.features),
  leaky_relu: (spec, c) => activationLayer(spec, c.features),
  sigmoid: (spec, c) => activationLayer(spec, c.features),
  tanh: (spec, c) => activationLayer(spec, c.features),
  gelu: (spec, c) => activationLayer(spec, c.features),
  softmax: (spec, c) => activationLayer(spec, c.features),
};

/**
 * The trainer's layer for a spec: the generic layer over its op's `trainer`, or its own from the
 * table. The table pairs each kind with its own constructor, so the one found by spec.op takes spec.
 */
export function layerFromSpec(spec: LayerSpec, context: LayerContext): Layer {
  const definition = floatLayerOf(spec);
  if (definition.trainer !== null) {
    const outFeatures = definition.outFeatures(spec, context.features, (field, message) => {
      throw new Error(`internal: ${spec.op}.${field} ${message}`);
    });
    return new OpLayer(spec, definition.trainer as FloatTrainer<LayerSpec>, context.features, outFeatures, context.precision, context.index);
  }
  return (LAYERS[spec.op as Exclude<LayerType, DefinitionTrainedKind>] as LayerFactory<LayerType>)(spec, context);
}

/**
 * The trainer's layers for model-file specs (see `Network.fromSpecs`), for callers that wrap some of
 * them before building the network (quantization-aware training, compiler/train/qat/).
 */
export function layersFromSpecs(specs: LayerSpec[], inputFeatures: number, rng: Rng, precision: Precision): Layer[] {
  const layers: Layer[] = [];
  let features = inputFeatures;
  const counts = new Map<LayerType, number>();
  for (const spec of specs) {
    const index = counts.get(spec.op) ?? 0;
    counts.set(spec.op, index + 1);
    const layer = layerFromSpec(spec, { features, precision, index, rng });
    features = layer.outFeatures;
    layers.push(layer);
  }
  return layers;
}

/** Rows evaluated at a time by networks built only to run (no training batch to size the engine). */
export const EVAL_BLOCK_ROWS = 256;

/**
 * A sequential stack of layers: the float network that training updates and inference runs, with
 * all its numbers in one engine (compiler/nn/engine.ts) sized for `rows` rows at a time.
 */
export class Network {
  readonly engine: Engine;
  readonly rows: number;
  readonly parameters: ParameterBlock;
  private readonly input: RowBlock;
  private readonly outputGradient: RowBlock;
  private readonly targets: RowBlock;
  private readonly inputGradient: boolean;
  private readonly standardization: { mean: FloatArray; std: FloatArray } | null;
  /** Each layer's output of the last forward pass (for divergence reports). */
  readonly outputs: Matrix[];
  /** Per ReLU-family layer, one value per unit: where signals keep each unit's largest output. */
  readonly unitMaxima: (FloatArray | null)[];

  constructor(
    readonly layers: Layer[],
    options: NetworkOptions = {},
  ) {
    if (layers.length === 0) throw new Error('internal: a network needs at least one layer');
    const params = layers.flatMap((l) => l.params());
    const precision = params.length > 0 ? precisionOf(params[0].value) : (options.precision ?? 'float32');
    if (options.precision && options.precision !== precision) throw new Error(`internal: ${options.precision} network over ${precision} parameters`);
    const rows = Math.max(1, Math.floor(options.rows ?? EVAL_BLOCK_ROWS));
    const slots = options.optimizerSlots ?? 0;
    const count = params.reduce((n, p) => n + p.value.length, 0);
    const nIn = layers[0].inFeatures;
    const nOut = layers[layers.length - 1].outFeatures;
    const standardize = options.inputStandardization ?? null;
    const lengths = [count, count, ...Array<number>(slots).fill(count), rows * nIn, rows * nOut, rows * nOut, ...(standardize ? [nIn, nIn] : []), ...layers.flatMap((l) => l.bufferLengths(rows)), ...layers.map((l) => (isReluFamily(l) ? l.outFeatures : 0))];
    this.engine = new Engine(precision, lengths, options.parallel ?? false);
    this.rows = rows;
    this.parameters = placeParameters(this.engine, params, slots);
    this.input = new RowBlock(this.engine, rows, nIn);
    this.outputGradient = new RowBlock(this.engine, rows, nOut);
    this.targets = new RowBlock(this.engine, rows, nOut);
    this.standardization = standardize ? { mean: this.engine.floats(nIn), std: this.engine.floats(nIn) } : null;
    if (standardize && this.standardization) {
      this.standardization.mean.set(standardize.mean);
      this.standardization.std.set(standardize.std);
    }
    for (const layer of layers) layer.attach(this.engine, rows);
    this.unitMaxima = layers.map((l) => (isReluFamily(l) ? this.engine.floats(l.outFeatures) : null));
    this.inputGradient = options.inputGradient ?? false;
    this.outputs = layers.map(() => this.input.rows(0));
  }

  /**
   * Builds layers from model-file specs. `rng` drives dropout masks only (weights come from the
   * specs); `precision` is float64 only for gradient checks.
   */
  static fromSpecs(specs: LayerSpec[], inputFeatures: number, rng: Rng, precision: Precision = 'float32', options: NetworkOptions = {}): Network {
    return new Network(layersFromSpecs(specs, inputFeatures, rng, precision), { ...options, precision });
  }

  get inFeatures(): number {
    return this.layers[0].inFeatures;
  }

  get outFeatures(): number {
    return this.layers[this.layers.length - 1].outFeatures;
  }

  /**
   * The network on any rows `x` (copied in), its output copied out. Eval mode runs blocks of
   * `this.rows` rows and calls `onLayer` with each layer's output once per block; train mode takes
   * at most `this.rows` rows (one batch).
   */
  forward(x: Matrix, mode: Mode, onLayer?: (index: number, output: Matrix) => void): Matrix {
    const out = allocFloats(this.engine.precision, x.rows * this.outFeatures);
    const nIn = this.inFeatures;
    if (mode === 'train' && x.rows > this.rows) throw new Error(`internal: a training batch of ${x.rows} rows exceeds the engine's ${this.rows}`);
    for (let start = 0; start < x.rows; start += this.rows) {
      const end = Math.min(start + this.rows, x.rows);
      const batch = this.input.rows(end - start);
      batch.data.set(x.data.subarray(start * nIn, end * nIn));
      out.set(this.run(batch, mode, onLayer).data, start * this.outFeatures);
    }
    return { rows: x.rows, cols: this.outFeatures, data: out };
  }

  /**
   * Rows `rowIndices[start…end)` of a raw row-major feature matrix into the input buffer,
   * standardized with the network's input statistics: the next batch, ready for `run`.
   */
  loadRows(features: Float32Array, rowIndices: ArrayLike<number>, start: number, end: number): Matrix {
    const nIn = this.inFeatures;
    const batch = this.input.rows(end - start);
    for (let r = start; r < end; r++) {
      const src = rowIndices[r] * nIn;
      batch.data.set(features.subarray(src, src + nIn), (r - start) * nIn);
    }
    const s = this.standardization;
    if (s) {
      const e = this.engine;
      e.kernels.standardizeRows(e.address(batch.data), batch.rows, nIn, e.address(s.mean), e.address(s.std));
    }
    return batch;
  }

  /** Rows `rowIndices[start…end)` of a row-major target matrix into the engine's target buffer (for the loss). */
  loadTargets(targets: Float32Array, rowIndices: ArrayLike<number>, start: number, end: number): Matrix {
    const cols = this.outFeatures;
    const batch = this.targets.rows(end - start);
    for (let r = start; r < end; r++) {
      const src = rowIndices[r] * cols;
      batch.data.set(targets.subarray(src, src + cols), (r - start) * cols);
    }
    return batch;
  }

  /**
   * Eval-mode outputs for rows `rowIndices` of a raw feature matrix (see `loadRows`), in blocks;
   * `onBlock` sees each block's layer outputs (e.g. for signals) before the next block runs.
   */
  evaluateRows(features: Float32Array, rowIndices: ArrayLike<number>, onLayer?: (index: number, output: Matrix) => void): Matrix {
    const out = allocFloats(this.engine.precision, rowIndices.length * this.outFeatures);
    for (let start = 0; start < rowIndices.length; start += this.rows) {
      const end = Math.min(start + this.rows, rowIndices.length);
      out.set(this.run(this.loadRows(features, rowIndices, start, end), 'eval', onLayer).data, start * this.outFeatures);
    }
    return { rows: rowIndices.length, cols: this.outFeatures, data: out };
  }

  /** Forward pass on a matrix already in the engine (from `loadRows`); returns the engine's output buffer. */
  run(x: Matrix, mode: Mode, onLayer?: (index: number, output: Matrix) => void): Matrix {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      h = this.layers[i].forward(h, mode);
      this.outputs[i] = h;
      onLayer?.(i, h);
    }
    return h;
  }

  /** The buffer a loss writes dLoss/dOutput into for a batch of `rows` rows. */
  outputGradientRows(rows: number): Matrix {
    return this.outputGradient.rows(rows);
  }

  /**
   * Backward pass after `run`/`forward` in train mode. `dy` is copied in unless it is the
   * `outputGradientRows` buffer. Returns dLoss/dInput (a copy) when the network was built with
   * `inputGradient`, else null.
   */
  backward(dy: Matrix): Matrix | null {
    let g: Matrix | null = dy;
    if (dy.data.buffer !== this.engine.memory.buffer) {
      g = this.outputGradient.rows(dy.rows);
      g.data.set(dy.data);
    }
    for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g, i > 0 || this.inputGradient);
    return g ? { rows: g.rows, cols: g.cols, data: g.data.slice() } : null;
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  /** A copy of everything the model file stores: parameters and BatchNorm running statistics. */
  captureState(): NetworkState {
    return { values: this.parameters.values.slice(), statistics: this.batchNorms().flatMap((bn) => [bn.runningMean.slice(), bn.runningVar.slice()]) };
  }

  restoreState(state: NetworkState): void {
    this.parameters.values.set(state.values);
    this.batchNorms().forEach((bn, i) => {
      bn.runningMean.set(state.statistics[2 * i]);
      bn.runningVar.set(state.statistics[2 * i + 1]);
    });
  }

  private batchNorms(): BatchNorm[] {
    return this.layers.filter((l): l is BatchNorm => l instanceof BatchNorm);
  }

  toSpecs(): LayerSpec[] {
    return this.layers.map((l) => l.toSpec());
  }
}

/** Moves every parameter's values into one engine block (decayed first) and points the params at their slices. */
function placeParameters(engine: Engine, params: Param[], slotCount: number): ParameterBlock {
  const ordered = [...params.filter((p) => p.decay), ...params.filter((p) => !p.decay)];
  const count = ordered.reduce((n, p) => n + p.value.length, 0);
  const values = engine.floats(count);
  const grads = engine.floats(count);
  const slots = Array.from({ length: slotCount }, () => engine.floats(count));
  let at = 0;
  let decayedLength = 0;
  for (const p of ordered) {
    const n = p.value.length;
    values.set(p.value, at);
    p.value = values.subarray(at, at + n);
    p.grad = grads.subarray(at, at + n);
    at += n;
    if (p.decay) decayedLength = at;
  }
  return { values, grads, slots, decayedLength };
}

export function isReluFamily(layer: Layer): boolean {
  return layer.op === 'relu' || layer.op === 'relu6' || layer.op === 'leaky_relu';
}

/** A short, user-facing name for layer `index`, e.g. "layer 3 (dense 64→32)". */
export function describeLayer(layer: Layer, index: number): string {
  const shape = layer.op === 'dense' ? ` ${layer.inFeatures}→${layer.outFeatures}` : '';
  return `layer ${index} (${layer.op}${shape})`;
}
