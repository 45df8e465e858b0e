#!/bin/sh
# Runs a test against a real Secret Service: a throw-away gnome-keyring
# (secrets component only) on the session bus that dbus-run-session gave us,
# with its keyrings in a temporary directory, never the user's own.
#   dbus-run-session -- run-with-keyring.sh TEST-BINARY [ARGS...]
#   run-with-keyring.sh --missing WHAT   (ctest: the tools are not installed)
# Exit 77 means skipped; under CI (CI set) a missing tool is a failure.
set -eu

missing() {
    if [ -n "${CI:-}" ]; then
        echo "run-with-keyring: $1 is missing, and CI must run the keychain tests" \
             "(install dbus and gnome-keyring, see .ci/packages.txt)." >&2
        exit 1
    fi
    echo "run-with-keyring: $1 is missing; skipping the keychain tests." >&2
    exit 77
}

if [ "${1:-}" = "--missing" ]; then
    missing "${2:-dbus-run-session or gnome-keyring-daemon}"
fi
[ $# -ge 1 ] || { echo "usage: $0 TEST-BINARY [ARGS...]" >&2; exit 2; }
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing gnome-keyring-daemon
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || {
    echo "run-with-keyring: no session bus; run me under dbus-run-session." >&2
    exit 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bulwark-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# --unlock reads the login keyring's password on stdin and creates that
# keyring; the daemon prints VAR=value lines for its clients.
eval "$(printf 'bulwark-test-keyring\n' |
    gnome-keyring-daemon --daemonize --unlock --components=secrets |
    sed -n 's/^\([A-Z_]*\)=\(.*\)$/\1='\''\2'\''; export \1/p')"

export BULWARK_TEST_KEYRING="$scratch"

# The daemon may print before it owns its bus name: wait (bounded) for it.
tries=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'; do
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ]; then
        echo "run-with-keyring: the Secret Service did not appear on the session bus." >&2
        exit 1
    fi
    sleep 0.1
done

# Not exec: the trap removes the scratch directory afterwards. The daemon
# ends with the session bus when dbus-run-session returns.
status=0
"$@" || status=$?
exit $status
