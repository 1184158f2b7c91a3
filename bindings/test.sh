#!/usr/bin/env bash
# Builds the recovery-ffi library (with its `sqlcipher` feature, so that encryption at rest is
# tested in every language), generates the Kotlin, Swift and Python bindings from it, and
# runs the Rust unit tests of the conversion layer, the Kotlin suite (Maven) and the Python suite
# (pytest). Checks that the Swift sources, header and modulemap were generated (there is no Swift
# toolchain here). Exits non-zero if anything fails or a tool is missing; it never skips.
#
#   bindings/test.sh              # from anywhere; uses $CARGO_TARGET_DIR if set, else target/
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
profile_dir=$target/debug
generated=$target/uniffi

say() { printf '\n== %s\n' "$*"; }

# ----- tools -------------------------------------------------------------------------------------
missing=()
command -v cargo >/dev/null || missing+=("cargo (Rust): https://rustup.rs, then 'rustup default stable'")
command -v java >/dev/null || missing+=("java (JDK 17 or newer): 'apt-get install openjdk-17-jdk-headless'")
command -v mvn >/dev/null || missing+=("mvn (Maven 3.8 or newer): 'apt-get install maven'")
command -v python3 >/dev/null || missing+=("python3 (3.9 or newer) with venv: 'apt-get install python3 python3-venv'")
if command -v python3 >/dev/null && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    missing+=("python3's venv module: 'apt-get install python3-venv'")
fi
# The `sqlcipher` feature compiles SQLCipher against the system's libcrypto.
if [ ! -f /usr/include/openssl/evp.h ] && ! pkg-config --exists libcrypto 2>/dev/null; then
    missing+=("OpenSSL's headers and libcrypto (for SQLCipher): 'apt-get install libssl-dev'")
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "bindings/test.sh: missing tools; install them and run again:" >&2
    for m in "${missing[@]}"; do echo "  - $m" >&2; done
    exit 1
fi
if java -version 2>&1 | grep -qE 'version "(1\.[0-8]|9|1[0-6])[."]'; then
    echo "bindings/test.sh: Java 17 or newer is needed (found: $(java -version 2>&1 | head -1))" >&2
    exit 1
fi

# ----- build and Rust tests ------------------------------------------------------------------------
# Both packages in one cargo call: uniffi is compiled once, with the generator's features.
# `sqlcipher` exports Portal.openEncrypted and rekey; the library then links SQLCipher.
say "cargo build + test: recovery-ffi (feature sqlcipher), uniffi-bindgen ($profile_dir)"
cd "$root"
features=(--features recovery-ffi/sqlcipher)
cargo build -p recovery-ffi -p uniffi-bindgen "${features[@]}"
cargo test -p recovery-ffi -p uniffi-bindgen "${features[@]}"

case "$(uname -s)" in
    Darwin) lib=$profile_dir/librecovery_ffi.dylib ;;
    *) lib=$profile_dir/librecovery_ffi.so ;;
esac
[ -f "$lib" ] || { echo "bindings/test.sh: $lib was not built" >&2; exit 1; }

# ----- generate ------------------------------------------------------------------------------------
say "generate Kotlin, Python and Swift bindings from $(basename "$lib")"
rm -rf "$generated"
for language in kotlin python swift; do
    "$profile_dir/uniffi-bindgen" generate --library "$lib" --language "$language" \
        --out-dir "$generated/$language" --no-format
done

# ----- Swift: generation only ----------------------------------------------------------------------
say "Swift: check the generated sources, header and modulemap"
swift_dir=$here/swift
mkdir -p "$swift_dir/Sources/RecoveryCore" "$swift_dir/Sources/RecoveryCoreFFI"
cp "$generated/swift/RecoveryCore.swift" "$swift_dir/Sources/RecoveryCore/RecoveryCore.swift"
cp "$generated/swift/RecoveryCoreFFI.h" "$swift_dir/Sources/RecoveryCoreFFI/RecoveryCoreFFI.h"
# SwiftPM reads a system library target's map from `module.modulemap`; link the Rust library.
sed 's|^}$|    link "recovery_ffi"\n}|' "$generated/swift/RecoveryCoreFFI.modulemap" \
    > "$swift_dir/Sources/RecoveryCoreFFI/module.modulemap"
for f in Sources/RecoveryCore/RecoveryCore.swift Sources/RecoveryCoreFFI/RecoveryCoreFFI.h \
         Sources/RecoveryCoreFFI/module.modulemap; do
    if [ ! -s "$swift_dir/$f" ]; then
        echo "bindings/test.sh: Swift generation failed: $f is missing or empty" >&2
        exit 1
    fi
done
grep -qF 'public static func `open`(path: String' "$swift_dir/Sources/RecoveryCore/RecoveryCore.swift" \
    || { echo "bindings/test.sh: generated Swift lacks Portal.open" >&2; exit 1; }
grep -qF 'public static func openEncrypted(path: String, key: Data' "$swift_dir/Sources/RecoveryCore/RecoveryCore.swift" \
    || { echo "bindings/test.sh: generated Swift lacks Portal.openEncrypted (feature sqlcipher)" >&2; exit 1; }
echo "Swift: 3 files generated in bindings/swift/Sources (compiled only where a Swift toolchain is)"

# ----- Kotlin ---------------------------------------------------------------------------------------
say "Kotlin: mvn test (bindings/kotlin)"
# Stale classes of deleted tests would still run: compile the suite afresh every time.
rm -rf "$here/kotlin/target/surefire-reports" "$here/kotlin/target/test-classes"
mvn -q -B -Dstyle.color=never -f "$here/kotlin/pom.xml" test \
    -Duniffi.generated="$generated/kotlin" \
    -Duniffi.lib.dir="$profile_dir"
echo  # Maven leaves its colour reset codes without a newline; keep the summary on its own line.
python3 - "$here/kotlin/target/surefire-reports" <<'EOF'
import glob, sys, xml.etree.ElementTree as ET
tests = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    tests += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
if tests == 0:
    sys.exit("bindings/test.sh: the Kotlin suite ran no test")
print(f"Kotlin: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or skipped else 0)
EOF

# ----- Python ---------------------------------------------------------------------------------------
say "Python: pip install bindings/python, then pytest"
package=$here/python/recovery_core
cp "$generated/python/recovery_core.py" "$package/recovery_core.py"
cp "$lib" "$package/"
venv=$target/bindings-venv
if [ ! -x "$venv/bin/python" ]; then
    # System site packages: a pytest the machine already has is used as it is.
    python3 -m venv --system-site-packages "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$here/python"
if ! "$venv/bin/python" -c 'import pytest' 2>/dev/null; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check pytest
fi
# Run from outside the source tree so that the installed package is the one imported.
(cd "$target" && "$venv/bin/python" -m pytest -q -p no:cacheprovider "$here/python/tests")

say "bindings: all suites passed"
