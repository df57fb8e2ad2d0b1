#!/usr/bin/env bash
# Sourced by scripts/run and scripts/test: installs the Debian 12 packages parviz
# needs, only those that are missing, and runs `apt-get update` only then.
parviz_packages=(cmake make g++ pkg-config libimgui-dev libglfw3-dev catch2
  python3-glad libstb-dev nlohmann-json3-dev xvfb xauth libgl1-mesa-dri
  fonts-dejavu-core python3 procps xdotool)

# parviz_install_deps [PACKAGE...]: the given packages, or parviz_packages.
parviz_install_deps() {
  local missing=()
  local p wanted=("$@")
  [ $# -eq 0 ] && wanted=("${parviz_packages[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "parviz: installing missing packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || return 1
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# The sanitizer and fuzzing stage (scripts/sanitize) also needs clang and its
# runtime: libclang-rt-14-dev holds libFuzzer and the sanitizer runtimes, and
# --no-install-recommends would not pull it in with clang.
parviz_fuzz_packages=(clang libclang-rt-14-dev)

parviz_install_fuzz_deps() {
  parviz_install_deps "${parviz_fuzz_packages[@]}"
}

# parviz_build ROOT [TARGET]: configures once, then builds TARGET (default:
# everything, the tests and benchmarks included).
parviz_build() {
  local root="$1" target="${2:-}" preset="${PARVIZ_PRESET:-release}"
  local dir="$root/build/$preset"
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake --preset "$preset" -S "$root" >/dev/null || return 1
  fi
  cmake --build "$dir" -j"$(nproc)" ${target:+--target "$target"} || return 1
}
