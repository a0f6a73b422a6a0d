/*
 * Dense dot products for hosts with a vector unit (SSE2, NEON, WASM SIMD), picked by
 * firmnet_dense_dot.h: plain index loops that GCC and Clang vectorise at -O2/-O3. Unlike the
 * microcontroller renderings they are not kept out of line (FIRMNET_NOINLINE).
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_vector_host.h is included by firmnet_dense_dot.h"
#endif

static uint32_t firmnet_dot_s8(const int8_t *x, const int8_t *w, int32_t n, uint32_t acc) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        acc += (uint32_t)(x[i] * w[i]);
    }
    return acc;
}

static void firmnet_dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, uint32_t acc[2]) {
    acc[0] = firmnet_dot_s8(x, w0, n, acc[0]);
    acc[1] = firmnet_dot_s8(x, w1, n, acc[1]);
}

static int32_t firmnet_dot_s16_block(const int16_t *x, const int8_t *w, int32_t n) {
    int32_t sum = 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        sum += x[i] * w[i];
    }
    return sum;
}
