/**
 * Dense layer of the float trainer, y = x Wᵀ + b with W stored [outFeatures][inFeatures] and every
 * matrix row-major, generic over f32 (four lanes) and f64 (two lanes).
 *
 * Each of the three products is a register tile of eight v128 accumulators swept over the
 * dimension it sums, with separate multiply and add (no fused multiply-add, whose rounding differs
 * between machines). The order of every sum is fixed by the code, never by the data or the host, so
 * the same inputs give the same bits everywhere. The largest block the tiles cover is vectorised;
 * the rows/columns left over (fewer than a tile) are summed by plain loops, in their own fixed order.
 *
 *  forward  y[r][o]  = Σ_i x[r][i]·w[o][i] + b[o]   tiles of 2 rows × 4 outputs, lanes along i,
 *                                                   reduced across lanes at the end of the row;
 *  weights  dw[o][i] = Σ_r dy[r][o]·x[r][i]         tiles of 4 outputs × 2 vectors of i, lanes along i;
 *  inputs   dx[r][i] = Σ_o dy[r][o]·w[o][i]         tiles of 4 rows × 2 vectors of i, lanes along i;
 *  bias     db[o]    = Σ_r dy[r][o]                 lanes along o.
 * Each takes a range of what it writes (outputs, or dx's input columns) so two threads can share a
 * layer; the ranges start on tile boundaries and every value is summed by the same code wherever
 * the range splits, so results are identical for any number of threads.
 */
import { lanes, tailMask, zero } from './lanes';

/**
 * y = x Wᵀ + b for outputs [oFrom, oTo) (oFrom a multiple of 4). Any split of the outputs computes
 * every output with the same tile, so the bits do not depend on it.
 */
export function denseForward<T>(x: usize, rows: i32, nIn: i32, nOut: i32, w: usize, b: usize, y: usize, oFrom: i32, oTo: i32): void {
  const S = <usize>sizeof<T>();
  const L = lanes<T>();
  const rowIn = <usize>nIn * S;
  const rowOut = <usize>nOut * S;
  const full = <usize>(nIn / L) << 4;
  // Inputs past the last whole vector: one more vector ending at the row's end, with the lanes the
  // whole vectors already counted masked out of the products.
  const tail = nIn % L;
  const tailAt = rowIn - 16;
  const mask = tailMask<T>(tail);
  const tiled = nIn >= L;
  const pairs = tiled ? rows & ~1 : 0;
  const quads = tiled ? nOut & ~3 : 0;
  const quadsTo = min(oTo, quads);
  for (let o = oFrom; o < quadsTo; o += 4) {
    const w0 = w + <usize>o * rowIn;
    const w1 = w0 + rowIn;
    const w2 = w1 + rowIn;
    const w3 = w2 + rowIn;
    const bo = b + <usize>o * S;
    for (let r = 0; r < pairs; r += 2) {
      const x0 = x + <usize>r * rowIn;
      const x1 = x0 + rowIn;
      let a00 = zero(), a01 = zero(), a02 = zero(), a03 = zero();
      let a10 = zero(), a11 = zero(), a12 = zero(), a13 = zero();
      for (let k: usize = 0; k < full; k += 16) {
        const u = v128.load(x0 + k);
        const v = v128.load(x1 + k);
        const p = v128.load(w0 + k);
        const q = v128.load(w1 + k);
        const s = v128.load(w2 + k);
        const t = v128.load(w3 + k);
        a00 = v128.add<T>(a00, v128.mul<T>(u, p));
        a01 = v128.add<T>(a01, v128.mul<T>(u, q));
        a02 = v128.add<T>(a02, v128.mul<T>(u, s));
        a03 = v128.add<T>(a03, v128.mul<T>(u, t));
        a10 = v128.add<T>(a10, v128.mul<T>(v, p));
        a11 = v128.add<T>(a11, v128.mul<T>(v, q));
        a12 = v128.add<T>(a12, v128.mul<T>(v, s));
        a13 = v128.add<T>(a13, v128.mul<T>(v, t));
      }
      if (tail != 0) {
        const u = v128.load(x0 + tailAt);
        const v = v128.load(x1 + tailAt);
        const p = v128.load(w0 + tailAt);
        const q = v128.load(w1 + tailAt);
        const s = v128.load(w2 + tailAt);
        const t = v128.load(w3 + tailAt);
        a00 = v128.add<T>(a00, v128.and(v128.mul<T>(u, p), mask));
        a01 = v128.add<T>(a01, v128.and(v128.mul<T>(u, q), mask));
        a02 = v128.add<T>(a02, v128.and(v128.mul<T>(u, s), mask));
        a03 = v128.add<T>(a03, v128.and(v128.mul<T>(u, t), mask));
        a10 = v128.add<T>(a10, v128.and(v128.mul<T>(v, p), mask));
        a11 = v128.add<T>(a11, v128.and(v128.mul<T>(v, q), mask));
        a12 = v128.add<T>(a12, v128.and(v128.mul<T>(v, s), mask));
        a13 = v128.add<T>(a13, v128.and(v128.mul<T>(v, t), mask));
      }
      const y0 = y + <usize>r * rowOut + <usize>o * S;
      storeSums4<T>(a00, a01, a02, a03, bo, y0);
      storeSums4<T>(a10, a11, a12, a13, bo, y0 + rowOut);
    }
  }
  // What the tiles left: the last odd row, the last 1–3 outputs, or everything for nIn < lanes.
  for (let r = 0; r < rows; r++) {
    const o0 = r < pairs ? max(oFrom, quads) : oFrom;
    const xr = x + <usize>r * rowIn;
    for (let o = o0; o < oTo; o++) {
      const wo = w + <usize>o * rowIn;
      let acc: T = 0;
      for (let k: usize = 0; k < rowIn; k += S) acc += load<T>(xr + k) * load<T>(wo + k);
      acc += load<T>(b + <usize>o * S);
      store<T>(y + <usize>r * rowOut + <usize>o * S, acc);
    }
  }
}

/** Lane sums of four accumulators (outputs o…o+3 of one row) plus their biases, stored at `dst`. */
// @ts-ignore: decorator
@inline function storeSums4<T>(a0: v128, a1: v128, a2: v128, a3: v128, bias: usize, dst: usize): void {
  if (sizeof<T>() == 4) {
    const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
    const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
    v128.store(dst, f32x4.add(f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7)), v128.load(bias)));
  } else {
    v128.store(dst, f64x2.add(f64x2.add(v128.shuffle<f64>(a0, a1, 0, 2), v128.shuffle<f64>(a0, a1, 1, 3)), v128.load(bias)));
    v128.store(dst, f64x2.add(f64x2.add(v128.shuffle<f64>(a2, a3, 0, 2), v128.shuffle<f64>(a2, a3, 1, 3)), v128.load(bias, 16)), 16);
  }
}

/**
 * dw and db (overwritten) for outputs [oFrom, oTo) (oFrom a multiple of 4) from the layer's input x
 * and the gradient dy of its output; as in the forward pass, a split changes no bits.
 */
export function denseWeightGradient<T>(x: usize, dy: usize, rows: i32, nIn: i32, nOut: i32, dw: usize, db: usize, oFrom: i32, oTo: i32): void {
  biasGradient<T>(dy, rows, nOut, db, oFrom, oTo);
  const S = <usize>sizeof<T>();
  const rowIn = <usize>nIn * S;
  const rowOut = <usize>nOut * S;
  const blocks = <usize>(nIn / (2 * lanes<T>())) << 5;
  const quads = nOut & ~3;
  const quadsTo = min(oTo, quads);
  for (let k: usize = 0; k < blocks; k += 32) {
    for (let o = oFrom; o < quadsTo; o += 4) {
      let a00 = zero(), a01 = zero(), a10 = zero(), a11 = zero();
      let a20 = zero(), a21 = zero(), a30 = zero(), a31 = zero();
      let xr = x + k;
      let gr = dy + <usize>o * S;
      for (let r = 0; r < rows; r++) {
        const u = v128.load(xr);
        const v = v128.load(xr, 16);
        const g0 = v128.load_splat<T>(gr);
        const g1 = v128.load_splat<T>(gr + S);
        const g2 = v128.load_splat<T>(gr + 2 * S);
        const g3 = v128.load_splat<T>(gr + 3 * S);
        a00 = v128.add<T>(a00, v128.mul<T>(g0, u));
        a01 = v128.add<T>(a01, v128.mul<T>(g0, v));
        a10 = v128.add<T>(a10, v128.mul<T>(g1, u));
        a11 = v128.add<T>(a11, v128.mul<T>(g1, v));
        a20 = v128.add<T>(a20, v128.mul<T>(g2, u));
        a21 = v128.add<T>(a21, v128.mul<T>(g2, v));
        a30 = v128.add<T>(a30, v128.mul<T>(g3, u));
        a31 = v128.add<T>(a31, v128.mul<T>(g3, v));
        xr += rowIn;
        gr += rowOut;
      }
      const d = dw + <usize>o * rowIn + k;
      v128.store(d, a00);
      v128.store(d, a01, 16);
      v128.store(d + rowIn, a10);
      v128.store(d + rowIn, a11, 16);
      v128.store(d + 2 * rowIn, a20);
      v128.store(d + 2 * rowIn, a21, 16);
      v128.store(d + 3 * rowIn, a30);
      v128.store(d + 3 * rowIn, a31, 16);
    }
  }
  for (let o = oFrom; o < oTo; o++) {
    const k0 = o < quads ? blocks : 0;
    for (let k = k0; k < rowIn; k += S) {
      let acc: T = 0;
      for (let r = 0; r < rows; r++) acc += load<T>(dy + <usize>r * rowOut + <usize>o * S) * load<T>(x + <usize>r * rowIn + k);
      store<T>(dw + <usize>o * rowIn + k, acc);
    }
  }
}

/** dx = dy W for input columns [iFrom, iTo) (iFrom a multiple of 2 vectors' lanes); a split changes no bits. */
export function denseInputGradient<T>(dy: usize, rows: i32, nIn: i32, nOut: i32, w: usize, dx: usize, iFrom: i32, iTo: i32): void {
  const S = <usize>sizeof<T>();
  const rowIn = <usize>nIn * S;
  const rowOut = <usize>nOut * S;
  const blocks = <usize>(nIn / (2 * lanes<T>())) << 5;
  const quads = rows & ~3;
  const from = <usize>iFrom * S;
  const to = <usize>iTo * S;
  const blocksTo = min(to, blocks);
  for (let k = from; k < blocksTo; k += 32) {
    for (let r = 0; r < quads; r += 4) {
      let a00 = zero(), a01 = zero(), a10 = zero(), a11 = zero();
      let a20 = zero(), a21 = zero(), a30 = zero(), a31 = zero();
      let wr = w + k;
      const g = dy + <usize>r * rowOut;
      for (let o: usize = 0; o < rowOut; o += S) {
        const u = v128.load(wr);
        const v = v128.load(wr, 16);
        const g0 = v128.load_splat<T>(g + o);
        const g1 = v128.load_splat<T>(g + rowOut + o);
        const g2 = v128.load_splat<T>(g + 2 * rowOut + o);
        const g3 = v128.load_splat<T>(g + 3 * rowOut + o);
        a00 = v128.add<T>(a00, v128.mul<T>(g0, u));
        a01 = v128.add<T>(a01, v128.mul<T>(g0, v));
        a10 = v128.add<T>(a10, v128.mul<T>(g1, u));
        a11 = v128.add<T>(a11, v128.mul<T>(g1, v));
        a20 = v128.add<T>(a20, v128.mul<T>(g2, u));
        a21 = v128.add<T>(a21, v128.mul<T>(g2, v));
        a30 = v128.add<T>(a30, v128.mul<T>(g3, u));
        a31 = v128.add<T>(a31, v128.mul<T>(g3, v));
        wr += rowIn;
      }
      const d = dx + <usize>r * rowIn + k;
      v128.store(d, a00);
      v128.store(d, a01, 16);
      v128.store(d + rowIn, a10);
      v128.store(d + rowIn, a11, 16);
      v128.store(d + 2 * rowIn, a20);
      v128.store(d + 2 * rowIn, a21, 16);
      v128.store(d + 3 * rowIn, a30);
      v128.store(d + 3 * rowIn, a31, 16);
    }
  }
  for (let r = 0; r < rows; r++) {
    const k0 = r < quads ? max(from, blocks) : from;
    for (let k = k0; k < to; k += S) {
      let acc: T = 0;
      for (let o = 0; o < nOut; o++) acc += load<T>(dy + <usize>r * rowOut + <usize>o * S) * load<T>(w + <usize>o * rowIn + k);
      store<T>(dx + <usize>r * rowIn + k, acc);
    }
  }
}

/** db[o] = Σ_r dy[r][o], rows in order, for outputs [oFrom, oTo) (oFrom a multiple of 4). */
function biasGradient<T>(dy: usize, rows: i32, nOut: i32, db: usize, oFrom: i32, oTo: i32): void {
  const S = <usize>sizeof<T>();
  const rowOut = <usize>nOut * S;
  const from = <usize>oFrom * S;
  const to = <usize>oTo * S;
  const full = min(to, <usize>(nOut / lanes<T>()) << 4);
  for (let k = from; k < full; k += 16) {
    let acc = zero();
    for (let r = 0; r < rows; r++) acc = v128.add<T>(acc, v128.load(dy + <usize>r * rowOut + k));
    v128.store(db + k, acc);
  }
  for (let k = max(from, full); k < to; k += S) {
    let acc: T = 0;
    for (let r = 0; r < rows; r++) acc += load<T>(dy + <usize>r * rowOut + k);
    store<T>(db + k, acc);
  }
}
