/** How the importers read a dense layer: ONNX Gemm and MatMul (a following Add is its bias), Keras Dense. */
import { someOf } from '../../io/message-list.js';
import type { NodeProto } from '../../onnx/onnx-proto.js';
import type { LayerSpec } from '../float-layer-types.js';
import type { LayerReaders, OnnxNodeReader, OnnxReadContext, TfjsClassReader } from '../import-readers.js';

const readGemm: OnnxNodeReader = (node, at) => {
  const a = at.attrs(node);
  const [inA, inB, inC] = node.input ?? [];
  const alpha = a.float('alpha', 1);
  const beta = a.float('beta', 1);
  const transA = a.int('transA', 0);
  const transB = a.int('transB', 0);
  const x = at.value;
  at.requireVectorRows(node);
  let inF: number;
  let outF: number;
  let weights: Float32Array;
  let transposedOut: boolean;
  if (inA === x && inB !== x) {
    const need = at.transposed ? 1 : 0;
    if (transA !== need) {
      throw at.error(`${at.describe(node)} has transA=${transA} on the activation input A (${at.layoutText()}), which would mix the batch into the features; firmnet supports Gemm(x, W) with transA=${need} here`);
    }
    const w = at.matrix(inB, `weight B of ${at.describe(node)}`);
    [inF, outF] = transB ? [w.dims[1], w.dims[0]] : [w.dims[0], w.dims[1]];
    weights = transB ? w.values : transpose(w.values, w.dims[0], w.dims[1]);
    transposedOut = false;
  } else if (inB === x && inA !== x) {
    const need = at.transposed ? 0 : 1;
    if (transB !== need) {
      throw at.error(`${at.describe(node)} has transB=${transB} on the activation input B (${at.layoutText()}), which would mix the batch into the features; firmnet supports Gemm(W, x) with transB=${need} here`);
    }
    const w = at.matrix(inA, `weight A of ${at.describe(node)}`);
    [inF, outF] = transA ? [w.dims[0], w.dims[1]] : [w.dims[1], w.dims[0]];
    weights = transA ? transpose(w.values, w.dims[0], w.dims[1]) : w.values;
    transposedOut = true;
  } else {
    throw at.error(`${at.describe(node)} multiplies two computed values; firmnet supports Gemm with one constant weight matrix`);
  }
  at.matchFeatures(inF, node);
  const bias = inC ? gemmBias(node, at, inC, outF, transposedOut) : new Float32Array(outF);
  const layer: LayerSpec = {
    op: 'dense',
    inFeatures: inF,
    outFeatures: outF,
    weights: Array.from(weights, (v) => (alpha === 1 ? v : Math.fround(alpha * v))),
    bias: Array.from(bias, (v) => (beta === 1 ? v : Math.fround(beta * v))),
  };
  return { layer, rowDims: [outF], transposed: transposedOut, takesBias: true };
};

/** Gemm's C, broadcast to Y: a scalar, or one value per output along Y's feature axis. */
function gemmBias(node: NodeProto, at: OnnxReadContext, name: string, outF: number, transposedOut: boolean): Float32Array {
  const c = at.floats(name, `bias C of ${at.describe(node)}`);
  if (c.values.length === 1) return new Float32Array(outF).fill(c.values[0]);
  const d = c.dims;
  const perOutput = transposedOut ? d.length === 2 && d[0] === outF && d[1] === 1 : (d.length === 1 && d[0] === outF) || (d.length === 2 && d[0] === 1 && d[1] === outF);
  if (!perOutput) {
    const y = transposedOut ? `[${outF}, batch]` : `[batch, ${outF}]`;
    throw at.error(`${at.describe(node)}: bias C of shape [${someOf(d)}] is not one value per output of Y ${y}; firmnet supports a per-output bias or a scalar`);
  }
  return c.values;
}

const readMatMul: OnnxNodeReader = (node, at) => {
  const [inA, inB] = node.input ?? [];
  const x = at.value;
  if (inA !== x || inB === x) {
    throw at.error(`${at.describe(node)} multiplies the activation from the right (W·x); firmnet supports MatMul(x, W) with a constant W of shape [inFeatures, outFeatures]`);
  }
  at.requireBatchFirst(node);
  at.requireVectorRows(node);
  const w = at.matrix(inB, `weight B of ${at.describe(node)}`);
  const [inF, outF] = w.dims;
  at.matchFeatures(inF, node);
  const layer: LayerSpec = { op: 'dense', inFeatures: inF, outFeatures: outF, weights: Array.from(transpose(w.values, inF, outF)), bias: new Array<number>(outF).fill(0) };
  return { layer, rowDims: [outF], takesBias: true };
};

const readKerasDense: TfjsClassReader = (l, at, origin) => {
  const c = l.config;
  const dims = at.requireShape(l);
  if (dims.length !== 1) at.unsupported(l, `gets input of shape [batch, ${someOf(dims)}] and would apply to the last axis only; add a Flatten layer before it`);
  const units = at.number(l, 'units', { integer: true, min: 1 });
  const kernel = at.weight(l, 'kernel');
  if (kernel.shape.length !== 2 || kernel.shape[1] !== units) at.fail(l, `kernel has shape [${someOf(kernel.shape)}]; expected [inputs, ${units}]`);
  const inF = kernel.shape[0];
  if (dims[0] !== null && dims[0] !== inF) at.fail(l, `kernel takes ${inF} inputs, but the previous layer gives ${dims[0]}`);
  // Keras kernels are [in][out]; firmnet (like PyTorch) stores [out][in].
  const weights = new Array<number>(inF * units);
  for (let i = 0; i < inF; i++) for (let o = 0; o < units; o++) weights[o * inF + i] = kernel.values[i * units + o];
  const useBias = c.use_bias !== false;
  const bias = useBias ? Array.from(at.vector(l, 'bias', units)) : new Array<number>(units).fill(0);
  const layers: { layer: LayerSpec; origin: string }[] = [{ layer: { op: 'dense', inFeatures: inF, outFeatures: units, weights, bias }, origin }];
  const activation = typeof c.activation === 'string' ? c.activation : 'linear';
  const fused = at.activation(activation) ?? at.unsupportedActivation(l, activation);
  for (const layer of fused) layers.push({ layer, origin: `${origin} activation` });
  return { layers, rowDims: [units], inFeatures: inF };
};

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = values[r * cols + c];
  return t;
}

export const denseReaders: LayerReaders = {
  onnxNodes: { Gemm: readGemm, MatMul: readMatMul },
  onnxPatterns: [],
  tfjsClasses: { Dense: readKerasDense },
  kerasActivations: {},
  supported: { onnx: ['Gemm', 'MatMul (+ Add bias)'], kerasActivations: [] },
};
