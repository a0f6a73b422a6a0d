/**
 * `npm run bench [-- <name>…]`: benchmarks that compare firmnet with peers measured in the same
 * process run and print ratios. Not unit tests: timings depend on the machine.
 */
import { benchCortexM } from './cortex-m.js';
import { benchInferenceLatency } from './inference-latency.js';
import { benchPage } from './page.js';
import { benchTrainMemory } from './train-memory.js';
import { benchTrainThroughput } from './train-throughput.js';

const BENCHES: Record<string, () => Promise<void>> = {
  train: benchTrainThroughput,
  'train-memory': benchTrainMemory,
  latency: benchInferenceLatency,
  'cortex-m': benchCortexM,
  page: benchPage,
};

const requested = process.argv.slice(2);
const names = requested.length === 0 ? Object.keys(BENCHES) : requested;
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; available: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  await bench();
  console.log();
}
