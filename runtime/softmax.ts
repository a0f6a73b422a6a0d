/**
 * int8 softmax, firmnet's integer algorithm (docs/quantized-ir.md): per row, in uint32,
 * m = max x, e_i = expTable[m − x_i], s = Σ e_i, out_i = min(127, floor((e_i·256 + floor(s/2)) / s) − 128).
 * Output scale 1/256, zero point −128. `expTable` holds 256 uint32 entries (each ≤ 2^15). The IR
 * reader guarantees expTable[0] = 2^15 (so s ≥ 2^15, never 0) and at most 65536 classes (so
 * e_i·256 + s/2 < 2^32).
 */
export function softmaxS8(input: usize, output: usize, features: i32, expTable: usize): void {
  const k = <usize>features;
  let max: i32 = -128;
  for (let j: usize = 0; j < k; j++) {
    const x = <i32>load<i8>(input + j);
    if (x > max) max = x;
  }
  let sum: u32 = 0;
  for (let j: usize = 0; j < k; j++) sum += load<u32>(expTable + (<usize>(max - <i32>load<i8>(input + j)) << 2));
  const half = sum >> 1;
  for (let j: usize = 0; j < k; j++) {
    const e = load<u32>(expTable + (<usize>(max - <i32>load<i8>(input + j)) << 2));
    const p = <i32>((e * 256 + half) / sum) - 128;
    store<i8>(output + j, <i8>(p > 127 ? 127 : p));
  }
}
