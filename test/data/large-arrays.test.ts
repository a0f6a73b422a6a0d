import { describe, expect, it } from 'vitest';
import { formatTable } from '../../compiler/io/text-table.js';
import { quantizeWeights } from '../../compiler/ops/fully-connected/lower.js';

// Spreading an array into a call (Math.max(...x), push(...x)) throws RangeError beyond ~120k
// elements in V8: these sizes come from data (rows, classes, channels), so none may be spread.
const N = 200_000;

describe('data-sized arrays', () => {
  it('formats a table with more rows than a call takes arguments', () => {
    const rows = Array.from({ length: N }, (_, i) => [`r${i}`, i]);
    const lines = formatTable(['row', 'value'], rows).split('\n');
    expect(lines.length).toBe(N + 2);
    expect(lines[N + 1]).toBe(`r${N - 1}  ${N - 1}`);
  });

  it('quantizes a per-tensor layer with that many output channels', () => {
    const weights = Float64Array.from({ length: N }, (_, i) => (i === N - 1 ? -2.54 : 0.001 * (i % 7)));
    const q = quantizeWeights(weights, N, 1, false);
    expect(new Set(q.scales).size).toBe(1);
    expect(Math.fround(q.scales[0])).toBe(Math.fround(2.54 / 127));
    expect(q.weights[N - 1]).toBe(-127);
  });
});
