import type { Argv } from 'yargs';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { predictFile } from '../../predict/predict-file.js';
import { predictionCsv } from '../../predict/prediction-csv.js';
import type { CommandModule } from '../command.js';

interface PredictArgs {
  model: string;
  data: string;
  out?: string;
  ir?: string;
}

export const predictCommand: CommandModule<PredictArgs> = {
  command: 'predict <model>',
  describe: 'run a float model, a quantized IR or an emitted WebAssembly module on a CSV and write the predictions as CSV',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'model.json (or ONNX / TF.js), model.q.json (golden reference), or a folder written by emit --target wasm' })
      .option('data', { type: 'string', demandOption: true, describe: 'CSV with a header naming the model\'s feature columns (others are ignored), or without a header: exactly the model\'s features per line, in order' })
      .option('out', { type: 'string', describe: 'write the predictions to this CSV file (default: stdout)' })
      .option('ir', { type: 'string', describe: 'wasm: the IR the module was emitted from, for regression output names and an autoencoder\'s threshold (default: model.q.json next to the folder)' })
      .example('firmnet predict out/digits/model.q.json --data models/data/digits/test.csv', 'class, label and probabilities per row, bit-exact with the firmware')
      .example('firmnet predict out/anomaly/wasm --data models/data/vibration/test.csv --out scores.csv', 'reconstruction error and anomaly decision from the emitted module')
      .example('firmnet predict model.json --data rows.csv --json', 'the float model, as one JSON object') as unknown as Argv<PredictArgs>,
  run: async (args, ui) => {
    const result = await predictFile(args.model, args.data, { irFile: args.ir });
    const { predictor: p, table } = result;
    if (args.out) writeFileAtomic(args.out, predictionCsv(table));
    ui.emitJson({ model: args.model, backend: p.backend, name: p.name, task: p.task, data: args.data, rows: result.rows, out: args.out ?? null, columns: table.columns, predictions: table.rows });
    ui.log(`${p.name}: ${result.rows} rows of ${args.data}${result.headerless ? ' (no header: features in model order)' : ''} predicted by the ${p.backend}${args.out ? ` → ${args.out}` : ''}`);
    if (!args.out) ui.print(predictionCsv(table).trimEnd());
  },
};
