#!/usr/bin/env python3
"""Edge benchmarks for Bulwark, end to end, printed as Markdown.

Builds `bulwark` and the load generator `bulwark-edgeload` (Boost.Asio and
Beast over OpenSSL; bench/edgeload/) if needed, raises the descriptor limit
to 20,000 (the server inherits it), starts a real `bulwark --headless` on a
free loopback port with a temporary data directory (as run-identity-bench.py
does, whose helpers it uses), and sets it up over REST as the Administrator:
a template with a NUMBER property, --things Things built from it, an
organization whose root unit holds the normal user `edgebench` (no
administrator), instance visibility to that unit and instance rules letting
`edgebench` Read, PropertyRead, PropertyWrite and ServiceInvoke, and one
application key of `edgebench`, created by `edgebench` itself. Then, over
edge protocol 1 (docs/protocol.md) with that key:

 1. hold: how many authenticated (and bound) /edge sessions the one server
    process holds, and its RSS per session (/proc/PID/status before/after);
 2. handshakes: new sessions per second (TCP, full TLS handshake, WebSocket
    upgrade, auth) at the highest rate;
 3. updates: property updates per second acknowledged (each authorized,
    committed durably, then answered) while one /api/events subscriber (the
    same user) receives them; then, at half that rate, latency percentiles of
    send -> result and send -> subscriber;
 4. files: upload MB/s end to end (edge protocol 2, file.upload) beside the
    single-core `openssl speed` figures of AES-256-GCM, MD5 and SHA-256 --
    reported as pending when the server does not speak protocol 2.

Every figure is the median of --runs runs. The server is stopped at the end
(SIGTERM, exit code checked) and the data directory removed. Standard library
only, plus the generator and `openssl`.

  bench/run-edge-bench.py [--build-dir DIR] [--skip-build] [--quick] [--runs N] ...
"""

import argparse
import base64
import concurrent.futures
import importlib.util
import math
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "run_identity_bench", os.path.join(HERE, "run-identity-bench.py"))
identity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(identity)

BenchError = identity.BenchError
log = identity.log
run = identity.run
SOURCE_DIR = identity.SOURCE_DIR

DESCRIPTOR_LIMIT = 20000
DEVICE_USER = "edgebench"
ORGANIZATION = "EdgeBench"
TEMPLATE = "EdgeBenchDevice"
PROPERTY = "temperature"
THING_PREFIX = "EdgeDevice"
REPOSITORY = "EdgeBenchFiles"
# Connections per generator process: well inside its own descriptor limit.
CONNECTIONS_PER_GENERATOR = 8000


def build(build_dir, skip):
    binaries = [os.path.join(build_dir, "app", "bulwark"),
                os.path.join(build_dir, "bench", "edgeload", "bulwark-edgeload")]
    if skip:
        for binary in binaries:
            if not os.path.exists(binary):
                raise BenchError(f"--skip-build given, but {binary} does not exist.")
        return binaries
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        log(f"configuring {build_dir} (RelWithDebInfo, no GUI, no tests)")
        configured = run(["cmake", "-S", SOURCE_DIR, "-B", build_dir, "-G", "Ninja",
                          "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DBULWARK_GUI=OFF",
                          "-DBULWARK_TESTS=OFF", "-DBULWARK_BENCH=ON"])
        if configured.returncode != 0:
            raise BenchError("cmake could not configure the build; see the output above "
                             "(bench/edgeload needs libboost-dev).")
    log("building bulwark and bulwark-edgeload (no-op when up to date)")
    built = run(["nice", "ninja", "-C", build_dir, "-j2", "bulwark", "bulwark-edgeload"],
                stdout=subprocess.DEVNULL)
    if built.returncode != 0:
        raise BenchError(f"ninja could not build bulwark and bulwark-edgeload in {build_dir}; "
                         "rerun it there to see the error.")
    return binaries


def raise_descriptor_limit():
    """20,000 descriptors for us, the server and the generators (inherited)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = DESCRIPTOR_LIMIT
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    except (ValueError, OSError):
        raise BenchError(f"cannot raise the open-file limit to {wanted} (now soft {soft}, "
                         f"hard {hard}): run as root or raise the hard limit "
                         f"(ulimit -Hn {wanted}; /etc/security/limits.conf).")
    return resource.getrlimit(resource.RLIMIT_NOFILE)


# ---- set-up over REST -----------------------------------------------------------


def as_user(server, user, password):
    pair = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": "Basic " + pair}


def set_up(server, things):
    """The device user, its rights, the Things; answers (app key secret, files supported)."""
    password = "dev-" + secrets.token_urlsafe(18)
    principal = {"type": "User", "name": DEVICE_USER}
    unit = f"{ORGANIZATION}/{ORGANIZATION}"
    server.expect(201, "POST", "/api/Users", body={"name": DEVICE_USER, "password": password})
    server.expect(201, "POST", "/api/Organizations", body={"name": ORGANIZATION, "units": []})
    server.expect(200, "PUT", f"/api/Organizations/{ORGANIZATION}/Units/{ORGANIZATION}/Members",
                  body={"members": [principal]})
    server.expect(201, "POST", "/api/ThingTemplates", body={
        "name": TEMPLATE, "properties": [{"name": PROPERTY, "baseType": "NUMBER"}]})
    server.expect(200, "PUT", f"/api/ThingTemplates/{TEMPLATE}/InstanceVisibility",
                  body={"units": [unit]})
    server.expect(200, "PUT", f"/api/ThingTemplates/{TEMPLATE}/InstancePermissions", body={
        "rules": [{"principal": principal, "permission": permission, "effect": "Allow"}
                  for permission in ("Read", "PropertyRead", "PropertyWrite", "ServiceInvoke")]})
    log(f"{things} Things")
    thing_calls = [(201, "POST", "/api/Things",
                       {"body": {"name": f"{THING_PREFIX}{i}", "template": TEMPLATE}})
                      for i in range(things)]
    in_parallel(server, thing_calls)

    files = server.request("GET", "/api/ThingTemplates/FileRepository")[0] == 200
    if files:
        server.expect(201, "POST", "/api/Things", body={"name": REPOSITORY,
                                                         "template": "FileRepository"})
        server.expect(200, "PUT", f"/api/Things/{REPOSITORY}/Visibility", body={"units": [unit]})
        server.expect(200, "PUT", f"/api/Things/{REPOSITORY}/Permissions", body={"rules": [
            {"principal": principal, "permission": permission, "effect": "Allow"}
            for permission in ("Read", "Update")]})

    # The key is the device user's own, made by that user (not by the Administrator).
    key = server.expect(201, "POST", "/api/ApplicationKeys", auth=None,
                        headers=as_user(server, DEVICE_USER, password),
                        body={"name": "edgebench", "description": "run-edge-bench"})
    if key.get("user") != DEVICE_USER:
        raise BenchError(f"the app key belongs to {key.get('user')}, not {DEVICE_USER}")
    # The model really decides: the key's user is no administrator and sees the Things.
    session = server.expect(200, "GET", "/api/auth/session", auth=None,
                            headers={"appKey": key["secret"]})
    if session.get("administrator") is not False:
        raise BenchError(f"{DEVICE_USER} should not be an administrator: {session}")
    server.expect(200, "GET", f"/api/Things/{THING_PREFIX}0/Properties/{PROPERTY}", auth=None,
                  headers={"appKey": key["secret"]})
    return key["secret"], files


def in_parallel(server, calls):
    def one(call):
        status, method, path, kwargs = call
        return server.expect(status, method, path, **kwargs)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for _ in pool.map(one, calls):
            pass


# ---- the generator ----------------------------------------------------------------


class Generator:
    def __init__(self, binary, server, key, threads):
        self.binary = binary
        self.server = server
        self.environment = dict(os.environ, BULWARK_APP_KEY=key)
        self.threads = threads

    def command(self, load, **options):
        command = [self.binary, load, "--port", str(self.server.port),
                   "--ca", os.path.join(self.server.data_dir, "tls", "server.crt")]
        if load != "upload":  # one connection, one thread
            options.setdefault("threads", self.threads)
        for name, value in options.items():
            command += ["--" + name.replace("_", "-"), str(value)]
        return command

    def run(self, load, timeout=600, accept_codes=(0,), **options):
        command = self.command(load, **options)
        done = subprocess.run(command, env=self.environment, capture_output=True, text=True,
                              timeout=timeout, check=False)
        sys.stderr.write(done.stderr)
        if done.returncode not in accept_codes:
            raise BenchError(f"bulwark-edgeload {load} exited with {done.returncode}:\n"
                             f"{done.stdout}{done.stderr[-3000:]}\nserver log:\n"
                             f"{self.server.log_tail()}")
        return parse_results(done.stdout), done.returncode

    def start(self, load, **options):
        return subprocess.Popen(self.command(load, **options), env=self.environment,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def parse_results(text):
    results = {}
    for line in text.splitlines():
        if not line.startswith("RESULT "):
            continue
        fields = dict(item.split("=", 1) for item in line.split()[1:])
        load = fields.pop("load")
        results.setdefault(load, {}).update({k: float(v) for k, v in fields.items()})
    return results


def rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise BenchError(f"no VmRSS in /proc/{pid}/status")


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


# ---- the measurements ---------------------------------------------------------------


def hold(generator, server, args):
    """One run: N sessions over several generator processes; RSS before/held/after."""
    processes = max(1, math.ceil(args.connections / CONNECTIONS_PER_GENERATOR))
    shares = [args.connections // processes + (1 if i < args.connections % processes else 0)
              for i in range(processes)]
    time.sleep(1)  # let the previous run's sessions go
    before = rss_kib(server.process.pid)
    descriptors_before = open_descriptors(server.process.pid)
    started = time.monotonic()
    children = [generator.start("hold", connections=share, concurrency=args.concurrency,
                                things=args.things, thing_prefix=THING_PREFIX,
                                open_seconds=args.open_seconds, threads=1)
                for share in shares]
    results = []
    try:
        for child in children:
            line = child.stdout.readline()
            parsed = parse_results(line).get("hold")
            if not parsed:
                raise BenchError(f"bulwark-edgeload hold printed no result ({line!r}); "
                                 "see its messages above.")
            results.append(parsed)
        seconds = time.monotonic() - started
        time.sleep(1)
        held = rss_kib(server.process.pid)
        descriptors_held = open_descriptors(server.process.pid)
        for child in children:
            child.stdin.write("close\n")
            child.stdin.flush()
        ends = [parse_results(child.stdout.readline()).get("hold_end", {}) for child in children]
    finally:
        for child in children:
            try:
                child.wait(60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    # The server closes its side of each session; wait until it let go of them all.
    closed_at = time.monotonic()
    while open_descriptors(server.process.pid) > descriptors_before + 16 and \
            time.monotonic() - closed_at < 600:
        time.sleep(0.2)
    release_seconds = time.monotonic() - closed_at
    time.sleep(1)
    after = rss_kib(server.process.pid)
    established = sum(r["established"] for r in results)
    failed = sum(r["failed"] for r in results)
    dropped = sum(e.get("dropped", 0) for e in ends)
    return {"established": established, "failed": failed, "dropped": dropped,
            "gave_up": any(r.get("gave_up") for r in results), "seconds": seconds,
            "release_seconds": release_seconds,
            "last10_per_second": sum(r["last10_per_second"] for r in results),
            "per_second": established / seconds, "processes": processes,
            "rss_before_mib": before / 1024, "rss_held_mib": held / 1024,
            "rss_after_mib": after / 1024,
            "kib_per_session": (held - before) / max(established, 1),
            "descriptors": descriptors_held - descriptors_before}


def measure(generator, server, args, files):
    results = {"hold": [], "handshakes": [], "max": [], "half": [], "upload": None}
    for round_ in range(1, args.runs + 1):
        if "hold" in args.loads:
            log(f"round {round_}/{args.runs}: hold {args.connections} sessions")
            results["hold"].append(hold(generator, server, args))
        if "handshakes" in args.loads:
            log(f"round {round_}/{args.runs}: handshakes, {args.duration} s")
            out, _ = generator.run("handshakes", seconds=args.duration,
                                   concurrency=args.handshake_concurrency, accept_codes=(0, 3))
            results["handshakes"].append(out["handshakes"])
        if "updates" in args.loads:
            log(f"round {round_}/{args.runs}: updates at the highest rate, {args.duration} s")
            out, _ = generator.run("updates", sessions=args.sessions, things=args.things,
                                   thing_prefix=THING_PREFIX, property=PROPERTY,
                                   window=args.window, seconds=args.duration,
                                   accept_codes=(0, 3))
            results["max"].append(out["updates"])
    top = statistics.median(r["acks_per_second"] for r in results["max"]) if results["max"] \
        else 0
    rate = max(1.0, top / 2)
    for round_ in range(1, args.runs + 1 if "updates" in args.loads else 1):
        log(f"round {round_}/{args.runs}: updates at {rate:.0f}/s (half), {args.duration} s")
        out, _ = generator.run("updates", sessions=args.sessions, things=args.things,
                               thing_prefix=THING_PREFIX, property=PROPERTY, rate=f"{rate:.1f}",
                               seconds=args.duration, accept_codes=(0, 3))
        results["half"].append(out["updates"])
    if "files" not in args.loads:
        pass
    elif files:
        log(f"files: {args.megabytes} MiB uploads x {args.runs}")
        out, code = generator.run("upload", thing=f"{THING_PREFIX}0", repository=REPOSITORY,
                                  megabytes=args.megabytes, runs=args.runs,
                                  accept_codes=(0, 1, 4))
        if code == 0:
            results["upload"] = out["upload"]
        elif code == 4:
            results["upload_pending"] = "the server answers edge protocol 1 (no file transfer)"
        else:
            results["upload_pending"] = "the upload failed (see the messages above)"
    else:
        results["upload_pending"] = ("the server has no FileRepository template yet "
                                     "(edge protocol 2 not implemented)")
    return results


def openssl_speed(seconds):
    """Single-core bytes/s at 16 KiB blocks of AES-256-GCM, MD5 and SHA-256."""
    figures = {}
    for name, command in (("AES-256-GCM", ["-evp", "aes-256-gcm"]), ("MD5", ["md5"]),
                          ("SHA-256", ["sha256"])):
        done = run(["openssl", "speed", "-seconds", str(seconds), "-bytes", "16384"] + command,
                   capture_output=True)
        match = None
        for line in done.stdout.splitlines():
            match = re.match(r"^\S.*?\s+([0-9.]+)k\s*$", line) or match
        if done.returncode != 0 or not match:
            raise BenchError(f"openssl speed {' '.join(command)} printed no figure:\n"
                             f"{done.stdout}{done.stderr}")
        figures[name] = float(match.group(1)) * 1000 / 1e6  # MB/s
    return figures


# ---- report -----------------------------------------------------------------------


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def each(rows, key, form="{:.0f}"):
    return ", ".join(form.format(r[key]) for r in rows)


def report(args, info, limits, load_before, load_after, results, speeds):
    out = ["### Machine\n", "| | |\n| --- | --- |"]
    for key, value in info:
        out.append(f"| {key} | {value} |")
    out.append(f"| open-file limit (server, generators) | {limits[0]} |")
    out.append(f"| load average (1, 5, 15 min) at start | {load_before} |")
    out.append(f"| load average (1, 5, 15 min) at end | {load_after} |")
    out.append("")
    if results["hold"]:
        report_hold(out, args, results)
    if results["handshakes"]:
        report_handshakes(out, args, results)
    if results["max"]:
        report_updates(out, args, results)
    if "files" in args.loads:
        report_files(out, results, speeds)
    return "\n".join(out)


def report_hold(out, args, results):
    hold_rows = results["hold"]
    out.append("### Sessions held and memory per session\n")
    out.append(f"{args.connections} authenticated /edge sessions (app key, one bind each) "
               f"asked for, opened {args.concurrency} at a time per generator process "
               f"({hold_rows[0]['processes']} processes), from 16 loopback addresses, none "
               f"started after {args.open_seconds:.0f} s; {args.runs} runs. "
               "*opened/s at the end*: over the last 10 s of opening.\n")
    if any(r["gave_up"] for r in hold_rows):
        out.append(f"**Not all {args.connections} sessions were opened within "
                   f"{args.open_seconds:.0f} s** in runs "
                   f"{[i + 1 for i, r in enumerate(hold_rows) if r['gave_up']]}: the server "
                   "slowed down as it held more (see *opened/s at the end*).\n")
    out.append("The first run starts on a fresh server; later ones reuse memory that earlier "
               "sessions freed (the server does not give it back to the system), so their "
               "*KiB per session* is lower: the first run's is the cost of a session.\n")
    out.append("| run | established | failed | dropped while held | seconds to open | opened/s "
               "| opened/s at the end | server RSS before MiB | held MiB | after closing MiB "
               "| KiB per session |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for index, row in enumerate(hold_rows):
        out.append(f"| {index + 1} | {row['established']:.0f} | {row['failed']:.0f} | "
                   f"{row['dropped']:.0f} | {row['seconds']:.0f} | {row['per_second']:.0f} | "
                   f"{row['last10_per_second']:.0f} | {row['rss_before_mib']:.0f} | "
                   f"{row['rss_held_mib']:.0f} | {row['rss_after_mib']:.0f} | "
                   f"{row['kib_per_session']:.1f} |")
    out.append("")
    out.append(f"When the generators closed their sessions, the server took "
               f"{med(hold_rows, 'release_seconds'):.1f} s (median) to let go of all their "
               f"descriptors; at the end, with no session open, it stopped (SIGTERM) in "
               f"{results['stop_seconds']:.1f} s.\n")


def report_handshakes(out, args, results):
    shakes = results["handshakes"]
    out.append("### New sessions per second\n")
    out.append(f"TCP connect, full TLS handshake (no resumption), WebSocket upgrade of /edge "
               f"and `auth` with the app key, {args.handshake_concurrency} in flight, "
               f"{args.duration} s x {args.runs} runs, medians; each closed (close handshake) "
               "after its `auth` result.\n")
    out.append("| sessions/s | p50 ms | p99 ms | failed | runs (sessions/s) |")
    out.append("| ---: | ---: | ---: | ---: | --- |")
    out.append(f"| {med(shakes, 'per_second'):.0f} | {med(shakes, 'session_p50_ms'):.1f} | "
               f"{med(shakes, 'session_p99_ms'):.1f} | {med(shakes, 'failed'):.0f} | "
               f"{each(shakes, 'per_second')} |")
    out.append("")


def report_updates(out, args, results):
    top, half = results["max"], results["half"]
    out.append("### Property updates end to end\n")
    out.append(f"{args.sessions} device sessions over {args.things} Things, one value per "
               f"`update` (NUMBER), each authorized (PropertyWrite for `{DEVICE_USER}`), "
               "committed durably and then answered; one /api/events subscriber "
               f"(`{DEVICE_USER}`, PropertyRead) receives every value. {args.duration} s "
               f"x {args.runs} runs after a 2 s warm-up, medians.\n")
    out.append("| load | updates acknowledged/s | events received/s | rate-limited | "
               "runs (acks/s) |")
    out.append("| --- | ---: | ---: | ---: | --- |")
    out.append(f"| highest: {args.window} unacknowledged per session | "
               f"{med(top, 'acks_per_second'):.0f} | {med(top, 'events_per_second'):.0f} | "
               f"{med(top, 'rate_limited'):.0f} | {each(top, 'acks_per_second')} |")
    out.append(f"| half: {med(half, 'offered_per_second'):.0f}/s offered, paced | "
               f"{med(half, 'acks_per_second'):.0f} | {med(half, 'events_per_second'):.0f} | "
               f"{med(half, 'rate_limited'):.0f} | {each(half, 'acks_per_second')} |")
    out.append("")
    out.append("Latency at half the highest rate (ms, medians of the runs' percentiles):\n")
    out.append("| from the device's send to | p50 | p90 | p99 | p99.9 | samples per run |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, key in (("its `result` (committed)", "ack"),
                       ("the subscriber's `propertyChanged`", "event")):
        out.append(f"| {label} | {med(half, key + '_p50_ms'):.2f} | "
                   f"{med(half, key + '_p90_ms'):.2f} | {med(half, key + '_p99_ms'):.2f} | "
                   f"{med(half, key + '_p999_ms'):.2f} | {med(half, key + '_count'):.0f} |")
    lost = [(r["sent"] - r["replies"], r["accepted"] - r["events"]) for r in top + half]
    if any(a or b for a, b in lost):
        out.append("")
        out.append(f"Unanswered updates / values without an event per run: {lost}.")
    out.append("")


def report_files(out, results, speeds):
    out.append("### File transfer\n")
    out.append("Single core of this machine, `openssl speed -bytes 16384` (MB/s): " +
               ", ".join(f"{name} {value:.0f}" for name, value in speeds.items()) + ".\n")
    upload = results.get("upload")
    if upload:
        out.append("| upload (edge protocol 2) | MB/s median | best | runs |")
        out.append("| --- | ---: | ---: | ---: |")
        out.append(f"| {upload['megabytes']:.0f} MB, device -> repository, verified | "
                   f"{upload['median_mb_per_second']:.1f} | {upload['best_mb_per_second']:.1f} "
                   f"| {upload['runs']:.0f} |")
    else:
        out.append(f"Upload MB/s: **pending** -- {results.get('upload_pending')}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"),
                        help="CMake build directory (configured if missing; default: %(default)s)")
    parser.add_argument("--skip-build", action="store_true",
                        help="use the binaries in --build-dir as they are")
    parser.add_argument("--loads", default="hold,handshakes,updates,files",
                        help="which measurements, comma-separated (default: %(default)s)")
    parser.add_argument("--bulwark", help="this bulwark binary instead of --build-dir's")
    parser.add_argument("--edgeload", help="this bulwark-edgeload instead of --build-dir's")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 500 sessions held, 3 s x 1 run, 8 MiB files")
    parser.add_argument("--runs", type=int, help="runs per figure, median (default 3)")
    parser.add_argument("--duration", type=float, help="seconds per timed run (default 10)")
    parser.add_argument("--connections", type=int,
                        help="sessions to hold (default 19000: the server's limit is 20000 "
                             "descriptors)")
    parser.add_argument("--concurrency", type=int, default=64,
                        help="sessions being opened at once per generator process (hold)")
    parser.add_argument("--open-seconds", type=float,
                        help="stop opening sessions to hold after this long (default 300)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the server (e.g. QT_NO_GLIB=1)")
    parser.add_argument("--handshake-concurrency", type=int, default=32,
                        help="sessions being opened at once (handshakes)")
    parser.add_argument("--sessions", type=int, default=100, help="device sessions (updates)")
    parser.add_argument("--things", type=int, default=100, help="Things the sessions bind")
    parser.add_argument("--window", type=int, default=8,
                        help="unacknowledged updates per session at the highest rate")
    parser.add_argument("--megabytes", type=int, help="file size in MiB (default 64)")
    parser.add_argument("--threads", type=int, default=1, help="generator threads")
    args = parser.parse_args()
    defaults = {"runs": (1, 3), "duration": (3, 10), "connections": (500, 19000),
                "megabytes": (8, 64),
                "open_seconds": (60, 300)}
    for name, (quick, full) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if min(args.runs, args.connections, args.sessions, args.things, args.window,
           args.threads, args.concurrency, args.handshake_concurrency) < 1 or args.duration <= 0:
        parser.error("every count must be at least 1 and --duration above 0.")
    if args.connections > DESCRIPTOR_LIMIT - 500:
        parser.error(f"--connections above {DESCRIPTOR_LIMIT - 500} would run the server out "
                     f"of its {DESCRIPTOR_LIMIT} descriptors (it needs some for its data).")
    args.loads = set(args.loads.split(","))
    unknown = args.loads - {"hold", "handshakes", "updates", "files"}
    if unknown:
        parser.error(f"unknown --loads {', '.join(sorted(unknown))}; choose from hold, "
                     "handshakes, updates, files.")
    if shutil.which("openssl") is None:
        raise BenchError("openssl is not installed: apt-get install openssl.")

    build_dir = os.path.abspath(args.build_dir)
    if args.bulwark and args.edgeload:
        server_binary, generator_binary = args.bulwark, args.edgeload
    else:
        server_binary, generator_binary = build(build_dir, args.skip_build)
        server_binary = args.bulwark or server_binary
        generator_binary = args.edgeload or generator_binary
    for binary in (server_binary, generator_binary):
        if not os.access(binary, os.X_OK):
            raise BenchError(f"{binary} is not an executable.")
    server_binary, generator_binary = map(os.path.abspath, (server_binary, generator_binary))
    limits = raise_descriptor_limit()
    info = identity.machine_info(build_dir)
    info = [row for row in info if row[0] != "wrk"]
    load_before = identity.load_average()
    log("openssl speed (single core)")
    speeds = openssl_speed(1 if args.quick else 3) if "files" in args.loads else {}
    for assignment in args.server_env:
        name, _, value = assignment.partition("=")
        if not name:
            parser.error(f"--server-env takes NAME=VALUE, got {assignment!r}.")
        os.environ[name] = value  # identity.Server passes our environment on
    work_dir = tempfile.mkdtemp(prefix="bulwark-edge-bench-")
    server = identity.Server(server_binary, work_dir)
    try:
        log(f"starting bulwark --headless on 127.0.0.1:{server.port} ({work_dir})")
        server.start()
        log(f"bulwark answers, pid {server.process.pid} (for perf record -p)")
        key, files = set_up(server, args.things)
        generator = Generator(generator_binary, server, key, args.threads)
        results = measure(generator, server, args, files)
        stopping = time.monotonic()
        code = server.stop(timeout=600)
        results["stop_seconds"] = time.monotonic() - stopping
        if code != 0:
            raise BenchError(f"bulwark exited with {code} after SIGTERM:\n{server.log_tail()}")
    finally:
        server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    load_after = identity.load_average()
    print(report(args, info, limits, load_before, load_after, results, speeds))
    return 0


if __name__ == "__main__":
    identity.entry(main, "run-edge-bench")
