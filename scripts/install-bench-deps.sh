#!/usr/bin/env bash
# Debian packages the benchmarks use as peers: PyTorch (CPU) for `npm run bench -- train`, with the
# optimised BLAS that libtorch recommends (OpenBLAS; without it PyTorch falls back to reference BLAS
# and is several times slower, which would flatter firmnet).
# Idempotent: installs only what is missing.
set -euo pipefail
packages=(python3 python3-torch libopenblas0)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "benchmark packages present: ${packages[*]}"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
