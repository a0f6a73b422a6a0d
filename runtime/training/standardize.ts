/**
 * x[r][j] ← (x[r][j] − mean[j]) / std[j] in place (T is f32 or f64): the same two operations, in the
 * same precision, as compiler/data/standardize.ts, so a batch standardized here holds exactly the
 * values the firmware and float inference compute.
 */
import { lanes } from './lanes';

export function standardizeRows<T>(x: usize, rows: i32, columns: i32, mean: usize, std: usize): void {
  const S = <usize>sizeof<T>();
  const row = <usize>columns * S;
  const full = <usize>(columns / lanes<T>()) << 4;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    for (let k: usize = 0; k < full; k += 16) v128.store(xr + k, v128.div<T>(v128.sub<T>(v128.load(xr + k), v128.load(mean + k)), v128.load(std + k)));
    for (let k = full; k < row; k += S) store<T>(xr + k, (load<T>(xr + k) - load<T>(mean + k)) / load<T>(std + k));
  }
}
