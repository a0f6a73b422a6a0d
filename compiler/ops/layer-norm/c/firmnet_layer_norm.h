/*
 * firmnet's layer_norm kernels (firmnet_layer_norm.c): the params struct and the prototypes, included
 * by a generated model that has a layer_norm layer. Conventions as in firmnet_kernels.h.
 */
#ifndef FIRMNET_LAYER_NORM_H
#define FIRMNET_LAYER_NORM_H

#include "firmnet_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * layer_norm, int8 or int16 (16x8) in and out, exact integer arithmetic over the row's codes:
 *   S = sum x_i, D = n * sum x_i^2 - S^2 + variance_epsilon, k >= 0 the least with D * 4^k >= 2^52,
 *   r = floor(sqrt(D * 4^k)), inv = round(2^(29+b) / r) (b = bit length of r)
 *   t_i = round((n * x_i - S) * inv / 2^(13+b-k))   (the normalized value in Q16)
 *   output[i] = clamp(RDBP(SRDHM(t_i, multiplier[i]), right_shift[i]) + bias[i] + output_offset, activation_min, activation_max)
 */
typedef struct {
    int32_t features;                 /* at most 4096, so no sum overflows */
    int32_t output_offset;            /* the output zero point */
    int32_t activation_min;           /* fused ReLU / ReLU6 bounds, in output codes */
    int32_t activation_max;
    const int64_t *variance_epsilon;  /* one entry: round(n^2 * epsilon / input_scale^2), in [1, 2^53) */
    const int32_t *multiplier;        /* [features], gamma / (output_scale * 2^16) in Q31, negative where gamma is */
    const int8_t *right_shift;        /* [features], in [0, 31] */
    const int32_t *bias;              /* [features], beta in output codes, |bias| <= 2^24 */
} firmnet_layer_norm_params;

/* Kernel names carry the dtypes; input and output must not overlap. */
void firmnet_layer_norm_s8(const firmnet_layer_norm_params *params, const int8_t *input, int8_t *output);
void firmnet_layer_norm_s16(const firmnet_layer_norm_params *params, const int16_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* FIRMNET_LAYER_NORM_H */
