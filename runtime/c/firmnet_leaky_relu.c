/* leaky_relu: TFLite LEAKY_RELU on int8 and int16 codes, one requantization per element. */
#include "firmnet_kernels.h"

#include "firmnet_fixed_point.h"

static int32_t firmnet_leaky_relu_value(const firmnet_leaky_relu_params *params, int32_t x, int32_t lo, int32_t hi) {
    const int32_t v = x + params->input_offset;
    const int32_t y = v >= 0 ? firmnet_mbqm(v, params->multiplier_identity, params->shift_identity)
                             : firmnet_mbqm(v, params->multiplier_alpha, params->shift_alpha);
    return firmnet_offset_clamp(y, params->output_offset, lo, hi);
}

void firmnet_leaky_relu_s8(const firmnet_leaky_relu_params *params, const int8_t *input, int8_t *output) {
    int32_t i;
    for (i = 0; i < params->features; ++i) {
        output[i] = (int8_t)firmnet_leaky_relu_value(params, input[i], INT8_MIN, INT8_MAX);
    }
}

void firmnet_leaky_relu_s16(const firmnet_leaky_relu_params *params, const int16_t *input, int16_t *output) {
    int32_t i;
    for (i = 0; i < params->features; ++i) {
        output[i] = (int16_t)firmnet_leaky_relu_value(params, input[i], INT16_MIN, INT16_MAX);
    }
}
