/**
 * int4 weights as the IR stores them: the row-major [out][in] values in [−7, 7], two per byte, the
 * element with the even index in the low nibble (TFLite Micro's and CMSIS-NN's int4 packing: the
 * whole tensor is one nibble stream, so a row of an odd inFeatures starts in the middle of a byte).
 * An odd element count leaves the last byte's high nibble 0. −8 (nibble 0x8) is not a weight: the
 * weights are symmetric, as int8's −128 is excluded.
 */

/** The largest |weight| of each width: symmetric ranges, zero point 0. */
export const WEIGHT_MAX: Record<WeightBits, number> = { 4: 7, 8: 127 };
export const WEIGHT_BITS = [4, 8] as const;
export type WeightBits = (typeof WEIGHT_BITS)[number];

export function packedInt4Bytes(count: number): number {
  return Math.ceil(count / 2);
}

/** Packs values in [−7, 7] two per byte, low nibble first. */
export function packInt4(values: ArrayLike<number>): number[] {
  const bytes = new Array<number>(packedInt4Bytes(values.length)).fill(0);
  for (let k = 0; k < values.length; k++) bytes[k >> 1] |= (values[k] & 0xf) << (4 * (k & 1));
  return bytes;
}

/** The nibble of element k, sign-extended. */
export function int4At(bytes: ArrayLike<number>, k: number): number {
  const nibble = (bytes[k >> 1] >> (4 * (k & 1))) & 0xf;
  return nibble >= 8 ? nibble - 16 : nibble;
}

export function unpackInt4(bytes: ArrayLike<number>, count: number): Int8Array {
  return Int8Array.from({ length: count }, (_, k) => int4At(bytes, k));
}

/**
 * Where a packed stream breaks the IR's rules, or null: a nibble 0x8 (−8), or a non-zero padding
 * nibble after the last element (the file would not be canonical: two files, one model).
 */
export function int4StreamProblem(bytes: ArrayLike<number>, count: number): string | null {
  for (let k = 0; k < count; k++) {
    if (int4At(bytes, k) === -8) return `weight ${k} (byte ${k >> 1}, ${k & 1 ? 'high' : 'low'} nibble) is -8; int4 weights are symmetric, in [-7, 7]`;
  }
  if (count % 2 === 1 && bytes[count >> 1] >> 4 !== 0) return `the high nibble of the last byte (${count >> 1}) pads an odd weight count and must be 0`;
  return null;
}
