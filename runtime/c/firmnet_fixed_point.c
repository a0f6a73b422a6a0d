/* The out-of-line half of firmnet_fixed_point.h: one copy of the 32-bit requantization for all kernels. */
#include "firmnet_fixed_point.h"

int32_t firmnet_mbqm(int32_t x, int32_t multiplier, int32_t shift) {
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    return firmnet_rdbp(firmnet_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}
