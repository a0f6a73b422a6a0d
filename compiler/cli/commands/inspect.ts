import type { Argv } from 'yargs';
import { readAnyModel } from '../../inspect/read-any-model.js';
import { summarizeFloatModel, summarizeQModel } from '../../inspect/model-summary.js';
import { summaryLines } from '../../inspect/summary-table.js';
import type { CommandModule } from '../command.js';

interface InspectArgs {
  model: string;
}

export const inspectCommand: CommandModule<InspectArgs> = {
  command: 'inspect <model>',
  describe: 'print a per-layer summary of a model file: ops, shapes, parameters, MACs, constant bytes and (IR) quantization',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'model.json, model.q.json, model.onnx, or a TF.js model.json or its folder' })
      .example('firmnet inspect out/digits/model.q.json', 'layers of the quantized IR with scales, zero points and bits')
      .example('firmnet inspect mlp.onnx --json', 'an ONNX model as one JSON object') as unknown as Argv<InspectArgs>,
  run: async (args, ui) => {
    const read = readAnyModel(args.model);
    const summary = read.kind === 'quantized' ? summarizeQModel(read.qmodel) : summarizeFloatModel(read.model);
    ui.emitJson({ file: args.model, ...summary });
    for (const line of summaryLines(summary)) ui.print(line);
  },
};
