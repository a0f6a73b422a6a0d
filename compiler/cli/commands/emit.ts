import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { emitC } from '../../emit/c/emit-c.js';
import { emitWasm } from '../../emit/wasm/emit-wasm.js';
import { loadQModel } from '../../quantize/qmodel-file.js';
import type { CommandModule } from '../command.js';
import { formatTable } from '../../io/text-table.js';
import { emitArduino } from '../../emit/arduino/emit-arduino.js';
import { decisionOf } from '../../emit/c/render-conveniences.js';
import { loadFeatures } from '../../data/dataset.js';
import type { QModel } from '../../ir/qmodel.js';

/** The first rows of a CSV with the model's feature columns, for the generated examples. */
function firstRows(q: QModel, file: string, rows: number): { features: Float32Array; rows: number; description: string } {
  const data = loadFeatures(file, q.featureNames);
  const n = Math.min(rows, data.rows);
  return { features: data.features.subarray(0, n * q.featureNames.length), rows: n, description: `the first ${n === 1 ? 'row' : `${n} rows`} of ${file}` };
}

interface EmitArgs {
  model: string;
  target: 'wasm' | 'c' | 'arduino';
  out: string;
  scalar: boolean;
  name?: string;
  data?: string;
  'package-version'?: string;
}

export const emitCommand: CommandModule<EmitArgs> = {
  command: 'emit <model>',
  describe: 'generate firmware from a quantized IR: a WebAssembly module with a typed loader, or portable C99',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'quantized IR (model.q.json)' })
      .option('target', { choices: ['wasm', 'c', 'arduino'] as const, demandOption: true, describe: 'what to generate: wasm, c (also a PlatformIO library and a Zephyr module), arduino (an Arduino library)' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('scalar', { type: 'boolean', default: false, describe: 'wasm: scalar kernels for runtimes without WebAssembly SIMD' })
      .option('name', { type: 'string', describe: 'c, arduino: symbol and file prefix (default: the model name)' })
      .option('data', { type: 'string', describe: 'c, arduino: CSV whose first rows the example program (c: 4, arduino: 1) runs (default: synthetic rows in the calibrated range)' })
      .option('package-version', { type: 'string', describe: 'c, arduino: version in library.json / library.properties (default 1.0.0)' })
      .example('firmnet emit digits.q.json --target wasm --out build/wasm', 'model.wasm + model.mjs + model.d.mts')
      .example('firmnet emit digits.q.json --target c --out build/c', 'digits.h, digits.c, digits_data.h, the firmnet_*.c/.h kernels, example/, library.json, zephyr/')
      .example('firmnet emit digits.q.json --target arduino --data models/data/digits/test.csv --out build/arduino', 'an Arduino library whose example sketch classifies the first test row') as unknown as Argv<EmitArgs>,
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
    const exampleRows = args.data ? firstRows(q, args.data, args.target === 'arduino' ? 1 : 4) : undefined;
    const options = { command, name: args.name, exampleRows, packageVersion: args['package-version'] };
    if (args.target === 'arduino') {
      const a = emitArduino(q, args.out, options);
      ui.emitJson({ target: 'arduino', outDir: a.outDir, files: a.files, sketch: a.sketch, arenaBytes: a.arenaBytes, weightBytes: a.weightBytes });
      ui.print(
        formatTable(
          ['', 'value'],
          [
            ['library', `firmnet_${a.names.prefix} (library.properties, src/, ${a.sketch})`],
            ['API', `#include "${a.names.header}", ${a.names.invoke}(in, out), ${a.names.prefix}_predict(float in, float out)${decisionOf(q) === null ? '' : `, label = ${a.names.prefix}_classify(features, &result)`}`],
            ['arena', `${a.arenaBytes} B (static)`],
            ['constant data', `${a.weightBytes} B (flash)`],
          ],
        ),
      );
      ui.print(`\nwrote ${a.files.length} files to ${resolve(a.outDir)}; install it with Sketch → Include Library → Add .ZIP Library… (zip the folder) or copy it into your libraries folder`);
      return;
    }
    const r = emitC(q, args.out, options);
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
