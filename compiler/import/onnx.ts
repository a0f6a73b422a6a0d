/**
 * ONNX → firmnet float model. The graph must be a chain from one float32 input [batch, …] to the
 * output (an MLP); each node becomes a layer or is absorbed (Flatten, Reshape, Identity, the bias
 * Add of a MatMul, a leading standardization). Which node types (and multi-node patterns) read as
 * which layer is each op's business: the readers in compiler/ops/<op>/readers.ts, looked up in the
 * tables built from the float layer registry. Supported ops and the rules for task, head and
 * classes are listed in docs/import-export.md.
 */
import type { AnomalyThreshold, FloatModel, LayerSpec, Standardization, Task } from '../model/float-model.js';
import { type ImportOptions, type ImportedNetwork, type RecordedInfo, finishImport } from './finish-import.js';
import { MAX_IMPORT_FEATURES, MAX_IMPORT_PARAMETERS, formatCount, someOf } from './import-limits.js';
import { type NodeAttributes, OnnxGraphIndex, decodeOnnx, onnxError } from './onnx-graph.js';
import type { FloatConstant, OnnxNodeRead, OnnxReadContext } from '../ops/import-readers.js';
import { ONNX_NODE_READERS, ONNX_PATTERNS, ONNX_SUPPORTED } from '../ops/import-tables.js';
import { METADATA_KEYS } from '../onnx/firmnet-metadata.js';
import { type GraphProto, type ModelProto, type NodeProto, ONNX_FLOAT, dataTypeName, int64ToNumber } from '../onnx/onnx-proto.js';

export type { ImportOptions } from './finish-import.js';

/** The registry's ops, then the nodes this file reads itself as chain plumbing. */
export const SUPPORTED_ONNX_OPS = `${[...ONNX_SUPPORTED, 'Flatten', 'Reshape', 'Transpose', 'Identity'].join(', ')}, and a leading Sub/Div (input standardization) or trailing Mul/Add (regression output scaling)`;

export function importOnnx(bytes: Uint8Array, options: ImportOptions): FloatModel {
  const { model, graph, opset } = decodeOnnx(bytes, options.file);
  const index = new OnnxGraphIndex(graph, options.file);
  const net = new ChainReader(index, graph, opset, options.file).read();
  return finishImport({ ...net, recorded: recordedInfo(model, options.file) }, options);
}

/** Where the chain is: the current value, its per-row shape, and whether it is stored features × batch. */
interface ChainState {
  value: string;
  /** Shape of one row (without the batch dimension); null entries are unknown sizes. */
  rowDims: (number | null)[];
  /** After Gemm(W, x, transB=1) the activation is [features, batch] until a Gemm or Transpose turns it back. */
  transposed: boolean;
}

class ChainReader implements OnnxReadContext {
  private readonly layers: LayerSpec[] = [];
  private readonly origins: string[] = [];
  private readonly visited = new Set<NodeProto>();
  private readonly chainValues = new Set<string>();
  private inputFeatures: number | null = null;
  private parameters = 0;
  private inputStandardization: { mean: number[] | null; std: number[] | null } | null = null;
  private targetStandardization: Standardization | null = null;
  /** The value a MatMul/Gemm just produced, so a following Add(constant) is read as its bias. */
  private denseOutput: string | null = null;
  private state!: ChainState;

  constructor(
    private readonly g: OnnxGraphIndex,
    private readonly graph: GraphProto,
    readonly opset: number,
    private readonly file: string,
  ) {}

  get value(): string {
    return this.state.value;
  }

  get transposed(): boolean {
    return this.state.transposed;
  }

  read(): Omit<ImportedNetwork, 'recorded'> {
    this.state = this.graphInput();
    this.chainValues.add(this.state.value);
    for (;;) {
      const users = this.g.consumers(this.state.value);
      if (users.length === 0) break;
      if (users.length > 1) {
        const pattern = this.pattern(users);
        if (!pattern) throw this.branching(this.state.value, users);
        pattern.nodes.forEach((n) => this.visited.add(n));
        this.push(pattern.layer, pattern.origin);
        this.advance(pattern.output);
        continue;
      }
      this.step(users[0]);
    }
    this.checkEnd();
    if (this.inputFeatures === null) {
      throw onnxError(this.file, `the graph input has no fixed feature size and no layer fixes it; give the input a shape like [batch, features]`);
    }
    const inputFeatures = this.inputFeatures;
    const std = this.inputStandardization;
    return {
      format: 'onnx',
      inputFeatures,
      layers: this.layers,
      origins: this.origins,
      inputStandardization: std ? { mean: std.mean ?? [0], std: std.std ?? [1] } : null,
      targetStandardization: this.targetStandardization,
    };
  }

  private graphInput(): ChainState {
    const initializers = new Set((this.graph.initializer ?? []).map((t) => t.name ?? ''));
    const inputs = (this.graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
    if (inputs.length !== 1) {
      throw onnxError(this.file, `the graph has ${inputs.length} inputs (${someOf(inputs.map((i) => `'${i.name}'`))}); firmnet imports models with one float32 input [batch, features]`);
    }
    const input = inputs[0];
    const where = `graph input '${input.name}' (graph.input[${(this.graph.input ?? []).indexOf(input)}])`;
    const tensorType = input.type?.tensorType;
    if (!tensorType) throw onnxError(this.file, `graph input '${input.name}' is not a tensor; firmnet imports models with one float32 input [batch, features]`);
    if (tensorType.elemType !== ONNX_FLOAT) {
      throw onnxError(this.file, `graph input '${input.name}' is a ${dataTypeName(tensorType.elemType)} tensor; firmnet imports float32 models only (one float32 input [batch, features])`);
    }
    const dims = tensorType.shape?.dim ?? null;
    if (dims !== null && dims.length < 2) {
      throw onnxError(this.file, `graph input '${input.name}' has rank ${dims.length}; firmnet needs the batch dimension first: [batch, features]`);
    }
    const rowDims = dims === null ? [null] : dims.slice(1).map((d) => (d.dimValue !== undefined && d.dimValue !== null && int64ToNumber(d.dimValue) > 0 ? int64ToNumber(d.dimValue) : null));
    this.checkRowSize(rowDims, where);
    const state: ChainState = { value: input.name ?? '', rowDims, transposed: false };
    this.inputFeatures = product(rowDims);
    return state;
  }

  private step(node: NodeProto): void {
    this.visited.add(node);
    if (node.domain && node.domain !== 'ai.onnx') throw this.unsupported(node);
    const previousDense = this.denseOutput;
    this.denseOutput = null;
    switch (node.opType) {
      case 'Add':
        return this.add(node, previousDense);
      case 'Sub':
      case 'Div':
        return this.standardizeInput(node);
      case 'Mul':
        return this.scaleOutput(node);
      case 'Flatten':
        return this.flatten(node);
      case 'Reshape':
        return this.reshape(node);
      case 'Transpose':
        return this.transpose(node);
      case 'Identity':
        this.dataInput(node, 1);
        return this.advance(this.out(node));
      default:
        return this.layer(node);
    }
  }

  /** A node that reads as a layer: its op's reader (compiler/ops/<op>/readers.ts) checks it and gives the layer. */
  private layer(node: NodeProto): void {
    const reader = ONNX_NODE_READERS.get(node.opType ?? '');
    if (!reader) throw this.unsupported(node);
    const read: OnnxNodeRead = reader(node, this);
    this.push(read.layer, this.g.describe(node));
    const change: Partial<Omit<ChainState, 'value'>> = {};
    if (read.rowDims) change.rowDims = read.rowDims;
    if (read.transposed !== undefined) change.transposed = read.transposed;
    this.advance(this.out(node), change);
    if (read.takesBias) this.denseOutput = this.state.value;
  }

  /** Where the chain branches: the multi-node form some op's reader recognises there, if any. */
  private pattern(users: NodeProto[]): ReturnType<(typeof ONNX_PATTERNS)[number]> {
    for (const read of ONNX_PATTERNS) {
      const found = read(this.state.value, users, this);
      if (found) return found;
    }
    return null;
  }

    // ── layers ──────────────────────────────────────────────────────────────────────────────────────

  /** Add(constant) right after MatMul/Gemm is that layer's bias; at the very end it shifts regression outputs. */
  private add(node: NodeProto, previousDense: string | null): void {
    const constant = this.otherConstant(node);
    const last = this.layers[this.layers.length - 1];
    if (previousDense !== null && last?.op === 'dense') {
      const c = this.g.floats(constant, `the bias added by ${this.g.describe(node)}`);
      const bias = this.perFeature(node, c, last.outFeatures, 'bias');
      last.bias = last.bias.map((b, i) => Math.fround(b + bias[i]));
      this.origins[this.origins.length - 1] += ` + ${this.g.describe(node)}`;
      this.advance(this.out(node));
      this.denseOutput = this.state.value;
      return;
    }
    if (this.isChainEnd(this.out(node)) && this.layers.length > 0) {
      const features = this.knownFeatures(this.g.describe(node));
      const c = this.g.floats(constant, `the value added by ${this.g.describe(node)}`);
      this.targetStandardization = { mean: Array.from(this.perFeature(node, c, features, 'shift')), std: new Array<number>(features).fill(1) };
      this.advance(this.out(node));
      return;
    }
    throw onnxError(
      this.file,
      `${this.g.describe(node)} adds a constant to a value that is not the output of a MatMul/Gemm; firmnet supports Add as a layer's bias (MatMul + Add) or as the last node of a regression graph (y·std + mean)`,
    );
  }

  /** A leading Sub(mean) and/or Div(std), before any layer: the model's input standardization. */
  private standardizeInput(node: NodeProto): void {
    const isSub = node.opType === 'Sub';
    const [inA, inB] = node.input ?? [];
    const std = this.inputStandardization;
    const allowed = this.layers.length === 0 && inA === this.state.value && !this.state.transposed && (std === null || (isSub ? false : std.std === null));
    if (!allowed) {
      throw onnxError(
        this.file,
        `${this.g.describe(node)} is not supported here; firmnet supports ${node.opType} only as input standardization before the first layer ((x − mean) / std: Sub(x, mean) then Div(·, std), with constant per-feature mean and std)`,
      );
    }
    this.requireVectorRows(node);
    const features = this.knownFeatures(this.g.describe(node));
    const values = Array.from(this.perFeature(node, this.g.floats(inB, `input 2 of ${this.g.describe(node)}`), features, isSub ? 'mean' : 'std'));
    if (!isSub) {
      const bad = values.findIndex((v) => !(v > 0));
      if (bad >= 0) throw onnxError(this.file, `${this.g.describe(node)} divides feature ${bad} by ${values[bad]}; a standardization std must be positive`);
    }
    this.inputStandardization = isSub ? { mean: values, std: null } : { mean: std?.mean ?? null, std: values };
    this.advance(this.out(node));
  }

  /** Mul(std) at the end of the graph, optionally followed by Add(mean): regression output scaling. */
  private scaleOutput(node: NodeProto): void {
    const constant = this.otherConstant(node);
    const next = this.g.consumers(this.out(node));
    const add = next.length === 1 && next[0].opType === 'Add' && this.isChainEnd(next[0].output?.[0] ?? '') ? next[0] : null;
    if (!(this.layers.length > 0 && (this.isChainEnd(this.out(node)) || add))) {
      throw onnxError(
        this.file,
        `${this.g.describe(node)} is not supported here; firmnet supports Mul by a constant only at the end of a regression graph (y·std + mean) or inside the Erf form of GELU`,
      );
    }
    const features = this.knownFeatures(this.g.describe(node));
    const std = Array.from(this.perFeature(node, this.g.floats(constant, `the scale of ${this.g.describe(node)}`), features, 'scale'));
    const bad = std.findIndex((v) => !(v > 0));
    if (bad >= 0) throw onnxError(this.file, `${this.g.describe(node)} scales output ${bad} by ${std[bad]}; output scaling (a target standardization std) must be positive`);
    let mean = new Array<number>(features).fill(0);
    this.advance(this.out(node));
    if (add) {
      this.visited.add(add);
      const addConstant = this.otherConstant(add);
      mean = Array.from(this.perFeature(add, this.g.floats(addConstant, `the value added by ${this.g.describe(add)}`), features, 'shift'));
      this.advance(add.output?.[0] ?? '');
    }
    this.targetStandardization = { mean, std };
  }

  // ── what a layer's reader may use (OnnxReadContext) ────────────────────────────────────────────

  describe(node: NodeProto): string {
    return this.g.describe(node);
  }

  consumers(value: string): NodeProto[] {
    return this.g.consumers(value);
  }

  isConstant(name: string): boolean {
    return this.g.isConstant(name);
  }

  floats(name: string, role: string, options?: { allowInfinite?: boolean }): FloatConstant {
    return this.g.floats(name, role, options);
  }

  ints(name: string, role: string): number[] {
    return this.g.ints(name, role);
  }

  bool(name: string, role: string): boolean {
    return this.g.bool(name, role);
  }

  error(message: string, code?: 'BAD_ONNX' | 'UNSUPPORTED'): Error {
    return onnxError(this.file, message, code);
  }

  // ── shape-only nodes ────────────────────────────────────────────────────────────────────────────

  private flatten(node: NodeProto): void {
    this.dataInput(node, 1);
    this.requireBatchFirst(node);
    const rank = this.state.rowDims.length + 1;
    const axis = this.attrs(node).int('axis', 1);
    if ((axis < 0 ? axis + rank : axis) !== 1) {
      throw onnxError(this.file, `${this.g.describe(node)} has axis=${axis}; firmnet supports Flatten(axis=1), which keeps the batch dimension`);
    }
    this.advance(this.out(node), { rowDims: [product(this.state.rowDims)] });
  }

  private reshape(node: NodeProto): void {
    this.requireBatchFirst(node);
    const [, inShape] = node.input ?? [];
    this.dataInput(node, 2);
    const shape = this.g.ints(inShape, `the target shape of ${this.g.describe(node)}`);
    const total = product(this.state.rowDims);
    const keepsBatch = shape.length >= 2 && (shape[0] === -1 || (shape[0] === 0 && this.attrs(node).int('allowzero', 0) === 0));
    const rest = shape.slice(1);
    const restOk = shape[0] === -1 ? rest.every((d) => d > 0) : rest.every((d) => d > 0 || d === -1) && rest.filter((d) => d === -1).length <= 1;
    if (!keepsBatch || !restOk) {
      throw onnxError(
        this.file,
        `${this.g.describe(node)} reshapes to [${someOf(shape)}]; firmnet supports reshapes that keep the batch dimension first, e.g. [-1, 64] or [0, -1] (a shape computed from Shape/Gather nodes is not supported: use Flatten)`,
      );
    }
    this.checkRowSize(rest.filter((d) => d > 0), `the target shape of ${this.g.describe(node)}`);
    const known = rest.filter((d) => d > 0).reduce((a, b) => a * b, 1);
    if (total !== null && rest.includes(-1) && total % known !== 0) {
      throw onnxError(this.file, `${this.g.describe(node)} reshapes rows of ${total} values to [${someOf(rest)}], and ${total} is not a multiple of ${known}`, 'BAD_ONNX');
    }
    const rowDims = rest.map((d) => (d === -1 ? (total === null ? null : total / known) : d));
    const newTotal = product(rowDims);
    if (total !== null && newTotal !== null && newTotal !== total) {
      throw onnxError(this.file, `${this.g.describe(node)} reshapes rows of ${total} values to [${someOf(rest)}] (${newTotal} values)`);
    }
    this.advance(this.out(node), { rowDims });
  }

  private transpose(node: NodeProto): void {
    this.dataInput(node, 1);
    this.requireVectorRows(node);
    const perm = this.attrs(node).ints('perm');
    if (perm !== null && !(perm.length === 2 && perm[0] === 1 && perm[1] === 0)) {
      throw onnxError(this.file, `${this.g.describe(node)} has perm [${someOf(perm)}]; firmnet supports swapping batch and features ([1, 0]) only`);
    }
    this.advance(this.out(node), { transposed: !this.state.transposed });
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────────

  private push(spec: LayerSpec, origin: string): void {
    this.parameters += storedValues(spec);
    if (this.parameters > MAX_IMPORT_PARAMETERS) {
      throw onnxError(this.file, `${origin} brings the model to more than ${formatCount(MAX_IMPORT_PARAMETERS)} parameters, the most firmnet imports (64 MiB of float32, more than any microcontroller's flash)`);
    }
    this.layers.push(spec);
    this.origins.push(origin);
  }

  /** Declared row shapes (graph input, Reshape targets) are not backed by data: bound them before they size anything. */
  private checkRowSize(dims: (number | null)[], where: string): void {
    let features = 1;
    for (const d of dims) {
      if (d === null) continue;
      features *= d;
      if (features > MAX_IMPORT_FEATURES) {
        throw onnxError(this.file, `${where} has rows of shape [${someOf(dims.map((x) => x ?? '?'))}], more than ${formatCount(MAX_IMPORT_FEATURES)} features, the most firmnet imports`);
      }
    }
  }

  private advance(value: string, change: Partial<Omit<ChainState, 'value'>> = {}): void {
    this.state = { ...this.state, ...change, value };
    this.chainValues.add(value);
  }

  private out(node: NodeProto): string {
    return node.output?.[0] ?? '';
  }

  attrs(node: NodeProto): NodeAttributes {
    return this.g.attributes(node);
  }

  /** The node reads the chain value as input 1 and only constants after it. */
  dataInput(node: NodeProto, maxInputs: number): void {
    const inputs = node.input ?? [];
    if (inputs[0] !== this.state.value) {
      throw onnxError(this.file, `${this.g.describe(node)} takes inputs (${someOf(inputs.map((i) => `'${i}'`))}); firmnet expects the previous layer's output '${this.state.value}' as its first input`);
    }
    if (inputs.length > maxInputs) throw onnxError(this.file, `${this.g.describe(node)} has ${inputs.length} inputs; ${node.opType} takes at most ${maxInputs}`);
  }

  /** For Add/Mul: the input that is not the chain value, which must be a constant. */
  private otherConstant(node: NodeProto): string {
    const inputs = node.input ?? [];
    const i = inputs.indexOf(this.state.value);
    if (inputs.length !== 2 || i < 0 || inputs[1 - i] === this.state.value) {
      throw onnxError(this.file, `${this.g.describe(node)} combines two computed values; firmnet supports ${node.opType} with one constant operand`);
    }
    return inputs[1 - i];
  }

  /** A constant broadcast along the features: a scalar, [n] or [1, n]. */
  perFeature(node: NodeProto, c: { dims: number[]; values: Float32Array }, n: number, what: string): Float32Array {
    this.requireBatchFirst(node);
    if (c.values.length === 1) return new Float32Array(n).fill(c.values[0]);
    const d = c.dims;
    if ((d.length === 1 && d[0] === n) || (d.length === 2 && d[0] === 1 && d[1] === n)) return c.values;
    throw onnxError(this.file, `${this.g.describe(node)}: the ${what} has shape [${someOf(d)}]; firmnet supports one value per feature ([${n}] or [1, ${n}]) or a scalar`);
  }

  matrix(name: string, role: string): { dims: [number, number]; values: Float32Array } {
    const m = this.g.floats(name, role);
    if (m.dims.length !== 2 || m.dims[0] === 0 || m.dims[1] === 0) {
      throw onnxError(this.file, `${role}, tensor '${name}', has shape [${someOf(m.dims)}]; expected a 2-D weight matrix with at least one row and one column`);
    }
    return { dims: [m.dims[0], m.dims[1]], values: m.values };
  }

  scalar(name: string, role: string, allowInfinite = false): number {
    const { values } = this.g.floats(name, role, { allowInfinite });
    if (values.length !== 1) throw onnxError(this.file, `${role}, tensor '${name}', has ${values.length} values; expected a scalar`);
    return values[0];
  }

  /** Checks (or learns, when the input shape did not say) the feature count reaching `node`. */
  matchFeatures(features: number, node: NodeProto): void {
    const current = product(this.state.rowDims);
    if (current === null) {
      this.state = { ...this.state, rowDims: [features] };
      if (this.inputFeatures === null && this.layers.every((l) => l.op !== 'dense')) this.inputFeatures = features;
      return;
    }
    if (current !== features) {
      throw onnxError(this.file, `${this.g.describe(node)} expects ${features} features, but the previous layer gives ${current}`);
    }
  }

  knownFeatures(where: string): number {
    const f = product(this.state.rowDims);
    if (f === null) {
      throw onnxError(this.file, `the number of features at ${where} is unknown; give the graph input a fixed feature dimension`);
    }
    return f;
  }

  requireVectorRows(node: NodeProto, what = `${node.opType} on [batch, features]`): void {
    if (this.state.rowDims.length !== 1) {
      throw onnxError(this.file, `${this.g.describe(node)} gets input of shape [batch, ${someOf(this.state.rowDims.map((d) => d ?? '?'))}]; firmnet supports ${what}: add a Flatten before it`);
    }
  }

  requireBatchFirst(node: NodeProto): void {
    if (this.state.transposed) {
      throw onnxError(this.file, `${this.g.describe(node)} gets a [features, batch] activation (after Gemm(W, x)); firmnet supports ${node.opType} on [batch, features] only: transpose back first`);
    }
  }

  layoutText(): string {
    return this.state.transposed ? 'stored [features, batch]' : 'stored [batch, features]';
  }

  private isChainEnd(value: string): boolean {
    return this.g.consumers(value).length === 0;
  }

  checkExtraOutputsUnused(node: NodeProto): void {
    const outputs = new Set((this.graph.output ?? []).map((o) => o.name ?? ''));
    for (const extra of (node.output ?? []).slice(1)) {
      if (extra !== '' && (this.g.consumers(extra).length > 0 || outputs.has(extra))) {
        throw onnxError(this.file, `${this.g.describe(node)}: its output '${extra}' is used; firmnet imports inference graphs that use only the first output`);
      }
    }
  }

  private branching(value: string, users: NodeProto[]): Error {
    const unique = [...new Set(users)];
    const hint = unique.some((u) => ['Erf', 'Div', 'Pow', 'Mul'].includes(u.opType ?? ''))
      ? ' (a GELU must be the Gelu op, opset 20+, or the Erf form x·0.5·(1 + erf(x/√2)); the tanh approximation written out with Mul/Pow/Tanh nodes is not recognised)'
      : unique.some((u) => u.opType === 'Shape')
        ? ' (a shape computed from the input, e.g. x.view(x.size(0), -1), makes a branch: use nn.Flatten or x.reshape(-1, features))'
        : '';
    return onnxError(
      this.file,
      `the graph branches at '${value}', which feeds ${someOf(unique.map((u) => this.g.describe(u)), ' and ')}; firmnet imports MLPs whose nodes form one chain from input to output${hint}`,
    );
  }

  private unsupported(node: NodeProto): Error {
    return onnxError(this.file, `${this.g.describe(node)} is not supported; firmnet imports MLP graphs made of ${SUPPORTED_ONNX_OPS}`);
  }

  /** The chain must end at a graph output, and every node and graph output must lie on it. */
  private checkEnd(): void {
    this.requireBatchFirstAtEnd();
    const outputs = (this.graph.output ?? []).map((o) => o.name ?? '');
    if (!outputs.includes(this.state.value)) {
      throw onnxError(this.file, `the chain from the input ends at '${this.state.value}', which is not a graph output (outputs: ${someOf(outputs)})`);
    }
    const off = outputs.find((o) => !this.chainValues.has(o));
    if (off !== undefined) throw onnxError(this.file, `graph output '${off}' is not on the chain from the input to '${this.state.value}'; firmnet imports single-chain MLPs`);
    const stray = this.g.nodes.find((n) => !this.visited.has(n));
    if (stray) throw onnxError(this.file, `${this.g.describe(stray)} is not on the chain from the input to the output; firmnet imports MLPs whose nodes form one chain`);
    for (const o of this.graph.output ?? []) {
      const t = o.type?.tensorType?.elemType;
      if (t !== undefined && t !== null && t !== ONNX_FLOAT) throw onnxError(this.file, `graph output '${o.name}' is a ${dataTypeName(t)} tensor; firmnet imports float32 models only`);
    }
  }

  private requireBatchFirstAtEnd(): void {
    if (this.state.transposed) {
      throw onnxError(this.file, `the output '${this.state.value}' is [features, batch] (after Gemm(W, x)); firmnet needs [batch, features] outputs: add Transpose(perm=[1, 0])`);
    }
    if (this.state.rowDims.length !== 1) throw onnxError(this.file, `the output '${this.state.value}' has rows of shape [${someOf(this.state.rowDims.map((d) => d ?? '?'))}]; firmnet needs [batch, features]`);
  }
}

/** The float32 values a layer stores (every array field: weights, bias, γ, β, running statistics), what the import bound counts. */
function storedValues(spec: LayerSpec): number {
  return Object.values(spec).reduce((n: number, v: unknown) => n + (Array.isArray(v) ? v.length : 0), 0);
}

function product(dims: (number | null)[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** What a firmnet-exported file records in metadata_props; other files record nothing firmnet reads. */
function recordedInfo(model: ModelProto, file: string): RecordedInfo {
  const props = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const list = (key: string): string[] | undefined => {
    const text = props.get(key);
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = null;
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw onnxError(file, `metadata '${key}' is not a JSON array of strings`, 'BAD_ONNX');
    return value;
  };
  const task = props.get(METADATA_KEYS.task);
  const tasks: Task[] = ['regression', 'binary', 'multiclass', 'multilabel', 'autoencoder'];
  if (task !== undefined && !tasks.includes(task as Task)) throw onnxError(file, `metadata '${METADATA_KEYS.task}' is '${task}'; expected one of ${tasks.join(', ')}`, 'BAD_ONNX');
  return {
    name: props.get(METADATA_KEYS.name),
    task: task as Task | undefined,
    featureNames: list(METADATA_KEYS.featureNames),
    labelColumns: list(METADATA_KEYS.labelColumns),
    classNames: list(METADATA_KEYS.classNames),
    ...anomalyOf(props.get(METADATA_KEYS.anomaly), file),
  };
}

function anomalyOf(text: string | undefined, file: string): { anomaly?: AnomalyThreshold } {
  if (text === undefined) return {};
  let value: Partial<AnomalyThreshold> | null = null;
  try {
    value = JSON.parse(text) as Partial<AnomalyThreshold> | null;
  } catch {
    value = null;
  }
  if (!value || typeof value.percentile !== 'number' || typeof value.threshold !== 'number') {
    throw onnxError(file, `metadata '${METADATA_KEYS.anomaly}' is not {"percentile": number, "threshold": number}`, 'BAD_ONNX');
  }
  return { anomaly: { percentile: value.percentile, threshold: value.threshold } };
}
