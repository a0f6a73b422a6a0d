/**
 * The C emitter's contract without compiling: the file set and API, deterministic bytes, header
 * comments, what the integer path may not contain, and loud errors for IRs and names it cannot emit.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitC, renderC } from '../../compiler/emit/c/emit-c.js';
import { planMemory } from '../../compiler/plan/plan-memory.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import type { SoftmaxLayer } from '../../compiler/ops/softmax/ir.js';
import { sealQModel } from '../../compiler/quantize/seal.js';
import { FIRMNET_VERSION } from '../../compiler/version.js';
import { loadVectors } from '../helpers/vectors.js';
import { KERNEL_DIR, KERNEL_FILES, KERNEL_FILE_PATHS } from '../../compiler/emit/c/kernel-sources.js';
import { modelIdentifier } from '../../compiler/model/model-name.js';
import { removeDir, tempDir } from './c-build.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

const vectors = loadVectors();
const vector = (name: string): QModel => {
  const v = vectors.find((x) => x.name === name);
  if (!v) throw new Error(`vector ${name} missing`);
  return v.qmodel;
};

let work: string;
beforeAll(() => {
  work = tempDir('emit');
});
afterAll(() => removeDir(work));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

describe('emitC output', () => {
  it('writes the documented files and reports sizes from the shared memory plan', () => {
    const q = vector('iris-relu');
    const dir = join(work, 'files');
    const r = emitC(q, dir, { command: 'firmnet emit iris.q.json --target c --out build/c/' });
    // The model's own files and the build glue, and every kernel file (each op's `c.kernelFiles`, checked
    // against runtime/c/ below) next to them.
    const expected = [
      'CMakeLists.txt',
      'example/Makefile',
      'example/main.c',
      'iris_relu.c',
      'iris_relu.h',
      'iris_relu_data.h',
      'iris_relu_predict.c',
      'library.json',
      'zephyr/CMakeLists.txt',
      'zephyr/Kconfig',
      'zephyr/module.yml',
      ...KERNEL_FILES,
    ].sort();
    expect(KERNEL_FILES).toEqual(expect.arrayContaining(['firmnet_dense.c', 'firmnet_dense_dot.h', 'firmnet_dense_s4.c', 'firmnet_fixed_point.c', 'firmnet_kernels.h', 'firmnet_leaky_relu.c', 'firmnet_lut.c', 'firmnet_softmax.c']));
    expect(r.files).toEqual(expected);
    expect(listFiles(dir)).toEqual(expected);
    expect(r.arenaBytes).toBe(planMemory(q).arenaBytes);
    const fc = q.layers.filter((l) => l.op === 'fully_connected');
    // Grouped int8 weights (inputs padded to a multiple of 8, rows to a multiple of 4), per padded row an int32 bias and an 8-byte requantization record.
    expect(fc.every((l) => l.input.dtype === 'int8')).toBe(true);
    const padded = (n: number, step: number): number => Math.ceil(n / step) * step;
    expect(r.weightBytes).toBe(fc.reduce((s, l) => s + padded(l.inFeatures, 8) * padded(l.outFeatures, 4) + 12 * padded(l.outFeatures, 4), 0));
    const header = readFileSync(join(dir, 'iris_relu.h'), 'utf8');
    expect(header).toContain('void iris_relu_invoke(const int8_t *in, int8_t *out);');
    expect(header).toContain('void iris_relu_predict(const float *in, float *out);');
    for (const macro of [`IRIS_RELU_INPUT_SIZE 4 `, `IRIS_RELU_OUTPUT_SIZE 3 `, `IRIS_RELU_ARENA_BYTES ${r.arenaBytes} `, `IRIS_RELU_WEIGHT_BYTES ${r.weightBytes} `, 'IRIS_RELU_CLASS_COUNT 3']) {
      expect(header).toContain(`#define ${macro}`);
    }
    expect(header).toContain(`#define IRIS_RELU_INPUT_ZERO_POINT ${q.layers[0].input.zeroPoint < 0 ? `(${q.layers[0].input.zeroPoint})` : q.layers[0].input.zeroPoint}`);
    expect(header).toContain('extern const char *const iris_relu_class_names[IRIS_RELU_CLASS_COUNT];');
  });

  it('names the invoke function after its dtypes when an end is int16', () => {
    const cases: [string, string][] = [
      ['iris-int16-all', 'void iris_int16_all_invoke_s16_s16(const int16_t *in, int16_t *out);'],
      ['fc-int16-in', 'void fc_int16_in_invoke_s16_s8(const int16_t *in, int8_t *out);'],
      ['fc-int16-out', 'void fc_int16_out_invoke_s8_s16(const int8_t *in, int16_t *out);'],
    ];
    for (const [name, prototype] of cases) {
      const files = renderC(vector(name), {});
      const header = files.get(files.meta.names.header) ?? '';
      expect(header).toContain(prototype);
      expect(header).toContain(`#define ${files.meta.names.macro}_INVOKE ${files.meta.names.invoke}`);
      expect(header).not.toMatch(/_invoke\(const int8_t/);
    }
  });

  it('is deterministic: same IR and command give the same bytes, wherever they are written', () => {
    const q = vector('digits-gelu-mixed');
    const a = emitC(q, join(work, 'det-a'), { command: 'cmd' });
    const b = emitC(q, join(work, 'nested', 'det-b'), { command: 'cmd' });
    for (const f of a.files) expect(readFileSync(join(a.outDir, f)), f).toEqual(readFileSync(join(b.outDir, f)));
    const again = renderC(q, { command: 'cmd' });
    for (const [f, text] of again) expect(text, f).toBe(readFileSync(join(a.outDir, f), 'utf8'));
  });

  it('starts every file with the firmnet version, the model hash and the command', () => {
    const q = vector('softmax-int8');
    const command = 'firmnet emit s.q.json --target c --out build/c/';
    for (const [file, text] of renderC(q, { command })) {
      if (file === 'library.json') {
        // JSON has no comments: the manifest names its generator and the IR in its fields.
        const manifest = JSON.parse(text);
        expect([manifest.generator, manifest.description]).toEqual([`firmnet ${FIRMNET_VERSION}`, expect.stringContaining(`IR ${q.hash}`)]);
        continue;
      }
      const head = text.split('\n').slice(0, 6).join('\n');
      expect(head, file).toContain(`Generated by firmnet ${FIRMNET_VERSION}`);
      expect(head, file).toContain(`quantized IR hash ${q.hash}`);
      expect(head, file).toContain(`Command: ${command}`);
      expect(text.startsWith(/\.[ch]$/.test(file) ? '/*' : '#'), file).toBe(true);
    }
  });

  it('keeps the integer path free of float, allocation and stdio', () => {
    for (const v of vectors) {
      const files = renderC(v.qmodel, {});
      const { names } = files.meta;
      for (const f of [...KERNEL_FILES, names.source, names.dataHeader]) {
        const code = (files.get(f) ?? '').replace(/\/\*[\s\S]*?\*\//g, '');
        expect(code, `${v.name} ${f}`).not.toMatch(/\b(float|double|malloc|calloc|realloc|free|alloca|printf|stdio|math\.h)\b/);
      }
    }
  });

  it('copies every file of runtime/c/ and of the ops’ own kernel folders unchanged below its generated header', () => {
    const dirs = [...new Set([...KERNEL_FILE_PATHS.values()].map((p) => dirname(p)))].sort();
    expect(dirs[dirs.length - 1], 'runtime/c/ is one of the kernel folders').toBe(KERNEL_DIR);
    const listed = dirs.flatMap((d) => readdirSync(d).filter((f) => !f.startsWith('.')).map((f) => `${d}/${f}`)).sort();
    expect([...KERNEL_FILE_PATHS.values()].sort(), 'kernel-sources.ts lists exactly the files in the kernel folders').toEqual(listed);
    const files = renderC(vector('iris-relu'), { command: 'cmd' });
    for (const [f, path] of KERNEL_FILE_PATHS) {
      const text = files.get(f) ?? '';
      const source = readFileSync(path, 'utf8');
      expect(text.endsWith(`*/\n\n${source}`), f).toBe(true);
      expect(text.slice(0, text.length - source.length), f).toContain(`Copied from firmnet's ${dirname(path)}/`);
    }
  });

  it('writes the IR\'s weights, multipliers and shifts in the grouped layout, and folds the input zero point into the bias', () => {
    const q = vector('digits-leaky-per-tensor');
    const files = renderC(q, {});
    const data = files.get(files.meta.names.dataHeader) ?? '';
    const arrayOf = (name: string): number[] => {
      const m = new RegExp(`${name}\\[[^\\]]*\\][^=]*= \\{([^}]*)\\}`).exec(data);
      if (!m) throw new Error(`${name} not found`);
      // The weights' lines are FIRMNET_DENSE_S8_BLOCK(b0, ..., b15): the grouped block, which the build's layout header orders.
      const values = m[1].replace(/FIRMNET_DENSE_S8_BLOCK\(([^)]*)\)/g, '$1');
      return values.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => Number(s.replace(/^\(-2147483647 - 1\)$/, '-2147483648')));
    };
    q.layers.forEach((l, i) => {
      if (l.op !== 'fully_connected') return;
      const inPadded = Math.ceil(l.inFeatures / 8) * 8;
      const outPadded = Math.ceil(l.outFeatures / 4) * 4;
      const grouped = arrayOf(`digits_leaky_per_tensor_w${i}`);
      expect(grouped.length).toBe(inPadded * outPadded);
      expect(data.match(new RegExp(`digits_leaky_per_tensor_w${i}\\[[^\\]]*\\][^=]*= \\{([^}]*)\\}`))![1].match(/FIRMNET_DENSE_S8_BLOCK\((\s*\d+,){15}\s*\d+\)/g)?.length, 'one block macro per 16 bytes').toBe(grouped.length / 16);
      // Byte (row c, input k) of the grouped layout (firmnet_kernels.h), back in [out][in] order; every other byte is a zero weight (128).
      const at = (c: number, k: number): number => Math.floor(c / 4) * 4 * inPadded + (k >> 2) * 16 + (c % 4) * 4 + (k & 3);
      const used = new Set<number>();
      const weights = Array.from({ length: l.outFeatures * l.inFeatures }, (_, j) => {
        const index = at(Math.floor(j / l.inFeatures), j % l.inFeatures);
        used.add(index);
        return grouped[index] - 128;
      });
      expect(weights).toEqual(l.weights);
      expect(grouped.filter((_, index) => !used.has(index)).every((v) => v === 128)).toBe(true);
      // int8 input: the bias carries the input zero point and the weights' offset, bias[c] − (zp + 128)·Σ_i w[c][i] wrapped to int32.
      const folded = l.bias.map((b, c) => {
        const rowSum = l.weights.slice(c * l.inFeatures, (c + 1) * l.inFeatures).reduce((a, w) => a + w, 0);
        return Number(BigInt.asIntN(32, BigInt(b) - BigInt(l.input.zeroPoint + 128) * BigInt(rowSum)));
      });
      expect(l.input.zeroPoint, 'a non-zero zero point makes the folding visible').not.toBe(0);
      expect(arrayOf(`digits_leaky_per_tensor_b${i}`).slice(0, l.outFeatures)).toEqual(folded);
      const records = arrayOf(`digits_leaky_per_tensor_rq${i}`);
      expect(records.filter((_, k) => k % 2 === 0).slice(0, l.outFeatures)).toEqual(l.multiplier);
      expect(records.filter((_, k) => k % 2 === 1).slice(0, l.outFeatures).map((p) => (p >> 16) - (p & 0xff))).toEqual(l.shift);
    });
  });
});

describe('emitC errors', () => {
  it('rejects an IR changed after quantization (hash mismatch) with the field named', () => {
    const q = structuredClone(vector('iris-relu'));
    const layer = q.layers[0];
    if (layer.op !== 'fully_connected') throw new Error('unexpected');
    layer.weights[0] = layer.weights[0] === 1 ? 2 : 1;
    expectFirmnetError(() => renderC(q, {}), 'BAD_IR_FILE', /layers\[0\]\.hash/);
  });

  it('rejects a softmax table that could make a row sum to zero', () => {
    const base = vector('softmax-int8');
    const { hash: _h, layers, ...rest } = structuredClone(base);
    const softmax = layers[0] as SoftmaxLayer;
    const { hash: _lh, ...unsealed } = softmax;
    const q = sealQModel({ ...rest, layers: [{ ...unsealed, expTable: [0, ...softmax.expTable.slice(1)] }] });
    expectFirmnetError(() => renderC(q, {}), 'BAD_IR_FILE', /expTable\[0\]: must be 32768/);
  });

  it('rejects names that would collide with the kernel or standard headers, or are not C identifiers', () => {
    const q = vector('iris-relu');
    // firmnet_<op>.c/.h are the kernel files beside the model's own: the whole firmnet_ prefix is reserved,
    // also in other cases (case-insensitive file systems would overwrite the kernel file too).
    for (const name of ['firmnet_kernels', 'firmnet_dense', 'Firmnet_Fixed_Point', 'firmnet_demo']) {
      expectFirmnetError(() => renderC(q, { name }), 'BAD_ARGUMENT', `model name '${name}' starts with 'firmnet_', which names firmnet's own kernel files`);
    }
    expect(modelIdentifier('firmnet-dense')).toBe('model_firmnet_dense');
    expect(renderC(q, { name: modelIdentifier('Firmnet_Fixed_Point') }).meta.names.prefix).toBe('model_Firmnet_Fixed_Point');
    expectFirmnetError(() => renderC(q, { name: 'stdint' }), 'BAD_ARGUMENT', /<stdint\.h>/);
    expectFirmnetError(() => renderC(q, { name: '__x' }), 'BAD_ARGUMENT', /reserves/);
    expect(renderC(q, { name: '3-axis model' }).meta.names.prefix).toBe('m_3_axis_model');
  });

  it('keeps names and commands with comment delimiters or quotes inside comments and strings', () => {
    const q = vector('iris-relu');
    const files = renderC(q, { command: 'firmnet emit "a*/b" --out /*x' });
    for (const [f, text] of files) {
      if (!/\.[ch]$/.test(f)) continue;
      const header = text.slice(0, text.indexOf('*/') + 2);
      expect(header, f).toContain('a* /b');
      expect(header, f).toContain('/ *x');
    }
  });
});
