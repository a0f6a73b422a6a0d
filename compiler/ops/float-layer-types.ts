/**
 * The float model's layers (model file `layers[]`), one spec type per kind, each declared in its op's
 * folder. This file names no kind: each op's float-spec.ts adds its kinds to `FloatLayerSpecs`
 * (declaration merging), and the registry (float-layers.ts) must hold exactly one definition per
 * entry, so a kind declared but not registered, or registered without its spec, does not compile.
 */

/** Kind → spec, one entry per float layer kind; empty here, filled by the ops' `declare module` blocks. */
export interface FloatLayerSpecs {}

export type LayerSpec = FloatLayerSpecs[keyof FloatLayerSpecs];
export type LayerType = LayerSpec['op'];
export type SpecOf<K extends LayerType> = Extract<LayerSpec, { op: K }>;

/**
 * The kinds the trainer trains from their definition's `trainer` (compiler/ops/float-trainer.ts),
 * declared beside the kind's spec by the same `declare module` block (`<kind>: true`). Every other
 * kind has its own layer in compiler/nn/network.ts's table; the types make a kind with neither, or
 * both, a compile error.
 */
export interface TrainedByDefinition {}

export type DefinitionTrainedKind = keyof TrainedByDefinition & LayerType;
