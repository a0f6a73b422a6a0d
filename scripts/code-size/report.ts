/**
 * The measured code-size report (firmware-sim/measured/code-size.json) the simulator reads: per core
 * (every core in firmware-sim/targets/cores/), the kernels alone and each bundled model's integer
 * path, with the compilers and flags that made them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { BUNDLED_EPOCHS, BUNDLED_HIDDEN, BUNDLED_MODELS, buildBundledModel } from './bundled-models.js';
import { type KernelSizes, MCU_CFLAGS, MCU_LDFLAGS, type SectionSizes, type Toolchain, buildModelImage, findToolchain, measureKernels } from '../../firmware-sim/measure-image.js';
import { type CoreSpec, loadCores } from '../../firmware-sim/targets.js';

export const CODE_SIZE_JSON = 'firmware-sim/measured/code-size.json';
export const MEASURE_COMMAND = 'npm run build && node dist/scripts/measure-code-size.js';

export interface ModelSizes extends SectionSizes {
  /** Layer widths and hidden activation, e.g. "64-64-32-10 relu". */
  shape: string;
  /** The model's static arena (its whole .bss) and constant data bytes, from the emitter. */
  arenaBytes: number;
  weightBytes: number;
  /** Worst-case stack of <name>_invoke (GCC call graph; libgcc helpers listed in stackExcludes not counted). */
  stackBytes: number;
  stackExcludes: string[];
}

export interface CoreCodeSize {
  compiler: string;
  cflags: string[];
  kernels: KernelSizes;
  models: Record<string, ModelSizes>;
}

export interface CodeSizeReport {
  description: string;
  command: string;
  ldflags: string[];
  /** How the bundled models were made (sizes depend only on their shapes). */
  models: string;
  cores: Record<string, CoreCodeSize>;
}

/** The cores whose cross toolchain is installed here. */
export function measurableCores(): { core: CoreSpec; tc: Toolchain }[] {
  return loadCores().flatMap((core) => {
    const tc = findToolchain(core);
    return tc ? [{ core, tc }] : [];
  });
}

export function measureAllKernels(workDir: string): Record<string, KernelSizes> {
  // The kernels are the same text for every model; any emitted folder has them.
  const { qmodel } = buildBundledModel(BUNDLED_MODELS[2]);
  const dir = join(workDir, 'kernels-src');
  emitC(qmodel, dir, { command: MEASURE_COMMAND });
  return Object.fromEntries(measurableCores().map(({ core, tc }) => [core.id, measureKernels(tc, dir, core, workDir)]));
}

export function measureCodeSize(): CodeSizeReport {
  const workDir = mkdtempSync(join(tmpdir(), 'firmnet-code-size-'));
  try {
    const kernels = measureAllKernels(workDir);
    const targets = measurableCores();
    const cores: Record<string, CoreCodeSize> = Object.fromEntries(
      targets.map(({ core, tc }) => [core.id, { compiler: tc.version, cflags: [...MCU_CFLAGS, ...core.build.flags], kernels: kernels[core.id], models: {} }]),
    );
    for (const spec of BUNDLED_MODELS) {
      const { qmodel } = buildBundledModel(spec);
      const dir = join(workDir, spec.dataset);
      const emitted = emitC(qmodel, dir, { command: MEASURE_COMMAND });
      const widths = [qmodel.layers[0].input.features, ...qmodel.layers.filter((l) => l.op === 'fully_connected').map((l) => l.output.features)];
      for (const { core, tc } of targets) {
        const { sizes, stack } = buildModelImage(tc, dir, emitted.names, core, workDir);
        cores[core.id].models[spec.dataset] = {
          ...sizes,
          shape: `${widths.join('-')} relu`,
          arenaBytes: emitted.arenaBytes,
          weightBytes: emitted.weightBytes,
          stackBytes: stack.bytes,
          stackExcludes: stack.external,
        };
      }
    }
    return {
      description:
        'Code size of firmnet\'s generated C per target core (<prefix>-size, Berkeley format: text includes .rodata, so constant model data counts as text). ' +
        'kernels: the kernel sources (runtime/c/*.c) alone, every kernel kept, linked with libgcc (textWithoutLibgcc: their objects alone, joined with ld -r). ' +
        'models: each bundled model\'s integer path (<name>.c + the kernel sources, entry <name>_invoke, --gc-sections); bss is the arena.',
      command: MEASURE_COMMAND,
      ldflags: [...MCU_LDFLAGS, '-lgcc'],
      models: `scripts/code-size/bundled-models.ts: hidden ${BUNDLED_HIDDEN.join(',')} ReLU, ${BUNDLED_EPOCHS} epochs, seed 0, default quantization`,
      cores,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The docs table: one row per core and component. */
export function markdownTable(report: CodeSizeReport): string {
  const rows = ['| core | what | text | data | bss | arena | weights | stack |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const [core, { kernels, models }] of Object.entries(report.cores)) {
    const helpers = kernels.libgcc.length > 0 ? ` (with libgcc's ${kernels.libgcc.join(', ')})` : '';
    rows.push(`| ${core} | kernels alone${helpers} | ${kernels.text} | ${kernels.data} | ${kernels.bss} | – | – | – |`);
    for (const [name, m] of Object.entries(models)) rows.push(`| ${core} | ${name} ${m.shape} | ${m.text} | ${m.data} | ${m.bss} | ${m.arenaBytes} | ${m.weightBytes} | ${m.stackBytes} |`);
  }
  return rows.join('\n');
}
