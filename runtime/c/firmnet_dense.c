/*
 * fully_connected: the four dense kernels (int8 or int16 input, int8 or int16 output). The dot
 * products come from firmnet_dense_dot.h, one rendering per instruction set; the requantization is
 * the same on every core.
 */
#include "firmnet_kernels.h"

#include "firmnet_dense_dot.h"
#include "firmnet_fixed_point.h"

/* bias + sum_{i<n} x[i] * w[i] in int64, block by block. */
static int64_t firmnet_dot_s16(const int16_t *x, const int8_t *w, int32_t n, int64_t acc) {
    while (n > 0) {
        const int32_t len = n < FIRMNET_S16_BLOCK ? n : FIRMNET_S16_BLOCK;
        acc += firmnet_dot_s16_block(x, w, len);
        x += len;
        w += len;
        n -= len;
    }
    return acc;
}

/* Output channel c from its accumulator: MBQM, the output offset, the activation clamp. */
static int32_t firmnet_dense_s8_output(const firmnet_dense_s8_params *params, uint32_t acc, int32_t c) {
    return firmnet_offset_clamp(firmnet_mbqm((int32_t)acc, params->multiplier[c], params->shift[c]), params->output_offset, params->activation_min,
                                params->activation_max);
}

/* The int8-input dense layer for either output width (exactly one of out8, out16 is not null), two channels per pass. */
static void firmnet_dense_s8_layer(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *out8, int16_t *out16) {
    const int32_t n = params->in_features;
    const int32_t m = params->out_features;
    int32_t c;
    for (c = 0; c < m; c += 2) {
        const int8_t *row = params->weights + c * n;
        const int32_t count = c + 1 < m ? 2 : 1;
        uint32_t acc[2];
        int32_t k;
        acc[0] = (uint32_t)params->bias[c];
        if (count == 2) {
            acc[1] = (uint32_t)params->bias[c + 1];
            firmnet_dot2_s8(input, row, row + n, n, acc);
        } else {
            acc[0] = firmnet_dot_s8(input, row, n, acc[0]);
        }
        for (k = 0; k < count; ++k) {
            const int32_t y = firmnet_dense_s8_output(params, acc[k], c + k);
            if (out8) {
                out8[c + k] = (int8_t)y;
            } else {
                out16[c + k] = (int16_t)y;
            }
        }
    }
}

/* The int16-input dense layer for either output width (exactly one of out8, out16 is not null). */
static void firmnet_dense_s16_layer(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *out8, int16_t *out16) {
    const int32_t n = params->in_features;
    int32_t c;
    for (c = 0; c < params->out_features; ++c) {
        const int64_t acc = firmnet_dot_s16(input, params->weights + c * n, n, params->bias[c]);
        const int32_t y = firmnet_offset_clamp(firmnet_mbqm64(acc, params->multiplier[c], params->shift[c]), params->output_offset,
                                               params->activation_min, params->activation_max);
        if (out8) {
            out8[c] = (int8_t)y;
        } else {
            out16[c] = (int16_t)y;
        }
    }
}

void firmnet_dense_s8(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *output) {
    firmnet_dense_s8_layer(params, input, output, 0);
}

void firmnet_dense_s8_s16(const firmnet_dense_s8_params *params, const int8_t *input, int16_t *output) {
    firmnet_dense_s8_layer(params, input, 0, output);
}

void firmnet_dense_s16(const firmnet_dense_s16_params *params, const int16_t *input, int16_t *output) {
    firmnet_dense_s16_layer(params, input, 0, output);
}

void firmnet_dense_s16_s8(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *output) {
    firmnet_dense_s16_layer(params, input, output, 0);
}
