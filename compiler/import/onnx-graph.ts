/**
 * Decoding an ONNX file and looking things up in its graph: constants (initializers and Constant
 * nodes) as float32/int64 arrays, which nodes consume a value, node attributes. Every problem is a
 * FirmnetError naming the file, the node or tensor and what firmnet supports.
 */
import { FirmnetError } from '../errors.js';
import { someOf } from './import-limits.js';
import {
  ATTR_FLOAT,
  ATTR_FLOATS,
  ATTR_INT,
  ATTR_INTS,
  ATTR_STRING,
  ATTR_TENSOR,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  ONNX_FLOAT,
  ONNX_INT64,
  ONNX_BOOL,
  type TensorProto,
  dataTypeName,
  int64ToNumber,
  onnx,
} from '../onnx/onnx-proto.js';

export const MIN_OPSET = 11;
export const MAX_OPSET = 21;
const EXTERNAL = 1;

export function onnxError(file: string, message: string, code: 'BAD_ONNX' | 'UNSUPPORTED' = 'UNSUPPORTED'): FirmnetError {
  return new FirmnetError(code, `${file}: ${message}`);
}

/** Protobuf-decodes the file and checks it is an ONNX model at all (not truncated, not another format). */
export function decodeOnnx(bytes: Uint8Array, file: string): { model: ModelProto; graph: GraphProto; opset: number } {
  if (bytes.length === 0) throw onnxError(file, 'the file is empty; expected an ONNX model (.onnx)', 'BAD_ONNX');
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    throw onnxError(file, 'is JSON text, not an ONNX model; a TF.js model.json is imported by giving its path (its weight files next to it)', 'BAD_ONNX');
  }
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw onnxError(file, `is not a readable ONNX model (protobuf decoding failed: ${(e as Error).message}); the file may be truncated or not an ONNX file`, 'BAD_ONNX');
  }
  const graph = model.graph;
  if (!graph || !graph.node || graph.node.length === 0 || int64ToNumber(model.irVersion) <= 0) {
    throw onnxError(file, 'is not an ONNX model: it has no IR version or no graph nodes; the file may be truncated or not an ONNX file', 'BAD_ONNX');
  }
  const imports = model.opsetImport ?? [];
  const main = imports.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!main) throw onnxError(file, 'declares no opset for the default ONNX domain; the file may be truncated', 'BAD_ONNX');
  const opset = int64ToNumber(main.version);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw onnxError(file, `uses opset ${opset}; firmnet imports opsets ${MIN_OPSET}–${MAX_OPSET} (re-export with e.g. torch.onnx.export(..., opset_version=17))`);
  }
  return { model, graph, opset };
}

/** A constant tensor and where the file holds it, for messages (`graph.initializer[2]`). */
interface Constant {
  tensor: TensorProto;
  where: string;
}

/**
 * Constants and consumers of one graph, after checking that it is a graph at all: every value
 * assigned once and no cycles, so that walking from the input to the output ends.
 */
export class OnnxGraphIndex {
  private readonly constants = new Map<string, Constant>();
  private readonly consumerMap = new Map<string, NodeProto[]>();
  private readonly positions = new Map<NodeProto, number>();
  /** Nodes other than Constant, in file order. */
  readonly nodes: NodeProto[] = [];

  constructor(
    readonly graph: GraphProto,
    readonly file: string,
  ) {
    const all = graph.node ?? [];
    all.forEach((node, i) => this.positions.set(node, i));
    checkAcyclic(graph, file, (i) => this.describe(all[i]));
    (graph.initializer ?? []).forEach((t, i) => {
      if (t.dataLocation === EXTERNAL || (t.externalData?.length ?? 0) > 0) {
        const location = t.externalData?.find((e) => e.key === 'location')?.value;
        throw onnxError(
          file,
          `initializer '${t.name}' keeps its data in an external file${location ? ` ('${location}')` : ''}; firmnet imports self-contained .onnx files: re-save with onnx.save_model(model, path, save_as_external_data=False)`,
        );
      }
      const twin = this.constants.get(t.name ?? '');
      if (twin) throw onnxError(file, `graph.initializer[${i}] is named '${t.name}', like ${twin.where}; an ONNX graph assigns every value once: the file is corrupt`, 'BAD_ONNX');
      this.constants.set(t.name ?? '', { tensor: t, where: `graph.initializer[${i}]` });
    });
    if ((graph.sparseInitializer?.length ?? 0) > 0) {
      throw onnxError(file, `the graph has sparse initializers ('${graph.sparseInitializer![0].values?.name ?? '?'}'); firmnet imports dense float32 initializers only`);
    }
    for (const node of all) {
      if (node.opType === 'Constant' && (!node.domain || node.domain === 'ai.onnx')) {
        this.constants.set(node.output?.[0] ?? '', { tensor: constantNodeTensor(node, this.describe(node), file), where: this.describe(node) });
        continue;
      }
      this.nodes.push(node);
      for (const input of node.input ?? []) {
        if (input === '' || this.constants.has(input)) continue;
        const list = this.consumerMap.get(input) ?? [];
        list.push(node);
        this.consumerMap.set(input, list);
      }
    }
  }

  /** A node as named in messages: where it is in the file, its op and its name (or, without one, its output). */
  describe(node: NodeProto): string {
    const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    const who = node.name ? ` '${node.name}'` : node.output?.[0] ? ` producing '${node.output[0]}'` : '';
    return `graph.node[${this.positions.get(node) ?? '?'}] (${op}${who})`;
  }

  attributes(node: NodeProto): NodeAttributes {
    return new NodeAttributes(node, this.describe(node), this.file);
  }

  isConstant(name: string): boolean {
    return this.constants.has(name);
  }

  consumers(value: string): NodeProto[] {
    return this.consumerMap.get(value) ?? [];
  }

  /**
   * A constant tensor read as float32 values; `role` names it in messages (e.g. "weight B of
   * graph.node[0] (Gemm 'fc1')"). Values must be finite unless `allowInfinite` (Clip's bounds).
   */
  floats(name: string, role: string, { allowInfinite = false } = {}): { dims: number[]; values: Float32Array } {
    const { tensor: t, where } = this.tensor(name, role);
    const what = `${role}, tensor '${name}' (${where}),`;
    if (t.dataType !== ONNX_FLOAT) {
      throw onnxError(this.file, `${what} is ${dataTypeName(t.dataType)}; firmnet imports float32 models only (convert the weights to float32 before exporting, e.g. model.float() in PyTorch)`);
    }
    const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
    const stored = raw ? raw.length / 4 : (t.floatData?.length ?? 0);
    const dims = this.dims(t, what, stored, raw ? `${raw.length} bytes of data` : `${stored} values`);
    if (raw && raw.length % 4 !== 0) throw onnxError(this.file, `${what} has ${raw.length} bytes of float32 data, not a multiple of 4; the file may be truncated`, 'BAD_ONNX');
    const values = raw ? rawFloats(raw) : Float32Array.from(t.floatData ?? []);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v) || (!allowInfinite && !Number.isFinite(v))) {
        throw onnxError(this.file, `${what} holds ${v} at index ${i}; ${allowInfinite ? 'a bound must be a number' : 'weights, biases and normalization constants must be finite numbers'}`, 'BAD_ONNX');
      }
    }
    return { dims, values };
  }

  /** A constant int64 tensor (Reshape's target shape). */
  ints(name: string, role: string): number[] {
    const { tensor: t, where } = this.tensor(name, role);
    const what = `${role}, tensor '${name}' (${where}),`;
    if (t.dataType !== ONNX_INT64) throw onnxError(this.file, `${what} is ${dataTypeName(t.dataType)}, expected int64`);
    const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
    if (raw && raw.length % 8 !== 0) throw onnxError(this.file, `${what} has ${raw.length} bytes of int64 data, not a multiple of 8; the file may be truncated`, 'BAD_ONNX');
    const stored = raw ? raw.length / 8 : (t.int64Data?.length ?? 0);
    this.dims(t, what, stored, raw ? `${raw.length} bytes of data` : `${stored} values`);
    let values: number[];
    if (raw) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      values = Array.from({ length: stored }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    } else {
      values = (t.int64Data ?? []).map(int64ToNumber);
    }
    const bad = values.findIndex((v) => !Number.isSafeInteger(v));
    if (bad >= 0) throw onnxError(this.file, `${what} holds ${values[bad]} at index ${bad}, beyond ±2^53; no model firmnet imports has such a size`, 'BAD_ONNX');
    return values;
  }

  /** A constant bool scalar (Dropout's training_mode). */
  bool(name: string, role: string): boolean {
    const { tensor: t, where } = this.tensor(name, role);
    if (t.dataType !== ONNX_BOOL) throw onnxError(this.file, `${role}, tensor '${name}' (${where}), is ${dataTypeName(t.dataType)}, expected bool`);
    return t.rawData && t.rawData.length > 0 ? t.rawData[0] !== 0 : (t.int32Data?.[0] ?? 0) !== 0;
  }

  /**
   * The tensor's dims, checked against the values it stores: whole numbers ≥ 0 whose product is
   * `stored`. The product is compared as it grows, so declared dims never size an allocation.
   */
  private dims(t: TensorProto, what: string, stored: number, storedText: string): number[] {
    const dims = (t.dims ?? []).map(int64ToNumber);
    const bad = dims.findIndex((d) => !Number.isSafeInteger(d) || d < 0);
    if (bad >= 0) throw onnxError(this.file, `${what} has dims [${someOf(dims)}]: dims[${bad}] is ${dims[bad]}; tensor dimensions are whole numbers from 0 to 2^53`, 'BAD_ONNX');
    let count = 1;
    for (const d of dims) count *= d;
    if (count !== stored) {
      const needs = Number.isSafeInteger(count) ? `${count} values` : `more than ${Number.MAX_SAFE_INTEGER} values`;
      throw onnxError(this.file, `${what} has ${storedText}, but its shape [${someOf(dims)}] needs ${needs}; the file may be truncated`, 'BAD_ONNX');
    }
    return dims;
  }

  private tensor(name: string | undefined, role: string): Constant {
    if (!name) throw onnxError(this.file, `${role} is missing: the node has too few inputs`, 'BAD_ONNX');
    const t = this.constants.get(name);
    if (!t) throw onnxError(this.file, `${role}, '${name}', is computed in the graph; firmnet needs it as an initializer (a constant)`);
    return t;
  }
}

/**
 * ONNX graphs are acyclic and in SSA form (each value assigned once, never over a graph input or
 * initializer). A file that breaks either is refused here, naming the nodes or values involved,
 * before the chain walk, which would go round a cycle forever. Cycles are looked for first, through
 * every producer of a value, so a value assigned twice to close a loop is reported as the loop.
 */
function checkAcyclic(graph: GraphProto, file: string, describe: (i: number) => string): void {
  const nodes = graph.node ?? [];
  const producers = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    for (const v of node.output ?? []) {
      if (v === '') continue;
      const list = producers.get(v);
      if (list) list.push(i);
      else producers.set(v, [i]);
    }
  });
  const predecessors = nodes.map(() => [] as number[]);
  const successors = nodes.map(() => [] as number[]);
  nodes.forEach((node, i) => {
    for (const v of node.input ?? []) {
      for (const p of (v === '' ? undefined : producers.get(v)) ?? []) {
        if (p === i) throw onnxError(file, `${describe(i)} consumes its own output '${v}'; an ONNX graph has no cycles: the file is corrupt`, 'BAD_ONNX');
        predecessors[i].push(p);
        successors[p].push(i);
      }
    }
  });
  // Kahn's algorithm: whatever is never freed lies on a cycle or after one.
  const waiting = Int32Array.from(predecessors, (p) => p.length);
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  let done = 0;
  while (ready.length > 0) {
    const i = ready.pop()!;
    done++;
    for (const s of successors[i]) if (--waiting[s] === 0) ready.push(s);
  }
  if (done < nodes.length) {
    // Every node left has a predecessor left: walking back through them must come round.
    const seenAt = new Map<number, number>();
    const path: number[] = [];
    let i = waiting.findIndex((w) => w > 0);
    while (!seenAt.has(i)) {
      seenAt.set(i, path.length);
      path.push(i);
      i = predecessors[i].find((p) => waiting[p] > 0)!;
    }
    const found = path.slice(seenAt.get(i)).reverse();
    // Told from the node that comes first in the file, so the message does not depend on where the walk began.
    const first = found.reduce((best, n, k) => (n < found[best] ? k : best), 0);
    const cycle = [...found.slice(first), ...found.slice(0, first)];
    const shown = cycle.length > 8 ? [...cycle.slice(0, 8).map(describe), `… (${cycle.length} nodes in all)`] : cycle.map(describe);
    throw onnxError(file, `the graph has a cycle: ${shown.join(' → ')} → back to ${describe(cycle[0])}; an ONNX graph has no cycles: the file is corrupt`, 'BAD_ONNX');
  }
  const declared = new Set([...(graph.input ?? []).map((v) => v.name ?? ''), ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  for (const [v, list] of producers) {
    if (list.length > 1) {
      throw onnxError(file, `value '${v}' is produced by both ${describe(list[0])} and ${describe(list[1])}; an ONNX graph assigns every value once: the file is corrupt`, 'BAD_ONNX');
    }
    if (declared.has(v)) throw onnxError(file, `${describe(list[0])} writes '${v}', which is a graph input or initializer; an ONNX graph assigns every value once: the file is corrupt`, 'BAD_ONNX');
  }
}

function rawFloats(raw: Uint8Array): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Float32Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function constantNodeTensor(node: NodeProto, label: string, file: string): TensorProto {
  const a = node.attribute?.[0];
  const name = node.output?.[0] ?? '';
  switch (a?.name) {
    case 'value':
      if (!a.t) throw onnxError(file, `${label}: attribute 'value' holds no tensor`, 'BAD_ONNX');
      return { ...a.t, name };
    case 'value_float':
      return { name, dims: [], dataType: ONNX_FLOAT, floatData: [a.f ?? 0] };
    case 'value_floats':
      return { name, dims: [a.floats?.length ?? 0], dataType: ONNX_FLOAT, floatData: a.floats ?? [] };
    case 'value_int':
      return { name, dims: [], dataType: ONNX_INT64, int64Data: [int64ToNumber(a.i)] };
    case 'value_ints':
      return { name, dims: [a.ints?.length ?? 0], dataType: ONNX_INT64, int64Data: (a.ints ?? []).map(int64ToNumber) };
    default:
      throw onnxError(file, `${label} has attribute '${a?.name ?? '(none)'}'; firmnet reads Constant nodes with value, value_float(s) or value_int(s)`);
  }
}

/** Typed access to a node's attributes, with ONNX defaults. */
export class NodeAttributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(
    readonly node: NodeProto,
    private readonly label: string,
    private readonly file: string,
  ) {
    for (const a of node.attribute ?? []) this.byName.set(a.name ?? '', a);
  }

  /** A finite float (alpha, epsilon, momentum, ratio). */
  float(name: string, fallback: number): number {
    const v = this.bound(name, fallback);
    if (!Number.isFinite(v)) throw onnxError(this.file, `${this.label}: attribute '${name}' is ${v}; it must be a finite number`, 'BAD_ONNX');
    return v;
  }

  /** A float that may be ±Infinity but not NaN (Clip's min and max). */
  bound(name: string, fallback: number): number {
    const a = this.byName.get(name);
    if (!a) return fallback;
    let v: number;
    if (a.type === ATTR_FLOAT) v = a.f ?? 0;
    else if (a.type === ATTR_INT) v = int64ToNumber(a.i);
    else return this.wrongType(name, 'a float');
    if (Number.isNaN(v)) throw onnxError(this.file, `${this.label}: attribute '${name}' is NaN; it must be a number`, 'BAD_ONNX');
    return v;
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    if (!a) return fallback;
    if (a.type === ATTR_INT) return int64ToNumber(a.i);
    return this.wrongType(name, 'an int');
  }

  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    if (!a) return fallback;
    if (a.type === ATTR_STRING) return new TextDecoder().decode(a.s ?? new Uint8Array());
    return this.wrongType(name, 'a string');
  }

  ints(name: string): number[] | null {
    const a = this.byName.get(name);
    if (!a) return null;
    if (a.type === ATTR_INTS) return (a.ints ?? []).map(int64ToNumber);
    return this.wrongType(name, 'a list of ints');
  }

  private wrongType(name: string, expected: string): never {
    const a = this.byName.get(name)!;
    const kind = a.type === ATTR_TENSOR ? 'a tensor' : a.type === ATTR_FLOATS ? 'a list of floats' : `attribute type ${a.type}`;
    throw onnxError(this.file, `${this.label}: attribute '${name}' is ${kind}, expected ${expected}`);
  }
}
