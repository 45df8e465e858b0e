#!/usr/bin/env python3
"""Identity benchmarks for Bulwark, end to end, printed as Markdown.

Builds `bulwark` and `bench_passwords` (if needed), runs bench_passwords
(Argon2id beside PBKDF2), starts a real `bulwark --headless` on a free
loopback port with a temporary data directory, sets it up over its REST API
(a Thing with a NUMBER property, a session token, an application key), and
measures with wrk over HTTPS with keep-alive:

  * GET /api/Things/{thing}/Properties/{prop} signed in with a session bearer
    token, with HTTP Basic (remembered after the first verification) and with
    an app key (appKey header), beside an unauthenticated GET /api/health,
    interleaved round by round in one run;
  * POST /api/auth/login (a full Argon2id verification, a session and an
    audit record per request).

Every figure is the median of --runs runs. The server is stopped at the end
(SIGTERM, exit code checked) and the data directory removed. Only loopback
addresses are used. Standard library only, plus wrk (Debian package `wrk`).

  bench/run-identity-bench.py [--build-dir DIR] [--duration S] [--runs N] ...
"""

import argparse
import base64
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THING = "BenchStation"
PROPERTY = "temperature"
ADMINISTRATOR = "Administrator"

# wrk prints this line from done(): requests, duration (µs), p50 and p99 (µs),
# then the error counters.
RESULT_PREFIX = "BENCH-RESULT"
LUA_DONE = f"""
done = function(summary, latency, requests)
  io.write(string.format("{RESULT_PREFIX} %d %d %.0f %.0f %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


class BenchError(Exception):
    """A step failed; the message says which and what to do."""


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run(command, **kwargs):
    return subprocess.run(command, check=False, text=True, **kwargs)


# ---- build and machine ----------------------------------------------------


def build(build_dir, skip):
    ninja_file = os.path.join(build_dir, "build.ninja")
    if skip:
        if not os.path.exists(os.path.join(build_dir, "app", "bulwark")):
            raise BenchError(f"--skip-build given, but {build_dir}/app/bulwark does not exist.")
        return
    if not os.path.exists(ninja_file):
        log(f"configuring {build_dir} (RelWithDebInfo, no GUI, no tests)")
        configured = run(["cmake", "-S", SOURCE_DIR, "-B", build_dir, "-G", "Ninja",
                          "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DBULWARK_GUI=OFF",
                          "-DBULWARK_TESTS=OFF", "-DBULWARK_BENCH=ON"])
        if configured.returncode != 0:
            raise BenchError("cmake could not configure the build; see the output above.")
    log("building bulwark and bench_passwords (no-op when up to date)")
    built = run(["nice", "ninja", "-C", build_dir, "-j2", "bulwark", "bench_passwords"],
                stdout=subprocess.DEVNULL)
    if built.returncode != 0:
        raise BenchError(f"ninja could not build bulwark and bench_passwords in {build_dir}; "
                         "rerun it there to see the error.")


def build_type(build_dir):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as cache:
            for line in cache:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip() or "(none)"
    except OSError:
        pass
    return "unknown"


def first_line(command):
    try:
        done = run(command, capture_output=True)
    except OSError:
        return "not installed"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def machine_info(build_dir):
    model = "unknown"
    memory = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = int(meminfo.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    qt = first_line(["dpkg-query", "-W", "-f", "${Version}", "libqt6core6"])
    wrk_version = first_line(["wrk", "-v"]).split(" [")[0]
    commit = first_line(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"])
    return [
        ("nproc", str(len(os.sched_getaffinity(0)))),
        ("CPU", model),
        ("memory", memory),
        ("kernel", platform.release()),
        ("Qt", qt),
        ("OpenSSL", first_line(["openssl", "version"])),
        ("wrk", wrk_version),
        ("build", build_type(build_dir)),
        ("commit", commit),
    ]


# ---- bench_passwords --------------------------------------------------------


def password_hashing(build_dir, runs):
    program = os.path.join(build_dir, "bench", "bench_passwords")
    log("bench_passwords (Argon2id beside PBKDF2)")
    done = run([program, "--runs", str(runs)], capture_output=True)
    if done.returncode != 0:
        raise BenchError(f"bench_passwords failed: {done.stderr.strip()}")
    rows = []
    for line in done.stdout.splitlines():
        match = re.match(r"^(\S.*?)\s+([0-9.]+)\s+([0-9.]+)\s*$", line)
        if match and not line.startswith("#"):
            rows.append((match.group(1), float(match.group(2)), float(match.group(3))))
    if not rows:
        raise BenchError(f"bench_passwords printed no figures:\n{done.stdout}")
    return rows


# ---- the server -------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One `bulwark --headless` with its own data directory on a free port."""

    def __init__(self, binary, work_dir):
        self.binary = binary
        self.data_dir = os.path.join(work_dir, "data")
        self.log_path = os.path.join(work_dir, "server.log")
        self.port = free_port()
        # Random, so that it passes the password policy and names no one.
        self.password = "bench-" + secrets.token_urlsafe(18)
        self.process = None
        self.context = None

    @property
    def base(self):
        return f"https://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        os.makedirs(self.data_dir)
        # The load generator connects from 16 loopback addresses: lift the
        # per-address connection limit (1024 by default) that a fleet behind
        # one NAT address would also have to raise. Everything else as shipped.
        with open(os.path.join(self.data_dir, "bulwark.conf"), "w") as conf:
            conf.write("[http]\nmax_connections_per_address = 0\n")
        environment = dict(os.environ)
        environment["BULWARK_ADMIN_PASSWORD"] = self.password
        environment["QT_FORCE_STDERR_LOGGING"] = "1"
        environment.pop("QT_LOGGING_RULES", None)
        with open(self.log_path, "wb") as output:
            # A key file in the temporary directory: the benchmark never
            # touches the user's keychain.
            self.process = subprocess.Popen(
                [self.binary, "--headless", "--data-dir", self.data_dir,
                 "--master-key-file", os.path.join(self.data_dir, "master.key"),
                 "--listen", f"127.0.0.1:{self.port}"],
                env=environment, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT)
        certificate = os.path.join(self.data_dir, "tls", "server.crt")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"bulwark exited with {self.process.returncode} while "
                                 f"starting:\n{self.log_tail()}")
            if os.path.exists(certificate) and self.context is None:
                # Trust exactly this server's certificate.
                self.context = ssl.create_default_context(cafile=certificate)
            if self.context is not None:
                try:
                    status, _ = self.request("GET", "/api/health", auth=None)
                    if status == 200:
                        return
                except (OSError, ssl.SSLError):
                    pass
            time.sleep(0.2)
        raise BenchError(f"bulwark did not answer /api/health within {timeout} s:\n"
                         f"{self.log_tail()}")

    def stop(self, timeout=30):
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise BenchError(f"bulwark did not stop within {timeout} s of SIGTERM; killed it.")

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as text:
                return "".join(text.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def basic_header(self):
        pair = f"{ADMINISTRATOR}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def request(self, method, path, body=None, auth="basic", headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if auth == "basic":
            request.add_header("Authorization", self.basic_header())
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def expect(self, status, method, path, **kwargs):
        got, body = self.request(method, path, **kwargs)
        if got != status:
            raise BenchError(f"{method} {path} answered {got}, expected {status}: {body}")
        return body


def set_up(server):
    """A Thing with a NUMBER value, a session token and an app key."""
    server.expect(201, "POST", "/api/Things", body={
        "name": THING, "properties": [{"name": PROPERTY, "baseType": "NUMBER"}]})
    server.expect(200, "PUT", f"/api/Things/{THING}/Properties/{PROPERTY}",
                  body={"value": 21.5})
    key = server.expect(201, "POST", "/api/ApplicationKeys",
                        body={"name": "bench-key", "description": "run-identity-bench"})
    login = server.expect(200, "POST", "/api/auth/login", auth=None,
                          body={"user": ADMINISTRATOR, "password": server.password})
    return {"token": login["token"], "appKey": key["secret"]}


# ---- wrk --------------------------------------------------------------------


def lua_string(text):
    return "[==[" + text + "]==]"


def write_script(path, method="GET", headers=None, body=None):
    lines = [f'wrk.method = "{method}"']
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[ {lua_string(name)} ] = {lua_string(value)}")
    if body is not None:
        lines.append(f"wrk.body = {lua_string(body)}")
    with open(path, "w", encoding="utf-8") as script:
        script.write("\n".join(lines) + "\n" + LUA_DONE)


def cpu_seconds(pid):
    """(busy seconds of the whole machine, seconds used by pid and by our children)."""
    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:9]]
    busy = sum(fields) - fields[3] - fields[4]  # all but idle and iowait
    children = os.times()
    return busy / tick, process_seconds(pid) + children.children_user + children.children_system


def process_seconds(pid):
    """CPU seconds of pid, all its threads (also those that ended)."""
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
        # utime and stime follow the name, which may hold spaces and ')'.
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_seconds(pid):
    """CPU seconds per thread name of pid (threads of one name added up)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    task_dir = f"/proc/{pid}/task"
    for task in os.listdir(task_dir):
        try:
            with open(f"{task_dir}/{task}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
        except OSError:
            continue  # the thread ended meanwhile
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        seconds[name] = seconds.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return seconds


def wrk(url, script, threads, connections, duration, server_pid):
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
               "--timeout", "10s", "-s", script, url]
    busy_before, mine_before = cpu_seconds(server_pid)
    threads_before = thread_seconds(server_pid)
    server_before = process_seconds(server_pid)
    started = time.monotonic()
    done = run(command, capture_output=True)
    busy_after, mine_after = cpu_seconds(server_pid)
    threads_after = thread_seconds(server_pid)
    server_used = process_seconds(server_pid) - server_before
    cores = len(os.sched_getaffinity(0))
    # What other processes took of the machine while wrk ran: the noise.
    others = max(0.0, (busy_after - busy_before) - (mine_after - mine_before)) / \
        ((time.monotonic() - started) * cores)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            fields = [int(v) for v in line.split()[1:]]
            requests_, micros, p50, p99 = fields[:4]
            errors = dict(zip(("connect", "read", "write", "status", "timeout"), fields[4:]))
            def per_request(name):
                used = threads_after.get(name, 0.0) - threads_before.get(name, 0.0)
                return used / max(requests_, 1) * 1e6

            return {"rps": requests_ / (micros / 1e6), "p50": p50 / 1000, "p99": p99 / 1000,
                    "requests": requests_, "others": others,
                    # CPU µs per request: the I/O thread (TLS, HTTP, routing,
                    # sessions), the storage thread (SQLite), the whole server.
                    "io_us": per_request("bulwark-server"),
                    "storage_us": per_request("bulwark-storage"),
                    "server_us": server_used / max(requests_, 1) * 1e6,
                    "errors": {k: v for k, v in errors.items() if v}}
    raise BenchError(f"wrk printed no result ({' '.join(command)}):\n{done.stdout}{done.stderr}")


def summarize(samples):
    return {"rps": statistics.median(s["rps"] for s in samples),
            "p50": statistics.median(s["p50"] for s in samples),
            "p99": statistics.median(s["p99"] for s in samples),
            "others": statistics.median(s["others"] for s in samples),
            "io_us": statistics.median(s["io_us"] for s in samples),
            "storage_us": statistics.median(s["storage_us"] for s in samples),
            "server_us": statistics.median(s["server_us"] for s in samples),
            "each": [s["rps"] for s in samples],
            "errors": [s["errors"] for s in samples if s["errors"]]}


def rest_benchmark(server, credentials, work_dir, args):
    prop = f"/api/Things/{THING}/Properties/{PROPERTY}"
    scenarios = [
        ("`GET /api/health`, no credentials", "/api/health", {}),
        ("property, session (`Authorization: Bearer bws_…`)", prop,
         {"Authorization": "Bearer " + credentials["token"]}),
        ("property, HTTP Basic (remembered)", prop,
         {"Authorization": server.basic_header()}),
        ("property, app key (`appKey: bwk_…`)", prop, {"appKey": credentials["appKey"]}),
    ]
    # Each answers once before it is timed; this also fills the Basic cache.
    for _, path, headers in scenarios:
        server.expect(200, "GET", path, auth=None, headers=headers)
    scripts = []
    for index, (_, _, headers) in enumerate(scenarios):
        path = os.path.join(work_dir, f"rest{index}.lua")
        write_script(path, headers=headers)
        scripts.append(path)
    samples = [[] for _ in scenarios]
    for round_ in range(1, args.runs + 1):
        # Interleaved, so that a burst of load elsewhere hits every row alike.
        for index, (name, path, headers) in enumerate(scenarios):
            if "Basic" in name:
                # If the remembered verification (5 minutes by default) ran
                # out since the last run, this makes it again, untimed.
                server.expect(200, "GET", path, auth=None, headers=headers)
            log(f"round {round_}/{args.runs}: {name}")
            samples[index].append(wrk(server.base + path, scripts[index], args.threads,
                                      args.connections, args.duration, server.process.pid))
    return [(name, summarize(s)) for (name, _, _), s in zip(scenarios, samples)]


def login_benchmark(server, work_dir, args):
    script = os.path.join(work_dir, "login.lua")
    write_script(script, method="POST", headers={"Content-Type": "application/json"},
                 body=json.dumps({"user": ADMINISTRATOR, "password": server.password}))
    samples = []
    for round_ in range(1, args.runs + 1):
        log(f"round {round_}/{args.runs}: POST /api/auth/login")
        samples.append(wrk(server.base + "/api/auth/login", script, args.threads,
                           args.login_connections, args.duration, server.process.pid))
    return summarize(samples)


# ---- report -----------------------------------------------------------------


def load_average():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def report(args, info, load_before, load_after, passwords, rest, login):
    out = []
    out.append("### Machine\n")
    out.append("| | |\n| --- | --- |")
    for key, value in info:
        out.append(f"| {key} | {value} |")
    out.append(f"| load average (1, 5, 15 min) at start | {load_before} |")
    out.append(f"| load average (1, 5, 15 min) at end | {load_after} |")
    out.append("")
    if passwords:
        out.append("### Password hashing (bench_passwords)\n")
        out.append("| algorithm | median ms per hash (1 thread) | verifications/s, all cores |")
        out.append("| --- | ---: | ---: |")
        for name, milliseconds, per_second in passwords:
            out.append(f"| {name} | {milliseconds:.1f} | {per_second:.1f} |")
        out.append("")
    settings = (f"wrk {args.threads} threads, {{c}} connections, HTTPS keep-alive, "
                f"{args.duration} s x {args.runs} runs, medians")
    if login:
        out.append("### Sign-in end to end: `POST /api/auth/login`\n")
        out.append(settings.format(c=args.login_connections) +
                   "; default Argon2id parameters; each answer makes a session and an "
                   "audit record.\n")
        out.append("| | logins/s | p50 ms | p99 ms | runs (logins/s) | server CPU ms/login "
                   "| others' CPU |")
        out.append("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
        out.append(f"| Administrator, JSON body | {login['rps']:.1f} | {login['p50']:.1f} | "
                   f"{login['p99']:.1f} | {', '.join(f'{v:.1f}' for v in login['each'])} | "
                   f"{login['server_us'] / 1000:.1f} | {login['others']:.0%} |")
        out.append("")
    out.append(f"### Authenticated REST: `GET /api/Things/{THING}/Properties/{PROPERTY}`\n")
    out.append(settings.format(c=args.connections) + "; rows interleaved round by round.\n")
    out.append("| request | requests/s | vs health | p50 ms | p99 ms | runs (requests/s) "
               "| CPU µs/request: I/O thread | storage thread | others' CPU |")
    out.append("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    health = rest[0][1]["rps"]
    for name, s in rest:
        out.append(f"| {name} | {s['rps']:.0f} | {s['rps'] / health:.0%} | {s['p50']:.2f} | "
                   f"{s['p99']:.2f} | {', '.join(f'{v:.0f}' for v in s['each'])} | "
                   f"{s['io_us']:.0f} | {s['storage_us']:.0f} | {s['others']:.0%} |")
    out.append("")
    out.append("*CPU µs/request*: CPU time of the server's I/O thread (`bulwark-server`: TLS, "
               "HTTP, authentication lookups, routing) and of its single storage thread "
               "(`bulwark-storage`: SQLite) per answered request, from /proc (median).\n")
    out.append("*others' CPU*: the share of both cores that processes other than this server "
               "and wrk used during the runs (median, from /proc/stat). It includes time that "
               "would otherwise be idle (a niced build takes whatever the benchmark leaves), so "
               "0% means a quiet machine and anything above means the figures are lower bounds. "
               "The load average at the end counts this benchmark's own threads.")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"),
                        help="CMake build directory (configured if missing; default: %(default)s)")
    parser.add_argument("--skip-build", action="store_true",
                        help="use the binaries in --build-dir as they are")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16,
                        help="wrk connections for the REST rows")
    parser.add_argument("--login-connections", type=int, default=4,
                        help="wrk connections for the sign-in row")
    parser.add_argument("--hash-runs", type=int, default=9,
                        help="timed hashes per algorithm in bench_passwords")
    parser.add_argument("--no-passwords", action="store_true", help="skip bench_passwords")
    parser.add_argument("--no-login", action="store_true", help="skip the sign-in row")
    args = parser.parse_args()
    if min(args.duration, args.runs, args.threads) < 1 or \
            args.connections < args.threads or args.login_connections < args.threads:
        parser.error("--duration, --runs and --threads must be at least 1, and each "
                     "connection count at least --threads.")
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed: apt-get install wrk (see .ci/packages.txt).")

    build_dir = os.path.abspath(args.build_dir)
    build(build_dir, args.skip_build)
    info = machine_info(build_dir)
    load_before = load_average()
    passwords = None if args.no_passwords else password_hashing(build_dir, args.hash_runs)

    work_dir = tempfile.mkdtemp(prefix="bulwark-bench-")
    server = Server(os.path.join(build_dir, "app", "bulwark"), work_dir)
    try:
        log(f"starting bulwark --headless on 127.0.0.1:{server.port} ({work_dir})")
        server.start()
        log(f"bulwark answers, pid {server.process.pid} (for perf record -p)")
        credentials = set_up(server)
        rest = rest_benchmark(server, credentials, work_dir, args)
        # After the REST rows: every sign-in makes a session, and past the
        # per-user limit the oldest (the REST row's token) would end.
        login = None if args.no_login else login_benchmark(server, work_dir, args)
        code = server.stop()
        if code != 0:
            raise BenchError(f"bulwark exited with {code} after SIGTERM:\n{server.log_tail()}")
    finally:
        server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    load_after = load_average()

    print(report(args, info, load_before, load_after, passwords, rest, login))
    failures = [(name, s["errors"]) for name, s in rest if s["errors"]]
    if login and login["errors"]:
        failures.append(("login", login["errors"]))
    if failures:
        for name, errors in failures:
            print(f"ERRORS in {name}: {errors}", file=sys.stderr)
        raise BenchError("Some requests failed (see ERRORS above); the figures are not valid.")
    return 0


def entry(main, name):
    """The entry point of each bench script: exit code 1 with the script's
    name before a BenchError, 130 on Ctrl-C."""
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"{name}: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    entry(main, "run-identity-bench")
