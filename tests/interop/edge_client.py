#!/usr/bin/env python3
"""Interop check of Bulwark's WebSocket endpoints with python3-websockets.

Opens /api/events with HTTP Basic, then /edge: authenticates with an app key,
binds a Thing, sends a property update with a time and a quality, waits for
its acknowledgement and for the matching propertyChanged on /api/events.
Both connections use wss and trust only the given CA certificate.

Arguments: --url wss://HOST:PORT --ca FILE --thing NAME --property NAME
--value NUMBER --time ISO8601. Secrets come from the environment:
BULWARK_INTEROP_APP_KEY, BULWARK_INTEROP_USER, BULWARK_INTEROP_PASSWORD.
Prints "interop ok: ..." and exits 0, or says what went wrong on stderr and
exits 1. Started by tests/interop/tst_interop.cpp.
"""
import argparse
import asyncio
import base64
import json
import os
import ssl
import sys

try:
    import websockets
except ImportError as error:  # say what to install, not just the traceback
    sys.exit(f"interop: the Python module 'websockets' is missing ({error}); "
             "install the Debian package python3-websockets (.ci/packages.txt)")

TIMEOUT_S = 10


class Failure(Exception):
    pass


async def receive_until(ws, what, matches):
    """The first JSON message for which matches() holds; fails after TIMEOUT_S."""
    deadline = asyncio.get_running_loop().time() + TIMEOUT_S
    try:
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            message = json.loads(await asyncio.wait_for(ws.recv(), max(remaining, 0)))
            if matches(message):
                return message
    except asyncio.TimeoutError:
        raise Failure(f"no {what} within {TIMEOUT_S} s") from None
    except websockets.ConnectionClosed as closed:
        raise Failure(f"the connection closed while waiting for {what}: "
                      f"{closed.code} {closed.reason!r}") from None


async def call(ws, message, what):
    await ws.send(json.dumps(message))
    reply = await receive_until(ws, what, lambda m: m.get("id") == message["id"])
    if reply.get("type") != "result":
        raise Failure(f"{what} answered {json.dumps(reply)}")
    return reply["result"]


async def run(args):
    environment = {name: os.environ.get(name, "") for name in
                   ("BULWARK_INTEROP_APP_KEY", "BULWARK_INTEROP_USER", "BULWARK_INTEROP_PASSWORD")}
    missing = [name for name, value in environment.items() if not value]
    if missing:
        raise Failure("set " + ", ".join(missing))
    tls = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=args.ca)
    basic = base64.b64encode(f"{environment['BULWARK_INTEROP_USER']}:"
                             f"{environment['BULWARK_INTEROP_PASSWORD']}".encode()).decode()

    async with websockets.connect(args.url + "/api/events", ssl=tls,
                                  extra_headers={"Authorization": "Basic " + basic},
                                  open_timeout=TIMEOUT_S) as events:
        hello = await receive_until(events, "hello", lambda m: m.get("type") == "hello")
        if hello.get("user") != environment["BULWARK_INTEROP_USER"]:
            raise Failure(f"/api/events said {json.dumps(hello)}")

        async with websockets.connect(args.url + "/edge", ssl=tls,
                                      open_timeout=TIMEOUT_S) as edge:
            auth = await call(edge, {"id": 1, "type": "auth",
                                     "appKey": environment["BULWARK_INTEROP_APP_KEY"]}, "auth")
            if auth.get("protocol", 0) < 1:
                raise Failure(f"auth answered {json.dumps(auth)}")
            bound = await call(edge, {"id": 2, "type": "bind", "things": [args.thing]}, "bind")
            if args.thing not in bound.get("bound", []):
                raise Failure(f"bind answered {json.dumps(bound)}")
            ack = await call(edge, {"id": 3, "type": "update", "thing": args.thing,
                                    "values": [{"property": args.property, "value": args.value,
                                                "time": args.time, "quality": "uncertain"}]},
                             "update")
            if ack != {"accepted": 1, "stale": 0}:
                raise Failure(f"update answered {json.dumps(ack)}")

            changed = await receive_until(
                events, "propertyChanged",
                lambda m: m.get("type") == "propertyChanged" and m.get("thing") == args.thing
                and m.get("property") == args.property)
            expected = {"type": "propertyChanged", "thing": args.thing, "property": args.property,
                        "value": args.value, "time": args.time, "quality": "uncertain",
                        "source": "edge"}
            if changed != expected:
                raise Failure(f"/api/events sent {json.dumps(changed)}, "
                              f"expected {json.dumps(expected)}")
            print(f"interop ok: websockets {websockets.__version__} signed in as "
                  f"{auth['user']} (protocol {auth['protocol']}), bound {args.thing}, "
                  f"update acknowledged, propertyChanged seen", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--thing", required=True)
    parser.add_argument("--property", required=True)
    parser.add_argument("--value", required=True, type=float)
    parser.add_argument("--time", required=True)
    args = parser.parse_args()
    try:
        asyncio.run(run(args))
    except Failure as failure:
        sys.exit(f"interop: {failure}")
    except (OSError, ssl.SSLError, websockets.InvalidHandshake) as error:
        sys.exit(f"interop: cannot connect to {args.url}: {error!r}")


if __name__ == "__main__":
    main()
