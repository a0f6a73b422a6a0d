/**
 * The types of every IR op, one entry per op: its layer in the IR, the folded float stage it is
 * lowered from, the parameters its prepare step derives, and the kernel variants the cycle model
 * profiles. Adding an op adds one entry here and one in the registry (quantized-ops.ts).
 */
import type { FullyConnectedVariant } from './fully-connected/variant.js';
import type { FullyConnectedLayer } from './fully-connected/ir.js';
import type { PreparedFullyConnected } from './fully-connected/prepare.js';
import type { FullyConnectedStage } from './fully-connected/stage.js';
import type { LayerNormLayer } from './layer-norm/ir.js';
import type { PreparedLayerNorm } from './layer-norm/prepare.js';
import type { LayerNormStage } from './layer-norm/stage.js';
import type { LeakyReluLayer } from './leaky-relu/ir.js';
import type { PreparedLeakyRelu } from './leaky-relu/prepare.js';
import type { LeakyReluStage } from './leaky-relu/stage.js';
import type { LutLayer } from './lut/ir.js';
import type { PreparedLut } from './lut/prepare.js';
import type { LutStage } from './lut/stage.js';
import type { SoftmaxLayer } from './softmax/ir.js';
import type { PreparedSoftmax } from './softmax/prepare.js';
import type { SoftmaxStage } from './softmax/stage.js';

export interface QuantizedOpTypes {
  fully_connected: { layer: FullyConnectedLayer; stage: FullyConnectedStage; prepared: PreparedFullyConnected; variant: FullyConnectedVariant };
  leaky_relu: { layer: LeakyReluLayer; stage: LeakyReluStage; prepared: PreparedLeakyRelu; variant: 'leaky_relu' };
  lut: { layer: LutLayer; stage: LutStage; prepared: PreparedLut; variant: 'lut_s8' | 'lut_s16' };
  layer_norm: { layer: LayerNormLayer; stage: LayerNormStage; prepared: PreparedLayerNorm; variant: 'layer_norm_s8' | 'layer_norm_s16' };
  softmax: { layer: SoftmaxLayer; stage: SoftmaxStage; prepared: PreparedSoftmax; variant: 'softmax' };
}

/** The IR's op names: the one discriminator of layers, folded stages and kernel variants. */
export type QOp = keyof QuantizedOpTypes;
export type LayerOf<K extends QOp> = QuantizedOpTypes[K]['layer'];
export type StageOf<K extends QOp> = QuantizedOpTypes[K]['stage'];
export type PreparedOf<K extends QOp> = QuantizedOpTypes[K]['prepared'];
/** A kernel the cycle model profiles separately: an op and, where it matters, its dtype (`fully_connected_s8`). */
export type VariantOf<K extends QOp> = QuantizedOpTypes[K]['variant'];

export type QLayer = LayerOf<QOp>;
/** The float network after folding, one stage per IR layer (compiler/quantize/fold.ts). */
export type Stage = StageOf<QOp>;
export type KernelVariant = VariantOf<QOp>;
