/*
 * The dense layers' dot products, private to firmnet_dense.c: this file picks one rendering with the
 * preprocessor and includes it. The sum of products is an integer, the same in any order: the int8
 * kernels add modulo 2^32 (as the reference's wrapping int32 does), the int16 kernels add blocks of
 * at most FIRMNET_S16_BLOCK products exactly in int32 (firmnet_dense.c adds the blocks in int64).
 * Four renderings give the same integers:
 *   - firmnet_dense_dot_vector_host.h, hosts with a vector unit (SSE2, NEON, WASM SIMD): plain index
 *     loops, one channel at a time, which GCC and Clang vectorise at -O2/-O3; the hand-unrolled loops
 *     of the other renderings defeat their vectoriser;
 *   - firmnet_dense_dot_armv7em_dsp.h, the Arm DSP extension (Cortex-M4/M7/M33; little-endian,
 *     unaligned access on, GCC or Clang): four int8 pairs per word load, SXTB16 + SMLAD (two 16x16
 *     multiply-accumulates per instruction) and two output channels per pass for int8 inputs,
 *     SXTB16 + SMLAxy for int16 inputs;
 *   - firmnet_dense_dot_armv6m.h, Thumb-1 (Cortex-M0/M0+/M23): LDRSB/LDRSH only take a register
 *     offset, so the loops count an index down;
 *   - firmnet_dense_dot_portable.h, everything else (RISC-V, Cortex-M3, hosts without vectors):
 *     pointer loops, four inputs per iteration, two output channels per pass for int8 inputs.
 * Each rendering defines the same three static functions:
 *   uint32_t firmnet_dot_s8(x, w, n, acc)           acc + sum_{i<n} x[i] * w[i], modulo 2^32
 *   void firmnet_dot2_s8(x, w0, w1, n, acc[2])      the same for two weight rows at once
 *   int32_t firmnet_dot_s16_block(x, w, n)          sum_{i<n} x[i] * w[i], 0 < n <= FIRMNET_S16_BLOCK, exact
 * Every loop is a do/while behind its own count check: GCC 12 at -Os leaves the test of a while loop
 * at the top, which costs a second branch per iteration.
 */
#ifndef FIRMNET_DENSE_DOT_H
#define FIRMNET_DENSE_DOT_H

#include <stdint.h>

/* Products per exact int32 block of the int16 dot product: |x * w| <= 2^15 * 2^7, 256 of them < 2^30. */
#define FIRMNET_S16_BLOCK 256

/* On microcontrollers the dot products stay functions of their own: inlined into the channel loop,
   GCC -Os runs out of registers and spills the loop's pointers to the stack. */
#if defined(__GNUC__) || defined(__clang__)
#define FIRMNET_NOINLINE __attribute__((noinline))
#else
#define FIRMNET_NOINLINE
#endif

/* -DFIRMNET_PORTABLE_LOOPS selects the pointer loops on a vector host too (the tests use it to run them
   under the host's sanitizers). */
#if !defined(FIRMNET_PORTABLE_LOOPS) && (defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__))
#include "firmnet_dense_dot_vector_host.h"
#elif defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_UNALIGNED) && !defined(__ARM_BIG_ENDIAN) && (defined(__GNUC__) || defined(__clang__))
#include "firmnet_dense_dot_armv7em_dsp.h"
#elif defined(__thumb__) && !defined(__thumb2__)
#include "firmnet_dense_dot_armv6m.h"
#else
#include "firmnet_dense_dot_portable.h"
#endif

#endif /* FIRMNET_DENSE_DOT_H */
