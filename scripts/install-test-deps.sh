#!/usr/bin/env bash
# Installs what the test suite needs beyond a fresh machine's Rust, gcc and
# Python: valgrind (C API tests), cmake and pkg-config (install tests).
set -euo pipefail
missing=()
for tool in valgrind cmake pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "== installing: ${missing[*]}"
if [ "$(id -u)" = 0 ]; then apt=(apt-get); else apt=(sudo apt-get); fi
"${apt[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null
