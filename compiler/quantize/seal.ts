import { contentHash } from '../io/content-hash.js';
import type { QModel, UnhashedQModel } from '../ir/qmodel.js';
import type { QLayer } from '../ops/quantized-op-types.js';

/** Sets every layer's content hash and then the model's, the last step of writing an IR. */
export function sealQModel(q: UnhashedQModel): QModel {
  const layers = q.layers.map((layer) => ({ ...layer, hash: contentHash(layer) }) as QLayer);
  const sealed = { ...q, layers, hash: '' } as QModel;
  sealed.hash = contentHash(sealed);
  return sealed;
}
