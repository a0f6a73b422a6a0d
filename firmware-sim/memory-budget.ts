import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitC } from '../compiler/emit/c/emit-c.js';
import { type QModel, inputTensor, outputTensor } from '../compiler/ir/qmodel.js';
import { packageRoot } from '../compiler/io/package-root.js';
import { DTYPE_RANGE } from '../compiler/ops/op-types.js';
import { layerConstantBytes, totalConstantBytes } from '../compiler/ops/quantized-ops.js';
import type { MemoryPlan } from '../compiler/plan/plan-memory.js';
import { buildModelImage, findToolchain } from './measure-image.js';
import type { MemoryBudget, MemoryItem, SramVariant } from './report.js';
import type { Target } from './targets.js';

interface CommittedCodeSize {
  cores: Record<string, { compiler: string; kernels: { text: number; data: number; bss: number }; models: Record<string, { stackBytes: number }> }>;
}

const CODE_SIZE_FILE = 'firmware-sim/measured/code-size.json';

/**
 * SRAM and flash of the model on a target. Constant data is every op's device constants, the arrays
 * the C emitter writes (compiler/ops/<op>/); code, .data/.bss and stack are measured now with the
 * core's cross-compiler when it is installed (the generated integer path, -Os, --gc-sections), or
 * else taken from the committed measurement of the kernels (firmware-sim/measured/code-size.json).
 * Every item says where its number comes from.
 * The headline SRAM counts the caller's own input/output buffers, the most any use of the API
 * needs; the variants also give it with the input and output in the arena slots.
 */
/** `int8`, `int4`, or `int4 and int8`: the widths of the model's weights. */
function weightWidths(q: QModel): string {
  const bits = new Set(q.layers.flatMap((l) => ('weightBits' in l ? [l.weightBits] : [])));
  return bits.size === 0 ? 'none' : [...bits].sort((a, b) => a - b).map((b) => `int${b}`).join(' and ');
}

export function memoryBudgets(q: QModel, plan: MemoryPlan, target: Target): { sram: MemoryBudget; sramVariants: SramVariant[]; flash: MemoryBudget } {
  const parts = { weights: 0, biases: 0, requantization: 0, tables: 0 };
  for (const layer of q.layers) {
    const d = layerConstantBytes(layer);
    parts.weights += d.weights;
    parts.biases += d.biases;
    parts.requantization += d.requantization;
    parts.tables += d.tables;
  }
  const constantBytes = totalConstantBytes(parts);
  const constants = 'constant arrays of the generated C (compiler/emit/c)';
  const flashItems: MemoryItem[] = [
    { what: `weights (${weightWidths(q)})`, bytes: parts.weights, source: constants },
    { what: 'biases', bytes: parts.biases, source: constants },
    { what: 'requantization multipliers and shifts', bytes: parts.requantization, source: constants },
  ];
  if (parts.tables > 0) flashItems.push({ what: 'lookup tables', bytes: parts.tables, source: constants });

  const io = inputTensor(q).features * DTYPE_RANGE[inputTensor(q).dtype].bytes + outputTensor(q).features * DTYPE_RANGE[outputTensor(q).dtype].bytes;
  const ioItem: MemoryItem = {
    what: 'input and output buffers',
    bytes: io,
    source: 'the caller\'s own int8/int16 buffers for <name>_invoke(in, out); none when in and out are <name>_input_buffer()/_output_buffer(), which point into the arena',
  };
  const sramItems: MemoryItem[] = [{ what: 'activation arena', bytes: plan.arenaBytes, source: 'memory plan of the IR (compiler/plan/plan-memory.ts); the generated C\'s static arena' }, ioItem];

  const measured = measureNow(q, target);
  if (measured) {
    flashItems.push({ what: 'code: used kernels, invoke, layer descriptors', bytes: measured.text - constantBytes, source: measured.source });
    sramItems.push({ what: 'runtime state (.data + .bss beyond the arena)', bytes: measured.data + measured.bss - plan.arenaBytes, source: measured.source });
    sramItems.push({ what: 'stack (worst case of <name>_invoke)', bytes: measured.stackBytes, source: `${measured.source}; GCC call graph (-fcallgraph-info=su)${measured.stackNote}` });
  } else {
    const committed = committedSizes(target);
    flashItems.push({
      what: 'code: all kernels (invoke and layer descriptors not measured)',
      bytes: committed.kernels.text,
      source: `${CODE_SIZE_FILE} (${committed.compiler}); install ${target.core.build.compiler} (scripts/install-system-deps.sh) to measure this model's own image`,
    });
    sramItems.push({ what: 'runtime state (.data + .bss of the kernels)', bytes: committed.kernels.data + committed.kernels.bss, source: CODE_SIZE_FILE });
    sramItems.push({ what: 'stack (worst case of <name>_invoke, bundled models)', bytes: committed.stackBytes, source: `${CODE_SIZE_FILE}: deepest invoke stack among the bundled models` });
  }
  const sram = budget(sramItems, target.sramBytes);
  const inArena = budget(sramItems.filter((i) => i !== ioItem), target.sramBytes);
  const sramVariants: SramVariant[] = [
    { io: 'caller-buffers', label: 'own I/O buffers', description: 'the input and output in the caller\'s own buffers', ioBytes: io, ...fit(sram), headline: true },
    { io: 'arena-buffers', label: 'I/O in arena', description: 'the input and output in the arena slots <name>_input_buffer()/_output_buffer()', ioBytes: 0, ...fit(inArena), headline: false },
  ];
  return { sram, sramVariants, flash: budget(flashItems, target.flashBytes) };
}

function fit(b: MemoryBudget): Pick<SramVariant, 'totalBytes' | 'marginBytes' | 'fits'> {
  return { totalBytes: b.totalBytes, marginBytes: b.marginBytes, fits: b.fits };
}

function budget(items: MemoryItem[], capacityBytes: number | null): MemoryBudget {
  const totalBytes = items.reduce((s, i) => s + i.bytes, 0);
  const marginBytes = capacityBytes === null ? null : capacityBytes - totalBytes;
  return { items, totalBytes, capacityBytes, marginBytes, fits: marginBytes === null ? null : marginBytes >= 0 };
}

interface MeasuredImage {
  text: number;
  data: number;
  bss: number;
  stackBytes: number;
  stackNote: string;
  source: string;
}

function measureNow(q: QModel, target: Target): MeasuredImage | null {
  const tc = findToolchain(target.core);
  if (!tc) return null;
  const work = mkdtempSync(join(tmpdir(), 'firmnet-sim-image-'));
  try {
    const emitted = emitC(q, join(work, 'c'), { command: 'firmnet sim (size measurement)' });
    const image = buildModelImage(tc, join(work, 'c'), emitted.names, target.core, work);
    return {
      ...image.sizes,
      stackBytes: image.stack.bytes,
      stackNote: image.stack.external.length > 0 ? `, plus the frames of ${image.stack.external.join(', ')} (library code)` : '',
      source: `measured now: ${tc.version}, -Os ${target.core.build.flags.join(' ')}, --gc-sections, ${tc.size}`,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function committedSizes(target: Target): { compiler: string; kernels: { text: number; data: number; bss: number }; stackBytes: number } {
  const report = JSON.parse(readFileSync(join(packageRoot(), CODE_SIZE_FILE), 'utf8')) as CommittedCodeSize;
  const entry = report.cores[target.core.id];
  if (!entry) throw new Error(`${CODE_SIZE_FILE} has no measurement for ${target.core.id}; run scripts/measure-code-size`);
  return { compiler: entry.compiler, kernels: entry.kernels, stackBytes: Math.max(...Object.values(entry.models).map((m) => m.stackBytes)) };
}
