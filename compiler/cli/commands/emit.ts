import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { emitC } from '../../emit/c/emit-c.js';
import { emitWasm } from '../../emit/wasm/emit-wasm.js';
import { loadQModel } from '../../quantize/qmodel-file.js';
import type { CommandModule } from '../command.js';
import { formatTable } from '../../io/text-table.js';

interface EmitArgs {
  model: string;
  target: 'wasm' | 'c';
  out: string;
  scalar: boolean;
  name?: string;
}

export const emitCommand: CommandModule<EmitArgs> = {
  command: 'emit <model>',
  describe: 'generate firmware from a quantized IR: a WebAssembly module with a typed loader, or portable C99',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'quantized IR (model.q.json)' })
      .option('target', { choices: ['wasm', 'c'] as const, demandOption: true, describe: 'what to generate' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('scalar', { type: 'boolean', default: false, describe: 'wasm: scalar kernels for runtimes without WebAssembly SIMD' })
      .option('name', { type: 'string', describe: 'c: symbol and file prefix (default: the model name)' })
      .example('firmnet emit digits.q.json --target wasm --out build/wasm', 'model.wasm + model.mjs + model.d.mts')
      .example('firmnet emit digits.q.json --target c --out build/c', 'digits.h, digits.c, digits_data.h, the firmnet_*.c/.h kernels, example/') as unknown as Argv<EmitArgs>,
  run: async (args, ui) => {
    const q = loadQModel(args.model);
    const command = `firmnet ${process.argv.slice(2).join(' ')}`;
    if (args.target === 'wasm') {
      const r = await emitWasm(q, args.out, { simd: !args.scalar, command });
      ui.emitJson({ target: 'wasm', ...r });
      ui.print(
        formatTable(
          ['', 'value'],
          [
            ['kernels', r.simd ? 'SIMD (v128)' : 'scalar'],
            ['module', `${r.wasmBytes} B (code ${r.codeBytes} B, data ${r.dataBytes} B)`],
            ['memory', `${r.memoryBytes} B fixed (${r.memoryPages} pages, never grows)`],
            ['arena', `${r.arenaBytes} B of activations (lower bound ${r.arenaLowerBoundBytes} B) + ${r.workspaceBytes} B kernel workspace`],
            ['imports', r.imports.length === 0 ? 'none' : r.imports.join(', ')],
            ['build time', `${Math.round(r.buildMs)} ms`],
          ],
        ),
      );
      ui.print(`\nwrote ${r.files.map((f) => resolve(f)).join(', ')}`);
      return;
    }
    const r = emitC(q, args.out, { command, name: args.name });
    ui.emitJson({ target: 'c', outDir: r.outDir, files: r.files, arenaBytes: r.arenaBytes, weightBytes: r.weightBytes, invoke: r.names.invoke, inputDtype: r.inputDtype, outputDtype: r.outputDtype });
    ui.print(
      formatTable(
        ['', 'value'],
        [
          ['API', `${r.names.invoke}(in, out), ${r.names.prefix}_predict(float in, float out)`],
          ['arena', `${r.arenaBytes} B (static, the only RAM the model needs)`],
          ['constant data', `${r.weightBytes} B (flash)`],
        ],
      ),
    );
    ui.print(`\nwrote ${r.files.length} files to ${resolve(r.outDir)}: ${r.files.join(', ')}`);
  },
};
