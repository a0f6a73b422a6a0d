import type { NodeProto } from '../../onnx/onnx-proto.js';
import type { OnnxGraphView } from '../import-readers.js';

/**
 * The exact GELU as exporters write it before the Gelu op existed (opset < 20), e.g. PyTorch's
 * nn.GELU(): y = x · 0.5 · (1 + erf(x / √2)). It is the one place an MLP graph legitimately
 * branches (x feeds the Div and the outer Mul), so it is matched as a unit. Accepted forms:
 * Div(x, √2) or Mul(x, 1/√2) → Erf → Add(1), then the two multiplications in any of the three
 * orders PyTorch, tf2onnx and hand-written graphs use.
 */
export function matchErfGelu(g: OnnxGraphView, x: string, users: NodeProto[]): { nodes: NodeProto[]; output: string } | null {
  if (users.length !== 2) return null;
  for (const scale of users) {
    const isScale =
      (scale.opType === 'Div' && close(constOperand(g, scale, x, true), Math.SQRT2)) || (scale.opType === 'Mul' && close(constOperand(g, scale, x), Math.SQRT1_2));
    if (!isScale) continue;
    const other = users.find((u) => u !== scale)!;
    const erf = soleConsumer(g, out(scale), 'Erf');
    if (!erf) continue;
    const add = soleConsumer(g, out(erf), 'Add');
    if (!add || !close(constOperand(g, add, out(erf)), 1)) continue;
    const sum = out(add);
    const next = soleConsumer(g, sum, 'Mul');
    if (other.opType !== 'Mul' || !next) continue;
    // x · (1 + erf) then · 0.5
    if (next === other && sameInputs(other, x, sum)) {
      const half = soleConsumer(g, out(other), 'Mul');
      if (half && close(constOperand(g, half, out(other)), 0.5)) return { nodes: [scale, erf, add, other, half], output: out(half) };
    }
    // (x · 0.5) · (1 + erf)
    if (close(constOperand(g, other, x), 0.5) && sameInputs(next, out(other), sum) && soleConsumer(g, out(other), 'Mul') === next) {
      return { nodes: [scale, erf, add, other, next], output: out(next) };
    }
    // x · ((1 + erf) · 0.5)
    if (close(constOperand(g, next, sum), 0.5) && sameInputs(other, x, out(next)) && soleConsumer(g, out(next), 'Mul') === other) {
      return { nodes: [scale, erf, add, next, other], output: out(other) };
    }
  }
  return null;
}

function out(node: NodeProto): string {
  return node.output?.[0] ?? '';
}

function soleConsumer(g: OnnxGraphView, value: string, opType: string): NodeProto | null {
  const users = g.consumers(value);
  return users.length === 1 && users[0].opType === opType && (!users[0].domain || users[0].domain === 'ai.onnx') ? users[0] : null;
}

/** The scalar constant a binary node combines `value` with; `valueFirst` for non-commutative ops. */
function constOperand(g: OnnxGraphView, node: NodeProto, value: string, valueFirst = false): number | null {
  const inputs = node.input ?? [];
  if (inputs.length !== 2) return null;
  const i = inputs.indexOf(value);
  if (i < 0 || (valueFirst && i !== 0)) return null;
  const other = inputs[1 - i];
  if (!g.isConstant(other)) return null;
  try {
    const { values } = g.floats(other, 'constant');
    return values.length === 1 ? values[0] : null;
  } catch {
    return null; // a non-float constant is simply not this pattern
  }
}

function sameInputs(node: NodeProto, a: string, b: string): boolean {
  const inputs = node.input ?? [];
  return inputs.length === 2 && ((inputs[0] === a && inputs[1] === b) || (inputs[0] === b && inputs[1] === a));
}

function close(v: number | null, expected: number): boolean {
  return v !== null && Math.abs(v - expected) <= 1e-6 * Math.abs(expected);
}
