/*
 * How the int8-input dense kernels' weights sit in memory on this build, included by
 * firmnet_kernels.h. The generator writes each 16-byte block of the grouped layout (4 rows x 4 inputs,
 * offset binary, compiler/ops/fully-connected/prepare.ts) as FIRMNET_DENSE_S8_BLOCK(b0, ..., b15), with
 * b[4r + k] = w[r][k] + 128, and this header decides what the block is in the array:
 *   - the Arm DSP rendering (firmnet_dense_dot_armv7em_dsp.h) reads row pairs: per pair of rows
 *     (2p, 2p + 1) two words, {w[2p][0]', w[2p+1][0], w[2p][2]', w[2p+1][2]} for the input pair word
 *     (x0', x2') and the same for inputs 1 and 3, where w' = w + 128 and the odd row's byte is the
 *     signed weight itself. Read as two signed halfwords, the word is then (w[2p][k]' + 256 w[2p+1][k])
 *     for two inputs k, exactly, so one SMLAD adds both rows' products and one SXTB16 ROR #8 gives the
 *     odd row's pair: three instructions per 4 products instead of four;
 *   - every other rendering reads the grouped block as it is.
 * The model's C and firmnet_dense.c must be compiled for the same core (as a build does anyway):
 * both read the choice from here. FIRMNET_DENSE_S8_PAIRED_ROWS is that choice, and the linker
 * checks that both made the same one (below).
 */
#ifndef FIRMNET_DENSE_LAYOUT_H
#define FIRMNET_DENSE_LAYOUT_H

#if !defined(FIRMNET_PORTABLE_LOOPS) && (defined(__SSE2__) || defined(__ARM_NEON) || defined(__wasm_simd128__))
/* A vector host: firmnet_dense_dot_vector_host.h reads the grouped blocks. */
#elif defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_UNALIGNED) && !defined(__ARM_BIG_ENDIAN) && (defined(__GNUC__) || defined(__clang__))
#define FIRMNET_DENSE_S8_PAIRED_ROWS 1
#endif

/*
 * The layout is part of the int8-input kernels' link names, so a model compiled for one layout and
 * firmnet_dense.c compiled for the other (a different -mcpu, -mno-unaligned-access on one side, an
 * object left from another firmnet release) fail to link, naming the layout the model's C needs:
 *   undefined reference to `firmnet_dense_s8_paired_rows_v1'
 * instead of linking kernels that read the weights in another order. The model's C calls
 * firmnet_dense_s8 and firmnet_dense_s8_s16 as declared in firmnet_kernels.h; these macros give
 * the calls and the definitions the same suffix. The version changes when the generated block
 * order or the requantization records change.
 */
#ifdef FIRMNET_DENSE_S8_PAIRED_ROWS
#define FIRMNET_DENSE_S8_LAYOUT_NAME(kernel) kernel##_paired_rows_v1
#else
#define FIRMNET_DENSE_S8_LAYOUT_NAME(kernel) kernel##_grouped_v1
#endif
#define firmnet_dense_s8 FIRMNET_DENSE_S8_LAYOUT_NAME(firmnet_dense_s8)
#define firmnet_dense_s8_s16 FIRMNET_DENSE_S8_LAYOUT_NAME(firmnet_dense_s8_s16)

#ifdef FIRMNET_DENSE_S8_PAIRED_ROWS
/* The odd rows' bytes lose the offset (x ^ 128 turns w + 128 back into w as a byte). */
#define FIRMNET_DENSE_S8_BLOCK(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15) \
    b0, (b4) ^ 128, b2, (b6) ^ 128, b1, (b5) ^ 128, b3, (b7) ^ 128, b8, (b12) ^ 128, b10, (b14) ^ 128, b9, (b13) ^ 128, b11, (b15) ^ 128
#else
#define FIRMNET_DENSE_S8_BLOCK(b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15) \
    b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15
#endif

#endif /* FIRMNET_DENSE_LAYOUT_H */
