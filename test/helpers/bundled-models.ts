/**
 * The bundled models (scripts/code-size/bundled-models.ts) for the tests: trained and quantized in
 * a worker thread (test/helpers/off-thread.ts), once per spec and variant in each test file.
 */
import type { BundledModel, BundledModelSpec, BundledVariant } from '../../scripts/code-size/bundled-models.js';
import { offThread } from './off-thread.js';

const worker = offThread<typeof import('../../scripts/code-size/bundled-models.js')>(new URL('../../scripts/code-size/bundled-models.ts', import.meta.url));
const built = new Map<string, Promise<BundledModel>>();

/** buildBundledModel(spec, variant), off the test's thread; repeated calls share one build. */
export function bundledModel(spec: BundledModelSpec, variant: BundledVariant = {}): Promise<BundledModel> {
  const key = JSON.stringify([spec, variant]);
  let model = built.get(key);
  if (!model) {
    model = worker.buildBundledModel(spec, variant);
    built.set(key, model);
  }
  return model;
}
