import type { NodeProto } from '../../onnx/onnx-proto.js';
import type { OnnxGraphView } from '../import-readers.js';

/** What the pattern leaves to the reader: ε and the optional affine constants (names of initializers). */
export interface LayerNormMatch {
  nodes: NodeProto[];
  output: string;
  epsilon: number;
  /** The ReduceMean nodes, whose axes the reader checks against the chain's shape. */
  reductions: NodeProto[];
  scale: string | null;
  bias: string | null;
}

/**
 * LayerNorm as exporters write it before LayerNormalization existed (opset < 17), e.g. PyTorch's
 * nn.LayerNorm: mean = ReduceMean(x), d = Sub(x, mean), var = ReduceMean(Pow(d, 2)),
 * y = Div(d, Sqrt(Add(var, ε))), then Mul(γ) and Add(β) when the layer is affine. Like the Erf GELU
 * it branches (x feeds ReduceMean and Sub, d feeds Pow and Div), so it is matched as a unit.
 * Mul(d, d) is accepted for Pow(d, 2).
 */
export function matchLayerNormDecomposition(g: OnnxGraphView, x: string, users: NodeProto[]): LayerNormMatch | null {
  if (users.length !== 2) return null;
  const mean = users.find((u) => is(u, 'ReduceMean'));
  const sub = users.find((u) => is(u, 'Sub'));
  if (!mean || !sub || !sameOrder(sub, x, out(mean))) return null;
  const d = out(sub);
  const dUsers = g.consumers(d);
  const square = dUsers.find((u) => (is(u, 'Pow') && (u.input ?? [])[0] === d && close(constant(g, (u.input ?? [])[1]), 2)) || (is(u, 'Mul') && sameOrder(u, d, d)));
  const div = dUsers.find((u) => is(u, 'Div') && (u.input ?? [])[0] === d);
  if (!square || !div || new Set(dUsers).size !== 2) return null;
  const variance = soleConsumer(g, out(square), 'ReduceMean');
  const add = variance && soleConsumer(g, out(variance), 'Add');
  const epsilon = add ? constant(g, otherInput(add, out(variance!))) : null;
  const sqrt = add && soleConsumer(g, out(add), 'Sqrt');
  if (!variance || !add || epsilon === null || !sqrt || !sameOrder(div, d, out(sqrt)) || soleConsumer(g, out(sqrt), 'Div') !== div) return null;
  const nodes = [mean, sub, square, variance, add, sqrt, div];
  let output = out(div);
  let scale: string | null = null;
  let bias: string | null = null;
  const mul = soleConsumer(g, output, 'Mul');
  if (mul && isConstantOperand(g, mul, output)) {
    scale = otherInput(mul, output);
    nodes.push(mul);
    output = out(mul);
  }
  const plus = soleConsumer(g, output, 'Add');
  if (plus && isConstantOperand(g, plus, output)) {
    bias = otherInput(plus, output);
    nodes.push(plus);
    output = out(plus);
  }
  return { nodes, output, epsilon, reductions: [mean, variance], scale, bias };
}

function is(node: NodeProto, opType: string): boolean {
  return node.opType === opType && (!node.domain || node.domain === 'ai.onnx');
}

function out(node: NodeProto): string {
  return node.output?.[0] ?? '';
}

function soleConsumer(g: OnnxGraphView, value: string, opType: string): NodeProto | null {
  const users = g.consumers(value);
  return users.length === 1 && is(users[0], opType) ? users[0] : null;
}

function sameOrder(node: NodeProto, a: string, b: string): boolean {
  const inputs = node.input ?? [];
  return inputs.length === 2 && inputs[0] === a && inputs[1] === b;
}

function otherInput(node: NodeProto, value: string): string {
  const inputs = node.input ?? [];
  return inputs[0] === value ? (inputs[1] ?? '') : (inputs[0] ?? '');
}

function isConstantOperand(g: OnnxGraphView, node: NodeProto, value: string): boolean {
  const inputs = node.input ?? [];
  return inputs.length === 2 && inputs.includes(value) && g.isConstant(otherInput(node, value));
}

/** A scalar float constant, or null when the value is not one (then this is not the pattern). */
function constant(g: OnnxGraphView, name: string | undefined): number | null {
  if (!name || !g.isConstant(name)) return null;
  try {
    const { values } = g.floats(name, 'constant');
    return values.length === 1 ? values[0] : null;
  } catch {
    return null;
  }
}

function close(v: number | null, expected: number): boolean {
  return v !== null && Math.abs(v - expected) <= 1e-6 * Math.abs(expected);
}
