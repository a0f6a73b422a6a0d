/**
 * Decoding an ONNX file and looking things up in its graph: constants (initializers and Constant
 * nodes) as float32/int64 arrays, which nodes consume a value, node attributes. Every problem is a
 * FirmnetError naming the file, the node or tensor and what firmnet supports.
 */
import { FirmnetError } from '../errors.js';
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
} from './onnx-proto.js';

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

/** A node as named in messages: its name, or the value it produces when it has none. */
export function describeNode(node: NodeProto): string {
  const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
  return node.name ? `node '${node.name}' (${op})` : `the ${op} node producing '${node.output?.[0] ?? '?'}'`;
}

/** Constants and consumers of one graph. */
export class OnnxGraphIndex {
  private readonly constants = new Map<string, TensorProto>();
  private readonly consumerMap = new Map<string, NodeProto[]>();
  /** Nodes other than Constant, in file order. */
  readonly nodes: NodeProto[] = [];

  constructor(
    readonly graph: GraphProto,
    readonly file: string,
  ) {
    for (const t of graph.initializer ?? []) {
      if (t.dataLocation === EXTERNAL || (t.externalData?.length ?? 0) > 0) {
        const location = t.externalData?.find((e) => e.key === 'location')?.value;
        throw onnxError(
          file,
          `initializer '${t.name}' keeps its data in an external file${location ? ` ('${location}')` : ''}; firmnet imports self-contained .onnx files: re-save with onnx.save_model(model, path, save_as_external_data=False)`,
        );
      }
      this.constants.set(t.name ?? '', t);
    }
    if ((graph.sparseInitializer?.length ?? 0) > 0) {
      throw onnxError(file, `the graph has sparse initializers ('${graph.sparseInitializer![0].values?.name ?? '?'}'); firmnet imports dense float32 initializers only`);
    }
    for (const node of graph.node ?? []) {
      if (node.opType === 'Constant' && (!node.domain || node.domain === 'ai.onnx')) {
        this.constants.set(node.output?.[0] ?? '', constantNodeTensor(node, file));
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

  isConstant(name: string): boolean {
    return this.constants.has(name);
  }

  consumers(value: string): NodeProto[] {
    return this.consumerMap.get(value) ?? [];
  }

  /** A constant tensor read as float32 values; `role` names it in messages (e.g. "weight B of node 'fc1' (Gemm)"). */
  floats(name: string, role: string): { dims: number[]; values: Float32Array } {
    const t = this.tensor(name, role);
    const dims = (t.dims ?? []).map(int64ToNumber);
    const count = dims.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (t.dataType === ONNX_FLOAT) {
      values = t.rawData && t.rawData.length > 0 ? rawFloats(t.rawData, count, name, this.file) : Float32Array.from(t.floatData ?? []);
    } else {
      throw onnxError(
        this.file,
        `${role}, tensor '${name}', is ${dataTypeName(t.dataType)}; firmnet imports float32 models only (convert the weights to float32 before exporting, e.g. model.float() in PyTorch)`,
      );
    }
    if (values.length !== count) {
      throw onnxError(this.file, `${role}, tensor '${name}', has ${values.length} values but its shape [${dims.join(', ')}] needs ${count}; the file may be truncated`, 'BAD_ONNX');
    }
    return { dims, values };
  }

  /** A constant int64 tensor (Reshape's target shape). */
  ints(name: string, role: string): number[] {
    const t = this.tensor(name, role);
    if (t.dataType !== ONNX_INT64) throw onnxError(this.file, `${role}, tensor '${name}', is ${dataTypeName(t.dataType)}, expected int64`);
    if (t.rawData && t.rawData.length > 0) {
      const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
      return Array.from({ length: t.rawData.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    return (t.int64Data ?? []).map(int64ToNumber);
  }

  /** A constant bool scalar (Dropout's training_mode). */
  bool(name: string, role: string): boolean {
    const t = this.tensor(name, role);
    if (t.dataType !== ONNX_BOOL) throw onnxError(this.file, `${role}, tensor '${name}', is ${dataTypeName(t.dataType)}, expected bool`);
    return t.rawData && t.rawData.length > 0 ? t.rawData[0] !== 0 : (t.int32Data?.[0] ?? 0) !== 0;
  }

  private tensor(name: string, role: string): TensorProto {
    const t = this.constants.get(name);
    if (!t) throw onnxError(this.file, `${role}, '${name}', is computed in the graph; firmnet needs it as an initializer (a constant)`);
    return t;
  }
}

function rawFloats(raw: Uint8Array, count: number, name: string, file: string): Float32Array {
  if (raw.length !== count * 4) throw onnxError(file, `tensor '${name}' has ${raw.length} bytes of data, its shape needs ${count * 4}; the file may be truncated`, 'BAD_ONNX');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
}

function constantNodeTensor(node: NodeProto, file: string): TensorProto {
  const a = node.attribute?.[0];
  const name = node.output?.[0] ?? '';
  switch (a?.name) {
    case 'value':
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
      throw onnxError(file, `${describeNode(node)} has attribute '${a?.name ?? '(none)'}'; firmnet reads Constant nodes with value, value_float(s) or value_int(s)`);
  }
}

/** Typed access to a node's attributes, with ONNX defaults. */
export class NodeAttributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(
    readonly node: NodeProto,
    private readonly file: string,
  ) {
    for (const a of node.attribute ?? []) this.byName.set(a.name ?? '', a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    if (!a) return fallback;
    if (a.type === ATTR_FLOAT) return a.f ?? 0;
    if (a.type === ATTR_INT) return int64ToNumber(a.i);
    return this.wrongType(name, 'a float');
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

  /** Attributes we do not read must not be ones that change the result (e.g. a tensor or graph). */
  names(): string[] {
    return [...this.byName.keys()];
  }

  private wrongType(name: string, expected: string): never {
    const a = this.byName.get(name)!;
    const kind = a.type === ATTR_TENSOR ? 'a tensor' : a.type === ATTR_FLOATS ? 'a list of floats' : `attribute type ${a.type}`;
    throw onnxError(this.file, `${describeNode(this.node)}: attribute '${name}' is ${kind}, expected ${expected}`);
  }
}
