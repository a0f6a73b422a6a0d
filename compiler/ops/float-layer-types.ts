/**
 * The float model's layers (model file `layers[]`), one spec type per op, each declared in its op's
 * folder. Adding a float layer adds its spec here and its definition to FLOAT_LAYERS
 * (float-layers.ts).
 */
import type { BatchNormSpec } from './batch-norm/float-spec.js';
import type { DropoutSpec } from './dropout/float-spec.js';
import type { DenseSpec } from './fully-connected/float-spec.js';
import type { LayerNormSpec } from './layer-norm/float-spec.js';
import type { LeakyReluSpec } from './leaky-relu/float-spec.js';
import type { TabulatedSpec } from './lut/float-spec.js';
import type { ReluSpec } from './relu/float-spec.js';
import type { SoftmaxSpec } from './softmax/float-spec.js';

export type { BatchNormSpec, DenseSpec, DropoutSpec };

/** The element-wise activations a hidden layer (or an output layer) applies. */
export type ActivationSpec = ReluSpec | LeakyReluSpec | TabulatedSpec | SoftmaxSpec;
export type ActivationKind = ActivationSpec['op'];

export type LayerSpec = DenseSpec | ActivationSpec | BatchNormSpec | LayerNormSpec | DropoutSpec;
export type LayerType = LayerSpec['op'];
export type SpecOf<K extends LayerType> = Extract<LayerSpec, { op: K }>;
