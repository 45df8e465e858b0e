// The loads of Connections.cpp and Updates.cpp against an MQTT 3.1.1 broker
// over TLS (Eclipse Mosquitto in run-comparison.py), with the same result
// lines, so that one script compares the two servers figure by figure:
//   mqtt-hold        N authenticated connections held (CONNECT/CONNACK, PINGREQ)
//   mqtt-handshakes  TCP + full TLS + CONNECT/CONNACK per second
//   mqtt-updates     PUBLISH QoS 1 acknowledged by PUBACK, and the latency to
//                    one subscriber (QoS 1) on every device's topic
//   mqtt-check       the broker refuses a wrong password and does not deliver a
//                    device's message on another device's topic (the ACL)
// Device i logs in as <user-prefix><i % users> and publishes to
// <topic-prefix>/<its user>/<property>; the subscriber logs in as --subscriber.
// Every user's password comes from EDGELOAD_MQTT_PASSWORD.

#include "Load.h"
#include "Mqtt.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <unordered_map>

namespace EdgeLoad {

using asio::use_awaitable;
using namespace std::chrono_literals;

namespace {

// Names shared by every MQTT load.
struct MqttNames
{
    explicit MqttNames(const Options &options)
        : userPrefix(options.text("user-prefix", "device"))
        , users(options.number("users", 100, 1, 1'000'000))
        , subscriber(options.text("subscriber", "subscriber"))
        , topicPrefix(options.text("topic-prefix", "devices"))
        , property(options.text("property", "temperature"))
        , keepAlive(static_cast<std::uint16_t>(options.number("keepalive", 60, 0, 65535)))
    {}
    std::string userPrefix;
    long long users;
    std::string subscriber, topicPrefix, property;
    std::uint16_t keepAlive;

    [[nodiscard]] std::string user(long long index) const
    {
        return userPrefix + std::to_string(index % users);
    }
    [[nodiscard]] std::string topic(const std::string &user) const
    {
        return topicPrefix + "/" + user + "/" + property;
    }
    [[nodiscard]] Mqtt::Login device(const Target &target, const std::string &role,
                                     long long index) const
    {
        return {"el" + std::to_string(::getpid()) + "-" + role + std::to_string(index), user(index),
                target.mqttPassword, keepAlive};
    }
    [[nodiscard]] Mqtt::Login subscriberLogin(const Target &target) const
    {
        return {"el" + std::to_string(::getpid()) + "-sub", subscriber, target.mqttPassword,
                keepAlive};
    }
};

// PINGREQ every half keep-alive, so that the broker keeps an idle connection.
asio::awaitable<void> keepAlive(std::shared_ptr<Mqtt::Connection> connection, std::uint16_t seconds,
                                const std::atomic<bool> &closing)
{
    if (seconds == 0)
        co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    try {
        while (!closing) {
            timer.expires_after(std::chrono::milliseconds(seconds * 500));
            co_await timer.async_wait(use_awaitable);
            co_await connection->write(Mqtt::pingreq());
        }
    } catch (const std::exception &) {
        // The reader reports the connection's end.
    }
}

// ---- hold ------------------------------------------------------------------

struct MqttHoldState
{
    MqttHoldState(const Target &target, const Options &options)
        : target(target)
        , names(options)
    {}
    const Target &target;
    MqttNames names;
    long long total = 0;
    double rate = 0;
    Clock::time_point start, openUntil;
    std::atomic<long long> next{0}, established{0}, failed{0}, dropped{0}, openersDone{0};
    std::atomic<bool> closing{false};
};

asio::awaitable<void> holdConnection(std::shared_ptr<Mqtt::Connection> connection,
                                     MqttHoldState &state)
{
    asio::co_spawn(co_await asio::this_coro::executor,
                   keepAlive(connection, state.names.keepAlive, state.closing), asio::detached);
    try {
        for (;;) {
            const Mqtt::Packet packet = co_await connection->read();
            if (packet.type != Mqtt::Type::Pingresp)
                throw ProtocolError("unexpected packet type " +
                                    std::to_string(static_cast<int>(packet.type)) +
                                    " on an idle connection");
        }
    } catch (const std::exception &error) {
        if (!state.closing) {
            ++state.dropped;
            reportFailure("mqtt-hold: the broker ended a held connection", error);
        }
    }
}

asio::awaitable<void> openConnections(MqttHoldState &state)
{
    auto executor = co_await asio::this_coro::executor;
    for (;;) {
        const long long index = Clock::now() < state.openUntil ? state.next++ : state.total;
        if (index >= state.total) {
            ++state.openersDone;
            co_return;
        }
        try {
            co_await waitForTurn(state.start, state.rate, index);
            std::shared_ptr<Mqtt::Connection> connection =
                co_await Mqtt::open(state.target, state.names.device(state.target, "h", index),
                                    static_cast<std::size_t>(index), 60s);
            ++state.established;
            asio::co_spawn(executor, holdConnection(std::move(connection), state), asio::detached);
        } catch (const std::exception &error) {
            ++state.failed;
            reportFailure("mqtt-hold: opening a connection", error);
        }
    }
}

// ---- handshakes --------------------------------------------------------------

struct MqttHandshakeState
{
    MqttHandshakeState(const Target &target, const Options &options)
        : target(target)
        , names(options)
    {}
    const Target &target;
    MqttNames names;
    Clock::time_point measureFrom, end;
    std::atomic<long long> completed{0}, failed{0}, sequence{0};
};

asio::awaitable<void> closeQuietly(std::unique_ptr<Mqtt::Connection> connection)
{
    co_await connection->close();
}

asio::awaitable<void> connectRepeatedly(MqttHandshakeState &state, std::vector<double> &latencies)
{
    auto executor = co_await asio::this_coro::executor;
    while (Clock::now() < state.end) {
        const auto started = Clock::now();
        try {
            const long long index = state.sequence++;
            auto connection =
                co_await Mqtt::open(state.target, state.names.device(state.target, "s", index),
                                    static_cast<std::size_t>(index), 30s);
            const auto done = Clock::now();
            if (started >= state.measureFrom && done <= state.end) {
                ++state.completed;
                latencies.push_back(
                    std::chrono::duration<double, std::milli>(done - started).count());
            }
            asio::co_spawn(executor, closeQuietly(std::move(connection)), asio::detached);
        } catch (const std::exception &error) {
            ++state.failed;
            reportFailure("mqtt-handshakes: a new connection", error);
        }
    }
}

// ---- updates -----------------------------------------------------------------

struct MqttUpdateRun
{
    MqttUpdateRun(const Target &target, const Options &options)
        : target(target)
        , names(options)
    {}
    const Target &target;
    MqttNames names;
    long long sessions = 0, window = 0;
    double rate = 0; // 0: window mode
    std::int64_t measureFrom = 0, measureTo = 0;
    std::atomic<bool> go{false}, stopping{false}, subscriberReady{false};
    std::atomic<long long> ready{0}, setupFailed{0};
    std::atomic<long long> sent{0}, replies{0}, acksInWindow{0}, eventsInWindow{0}, events{0},
        sessionsLost{0}, duplicates{0};
};

struct MqttSession
{
    std::unique_ptr<Mqtt::Connection> connection;
    std::unordered_map<std::uint16_t, std::int64_t> pending; // packet id -> send time
    std::uint16_t nextId = 1;
    std::string topic;
    std::vector<double> ackLatency;
};

bool inWindow(const MqttUpdateRun &run, std::int64_t micros)
{
    return micros >= run.measureFrom && micros <= run.measureTo;
}

asio::awaitable<void> publishOne(MqttUpdateRun &run, MqttSession &session)
{
    std::uint16_t id = session.nextId;
    // Identifiers 1..65535 in turn, skipping any still unacknowledged.
    while (id == 0 || session.pending.count(id))
        ++id;
    session.nextId = static_cast<std::uint16_t>(id + 1);
    const std::int64_t now = nowMicros();
    session.pending.emplace(id, now);
    ++run.sent;
    co_await session.connection->write(Mqtt::publish(session.topic, std::to_string(now), 1, id));
}

void handleAck(MqttUpdateRun &run, MqttSession &session, const Mqtt::Packet &packet)
{
    const std::uint16_t id = Mqtt::pubackId(packet);
    const auto found = session.pending.find(id);
    if (found == session.pending.end())
        throw ProtocolError("PUBACK for packet " + std::to_string(id) + ", which is not pending");
    const std::int64_t sentAt = found->second;
    session.pending.erase(found);
    ++run.replies;
    const std::int64_t now = nowMicros();
    if (inWindow(run, now))
        ++run.acksInWindow;
    if (inWindow(run, sentAt))
        session.ackLatency.push_back(static_cast<double>(now - sentAt) / 1000.0);
}

asio::awaitable<void> waitForGo(MqttUpdateRun &run)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!run.go) {
        timer.expires_after(5ms);
        co_await timer.async_wait(use_awaitable);
    }
}

asio::awaitable<void> pacedPublisher(MqttUpdateRun &run, MqttSession &session, long long index)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(run.sessions) / run.rate));
    auto next = Clock::now() + period * index / run.sessions;
    try {
        while (nowMicros() < run.measureTo && !run.stopping) {
            timer.expires_at(next);
            co_await timer.async_wait(use_awaitable);
            co_await publishOne(run, session);
            next += period;
        }
    } catch (const std::exception &error) {
        reportFailure("mqtt-updates: publishing", error);
    }
}

asio::awaitable<void> deviceSession(MqttUpdateRun &run, MqttSession &session, long long index)
{
    auto executor = co_await asio::this_coro::executor;
    try {
        const Mqtt::Login login = run.names.device(run.target, "d", index);
        session.topic = run.names.topic(login.user);
        session.connection =
            co_await Mqtt::open(run.target, login, static_cast<std::size_t>(index), 60s);
    } catch (const std::exception &error) {
        ++run.setupFailed;
        reportFailure("mqtt-updates: opening a device connection", error);
        co_return;
    }
    ++run.ready;
    co_await waitForGo(run);
    try {
        if (run.rate > 0) {
            asio::co_spawn(executor, pacedPublisher(run, session, index), asio::detached);
            for (;;)
                handleAck(run, session, co_await session.connection->read());
        }
        for (long long i = 0; i < run.window; ++i)
            co_await publishOne(run, session);
        while (!session.pending.empty()) {
            handleAck(run, session, co_await session.connection->read());
            while (nowMicros() < run.measureTo && !run.stopping &&
                   static_cast<long long>(session.pending.size()) < run.window)
                co_await publishOne(run, session);
        }
    } catch (const std::exception &error) {
        if (!run.stopping) {
            ++run.sessionsLost;
            reportFailure("mqtt-updates: a device connection ended", error);
        }
    }
}

asio::awaitable<void> subscriber(MqttUpdateRun &run, std::vector<double> &latency)
{
    std::unique_ptr<Mqtt::Connection> connection;
    try {
        connection = co_await Mqtt::open(run.target, run.names.subscriberLogin(run.target), 0, 60s);
        const std::string filter = run.names.topicPrefix + "/+/" + run.names.property;
        co_await connection->write(Mqtt::subscribe(1, filter, 1));
        const int granted = Mqtt::subackCode(co_await connection->read(), 1);
        if (granted == 0x80)
            throw ProtocolError("the broker refused the subscription to " + filter);
    } catch (const std::exception &error) {
        reportFailure("mqtt-updates: opening the subscriber", error);
        ++run.setupFailed;
        co_return;
    }
    run.subscriberReady = true;
    // PUBACKs go out together once everything received so far is handled:
    // one write for many, as a real client would, not one each.
    std::string acks;
    try {
        for (;;) {
            if (!acks.empty() && !connection->hasBufferedPacket()) {
                co_await connection->write(acks);
                acks.clear();
            }
            const Mqtt::Packet packet = co_await connection->read();
            if (packet.type != Mqtt::Type::Publish)
                continue;
            const Mqtt::Publish message = Mqtt::parsePublish(packet);
            if (message.qos == 1)
                acks += Mqtt::puback(message.packetId);
            if ((packet.flags & 0x08) != 0)
                ++run.duplicates; // DUP: a redelivery, counted once already
            std::int64_t sentAt = 0;
            const auto parsed = std::from_chars(
                message.payload.data(), message.payload.data() + message.payload.size(), sentAt);
            if (parsed.ec != std::errc() || (packet.flags & 0x08) != 0)
                continue;
            ++run.events;
            const std::int64_t now = nowMicros();
            if (inWindow(run, now))
                ++run.eventsInWindow;
            if (inWindow(run, sentAt))
                latency.push_back(static_cast<double>(now - sentAt) / 1000.0);
        }
    } catch (const std::exception &error) {
        if (!run.stopping)
            reportFailure("mqtt-updates: the subscriber ended", error);
    }
}

} // namespace

int runMqttHold(Target &target, const Options &options)
{
    MqttHoldState state(target, options);
    state.total = options.number("connections", 1000, 1, 10'000'000);
    state.rate = options.real("rate", 0, 0);
    const auto concurrency = options.number("concurrency", 64, 1, 100'000);
    const double openSeconds = options.real("open-seconds", 600, 0.1);
    ThreadPool pool(static_cast<int>(options.number("threads", 2, 1, 256)));
    options.checkAllUsed();

    const auto start = Clock::now();
    state.start = start;
    state.openUntil = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(openSeconds));
    for (long long i = 0; i < concurrency; ++i)
        asio::co_spawn(pool.context(static_cast<std::size_t>(i)), openConnections(state),
                       asio::detached);
    auto lastProgress = start;
    std::vector<std::pair<Clock::time_point, long long>> samples{{start, 0}};
    while (state.openersDone < concurrency) {
        std::this_thread::sleep_for(50ms);
        if (Clock::now() - samples.back().first >= 1s)
            samples.emplace_back(Clock::now(), state.established.load());
        if (Clock::now() - lastProgress > 5s) {
            lastProgress = Clock::now();
            std::fprintf(stderr,
                         "[edgeload] mqtt-hold: %lld of %lld connections open, %lld failed\n",
                         state.established.load(), state.total, state.failed.load());
        }
    }
    const double seconds = secondsSince(start);
    const auto tenSecondsBefore = std::find_if(
        samples.rbegin(), samples.rend(), [&](auto &s) { return Clock::now() - s.first >= 10s; });
    const auto &[lastTime, lastCount] =
        tenSecondsBefore == samples.rend() ? samples.front() : *tenSecondsBefore;
    const double lastRate =
        static_cast<double>(state.established - lastCount) / secondsSince(lastTime);
    printResult("hold", {{"last10_per_second", lastRate},
                         {"connections", static_cast<double>(state.total)},
                         {"gave_up", state.established + state.failed < state.total ? 1.0 : 0.0},
                         {"established", static_cast<double>(state.established)},
                         {"failed", static_cast<double>(state.failed)},
                         {"seconds", seconds},
                         {"per_second", static_cast<double>(state.established) / seconds}});
    std::string line;
    std::getline(std::cin, line);
    printResult("hold_end", {{"dropped", static_cast<double>(state.dropped)},
                             {"held_seconds", secondsSince(start) - seconds}});
    state.closing = true;
    pool.stop();
    return state.failed == 0 && state.dropped == 0 ? 0 : 3;
}

int runMqttHandshakes(Target &target, const Options &options)
{
    MqttHandshakeState state(target, options);
    const double seconds = options.real("seconds", 10, 0.1);
    const double warmup = options.real("warmup", 1, 0);
    const auto concurrency = options.number("concurrency", 32, 1, 10'000);
    ThreadPool pool(static_cast<int>(options.number("threads", 2, 1, 256)));
    options.checkAllUsed();

    const auto start = Clock::now();
    state.measureFrom =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup));
    state.end = state.measureFrom +
                std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(concurrency));
    for (long long i = 0; i < concurrency; ++i)
        asio::co_spawn(pool.context(static_cast<std::size_t>(i)),
                       connectRepeatedly(state, latencies[static_cast<std::size_t>(i)]),
                       asio::detached);
    pool.join();
    std::vector<double> all;
    for (const auto &each : latencies)
        all.insert(all.end(), each.begin(), each.end());
    printResult("handshakes", {{"completed", static_cast<double>(state.completed)},
                               {"failed", static_cast<double>(state.failed)},
                               {"seconds", seconds},
                               {"per_second", static_cast<double>(state.completed) / seconds},
                               {"concurrency", static_cast<double>(concurrency)}});
    printLatency("handshakes", "session", percentiles(std::move(all)));
    return state.failed == 0 ? 0 : 3;
}

int runMqttUpdates(Target &target, const Options &options)
{
    MqttUpdateRun run(target, options);
    run.sessions = options.number("sessions", 100, 1, 1'000'000);
    run.window = options.number("window", 8, 1, 60'000);
    run.rate = options.real("rate", 0, 0);
    const double seconds = options.real("seconds", 10, 0.1);
    const double warmup = options.real("warmup", 2, 0);
    // The device connections on --threads threads, the subscriber on one of its
    // own: sharing a thread with a hundred senders, it would get one turn in a
    // hundred and measure the generator instead of the server.
    const auto threads = static_cast<int>(options.number("threads", 1, 1, 256));
    ThreadPool pool(threads + 1);
    options.checkAllUsed();

    std::vector<MqttSession> sessions(static_cast<std::size_t>(run.sessions));
    std::vector<double> eventLatency;
    asio::co_spawn(pool.context(static_cast<std::size_t>(threads)), subscriber(run, eventLatency),
                   asio::detached);
    // The subscriber first: a message published before it subscribed is lost.
    while (!run.subscriberReady && run.setupFailed == 0)
        std::this_thread::sleep_for(10ms);
    if (!run.subscriberReady) {
        std::fprintf(stderr, "[edgeload] mqtt-updates: no subscriber; see above.\n");
        return 1;
    }
    for (long long i = 0; i < run.sessions; ++i)
        asio::co_spawn(pool.context(static_cast<std::size_t>(i % threads)),
                       deviceSession(run, sessions[static_cast<std::size_t>(i)], i),
                       asio::detached);
    while (run.ready + run.setupFailed < run.sessions)
        std::this_thread::sleep_for(20ms);
    if (run.setupFailed > 0) {
        std::fprintf(stderr,
                     "[edgeload] mqtt-updates: %lld connections could not be set up; see above.\n",
                     run.setupFailed.load());
        return 1;
    }
    const std::int64_t start = nowMicros();
    run.measureFrom = start + static_cast<std::int64_t>(warmup * 1e6);
    run.measureTo = run.measureFrom + static_cast<std::int64_t>(seconds * 1e6);
    run.go = true;
    std::this_thread::sleep_for(std::chrono::microseconds(run.measureTo - nowMicros()));
    const auto drainUntil = Clock::now() + 15s;
    while (Clock::now() < drainUntil && (run.replies < run.sent || run.events < run.replies))
        std::this_thread::sleep_for(10ms);
    run.stopping = true;
    pool.stop();
    pool.join();

    std::vector<double> ackLatency;
    for (const auto &session : sessions)
        ackLatency.insert(ackLatency.end(), session.ackLatency.begin(), session.ackLatency.end());
    printResult("updates",
                {{"sessions", static_cast<double>(run.sessions)},
                 {"things", static_cast<double>(std::min(run.names.users, run.sessions))},
                 {"window", run.rate > 0 ? 0.0 : static_cast<double>(run.window)},
                 {"offered_per_second", run.rate},
                 {"seconds", seconds},
                 {"acks_per_second", static_cast<double>(run.acksInWindow) / seconds},
                 {"events_per_second", static_cast<double>(run.eventsInWindow) / seconds},
                 {"sent", static_cast<double>(run.sent)},
                 {"replies", static_cast<double>(run.replies)},
                 {"accepted", static_cast<double>(run.replies)},
                 {"events", static_cast<double>(run.events)},
                 {"rate_limited", 0},
                 {"refused", 0},
                 {"duplicates", static_cast<double>(run.duplicates)},
                 {"sessions_lost", static_cast<double>(run.sessionsLost)}});
    printLatency("updates", "ack", percentiles(std::move(ackLatency)));
    printLatency("updates", "event", percentiles(std::move(eventLatency)));
    const bool complete =
        run.replies == run.sent && run.events == run.replies && run.sessionsLost == 0;
    return complete ? 0 : 3;
}

namespace {

struct CheckResult
{
    bool wrongPasswordRefused = false, foreignTopicBlocked = false, ownTopicDelivered = false;
    std::string failure;
};

// g++ 12 warns (-Wmismatched-new-delete) about Boost 1.74's coroutine frame
// operators when it inlines this coroutine's start, wrongly: both are the
// frame's own operator new and delete.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<void> check(const Target &target, const MqttNames &names, CheckResult &result)
{
    try {
        // 1. A wrong password is refused at CONNECT.
        Mqtt::Login login = names.device(target, "c", 0);
        login.password = target.mqttPassword + "-wrong";
        try {
            auto refused = co_await Mqtt::open(target, login, 0, 30s);
            co_await refused->close();
        } catch (const ProtocolError &error) {
            result.wrongPasswordRefused =
                std::string_view(error.what()).find("CONNACK refused") != std::string_view::npos;
        }
        // 2. Device 0 may not publish on device 1's topic: the broker acknowledges
        // (MQTT 3.1.1 has no refusal for PUBLISH) but does not deliver it. The
        // broker delivers in order, so the own message sent after it arrives
        // first exactly when the foreign one was dropped.
        auto listener = co_await Mqtt::open(target, names.subscriberLogin(target), 0, 30s);
        co_await listener->write(Mqtt::subscribe(1, names.topicPrefix + "/#", 1));
        if (Mqtt::subackCode(co_await listener->read(), 1) == 0x80)
            throw ProtocolError("the subscriber's subscription was refused");
        auto device = co_await Mqtt::open(target, names.device(target, "c", 0), 1, 30s);
        const std::string own = names.topic(names.user(0));
        const std::string foreign = names.topic(names.user(1));
        if (own == foreign)
            throw ProtocolError("mqtt-check needs --users 2 or more");
        co_await device->write(Mqtt::publish(foreign, "foreign", 1, 1));
        if (Mqtt::pubackId(co_await device->read()) != 1)
            throw ProtocolError("PUBACK for another packet");
        // Mosquitto 2.0 closes the connection after a refused PUBLISH: a new one.
        co_await device->close();
        device = co_await Mqtt::open(target, names.device(target, "c", 0), 1, 30s);
        co_await device->write(Mqtt::publish(own, "own", 1, 2));
        if (Mqtt::pubackId(co_await device->read()) != 2)
            throw ProtocolError("PUBACK for another packet");
        beast::get_lowest_layer(listener->stream()).expires_after(10s);
        const Mqtt::Packet first = co_await listener->read();
        const Mqtt::Publish message = Mqtt::parsePublish(first);
        result.foreignTopicBlocked = message.topic != foreign;
        result.ownTopicDelivered = message.topic == own && message.payload == "own";
        if (message.qos == 1)
            co_await listener->write(Mqtt::puback(message.packetId));
        co_await device->close();
        co_await listener->close();
    } catch (const std::exception &error) {
        result.failure = error.what();
    }
}
#pragma GCC diagnostic pop

} // namespace

int runMqttCheck(Target &target, const Options &options)
{
    const MqttNames names(options);
    ThreadPool pool(1);
    options.checkAllUsed();
    CheckResult result;
    asio::co_spawn(pool.context(0), check(target, names, result), asio::detached);
    pool.join();
    if (!result.failure.empty())
        std::fprintf(stderr, "[edgeload] mqtt-check: %s\n", result.failure.c_str());
    printResult("check", {{"wrong_password_refused", result.wrongPasswordRefused ? 1.0 : 0.0},
                          {"foreign_topic_blocked", result.foreignTopicBlocked ? 1.0 : 0.0},
                          {"own_topic_delivered", result.ownTopicDelivered ? 1.0 : 0.0}});
    const bool good = result.failure.empty() && result.wrongPasswordRefused &&
                      result.foreignTopicBlocked && result.ownTopicDelivered;
    return good ? 0 : 3;
}

} // namespace EdgeLoad
