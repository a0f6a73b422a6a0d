/* lut: element-wise activations (sigmoid, tanh, GELU) by table, built by the compiler from the IR. */
#include "firmnet_kernels.h"

/* The params are read once: an int8 store may alias *params, so the compiler would reload them per element. */
void firmnet_lut_s8(const firmnet_lut_s8_params *params, const int8_t *input, int8_t *output) {
    const int8_t *table = params->table;
    const int32_t features = params->features;
    int32_t i;
    for (i = 0; i < features; ++i) {
        output[i] = table[input[i] + 128];
    }
}

void firmnet_lut_s16(const firmnet_lut_s16_params *params, const int16_t *input, int16_t *output) {
    const int16_t *table = params->table;
    const int32_t features = params->features;
    int32_t i;
    for (i = 0; i < features; ++i) {
        const int32_t x = input[i];
        const int32_t j = 256 + (x >> 7);
        const int32_t base = table[j];
        const int32_t slope = table[j + 1] - base;
        output[i] = (int16_t)(base + ((slope * (x & 127) + 64) >> 7));
    }
}
