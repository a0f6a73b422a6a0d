/** Run off the test's thread (test/helpers/off-thread.ts): a shape's price before training, and the same shape's simulated figures once trained and quantized. */
import { simulate } from '../../firmware-sim/simulate.js';
import { resolveTarget } from '../../firmware-sim/targets.js';
import { loadDataset } from '../../compiler/data/dataset.js';
import { projectFromCsv } from '../../compiler/project/project-file.js';
import { calibrationSetFor } from '../../compiler/quantize/calibration-set.js';
import { quantizeModel } from '../../compiler/quantize/quantize.js';
import { trainConfig } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';
import { DatasetCache, type JobResult, type TargetPrice, type TuneContext, runCandidateJob } from '../../compiler/tune/run-candidate.js';
import { type Candidate, quantizationOf, trainSettingsOf } from '../../compiler/tune/search-space.js';

export async function priceAndTrained(candidate: Candidate, target: string, epochs: number): Promise<{ price: JobResult; trained: TargetPrice }> {
  const iris = projectFromCsv('models/data/iris/train.csv', 'multiclass');
  const context: TuneContext = { name: 'iris', task: 'multiclass', trainFile: iris.data.train, label: ['label'], calibrationFile: null, training: { ...iris.training, epochs }, quantization: iris.quantization, targets: [{ target }], objective: 'accuracy' };
  const price = await runCandidateJob(context, { kind: 'price', candidate }, new DatasetCache());
  const data = loadDataset(iris.data.train, { task: 'multiclass', labelColumns: ['label'] });
  const { model } = trainModel(data, trainConfig('multiclass', trainSettingsOf(context.training, candidate, epochs)), 'iris');
  const q = quantizationOf(iris.quantization, candidate);
  const { qmodel } = quantizeModel(model, calibrationSetFor(model, iris.data.train, q.calibrationRows, q.seed), q);
  const [r] = await simulate(qmodel, { targets: [resolveTarget(target)] });
  const inSram = r.cycles.weightPlacements.find((p) => p.weights === 'sram');
  return {
    price,
    trained: {
      target: r.target.id,
      sramBytes: r.memory.sram.totalBytes,
      flashBytes: r.memory.flash.totalBytes,
      sramCapacityBytes: r.memory.sram.capacityBytes,
      flashCapacityBytes: r.memory.flash.capacityBytes,
      latencyMs: r.cycles.latencyMs,
      weightsInSram: inSram ? { sramBytes: inSram.sramTotalBytes, latencyMs: inSram.latencyMs } : null,
    },
  };
}
