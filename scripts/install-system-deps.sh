#!/usr/bin/env bash
# Debian packages the tests use beyond Node: the Cortex-M and RV32 cross-compilers, qemu (Arm and
# RISC-V) for instruction counts on emulated boards, Chromium to render the HTML report headless,
# CMake for the generated CMake files and the Zephyr module, and the Python modules Zephyr's tooling
# reads module.yml and Kconfig with (pykwalify.core imports dateutil, which its Debian package does not declare).
set -euo pipefail
exec "$(dirname "$0")/install-debian-packages.sh" system \
  gcc-arm-none-eabi libnewlib-arm-none-eabi gcc-riscv64-unknown-elf qemu-system-arm qemu-system-misc chromium \
  cmake python3-yaml python3-pykwalify python3-dateutil python3-ruamel.yaml python3-kconfiglib
