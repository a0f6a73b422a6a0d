/**
 * Lookups over the float layer kinds of the registry (registry.ts). The model-file parser, the shape
 * chain, parameter counts, the importers' float32 rounding, the ONNX exporter and the fold into IR
 * stages look the kind up here instead of switching over kinds.
 */
import type { ArchitectureOption, FloatLayerDefinition } from './float-layer-definition.js';
import type { DefinitionTrainedKind, LayerSpec, LayerType } from './float-layer-types.js';
import type { FloatTrainer } from './float-trainer.js';
import { FLOAT_LAYERS } from './registry.js';

export { FLOAT_LAYERS, type FloatLayerRegistry } from './registry.js';

/** The kinds, in the registry's order (the model-file parser's list of accepted `type` values). */
export const FLOAT_LAYER_TYPES = Object.keys(FLOAT_LAYERS) as LayerType[];

/** The settings fields of the trainer's opt-in layers, from the kinds that declare one. */
export type ArchitectureOptionField = NonNullable<(typeof FLOAT_LAYERS)[LayerType]['architectureOption']>['field'];

/** The trainer's opt-in layers, in the registry's order (the order the architecture inserts them). */
export const ARCHITECTURE_OPTIONS = Object.values(FLOAT_LAYERS).flatMap((def) => (def.architectureOption ? [def.architectureOption] : [])) as ArchitectureOption<LayerSpec, ArchitectureOptionField>[];

/** The kinds the trainer trains from their op's `trainer`, in the registry's order. */
export const DEFINITION_TRAINED_KINDS = FLOAT_LAYER_TYPES.filter((kind) => FLOAT_LAYERS[kind].trainer !== null) as DefinitionTrainedKind[];

/** The `trainer` of a kind trained by definition (its type says it has one). */
export function trainerOf(kind: DefinitionTrainedKind): FloatTrainer<LayerSpec> {
  return FLOAT_LAYERS[kind].trainer as FloatTrainer<LayerSpec>;
}

/**
 * The definition of a layer's kind. The one cast of the registry: TypeScript cannot relate
 * `FLOAT_LAYERS[spec.op]` to `spec` for a union, but the registry's type pairs every kind with its
 * own definition, so the definition found by `spec.op` takes `spec`.
 */
export function floatLayerOf(spec: { op: LayerType }): FloatLayerDefinition<LayerType> {
  return FLOAT_LAYERS[spec.op] as FloatLayerDefinition<LayerType>;
}

export function floatParameterCount(layers: readonly LayerSpec[]): number {
  return layers.reduce((n, l) => n + floatLayerOf(l).parameters(l), 0);
}
