/*
 * The dense layers' inner loops, private to firmnet_dense.c: this file declares what the renderings
 * share and picks one rendering with the preprocessor. The sum of products is an integer, the same
 * in any order: the int8 kernels add modulo 2^32 (as the reference's wrapping int32 does), the int16
 * kernels add blocks of at most FIRMNET_S16_BLOCK products exactly in int32 (firmnet_dense.c adds the
 * blocks in int64). Five renderings give the same integers:
 *   - firmnet_dense_dot_vector_host.h, hosts with a vector unit (SSE2, NEON, WASM SIMD): index loops
 *     that GCC and Clang vectorise at -O2/-O3;
 *   - firmnet_dense_dot_armv7em_dsp.h, the Arm DSP extension (Cortex-M4/M7/M33; little-endian,
 *     unaligned access on, GCC or Clang): the input widened to 16-bit pairs once per layer, then one
 *     assembly function over the whole layer, 4 output rows x 16 inputs per iteration over the
 *     weights' row pairs (firmnet_dense_layout.h) with SMLAD + SXTB16, and the requantization in 12
 *     instructions per output;
 *   - firmnet_dense_dot_armv6m.h, Thumb-1 (Cortex-M0/M0+/M23): an assembly loop of 4 rows x 8 inputs
 *     with LDRB immediate offsets and MULS, and the int8-output requantization in assembly (no
 *     libgcc call);
 *   - firmnet_dense_dot_rv32.h, RV32 with the M extension: an assembly loop of 4 rows x 8 inputs;
 *   - firmnet_dense_dot_portable.h, everything else (Cortex-M3, RV32 without M, RV64, hosts without
 *     vectors, compilers without GNU extensions): C loops, 4 rows per pass.
 * Each rendering defines the same static functions:
 *   uint32_t firmnet_widen_s8(x, n, in_padded, wide) writes the int8 layer's widened input, returns 128 * sum (x + 128)
 *   void firmnet_dense_s8_groups(job)                job->groups groups of 4 output channels, stored
 *   int32_t firmnet_dot_s16_block(x, w, n)           sum_{i<n} x[i] * w[i], 0 < n <= FIRMNET_S16_BLOCK, exact
 * Every C loop is a do/while behind its own count check: GCC 12 at -Os leaves the test of a while loop
 * at the top, which costs a second branch per iteration.
 */
#ifndef FIRMNET_DENSE_DOT_H
#define FIRMNET_DENSE_DOT_H

#include <stdint.h>

#include "firmnet_dense_layout.h"
#include "firmnet_fixed_point.h"

/* Products per exact int32 block of the int16 dot product: |x * w| <= 2^15 * 2^7, 256 of them < 2^30. */
#define FIRMNET_S16_BLOCK 256

/* On microcontrollers the loops stay functions of their own: inlined into the channel loop, GCC -Os
   runs out of registers and spills the loop's pointers to the stack. */
#if defined(__GNUC__) || defined(__clang__)
#define FIRMNET_NOINLINE __attribute__((noinline))
#else
#define FIRMNET_NOINLINE
#endif

/*
 * One int8-input layer, or the part of it a rendering's group loop runs: `groups` groups of 4 output
 * channels from the grouped constants (firmnet_kernels.h), the widened input, and where the outputs
 * go (exactly one of out8 and out16 is not null).
 */
typedef struct {
    const uint8_t *weights;
    const int32_t *bias;
    const int32_t *requant;
    const int32_t *wide;     /* firmnet_widen_s8's output */
    int32_t in_padded;       /* a multiple of 8 */
    int32_t groups;          /* > 0 */
    uint32_t correction;     /* 128 * sum (x + 128), subtracted from every accumulator */
    int32_t output_offset;
    int32_t activation_min;
    int32_t activation_max;
    int8_t *out8;
    int16_t *out16;
} firmnet_dense_s8_job;

/* Output k of the job from its requantized value y (the output offset not yet added): offset, clamp, store. */
static inline void firmnet_dense_s8_put(const firmnet_dense_s8_job *job, int32_t k, int32_t y) {
    const int32_t v = firmnet_offset_clamp(y, job->output_offset, job->activation_min, job->activation_max);
    if (job->out8) {
        job->out8[k] = (int8_t)v;
    } else {
        job->out16[k] = (int16_t)v;
    }
}

/*
 * MBQM of an accumulator from its requantization record {multiplier, right | (32 - right) << 8 | left << 16}.
 * SRDHM as floor((x * M + 2^30) / 2^31): gemmlowp's trunc((x * M + nudge) / 2^31) for every x when
 * M >= 0 (for x * M < 0, trunc((v + 1 - 2^30) / 2^31) = ceil(...) = floor((v + 2^30) / 2^31)), and
 * its one saturating case, x = M = INT32_MIN, cannot occur (the IR's multipliers are in [0, INT32_MAX]).
 * No branch and no 64-bit division, so RV32 and Thumb-1 need no libgcc shift helpers here.
 */
static inline int32_t firmnet_requantize_record(uint32_t acc, const int32_t *record) {
    const uint32_t shifts = (uint32_t)record[1];
    const int32_t x = (int32_t)(acc << (shifts >> 16));
    const int32_t s = (int32_t)(((int64_t)x * record[0] + ((int64_t)1 << 30)) >> 31);
    const uint32_t right = shifts & 0xffu;
    const uint32_t mask = ((uint32_t)1 << right) - 1u;
    return (s >> right) + (int32_t)(((uint32_t)s & mask) > (mask >> 1) + ((uint32_t)s >> 31));
}

/* -DFIRMNET_PORTABLE_LOOPS selects the C loops on a vector host too (the tests use it to run them
   under the host's sanitizers). */
#if !defined(FIRMNET_PORTABLE_LOOPS) && (defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__))
#include "firmnet_dense_dot_vector_host.h"
#elif defined(FIRMNET_DENSE_S8_PAIRED_ROWS)
/* The weights' row-pair layout and this rendering go together: firmnet_dense_layout.h decides both. */
#include "firmnet_dense_dot_armv7em_dsp.h"
#elif defined(__thumb__) && !defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__))
#include "firmnet_dense_dot_armv6m.h"
#elif defined(__riscv) && __riscv_xlen == 32 && defined(__riscv_mul) && (defined(__GNUC__) || defined(__clang__))
#include "firmnet_dense_dot_rv32.h"
#else
#include "firmnet_dense_dot_portable.h"
#endif

#endif /* FIRMNET_DENSE_DOT_H */
