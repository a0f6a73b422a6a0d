/** Field rules of the float model file's layers: numbers the float32 network computes with. */
import { isFiniteFloat32 } from '../float32.js';
import { type JsonReader, type NumberRule, join } from '../io/json-reader.js';

/** Bytes of one float32 constant, for the float model's constant-byte counts. */
export const FLOAT32_BYTES = 4;

/**
 * Numbers the float32 network computes with: each must stay finite in float32 (1e39 would be
 * Infinity there), named by its JSON path when it does not.
 */
export function float32s(r: JsonReader, obj: Record<string, unknown>, key: string, path: string, length?: number, rule: NumberRule = {}): number[] {
  const values = r.numbers(obj, key, path, length, rule);
  values.forEach((v, i) => {
    if (!isFiniteFloat32(v)) r.fail(`${join(path, key)}[${i}]`, `${v} is outside the float32 range (±3.4028235e38)`);
  });
  return values;
}

export function float32(r: JsonReader, obj: Record<string, unknown>, key: string, path: string, rule: NumberRule = {}): number {
  const v = r.number(obj, key, path, rule);
  if (!isFiniteFloat32(v)) r.fail(join(path, key), `${v} is outside the float32 range (±3.4028235e38)`);
  return v;
}

/** A positive feature count. */
export function features(r: JsonReader, obj: Record<string, unknown>, key: string, path: string): number {
  return r.number(obj, key, path, { integer: true, min: 1 });
}
