#!/usr/bin/env bash
# The dashboard call `home` from Rust, Kotlin and Python in one run, on one data shape (7 life
# domains, 20 goals, 100 activities, in an SQLite file), with the ratios to the Rust call.
# Everything is built in release mode. Results go to stdout; bindings/BENCH.md records them.
#
#   bindings/bench.sh             # uses $CARGO_TARGET_DIR if set, else target/
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
release=$target/release
generated=$target/uniffi-release
out=$target/bench-home
mkdir -p "$out"

for tool in cargo java mvn python3; do
    command -v "$tool" >/dev/null || { echo "bindings/bench.sh: $tool is missing (see bindings/test.sh for how to install it)" >&2; exit 1; }
done

cd "$root"
echo "== build (release)"
cargo build --release -p recovery-ffi -p uniffi-bindgen
lib=$release/librecovery_ffi.so
[ "$(uname -s)" = Darwin ] && lib=$release/librecovery_ffi.dylib
rm -rf "$generated"
for language in kotlin python; do
    "$release/uniffi-bindgen" generate --library "$lib" --language "$language" --out-dir "$generated/$language" --no-format
done

echo "== Rust (criterion)"
cargo bench -p recovery-ffi --bench home -- --noplot 2>&1 | grep -E '^home/|time:' || true
mean_us() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mean"]["point_estimate"]/1000)' "$1"; }
rust_core=$(mean_us "$target/criterion/home/rust_core/new/estimates.json")
rust_ffi=$(mean_us "$target/criterion/home/rust_ffi_records/new/estimates.json")

echo "== Python"
pydir=$out/python/recovery_core
mkdir -p "$pydir"
cp "$generated/python/recovery_core.py" "$pydir/recovery_core.py"
cp "$here/python/recovery_core/__init__.py" "$pydir/__init__.py"
cp "$lib" "$pydir/"
python=$(PYTHONPATH="$out/python" python3 "$here/python/bench_home.py" | tail -1)

echo "== Kotlin"
mvn -q -B -Dstyle.color=never -f "$here/kotlin/pom.xml" test \
    -Duniffi.generated="$generated/kotlin" -Duniffi.lib.dir="$release" \
    -Dsurefire.groups=bench -Dsurefire.excludedGroups=none \
    -Dbench.out="$out/kotlin.txt"
kotlin=$(cat "$out/kotlin.txt")

python3 - "$rust_core" "$rust_ffi" "$kotlin" "$python" <<'PY'
import sys
core, ffi, kotlin, python = map(float, sys.argv[1:])
print()
print("home(): 7 domains, 20 goals, 100 activities; mean µs per call")
print(f"{'caller':<34}{'µs/call':>10}{'× Rust core':>14}")
for name, value in [
    ("Rust, recovery_core::Portal", core),
    ("Rust, recovery_ffi::Portal (no FFI)", ffi),
    ("Kotlin (JNA), through the FFI", kotlin),
    ("Python (ctypes), through the FFI", python),
]:
    print(f"{name:<34}{value:>10.1f}{value / core:>14.2f}")
PY
