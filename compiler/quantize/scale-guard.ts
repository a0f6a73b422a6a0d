import { FirmnetError } from '../errors.js';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, isPositiveNormalFloat32 } from '../float32.js';
import type { QTensor, Unhashed } from '../ops/op-types.js';
import type { QLayer } from '../ops/quantized-op-types.js';
import { quantizedOp } from '../ops/quantized-ops.js';

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
 * positive normal float32, and every integer parameter is finite (the tensors here, the op's own
 * fields by its `checkLowered`). A zero, denormal or infinite scale would make the IR unloadable
 * or every output saturate; this names the layer and field instead of letting that surface as a
 * failure to write the file.
 */
export function checkQuantizedLayers(layers: Unhashed<QLayer>[]): void {
  layers.forEach((layer, i) => {
    const where = `quantizing layers[${i}] '${layer.name}' (${layer.op})`;
    checkTensor(layer.input, `${where}: input`);
    checkTensor(layer.output, `${where}: output`);
    quantizedOp(layer).checkLowered(layer, where);
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
