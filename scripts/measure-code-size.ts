/**
 * Measures the code size of the generated C on every target core (kernels alone and each bundled
 * model, -Os) and writes firmware-sim/measured/code-size.json, which the simulator reads. Needs the
 * cross toolchains (scripts/install-system-deps.sh); refuses to write a partial file.
 * Run: npm run build && node dist/scripts/measure-code-size.js
 */
import { toJsonText, writeFileAtomic } from '../compiler/io/atomic-write.js';
import { INSTALL_HINT, findToolchain } from '../firmware-sim/measure-image.js';
import { loadCores } from '../firmware-sim/targets.js';
import { CODE_SIZE_JSON, markdownTable, measureCodeSize } from './code-size/report.js';

const missing = loadCores().filter((core) => findToolchain(core) === null);
if (missing.length > 0) {
  console.error(`${missing.map((c) => c.build.compiler).join(', ')} not found — run ${INSTALL_HINT}`);
  process.exit(1);
}
const report = measureCodeSize();
writeFileAtomic(CODE_SIZE_JSON, toJsonText(report));
console.log(`${markdownTable(report)}\n\nwrote ${CODE_SIZE_JSON}`);
