import { FirmnetError } from '../../errors.js';
import { roundHalfAwayFromZero } from '../fixed-point.js';
import type { LayerFields, Unhashed } from '../op-types.js';
import { EXP_ONE, type SoftmaxLayer } from './ir.js';
import type { SoftmaxStage } from './stage.js';

export function lowerSoftmax(stage: SoftmaxStage, base: LayerFields): Unhashed<SoftmaxLayer> {
  if (base.input.dtype !== 'int8' || base.output.dtype !== 'int8') {
    throw new FirmnetError('UNSUPPORTED', `${stage.name}: the int8 softmax needs int8 input and output; leave its tensors out of --int16`);
  }
  const inputScale = Math.fround(base.input.scale);
  const expTable = Array.from({ length: 256 }, (_, d) => roundHalfAwayFromZero(EXP_ONE * Math.exp(-d * inputScale)));
  return { op: 'softmax', ...base, expTable };
}
