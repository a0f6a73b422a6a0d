/**
 * Everything firmnet knows about one IR op, as the members of one object: the IR fields and their
 * validation, the float stage it is lowered from and its forward pass for calibration, the lowering,
 * the golden reference, the one prepare step every backend consumes (TFLite Micro's `*_common`
 * idea), the constant data on the device, the C and WebAssembly kernel calls, and the cycle model's
 * terms and probe. The registry (quantized-ops.ts) requires every member of every op, so an op that
 * forgets one does not compile.
 */
import type { JsonReader } from '../io/json-reader.js';
import type { Rng } from '../rng.js';
import type { ConstantBytes, FixedParams, LayerFields, QDtype, Unhashed } from './op-types.js';
import type { QArray } from './q-array.js';
import type { LayerOf, PreparedOf, QOp, StageOf, VariantOf } from './quantized-op-types.js';

type Json = Record<string, unknown>;

export interface QuantizedOpDefinition<K extends QOp> {
  readonly op: K;

  /** Reads and checks the op's own fields of an IR layer (the common fields are read already); every message names the field. */
  parse(r: JsonReader, json: Json, path: string, base: LayerFields): Unhashed<LayerOf<K>>;

  /** Calibration: the folded float stage on a batch (rows × features), in float32 like the float model. */
  stageForward(stage: StageOf<K>, x: Float32Array, rows: number): Float32Array;
  stageOutFeatures(stage: StageOf<K>): number;
  /** The dtypes its input and output may take: any, int8 only, or the same width on both sides. */
  dtypes: 'any' | 'int8' | 'same';
  /** Each output code depends only on the same feature's input code (so a test can sweep every input code through it one per feature). */
  elementwise: boolean;
  /** Output parameters the op fixes instead of calibrating (probabilities), or null. */
  fixedOutput(stage: StageOf<K>, dtype: QDtype): FixedParams | null;
  /** The IR layer for a stage, given its quantized input and output tensors (in `base`). */
  lower(stage: StageOf<K>, base: LayerFields, options: LowerOptions): Unhashed<LayerOf<K>>;
  /** The last check before the IR is sealed: every integer finite, every scale usable; names the layer (`where`) and the field. */
  checkLowered(layer: Unhashed<LayerOf<K>>, where: string): void;

  /** The golden reference: the arithmetic every backend reproduces bit for bit. */
  reference(layer: Unhashed<LayerOf<K>>, input: QArray, rows: number): QArray;
  /** Every integer the backends and the simulator derive from the layer, computed once. */
  prepare(layer: Unhashed<LayerOf<K>>): PreparedOf<K>;
  /** The layer's constant arrays on the device (flash), in the order the C emitter writes them; the simulator counts the same bytes. */
  deviceConstants(layer: Unhashed<LayerOf<K>>, prepared: PreparedOf<K>): DeviceConstant[];

  c: {
    /** The kernel call: `<kernel>(<args>);`. */
    call(layer: Unhashed<LayerOf<K>>, prepared: PreparedOf<K>): CKernelCall;
    /** The layer's params struct, or null when the kernel takes its arguments directly. */
    params(layer: Unhashed<LayerOf<K>>, prepared: PreparedOf<K>): CParams | null;
    /**
     * Bytes of scratch the kernel needs while it runs (the int8 dense kernels' widened input), which
     * the memory planner places inside the arena beside the layer's input and output; 0 for none.
     */
    workspaceBytes(layer: Unhashed<LayerOf<K>>): number;
    /** The op's own kernel files (sources and the headers only they include), by file name: the emitter writes them flat beside the model. */
    kernelFiles: readonly string[];
    /**
     * Where they are, relative to the package root: the op's own folder (`compiler/ops/<op>/c`), or
     * absent for runtime/c/, beside the shared kernel files.
     */
    kernelDir?: string;
    /**
     * The op's own public header among its kernel files (its params struct and prototypes), which a
     * generated model that uses the op includes after firmnet_kernels.h; null for an op declared in
     * firmnet_kernels.h itself.
     */
    header: string | null;
    /** What the layer is, for the comments: `64 -> 32, fused relu, clamp [-128, 127], per-channel weights`. */
    detail(layer: Unhashed<LayerOf<K>>): string;
  };

  wasm: {
    /** Workspace bytes the layer's kernel needs besides the arena (the SIMD dense kernel's widened input). */
    workspaceBytes(layer: Unhashed<LayerOf<K>>, simd: boolean): number;
    /** The constant arrays of the module's memory, in placement order; `label` names the layer in messages. */
    constants(layer: Unhashed<LayerOf<K>>, prepared: PreparedOf<K>, simd: boolean, label: string): WasmConstant[];
    /** The runtime kernel call, given where the layer's tensors and constants are. */
    call(layer: Unhashed<LayerOf<K>>, prepared: PreparedOf<K>, at: WasmLayerAddresses, context: { simd: boolean; workspace: number }): WasmKernelCall;
    /**
     * Every runtime kernel `call` may name, with its parameters: the precompiled kernel module's
     * dispatcher is generated from these lists (scripts/build-kernels.ts), and the emitter writes
     * each call's arguments into the module's layer table in this order.
     */
    kernels: readonly WasmKernelSignature[];
  };

  /**
   * Hand-made layers of the op with inputs at the edges of its arithmetic, written as test vectors
   * with the golden reference's output (scripts/make-test-vectors.ts, `npm run vectors`); [] for an
   * op whose crafted cases are still written by the script itself. Draws from `rng` in order.
   */
  vectors(rng: Rng): CraftedVector<K>[];

  cost: {
    /** Every kernel variant of the op the cycle model profiles. */
    kernels: Record<VariantOf<K>, KernelProfileSpec>;
    variant(layer: Unhashed<LayerOf<K>>): VariantOf<K>;
    /** Values of the variant's terms for one inference (batch 1). */
    terms(layer: Unhashed<LayerOf<K>>): Record<string, number>;
    macs(layer: Unhashed<LayerOf<K>>): number;
    /** Trained parameters the layer holds (weights and biases). */
    parameters(layer: Unhashed<LayerOf<K>>): number;
    /** What it computes, for report tables: the op and what distinguishes it (`lut (sigmoid)`, `fully_connected + relu`). */
    label(layer: Unhashed<LayerOf<K>>): string;
    /** Its shape for reports: `64→32`, or the feature count. */
    shape(layer: Unhashed<LayerOf<K>>): string;
    /** A stage of the variant at a shape, with seeded random parameters, for measuring its instruction counts. */
    probe(variant: VariantOf<K>, inFeatures: number, outFeatures: number, rng: Rng): ProbeSpec<K>;
  };
}

/** One crafted test vector of an op: a model of these layers, and `rows` rows of input codes. */
export interface CraftedVector<K extends QOp> {
  name: string;
  description: string;
  layers: Unhashed<LayerOf<K>>[];
  rows: number;
  input: number[];
}

export interface LowerOptions {
  /** Per-output-channel weight scales (else one per tensor). */
  perChannel: boolean;
  /** Width of the layer's weights, for ops that have weights (fully_connected: 4 or 8). */
  weightBits: 4 | 8;
}

/** Element types of device constants, as the C arrays spell them (`int8` → `int8_t`). */
export type DeviceElement = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'int64';

export const ELEMENT_BYTES: Record<DeviceElement, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, int64: 8 };

/** One constant array of a layer on the device: the C emitter writes `static const <element>_t <prefix>_<stem><index>[]`. */
export interface DeviceConstant {
  /** What it counts as in the flash report. */
  kind: keyof ConstantBytes;
  stem: string;
  element: DeviceElement;
  values: ArrayLike<number>;
  /** What it holds (firmnet's own words; the emitter escapes it like every comment). */
  comment: string;
  /** Byte alignment, for arrays a kernel reads in words. */
  alignBytes?: number;
  /** How the length is written, e.g. `64 * 32` to show a weight matrix's shape. */
  lengthText?: string;
  /** A kernel macro each line of 16 values is written through, when the build decides the order within a line (the dense weights' blocks). */
  lineMacro?: string;
}

/** A C kernel argument: the params struct's address, the tensors, the layer's planned workspace, a constant array (by stem), or an integer. */
export type CArgument = 'params' | 'input' | 'output' | 'workspace' | { array: string } | number;

export interface CKernelCall {
  kernel: string;
  args: CArgument[];
}

/** A params struct `static const <type> <prefix>_l<index>`: int32 fields, or a constant array (by stem). */
export interface CParams {
  type: string;
  fields: [string, number | { array: string }][];
}

/** One constant array of the WebAssembly module; `slot` is how the call finds its address. */
export interface WasmConstant {
  slot: string;
  /** Appended to the layer's label: `layers[0].weights`. */
  label: string;
  bytes: Uint8Array;
}

export interface WasmLayerAddresses {
  input: number;
  output: number;
  /** Address of each constant by slot. */
  constants: Record<string, number>;
}

/** A kernel parameter's AssemblyScript type: an address, a 32- or 64-bit integer, a flag. */
export type WasmParam = 'usize' | 'i32' | 'i64' | 'bool';

/** One AssemblyScript runtime kernel (`runtime/<file>.ts`, `export function <kernel>`) and the builds that have it. */
export interface WasmKernelSignature {
  file: string;
  kernel: string;
  params: readonly WasmParam[];
  builds: 'simd' | 'scalar' | 'both';
}

/** A call of an AssemblyScript runtime kernel (runtime/<file>.ts) with integer and boolean arguments. */
export interface WasmKernelCall {
  file: string;
  kernel: string;
  args: (number | boolean)[];
}

export interface KernelProfileSpec {
  /** The shape quantities the kernel's instruction count is linear in (firmware-sim/cycle-model.ts). */
  terms: readonly string[];
  /** Shapes the instruction profile is fitted on, and shapes it is validated on (scripts/measure-instruction-profile.ts). */
  calibrationShapes: number[][];
  heldOutShapes: number[][];
}

/** A probe stage and its tensors: the input's dtype, and the output's dtype and float range, or the input tensor itself. */
export interface ProbeSpec<K extends QOp> {
  stage: StageOf<K>;
  inputDtype: QDtype;
  /** The width the probe's weights are lowered at (ops with weights); 8 when absent. */
  weightBits?: LowerOptions['weightBits'];
  output: { dtype: QDtype; range: { min: number; max: number } } | 'input';
}

/** The address of a layer's constant in the module's memory (a missing slot is an op's internal error). */
export function wasmAddress(at: WasmLayerAddresses, slot: string): number {
  const address = at.constants[slot];
  if (address === undefined) throw new Error(`internal: no WebAssembly constant '${slot}' was placed`);
  return address;
}
