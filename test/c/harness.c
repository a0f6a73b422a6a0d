/*
 * Test harness for a model emitted with the name "model" (the tests in test/c). Reads rows on stdin and
 * writes results on stdout, in native byte order:
 *   harness int    in: rows x MODEL_INPUT_SIZE model_input_t codes
 *                  out: rows x MODEL_OUTPUT_SIZE model_output_t codes (invoke with caller-owned buffers)
 *   harness float  in: rows x MODEL_INPUT_SIZE float features
 *                  out per row: MODEL_INPUT_SIZE input codes (quantize_input), MODEL_OUTPUT_SIZE output
 *                  codes (invoke on the arena buffers), MODEL_OUTPUT_SIZE floats (predict)
 */
#include <stdio.h>
#include <string.h>

#include "model.h"

static int run_int(void) {
    model_input_t in[MODEL_INPUT_SIZE];
    model_output_t out[MODEL_OUTPUT_SIZE];
    while (fread(in, sizeof in, 1, stdin) == 1) {
        MODEL_INVOKE(in, out);
        if (fwrite(out, sizeof out, 1, stdout) != 1) {
            return 3;
        }
    }
    return ferror(stdin) ? 4 : 0;
}

static int run_float(void) {
    float features[MODEL_INPUT_SIZE];
    model_input_t codes[MODEL_INPUT_SIZE];
    float scores[MODEL_OUTPUT_SIZE];
    while (fread(features, sizeof features, 1, stdin) == 1) {
        model_input_t *in = model_input_buffer();
        model_output_t *out = model_output_buffer();
        model_quantize_input(features, in);
        memcpy(codes, in, sizeof codes);
        MODEL_INVOKE(in, out);
        if (fwrite(codes, sizeof codes, 1, stdout) != 1 || fwrite(out, sizeof(model_output_t), MODEL_OUTPUT_SIZE, stdout) != MODEL_OUTPUT_SIZE) {
            return 3;
        }
        model_predict(features, scores);
        if (fwrite(scores, sizeof scores, 1, stdout) != 1) {
            return 3;
        }
    }
    return ferror(stdin) ? 4 : 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "int") == 0) {
        return run_int();
    }
    if (argc == 2 && strcmp(argv[1], "float") == 0) {
        return run_float();
    }
    fputs("usage: harness int|float < rows > results\n", stderr);
    return 2;
}
