/**
 * Prints the import cycles among compiler/, firmware-sim/, bench/ and scripts/, at file level and at
 * folder level (compiler/<area>, firmware-sim, ...), and exits 1 when there is one.
 * Run from the project root: npm run check:cycles
 */
import { formatCycles, importCycles } from './import-graph.js';

const root = process.argv[2] ?? process.cwd();
const { files, edges, fileCycles, folderCycles } = importCycles(root);
console.log(`${files} files, ${edges} import edges`);
console.log(formatCycles(fileCycles, folderCycles));
process.exitCode = fileCycles.length > 0 || folderCycles.length > 0 ? 1 : 0;
