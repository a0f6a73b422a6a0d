import { FirmnetError } from '../errors.js';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, isPositiveNormalFloat32 } from '../float32.js';
import type { QLayer, QTensor, Unhashed } from './qmodel.js';

/**
 * Calibration runs the float model over the calibration rows; every value it observes must be
 * finite, or the ranges (and so the scales) derived from it are meaningless. Names the tensor and
 * the first sample row and feature where it is not.
 */
export function checkObservedFinite(observed: Float32Array[], names: string[], features: number[], featureNames: string[], calibration: string): void {
  observed.forEach((values, t) => {
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i])) continue;
      const row = Math.floor(i / features[t]) + 1;
      const unit = i % features[t];
      if (t === 0) {
        throw new FirmnetError(
          'INCOMPATIBLE',
          `calibration data ${calibration}: input '${featureNames[unit]}' of sample row ${row} is ${values[i]} after standardization ((x − mean) / std in float32); ` +
            "the value is too far outside the training data's range for the model's standardization; check that the calibration file matches the training data",
        );
      }
      throw new FirmnetError(
        'INCOMPATIBLE',
        `layer '${names[t]}': the float model's output ${unit} is ${values[i]} on calibration sample row ${row} (${calibration}): the model overflows float32 on this data, ` +
          'so it cannot be quantized; check the model (weights far too large) or the calibration data',
      );
    }
  });
}

/**
 * The last check before an IR is sealed: every scale a backend multiplies or divides by is a
 * positive normal float32, and every integer parameter is finite. A zero, denormal or infinite
 * scale would make the IR unloadable or every output saturate; this names the layer and field
 * instead of letting that surface as a failure to write the file.
 */
export function checkQuantizedLayers(layers: Unhashed<QLayer>[]): void {
  layers.forEach((layer, i) => {
    const where = `quantizing layers[${i}] '${layer.name}' (${layer.op})`;
    checkTensor(layer.input, `${where}: input`);
    checkTensor(layer.output, `${where}: output`);
    const integers = (field: string, values: readonly number[]): void => {
      const k = values.findIndex((v) => !Number.isSafeInteger(v));
      if (k >= 0) throw new FirmnetError('UNSUPPORTED', `${where}: ${field}[${k}] is ${values[k]}, not a finite integer; the layer's scales are out of range`);
    };
    switch (layer.op) {
      case 'fully_connected':
        layer.weightScales.forEach((s, c) => {
          if (!isPositiveNormalFloat32(s)) {
            throw new FirmnetError(
              'UNSUPPORTED',
              `${where}: the weight scale of output channel ${c} is ${s}; int8 weights need a positive normal float32 scale (${FLOAT32_MIN_NORMAL.toPrecision(8)} to ${FLOAT32_MAX.toPrecision(8)}), ` +
                'and this channel\'s largest |weight| / 127 is outside it; the channel\'s weights are (nearly) zero or too large to quantize',
            );
          }
        });
        integers('bias', layer.bias);
        integers('multiplier', layer.multiplier);
        integers('shift', layer.shift);
        break;
      case 'leaky_relu':
        integers('multiplierIdentity', [layer.multiplierIdentity]);
        integers('multiplierAlpha', [layer.multiplierAlpha]);
        break;
      case 'lut':
        integers('table', layer.table);
        break;
      case 'softmax':
        integers('expTable', layer.expTable);
        break;
      default: {
        const unchecked: never = layer;
        throw new Error(`internal: no scale check for layer ${JSON.stringify((unchecked as { op: string }).op)}`);
      }
    }
  });
}

function checkTensor(t: QTensor, where: string): void {
  if (!isPositiveNormalFloat32(t.scale) || !Number.isSafeInteger(t.zeroPoint)) {
    throw new FirmnetError(
      'UNSUPPORTED',
      `${where} tensor gets scale ${t.scale} and zero point ${t.zeroPoint} from its calibrated range [${t.rangeMin}, ${t.rangeMax}]; ` +
        `a scale must be a positive normal float32 (${FLOAT32_MIN_NORMAL.toPrecision(8)} to ${FLOAT32_MAX.toPrecision(8)}): the tensor's values are (nearly) all zero or overflow float32`,
    );
  }
}
