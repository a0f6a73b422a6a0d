/**
 * Everything firmnet knows about one float layer kind outside the trainer, as the members of one
 * object: its model-file fields and their validation, its place in the shape chain, its parameter
 * count, its ONNX node, its importers' readers, and its fold rule (how it becomes IR stages). The registry
 * (float-layers.ts) requires every member of every kind, so a kind that forgets one does not
 * compile. A kind declared in `TrainedByDefinition` is trained from its `trainer` by one generic layer
 * (compiler/nn/op-layer.ts); the others have a typed table of layers of their own in compiler/nn/.
 */
import type { JsonReader } from '../io/json-reader.js';
import type { OnnxGraphBuilder } from '../onnx/graph-builder.js';
import type { DefinitionTrainedKind, LayerType, SpecOf } from './float-layer-types.js';
import type { FloatTrainer } from './float-trainer.js';
import type { FusedActivation } from './fused-activation.js';
import type { LayerReaders } from './import-readers.js';
import type { Stage } from './quantized-op-types.js';

type Json = Record<string, unknown>;

/**
 * The opt-in architecture setting of a float layer kind the trainer can insert: `F` is its field in
 * the training settings, a project file's `model` section and the API's train settings (camelCase);
 * `never` for a kind without one.
 */
export interface FloatLayerDefinition<K extends LayerType, F extends string = never> {
  readonly op: K;
  /** Reads and checks the layer's fields (`op` is read already); every message names the field. */
  parse(r: JsonReader, json: Json, path: string): SpecOf<K>;
  /** The features it gives for `inFeatures`; `fail(field, message)` when its declared sizes do not chain. */
  outFeatures(spec: SpecOf<K>, inFeatures: number, fail: (field: string, message: string) => never): number;
  /** Trained parameters (weights, biases, γ, β). */
  parameters(spec: SpecOf<K>): number;
  /** Multiply-accumulates for one row, as `firmnet inspect` reports the float model. */
  macs(spec: SpecOf<K>): number;
  /** Bytes of its float32 constants (weights, biases, γ, β, running statistics). */
  constantBytes(spec: SpecOf<K>): number;
  /** The same layer with every number rounded to float32 (what an importer records). */
  toFloat32(spec: SpecOf<K>): SpecOf<K>;
  /** Its settings for a one-line summary (`alpha 0.1`), or ''. */
  detail(spec: SpecOf<K>): string;
  onnx: {
    /** The lowest ONNX opset that has its node. */
    opset: number;
    /** Adds its node(s) from `x` to `out`; returns `out`. */
    write(g: OnnxGraphBuilder, spec: SpecOf<K>, name: string, x: string, out: string): string;
  };
  /** How the ONNX and TF.js importers read it (empty tables when no framework writes it). */
  readers: LayerReaders;
  /** Turns the layer into IR stages: push a stage, fuse into the one before, or nothing (folded or dropped before). */
  fold(spec: SpecOf<K>, at: FoldContext): void;
  /** Its float forward and backward for the trainer when the kind is in `TrainedByDefinition`; null for a kind with its own layer in compiler/nn/. */
  trainer: K extends DefinitionTrainedKind ? FloatTrainer<SpecOf<K>> : null;
  /** The training setting that puts this layer after every hidden dense layer, or null when the trainer's architecture has none. */
  architectureOption: ArchitectureOption<SpecOf<K>, F> | null;
}

/**
 * An opt-in layer of the trainer's architecture: one boolean setting, off by default, spelled as a
 * `firmnet train` flag, a project-file `model` field and a train-settings argument of the API, all
 * read by loops over the registry. Recorded in the training config only when on, so the config (and
 * the cache hash) of a model without it stays as it was.
 */
export interface ArchitectureOption<S, F extends string> {
  /** The settings field, camelCase (the op's own example is in its float-layer.ts). */
  field: F;
  /** The `firmnet train` flag, kebab-case, without the dashes. */
  flag: string;
  /** The flag's help line. */
  describe: string;
  /** The layer's spec as training starts it, after a hidden dense layer of `features` units (BatchNorm, when on, comes first). */
  initial(features: number): S;
  /** The trained test vector that proves the layer end to end, with this setting on (`npm run vectors`). */
  trainedVector: TrainedVectorSpec;
  /** Whole bundled test sets the C and WebAssembly tests run through a model with this setting on (test/c/bit-exact.test.ts, test/wasm/test-sets.test.ts). */
  testSets: TestSetModelSpec[];
}

/** A model trained on a bundled data set (ReLU hidden layers) with the setting on, whose every test row the backends must reproduce bit for bit. */
export interface TestSetModelSpec {
  /** The bundled data set, models/data/<data>/. */
  data: string;
  /** Every tensor int16 (16x8), or the default int8. */
  int16: boolean;
  /** The IR op and input dtype (`op:int8`) the quantized model must contain, so the case covers what it claims. */
  covers: string;
}

/**
 * A model scripts/make-test-vectors.ts trains on a bundled data set (ReLU hidden layers, default
 * quantization) and writes with its first test rows; its name is the vector's file name.
 */
export interface TrainedVectorSpec {
  name: string;
  /** What the model is; the script appends which test rows it keeps. */
  description: string;
  /** The bundled data set, models/data/<data>/ (train.csv, test.csv). */
  data: string;
  task: 'regression' | 'binary' | 'multiclass';
  hidden: number[];
}

/** A stage whose op ends in an output clamp (an `activation` field): a ReLU/ReLU6 after it becomes that clamp. */
export type FusableStage = Extract<Stage, { activation: FusedActivation }>;

/** Where a layer folds: the stages so far and what the one before it can take. */
export interface FoldContext {
  modelName: string;
  /** The layer's index in the float model. */
  index: number;
  /** Features reaching the layer. */
  features: number;
  stages: Stage[];
  /** The stage right before, when it directly precedes this layer and has no fused activation yet: a ReLU/ReLU6 fuses into it. */
  fusable: FusableStage | null;
  /** The name of the stage before (or `input`), the prefix of an element-wise stage's name. */
  previousName: string;
  /** `dense0`, `dense1`, … in order. */
  nextDenseName(): string;
}
