#!/usr/bin/env bash
# Builds .device/, everything the device probe needs on a machine with no network and maybe no node:
#   .device/probe.mjs                 bench/device/probe.ts bundled by esbuild (gpu.js, gl, webgpu external)
#   .device/node_modules/             gpu.js and its run-time closure: gl (webgl.node only), webgpu (dawn.node, gzipped)
#   .device/node.gz                   this machine's node, stripped and gzipped (run.sh unpacks it to a temp dir)
#   .device/lib/libvulkan.so.1        the Vulkan loader, for Dawn on a machine that has the driver but no loader
#   .device/BUILD_INFO.json           versions, sizes and checksums
# Usage: bash bench/device/build.sh [--no-node]
# Inputs (environment): GPUJS_NODE_MODULES (default /tmp/gpujs-try/node_modules, where gpu.js 2.24.1 and gl
# were installed and gl compiled against this node), NODE_BIN (default: node on PATH), VULKAN_DEB (a
# libvulkan1 .deb; default: apt-get download libvulkan1, skipped when that fails).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SRC="${GPUJS_NODE_MODULES:-/tmp/gpujs-try/node_modules}"
NODE_BIN="${NODE_BIN:-$(command -v node)}"
WITH_NODE=1
for arg in "$@"; do
  case "$arg" in
    --no-node) WITH_NODE=0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
DEV="$ROOT/.device"
LIMIT_BYTES=$((60 * 1024 * 1024))

die() { echo "build.sh: $*" >&2; exit 1; }
[ -d "$SRC/gpu.js" ] || die "no gpu.js in $SRC (set GPUJS_NODE_MODULES)"
[ -f "$SRC/gl/build/Release/webgl.node" ] || die "no compiled gl in $SRC/gl/build/Release/webgl.node"
[ -f "$SRC/webgpu/dist/linux-x64.dawn.node" ] || die "no $SRC/webgpu/dist/linux-x64.dawn.node"
ESBUILD="$ROOT/node_modules/.bin/esbuild"
[ -x "$ESBUILD" ] || die "no $ESBUILD (npm install first)"

grep -qxF '.device/' .gitignore || { echo '.device/' >> .gitignore; echo "added .device/ to .gitignore"; }

rm -rf "$DEV"
mkdir -p "$DEV/node_modules" "$DEV/lib"

# (a) the probe, one ESM file
"$ESBUILD" bench/device/probe.ts --bundle --platform=node --format=esm --target=node20 \
  --external:gpu.js --external:gl --external:webgpu --log-level=warning --outfile="$DEV/probe.mjs"

# (b) gpu.js's run-time closure, pruned
copy_pkg() { # name [paths inside the package...]; whole package when none given
  local name="$1"; shift
  [ -d "$SRC/$name" ] || die "missing package $name in $SRC"
  mkdir -p "$DEV/node_modules/$name"
  if [ $# -eq 0 ]; then
    cp -a "$SRC/$name/." "$DEV/node_modules/$name/"
  else
    (cd "$SRC/$name" && cp -a --parents "$@" "$DEV/node_modules/$name/")
  fi
}
copy_pkg gpu.js package.json LICENSE src                # dist/ holds browser bundles only
copy_pkg gpu-mock.js package.json LICENSE index.js
copy_pkg acorn
copy_pkg gl package.json LICENSES index.js src/javascript build/Release/webgl.node
copy_pkg bindings
copy_pkg file-uri-to-path
copy_pkg bit-twiddle
copy_pkg glsl-tokenizer
copy_pkg webgpu package.json index.js README.md
mkdir -p "$DEV/node_modules/webgpu/dist"
gzip -9 -n -c "$SRC/webgpu/dist/linux-x64.dawn.node" > "$DEV/node_modules/webgpu/dist/linux-x64.dawn.node.gz"
rm -rf "$DEV/node_modules/acorn/dist/bin" 2>/dev/null || true

# (c) node: strip (86 of its 99 MB are code, the rest debug info) and gzip (32 MB)
NODE_VERSION="$("$NODE_BIN" -v)"
NODE_ABI="$("$NODE_BIN" -p process.versions.modules)"
if [ "$WITH_NODE" = 1 ]; then
  TMPN="$(mktemp)"
  if command -v strip >/dev/null; then strip -o "$TMPN" "$NODE_BIN"; else cp "$NODE_BIN" "$TMPN"; fi
  "$TMPN" -e 'process.exit(0)' || die "stripped node does not run"
  gzip -9 -n -c "$TMPN" > "$DEV/node.gz"
  NODE_RAW_BYTES="$(stat -c %s "$TMPN")"
  rm -f "$TMPN"
else
  NODE_RAW_BYTES=0
fi

# (d) the Vulkan loader (Dawn dlopens libvulkan.so.1; the device image may lack it)
VKTMP="$(mktemp -d)"
DEB="${VULKAN_DEB:-}"
if [ -z "$DEB" ] && command -v apt-get >/dev/null; then
  (cd "$VKTMP" && apt-get download libvulkan1 >/dev/null 2>&1) || true
  DEB="$(ls "$VKTMP"/libvulkan1_*.deb 2>/dev/null | head -1 || true)"
fi
if [ -n "$DEB" ] && [ -f "$DEB" ] && dpkg-deb -x "$DEB" "$VKTMP/x" 2>/dev/null; then
  cp -L "$VKTMP"/x/usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$DEV/lib/libvulkan.so.1"
  echo "vulkan loader: $(basename "$DEB")"
else
  echo "warning: no libvulkan1 .deb (set VULKAN_DEB); webgpu will need the device's own loader" >&2
fi
rm -rf "$VKTMP"

# check: every module resolves and loads from .device/ alone, with the real node (dawn.node is
# unpacked to a scratch copy; it may fail to load here for want of a newer glibc/libstdc++, which the
# check reports without failing)
CHECK="$(mktemp -d)"
cp -a "$DEV/probe.mjs" "$DEV/node_modules" "$CHECK/"
gzip -dc "$DEV/node_modules/webgpu/dist/linux-x64.dawn.node.gz" > "$CHECK/node_modules/webgpu/dist/linux-x64.dawn.node"
cat > "$CHECK/check.mjs" <<'EOF'
const results = {};
for (const name of ['gpu.js', 'gl', 'webgpu']) {
  try { const m = await import(name); results[name] = 'ok: ' + Object.keys(m).slice(0, 4).join(','); }
  catch (e) { results[name] = 'FAILED: ' + e.message.split('\n')[0]; }
}
try { const { GPU } = await import('gpu.js'); const g = new GPU({ mode: 'cpu' });
  const k = g.createKernel(function (a) { return a[this.thread.x] * 2; }, { output: [3] });
  results.cpuKernel = Array.from(k(new Float32Array([1, 2, 3]))).join(','); } catch (e) { results.cpuKernel = 'FAILED: ' + e.message; }
console.log(JSON.stringify(results, null, 1));
process.exit(0);
EOF
(cd "$CHECK" && env -i PATH=/usr/bin:/bin "$NODE_BIN" check.mjs) | sed 's/^/  check: /'
if (cd "$CHECK" && env -i PATH=/usr/bin:/bin "$NODE_BIN" check.mjs) | grep -E '"(gpu.js|gl)": "FAILED' >/dev/null; then
  rm -rf "$CHECK"; die "gpu.js or gl does not load from .device/node_modules"
fi
rm -rf "$CHECK"

TOTAL="$(du -sb "$DEV" | cut -f1)"
TREE="$( (git ls-files -z; git ls-files -z --others --exclude-standard) | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)"
cat > "$DEV/BUILD_INFO.json" <<EOF
{
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "buildHost": "$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}"), glibc $(ldd --version 2>/dev/null | head -1 | awk '{print $NF}')",
  "node": {"version": "$NODE_VERSION", "abi": "$NODE_ABI", "carried": $WITH_NODE, "strippedBytes": $NODE_RAW_BYTES, "from": "$NODE_BIN"},
  "gpujs": "$(node -p "require('$SRC/gpu.js/package.json').version")",
  "gl": "$(node -p "require('$SRC/gl/package.json').version")",
  "webgpu": "$(node -p "require('$SRC/webgpu/package.json').version")",
  "deviceBytes": $TOTAL
}
EOF
echo
du -sh "$DEV"/* "$DEV"/node_modules/* | sort -h | tail -8 | sed 's/^/  /'
echo ".device/ total: $TOTAL bytes ($((TOTAL / 1024 / 1024)) MiB); working tree that travels besides: $TREE bytes ($((TREE / 1024 / 1024)) MiB)"
if [ "$TOTAL" -gt "$LIMIT_BYTES" ]; then
  echo "WARNING: .device/ is over 60 MiB; rebuild with --no-node if the device has node $NODE_VERSION (ABI $NODE_ABI)" >&2
fi
if [ $((TOTAL + TREE)) -gt $((64 * 1024 * 1024)) ]; then
  echo "WARNING: .device/ plus the working tree is over the 64 MiB the device tool carries" >&2
fi
