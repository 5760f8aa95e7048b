#!/usr/bin/env bash
# Fetches DuckDB's C library and header into .duckdb/ (ignored by git) and checks their sha256.
#
# DuckDB publishes no Debian package here, so the library comes from PyPI: the CPython 3.11 wheel
# of duckdb 2.0.1 carries an extension module that exports the whole C API, and the source
# distribution carries the matching duckdb.h. The extension leaves Python symbols undefined; they
# are resolved by linking libpython3.11 (Python is never initialised).
#
# Idempotent: when .duckdb/ already holds verified files it returns at once.
# To use an official libduckdb.so and duckdb.h instead, set DUCKDB_LIB_DIR and DUCKDB_INCLUDE_DIR.
set -euo pipefail

VERSION=2.0.1
WHEEL=duckdb-${VERSION}-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
WHEEL_SHA256=eb32b389d99d14cbbec4c110f58237c77eacefc65ef6f737619f413c97a91a77
SDIST=duckdb-${VERSION}.tar.gz
SDIST_SHA256=5b3f493140e35b75298ee0fc606d98e3065e8601e64fe81b09326de7a6fd68e0
EXTENSION=_duckdb.cpython-311-x86_64-linux-gnu.so
HEADER_IN_SDIST=duckdb-${VERSION}/external/duckdb/src/include/duckdb.h

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.duckdb"
stamp="$dest/ready-$VERSION"

fail() { echo "setup-duckdb: $*" >&2; exit 1; }

if [[ -n "${DUCKDB_LIB_DIR:-}" || -n "${DUCKDB_INCLUDE_DIR:-}" ]]; then
    [[ -n "${DUCKDB_LIB_DIR:-}" && -n "${DUCKDB_INCLUDE_DIR:-}" ]] \
        || fail "set both DUCKDB_LIB_DIR (folder with libduckdb.so) and DUCKDB_INCLUDE_DIR (folder with duckdb.h), or neither"
    [[ -f "$DUCKDB_LIB_DIR/libduckdb.so" ]] || fail "DUCKDB_LIB_DIR=$DUCKDB_LIB_DIR has no libduckdb.so"
    [[ -f "$DUCKDB_INCLUDE_DIR/duckdb.h" ]] || fail "DUCKDB_INCLUDE_DIR=$DUCKDB_INCLUDE_DIR has no duckdb.h"
    echo "setup-duckdb: using DuckDB from $DUCKDB_LIB_DIR and $DUCKDB_INCLUDE_DIR"
    exit 0
fi

verify_installed() {
    [[ -f "$stamp" && -f "$dest/lib/libduckdb.so" && -f "$dest/include/duckdb.h" && -e "$dest/lib/libpython3.11.so" ]] \
        && (cd "$dest" && sha256sum --quiet --check "$stamp" >/dev/null 2>&1)
}

if verify_installed; then
    exit 0
fi

[[ "$(uname -m)" == "x86_64" ]] || fail "only x86_64 Linux is set up automatically; on $(uname -m) set DUCKDB_LIB_DIR and DUCKDB_INCLUDE_DIR to an official DuckDB $VERSION release"

# Prerequisites: a pip to download with, and libpython3.11 to resolve the extension's Python symbols.
python=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -m pip --version >/dev/null 2>&1; then
        python=$candidate; break
    fi
done
find_libpython() {
    local dirs=()
    if command -v python3.11 >/dev/null 2>&1; then
        dirs+=("$(python3.11 -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")' 2>/dev/null || true)")
    fi
    dirs+=(/usr/lib/x86_64-linux-gnu /usr/local/lib /usr/lib)
    for dir in "${dirs[@]}"; do
        for name in libpython3.11.so libpython3.11.so.1.0; do
            if [[ -n "$dir" && -f "$dir/$name" ]]; then echo "$dir/$name"; return 0; fi
        done
    done
    return 1
}
libpython=$(find_libpython || true)
missing=()
[[ -n "$python" ]] || missing+=("pip (Debian: apt-get install python3-pip)")
[[ -n "$libpython" ]] || missing+=("libpython3.11 (Debian: apt-get install libpython3.11-dev)")
if (( ${#missing[@]} )); then
    fail "missing prerequisite: ${missing[*]}. Install it and run 'make setup' again, or set DUCKDB_LIB_DIR and DUCKDB_INCLUDE_DIR to an official DuckDB release."
fi

downloads="$dest/downloads"
mkdir -p "$downloads"

check_sha() { # file expected
    local actual
    actual=$(sha256sum "$1" | cut -d' ' -f1)
    [[ "$actual" == "$2" ]] || { rm -f "$1"; fail "sha256 mismatch for $(basename "$1"): expected $2, got $actual (file removed; run again)"; }
}

fetch() { # file sha pip-args...
    local file=$1 sha=$2; shift 2
    if [[ -f "$downloads/$file" ]] && [[ "$(sha256sum "$downloads/$file" | cut -d' ' -f1)" == "$sha" ]]; then
        return 0
    fi
    echo "setup-duckdb: downloading $file from PyPI"
    "$python" -m pip download --quiet --disable-pip-version-check --no-deps -d "$downloads" "$@" "duckdb==$VERSION" \
        || fail "pip could not download $file (is PyPI reachable?)"
    [[ -f "$downloads/$file" ]] || fail "pip did not produce $downloads/$file"
    check_sha "$downloads/$file" "$sha"
}

fetch "$WHEEL" "$WHEEL_SHA256" --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 --platform manylinux_2_28_x86_64
fetch "$SDIST" "$SDIST_SHA256" --no-binary duckdb

echo "setup-duckdb: extracting the C library and header"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" - "$downloads/$WHEEL" "$EXTENSION" "$work/libduckdb.so" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
tar -xzf "$downloads/$SDIST" -C "$work" "$HEADER_IN_SDIST"

rm -rf "$dest/lib" "$dest/include"
mkdir -p "$dest/lib" "$dest/include"
mv "$work/libduckdb.so" "$dest/lib/libduckdb.so"
mv "$work/$HEADER_IN_SDIST" "$dest/include/duckdb.h"
ln -sf "$libpython" "$dest/lib/libpython3.11.so"
ln -sf "$libpython" "$dest/lib/libpython3.11.so.1.0"

(cd "$dest" && sha256sum lib/libduckdb.so include/duckdb.h) > "$stamp.tmp"
mv "$stamp.tmp" "$stamp"
echo "setup-duckdb: DuckDB $VERSION ready in $dest (libpython from $libpython)"
