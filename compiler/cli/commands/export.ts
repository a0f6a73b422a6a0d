import type { Argv } from 'yargs';
import { ONNX_INPUT_NAME, ONNX_LOGITS_NAME, ONNX_OUTPUT_NAME, exportOpset, floatModelToOnnx } from '../../export/onnx.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { loadModel } from '../../model/model-file.js';
import { terminalText } from '../../terminal-text.js';
import type { CommandModule } from '../command.js';

interface ExportArgs {
  model: string;
  to: 'onnx';
  out: string;
}

export const exportCommand: CommandModule<ExportArgs> = {
  command: 'export <model>',
  describe: 'export a float model.json to ONNX (for Netron and ONNX Runtime)',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'float model file (model.json)' })
      .option('to', { choices: ['onnx'] as const, demandOption: true, describe: 'target format' })
      .option('out', { type: 'string', demandOption: true, describe: 'where to write the exported model' })
      .example('firmnet export digits.json --to onnx --out digits.onnx', "inputs 'input' [batch, 64]; outputs 'output' (probabilities) and 'logits'") as unknown as Argv<ExportArgs>,
  run: async (args, ui) => {
    const model = loadModel(args.model);
    const bytes = floatModelToOnnx(model);
    writeFileAtomic(args.out, bytes);
    const { opset, irVersion } = exportOpset(model);
    const io = {
      input: { name: ONNX_INPUT_NAME, shape: ['batch', model.inputFeatures] },
      outputs: [
        { name: ONNX_OUTPUT_NAME, shape: ['batch', model.outputFeatures], meaning: `after the ${model.head} head` },
        { name: ONNX_LOGITS_NAME, shape: ['batch', model.outputFeatures], meaning: 'network output before the head' },
      ],
    };
    ui.emitJson({ model: args.out, format: 'onnx', bytes: bytes.length, opset, irVersion, ...io });
    ui.print(`exported ${terminalText(model.name)} to ONNX opset ${opset} (IR version ${irVersion}), ${bytes.length} bytes`);
    ui.print(`  input  '${io.input.name}' float32 [batch, ${model.inputFeatures}]: raw features${model.inputStandardization ? ' (the standardization is inside the graph)' : ''}`);
    for (const o of io.outputs) ui.print(`  output '${o.name}' float32 [batch, ${model.outputFeatures}]: ${o.meaning}`);
    ui.print(`written to ${args.out}`);
  },
};
