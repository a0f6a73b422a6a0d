#!/usr/bin/env bash
# Debian packages the tests use beyond Node: the Cortex-M and RV32 cross-compilers, qemu (Arm and RISC-V) for
# instruction counts on emulated boards, and Chromium to render the HTML report headless.
# Idempotent: installs only what is missing.
set -euo pipefail
packages=(gcc-arm-none-eabi libnewlib-arm-none-eabi gcc-riscv64-unknown-elf qemu-system-arm qemu-system-misc chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${packages[*]}"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
