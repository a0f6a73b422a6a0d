import { describe, expect, it } from 'vitest';
import { type FloatModel, MODEL_FORMAT, MODEL_VERSION, type Standardization } from '../../compiler/model/float-model.js';
import { parseModelText, modelToJson } from '../../compiler/model/model-file.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

/** A 2-input, 2-output linear regression model with the given weights (row-major [out][in]). */
function linearModel(weights: number[], inputStandardization: Standardization | null = null, task: 'regression' | 'autoencoder' = 'regression'): FloatModel {
  const model: FloatModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: 'tiny',
    task,
    head: 'identity',
    inputFeatures: 2,
    outputFeatures: 2,
    featureNames: ['a', 'b'],
    labelColumns: task === 'autoencoder' ? ['a', 'b'] : ['y0', 'y1'],
    classNames: [],
    inputStandardization,
    targetStandardization: null,
    anomaly: task === 'autoencoder' ? { percentile: 99, threshold: 1 } : null,
    layers: [{ type: 'dense', inFeatures: 2, outFeatures: 2, weights, bias: [0.5, -0.25] }],
    seed: null,
    source: { format: 'firmnet', file: null },
    training: null,
  };
  // Only models that load as files are quantized.
  return parseModelText(modelToJson(model), 'tiny.json');
}

const calibration = { features: Float32Array.from([0.5, -1, 2, 0.25, -1.5, 1, 0, 3]), rows: 4, description: 'calib.csv (all 4 rows)', seed: 0 };

describe('quantizer scale guard', () => {
  it('quantizes an ordinary model', () => {
    const { qmodel } = quantizeModel(linearModel([0.5, -1, 2, 0.25]), calibration, DEFAULT_QUANTIZE_OPTIONS);
    expect(qmodel.layers[0].input.scale).toBeGreaterThan(0);
  });

  it('refuses a weight channel whose scale underflows float32, naming layer and channel', () => {
    // max|w| / 127 of channel 1 is below float32's smallest denormal: its scale would round to 0.
    expectFirmnetError(
      () => quantizeModel(linearModel([0.5, -1, 1e-44, 0]), calibration, DEFAULT_QUANTIZE_OPTIONS),
      'UNSUPPORTED',
      /^quantizing layers\[0\] '[^']+' \(fully_connected\): the weight scale of output channel 1 is 0; int8 weights need a positive normal float32 scale/,
    );
    // Per tensor, the largest weight of the whole layer sets the scale: fine.
    expect(quantizeModel(linearModel([0.5, -1, 1e-44, 0]), calibration, { ...DEFAULT_QUANTIZE_OPTIONS, perChannel: false }).qmodel.layers[0].op).toBe('fully_connected');
  });

  it('refuses an activation range that gives a denormal scale', () => {
    const flat = { ...calibration, features: new Float32Array(8).fill(1e-39) };
    expectFirmnetError(
      () => quantizeModel(linearModel([0.5, -1, 2, 0.25]), flat, { ...DEFAULT_QUANTIZE_OPTIONS, method: 'minmax' }),
      'UNSUPPORTED',
      /quantizing layers\[0\] '[^']+' \(fully_connected\): input tensor gets scale [\d.e-]+ and zero point/,
    );
  });

  it('names the layer whose float outputs overflow on the calibration data', () => {
    expectFirmnetError(
      () => quantizeModel(linearModel([3e38, 3e38, 1, 1]), calibration, DEFAULT_QUANTIZE_OPTIONS),
      'INCOMPATIBLE',
      /^layer '[^']+': the float model's output 0 is (-)?Infinity on calibration sample row 2 \(calib\.csv \(all 4 rows\)\): the model overflows float32/,
    );
  });

  it('names the input that overflows when standardized', () => {
    const s = { mean: [0, 0], std: [1, 1.2e-38] };
    expectFirmnetError(
      () => quantizeModel(linearModel([0.5, -1, 2, 0.25], s), { ...calibration, features: Float32Array.from([0.5, -10, 2, 0.25, -1.5, 1, 0, 3]) }, DEFAULT_QUANTIZE_OPTIONS),
      'INCOMPATIBLE',
      "calibration data calib.csv (all 4 rows): input 'b' of sample row 1 is -Infinity after standardization",
    );
  });

  it("refuses an autoencoder whose int8 reconstruction errors on the calibration data overflow float32, naming the data", () => {
    // Errors are measured in standardized units: a reconstruction 0.25 off, divided by std 1e-30, squares to ~1e59.
    const s = { mean: [0, 0], std: [1e-30, 1e-30] };
    const tiny = { ...calibration, features: Float32Array.from([1e-30, -1e-30, 2e-30, 1e-30, -1e-30, 0, 0, 3e-30]) };
    expectFirmnetError(
      () => quantizeModel(linearModel([1, 0, 0, 1], s, 'autoencoder'), tiny, { ...DEFAULT_QUANTIZE_OPTIONS, method: 'minmax' }),
      'INCOMPATIBLE',
      /^calibration data calib\.csv \(all 4 rows\): the int8 model's anomaly threshold \(the 99th percentile of its reconstruction errors\) is [\d.e+]+, beyond float32/,
    );
  });
});
