#!/usr/bin/env python3
"""Bulwark beside Eclipse Mosquitto, measured in one run on one machine.

Builds `bulwark` and the load generator `bulwark-edgeload` (bench/edgeload/,
Boost.Asio/Beast over OpenSSL; it speaks Bulwark's edge protocol over WSS and
MQTT 3.1.1 over TLS), then starts both servers on loopback ports:

  * Bulwark as shipped: `bulwark --headless` with a temporary data directory
    (SQLite, every value persisted by group commit, PropertyWrite checked per
    value), set up over REST as run-edge-bench.py does: a normal user
    `edgebench` (no administrator) with its own app key, 100 Things it may
    read and write, and an /api/events subscriber as the same user;
  * Debian's Mosquitto (`mosquitto` 2.0.x) with generated configuration in
    the same temporary directory: TLS on a throw-away CA and a P-256 server
    certificate (as Bulwark's), no anonymous access, a password file made
    with `mosquitto_passwd`, and an ACL file that gives each device user
    write access to its own topic only (`pattern write devices/%u/#`) and a
    subscriber user read access to all of them. Before measuring, the
    generator checks the configuration really holds (a wrong password is
    refused; a device's message on another device's topic is not delivered).

Each round starts both servers afresh (Bulwark on the same data directory),
alternating which goes first, and measures on each:

  1. connections held: N authenticated connections opened at --rate per
     second (Bulwark: WSS upgrade of /edge and `auth` with the app key;
     Mosquitto: TLS and CONNECT with user name and password), how many were
     held, and the server's RSS growth per connection (/proc/PID/status);
  2. handshakes per second: new connections (TCP, full TLS handshake without
     resumption, authentication) with 32 in flight, closed after each;
  3. messages per second acknowledged: 100 device connections each keeping 8
     messages unacknowledged (Bulwark: `update` answered by its `result` once
     committed; Mosquitto: PUBLISH QoS 1 answered by PUBACK), while one
     subscriber receives every message (Bulwark: /api/events; Mosquitto: a
     QoS 1 subscription to devices/+/temperature);
  4. end-to-end latency: the same at a fixed offered rate (--latency-rate),
     percentiles from the device's send to the subscriber's receipt.

Every figure is the median of --runs rounds (default 3); --quick is a smoke
run. It writes the section between `<!-- comparison:begin -->` and
`<!-- comparison:end -->` of docs/benchmarks.md (--no-write: print only).
Standard library only, plus the generator, `openssl` and `mosquitto`.

  bench/run-comparison.py [--quick] [--runs N] [--build-dir DIR] [--skip-build] ...
"""

import argparse
import getpass
import importlib.util
import os
import secrets
import shlex
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


edge = _load("run_edge_bench", "run-edge-bench.py")
identity = edge.identity

BenchError = identity.BenchError
log = identity.log
run = identity.run
SOURCE_DIR = identity.SOURCE_DIR
DOC = os.path.join(SOURCE_DIR, "docs", "benchmarks.md")
BEGIN = "<!-- comparison:begin -->"
END = "<!-- comparison:end -->"

MQTT_USER_PREFIX = "device"
MQTT_SUBSCRIBER = "subscriber"
MQTT_TOPIC_PREFIX = "devices"
PROPERTY = edge.PROPERTY


# ---- Bulwark --------------------------------------------------------------------


class Bulwark(identity.Server):
    """identity.Server that can be started again on the data it made."""

    name = "Bulwark"

    def start(self, timeout=60):
        if not os.path.isdir(self.data_dir):
            return super().start(timeout)
        # A restart: the same data directory, key file and port.
        environment = dict(os.environ, QT_FORCE_STDERR_LOGGING="1")
        environment.pop("QT_LOGGING_RULES", None)
        with open(self.log_path, "ab") as output:
            self.process = subprocess.Popen(
                [self.binary, "--headless", "--data-dir", self.data_dir,
                 "--master-key-file", os.path.join(self.data_dir, "master.key"),
                 "--listen", f"127.0.0.1:{self.port}"],
                env=environment, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"bulwark exited with {self.process.returncode} while "
                                 f"restarting:\n{self.log_tail()}")
            try:
                if self.request("GET", "/api/health", auth=None)[0] == 200:
                    return None
            except (OSError, ssl.SSLError):
                pass
            time.sleep(0.2)
        raise BenchError(f"bulwark did not answer /api/health within {timeout} s of a "
                         f"restart:\n{self.log_tail()}")

    @property
    def pid(self):
        return self.process.pid


# ---- Mosquitto --------------------------------------------------------------------


def openssl(*arguments, cwd):
    done = subprocess.run(["openssl", *arguments], cwd=cwd, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise BenchError(f"openssl {' '.join(arguments)} failed:\n{done.stderr}")


class Mosquitto:
    """Mosquitto with TLS, a password file and an ACL, all in its own directory."""

    name = "Mosquitto"

    def __init__(self, work_dir, users):
        self.dir = os.path.join(work_dir, "mosquitto")
        self.port = identity.free_port()
        self.password = "mq-" + secrets.token_urlsafe(18)
        self.users = users
        self.process = None
        self.log_path = os.path.join(self.dir, "mosquitto.log")
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        self.ca = os.path.join(self.dir, "ca.crt")

    def configure(self):
        os.makedirs(self.dir)
        d = self.dir
        # A throw-away CA, and a P-256 server certificate for 127.0.0.1 signed by it.
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=bulwark-comparison throw-away CA", cwd=d)
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1", cwd=d)
        with open(os.path.join(d, "san.ext"), "w", encoding="ascii") as ext:
            ext.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                      "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext",
                cwd=d)
        # Users in plain text, then hashed in place by mosquitto_passwd -U.
        passwords = os.path.join(d, "passwords")
        with open(passwords, "w", encoding="ascii") as out:
            for i in range(self.users):
                out.write(f"{MQTT_USER_PREFIX}{i}:{self.password}\n")
            out.write(f"{MQTT_SUBSCRIBER}:{self.password}\n")
        os.chmod(passwords, 0o600)
        done = subprocess.run(["mosquitto_passwd", "-U", passwords], capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            raise BenchError(f"mosquitto_passwd -U failed:\n{done.stdout}{done.stderr}")
        with open(os.path.join(d, "acl"), "w", encoding="ascii") as acl:
            acl.write(f"# each device user may write its own topic only\n"
                      f"pattern write {MQTT_TOPIC_PREFIX}/%u/#\n\n"
                      f"user {MQTT_SUBSCRIBER}\n"
                      f"topic read {MQTT_TOPIC_PREFIX}/#\n")
        with open(self.conf, "w", encoding="ascii") as conf:
            conf.write(f"""# generated by bench/run-comparison.py
# Stay this user when started as root (Mosquitto would switch to `mosquitto`,
# who cannot read this directory).
user {getpass.getuser()}
per_listener_settings false
allow_anonymous false
password_file {passwords}
acl_file {os.path.join(d, 'acl')}
persistence false
log_dest file {self.log_path}
# The subscriber's QoS 1 stream is not capped at 20 in flight and 1,000 queued
# (Mosquitto's defaults, which drop messages past them).
max_inflight_messages 0
max_queued_messages 0
listener {self.port} 127.0.0.1
certfile {os.path.join(d, 'server.crt')}
keyfile {os.path.join(d, 'server.key')}
tls_version tlsv1.2
""")

    def start(self, timeout=30):
        with open(os.path.join(self.dir, "stdout.log"), "ab") as output:
            self.process = subprocess.Popen(["mosquitto", "-c", self.conf],
                                            stdin=subprocess.DEVNULL, stdout=output,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"mosquitto exited with {self.process.returncode} while "
                                 f"starting:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise BenchError(f"mosquitto did not listen on {self.port} within {timeout} s:\n"
                         f"{self.log_tail()}")

    def stop(self, timeout=30):
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.terminate()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise BenchError(f"mosquitto did not stop within {timeout} s of SIGTERM; killed it.")

    def log_tail(self, lines=30):
        text = ""
        for path in (self.log_path, os.path.join(self.dir, "stdout.log")):
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text += "".join(f.readlines()[-lines:])
            except OSError:
                pass
        return text or "(no log)"

    @property
    def pid(self):
        return self.process.pid


# ---- the generator, for either server ------------------------------------------------


class Generator:
    """bulwark-edgeload against one server: Bulwark's loads or their mqtt- twins."""

    def __init__(self, binary, server, ca, environment, mqtt):
        self.binary = binary
        self.server = server
        self.ca = ca
        self.environment = dict(os.environ, **environment)
        self.mqtt = mqtt
        self.commands = {}  # load -> a command as run, for the report

    def command(self, load, **options):
        name = ("mqtt-" + load) if self.mqtt else load
        command = [self.binary, name, "--port", str(self.server.port), "--ca", self.ca]
        for key, value in options.items():
            command += ["--" + key.replace("_", "-"), str(value)]
        self.commands.setdefault(load, command)
        return command

    def run(self, load, timeout=600, **options):
        command = self.command(load, **options)
        done = subprocess.run(command, env=self.environment, capture_output=True, text=True,
                              timeout=timeout, check=False)
        sys.stderr.write(done.stderr)
        if done.returncode not in (0, 3):
            raise BenchError(f"{' '.join(command[:2])} against {self.server.name} exited with "
                             f"{done.returncode}:\n{done.stdout}{done.stderr[-3000:]}\n"
                             f"server log:\n{self.server.log_tail()}")
        return edge.parse_results(done.stdout), done.returncode

    def start(self, load, **options):
        return subprocess.Popen(self.command(load, **options), env=self.environment,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


# ---- one round on one server --------------------------------------------------------


def hold(generator, server, args):
    """N connections opened at args.rate per second; RSS growth per connection."""
    pid = server.pid
    time.sleep(1)
    before = edge.rss_kib(pid)
    descriptors_before = edge.open_descriptors(pid)
    options = {"connections": args.connections, "concurrency": args.concurrency,
               "rate": args.rate, "open_seconds": args.open_seconds, "threads": 1}
    if not generator.mqtt:
        options["things"] = 0  # authenticated only, as the MQTT connections are
    child = generator.start("hold", **options)
    try:
        line = child.stdout.readline()
        result = edge.parse_results(line).get("hold")
        if not result:
            raise BenchError(f"bulwark-edgeload hold against {server.name} printed no result "
                             f"({line!r}); see its messages above.\n{server.log_tail()}")
        time.sleep(2)  # what the server still allocates once the last one is in
        held = edge.rss_kib(pid)
        descriptors = edge.open_descriptors(pid) - descriptors_before
        child.stdin.write("close\n")
        child.stdin.flush()
        end = edge.parse_results(child.stdout.readline()).get("hold_end", {})
    finally:
        try:
            child.wait(60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    closed_at = time.monotonic()
    while edge.open_descriptors(pid) > descriptors_before + 16 and \
            time.monotonic() - closed_at < 300:
        time.sleep(0.2)
    return {"established": result["established"], "failed": result["failed"],
            "dropped": end.get("dropped", 0), "open_seconds": result["seconds"],
            "per_second": result["per_second"], "rss_before_mib": before / 1024,
            "rss_held_mib": held / 1024, "descriptors": descriptors,
            "kib_per_connection": (held - before) / max(result["established"], 1),
            "release_seconds": time.monotonic() - closed_at}


def timed(generator, server, load, **options):
    """A generator run with the server's CPU seconds over it."""
    cpu_before = identity.process_seconds(server.pid)
    out, code = generator.run(load, **options)
    cpu = identity.process_seconds(server.pid) - cpu_before
    return out, code, cpu


def one_round(generator, server, args, rows):
    server.start()
    try:
        log(f"  {server.name}: hold {args.connections} connections at {args.rate:g}/s")
        rows["hold"].append(hold(generator, server, args))
        log(f"  {server.name}: handshakes, {args.duration:g} s")
        out, _, cpu = timed(generator, server, "handshakes", seconds=args.duration,
                            concurrency=args.handshake_concurrency, threads=1)
        shake = out["handshakes"]
        shake["cpu_ms_per_handshake"] = 1000 * cpu / max(
            shake["per_second"] * (args.duration + 1), 1)
        rows["handshakes"].append(shake)
        common = {"sessions": args.sessions, "seconds": args.duration, "threads": 1}
        if not generator.mqtt:
            common.update(things=args.things, thing_prefix=edge.THING_PREFIX, property=PROPERTY)
        else:
            common.update(users=args.things)
        log(f"  {server.name}: messages, {args.window} unacknowledged per device, "
            f"{args.duration:g} s")
        out, code, cpu = timed(generator, server, "updates", window=args.window, **common)
        top = out["updates"]
        top["complete"] = code == 0
        top["cpu_us_per_message"] = 1e6 * cpu / max(top["replies"], 1)
        rows["max"].append(top)
        log(f"  {server.name}: latency at {args.latency_rate:g} messages/s, {args.duration:g} s")
        out, code, _ = timed(generator, server, "updates", rate=f"{args.latency_rate:g}",
                             **common)
        paced = out["updates"]
        paced["complete"] = code == 0
        rows["paced"].append(paced)
    finally:
        code = server.stop(timeout=120)
    if code not in (0, None):
        raise BenchError(f"{server.name} exited with {code} after SIGTERM:\n{server.log_tail()}")


# ---- report ---------------------------------------------------------------------------


def med(rows, key):
    return statistics.median(r[key] for r in rows) if rows else float("nan")


def ratio(ours, theirs):
    if not theirs or theirs != theirs or ours != ours:
        return "—"
    return f"{ours / theirs:.2f}"


def version_info(build_dir):
    info = [row for row in identity.machine_info(build_dir) if row[0] not in ("wrk", "commit")]
    memory = next((v for k, v in info if k == "memory"), "?")
    cpu = next((v for k, v in info if k == "CPU"), "?")
    kernel = next((v for k, v in info if k == "kernel"), "?")
    commit = identity.first_line(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"])
    dirty = identity.first_line(["git", "-C", SOURCE_DIR, "status", "--porcelain",
                                 "--untracked-files=no", "--", "server", "app"])
    mosquitto = identity.first_line(["dpkg-query", "-W", "-f", "${Version}", "mosquitto"])
    return [("CPU", cpu), ("cores (nproc)", str(len(os.sched_getaffinity(0)))),
            ("memory", memory), ("kernel", kernel),
            ("Bulwark", f"commit {commit}" + (" with uncommitted server changes" if dirty
                                               else "") + f", {identity.build_type(build_dir)}"),
            ("Mosquitto", f"Debian {mosquitto or '?'}"),
            ("OpenSSL", identity.first_line(["openssl", "version"])),
            ("Qt", next((v for k, v in info if k == "Qt"), "?")),
            ("Boost (generator)", identity.first_line(
                ["dpkg-query", "-W", "-f", "${Version}", "libboost-dev"]) or "?")]


def display(command, server, generator_binary):
    words = [os.path.basename(generator_binary) if w == generator_binary else w
             for w in command]
    words = ["PORT" if w == str(server.port) else w for w in words]
    words = [("CA.crt" if w.endswith(".crt") else w) for w in words]
    return " ".join(shlex.quote(w) for w in words)


def report(args, info, loads, rows, commands, invocation):
    b, m = rows["Bulwark"], rows["Mosquitto"]
    out = [BEGIN, "", "<!-- Written by bench/run-comparison.py; edit the script, not this. -->",
           ""]
    out.append(f"### Figures ({time.strftime('%d %B %Y', time.gmtime())})\n")
    out.append(f"Measured with `{invocation}` ({args.runs} round(s), each starting both servers "
               f"afresh, the order alternating; medians). Load average {loads[0]} at the start "
               f"and {loads[1]} at the end"
               + (": **other engineers were building on the same two cores during the run**, "
                  "so absolute figures are low and noisy; the ratios, measured in the same "
                  "rounds, are the figures to read." if args.busy else ".") + "\n")
    out.append("| machine and versions | |\n| --- | --- |")
    for key, value in info:
        out.append(f"| {key} | {value} |")
    out.append("")

    def row(label, key, rows_key, form, better):
        ours, theirs = med(b[rows_key], key), med(m[rows_key], key)
        out.append(f"| {label} | {form.format(ours)} | {form.format(theirs)} | "
                   f"{ratio(ours, theirs)} | {better} | "
                   f"{', '.join(form.format(r[key]) for r in b[rows_key])} / "
                   f"{', '.join(form.format(r[key]) for r in m[rows_key])} |")

    out.append("| figure | Bulwark | Mosquitto | Bulwark / Mosquitto | better | "
               "runs (Bulwark / Mosquitto) |")
    out.append("| --- | ---: | ---: | ---: | --- | --- |")
    row(f"connections held (of {args.connections} opened at {args.rate:g}/s)", "established",
        "hold", "{:.0f}", "higher")
    row("connections opened per second (hold)", "per_second", "hold", "{:.0f}", "higher")
    row("server memory per connection, KiB (RSS growth / held)", "kib_per_connection", "hold",
        "{:.1f}", "lower")
    row("handshakes per second (TCP + TLS + auth)", "per_second", "handshakes", "{:.0f}",
        "higher")
    row("handshake p50, ms", "session_p50_ms", "handshakes", "{:.1f}", "lower")
    row("handshake p99, ms", "session_p99_ms", "handshakes", "{:.1f}", "lower")
    row("server CPU per handshake, ms", "cpu_ms_per_handshake", "handshakes", "{:.2f}", "lower")
    row(f"messages acknowledged per second ({args.sessions} devices, {args.window} in flight "
        "each)", "acks_per_second", "max", "{:.0f}", "higher")
    row("… received by the subscriber per second", "events_per_second", "max", "{:.0f}",
        "higher")
    row("server CPU per acknowledged message, µs", "cpu_us_per_message", "max", "{:.0f}",
        "lower")
    for p in ("p50", "p90", "p99"):
        row(f"end-to-end latency {p}, ms, at {args.latency_rate:g} messages/s "
            "(device send → subscriber)", f"event_{p}_ms", "paced", "{:.2f}", "lower")
    row(f"acknowledgement latency p50, ms, at {args.latency_rate:g} messages/s", "ack_p50_ms",
        "paced", "{:.2f}", "lower")
    row(f"acknowledgement latency p99, ms, at {args.latency_rate:g} messages/s", "ack_p99_ms",
        "paced", "{:.2f}", "lower")
    out.append("")
    problems = []
    for name, server_rows in rows.items():
        for r in server_rows["hold"]:
            if r["failed"] or r["dropped"]:
                problems.append(f"{name}: {r['failed']:.0f} connections failed and "
                                f"{r['dropped']:.0f} dropped while held in a hold run")
        for kind in ("max", "paced"):
            for r in server_rows[kind]:
                if not r["complete"]:
                    problems.append(
                        f"{name} ({'highest rate' if kind == 'max' else 'paced'}): "
                        f"{r['sent']:.0f} sent, {r['replies']:.0f} acknowledged, "
                        f"{r['events']:.0f} received by the subscriber, "
                        f"{r['sessions_lost']:.0f} connections lost")
    if problems:
        out.append("**Incomplete runs** (an unacknowledged message, or an acknowledged one "
                   "the subscriber never received): " + "; ".join(problems) + ".\n")
    else:
        out.append("In every run each message was acknowledged and reached the subscriber, "
                   "and no held connection was dropped.\n")
    out.append("The commands the script ran, per server (PORT and CA.crt are the round's; the "
               "app key comes in `BULWARK_APP_KEY`, the MQTT password in "
               "`EDGELOAD_MQTT_PASSWORD`):\n")
    out.append("```console")
    for name in ("Bulwark", "Mosquitto"):
        for command in commands[name]:
            out.append(f"$ {command}")
    out.append("```\n")
    out.append(f"""**Read the figures with these differences in mind**:

- *Transport.* Debian's Mosquitto is built without WebSocket support, so it
  is measured on MQTT 3.1.1 over TLS (a plain TLS listener), while Bulwark
  is measured on its edge protocol over WSS (TLS, an HTTP upgrade, WebSocket
  framing and JSON). Both use TLS 1.3 with a
  P-256 certificate and full handshakes (the generator turns resumption and
  tickets off).
- *Work per message.* Mosquitto is a broker: with `persistence false` (its
  default) it keeps nothing, and it authorizes by topic pattern. Bulwark
  persists every value (SQLite, `synchronous=FULL`, group commit) before it
  acknowledges it, checks `PropertyWrite` for the user on each value and
  `PropertyRead` for each subscriber, and keeps each Thing's current value.
  Mosquitto's PUBACK means "the broker has read it"; Bulwark's `result`
  means "it is on disk". A subscriber that falls behind does not slow
  Mosquitto's publishers (it queues for the subscriber, here without
  limit); Bulwark sends the event when it acknowledges. The generator reads
  the subscriber on a thread of its own, so that it keeps up with either.
- *Authentication.* Bulwark's devices present an application key (verified
  once, then remembered for 30 s); Mosquitto's present a user name and
  password checked against its password file (PBKDF2-SHA512, 101
  iterations, on every CONNECT). Each device connection of Bulwark binds
  nothing in the hold runs, as MQTT connections subscribe to nothing.
- *Logging.* Both log each connection as shipped (Bulwark at info level to
  stderr, Mosquitto's default `log_type`s to a file).
- *Mosquitto's queue limits* are lifted (`max_inflight_messages 0`,
  `max_queued_messages 0`): with its defaults it drops QoS 1 messages to a
  subscriber that falls more than 1,000 behind, and the run would count them
  as lost.
- *One machine.* The generator, the server under test and (on a shared
  machine) other work share the same cores; Mosquitto is single-threaded,
  Bulwark has an I/O thread and a storage thread. Figures per second are for
  the pair of generator and server.
""")
    out.append(END)
    return "\n".join(out)


def write_doc(section):
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    if BEGIN in text and END in text:
        before = text[:text.index(BEGIN)]
        after = text[text.index(END) + len(END):]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## Comparison with Eclipse Mosquitto\n\n" + section + "\n"
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(text)


# ---- main ---------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"),
                        help="CMake build directory (configured if missing; default: %(default)s)")
    parser.add_argument("--skip-build", action="store_true",
                        help="use the binaries in --build-dir as they are")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 1 round, 1,000 connections, 3 s per timed run")
    parser.add_argument("--runs", type=int, help="rounds, medians over them (default 3)")
    parser.add_argument("--duration", type=float, help="seconds per timed run (default 10)")
    parser.add_argument("--connections", type=int,
                        help="connections to hold (default 8000; at most 19,000)")
    parser.add_argument("--rate", type=float, default=500,
                        help="connections started per second in the hold (default %(default)s)")
    parser.add_argument("--concurrency", type=int, default=256,
                        help="connections being opened at once at most (hold)")
    parser.add_argument("--open-seconds", type=float, default=120,
                        help="start no connection after this long (hold; default %(default)s)")
    parser.add_argument("--handshake-concurrency", type=int, default=32)
    parser.add_argument("--sessions", type=int, default=100, help="device connections")
    parser.add_argument("--things", type=int, default=100,
                        help="Things (Bulwark) and device users (Mosquitto)")
    parser.add_argument("--window", type=int, default=8,
                        help="unacknowledged messages per device at the highest rate")
    parser.add_argument("--latency-rate", type=float, default=2000,
                        help="messages per second offered for the latency figures")
    parser.add_argument("--busy", action="store_true",
                        help="say in the report that the machine was shared with other work")
    parser.add_argument("--no-write", action="store_true",
                        help=f"print the section only; do not write {os.path.relpath(DOC)}")
    args = parser.parse_args()
    for name, (quick, full) in {"runs": (1, 3), "duration": (3, 10),
                                "connections": (1000, 8000)}.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if min(args.runs, args.connections, args.sessions, args.things, args.window,
           args.concurrency, args.handshake_concurrency) < 1 or args.duration <= 0 \
            or args.rate < 0 or args.latency_rate <= 0:
        parser.error("every count must be at least 1, --duration and --latency-rate above 0.")
    if args.things < 2:
        parser.error("--things must be at least 2 (the ACL check uses two device users).")
    if args.connections > edge.DESCRIPTOR_LIMIT - 1000:
        parser.error(f"--connections above {edge.DESCRIPTOR_LIMIT - 1000} would run a server "
                     f"out of its {edge.DESCRIPTOR_LIMIT} descriptors.")
    if args.latency_rate / args.sessions > 180:
        parser.error("--latency-rate over --sessions must stay under 180 messages/s per device "
                     "(Bulwark's default rate limit is 200).")
    for tool, package in (("openssl", "openssl"), ("mosquitto", "mosquitto"),
                          ("mosquitto_passwd", "mosquitto")):
        if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}"):
            raise BenchError(f"{tool} is not installed: apt-get install {package} "
                             "(listed in .ci/packages.txt).")
    os.environ["PATH"] += os.pathsep + "/usr/sbin"

    build_dir = os.path.abspath(args.build_dir)
    server_binary, generator_binary = map(os.path.abspath,
                                          edge.build(build_dir, args.skip_build))
    edge.raise_descriptor_limit()
    info = version_info(build_dir)
    loads = [identity.load_average()]
    invocation = "bench/run-comparison.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])

    work_dir = tempfile.mkdtemp(prefix="bulwark-comparison-")
    bulwark = Bulwark(server_binary, work_dir)
    mosquitto = Mosquitto(work_dir, args.things)
    try:
        log(f"Bulwark: starting on 127.0.0.1:{bulwark.port} and setting it up ({work_dir})")
        bulwark.start()
        key, _ = edge.set_up(bulwark, args.things)
        bulwark.stop()
        log(f"Mosquitto: configuring 127.0.0.1:{mosquitto.port} in {mosquitto.dir}")
        mosquitto.configure()
        generators = {
            "Bulwark": Generator(generator_binary, bulwark,
                                 os.path.join(bulwark.data_dir, "tls", "server.crt"),
                                 {"BULWARK_APP_KEY": key}, mqtt=False),
            "Mosquitto": Generator(generator_binary, mosquitto, mosquitto.ca,
                                   {"EDGELOAD_MQTT_PASSWORD": mosquitto.password}, mqtt=True),
        }
        mosquitto.start()
        out, code = generators["Mosquitto"].run("check", users=args.things)
        mosquitto.stop()
        if code != 0:
            raise BenchError(f"Mosquitto's configuration does not hold: {out.get('check')}; "
                             f"see the messages above.\n{mosquitto.log_tail()}")
        log("Mosquitto refuses a wrong password and a device's message on another's topic")
        rows = {name: {"hold": [], "handshakes": [], "max": [], "paced": []}
                for name in generators}
        for round_ in range(args.runs):
            order = [bulwark, mosquitto] if round_ % 2 == 0 else [mosquitto, bulwark]
            for server in order:
                log(f"round {round_ + 1}/{args.runs}: {server.name}")
                one_round(generators[server.name], server, args, rows[server.name])
        commands = {name: [display(c, g.server, generator_binary)
                           for c in g.commands.values() if c[1].split("-")[-1] != "check"]
                    for name, g in generators.items()}
    finally:
        bulwark.stop()
        mosquitto.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    loads.append(identity.load_average())
    section = report(args, info, loads, rows, commands, invocation)
    print(section)
    if not args.no_write:
        write_doc(section)
        log(f"wrote the comparison section of {os.path.relpath(DOC)}")
    return 0


if __name__ == "__main__":
    identity.entry(main, "run-comparison")
