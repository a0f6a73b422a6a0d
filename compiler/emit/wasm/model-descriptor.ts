/**
 * The model descriptor: the words the precompiled kernel module (runtime/model.ts) reads where a
 * per-model program would have immediates. It sits in the last DESCRIPTOR_BYTES of linear memory;
 * the field offsets are generated into the module's dispatcher from this list
 * (scripts/build-kernels.ts), so the emitter and the kernels cannot disagree on them.
 */

/** Every field, one 32-bit word each, in memory order; `f32` fields hold a float32 bit pattern. */
export const DESCRIPTOR_FIELDS = {
  layerCount: 'i32',
  layerTable: 'i32',
  inputFeatures: 'i32',
  outputFeatures: 'i32',
  inputOffset: 'i32',
  outputOffset: 'i32',
  workspace: 'i32',
  mean: 'i32',
  std: 'i32',
  inputScale: 'f32',
  inputZeroPoint: 'i32',
  inputMin: 'i32',
  inputMax: 'i32',
  inputInt16: 'i32',
  outputScale: 'f32',
  outputZeroPoint: 'i32',
  outputMin: 'i32',
  outputMax: 'i32',
  outputInt16: 'i32',
  hasTarget: 'i32',
  targetMean: 'i32',
  targetStd: 'i32',
  decisionCount: 'i32',
  decisionCodes: 'i32',
  anomalyMultiplier: 'i32',
  anomalyShift: 'i32',
} as const satisfies Record<string, 'i32' | 'f32'>;

export type DescriptorField = keyof typeof DESCRIPTOR_FIELDS;

const FIELD_NAMES = Object.keys(DESCRIPTOR_FIELDS) as DescriptorField[];

/** The descriptor's size, a multiple of 16 like every array firmnet places. */
export const DESCRIPTOR_BYTES = Math.ceil((4 * FIELD_NAMES.length) / 16) * 16;

export function descriptorFieldNames(): readonly DescriptorField[] {
  return FIELD_NAMES;
}

export function descriptorFieldOffset(name: DescriptorField): number {
  return 4 * FIELD_NAMES.indexOf(name);
}

/** The AssemblyScript name of a field's offset constant: `inputScale` → `D_INPUT_SCALE`. */
export function descriptorConstantName(name: DescriptorField): string {
  return `D_${name.replace(/[A-Z]/g, (m) => `_${m}`).toUpperCase()}`;
}

/** The descriptor's bytes (little-endian); float fields are stored as float32, as the IR's scales already are. */
export function encodeDescriptor(values: Record<DescriptorField, number>): Uint8Array {
  const bytes = new Uint8Array(DESCRIPTOR_BYTES);
  const view = new DataView(bytes.buffer);
  for (const name of FIELD_NAMES) {
    const at = descriptorFieldOffset(name);
    if (DESCRIPTOR_FIELDS[name] === 'f32') view.setFloat32(at, values[name], true);
    else view.setInt32(at, values[name], true);
  }
  return bytes;
}
