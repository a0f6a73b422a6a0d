/*
 * Dense loops for hosts with a vector unit (SSE2, NEON, WASM SIMD), picked by firmnet_dense_dot.h:
 * plain index loops that GCC and Clang vectorise at -O2/-O3. Unlike the microcontroller renderings
 * they are not kept out of line (FIRMNET_NOINLINE).
 */
#ifndef FIRMNET_DENSE_DOT_H
#error "firmnet_dense_dot_vector_host.h is included by firmnet_dense_dot.h"
#endif

static uint32_t firmnet_widen_s8(const int8_t *x, int32_t n, int32_t in_padded, int32_t *wide) {
    uint8_t *xu = (uint8_t *)wide;
    uint32_t sum = 0;
    int32_t i;
    for (i = 0; i < in_padded; ++i) {
        const uint8_t v = i < n ? (uint8_t)((uint8_t)x[i] ^ 0x80u) : 0;
        xu[i] = v;
        sum += v;
    }
    return sum << 7;
}

/* Sixteen lanes, one per weight byte of a block (row r, input k at lane 4r + k), summed per row at the end. */
static void firmnet_dense_s8_groups(const firmnet_dense_s8_job *job) {
    const uint8_t *xu = (const uint8_t *)job->wide;
    const int32_t blocks = job->in_padded / 4;
    int32_t g;
    for (g = 0; g < job->groups; ++g) {
        const uint8_t *w = job->weights + g * 4 * job->in_padded;
        uint32_t lanes[16] = {0};
        int32_t b;
        int32_t r;
        for (b = 0; b < blocks; ++b) {
            int32_t j;
            for (j = 0; j < 16; ++j) {
                lanes[j] += (uint32_t)xu[4 * b + (j & 3)] * w[16 * b + j];
            }
        }
        for (r = 0; r < 4; ++r) {
            const uint32_t acc = (uint32_t)job->bias[4 * g + r] - job->correction + lanes[4 * r] + lanes[4 * r + 1] + lanes[4 * r + 2] + lanes[4 * r + 3];
            firmnet_dense_s8_put(job, 4 * g + r, firmnet_requantize_record(acc, job->requant + 8 * g + 2 * r));
        }
    }
}

static int32_t firmnet_dot_s16_block(const int16_t *x, const int8_t *w, int32_t n) {
    int32_t sum = 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        sum += x[i] * w[i];
    }
    return sum;
}
