/*
 * Dense dot products for Thumb-1 (Armv6-M / Armv8-M Baseline: Cortex-M0, M0+, M23), picked by
 * firmnet_dense_dot.h. LDRSB and LDRSH only take a register offset in Thumb-1, so each loop counts an
 * index down to zero. The two-row form runs the one-row loop once per row.
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_armv6m.h is included by firmnet_dense_dot.h"
#endif

FIRMNET_NOINLINE static uint32_t firmnet_dot_s8(const int8_t *x, const int8_t *w, int32_t n, uint32_t acc) {
    if (n != 0) {
        do {
            acc += (uint32_t)(x[n - 1] * w[n - 1]);
        } while (--n != 0);
    }
    return acc;
}

FIRMNET_NOINLINE static void firmnet_dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, uint32_t acc[2]) {
    acc[0] = firmnet_dot_s8(x, w0, n, acc[0]);
    acc[1] = firmnet_dot_s8(x, w1, n, acc[1]);
}

FIRMNET_NOINLINE static int32_t firmnet_dot_s16_block(const int16_t *x, const int8_t *w, int32_t n) {
    int32_t sum = 0;
    do {
        sum += x[n - 1] * w[n - 1];
    } while (--n != 0);
    return sum;
}
