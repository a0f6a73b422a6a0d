/**
 * The quantized IR's base types, below every op, the quantizer, the golden reference and the
 * backends: tensor dtypes and their ranges, the tensor between two layers, the fields every layer
 * and every folded float stage carries. Real value = scale · (q − zeroPoint) for every tensor.
 */

export type QDtype = 'int8' | 'int16';

export const DTYPE_RANGE: Record<QDtype, { min: number; max: number; bytes: number }> = {
  int8: { min: -128, max: 127, bytes: 1 },
  int16: { min: -32768, max: 32767, bytes: 2 },
};

/** The kernel-name suffix of a dtype, as CMSIS-NN spells it (`arm_fully_connected_s8`). */
export function dtypeSuffix(dtype: QDtype): 's8' | 's16' {
  return dtype === 'int16' ? 's16' : 's8';
}

/** An activation tensor between two layers. int16 tensors are symmetric (zeroPoint 0), as in TFLite 16x8. */
export interface QTensor {
  dtype: QDtype;
  features: number;
  scale: number;
  zeroPoint: number;
  /** The calibrated float range the scale and zero point were chosen from (for reports only). */
  rangeMin: number;
  rangeMax: number;
}

export interface LayerBase {
  name: string;
  input: QTensor;
  output: QTensor;
  /** Indices of the float model's layers this layer implements (after folding), for per-layer comparisons. */
  sourceLayers: number[];
  /** sha256 (first 16 hex digits) of the layer's canonical JSON without this field. */
  hash: string;
}

/** The fields every layer has before its op's own: what an op's parse and lower start from. */
export type LayerFields = Omit<LayerBase, 'hash'>;

/** A layer or model before `sealQModel` sets its content hash (distributes over the layer union). */
export type Unhashed<T> = T extends unknown ? Omit<T, 'hash'> : never;

/**
 * One layer of the float network after folding (BatchNorm folded, Dropout dropped, ReLU fused):
 * weights stay float64; its output becomes one quantized tensor. `op` names the IR op it lowers to.
 */
export interface StageBase {
  name: string;
  sourceLayers: number[];
}

/** Output parameters an op fixes instead of calibrating (probabilities). */
export interface FixedParams {
  scale: number;
  zeroPoint: number;
}

/** TFLite's parameters for a probability in [0, 1): 1/256, −128 for int8; 1/32768, 0 for int16. */
export function probabilityParams(dtype: QDtype): FixedParams {
  return dtype === 'int16' ? { scale: 1 / 32768, zeroPoint: 0 } : { scale: 1 / 256, zeroPoint: -128 };
}

/** Bytes of a layer's constant arrays on the device (flash), by what they hold. */
export interface ConstantBytes {
  weights: number;
  biases: number;
  /** Multipliers and shifts. */
  requantization: number;
  /** Activation and softmax exp tables. */
  tables: number;
}
