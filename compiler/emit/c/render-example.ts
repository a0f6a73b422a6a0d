/**
 * example/main.c, example/Makefile and the CMakeLists.txt fragment. The example is self-checking: it
 * embeds a few rows with the codes the golden reference produced for them at generation time, so
 * building and running it on a new compiler or MCU tells you whether that build is bit-exact.
 */
import type { QModel } from '../../ir/qmodel.js';
import { codeDecision, outputTensor } from '../../ir/qmodel.js';
import type { QArray } from '../../ops/q-array.js';
import { blockComment, comment } from '../render.js';
import type { CModelNames } from './c-names.js';
import { cFloat, cInteger } from './c-syntax.js';
import { KERNEL_FILES, KERNEL_SOURCES } from './kernel-sources.js';

export interface ExampleData {
  rows: number;
  /** Raw float features, row-major. */
  features: Float32Array;
  /** The golden reference's quantized input and integer output for those rows. */
  input: QArray;
  output: QArray;
  description: string;
}

function matrix(rows: number, cols: number, values: ArrayLike<number>, spell: (v: number) => string): string {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, j) => spell(values[r * cols + j]));
    const chunks: string[] = [];
    for (let i = 0; i < row.length; i += 12) chunks.push(row.slice(i, i + 12).join(', '));
    lines.push(`    { ${chunks.join(',\n      ')} },`);
  }
  return lines.join('\n');
}

export function renderExampleMain(q: QModel, names: CModelNames, data: ExampleData, header: string): string {
  const { prefix, macro, inputType, outputType } = names;
  const output = outputTensor(q);
  const nIn = q.layers[0].input.features;
  const classify =
    q.classNames.length > 1 && output.features === q.classNames.length
      ? 'argmax'
      : q.classNames.length === 2 && output.features === 1 && q.task === 'binary'
        ? 'threshold'
        : null;
  const classLine =
    classify === 'argmax'
      ? `        {
            int best = 0;
            for (i = 1; i < ${macro}_OUTPUT_SIZE; ++i) {
                if (scores[i] > scores[best]) {
                    best = i;
                }
            }
            printf(" -> %s", ${prefix}_class_names[best]);
        }
`
      : classify === 'threshold'
        ? codeDecision(q)
          ? // _predict leaves the output codes in the arena; the chosen threshold is decided on them.
            `        printf(" -> %s", ${prefix}_class_names[${prefix}_predict_class(${prefix}_output_buffer(), 0)]);\n`
          : `        printf(" -> %s", ${prefix}_class_names[scores[0] >= 0.5f ? 1 : 0]);\n`
        : '';
  return `${header}
#include <math.h>
#include <stdio.h>

#include "${names.header}"

#define EXAMPLE_ROWS ${data.rows}

${blockComment(comment`${data.description}`)}
static const float example_features[EXAMPLE_ROWS][${macro}_INPUT_SIZE] = {
${matrix(data.rows, nIn, data.features, cFloat)}
};

/* The golden reference's input codes and output codes for these rows, computed when this file was generated. */
static const ${prefix}_input_t example_codes[EXAMPLE_ROWS][${macro}_INPUT_SIZE] = {
${matrix(data.rows, nIn, data.input, (v) => cInteger(v, 'int32_t'))}
};

static const ${prefix}_output_t example_expected[EXAMPLE_ROWS][${macro}_OUTPUT_SIZE] = {
${matrix(data.rows, output.features, data.output, (v) => cInteger(v, 'int32_t'))}
};

int main(void) {
    int mismatches = 0;
    int row;
    for (row = 0; row < EXAMPLE_ROWS; ++row) {
        ${inputType} *in = ${prefix}_input_buffer();
        ${outputType} *out = ${prefix}_output_buffer();
        float scores[${macro}_OUTPUT_SIZE];
        const int mismatches_before = mismatches;
        int i;
        ${prefix}_quantize_input(example_features[row], in);
        for (i = 0; i < ${macro}_INPUT_SIZE; ++i) {
            if (in[i] != example_codes[row][i]) {
                printf("row %d: input code %d is %d, the reference has %d\\n", row, i, (int)in[i], (int)example_codes[row][i]);
                ++mismatches;
            }
        }
        ${names.invoke}(in, out);
        printf("row %d: codes", row);
        for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
            printf(" %d", (int)out[i]);
            if (out[i] != example_expected[row][i]) {
                ++mismatches;
            }
        }
        printf("%s\\n", mismatches == mismatches_before ? "" : " (differs from the reference)");
        ${prefix}_predict(example_features[row], scores);
        printf("row %d: scores", row);
        for (i = 0; i < ${macro}_OUTPUT_SIZE; ++i) {
            printf(" %.6g", (double)scores[i]);
        }
${classLine}        printf("\\n");
    }
    if (mismatches == 0) {
        printf("all %d rows match the golden reference bit for bit\\n", EXAMPLE_ROWS);
        return 0;
    }
    printf("%d values differ from the golden reference\\n", mismatches);
    return 1;
}
`;
}

/** Kernel files in the model's folder, one per continued line. */
function makeList(files: readonly string[]): string {
  return files.map((f) => `$(MODEL_DIR)/${f}`).join(' \\\n  ');
}

export function renderExampleMakefile(names: CModelNames, header: string): string {
  const exe = `${names.prefix}_example`;
  return `${header}#
# Builds and runs the example on the host: make run
# Cross-compiling: make CC=arm-none-eabi-gcc CFLAGS="-mcpu=cortex-m4 -mthumb -Os" (plus your start-up code and linker script).

CC ?= cc
CFLAGS ?= -std=c99 -O2 -Wall -Wextra -pedantic
LDLIBS ?= -lm
MODEL_DIR = ..
KERNEL_SOURCES = ${makeList(KERNEL_SOURCES)}
KERNEL_HEADERS = ${makeList(KERNEL_FILES.filter((f) => f.endsWith('.h')))}
SOURCES = main.c $(MODEL_DIR)/${names.source} $(MODEL_DIR)/${names.predictSource} $(KERNEL_SOURCES)
HEADERS = $(MODEL_DIR)/${names.header} $(MODEL_DIR)/${names.dataHeader} $(KERNEL_HEADERS)

${exe}: $(SOURCES) $(HEADERS)
\t$(CC) $(CFLAGS) -I$(MODEL_DIR) -o $@ $(SOURCES) $(LDLIBS)

run: ${exe}
\t./${exe}

clean:
\trm -f ${exe}

.PHONY: run clean
`;
}

export function renderCMakeFragment(names: CModelNames, header: string): string {
  const lib = names.prefix;
  return `${header}#
# CMake fragment for this model. In your project: add_subdirectory(<this folder>) or include(<this file>),
# then target_link_libraries(<your target> PRIVATE ${lib}). Several firmnet models share one
# firmnet_kernels library. -DFIRMNET_BUILD_EXAMPLE=ON also builds example/main.c as ${lib}_example.

if(NOT TARGET firmnet_kernels)
  add_library(firmnet_kernels STATIC
${KERNEL_SOURCES.map((f) => `    \${CMAKE_CURRENT_LIST_DIR}/${f}`).join('\n')})
  target_include_directories(firmnet_kernels PUBLIC \${CMAKE_CURRENT_LIST_DIR})
  set_target_properties(firmnet_kernels PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
endif()

add_library(${lib} STATIC
  \${CMAKE_CURRENT_LIST_DIR}/${names.source}
  \${CMAKE_CURRENT_LIST_DIR}/${names.predictSource})
target_include_directories(${lib} PUBLIC \${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(${lib} PUBLIC firmnet_kernels)
set_target_properties(${lib} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
if(NOT MSVC)
  # ${names.predictSource} calls expf for a softmax/sigmoid head.
  target_link_libraries(${lib} PUBLIC m)
endif()

option(FIRMNET_BUILD_EXAMPLE "build the firmnet example programs" OFF)
if(FIRMNET_BUILD_EXAMPLE)
  add_executable(${lib}_example \${CMAKE_CURRENT_LIST_DIR}/example/main.c)
  target_link_libraries(${lib}_example PRIVATE ${lib})
  set_target_properties(${lib}_example PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
endif()
`;
}
