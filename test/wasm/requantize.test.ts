/**
 * The fixed-point arithmetic of the runtime, built from the repository's asconfig.json entry
 * (runtime/index.ts, `npm run asbuild`), against the golden reference on random and edge operands:
 * scalar MBQM (any multiplier, including the INT32_MIN saturation), the SIMD four-channel MBQM with
 * the shift as two factors (multipliers ≥ 0, as in every fully-connected layer), and the 64-bit MBQM.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { shiftFactors } from '../../compiler/ops/fully-connected/pack-simd.js';
import { splitShift } from '../../compiler/ops/fully-connected/prepare.js';
import { INT32_MAX, INT32_MIN, multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from '../../compiler/ops/fixed-point.js';
import { Rng } from '../../compiler/rng.js';

interface RuntimeExports {
  memory: WebAssembly.Memory;
  scratchPointer(): number;
  SCRATCH_BYTES: WebAssembly.Global;
  mbqmScalar(x: number, multiplier: number, shift: number): number;
  mbqm64Scalar(x: bigint, multiplier: number, shift: number): number;
  requantizeSimd(acc: number, multiplier: number, leftFactor: number, rightFactor: number, out: number, count: number): void;
}

let runtime: RuntimeExports;

/** Builds asconfig.json's release target with the compiler API, keeping the binary in memory. */
async function buildRuntime(): Promise<Uint8Array<ArrayBuffer>> {
  const ascModule = 'assemblyscript/asc';
  const asc = (await import(ascModule)) as {
    main(argv: string[], options: Record<string, unknown>): Promise<{ error: Error | null; stderr: { toString(): string } }>;
  };
  let binary: Uint8Array | null = null;
  const result = await asc.main(['--config', 'asconfig.json', '--target', 'release', '--noColors'], {
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
    },
  });
  if (result.error || !binary) throw new Error(`asconfig.json build failed: ${result.error?.message}\n${result.stderr.toString()}`);
  return new Uint8Array(binary);
}

beforeAll(async () => {
  const module = new WebAssembly.Module(await buildRuntime());
  expect(WebAssembly.Module.imports(module)).toEqual([]);
  runtime = new WebAssembly.Instance(module, {}).exports as unknown as RuntimeExports;
});

const EDGE_X = [INT32_MIN, INT32_MIN + 1, -(2 ** 30), -65537, -256, -3, -2, -1, 0, 1, 2, 3, 255, 65536, 2 ** 30, INT32_MAX - 1, INT32_MAX];
const EDGE_M = [0, 1, 2 ** 30, 2 ** 30 + 1, 1518500250, INT32_MAX - 1, INT32_MAX];

function randomInt32(rng: Rng): number {
  // Mostly the magnitudes accumulators have, sometimes anything.
  return rng.int(4) === 0 ? rng.nextUint32() | 0 : Math.round((rng.uniform() * 2 - 1) * 2 ** (8 + rng.int(20)));
}

describe('runtime fixed-point arithmetic equals the golden reference', () => {
  it('scalar MBQM: edges × every shift, 200,000 random triples, negative multipliers and INT32_MIN', () => {
    const rng = new Rng(11);
    const check = (x: number, m: number, s: number) => {
      const got = runtime.mbqmScalar(x, m, s);
      const want = multiplyByQuantizedMultiplier(x, m, s);
      if (got !== want) expect({ x, m, s, got }).toEqual({ x, m, s, got: want });
    };
    for (const x of EDGE_X) for (const m of [...EDGE_M, -1, -(2 ** 30), INT32_MIN]) for (let s = -31; s <= 30; s++) check(x, m, s);
    check(INT32_MIN, INT32_MIN, 0);
    for (let k = 0; k < 200_000; k++) check(randomInt32(rng), rng.nextUint32() | 0, rng.int(62) - 31);
  });

  it('SIMD MBQM (four channels, shift as factors): edges × every shift, 400,000 random channels', () => {
    const rng = new Rng(12);
    const base = runtime.scratchPointer();
    const n = 4096;
    const view = new Int32Array(runtime.memory.buffer, base, 5 * n);
    const [acc, mult, left, right, out] = [0, 1, 2, 3, 4].map((k) => view.subarray(k * n, (k + 1) * n));
    const triples: [number, number, number][] = [];
    for (const x of EDGE_X) for (const m of EDGE_M) for (let s = -31; s <= 30; s++) triples.push([x, m, s]);
    while (triples.length < 400_000) triples.push([randomInt32(rng), rng.int(8) === 0 ? 0 : 2 ** 30 + rng.int(2 ** 30), rng.int(62) - 31]);
    let mismatches = 0;
    let first: unknown = null;
    for (let start = 0; start < triples.length; start += n) {
      const count = Math.min(n, triples.length - start) & ~3;
      for (let i = 0; i < count; i++) {
        const [x, m, s] = triples[start + i];
        const f = shiftFactors(splitShift(s));
        acc[i] = x;
        mult[i] = m;
        left[i] = f.leftFactor;
        right[i] = f.rightFactor;
      }
      runtime.requantizeSimd(acc.byteOffset, mult.byteOffset, left.byteOffset, right.byteOffset, out.byteOffset, count);
      for (let i = 0; i < count; i++) {
        const [x, m, s] = triples[start + i];
        const want = multiplyByQuantizedMultiplier(x, m, s);
        if (out[i] !== want) {
          mismatches++;
          first ??= { x, m, s, got: out[i], want };
        }
      }
    }
    expect(first).toBeNull();
    expect(mismatches).toBe(0);
  });

  it('64-bit MBQM (16x8): accumulators up to 2^47, shifts −31…7', () => {
    const rng = new Rng(13);
    const edges = [-(2 ** 47) + 1, -(2 ** 40), -65536, -1, 0, 1, 32767, 2 ** 40, 2 ** 47 - 1];
    const check = (x: number, m: number, s: number) => {
      const got = runtime.mbqm64Scalar(BigInt(x), m, s);
      const want = multiplyByQuantizedMultiplier64(x, m, s);
      if (got !== want) expect({ x, m, s, got }).toEqual({ x, m, s, got: want });
    };
    for (const x of edges) for (const m of [...EDGE_M, 0x7fff0000, 0x7ffeffff]) for (let s = -31; s <= 7; s++) check(x, m, s);
    for (let k = 0; k < 50_000; k++) check(Math.round((rng.uniform() * 2 - 1) * 2 ** (10 + rng.int(37))), rng.int(2 ** 31), rng.int(39) - 31);
  });
});
