import * as ort from 'onnxruntime-node';

export interface OrtOutputs {
  [name: string]: Float32Array;
}

/** Runs an ONNX model in onnxruntime-node (CPU) on `rows` feature rows; returns every graph output. */
export async function runOrt(bytes: Uint8Array, features: Float32Array, rows: number, inputFeatures: number, shape: number[] = [rows, inputFeatures]): Promise<OrtOutputs> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', features, shape) });
    const out: OrtOutputs = {};
    for (const name of session.outputNames) out[name] = result[name].data as Float32Array;
    return out;
  } finally {
    await session.release();
  }
}

/** max |a − b| over all entries (lengths must match). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max |a − b| / max(1, |b|): float32 keeps ~7 significant digits, so large values are compared relatively. */
export function maxScaledDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}
