/** Little-endian encodings of integer and float arrays (the byte order of WebAssembly memory). */
import { FirmnetError } from '../errors.js';

export function int16Bytes(values: ArrayLike<number>): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  for (let i = 0; i < values.length; i++) view.setInt16(i * 2, values[i], true);
  return new Uint8Array(view.buffer);
}

export function int32Bytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return new Uint8Array(view.buffer);
}

/** 64-bit integers from Numbers, which must be exact (`label` names the array in the message). */
export function int64Bytes(values: readonly number[], label: string): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => {
    if (!Number.isSafeInteger(v)) throw new FirmnetError('BAD_IR_FILE', `${label}[${i}]: ${v} is not an exact integer`);
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return new Uint8Array(view.buffer);
}

export function float32Bytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return new Uint8Array(view.buffer);
}
