/**
 * The entry of the precompiled kernel module (scripts/build-kernels.ts compiles it once per build,
 * SIMD and scalar): the functions an emitted model.wasm exports, reading the model from data the
 * emitter places in memory instead of from immediates. The model descriptor sits in the last
 * DESCRIPTOR_BYTES of linear memory (memory is fixed, so its place follows from memory.size());
 * it gives the model's ends, the workspace, the float I/O parameters, the decision data and the
 * address of the layer table, whose records `runLayer` dispatches to the kernels.
 *
 * `kernel-dispatch` is generated from the op registry for each build (the kernels every op's
 * `wasm.kernels` lists, the build's float I/O kernels and the descriptor's field offsets); it is
 * not a file of the package.
 */
import { clampI32, mbqm } from './fixed-point';
import { quantizeInput } from './io';
import {
  DESCRIPTOR_BYTES,
  D_ANOMALY_MULTIPLIER,
  D_ANOMALY_SHIFT,
  D_DECISION_CODES,
  D_DECISION_COUNT,
  D_HAS_TARGET,
  D_INPUT_FEATURES,
  D_INPUT_INT16,
  D_INPUT_MAX,
  D_INPUT_MIN,
  D_INPUT_OFFSET,
  D_INPUT_SCALE,
  D_INPUT_ZERO_POINT,
  D_LAYER_COUNT,
  D_LAYER_TABLE,
  D_MEAN,
  D_OUTPUT_FEATURES,
  D_OUTPUT_INT16,
  D_OUTPUT_MAX,
  D_OUTPUT_MIN,
  D_OUTPUT_OFFSET,
  D_OUTPUT_SCALE,
  D_OUTPUT_ZERO_POINT,
  D_STD,
  D_TARGET_MEAN,
  D_TARGET_STD,
  D_WORKSPACE,
  dequantizeRow,
  quantizeRow,
  runLayer,
  unstandardizeRow,
} from './kernel-dispatch';

// The emitter sets these immutable globals' values per model (compiler/emit/wasm/patch-module.ts);
// the code below never reads them, so the compiler keeps no copy of the placeholder.
export const INPUT_FEATURES: i32 = 0;
export const OUTPUT_FEATURES: i32 = 0;
export const INPUT_OFFSET: i32 = 0;
export const OUTPUT_OFFSET: i32 = 0;
export const FLOAT_IO_OFFSET: i32 = 0;
export const ARENA_BYTES: i32 = 0;
export const MODEL_ID: i32 = 0;

@inline function descriptor(): usize {
  return (<usize>memory.size() << 16) - DESCRIPTOR_BYTES;
}

@inline function field(d: usize, offset: usize): i32 {
  return load<i32>(d + offset);
}

@inline function address(d: usize, offset: usize): usize {
  return <usize>load<u32>(d + offset);
}

/** Runs every layer on the quantized input at INPUT_OFFSET; the result is at OUTPUT_OFFSET. */
export function run(): void {
  const d = descriptor();
  let record = address(d, D_LAYER_TABLE);
  const layers = field(d, D_LAYER_COUNT);
  for (let l = 0; l < layers; l++) record += runLayer(record);
}

/** float32 input at FLOAT_IO_OFFSET → quantize → run → dequantized float32 output at FLOAT_IO_OFFSET. */
export function predictFloat(): void {
  const d = descriptor();
  const workspace = address(d, D_WORKSPACE);
  quantizeRow(
    workspace,
    address(d, D_INPUT_OFFSET),
    field(d, D_INPUT_FEATURES),
    address(d, D_MEAN),
    address(d, D_STD),
    load<f32>(d + D_INPUT_SCALE),
    field(d, D_INPUT_ZERO_POINT),
    field(d, D_INPUT_MIN),
    field(d, D_INPUT_MAX),
    field(d, D_INPUT_INT16) != 0,
  );
  run();
  dequantizeRow(address(d, D_OUTPUT_OFFSET), workspace, field(d, D_OUTPUT_FEATURES), load<f32>(d + D_OUTPUT_SCALE), field(d, D_OUTPUT_ZERO_POINT), field(d, D_OUTPUT_INT16) != 0);
}

/** The regression head: predictFloat's output at FLOAT_IO_OFFSET → f32(f32(y · std) + mean) in place; nothing without target standardization. */
export function unstandardizeOutput(): void {
  const d = descriptor();
  if (field(d, D_HAS_TARGET) == 0) return;
  unstandardizeRow(address(d, D_WORKSPACE), field(d, D_OUTPUT_FEATURES), address(d, D_TARGET_MEAN), address(d, D_TARGET_STD));
}

@inline function loadCode(base: usize, index: i32, int16: bool): i32 {
  return int16 ? <i32>load<i16>(base + (<usize>index << 1)) : <i32>load<i8>(base + <usize>index);
}

/**
 * 1 when the output code of `label` (left at OUTPUT_OFFSET by run) is at least its threshold code
 * (the IR's decision.codes), else 0; an out-of-range label is 0. Integers only, as the C
 * `<name>_predict_class`. Exported only by a module whose IR has decision thresholds.
 */
export function decide(label: i32): i32 {
  const d = descriptor();
  if (label < 0 || label >= field(d, D_DECISION_COUNT)) return 0;
  const code = loadCode(address(d, D_OUTPUT_OFFSET), label, field(d, D_OUTPUT_INT16) != 0);
  return <i32>(code >= load<i32>(address(d, D_DECISION_CODES) + (<usize>label << 2)));
}

/**
 * The integer anomaly score (compiler/reference/anomaly-score.ts) of the row whose float32 features
 * the caller wrote at FLOAT_IO_OFFSET again after predictFloat (the arena's input slot is reused by
 * later layers, so the input codes are not kept): they are quantized in place by the scalar loop,
 * which reads element i before writing it (a code is never wider than the float it replaces),
 * re-quantized to the output's scale and compared with the output codes run left at
 * OUTPUT_OFFSET. Summed in u64; an f64 holds it exactly (the IR bounds it below 2^53). Exported only
 * by a module whose IR has an autoencoder decision.
 */
export function anomalyScore(): f64 {
  const d = descriptor();
  const workspace = address(d, D_WORKSPACE);
  const inputZeroPoint = field(d, D_INPUT_ZERO_POINT);
  const inputInt16 = field(d, D_INPUT_INT16) != 0;
  quantizeInput(
    workspace,
    workspace,
    field(d, D_INPUT_FEATURES),
    address(d, D_MEAN),
    address(d, D_STD),
    load<f32>(d + D_INPUT_SCALE),
    inputZeroPoint,
    field(d, D_INPUT_MIN),
    field(d, D_INPUT_MAX),
    inputInt16,
  );
  const output = address(d, D_OUTPUT_OFFSET);
  const outputInt16 = field(d, D_OUTPUT_INT16) != 0;
  const features = field(d, D_OUTPUT_FEATURES);
  const multiplier = field(d, D_ANOMALY_MULTIPLIER);
  const shift = field(d, D_ANOMALY_SHIFT);
  const outputZeroPoint = field(d, D_OUTPUT_ZERO_POINT);
  const outputMin = field(d, D_OUTPUT_MIN);
  const outputMax = field(d, D_OUTPUT_MAX);
  let score: u64 = 0;
  for (let j: i32 = 0; j < features; j++) {
    const target = clampI32(mbqm(loadCode(workspace, j, inputInt16) - inputZeroPoint, multiplier, shift) + outputZeroPoint, outputMin, outputMax);
    const diff = <i64>(loadCode(output, j, outputInt16) - target);
    score += <u64>(diff * diff);
  }
  return <f64>score;
}
