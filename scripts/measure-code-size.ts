/**
 * Measures the Cortex-M code size of the generated C (kernels alone and each bundled model, for
 * cortex-m0plus, cortex-m4 and cortex-m7 at -Os) and writes firmware-sim/measured/code-size.json,
 * which the simulator reads. Needs arm-none-eabi-gcc (scripts/install-system-deps.sh).
 * Run: npm run build && node dist/scripts/measure-code-size.js
 */
import { toJsonText, writeFileAtomic } from '../compiler/io/atomic-write.js';
import { INSTALL_HINT, findArmToolchain } from './code-size/measure.js';
import { CODE_SIZE_JSON, markdownTable, measureCodeSize } from './code-size/report.js';

const tc = findArmToolchain();
if (tc === null) {
  console.error(`arm-none-eabi-gcc not found — run ${INSTALL_HINT}`);
  process.exit(1);
}
const report = measureCodeSize(tc);
writeFileAtomic(CODE_SIZE_JSON, toJsonText(report));
console.log(`${tc.version}\n\n${markdownTable(report)}\n\nwrote ${CODE_SIZE_JSON}`);
