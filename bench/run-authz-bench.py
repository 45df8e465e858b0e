#!/usr/bin/env python3
"""What authorization adds to an authenticated property read, end to end.

Starts a real `bulwark --headless` on a free loopback port with a temporary
data directory (as run-identity-bench.py does, whose helpers it uses), fills
it over REST with a realistic authorization state, then measures with wrk
over HTTPS with keep-alive

    GET /api/Things/BenchStation/Properties/temperature

side by side, interleaved round by round in one run, for

  * the Administrator, who skips visibility and rules, and
  * a non-administrator ("operator"), whose every request is checked:
    visibility through an organization unit below its own, then PropertyRead
    resolved through the member, entity, template chain (3 templates) and
    collection steps, where a rule for a group 5 levels up its group chain
    decides.

Both sign in with a session token (`Authorization: Bearer bws_…`), so that
authentication costs the same and the difference is authorization. The
state around them: --things Things (default 3,000) from a chain of
templates, visibility lists on an organization 6 units deep, entity rules on
every 10th Thing, 40 groups (a chain 5 deep among them) and several users.

Every figure is the median of --runs runs. The server is stopped at the end
(SIGTERM, exit code checked) and the data directory removed.

  bench/run-authz-bench.py [--build-dir DIR] [--skip-build] [--runs N] [--quick] ...
"""

import argparse
import concurrent.futures
import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "run_identity_bench", os.path.join(HERE, "run-identity-bench.py"))
identity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(identity)

BenchError = identity.BenchError
log = identity.log
run = identity.run

SOURCE_DIR = identity.SOURCE_DIR
THING = "BenchStation"
PROPERTY = "temperature"
OPERATOR = "operator"
ORGANIZATION = "Bench"
# Root first; each unit's parent is the one before it.
UNIT_CHAIN = ["Bench", "Region", "Site", "Plant", "Line", "Cell"]
OPERATOR_UNIT = "Plant"  # the target is granted to Cell, below: the grant flows up
TEMPLATES = ["BaseDevice", "Sensor", "TempSensor"]  # each derives from the one before
GROUP_CHAIN = ["Shift", "Crew", "Operators", "Site-Staff", "Staff"]  # Shift ∋ operator, …
OTHER_GROUPS = 35
OTHER_USERS = 20


def build(build_dir, skip):
    """Builds only `bulwark` (no tests, no other benchmarks)."""
    if skip:
        if not os.path.exists(os.path.join(build_dir, "app", "bulwark")):
            raise BenchError(f"--skip-build given, but {build_dir}/app/bulwark does not exist.")
        return
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        log(f"configuring {build_dir} (RelWithDebInfo, no GUI, no tests)")
        configured = run(["cmake", "-S", SOURCE_DIR, "-B", build_dir, "-G", "Ninja",
                          "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DBULWARK_GUI=OFF",
                          "-DBULWARK_TESTS=OFF"])
        if configured.returncode != 0:
            raise BenchError("cmake could not configure the build; see the output above.")
    log("building bulwark (no-op when up to date)")
    built = run(["nice", "ninja", "-C", build_dir, "-j2", "bulwark"], stdout=subprocess.DEVNULL)
    if built.returncode != 0:
        raise BenchError(f"ninja could not build bulwark in {build_dir}; rerun it there to see "
                         "the error.")


# ---- the data -----------------------------------------------------------------


def principal(kind, name):
    return {"type": kind, "name": name}


def rule(who, permission, effect="Allow", member=None):
    result = {"principal": who, "permission": permission, "effect": effect}
    if member:
        result["member"] = member
    return result


def in_parallel(server, calls, workers=8):
    """Runs (status, method, path, kwargs) calls on a few threads; the first failure raises."""
    def one(call):
        status, method, path, kwargs = call
        return server.expect(status, method, path, **kwargs)

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(one, calls):
            pass


def set_up(server, things):
    """The authorization state; answers the two session tokens."""
    operator_password = "op-" + secrets.token_urlsafe(18)
    log("users, groups, an organization 6 units deep")
    server.expect(201, "POST", "/api/Users", body={"name": OPERATOR,
                                                    "password": operator_password})
    in_parallel(server, [(201, "POST", "/api/Users", {"body": {"name": f"user{i:03}"}})
                         for i in range(OTHER_USERS)])
    previous = principal("User", OPERATOR)
    for name in GROUP_CHAIN:
        server.expect(201, "POST", "/api/Groups", body={"name": name, "members": [previous]})
        previous = principal("Group", name)
    in_parallel(server, [(201, "POST", "/api/Groups", {"body": {
        "name": f"Team{i:02}",
        "members": [principal("User", f"user{i % OTHER_USERS:03}")]}})
        for i in range(OTHER_GROUPS)])

    units = [{"name": name, "parent": parent}
             for parent, name in zip(UNIT_CHAIN, UNIT_CHAIN[1:])]
    # A few siblings at every level, so that the tree is not a mere chain.
    for parent in UNIT_CHAIN:
        units += [{"name": f"{parent}-side{i}", "parent": parent} for i in range(3)]
    server.expect(201, "POST", "/api/Organizations", body={"name": ORGANIZATION,
                                                            "units": units})
    server.expect(200, "PUT", f"/api/Organizations/{ORGANIZATION}/Units/{OPERATOR_UNIT}/Members",
                  body={"members": [principal("User", OPERATOR)]})
    side_units = [f"{ORGANIZATION}/{unit['name']}" for unit in units if "-side" in unit["name"]]
    in_parallel(server, [(200, "PUT", f"/api/Organizations/{ORGANIZATION}/Units/"
                          f"{unit.split('/')[1]}/Members",
                          {"body": {"members": [principal("Group", f"Team{i:02}")]}})
                         for i, unit in enumerate(side_units)])

    log(f"templates and {things} Things")
    base = None
    for name in TEMPLATES:
        body = {"name": name, "properties": [{"name": f"{name.lower()}Info",
                                              "baseType": "STRING"}]}
        if base:
            body["baseTemplate"] = base
        server.expect(201, "POST", "/api/ThingTemplates", body=body)
        # Instance rules for other groups: the operator's resolution passes them over.
        server.expect(200, "PUT", f"/api/ThingTemplates/{name}/InstancePermissions", body={
            "rules": [rule(principal("Group", f"Team{i:02}"), "PropertyRead")
                      for i in range(5)]})
        base = name
    server.expect(201, "POST", "/api/Things", body={
        "name": THING, "template": TEMPLATES[-1],
        "properties": [{"name": PROPERTY, "baseType": "NUMBER"}]})
    server.expect(200, "PUT", f"/api/Things/{THING}/Properties/{PROPERTY}", body={"value": 21.5})
    server.expect(200, "PUT", f"/api/Things/{THING}/Visibility",
                  body={"units": [f"{ORGANIZATION}/{UNIT_CHAIN[-1]}"] + side_units[:2]})
    # Rules on the Thing and its member for others, so that those steps are looked at.
    server.expect(200, "PUT", f"/api/Things/{THING}/Permissions", body={"rules": [
        rule(principal("Group", "Team00"), "PropertyRead", "Deny", PROPERTY),
        rule(principal("Group", "Team01"), "PropertyRead", "Allow"),
        rule(principal("User", "user000"), "Read", "Allow")]})

    in_parallel(server, [(201, "POST", "/api/Things", {"body": {
        "name": f"Thing{i:05}", "template": TEMPLATES[i % len(TEMPLATES)]}})
        for i in range(things)])
    in_parallel(server, [(200, "PUT", f"/api/Things/Thing{i:05}/Visibility",
                          {"body": {"units": [side_units[i % len(side_units)]]}})
                         for i in range(0, things, 4)])
    in_parallel(server, [(200, "PUT", f"/api/Things/Thing{i:05}/Permissions",
                          {"body": {"rules": [rule(principal("Group", f"Team{i % OTHER_GROUPS:02}"),
                                                   "PropertyRead")]}})
                         for i in range(0, things, 10)])
    # The rule that lets the operator read, at the last step, 5 groups up.
    server.expect(200, "PUT", "/api/Collections/Things/Permissions", body={"rules": [
        rule(principal("Group", GROUP_CHAIN[-1]), "Read"),
        rule(principal("Group", GROUP_CHAIN[-1]), "PropertyRead")]})

    log("sessions")
    admin = server.expect(200, "POST", "/api/auth/login", auth=None,
                          body={"user": identity.ADMINISTRATOR, "password": server.password})
    operator = server.expect(200, "POST", "/api/auth/login", auth=None,
                             body={"user": OPERATOR, "password": operator_password})
    if admin.get("administrator") is not True or operator.get("administrator") is not False:
        raise BenchError(f"unexpected sign-ins: {admin} / {operator}")
    tokens = {"admin": admin["token"], "operator": operator["token"]}
    check_enforced(server, tokens["operator"], operator_password)
    return tokens


def check_enforced(server, token, password):
    """The operator's reads really go through the checks: what explain says, and a 404."""
    bearer = {"Authorization": "Bearer " + token}
    server.expect(200, "GET", f"/api/Things/{THING}/Properties/{PROPERTY}", auth=None,
                  headers=bearer)
    # Granted to a unit beside the operator's chain: invisible.
    server.expect(404, "GET", "/api/Things/Thing00000", auth=None, headers=bearer)
    explained = server.expect(200, "GET", f"/api/Permissions/explain?user={OPERATOR}"
                              f"&entity=Things/{THING}&permission=PropertyRead&member={PROPERTY}")
    resolution = explained.get("resolution", {})
    if explained.get("decision") != "allow" or resolution.get("level") != "collection" or \
            resolution.get("principalPath") != [OPERATOR] + GROUP_CHAIN:
        raise BenchError(f"the operator's read is not decided as intended: {explained}")
    log(f"operator: allowed at level {resolution['level']} through "
        f"{' > '.join(resolution['principalPath'])}; visible through "
        f"{explained['visibility'].get('unit')} (grant on {explained['visibility'].get('grantedUnit')})")


# ---- measuring ------------------------------------------------------------------


def measure(server, tokens, work_dir, args):
    path = f"/api/Things/{THING}/Properties/{PROPERTY}"
    scenarios = [
        ("Administrator (skips the checks)", tokens["admin"]),
        ("operator (visibility + rules)", tokens["operator"]),
    ]
    scripts = []
    for index, (_, token) in enumerate(scenarios):
        server.expect(200, "GET", path, auth=None, headers={"Authorization": "Bearer " + token})
        script = os.path.join(work_dir, f"authz{index}.lua")
        identity.write_script(script, headers={"Authorization": "Bearer " + token})
        scripts.append(script)
    samples = [[] for _ in scenarios]
    for round_ in range(1, args.runs + 1):
        # Interleaved, and the order alternates, so that drift hits both alike.
        order = list(range(len(scenarios)))
        if round_ % 2 == 0:
            order.reverse()
        for index in order:
            log(f"round {round_}/{args.runs}: {scenarios[index][0]}")
            samples[index].append(identity.wrk(server.base + path, scripts[index], args.threads,
                                               args.connections, args.duration,
                                               server.process.pid))
    return [(name, identity.summarize(s)) for (name, _), s in zip(scenarios, samples)]


def report(args, info, load_before, load_after, rows):
    out = ["### Machine\n", "| | |\n| --- | --- |"]
    for key, value in info:
        out.append(f"| {key} | {value} |")
    out.append(f"| load average (1, 5, 15 min) at start | {load_before} |")
    out.append(f"| load average (1, 5, 15 min) at end | {load_after} |")
    out.append("")
    out.append(f"### Authorization overhead: `GET /api/Things/{THING}/Properties/{PROPERTY}`\n")
    out.append(f"wrk {args.threads} threads, {args.connections} connections, HTTPS keep-alive, "
               f"{args.duration} s x {args.runs} runs, medians; both with a session token; "
               f"{args.things} other Things, {len(GROUP_CHAIN) + OTHER_GROUPS} groups, "
               f"{len(UNIT_CHAIN) * 4} units; rows interleaved round by round.\n")
    out.append("| request | requests/s | vs Administrator | p50 ms | p99 ms | runs (requests/s) "
               "| CPU µs/request: server | I/O thread | storage thread | others' CPU |")
    out.append("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    admin = rows[0][1]
    for name, s in rows:
        out.append(f"| {name} | {s['rps']:.0f} | {s['rps'] / admin['rps']:.1%} | "
                   f"{s['p50']:.2f} | {s['p99']:.2f} | {', '.join(f'{v:.0f}' for v in s['each'])} "
                   f"| {s['server_us']:.0f} | {s['io_us']:.0f} | {s['storage_us']:.0f} | "
                   f"{s['others']:.0%} |")
    operator = rows[1][1]
    out.append("")
    out.append(f"**Overhead ratio** (Administrator requests/s ÷ operator requests/s): "
               f"**{admin['rps'] / operator['rps']:.3f}**; server CPU per request "
               f"{operator['server_us'] - admin['server_us']:+.0f} µs "
               f"({operator['server_us'] / max(admin['server_us'], 1e-9):.2f}x).\n")
    out.append("*CPU µs/request*: CPU time of the whole server, of its I/O thread "
               "(`bulwark-server`) and of its storage thread (`bulwark-storage`) per answered "
               "request, from /proc (median). *others' CPU*: the share of the cores that other "
               "processes used meanwhile; above 0% the figures are lower bounds.")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-bench"),
                        help="CMake build directory (configured if missing; default: %(default)s)")
    parser.add_argument("--skip-build", action="store_true",
                        help="use the bulwark binary in --build-dir as it is")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 300 Things, 3 s x 2 runs (unless given)")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10)")
    parser.add_argument("--runs", type=int, help="runs per row, median (default 3)")
    parser.add_argument("--things", type=int, help="Things besides the one read (default 3000)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    args = parser.parse_args()
    defaults = (3, 2, 300) if args.quick else (10, 3, 3000)
    for name, value in zip(("duration", "runs", "things"), defaults):
        if getattr(args, name) is None:
            setattr(args, name, value)
    if min(args.duration, args.runs, args.threads) < 1 or args.things < 1 or \
            args.connections < args.threads:
        parser.error("--duration, --runs, --threads and --things must be at least 1, and "
                     "--connections at least --threads.")
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed: apt-get install wrk (see .ci/packages.txt).")

    build_dir = os.path.abspath(args.build_dir)
    build(build_dir, args.skip_build)
    info = identity.machine_info(build_dir)
    load_before = identity.load_average()
    work_dir = tempfile.mkdtemp(prefix="bulwark-authz-bench-")
    server = identity.Server(os.path.join(build_dir, "app", "bulwark"), work_dir)
    try:
        log(f"starting bulwark --headless on 127.0.0.1:{server.port} ({work_dir})")
        server.start()
        log(f"bulwark answers, pid {server.process.pid} (for perf record -p)")
        tokens = set_up(server, args.things)
        rows = measure(server, tokens, work_dir, args)
        code = server.stop()
        if code != 0:
            raise BenchError(f"bulwark exited with {code} after SIGTERM:\n{server.log_tail()}")
    finally:
        server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    load_after = identity.load_average()

    print(report(args, info, load_before, load_after, rows))
    failures = [(name, s["errors"]) for name, s in rows if s["errors"]]
    for name, errors in failures:
        print(f"ERRORS in {name}: {errors}", file=sys.stderr)
    if failures:
        raise BenchError("Some requests failed (see ERRORS above); the figures are not valid.")
    return 0


if __name__ == "__main__":
    identity.entry(main, "run-authz-bench")
