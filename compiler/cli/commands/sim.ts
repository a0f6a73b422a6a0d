import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { readCsvHeader } from '../../data/csv.js';
import { type Dataset, loadDataset, loadDatasetForModel } from '../../data/dataset.js';
import { FirmnetError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { canonicalJson, sha256Hex } from '../../io/content-hash.js';
import type { FloatModel } from '../../model/float-model.js';
import { loadModel } from '../../model/model-file.js';
import type { QModel } from '../../ir/qmodel.js';
import { loadQModel } from '../../quantize/qmodel-file.js';
import { renderHtml } from '../../../firmware-sim/render-html.js';
import { renderTerminal } from '../../../firmware-sim/render-terminal.js';
import { simulate } from '../../../firmware-sim/simulate.js';
import { resolveTarget } from '../../../firmware-sim/targets.js';
import { splitList } from '../args.js';
import type { CommandModule } from '../command.js';

interface SimArgs {
  model: string;
  target: string[];
  'clock-hz'?: number;
  'sram-bytes'?: number;
  'flash-bytes'?: number;
  data?: string;
  float?: string;
  label?: string;
  wasm?: string;
  html?: string;
  'fail-if-too-big': boolean;
}

export const simCommand: CommandModule<SimArgs> = {
  command: 'sim <model>',
  describe: 'simulate a quantized model on a board or core: SRAM and flash, cycles and latency, accuracy versus float',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'quantized IR (model.q.json)' })
      .option('target', { type: 'string', array: true, demandOption: true, describe: 'board (stm32l4r5, stm32f746, nrf52840, rp2040, esp32c3) or core (cortex-m0plus, cortex-m4f, cortex-m7, cortex-m33, rv32imc); repeat for several' })
      .option('clock-hz', { type: 'number', describe: 'clock (required for a bare core; overrides a board\'s)' })
      .option('sram-bytes', { type: 'number', describe: 'SRAM capacity (overrides a board\'s)' })
      .option('flash-bytes', { type: 'number', describe: 'flash capacity (overrides a board\'s)' })
      .option('data', { type: 'string', describe: 'labelled CSV for the accuracy-versus-float report (an autoencoder needs no label column)' })
      .option('float', { type: 'string', describe: 'the float model the IR came from (default: model.json beside model.q.json)' })
      .option('label', { type: 'string', describe: 'label column(s) of --data (default: the model\'s)' })
      .option('wasm', { type: 'string', describe: 'folder with this IR\'s emitted model.wasm/model.mjs to run (default: emit afresh)' })
      .option('html', { type: 'string', describe: 'write a self-contained HTML report with charts' })
      .option('fail-if-too-big', { type: 'boolean', default: false, describe: 'exit with code 3 when the model does not fit a target' })
      .example('firmnet sim digits.q.json --target stm32l4r5 --data models/data/digits/test.csv', 'memory, cycles and accuracy on a board')
      .example('firmnet sim m.q.json --target cortex-m4f --clock-hz 80e6 --sram-bytes 65536 --flash-bytes 262144 --fail-if-too-big', 'a bare core, as a CI gate')
      .example('firmnet sim m.q.json --target rp2040 --target esp32c3 --html report.html', 'two boards, one HTML page') as unknown as Argv<SimArgs>,
  run: async (args, ui) => {
    const q = loadQModel(args.model);
    const overrides = { clockHz: args['clock-hz'], sramBytes: args['sram-bytes'], flashBytes: args['flash-bytes'] };
    const targets = args.target.flatMap(splitList).map((t) => resolveTarget(t, overrides));
    let accuracy;
    if (args.data) {
      const model = floatModelFor(q, args.model, args.float);
      const data = model.task === 'autoencoder' && !args.label ? autoencoderData(model, args.data) : loadDatasetForModel(model, args.data, args.label ? splitList(args.label) : undefined);
      accuracy = { model, data, dataFile: args.data };
    }
    const reports = await simulate(q, { targets, accuracy, wasmDir: args.wasm });
    if (args.html) writeFileAtomic(args.html, renderHtml(reports, `${q.name}: firmnet simulation`, { training: accuracy?.model.training }));
    ui.emitJson({ reports, html: args.html ?? null });
    reports.forEach((r, i) => {
      if (i > 0) ui.print('\n' + '═'.repeat(60) + '\n');
      for (const line of renderTerminal(r)) ui.print(line);
    });
    if (args.html) ui.print(`\nHTML report written to ${args.html}`);
    const tooBig = reports.filter((r) => r.memory.sram.fits === false || r.memory.flash.fits === false);
    if (args['fail-if-too-big'] && tooBig.length > 0) {
      throw new FirmnetError(
        'DOES_NOT_FIT',
        tooBig
          .map((r) => {
            const over = [r.memory.sram, r.memory.flash].map((b, k) => (b.fits === false ? `${k === 0 ? 'SRAM' : 'flash'} by ${-b.marginBytes!} bytes` : null)).filter(Boolean);
            return `${q.name} does not fit ${r.target.description}: over ${over.join(' and ')}`;
          })
          .join('; '),
      );
    }
  },
};

/**
 * An autoencoder needs no label: the reconstruction error is its score. The model's 0/1 anomaly
 * column is used when the file has one (then ROC-AUC is reported too), and not required otherwise.
 */
function autoencoderData(model: FloatModel, file: string): Dataset {
  const { names } = readCsvHeader(file);
  const labelColumns = model.labelColumns.filter((c) => names.includes(c) && !model.featureNames.includes(c));
  return loadDataset(file, { task: 'autoencoder', labelColumns, featureNames: model.featureNames });
}

/** The float model named by --float, or model.json beside the IR; it must be the one the IR came from. */
function floatModelFor(q: QModel, irFile: string, given: string | undefined): FloatModel {
  const candidates = given ? [given] : [join(dirname(irFile), basename(irFile).replace(/\.q\.json$/, '.json')), join(dirname(irFile), 'model.json')];
  const file = candidates.find((f) => f !== irFile && existsSync(f));
  if (!file) throw new FirmnetError('BAD_ARGUMENT', `--data needs the float model to compare with: pass --float model.json (looked for ${candidates.join(', ')})`);
  const model = loadModel(file);
  const hash = sha256Hex(canonicalJson(model)).slice(0, 16);
  if (hash !== q.source.floatModelHash) {
    throw new FirmnetError('BAD_ARGUMENT', `${file} is not the float model ${irFile} was quantized from (its hash is ${hash}, the IR records ${q.source.floatModelHash}); pass the right one with --float`);
  }
  return model;
}
