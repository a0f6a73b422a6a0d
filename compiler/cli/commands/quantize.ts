import type { Argv } from 'yargs';
import { loadDatasetForModel } from '../../data/dataset.js';
import { FirmnetError, namingFile } from '../../errors.js';
import { loadModel } from '../../model/model-file.js';
import { DEFAULT_CALIBRATION_ROWS, calibrationSetFor, checkCalibrationSample } from '../../quantize/calibration-set.js';
import type { CalibrationMethod } from '../../ir/qmodel.js';
import { saveQModel } from '../../quantize/qmodel-file.js';
import { DEFAULT_QUANTIZE_OPTIONS, type QuantizeResult, type TensorCalibration, planQuantization, quantizeModel } from '../../quantize/quantize.js';
import { predictQuantized } from '../../reference/predict.js';
import { terminalText } from '../../terminal-text.js';
import { DEFAULT_QAT_SETTINGS, checkQatSettings, quantizeWithQat, weightBitsFor } from '../../train/qat/qat.js';
import { qatTrainingData } from '../../train/qat/qat-data.js';
import { splitList } from '../args.js';
import type { CommandModule } from '../command.js';
import { type AccuracyComparison, compareWithFloat } from '../../evaluate/compare-with-float.js';
import { accuracyLines } from '../../evaluate/evaluation-lines.js';
import { formatNumber, formatTable } from '../../io/text-table.js';
import { relativePath } from '../../io/recorded-path.js';

interface QuantizeArgs {
  model: string;
  out: string;
  calib?: string;
  'calib-rows': number;
  seed: number;
  method: CalibrationMethod | 'auto';
  percentile: number;
  'per-tensor': boolean;
  int16?: string;
  'int8-head': boolean;
  test?: string;
  label?: string;
  qat: boolean;
  'qat-epochs': number;
  'qat-learning-rate': number;
  train?: string;
}

export const quantizeCommand: CommandModule<QuantizeArgs> = {
  command: 'quantize <model>',
  describe: 'quantize a float model to int8 with calibration and write the quantized IR (model.q.json)',
  builder: (y) =>
    y
      .positional('model', { type: 'string', demandOption: true, describe: 'float model file (model.json)' })
      .option('out', { type: 'string', demandOption: true, describe: 'where to write the quantized IR' })
      .option('calib', { type: 'string', describe: 'representative inputs (CSV with the model\'s feature columns); default: the training data' })
      .option('calib-rows', { type: 'number', default: DEFAULT_CALIBRATION_ROWS, describe: 'calibrate on a seeded sample of at most this many rows' })
      .option('seed', { type: 'number', default: 0, describe: 'seed of the calibration sample' })
      .option('method', { choices: ['auto', 'minmax', 'percentile', 'mse', 'kl'] as const, default: 'auto' as const, describe: 'range method (auto: best end-to-end SQNR per tensor)' })
      .option('percentile', { type: 'number', default: DEFAULT_QUANTIZE_OPTIONS.percentile, describe: 'percentile method: share (%) of values kept inside the range' })
      .option('per-tensor', { type: 'boolean', default: false, describe: 'one weight scale per layer instead of per output channel' })
      .option('int16', { type: 'string', describe: "16-bit activations ('16x8') for these tensors: 'input', layer names, or 'all'" })
      .option('int8-head', { type: 'boolean', default: false, describe: 'quantize the softmax/sigmoid head too (outputs probabilities at scale 1/256) instead of leaving logits' })
      .option('test', { type: 'string', describe: 'labelled CSV for the float-vs-int8 accuracy report' })
      .option('label', { type: 'string', describe: 'label column(s) of --test (default: the model\'s)' })
      .option('qat', { type: 'boolean', default: false, describe: 'quantization-aware training: fine-tune with fake quantization before converting (see docs/quantization.md)' })
      .option('qat-epochs', { type: 'number', default: DEFAULT_QAT_SETTINGS.epochs, describe: 'QAT: fine-tuning epochs' })
      .option('qat-learning-rate', { type: 'number', default: DEFAULT_QAT_SETTINGS.learningRate, describe: 'QAT: Adam learning rate' })
      .option('train', { type: 'string', describe: 'QAT: labelled training CSV (default: the training data the model records)' })
      .example('firmnet quantize digits.json --test models/data/digits/test.csv --out digits.q.json', 'auto calibration on 1000 training rows')
      .example('firmnet quantize digits.json --qat --qat-epochs 10 --test models/data/digits/test.csv --out digits.q.json', 'quantization-aware fine-tuning, then the same conversion')
      .example('firmnet quantize m.json --calib calib.csv --method kl --int16 dense2 --out m.q.json', 'entropy calibration; 16-bit output of layer dense2') as unknown as Argv<QuantizeArgs>,
  run: async (args, ui) => {
    const options = {
      method: args.method,
      percentile: args.percentile,
      perChannel: !args['per-tensor'],
      int16: args.int16 ? splitList(args.int16) : [],
      headInFirmware: args['int8-head'],
    };
    const qat = { epochs: args['qat-epochs'], learningRate: args['qat-learning-rate'], batchSize: null, seed: args.seed };
    // Flags and every input file are checked before calibrating.
    checkCalibrationSample(args['calib-rows'], args.seed);
    if (args.qat) checkQatSettings(qat);
    else if (args.train) throw new FirmnetError('BAD_ARGUMENT', '--train is the labelled data of quantization-aware training; pass --qat with it (calibration data is --calib)');
    const model = loadModel(args.model);
    namingFile(args.model, () => planQuantization(model, options));
    const testData = args.test ? loadDatasetForModel(model, args.test, args.label ? splitList(args.label) : undefined) : null;
    const trainData = args.qat ? qatTrainingData(model, args.train ?? null) : null;
    const calibration = calibrationSetFor(model, args.calib ?? null, args['calib-rows'], args.seed);
    let qatSummary: { epochs: number; learningRate: number; seconds: number; finalLoss: number; data: string } | null = null;
    let result: QuantizeResult;
    if (trainData) {
      ui.log(`quantization-aware training of ${terminalText(model.name)} on ${terminalText(relativePath(process.cwd(), trainData.file))} (${trainData.rows} rows), ${qat.epochs} epochs at learning rate ${qat.learningRate}`);
      const tuned = quantizeWithQat(model, trainData, calibration, options, qat, weightBitsFor(options), { onEpoch: (e, total) => ui.log(`  epoch ${e.epoch}/${total} loss ${e.loss.toPrecision(4)}`) });
      qatSummary = { epochs: qat.epochs, learningRate: qat.learningRate, seconds: tuned.seconds, finalLoss: tuned.history[tuned.history.length - 1].loss, data: relativePath(process.cwd(), trainData.file) };
      result = tuned;
      ui.log(`converting on ${calibration.description}, method ${args.method}`);
    } else {
      ui.log(`calibrating ${terminalText(model.name)} on ${calibration.description}, method ${args.method}`);
      result = quantizeModel(model, calibration, options);
    }
    const { qmodel, tensors } = result;
    let accuracy: AccuracyComparison | null = null;
    if (testData) {
      const p = predictQuantized(qmodel, testData.features, testData.rows);
      accuracy = compareWithFloat(model, qmodel, testData, p.scores, p.dequantized);
    }
    saveQModel(args.out, qmodel);
    ui.emitJson({ model: args.out, hash: qmodel.hash, calibration: qmodel.calibration, qat: qatSummary, tensors, accuracy, decision: qmodel.decision ?? null });
    ui.print(calibrationTable(tensors));
    if (qmodel.decision) {
      const d = qmodel.decision;
      const outputs = d.codes.map((code, j) => `${terminalText(model.task === 'binary' ? model.classNames[1] : model.labelColumns[j])} p ≥ ${formatNumber(d.thresholds[j])} → code ≥ ${code}`);
      ui.print(`\ndecision thresholds (${d.rule}, from training) as output codes: ${outputs.join('; ')}`);
      if (model.decision) {
        const v = model.decision.validation;
        ui.print(`  float validation metrics at them: ${v.map((m) => `precision ${formatNumber(m.precision)} recall ${formatNumber(m.recall)} F1 ${formatNumber(m.f1)}`).join('; ')}`);
      }
    }
    if (accuracy) {
      ui.print();
      for (const line of accuracyLines(accuracy, model.classNames)) ui.print(line);
    } else {
      ui.print('\n(pass --test FILE for the float-vs-int8 accuracy report)');
    }
    if (qatSummary) ui.print(`\nquantization-aware training: ${qatSummary.epochs} epochs in ${qatSummary.seconds.toFixed(1)} s, final loss ${qatSummary.finalLoss.toPrecision(4)}`);
    ui.print(`\nquantized model written to ${args.out} (hash ${qmodel.hash})`);
  },
};

export function calibrationTable(tensors: TensorCalibration[]): string {
  return formatTable(
    ['tensor', 'op', 'dtype', 'method', 'range', 'scale', 'zero point', 'clipped', 'SQNR dB'],
    tensors.map((t) => [
      t.tensor,
      t.op,
      t.dtype,
      t.method,
      `[${t.rangeMin.toPrecision(4)}, ${t.rangeMax.toPrecision(4)}]`,
      t.scale.toPrecision(4),
      t.zeroPoint,
      `${t.clippedPercent.toFixed(3)}%`,
      Number.isFinite(t.sqnrDb) ? t.sqnrDb.toFixed(1) : '∞',
    ]),
  );
}

