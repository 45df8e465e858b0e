#!/usr/bin/env node
// Interop check of Bulwark's WebSocket endpoints with the npm `ws` package
// (Debian: node-ws, found through NODE_PATH=/usr/share/nodejs).
//
// Opens /api/events with HTTP Basic, then /edge: authenticates with an app
// key, binds a Thing, sends a property update with a time and a quality,
// waits for its acknowledgement and for the matching propertyChanged on
// /api/events. Both connections use wss and trust only the given CA.
//
// Arguments: --url wss://HOST:PORT --ca FILE --thing NAME --property NAME
// --value NUMBER --time ISO8601. Secrets come from the environment:
// BULWARK_INTEROP_APP_KEY, BULWARK_INTEROP_USER, BULWARK_INTEROP_PASSWORD.
// Prints "interop ok: ..." and exits 0, or says what went wrong on stderr
// and exits 1. Started by tests/interop/tst_interop.cpp.
'use strict';

const fs = require('fs');
const { isDeepStrictEqual } = require('util');

let WebSocket;
try {
    WebSocket = require('ws');
} catch (error) {
    console.error(`interop: the Node.js module 'ws' is missing (${error.message}); install the ` +
                  'Debian package node-ws (.ci/packages.txt) and run with ' +
                  'NODE_PATH=/usr/share/nodejs');
    process.exit(1);
}

const TIMEOUT_MS = 10000;

class Failure extends Error {}

function parseArguments(argv) {
    const wanted = ['url', 'ca', 'thing', 'property', 'value', 'time'];
    const args = {};
    for (let i = 0; i < argv.length; i += 2) {
        const name = argv[i].replace(/^--/, '');
        if (!wanted.includes(name) || i + 1 >= argv.length)
            throw new Failure(`unknown or incomplete argument ${argv[i]}`);
        args[name] = argv[i + 1];
    }
    for (const name of wanted) {
        if (args[name] === undefined)
            throw new Failure(`--${name} is missing`);
    }
    args.value = Number(args.value);
    return args;
}

// A connection whose JSON messages queue up until someone waits for them.
class Connection {
    constructor(url, options) {
        this.url = url;
        this.socket = new WebSocket(url, options);
        this.messages = [];
        this.waiters = [];
        this.closed = null;
        this.socket.on('message', (data, isBinary) => {
            if (!isBinary)
                this.messages.push(JSON.parse(data.toString('utf8')));
            this.wake();
        });
        this.socket.on('close', (code, reason) => {
            this.closed = `${code} '${reason.toString()}'`;
            this.wake();
        });
        this.socket.on('error', (error) => {
            this.closed = this.closed || `error: ${error.message}`;
            this.wake();
        });
    }

    wake() {
        const waiters = this.waiters;
        this.waiters = [];
        for (const waiter of waiters)
            waiter();
    }

    opened() {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Failure(`${this.url} did not open in ${TIMEOUT_MS} ms`)),
                TIMEOUT_MS);
            this.socket.once('open', () => { clearTimeout(timer); resolve(); });
            this.socket.once('error', (error) => {
                clearTimeout(timer);
                reject(new Failure(`cannot connect to ${this.url}: ${error.message}`));
            });
        });
    }

    // The first message for which matches() holds (and takes it off the queue).
    receiveUntil(what, matches) {
        const deadline = Date.now() + TIMEOUT_MS;
        return new Promise((resolve, reject) => {
            const check = () => {
                const index = this.messages.findIndex(matches);
                if (index >= 0) {
                    clearTimeout(timer);
                    resolve(this.messages.splice(index, 1)[0]);
                } else if (this.closed) {
                    clearTimeout(timer);
                    reject(new Failure(`the connection closed (${this.closed}) while waiting ` +
                                       `for ${what}`));
                } else {
                    this.waiters.push(check);
                }
            };
            const timer = setTimeout(
                () => reject(new Failure(`no ${what} within ${TIMEOUT_MS} ms`)),
                Math.max(deadline - Date.now(), 0));
            check();
        });
    }

    async call(message, what) {
        this.socket.send(JSON.stringify(message));
        const reply = await this.receiveUntil(what, (m) => m.id === message.id);
        if (reply.type !== 'result')
            throw new Failure(`${what} answered ${JSON.stringify(reply)}`);
        return reply.result;
    }

    close() {
        this.socket.close(1000);
    }
}

async function run(args) {
    const names = ['BULWARK_INTEROP_APP_KEY', 'BULWARK_INTEROP_USER', 'BULWARK_INTEROP_PASSWORD'];
    const missing = names.filter((name) => !process.env[name]);
    if (missing.length > 0)
        throw new Failure(`set ${missing.join(', ')}`);
    const user = process.env.BULWARK_INTEROP_USER;
    const ca = fs.readFileSync(args.ca);
    const basic = Buffer.from(`${user}:${process.env.BULWARK_INTEROP_PASSWORD}`).toString('base64');

    const events = new Connection(`${args.url}/api/events`,
                                  { ca, headers: { Authorization: `Basic ${basic}` } });
    await events.opened();
    const hello = await events.receiveUntil('hello', (m) => m.type === 'hello');
    if (hello.user !== user)
        throw new Failure(`/api/events said ${JSON.stringify(hello)}`);

    const edge = new Connection(`${args.url}/edge`, { ca });
    await edge.opened();
    const auth = await edge.call(
        { id: 1, type: 'auth', appKey: process.env.BULWARK_INTEROP_APP_KEY }, 'auth');
    if (!(auth.protocol >= 1))
        throw new Failure(`auth answered ${JSON.stringify(auth)}`);
    const bound = await edge.call({ id: 2, type: 'bind', things: [args.thing] }, 'bind');
    if (!(bound.bound || []).includes(args.thing))
        throw new Failure(`bind answered ${JSON.stringify(bound)}`);
    const ack = await edge.call({
        id: 3, type: 'update', thing: args.thing,
        values: [{ property: args.property, value: args.value, time: args.time,
                   quality: 'uncertain' }],
    }, 'update');
    if (!isDeepStrictEqual(ack, { accepted: 1, stale: 0 }))
        throw new Failure(`update answered ${JSON.stringify(ack)}`);

    const changed = await events.receiveUntil(
        'propertyChanged',
        (m) => m.type === 'propertyChanged' && m.thing === args.thing &&
               m.property === args.property);
    const expected = { type: 'propertyChanged', thing: args.thing, property: args.property,
                       value: args.value, time: args.time, quality: 'uncertain', source: 'edge' };
    const sorted = (o) => Object.fromEntries(Object.entries(o).sort());
    if (!isDeepStrictEqual(sorted(changed), sorted(expected)))
        throw new Failure(`/api/events sent ${JSON.stringify(changed)}, expected ` +
                          JSON.stringify(expected));
    const version = require('ws/package.json').version;
    console.log(`interop ok: ws ${version} signed in as ${auth.user} (protocol ${auth.protocol}), ` +
                `bound ${args.thing}, update acknowledged, propertyChanged seen`);
    edge.close();
    events.close();
}

(async () => {
    try {
        await run(parseArguments(process.argv.slice(2)));
        process.exit(0);
    } catch (error) {
        console.error(`interop: ${error instanceof Failure ? error.message : error.stack}`);
        process.exit(1);
    }
})();
