/**
 * Renders the model's AssemblyScript program: one call to a runtime kernel per IR layer, every
 * address, size, zero point and bound an immediate read from the IR and the memory layout. The
 * constants themselves are not in the source; they become data segments (link-module.ts), so the
 * program is the same size whatever the number of weights.
 */
import { type AnomalyDecision, type QModel, anomalyDecision, codeDecision } from '../../ir/qmodel.js';
import type { WasmLayerAddresses } from '../../ops/op-definition.js';
import { DTYPE_RANGE, type QTensor } from '../../ops/op-types.js';
import type { QLayer } from '../../ops/quantized-op-types.js';
import { quantizedOp } from '../../ops/quantized-ops.js';
import { type CommentText, comment, generatedHeader } from '../render.js';
import { type WasmMemoryLayout, targetStandardization } from './layout-memory.js';

/** The program's entry file name; the runtime kernels sit next to it under `runtime/`. */
export const PROGRAM_FILE = 'model.ts';

/** Every WebAssembly export of an emitted module (besides `memory`), documented in docs/wasm.md. */
export const MODULE_EXPORTS = [
  'run',
  'predictFloat',
  'unstandardizeOutput',
  'INPUT_FEATURES',
  'OUTPUT_FEATURES',
  'INPUT_OFFSET',
  'OUTPUT_OFFSET',
  'FLOAT_IO_OFFSET',
  'ARENA_BYTES',
  'MODEL_ID',
] as const;

/** Exported besides MODULE_EXPORTS when the IR has decision thresholds. */
export const DECISION_EXPORTS = ['decide'] as const;
/** Exported besides MODULE_EXPORTS when the IR has an autoencoder decision. */
export const ANOMALY_EXPORTS = ['anomalyScore'] as const;

export function renderProgram(q: QModel, layout: WasmMemoryLayout, simd: boolean, command: string): string {
  const first = q.layers[0].input;
  const last = q.layers[q.layers.length - 1].output;
  const calls = q.layers.map((layer, i) => renderLayer(layer, i, layout.layers[i], simd, layout.workspaceOffset));
  const imports = new Map<string, Set<string>>();
  const use = (file: string, name: string): void => {
    if (!imports.has(file)) imports.set(file, new Set());
    imports.get(file)?.add(name);
  };
  for (const c of calls) use(c.file, c.kernel);
  const io = simd
    ? { file: 'io-simd', quantize: 'quantizeInputSimd', dequantize: 'dequantizeOutputSimd', unstandardize: 'unstandardizeValuesSimd' }
    : { file: 'io', quantize: 'quantizeInput', dequantize: 'dequantizeOutput', unstandardize: 'unstandardizeValues' };
  use(io.file, io.quantize);
  use(io.file, io.dequantize);
  const target = targetStandardization(q);
  if (target) use(io.file, io.unstandardize);
  if (anomalyDecision(q)) {
    use('io', 'quantizeInput');
    use('fixed-point', 'mbqm');
    use('fixed-point', 'clampI32');
  }
  const importLines = [...imports.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, names]) => `import { ${[...names].sort().join(', ')} } from './runtime/${file}';`);
  const inputOffset = layout.layers[0].input;
  const outputOffset = layout.layers[layout.layers.length - 1].output;
  const { min, max } = DTYPE_RANGE[first.dtype];
  return [
    generatedHeader(q, command, [comment`AssemblyScript program (${simd ? 'SIMD' : 'scalar'} kernels); compiled in memory, not written out.`]),
    ...importLines,
    '',
    `export const INPUT_FEATURES: i32 = ${first.features};`,
    `export const OUTPUT_FEATURES: i32 = ${last.features};`,
    `/** Byte address of the quantized input tensor (${first.dtype}[${first.features}]). */`,
    `export const INPUT_OFFSET: i32 = ${inputOffset};`,
    `/** Byte address of the quantized output tensor (${last.dtype}[${last.features}]). */`,
    `export const OUTPUT_OFFSET: i32 = ${outputOffset};`,
    `/** Byte address of the workspace (${layout.workspaceBytes} bytes): predictFloat's float32 input and output. */`,
    `export const FLOAT_IO_OFFSET: i32 = ${layout.workspaceOffset};`,
    `export const ARENA_BYTES: i32 = ${layout.arenaBytes};`,
    `/** The first 8 hex digits of the quantized IR hash ${q.hash}. */`,
    `export const MODEL_ID: i32 = ${modelId(q.hash)};`,
    '',
    '/** Runs every layer on the quantized input at INPUT_OFFSET; the result is at OUTPUT_OFFSET. */',
    'export function run(): void {',
    ...calls.flatMap((c) => [`  // ${c.comment}`, `  ${c.code}`]),
    '}',
    '',
    `/** float32[${first.features}] at FLOAT_IO_OFFSET → quantize → run → dequantized float32[${last.features}] at FLOAT_IO_OFFSET. */`,
    'export function predictFloat(): void {',
    `  ${io.quantize}(${layout.workspaceOffset}, ${inputOffset}, ${first.features}, ${layout.meanOffset}, ${layout.stdOffset}, ${f32(first.scale)}, ${first.zeroPoint}, ${min}, ${max}, ${first.dtype === 'int16'});`,
    '  run();',
    `  ${io.dequantize}(${outputOffset}, ${layout.workspaceOffset}, ${last.features}, ${f32(last.scale)}, ${last.zeroPoint}, ${last.dtype === 'int16'});`,
    '}',
    '',
    target
      ? `/** float32[${last.features}] at FLOAT_IO_OFFSET (predictFloat's output) → f32(f32(y · std) + mean) in place: the regression head, values in the target's units. */`
      : '/** The regression head: nothing to do, this IR has no target standardization. */',
    'export function unstandardizeOutput(): void {',
    ...(target ? [`  ${io.unstandardize}(${layout.workspaceOffset}, ${last.features}, ${layout.targetMeanOffset}, ${layout.targetStdOffset});`] : []),
    '}',
    '',
    ...(codeDecision(q) ? renderDecide(q.decision!.codes, last, outputOffset) : []),
    ...(anomalyDecision(q) ? renderAnomalyScore(anomalyDecision(q)!, first, last, { io: 'quantizeInput', workspace: layout.workspaceOffset, output: outputOffset, mean: layout.meanOffset, std: layout.stdOffset }) : []),
  ].join('\n');
}

/**
 * `decide(label)`: 1 when the output code of `label` (left at OUTPUT_OFFSET by run) is at least its
 * threshold code (the IR's `decision.codes`), else 0; an out-of-range label is 0. Integers only, as
 * the C `<name>_predict_class`.
 */
function renderDecide(codes: number[], output: QTensor, outputOffset: number): string[] {
  const load = output.dtype === 'int16' ? `<i32>load<i16>(${outputOffset} + (label << 1))` : `<i32>load<i8>(${outputOffset} + label)`;
  return [
    '/** 1 when output `label` reaches its decision threshold code (the IR\'s decision.codes), else 0. */',
    'export function decide(label: i32): i32 {',
    `  if (label < 0 || label >= ${codes.length}) return 0;`,
    `  const code = ${load};`,
    `  let threshold: i32 = ${i32(codes[0])};`,
    ...codes.slice(1).map((c, j) => `  if (label == ${j + 1}) threshold = ${i32(c)};`),
    '  return <i32>(code >= threshold);',
    '}',
    '',
  ];
}

/**
 * `anomalyScore()`: the integer anomaly score (compiler/reference/anomaly-score.ts) of the row whose
 * float32 features the caller wrote at FLOAT_IO_OFFSET again after predictFloat (the arena's input
 * slot is reused by later layers, so the input codes are not kept): they are quantized in place, as
 * predictFloat quantizes them (a code is never wider than the float it replaces, so each float is
 * read before it is overwritten; the scalar loop, which reads element i before writing it), re-quantized to the output's scale and compared with the output
 * codes run left at OUTPUT_OFFSET. Summed in u64; an f64 holds it exactly (the IR bounds it below 2^53).
 */
function renderAnomalyScore(
  decision: AnomalyDecision,
  input: QTensor,
  output: QTensor,
  at: { io: string; workspace: number; output: number; mean: number; std: number },
): string[] {
  const inRange = DTYPE_RANGE[input.dtype];
  const outRange = DTYPE_RANGE[output.dtype];
  const loadIn = input.dtype === 'int16' ? `<i32>load<i16>(${at.workspace} + (j << 1))` : `<i32>load<i8>(${at.workspace} + j)`;
  const loadOut = output.dtype === 'int16' ? `<i32>load<i16>(${at.output} + (j << 1))` : `<i32>load<i8>(${at.output} + j)`;
  const { multiplier, shift } = decision.requantize;
  return [
    '/** The integer anomaly score of the row re-written at FLOAT_IO_OFFSET against the output codes at OUTPUT_OFFSET. */',
    'export function anomalyScore(): f64 {',
    `  ${at.io}(${at.workspace}, ${at.workspace}, ${input.features}, ${at.mean}, ${at.std}, ${f32(input.scale)}, ${input.zeroPoint}, ${inRange.min}, ${inRange.max}, ${input.dtype === 'int16'});`,
    '  let score: u64 = 0;',
    `  for (let j: i32 = 0; j < ${output.features}; j++) {`,
    `    const target = clampI32(mbqm(${loadIn} - ${i32(input.zeroPoint)}, ${i32(multiplier)}, ${shift}) + ${i32(output.zeroPoint)}, ${outRange.min}, ${outRange.max});`,
    `    const d = <i64>(${loadOut} - target);`,
    '    score += <u64>(d * d);',
    '  }',
    '  return <f64>score;',
    '}',
    '',
  ];
}

interface KernelCall {
  file: string;
  kernel: string;
  code: string;
  comment: CommentText;
}

/** One layer's kernel call, as its op places it (compiler/ops/<op>/, `wasm.call`). */
function renderLayer(layer: QLayer, index: number, at: WasmLayerAddresses, simd: boolean, workspace: number): KernelCall {
  const def = quantizedOp(layer);
  const { file, kernel, args } = def.wasm.call(layer, def.prepare(layer), at, { simd, workspace });
  return {
    file,
    kernel,
    comment: comment`layers[${index}] '${layer.name}': ${layer.op} ${describe(layer.input)} -> ${describe(layer.output)}`,
    code: `${kernel}(${args.map((a) => (typeof a === 'number' ? i32(a) : String(a))).join(', ')});`,
  };
}

function describe(t: QTensor): string {
  return `${t.dtype}[${t.features}]`;
}

/** An i32 immediate; INT32_MIN has no positive literal to negate. */
function i32(v: number): string {
  return v === -2147483648 ? 'i32.MIN_VALUE' : String(v);
}

/** A float32 immediate by its bit pattern: exact by construction (the IR's scales are float32 values). */
function f32(v: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v, true);
  return `reinterpret<f32>(<i32>0x${view.getUint32(0, true).toString(16).padStart(8, '0')})`;
}

export function modelId(hash: string): number {
  return Number.parseInt(hash.slice(0, 8), 16) | 0;
}
