#!/usr/bin/env bash
# Runs Bulwark's libFuzzer targets (tests/fuzz) for a bounded time each, on a
# scratch corpus seeded from tests/fuzz/corpus/<target>. Fails on the first
# crash, leak, undefined behaviour, timeout or broken property; the input
# that did it is saved under <build>/artifacts/<target>/.
#
#   tests/fuzz/run-fuzz.sh [--build-dir DIR] [--seconds N] [target...]
#
# The ctest label "fuzz" runs each target through this script for 20 s
# (BULWARK_FUZZ_SECONDS overrides it); a longer run is one flag away:
#   tests/fuzz/run-fuzz.sh --seconds 3600 edge_message
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${BULWARK_FUZZ_BUILD_DIR:-$root/build/tests/fuzz}"
seconds="${BULWARK_FUZZ_SECONDS:-20}"
all=(edge_message rest_json phc ldap_escape agent_config chunk_frame http_framing)
targets=()

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    echo "Targets: ${all[*]} (default: all)"
}

while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "run-fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "run-fuzz.sh: --seconds needs a whole number of seconds, not '$seconds'" >&2
    exit 2
fi

# Leaks and undefined behaviour are failures too, with a stack to act on.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
for target in "${targets[@]}"; do
    binary="$build/fuzz_$target"
    seeds="$here/corpus/$target"
    if [ ! -d "$seeds" ]; then
        echo "run-fuzz.sh: unknown target '$target' (no $seeds); targets: ${all[*]}" >&2
        exit 2
    fi
    if [ ! -x "$binary" ]; then
        echo "run-fuzz.sh: $binary is missing: build the fuzz targets first (ninja -C <build> bulwark_fuzz)," \
            "or pass --build-dir <the fuzz build directory>" >&2
        exit 2
    fi
    scratch="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-fuzz-$target.XXXXXX")"
    artifacts="$build/artifacts/$target"
    mkdir -p "$artifacts"
    options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536
        -print_final_stats=1 -print_funcs=0 -artifact_prefix="$artifacts/")
    [ -f "$here/$target.dict" ] && options+=(-dict="$here/$target.dict")
    echo "==> fuzz_$target for ${seconds}s (seeds: tests/fuzz/corpus/$target)"
    # New inputs go to the scratch directory (first); the seeds are only read.
    if ! "$binary" "${options[@]}" "$scratch" "$seeds"; then
        echo "==> fuzz_$target FAILED: the input is in $artifacts/ (reproduce: $binary <file>);" \
            "fix the code, then add the input to tests/fuzz/corpus/$target/ as a regression" >&2
        status=1
    fi
    rm -rf "$scratch"
done
exit $status
