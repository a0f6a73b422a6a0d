/**
 * `firmnet emit --target arduino`: the generated C as an Arduino library (1.5 format) —
 * `library.properties`, the model's and the kernels' files under `src/` exactly as the C emitter
 * writes them, and `examples/<name>/<name>.ino`, a sketch that runs one row, prints the class (or the
 * outputs) over Serial and checks the output codes against the golden reference's.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { QModel } from '../../ir/qmodel.js';
import { outputTensor } from '../../ir/qmodel.js';
import { FIRMNET_VERSION } from '../../version.js';
import { type CEmitOptions, packageVersion, renderC } from '../c/emit-c.js';
import { cFloat, cInteger } from '../c/c-syntax.js';
import type { CModelNames } from '../c/c-names.js';
import { defaultExampleRows, exampleData } from '../c/example-rows.js';
import { KERNEL_FILES } from '../c/kernel-sources.js';
import { decisionOf } from '../c/render-conveniences.js';
import type { ExampleData } from '../c/render-example.js';
import { modelSentence } from '../c/render-packages.js';
import { oneLineText } from '../package-syntax.js';
import { blockComment, comment, generatedHeader } from '../render.js';

export interface ArduinoEmitResult {
  outDir: string;
  /** Paths written, relative to outDir, sorted. */
  files: string[];
  names: CModelNames;
  sketch: string;
  arenaBytes: number;
  weightBytes: number;
}

export function emitArduino(q: QModel, outDir: string, options: CEmitOptions = {}): ArduinoEmitResult {
  const files = renderArduino(q, options);
  for (const [path, text] of files) writeFileAtomic(join(outDir, path), text);
  const { names, plan, weightBytes } = files.meta;
  return { outDir, files: [...files.keys()].sort(), names, sketch: sketchPath(names), arenaBytes: plan.arenaBytes, weightBytes };
}

function sketchPath(names: CModelNames): string {
  return `examples/${names.prefix}/${names.prefix}.ino`;
}

export function renderArduino(q: QModel, options: CEmitOptions = {}): Map<string, string> & { meta: ReturnType<typeof renderC>['meta'] } {
  const c = renderC(q, options);
  const { names } = c.meta;
  const command = options.command ?? 'emitArduino() (firmnet API)';
  const library = new Set([names.header, names.source, names.dataHeader, names.predictSource, ...KERNEL_FILES]);
  const files = new Map<string, string>() as Map<string, string> & { meta: ReturnType<typeof renderC>['meta'] };
  files.set('library.properties', renderLibraryProperties(q, names, packageVersion(options.packageVersion)));
  for (const [path, text] of c) if (library.has(path)) files.set(`src/${path}`, text);
  const rows = options.exampleRows ?? defaultExampleRows(q, 1);
  const data = exampleData(q, { ...rows, rows: 1 });
  files.set(sketchPath(names), renderSketch(q, names, data, generatedHeader(q, command, [comment`Arduino example of model '${q.name}': runs one row and prints the result over Serial.`])));
  files.meta = c.meta;
  return files;
}

/**
 * library.properties (Arduino library specification 1.5). The library name is `firmnet_<prefix>`
 * (letters, digits and '_' only, as the specification allows); the model's own name appears only in
 * the one-line sentences, escaped. dot_a_linkage makes the IDE link the library as an archive, so the
 * kernel files two firmnet libraries both carry are linked once (from the first archive that has them).
 */
function renderLibraryProperties(q: QModel, names: CModelNames, version: string): string {
  const lines = [
    `name=firmnet_${names.prefix}`,
    `version=${version}`,
    `author=firmnet ${FIRMNET_VERSION}`,
    'maintainer=firmnet',
    `sentence=${oneLineText(modelSentence(q))}.`,
    `paragraph=${oneLineText(`Bit-exact with firmnet's golden reference; the integer path ${names.invoke}() uses no float and no RAM beyond its ${names.macro}_ARENA_BYTES arena. ${decisionOf(q) ? `${names.prefix}_classify() takes float features and gives the label. ` : ''}Generated, do not edit: regenerate with firmnet emit --target arduino.`)}`,
    'category=Data Processing',
    'architectures=*',
    `includes=${names.header}`,
    // Every firmnet library carries the same kernel files: archived, a sketch with two models links one copy of them.
    'dot_a_linkage=true',
  ];
  return `${lines.join('\n')}\n`;
}

function list(values: ArrayLike<number>, spell: (v: number) => string): string {
  const spelled = Array.from(values, spell);
  const lines: string[] = [];
  for (let i = 0; i < spelled.length; i += 8) lines.push(`    ${spelled.slice(i, i + 8).join(', ')}`);
  return lines.join(',\n');
}

function renderSketch(q: QModel, names: CModelNames, data: ExampleData, header: string): string {
  const { prefix, macro } = names;
  const decision = decisionOf(q);
  const run = decision
    ? `    ${prefix}_result_t result;
    const char *label = ${prefix}_classify(example_row, &result);
    Serial.print("${q.task === 'autoencoder' ? 'decision' : 'class'}: ");
    Serial.print(label);
    Serial.print(" (class_index ");
    Serial.print((long)result.class_index);
    Serial.print(", ${q.task === 'autoencoder' ? 'reconstruction error' : 'probability'} ");
    Serial.print(result.score, 6);
    Serial.println(")");`
    : `    static float values[${macro}_OUTPUT_SIZE];
    ${prefix}_predict(example_row, values);
    Serial.print("outputs:");
    for (int i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        Serial.print(" ");
        Serial.print(values[i], 6);
    }
    Serial.println();`;
  return `${header}
#include "${names.header}"

${blockComment(comment`One row: ${data.description}`)}
static const float example_row[${macro}_INPUT_SIZE] = {
${list(data.features, cFloat)}
};

/* The golden reference's output codes for this row, computed when this sketch was generated. */
static const ${prefix}_output_t example_expected[${macro}_OUTPUT_SIZE] = {
${list(data.output.subarray(0, outputTensor(q).features), (v) => cInteger(v, 'int32_t'))}
};

void setup() {
    Serial.begin(115200);
    while (!Serial) {
    }
${run}
    /* The call left the output codes in the arena's output slot: compare them with the reference's. */
    const ${prefix}_output_t *codes = ${prefix}_output_buffer();
    int mismatches = 0;
    for (int i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
        if (codes[i] != example_expected[i]) {
            ++mismatches;
        }
    }
    Serial.println(mismatches == 0 ? "output codes match the golden reference bit for bit" : "output codes DIFFER from the golden reference");
}

void loop() {
}
`;
}
