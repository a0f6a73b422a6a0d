/**
 * The types of every IR op, one entry per op: its layer in the IR, the folded float stage it is
 * lowered from, the parameters its prepare step derives, and the kernel variants the cycle model
 * profiles. This file names no op: each op's index.ts adds its own entry to `QuantizedOpTypes`
 * (declaration merging), and the registry (quantized-ops.ts) must hold exactly one definition per
 * entry, so an op declared here but not registered, or registered without its types, does not compile.
 */
/** One entry per op, keyed by its name; empty here, filled by the ops' `declare module` blocks. */
export interface QuantizedOpTypes {}

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
