/** What an emitted module exports (docs/wasm.md) and the id the loader checks. */

/** Every WebAssembly export of an emitted module (besides `memory`), documented in docs/wasm.md. */
export const MODULE_EXPORTS = [
  'run',
  'predictFloat',
  'unstandardizeOutput',
  'INPUT_FEATURES',
  'OUTPUT_FEATURES',
  'INPUT_OFFSET',
  'OUTPUT_OFFSET',
  'FLOAT_IO_OFFSET',
  'ARENA_BYTES',
  'MODEL_ID',
] as const;

/** Exported besides MODULE_EXPORTS when the IR has decision thresholds. */
export const DECISION_EXPORTS = ['decide'] as const;
/** Exported besides MODULE_EXPORTS when the IR has an autoencoder decision. */
export const ANOMALY_EXPORTS = ['anomalyScore'] as const;

/** The first 8 hex digits of the IR hash as an int32: the module's MODEL_ID. */
export function modelId(hash: string): number {
  return Number.parseInt(hash.slice(0, 8), 16) | 0;
}
