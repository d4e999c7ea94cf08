#!/usr/bin/env bash
# The one command the device machine runs (see bench/device/README.md):
#   bash bench/device/run.sh
# Needs .device/ (bench/device/build.sh) carried along. Unpacks node and dawn.node into a temp
# folder, runs the probe under a hard time limit, leaves $OUT/probe.json and $OUT/probe.log, and
# always exits 0. Environment: OUT (default .bench-out/device), PROBE_BUDGET_S (default 200, the
# probe's own budget), PROBE_HARD_LIMIT_S (default 225, then the probe is killed),
# PROBE_NODE=system to prefer a node on PATH over the carried one.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEV="$ROOT/.device"
OUT="${OUT:-$ROOT/.bench-out/device}"
mkdir -p "$OUT" 2>/dev/null
OUT="$(cd "$OUT" && pwd)"
LOG="$OUT/probe.log"
: > "$LOG"
rm -f "$OUT/probe.json"
export OUT
export PATH="${PATH:-/usr/local/bin:/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"

fallback_json() { # reason: a probe.json saying why there is no real one
  local reason="${1//\"/\'}"
  printf '{"probe":"feature-columns device probe","fatal":"%s","uname":"%s","date":"%s"}\n' \
    "$reason" "$(uname -a 2>/dev/null | tr -d '"')" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$OUT/probe.json"
}

gunzip_to() { # src.gz dest
  if command -v gzip >/dev/null 2>&1; then gzip -dc "$1" > "$2" && return 0; fi
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import gzip,shutil,sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2" && return 0
  fi
  if command -v busybox >/dev/null 2>&1; then busybox gzip -dc "$1" > "$2" && return 0; fi
  return 1
}

main() {
  echo "== feature-columns device probe: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
  if [ ! -f "$DEV/probe.mjs" ]; then
    echo "no $DEV/probe.mjs: build with bench/device/build.sh and carry [\".device\"]"
    fallback_json "missing .device/probe.mjs (not built or not carried)"
    return
  fi
  cat "$DEV/BUILD_INFO.json" 2>/dev/null | tr -d '\n' | sed 's/  */ /g'; echo

  RUNTIME="$(mktemp -d "${TMPDIR:-/tmp}/fcol-probe-run.XXXXXX" 2>/dev/null)" || RUNTIME=""
  if [ -z "$RUNTIME" ]; then RUNTIME="$DEV/runtime"; rm -rf "$RUNTIME"; mkdir -p "$RUNTIME" || { fallback_json "no writable temp folder"; return; }; fi
  trap 'rm -rf "$RUNTIME"' EXIT
  mkdir -p "$RUNTIME/bin"
  cp -a "$DEV/probe.mjs" "$DEV/node_modules" "$RUNTIME/" || { fallback_json "copying .device to $RUNTIME failed"; return; }
  [ -d "$DEV/lib" ] && cp -a "$DEV/lib" "$RUNTIME/lib"
  DAWN="$RUNTIME/node_modules/webgpu/dist/linux-x64.dawn.node"
  if [ -f "$DAWN.gz" ]; then
    gunzip_to "$DAWN.gz" "$DAWN" || echo "could not unpack dawn.node (no gzip, python3 or busybox)"
    rm -f "$DAWN.gz"
  fi

  # node: ours first (gl's webgl.node is built for its ABI), the system's as a fallback
  SYSTEM_NODE="$(command -v node 2>/dev/null || true)"
  NODE=""; SOURCE=""
  if [ "${PROBE_NODE:-}" = system ] && [ -n "$SYSTEM_NODE" ]; then NODE="$SYSTEM_NODE"; SOURCE="system (PROBE_NODE=system)"; fi
  if [ -z "$NODE" ] && [ -f "$DEV/node.gz" ]; then
    if gunzip_to "$DEV/node.gz" "$RUNTIME/bin/node" && chmod +x "$RUNTIME/bin/node" && "$RUNTIME/bin/node" -e 0 2>"$RUNTIME/node-err"; then
      NODE="$RUNTIME/bin/node"; SOURCE="carried (.device/node.gz)"
    else
      echo "carried node does not run here: $(head -c 600 "$RUNTIME/node-err" 2>/dev/null)"
    fi
  fi
  if [ -z "$NODE" ] && [ -n "$SYSTEM_NODE" ]; then NODE="$SYSTEM_NODE"; SOURCE="system (fallback)"; fi
  if [ -z "$NODE" ]; then
    echo "no node to run the probe with"
    fallback_json "no runnable node: carried node failed and none on PATH"
    return
  fi
  echo "node: $NODE ($("$NODE" -v), $SOURCE); system node: ${SYSTEM_NODE:-none}"

  export PATH="$RUNTIME/bin:$PATH"
  export NODE_PATH="$RUNTIME/node_modules"
  export PROBE_NODE_SOURCE="$SOURCE" PROBE_SYSTEM_NODE="$SYSTEM_NODE"
  mkdir -p "$RUNTIME/tmp" && export TMPDIR="$RUNTIME/tmp"   # the probe's scratch goes with $RUNTIME
  [ -f "$RUNTIME/lib/libvulkan.so.1" ] && export PROBE_VULKAN_LIB_DIR="$RUNTIME/lib"
  cd "$RUNTIME" || return
  LIMIT="${PROBE_HARD_LIMIT_S:-225}"
  if command -v timeout >/dev/null 2>&1; then
    timeout -k 5 "$LIMIT" "$NODE" "$RUNTIME/probe.mjs"
  else
    "$NODE" "$RUNTIME/probe.mjs"
  fi
  rc=$?
  echo "== probe exited with $rc"
  if [ ! -s "$OUT/probe.json" ]; then fallback_json "probe exited with $rc and wrote no probe.json"; fi
}

main 2>&1 | tee -a "$LOG"
exit 0
