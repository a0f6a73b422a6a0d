#!/usr/bin/env bash
# Debian packages the benchmarks use as peers: PyTorch (CPU) for `npm run bench -- train`, with the
# optimised BLAS that libtorch recommends (OpenBLAS; without it PyTorch falls back to reference BLAS
# and is several times slower, which would flatter firmnet).
set -euo pipefail
exec "$(dirname "$0")/install-debian-packages.sh" benchmark python3 python3-torch libopenblas0
