/**
 * The float32 ceiling of the training kernels on this CPU: WebAssembly SIMD f32x4 multiply then add
 * (no fused multiply-add, which WebAssembly SIMD lacks and which would round differently), per core,
 * measured with CPU time so other load on the machine does not count.
 *   register  eight independent accumulators, operands in registers: the arithmetic units' limit;
 *   loads     the shape of a dense tile's inner loop: two weight vectors and four broadcast inputs
 *             loaded per eight multiply-adds (L1-resident).
 * And firmnet's dense layer itself (its kernels as training calls them) on the autoencoder's layer shapes.
 */
import { Dense } from '../compiler/nn/dense.js';
import { Network } from '../compiler/nn/network.js';
import { Rng } from '../compiler/rng.js';
import { median } from './stats.js';

const PEAK_SOURCE = `
export function registers(iterations: i32, seed: f32): f32 {
  const b = f32x4.splat(seed);
  const x = f32x4.splat(1.0001);
  const y = f32x4.splat(0.9999);
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (let i = 0; i < iterations; i++) {
    c0 = f32x4.add(c0, f32x4.mul(x, b)); c1 = f32x4.add(c1, f32x4.mul(y, b));
    c2 = f32x4.add(c2, f32x4.mul(x, b)); c3 = f32x4.add(c3, f32x4.mul(y, b));
    c4 = f32x4.add(c4, f32x4.mul(x, b)); c5 = f32x4.add(c5, f32x4.mul(y, b));
    c6 = f32x4.add(c6, f32x4.mul(x, b)); c7 = f32x4.add(c7, f32x4.mul(y, b));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(s, 0);
}
export function loads(iterations: i32, base: usize): f32 {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (let i = 0; i < iterations; i++) {
    const p = base + ((<usize>i & 63) << 5);
    const w0 = v128.load(p), w1 = v128.load(p, 16);
    const x0 = v128.load32_splat(p, 2048), x1 = v128.load32_splat(p, 2052), x2 = v128.load32_splat(p, 2056), x3 = v128.load32_splat(p, 2060);
    c0 = f32x4.add(c0, f32x4.mul(x0, w0)); c1 = f32x4.add(c1, f32x4.mul(x0, w1));
    c2 = f32x4.add(c2, f32x4.mul(x1, w0)); c3 = f32x4.add(c3, f32x4.mul(x1, w1));
    c4 = f32x4.add(c4, f32x4.mul(x2, w0)); c5 = f32x4.add(c5, f32x4.mul(x2, w1));
    c6 = f32x4.add(c6, f32x4.mul(x3, w0)); c7 = f32x4.add(c7, f32x4.mul(x3, w1));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(s, 0);
}
`;

interface AscApi {
  main(args: string[], options: { readFile: (name: string) => string | null; writeFile: (name: string, contents: Uint8Array | string) => void; listFiles: () => string[]; stdout: unknown; stderr: unknown }): Promise<{ error: Error | null }>;
  createMemoryStream(): { toString(): string };
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, (...args: number[]) => number> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** MAC per CPU-nanosecond of `run(iterations)`, median of 7 timed blocks after a warm-up. */
function macPerCpuNs(run: () => void, macs: number): number {
  run();
  const rates: number[] = [];
  for (let k = 0; k < 7; k++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    rates.push(macs / ((used.user + used.system) * 1000));
  }
  return median(rates);
}

export interface PeakFigures {
  registers: number;
  loads: number;
  dense: { label: string; forward: number; backward: number }[];
}

export async function measureF32x4Peak(): Promise<PeakFigures> {
  const asc = (await import('assemblyscript/asc' as string)) as AscApi;
  let binary: Uint8Array | null = null;
  const stderr = asc.createMemoryStream();
  const result = await asc.main(['peak.ts', '--config', 'none', '--enable', 'simd', '--runtime', 'stub', '-O3', '--noAssert', '--use', 'abort=', '--initialMemory', '1', '--maximumMemory', '1', '-o', 'peak.wasm'], {
    readFile: (name) => (name.replace(/^\.\//, '') === 'peak.ts' ? PEAK_SOURCE : null),
    writeFile: (name, contents) => {
      if (name === 'peak.wasm' && typeof contents !== 'string') binary = contents;
    },
    listFiles: () => [],
    stdout: asc.createMemoryStream(),
    stderr,
  });
  if (result.error || !binary) throw new Error(`peak kernel did not compile: ${result.error?.message ?? ''}\n${stderr.toString()}`);
  const peak = new wasm.Instance(new wasm.Module(binary), {}).exports;
  const iterations = 20_000_000;
  const figures: PeakFigures = {
    registers: macPerCpuNs(() => peak.registers(iterations, 0.5), iterations * 8 * 4),
    loads: macPerCpuNs(() => peak.loads(iterations, 1024), iterations * 8 * 4),
    dense: [],
  };
  for (const [rows, nIn, nOut] of [
    [64, 640, 128],
    [64, 128, 128],
    [64, 128, 640],
  ]) {
    // The layer as training runs it (packing included), on one thread.
    const dense = new Dense(nIn, nOut, 'float32', 0);
    dense.initialize('he', new Rng(1));
    const network = new Network([dense], { rows, inputGradient: true });
    const x = network.loadRows(Float32Array.from({ length: rows * nIn }, (_, i) => Math.sin(i)), Uint32Array.from({ length: rows }, (_, i) => i), 0, rows);
    const dy = network.outputGradientRows(rows);
    dy.data.forEach((_, i) => (dy.data[i] = Math.cos(i) * 0.1));
    const reps = Math.ceil(2e8 / (rows * nIn * nOut));
    figures.dense.push({
      label: `${rows} rows × ${nIn}→${nOut}`,
      forward: macPerCpuNs(() => {
        for (let i = 0; i < reps; i++) dense.forward(x, 'train');
      }, reps * rows * nIn * nOut),
      backward: macPerCpuNs(() => {
        for (let i = 0; i < reps; i++) dense.backward(dy, true);
      }, reps * rows * nIn * nOut * 2),
    });
  }
  return figures;
}
