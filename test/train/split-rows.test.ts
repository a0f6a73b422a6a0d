import { describe, expect, it } from 'vitest';
import { Rng } from '../../compiler/rng.js';
import { splitRows } from '../../compiler/train/train.js';

/** Rows in both parts, in order, with no repeats: the split is a partition of 0..rows-1. */
function expectPartition(fitRows: Uint32Array, valRows: Uint32Array, rows: number): void {
  expect(fitRows.length + valRows.length).toBe(rows);
  const seen = new Uint8Array(rows);
  let ascending = true;
  for (const part of [fitRows, valRows]) {
    for (let i = 0; i < part.length; i++) {
      if (i > 0 && part[i] <= part[i - 1]) ascending = false;
      seen[part[i]]++;
    }
  }
  expect(ascending).toBe(true);
  expect(seen.every((n) => n === 1)).toBe(true);
}

describe('validation split', () => {
  // More rows per class than a spread call's argument limit (~120k-140k in V8), which crashed before.
  const rows = 400_000;

  it('splits a large unlabelled (regression) set', () => {
    const { fitRows, valRows } = splitRows({ rows, labels: new Int32Array(0) }, 0.1, new Rng(0));
    expect(valRows.length).toBe(40_000);
    expectPartition(fitRows, valRows, rows);
  });

  it('stratifies a large classification set per class', () => {
    const labels = Int32Array.from({ length: rows }, (_, r) => (r % 10 === 0 ? 1 : 0));
    const { fitRows, valRows } = splitRows({ rows, labels }, 0.25, new Rng(1));
    expectPartition(fitRows, valRows, rows);
    let rare = 0;
    for (const r of valRows) rare += labels[r];
    expect(rare).toBe(10_000);
    expect(valRows.length).toBe(10_000 + 90_000);
  });

  it('is seeded: the same seed holds out the same rows, another seed others', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, r) => r % 3);
    const a = splitRows({ rows: 1000, labels }, 0.2, new Rng(5));
    expect(splitRows({ rows: 1000, labels }, 0.2, new Rng(5))).toEqual(a);
    expect(splitRows({ rows: 1000, labels }, 0.2, new Rng(6)).valRows).not.toEqual(a.valRows);
  });

  it('refuses a split that leaves nothing to train on', () => {
    expect(() => splitRows({ rows: 1, labels: new Int32Array(0) }, 0.9, new Rng(0))).toThrow('leaves no rows to train on');
  });
});
