import type { Argv } from 'yargs';
import type { ImportOptions } from '../../import/finish-import.js';
import { importModelFile } from '../../import/import-model-file.js';
import { loadPreprocessing } from '../../import/preprocessing-sidecar.js';
import { type FloatModel, type Task, parameterCount } from '../../model/float-model.js';
import { saveModel } from '../../model/model-file.js';
import { terminalText } from '../../terminal-text.js';
import { splitList } from '../args.js';
import type { CommandModule } from '../command.js';
import { formatTable } from '../../io/text-table.js';

interface ImportArgs {
  file: string;
  out: string;
  task?: Task;
  classes?: string;
  preprocessing?: string;
  name?: string;
}

export const importCommand: CommandModule<ImportArgs> = {
  command: 'import <file>',
  describe: 'import a trained model (ONNX, or a TF.js layers model.json) as a firmnet float model.json',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'model.onnx, or a TF.js model.json (its weight shards next to it) or its folder' })
      .option('out', { type: 'string', demandOption: true, describe: 'where to write the firmnet model file' })
      .option('task', {
        choices: ['regression', 'binary', 'multiclass', 'multilabel', 'autoencoder'] as const,
        describe: 'what the model predicts (default: from a trailing Softmax/Sigmoid, else regression); autoencoder: it reconstructs its input, scored by the reconstruction error',
      })
      .option('classes', { type: 'string', describe: 'class names, comma-separated, in output order' })
      .option('preprocessing', { type: 'string', describe: 'JSON sidecar: input mean/std, feature names, classes, task (see docs/import-export.md)' })
      .option('name', { type: 'string', describe: 'model name (default: from the file)' })
      .example('firmnet import mlp.onnx --preprocessing scaler.json --out model.json', 'PyTorch/ONNX model with its StandardScaler statistics')
      .example('firmnet import logits.onnx --task multiclass --classes cat,dog,bird --out model.json', 'a classifier exported without its softmax')
      .example('firmnet import tfjs_model/model.json --out model.json', 'a TF.js / Keras layers model')
      .example('firmnet import ae.onnx --task autoencoder --preprocessing names.json --out model.json', 'an anomaly-detection autoencoder (640 inputs → 640 outputs)') as unknown as Argv<ImportArgs>,
  run: async (args, ui) => {
    const options: ImportOptions = {
      file: args.file,
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.task !== undefined ? { task: args.task } : {}),
      ...(args.classes !== undefined ? { classNames: splitList(args.classes) } : {}),
      ...(args.preprocessing !== undefined ? { preprocessing: loadPreprocessing(args.preprocessing) } : {}),
    };
    const model = importModelFile(args.file, options);
    saveModel(args.out, model);
    ui.emitJson({
      model: args.out,
      source: model.source,
      name: model.name,
      task: model.task,
      head: model.head,
      inputFeatures: model.inputFeatures,
      outputFeatures: model.outputFeatures,
      layers: model.layers.map((l) => l.type),
      parameters: parameterCount(model),
      classNames: model.classNames,
      inputStandardization: model.inputStandardization !== null,
      targetStandardization: model.targetStandardization !== null,
    });
    // The names come from the imported file: a line break in one must not start a line of its own.
    printSummary(ui, { ...model, name: terminalText(model.name), classNames: model.classNames.map(terminalText) }, args);
  },
};

function printSummary(ui: { print(text?: string): void }, model: FloatModel, args: ImportArgs): void {
  let features = model.inputFeatures;
  const rows = model.layers.map((l, i) => {
    const shape = l.type === 'dense' ? `${l.inFeatures} → ${l.outFeatures}` : `${features}`;
    if (l.type === 'dense') features = l.outFeatures;
    const detail = l.type === 'leaky_relu' ? `alpha ${l.alpha}` : l.type === 'gelu' ? `approximate ${l.approximate}` : l.type === 'dropout' ? `rate ${l.rate}` : l.type === 'batchnorm' ? `eps ${l.eps}` : '';
    return [i, l.type, shape, detail];
  });
  const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
  ui.print(`imported ${model.source.format.toUpperCase()} model ${model.name}: ${count(model.inputFeatures, 'input')} → ${count(model.outputFeatures, 'output')}, ${count(parameterCount(model), 'parameter')}`);
  ui.print();
  ui.print(formatTable(['layer', 'type', 'features', 'detail'], rows));
  ui.print();
  ui.print(`task ${model.task}, head ${model.head}${model.classNames.length > 0 ? `, classes ${model.classNames.join(', ')}` : ''}`);
  if (args.task === undefined && model.task === 'regression' && model.head === 'identity' && args.preprocessing === undefined) {
    const reconstructs = model.outputFeatures === model.inputFeatures && model.outputFeatures > 1;
    ui.print(
      `  (the model does not end in Softmax or Sigmoid, so it is imported as regression; pass --task multiclass/binary if its outputs are class logits${reconstructs ? `, or --task autoencoder if it reconstructs its ${model.inputFeatures} inputs` : ''})`,
    );
  }
  if (model.task === 'autoencoder' && model.anomaly === null) {
    ui.print('  (no anomaly threshold: `firmnet sim --data` scores rows by their reconstruction error, and with a 0/1 label column by ROC-AUC)');
  }
  ui.print(`input standardization: ${model.inputStandardization ? 'yes' : 'none (pass --preprocessing sidecar.json if the model was trained on standardized inputs)'}`);
  if (model.featureNames[0] === 'x0') ui.print('feature names x0…: name the CSV columns with featureNames in a --preprocessing sidecar to evaluate on CSV files');
  ui.print();
  ui.print(`model written to ${args.out}`);
}
