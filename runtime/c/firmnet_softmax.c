/* softmax: int8 in, int8 probabilities out (scale 1/256, zero point -128), from the IR's exp table. */
#include "firmnet_kernels.h"

/* The params are read once: an int8 store may alias *params, so the compiler would reload them per element. */
void firmnet_softmax_s8(const firmnet_softmax_s8_params *params, const int8_t *input, int8_t *output) {
    const uint16_t *exp_table = params->exp_table;
    const int32_t features = params->features;
    int32_t max = INT8_MIN;
    uint32_t sum = 0;
    int32_t i;
    for (i = 0; i < features; ++i) {
        if (input[i] > max) {
            max = input[i];
        }
    }
    for (i = 0; i < features; ++i) {
        sum += exp_table[max - input[i]];
    }
    /* sum >= exp_table[0] > 0 (checked when the C code is generated). */
    for (i = 0; i < features; ++i) {
        const uint32_t p = ((uint32_t)exp_table[max - input[i]] * 256u + (sum >> 1)) / sum;
        output[i] = (int8_t)(p > 255u ? 127 : (int32_t)p - 128);
    }
}
