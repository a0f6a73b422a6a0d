/*
 * fully_connected: the four dense kernels (int8 or int16 input, int8 or int16 output). The inner
 * loops come from firmnet_dense_dot.h, one rendering per instruction set; the int16-input
 * requantization is the same on every core.
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

/*
 * The int8-input dense layer for either output width (exactly one of out8, out16 is not null): the
 * input widened once, then every whole group of 4 channels, then the last, partial group (its
 * padding rows computed too, into a local buffer, and dropped).
 */
static void firmnet_dense_s8_layer(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *out8, int16_t *out16, int32_t *workspace) {
    const int32_t m = params->out_features;
    const int32_t in_padded = FIRMNET_DENSE_S8_IN_PADDED(params->in_features);
    const int32_t whole = m >> 2;
    firmnet_dense_s8_job job;
    job.weights = params->weights;
    job.bias = params->bias;
    job.requant = params->requant;
    job.wide = workspace;
    job.in_padded = in_padded;
    job.groups = whole;
    job.correction = firmnet_widen_s8(input, params->in_features, in_padded, workspace);
    job.output_offset = params->output_offset;
    job.activation_min = params->activation_min;
    job.activation_max = params->activation_max;
    job.out8 = out8;
    job.out16 = out16;
    if (whole > 0) {
        firmnet_dense_s8_groups(&job);
    }
    if ((m & 3) != 0) {
        int8_t last8[4];
        int16_t last16[4];
        int32_t k;
        job.weights += whole * 4 * in_padded;
        job.bias += whole * 4;
        job.requant += whole * 8;
        job.groups = 1;
        job.out8 = out8 ? last8 : 0;
        job.out16 = out8 ? 0 : last16;
        firmnet_dense_s8_groups(&job);
        for (k = 0; k < (m & 3); ++k) {
            if (out8) {
                out8[(whole << 2) + k] = last8[k];
            } else {
                out16[(whole << 2) + k] = last16[k];
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

void firmnet_dense_s8(const firmnet_dense_s8_params *params, const int8_t *input, int8_t *output, int32_t *workspace) {
    firmnet_dense_s8_layer(params, input, output, 0, workspace);
}

void firmnet_dense_s8_s16(const firmnet_dense_s8_params *params, const int8_t *input, int16_t *output, int32_t *workspace) {
    firmnet_dense_s8_layer(params, input, 0, output, workspace);
}

void firmnet_dense_s16(const firmnet_dense_s16_params *params, const int16_t *input, int16_t *output) {
    firmnet_dense_s16_layer(params, input, 0, output);
}

void firmnet_dense_s16_s8(const firmnet_dense_s16_params *params, const int16_t *input, int8_t *output) {
    firmnet_dense_s16_layer(params, input, output, 0);
}
