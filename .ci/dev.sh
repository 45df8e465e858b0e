#!/usr/bin/env bash
# Bulwark's set-up command: installs what is missing, builds, then runs the
# console (`run`) or the whole test suite (`test`). Both README commands and
# CI (.ci/run) come through here, so there is one way to set up.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${BULWARK_BUILD_DIR:-$root/build}"
mode="${1:-}"
shift || true

usage() {
    cat <<USAGE
Usage: .ci/dev.sh run [bulwark options]   install, build, start the console (headless without a display)
       .ci/dev.sh test [ctest options]    install, build, run the full test suite
Environment: BULWARK_BUILD_DIR (default: build/), BULWARK_GUI=OFF to skip the console.
USAGE
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

sudo_cmd() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local wanted missing=()
    mapfile -t wanted < <(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$')
    for pkg in "${wanted[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        log "All ${#wanted[@]} Debian packages are installed"
        return
    fi
    log "Installing ${#missing[@]} missing Debian packages: ${missing[*]}"
    sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -q
    sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure_and_build() {
    local generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    if [ ! -f "$build/CMakeCache.txt" ]; then
        log "Configuring in $build"
        cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DBULWARK_GUI="${BULWARK_GUI:-ON}"
    fi
    log "Building (this takes a few minutes the first time)"
    cmake --build "$build" --parallel "$(nproc)"
}

# A throw-away PostgreSQL on a loopback port for the storage tests.
# PostgreSQL refuses to run as root, so as root it runs as `postgres`.
pg_dir=""
start_postgres() {
    local bin port as=()
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$bin" ]; then
        log "PostgreSQL is not installed; PostgreSQL tests will be skipped"
        return
    fi
    pg_dir="$(mktemp -d /tmp/bulwark-pg.XXXXXX)"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$pg_dir"
        as=(runuser -u postgres --)
    fi
    local password
    password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    printf '%s\n' "$password" >"$pg_dir/pwfile"
    chmod 600 "$pg_dir/pwfile"
    [ "${#as[@]}" -gt 0 ] && chown postgres: "$pg_dir/pwfile"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    log "Starting a throw-away PostgreSQL on 127.0.0.1:$port"
    "${as[@]}" "$bin/initdb" -D "$pg_dir/data" -U bulwark --pwfile="$pg_dir/pwfile" \
        --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 >"$pg_dir/initdb.log" 2>&1
    "${as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
        -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    PGPASSWORD="$password" "$bin/createdb" -h 127.0.0.1 -p "$port" -U bulwark bulwark_test
    export BULWARK_TEST_POSTGRES_URL="postgresql://bulwark:$password@127.0.0.1:$port/bulwark_test"
    pg_stop=("${as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop)
}
stop_postgres() {
    if [ -n "$pg_dir" ]; then
        "${pg_stop[@]}" >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
        pg_dir=""
    fi
}

case "$mode" in
run)
    install_packages
    configure_and_build
    if { [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; } ||
        grep -q '^BULWARK_GUI:BOOL=OFF' "$build/CMakeCache.txt"; then
        log "No display: starting the headless server"
        exec "$build/app/bulwark" --headless "$@"
    fi
    exec "$build/app/bulwark" "$@"
    ;;
test)
    install_packages
    configure_and_build
    trap stop_postgres EXIT
    start_postgres
    log "Running the test suite"
    cd "$build"
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600 "$@"
    ;;
-h | --help | help)
    usage
    ;;
*)
    usage
    exit 2
    ;;
esac
