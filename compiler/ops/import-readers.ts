/**
 * How an op reads itself out of another framework's file: the ONNX node types and multi-node
 * patterns it is written as, and the Keras classes and activation names (TF.js layers format) that
 * mean it. Each float layer definition lists its readers (an empty table: no framework writes it);
 * the importers (compiler/import/) look nodes and layers up in the tables built from the registry
 * (import-tables.ts) and keep the graph plumbing: the chain walk, shapes, Flatten/Reshape/Transpose/
 * Identity, input standardization and output scaling. The contexts are the importers' services a
 * reader needs; every check a reader makes throws through them, so the messages stay the importers'.
 */
import type { NodeProto } from '../onnx/onnx-proto.js';
import type { LayerSpec } from './float-layer-types.js';

/** A node's attributes with ONNX defaults (checked types, finite floats unless `bound`). */
export interface OnnxAttributes {
  float(name: string, fallback: number): number;
  /** A float that may be ±Infinity but not NaN (Clip's min and max). */
  bound(name: string, fallback: number): number;
  int(name: string, fallback: number): number;
  string(name: string, fallback: string): string;
  ints(name: string): number[] | null;
}

export interface FloatConstant {
  dims: number[];
  values: Float32Array;
}

/** The graph lookups a multi-node pattern needs to recognise itself. */
export interface OnnxGraphView {
  consumers(value: string): NodeProto[];
  isConstant(name: string): boolean;
  /** A float32 constant; `role` names it in messages. */
  floats(name: string, role: string, options?: { allowInfinite?: boolean }): FloatConstant;
}

/** What the ONNX importer offers a reader at the node it reads: lookups, the chain's shape checks, and its error form. */
export interface OnnxReadContext extends OnnxGraphView {
  readonly opset: number;
  /** The chain value the node reads. */
  readonly value: string;
  /** The chain value is stored [features, batch] (after Gemm(W, x)). */
  readonly transposed: boolean;
  /** `stored [features, batch]` or `stored [batch, features]`, for messages. */
  layoutText(): string;
  describe(node: NodeProto): string;
  attrs(node: NodeProto): OnnxAttributes;
  ints(name: string, role: string): number[];
  bool(name: string, role: string): boolean;
  scalar(name: string, role: string, allowInfinite?: boolean): number;
  /** A 2-D weight matrix with at least one row and one column. */
  matrix(name: string, role: string): { dims: [number, number]; values: Float32Array };
  /** A constant broadcast along the features: a scalar, [n] or [1, n]. */
  perFeature(node: NodeProto, c: FloatConstant, n: number, what: string): Float32Array;
  /** The node reads the chain value as input 1 and has at most `maxInputs` inputs. */
  dataInput(node: NodeProto, maxInputs: number): void;
  requireVectorRows(node: NodeProto, what?: string): void;
  requireBatchFirst(node: NodeProto): void;
  checkExtraOutputsUnused(node: NodeProto): void;
  /** Checks (or learns, when the input shape did not say) the feature count reaching `node`. */
  matchFeatures(features: number, node: NodeProto): void;
  knownFeatures(where: string): number;
  /** The importer's error: `<file>: <message>`. */
  error(message: string, code?: 'BAD_ONNX' | 'UNSUPPORTED'): Error;
}

/** A node read as a layer; the importer records it (named by the node) and moves the chain to the node's output. */
export interface OnnxNodeRead {
  layer: LayerSpec;
  /** The row shape after the node, when it changes ([outFeatures] after a dense layer). */
  rowDims?: number[];
  transposed?: boolean;
  /** A following Add(constant) is this layer's bias (MatMul/Gemm). */
  takesBias?: boolean;
}

export type OnnxNodeReader = (node: NodeProto, at: OnnxReadContext) => OnnxNodeRead;

/**
 * A multi-node form read as a unit where the chain branches at `x` (e.g. the Erf GELU): the layer it
 * reads as, the nodes it consumed and where the chain continues; null when the nodes from `x`
 * (whose consumers are `users`) are not this form.
 */
export type OnnxPattern = (x: string, users: NodeProto[], at: OnnxReadContext) => { layer: LayerSpec; origin: string; nodes: NodeProto[]; output: string } | null;

/** A Keras layer as it appears in model.json. */
export interface KerasLayerView {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Its JSON path (`modelTopology.config.layers[2]`). */
  path: string;
}

/** What the TF.js importer offers a reader: the row shape so far, weights by name, config fields, errors. */
export interface TfjsReadContext {
  requireShape(l: KerasLayerView): (number | null)[];
  weight(l: KerasLayerView, param: string): { shape: number[]; values: Float32Array };
  vector(l: KerasLayerView, param: string, n: number): Float32Array;
  /** A number field that may be absent (then `fallback`), but nothing else. */
  optionalNumber(l: KerasLayerView, key: string, fallback: number | null): number | null;
  number(l: KerasLayerView, key: string, options?: { integer?: boolean; min?: number; max?: number }): number;
  /** The layer(s) a Keras activation name means, or null when firmnet has none; [] for linear. */
  activation(name: string): LayerSpec[] | null;
  /** Throws the message for an activation name `activation` returned null for. */
  unsupportedActivation(l: KerasLayerView, name: string): never;
  fail(l: KerasLayerView, message: string): never;
  unsupported(l: KerasLayerView, message: string): never;
}

/** A Keras layer read as firmnet layers, in order; each named `origin` (or, without one, by the layer). */
export interface TfjsLayerRead {
  layers: { layer: LayerSpec; origin?: string }[];
  rowDims?: (number | null)[];
  /** The layer's input features, which fix the model's input size when no layer declared it. */
  inFeatures?: number;
}

export type TfjsClassReader = (l: KerasLayerView, at: TfjsReadContext, origin: string) => TfjsLayerRead;

/**
 * The importers' readers for one float layer kind. Every table is required, so a kind cannot leave
 * one out by forgetting it: a kind no framework writes says so with empty tables.
 */
export interface LayerReaders {
  /** ONNX op type (default domain) → reader. */
  onnxNodes: Readonly<Record<string, OnnxNodeReader>>;
  onnxPatterns: readonly OnnxPattern[];
  /** Keras class name → reader. */
  tfjsClasses: Readonly<Record<string, TfjsClassReader>>;
  /** Keras activation name (Activation layers, Dense's `activation`) → the spec it means. */
  kerasActivations: Readonly<Record<string, () => LayerSpec>>;
  /**
   * How the importers' "not supported" messages name what these readers read, in the words a user
   * searches for (opset limits, the multi-node forms). Keras classes are named by their keys.
   */
  supported: { onnx: readonly string[]; kerasActivations: readonly string[] };
}

