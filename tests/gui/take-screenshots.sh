#!/usr/bin/env bash
# Regenerates the screenshots of docs/console.md from the real console under
# Xvfb (an X server in memory): tests/gui/take-screenshots.sh [BUILD_DIR]
# BUILD_DIR (default: build) must hold a GUI build with the edge SDK
# (./.ci/dev.sh build, or cmake with BULWARK_GUI=ON and BULWARK_EDGE=ON).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
program="$build/tests/gui/screenshots/console_screenshots"
device="$build/edge/examples/simulated_device"
for file in "$program" "$device"; do
    if [[ ! -x "$file" ]]; then
        echo "take-screenshots: $file is missing; build first (./.ci/dev.sh build)." >&2
        exit 1
    fi
done
command -v xvfb-run > /dev/null || {
    echo "take-screenshots: xvfb-run is missing: apt-get install xvfb" >&2
    exit 1
}
# A fixed, readable size and scale, the Fusion style and the light palette:
# the same pictures on every machine.
export QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=1 QT_STYLE_OVERRIDE=Fusion LANG=C.UTF-8
xvfb-run --auto-servernum --server-args="-screen 0 1600x1000x24" \
    "$program" --output "$root/docs/images" --simulated-device "$device"
