/**
 * docs/ops.md is generated from the registry and the op folders' README.md files (scripts/op-docs.ts),
 * so an op documents itself in its folder; this fails when the committed page is stale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLOAT_LAYERS } from '../../compiler/ops/float-layers.js';
import { QUANTIZED_OPS } from '../../compiler/ops/quantized-ops.js';
import { OP_DOCS_FILE, renderOpDocs } from '../../scripts/op-docs.js';

describe('docs/ops.md', () => {
  const page = readFileSync(OP_DOCS_FILE, 'utf8');

  it('is what npm run docs:ops writes for this checkout', () => {
    expect(page).toBe(renderOpDocs('.'));
  });

  it('has a row for every float layer kind and every IR op', () => {
    for (const kind of Object.keys(FLOAT_LAYERS)) expect(page, kind).toMatch(new RegExp(`^\\| \`${kind}\` \\|`, 'm'));
    for (const op of Object.keys(QUANTIZED_OPS)) expect(page, op).toMatch(new RegExp(`^\\| \`${op}\` \\| int`, 'm'));
    expect(page).toContain('| `dense` | Gemm, MatMul (+ Add bias) | Dense | — |');
  });
});
