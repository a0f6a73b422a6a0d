import { FirmnetError } from '../errors.js';

/** Every value of an integer field of a lowered layer is a finite integer, or the layer's scales were out of range. */
export function checkIntegers(where: string, field: string, values: readonly number[]): void {
  const k = values.findIndex((v) => !Number.isSafeInteger(v));
  if (k >= 0) throw new FirmnetError('UNSUPPORTED', `${where}: ${field}[${k}] is ${values[k]}, not a finite integer; the layer's scales are out of range`);
}
