import { ATTR_FLOAT, ATTR_FLOATS, ATTR_INT, ATTR_INTS, ATTR_STRING, type AttributeProto, type NodeProto, ONNX_FLOAT, ONNX_INT64, type TensorProto, type ValueInfoProto, onnx } from '../onnx/onnx-proto.js';

export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] };

/** A dimension of a graph input/output: a fixed size or a named dynamic one (e.g. 'batch'). */
export type Dim = number | string;

export interface OnnxModelOptions {
  graphName: string;
  opset: number;
  irVersion: number;
  producerVersion: string;
  docString?: string;
  inputs: { name: string; dims: Dim[]; elemType?: number }[];
  outputs: { name: string; dims: Dim[]; elemType?: number }[];
  metadata?: Record<string, string>;
}

/**
 * Collects nodes and initializers of an ONNX graph in the order they are added, so the same calls
 * give the same bytes. Used by the exporter and by the scripts that make test fixtures.
 */
export class OnnxGraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];

  /** A float32 initializer, stored as little-endian raw_data like PyTorch's exporter does. */
  floatTensor(name: string, dims: number[], values: ArrayLike<number>): string {
    checkCount(name, dims, values.length);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    this.initializers.push({ name, dims, dataType: ONNX_FLOAT, rawData: raw });
    return name;
  }

  int64Tensor(name: string, dims: number[], values: number[]): string {
    checkCount(name, dims, values.length);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dims, dataType: ONNX_INT64, rawData: raw });
    return name;
  }

  /** Any tensor as given (fixtures use this for float16, external data and other unsupported cases). */
  tensor(t: TensorProto): string {
    this.initializers.push(t);
    return t.name ?? '';
  }

  node(opType: string, inputs: string[], outputs: string[], name: string, attributes: Record<string, AttributeValue> = {}, domain = ''): string {
    this.nodes.push({ opType, input: inputs, output: outputs, name, domain, attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)) });
    return outputs[0];
  }

  toModel(options: OnnxModelOptions): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: options.irVersion,
      producerName: 'firmnet',
      producerVersion: options.producerVersion,
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: options.opset }],
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: options.inputs.map((v) => valueInfo(v.name, v.dims, v.elemType ?? ONNX_FLOAT)),
        output: options.outputs.map((v) => valueInfo(v.name, v.dims, v.elemType ?? ONNX_FLOAT)),
      },
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

export function valueInfo(name: string, dims: Dim[], elemType: number): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function attribute(name: string, v: AttributeValue): AttributeProto {
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: ATTR_INT, i: v } : { name, type: ATTR_FLOAT, f: v };
  if (typeof v === 'string') return { name, type: ATTR_STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: ATTR_INTS, ints: v };
  if ('float' in v) return { name, type: ATTR_FLOAT, f: v.float };
  return { name, type: ATTR_FLOATS, floats: v.floats };
}

function checkCount(name: string, dims: number[], count: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== count) throw new Error(`tensor ${name}: dims ${JSON.stringify(dims)} need ${expected} values, got ${count}`);
}
