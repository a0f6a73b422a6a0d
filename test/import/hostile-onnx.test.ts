import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../../compiler/onnx/graph-builder.js';
import { importOnnx } from '../../compiler/import/onnx.js';
import { expectFirmnetError, firmnetErrorOf } from '../helpers/firmnet-error.js';
import { type NodeProto, type TensorProto, onnx } from '../../compiler/onnx/onnx-proto.js';

const scratch = mkdtempSync(join(tmpdir(), 'firmnet-hostile-onnx-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Dim = number | string;

/** An ONNX file made field by field, so it can say what no exporter would write. */
function onnxFile(nodes: NodeProto[], initializers: TensorProto[] = [], inputDims: Dim[] = ['N', 2]): Uint8Array {
  const valueInfo = (name: string, dims: Dim[] | null) => ({
    name,
    type: { tensorType: { elemType: 1, ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}) } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'g', node: nodes, initializer: initializers, input: [valueInfo('x', inputDims)], output: [valueInfo('y', null)] },
  });
  return onnx.ModelProto.encode(model).finish();
}

const node = (opType: string, input: string[], output: string[], name: string, attribute: NodeProto['attribute'] = []): NodeProto => ({ opType, input, output, name, attribute });
const floats = (name: string, dims: number[], values: number[]): TensorProto => {
  const raw = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(raw.buffer).setFloat32(i * 4, v, true));
  return { name, dims, dataType: 1, rawData: raw };
};
const importBytes = (bytes: Uint8Array) => importOnnx(bytes, { file: 'model.onnx' });

/** The CLI in a child process, killed after 30 s: a graph walk that never ends fails the test instead of stalling the run. */
async function importCli(bytes: Uint8Array, name: string): Promise<{ code: number | null; stderr: string }> {
  const file = join(scratch, name);
  writeFileSync(file, bytes);
  try {
    await promisify(execFile)(process.execPath, ['bin/firmnet.js', 'import', file, '--out', join(scratch, `${name}.json`)], { timeout: 30_000, encoding: 'utf8' });
    return { code: 0, stderr: '' };
  } catch (e) {
    const err = e as { code?: number | string; killed?: boolean; stderr?: string };
    return { code: err.killed || typeof err.code !== 'number' ? null : err.code, stderr: err.stderr ?? '' };
  }
}

describe('cyclic ONNX graphs are refused, not walked forever', () => {
  it('a node that consumes its own output (Identity x → x): exit 2, one line naming the node', async () => {
    const r = await importCli(onnxFile([node('Identity', ['x'], ['x'], 'loop'), node('Relu', ['x'], ['y'], 'out')]), 'self.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `firmnet: error: ${join(scratch, 'self.onnx')}: graph.node[0] (Identity 'loop') consumes its own output 'x'; an ONNX graph has no cycles: the file is corrupt`,
    ]);
  });

  it('a loop closed by assigning a value twice (a → r1 → b → r2 → a): the cycle is named node by node', async () => {
    const nodes = [node('Relu', ['x'], ['a'], 'r0'), node('Relu', ['a'], ['b'], 'r1'), node('Tanh', ['b'], ['a'], 'r2'), node('Sigmoid', ['b'], ['y'], 'out')];
    const r = await importCli(onnxFile(nodes), 'loop.onnx');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the graph has a cycle: graph.node[1] (Relu 'r1') → graph.node[2] (Tanh 'r2') → back to graph.node[1] (Relu 'r1'); an ONNX graph has no cycles");
  });

  it('a cycle off the chain, and a value assigned twice without a cycle, are refused too', () => {
    const off = [node('Relu', ['x'], ['y'], 'main'), node('Identity', ['c'], ['b'], 'b'), node('Tanh', ['b'], ['c'], 'c')];
    expectFirmnetError(() => importBytes(onnxFile(off)), 'BAD_ONNX', "the graph has a cycle: graph.node[1] (Identity 'b') → graph.node[2] (Tanh 'c') → back to graph.node[1] (Identity 'b')");
    const twice = [node('Relu', ['x'], ['y'], 'a'), node('Tanh', ['x'], ['y'], 'b')];
    expectFirmnetError(() => importBytes(onnxFile(twice)), 'BAD_ONNX', "value 'y' is produced by both graph.node[0] (Relu 'a') and graph.node[1] (Tanh 'b'); an ONNX graph assigns every value once");
    // Two initializers with one name: the second silently replaced the first.
    const weights = onnxFile([node('Gemm', ['x', 'W'], ['y'], 'fc1')], [floats('W', [2, 2], [1, 0, 0, 1]), floats('W', [2, 2], [5, 5, 5, 5])]);
    expectFirmnetError(() => importBytes(weights), 'BAD_ONNX', "graph.initializer[1] is named 'W', like graph.initializer[0]; an ONNX graph assigns every value once");
  });
});

describe('declared sizes bound every allocation, and every bad field is named', () => {
  const gemm = (w: TensorProto) => onnxFile([node('Gemm', ['x', w.name!], ['y'], 'fc1')], [w]);

  it('an input shape not backed by data cannot size the model: huge, or overflowing when multiplied', () => {
    expectFirmnetError(() => importBytes(onnxFile([node('Relu', ['x'], ['y'], 'r')], [], ['N', 1e12])), 'UNSUPPORTED', "model.onnx: graph input 'x' (graph.input[0]) has rows of shape [1000000000000], more than 1,048,576 features");
    const flatten = onnxFile([node('Flatten', ['x'], ['f'], 'flat'), node('Relu', ['f'], ['y'], 'r')], [], ['N', 2 ** 31, 2 ** 31, 2 ** 31]);
    expectFirmnetError(() => importBytes(flatten), 'UNSUPPORTED', 'has rows of shape [2147483648, 2147483648, 2147483648], more than 1,048,576 features');
    const reshape = onnxFile([node('Reshape', ['x', 's'], ['y'], 'rs')], [{ name: 's', dims: [2], dataType: 7, int64Data: [0, 2 ** 40] }], ['N', 'F']);
    expectFirmnetError(() => importBytes(reshape), 'UNSUPPORTED', "the target shape of graph.node[0] (Reshape 'rs') has rows of shape [1099511627776]");
  });

  it('tensor dims: negative, or not matching the stored values, or zero where a matrix needs a row', () => {
    expectFirmnetError(() => importBytes(gemm({ name: 'W', dims: [-1, -2], dataType: 1, floatData: [1, 2] })), 'BAD_ONNX', "weight B of graph.node[0] (Gemm 'fc1'), tensor 'W' (graph.initializer[0]), has dims [-1, -2]: dims[0] is -1");
    expectFirmnetError(() => importBytes(gemm({ name: 'W', dims: [2, 4e15], dataType: 1, floatData: [1, 2] })), 'BAD_ONNX', 'has 2 values, but its shape [2, 4000000000000000] needs 8000000000000000 values');
    expectFirmnetError(() => importBytes(gemm(floats('W', [2, 0], []))), 'UNSUPPORTED', "tensor 'W', has shape [2, 0]; expected a 2-D weight matrix with at least one row and one column");
    const shape = { name: 's', dims: [2], dataType: 7, rawData: new Uint8Array(12) };
    expectFirmnetError(() => importBytes(onnxFile([node('Reshape', ['x', 's'], ['y'], 'rs')], [shape])), 'BAD_ONNX', "tensor 's' (graph.initializer[0]), has 12 bytes of int64 data, not a multiple of 8");
  });

  it('a Reshape whose -1 cannot be a whole number of features', () => {
    // 64 features to [-1, 3]: the old reader made rows of 21.33 × 3 and imported the model.
    const bytes = onnxFile([node('Reshape', ['x', 's'], ['r'], 'rs'), node('Flatten', ['r'], ['f'], 'flat'), node('Gemm', ['f', 'W'], ['y'], 'fc')], [{ name: 's', dims: [3], dataType: 7, int64Data: [0, -1, 3] }, floats('W', [64, 2], new Array(128).fill(0.5))], ['N', 64]);
    expectFirmnetError(() => importBytes(bytes), 'BAD_ONNX', "graph.node[0] (Reshape 'rs') reshapes rows of 64 values to [-1, 3], and 64 is not a multiple of 3");
  });

  it('NaN or infinite weights and attributes are named where they are, not as a field of the converted model', () => {
    expectFirmnetError(() => importBytes(gemm(floats('W', [2, 2], [1, Number.NaN, 3, 4]))), 'BAD_ONNX', "weight B of graph.node[0] (Gemm 'fc1'), tensor 'W' (graph.initializer[0]), holds NaN at index 1; weights, biases and normalization constants must be finite numbers");
    expectFirmnetError(() => importBytes(gemm(floats('W', [2, 2], [1, 2, Number.POSITIVE_INFINITY, 4]))), 'BAD_ONNX', 'holds Infinity at index 2');
    const alpha = onnxFile([node('LeakyRelu', ['x'], ['y'], 'lrelu', [{ name: 'alpha', type: 1, f: Number.NaN }])]);
    expectFirmnetError(() => importBytes(alpha), 'BAD_ONNX', "model.onnx: graph.node[0] (LeakyRelu 'lrelu'): attribute 'alpha' is NaN; it must be a number");
  });

  it('missing inputs and empty Constant nodes name the node', () => {
    expectFirmnetError(() => importBytes(onnxFile([node('BatchNormalization', ['x'], ['y'], 'bn')])), 'BAD_ONNX', "the scale of graph.node[0] (BatchNormalization 'bn') is missing: the node has too few inputs");
    const empty = onnxFile([node('Constant', [], ['W'], 'c', [{ name: 'value', type: 4 }]), node('Gemm', ['x', 'W'], ['y'], 'fc1')]);
    expectFirmnetError(() => importBytes(empty), 'BAD_ONNX', "graph.node[0] (Constant 'c'): attribute 'value' holds no tensor");
  });

  it('what only the converted model checks is still told with the node it came from', () => {
    const bn = new OnnxGraphBuilder();
    bn.node('BatchNormalization', ['x', bn.floatTensor('s', [2], [1, 1]), bn.floatTensor('b', [2], [0, 0]), bn.floatTensor('m', [2], [0, 0]), bn.floatTensor('v', [2], [1, -1])], ['y'], 'bn');
    const bytes = bn.toModel({ graphName: 'g', opset: 17, irVersion: 8, producerVersion: 't', inputs: [{ name: 'x', dims: ['N', 2] }], outputs: [{ name: 'y', dims: ['N', 2] }] });
    expectFirmnetError(
      () => importBytes(bytes),
      'BAD_ONNX',
      "model.onnx: the model read from it is not valid: layers[0].runningVar[1]: must be ≥ 0, got -1 (firmnet's layers[0], from graph.node[0] (BatchNormalization 'bn'))",
    );
  });

  it('a message stays one paragraph when the file lists thousands of things', () => {
    const fanOut = Array.from({ length: 20_000 }, (_, i) => node('Relu', ['x'], [i === 0 ? 'y' : `h${i}`], `r${i}`));
    const e = firmnetErrorOf(() => importBytes(onnxFile(fanOut)));
    expect(e.message).toContain("the graph branches at 'x', which feeds graph.node[0] (Relu 'r0') and graph.node[1] (Relu 'r1') and");
    expect(e.message).toContain('and … (20,000 in all); firmnet imports MLPs whose nodes form one chain');
    expect(e.message.length).toBeLessThan(600);
  });
});

describe('an op type is looked up, never used as a property name', () => {
  it('Object.prototype names are unsupported ops like any other', () => {
    for (const opType of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expectFirmnetError(() => importBytes(onnxFile([node(opType, ['x'], ['y'], 'p')])), 'UNSUPPORTED', `model.onnx: graph.node[0] (${opType} 'p') is not supported; firmnet imports MLP graphs made of Gemm, MatMul (+ Add bias), Relu`);
    }
  });
});
