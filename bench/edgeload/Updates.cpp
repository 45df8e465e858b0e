// Property updates end to end: device sessions send `update`s (one value
// each) and count the results, which the server sends once the value is
// committed; one /api/events subscriber counts the propertyChanged events.
// Each value is the send time (µs on this process's steady clock), so the
// subscriber's latency needs no table shared between threads.

#include "Load.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstdio>
#include <unordered_map>

namespace EdgeLoad {

using asio::use_awaitable;
using namespace std::chrono_literals;

namespace {

struct UpdateRun
{
    explicit UpdateRun(const Target &target)
        : target(target)
    {}
    const Target &target;
    long long sessions = 0, things = 0, window = 0;
    double rate = 0; // 0: window mode
    std::string prefix, property;
    // Times in nowMicros(); set before `go`.
    std::int64_t measureFrom = 0, measureTo = 0;
    std::atomic<bool> go{false}, stopping{false};
    std::atomic<long long> ready{0}, setupFailed{0};
    std::atomic<long long> sent{0}, replies{0}, accepted{0}, refused{0}, rateLimited{0};
    std::atomic<long long> acksInWindow{0}, eventsInWindow{0}, events{0}, sessionsLost{0};
    std::atomic<bool> subscriberReady{false};
};

struct Session
{
    std::unique_ptr<WebSocket> socket;
    std::unordered_map<std::int64_t, std::int64_t> pending; // id -> send time
    std::int64_t nextId = 10;
    std::string thing;
    std::vector<double> ackLatency; // ms, for values sent in the window
};

bool inWindow(const UpdateRun &run, std::int64_t micros)
{
    return micros >= run.measureFrom && micros <= run.measureTo;
}

asio::awaitable<void> sendUpdate(UpdateRun &run, Session &session)
{
    const std::int64_t id = session.nextId++;
    const std::int64_t now = nowMicros();
    std::string message;
    message.reserve(160);
    message.append(R"({"id":)")
        .append(std::to_string(id))
        .append(R"(,"type":"update","thing":")")
        .append(session.thing)
        .append(R"(","values":[{"property":")")
        .append(run.property)
        .append(R"(","value":)")
        .append(std::to_string(now))
        .append("}]}");
    session.pending.emplace(id, now);
    ++run.sent;
    co_await session.socket->async_write(asio::buffer(message), use_awaitable);
}

void handleReply(UpdateRun &run, Session &session, std::string_view reply)
{
    const auto id = integerField(reply, "id");
    if (!id)
        return; // a notice, not a reply
    const auto found = session.pending.find(*id);
    if (found == session.pending.end())
        return;
    const std::int64_t sentAt = found->second;
    session.pending.erase(found);
    ++run.replies;
    const std::int64_t now = nowMicros();
    if (reply.find(R"("type":"result")") != std::string_view::npos) {
        run.accepted += integerField(reply, "accepted").value_or(0);
        if (inWindow(run, now))
            ++run.acksInWindow;
        if (inWindow(run, sentAt))
            session.ackLatency.push_back(static_cast<double>(now - sentAt) / 1000.0);
        return;
    }
    if (stringField(reply, "code") == "too-many-requests")
        ++run.rateLimited;
    else if (++run.refused <= 3)
        std::fprintf(stderr, "[edgeload] updates: refused: %.*s\n", static_cast<int>(reply.size()),
                     reply.data());
}

asio::awaitable<void> waitForGo(UpdateRun &run)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!run.go) {
        timer.expires_after(5ms);
        co_await timer.async_wait(use_awaitable);
    }
}

asio::awaitable<void> pacedSender(UpdateRun &run, Session &session, long long index)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(run.sessions) / run.rate));
    // Spread the sessions over one period so that they do not send in step.
    auto next = Clock::now() + period * index / run.sessions;
    try {
        while (nowMicros() < run.measureTo && !run.stopping) {
            timer.expires_at(next);
            co_await timer.async_wait(use_awaitable);
            co_await sendUpdate(run, session);
            next += period;
        }
    } catch (const std::exception &error) {
        reportFailure("updates: sending", error);
    }
}

asio::awaitable<void> deviceSession(UpdateRun &run, Session &session, long long index)
{
    auto executor = co_await asio::this_coro::executor;
    try {
        session.socket = co_await openWebSocket(run.target, "/edge", Credentials::None,
                                                static_cast<std::size_t>(index), 60s);
        co_await authenticate(*session.socket, run.target.appKey);
        session.thing = run.prefix + std::to_string(index % run.things);
        const std::string bind = R"({"id":2,"type":"bind","things":[")" + session.thing + "\"]}";
        co_await session.socket->async_write(asio::buffer(bind), use_awaitable);
        beast::flat_buffer buffer;
        const std::string_view reply = co_await readText(*session.socket, buffer);
        if (reply.find(R"("bound":true)") == std::string_view::npos)
            throw ProtocolError("bind of '" + session.thing + "' refused: " + std::string(reply));
    } catch (const std::exception &error) {
        ++run.setupFailed;
        reportFailure("updates: opening a device session", error);
        co_return;
    }
    ++run.ready;
    co_await waitForGo(run);

    beast::flat_buffer buffer;
    try {
        if (run.rate > 0) {
            asio::co_spawn(executor, pacedSender(run, session, index), asio::detached);
            for (;;)
                handleReply(run, session, co_await readText(*session.socket, buffer));
        }
        for (long long i = 0; i < run.window; ++i)
            co_await sendUpdate(run, session);
        while (!session.pending.empty()) {
            handleReply(run, session, co_await readText(*session.socket, buffer));
            while (nowMicros() < run.measureTo && !run.stopping &&
                   static_cast<long long>(session.pending.size()) < run.window)
                co_await sendUpdate(run, session);
        }
    } catch (const std::exception &error) {
        if (!run.stopping) {
            ++run.sessionsLost;
            reportFailure("updates: a device session ended", error);
        }
    }
}

asio::awaitable<void> subscriber(UpdateRun &run, std::vector<double> &latency)
{
    std::unique_ptr<WebSocket> socket;
    beast::flat_buffer buffer;
    try {
        socket =
            co_await openWebSocket(run.target, "/api/events", Credentials::AppKeyHeader, 0, 60s);
        const std::string_view hello = co_await readText(*socket, buffer);
        if (hello.find(R"("type":"hello")") == std::string_view::npos)
            throw ProtocolError("expected hello on /api/events, got: " + std::string(hello));
    } catch (const std::exception &error) {
        reportFailure("updates: opening the /api/events subscriber", error);
        ++run.setupFailed;
        co_return;
    }
    run.subscriberReady = true;
    try {
        for (;;) {
            const std::string_view event = co_await readText(*socket, buffer);
            if (event.find(R"("type":"propertyChanged")") == std::string_view::npos)
                continue;
            const auto thing = stringField(event, "thing");
            const auto value = numberField(event, "value");
            if (!thing || thing->rfind(run.prefix, 0) != 0 || !value)
                continue;
            ++run.events;
            const std::int64_t now = nowMicros();
            if (inWindow(run, now))
                ++run.eventsInWindow;
            const auto sentAt = static_cast<std::int64_t>(*value);
            if (inWindow(run, sentAt))
                latency.push_back(static_cast<double>(now - sentAt) / 1000.0);
        }
    } catch (const std::exception &error) {
        if (!run.stopping)
            reportFailure("updates: the /api/events subscriber ended", error);
    }
}

} // namespace

int runUpdates(Target &target, const Options &options)
{
    UpdateRun run(target);
    run.sessions = options.number("sessions", 100, 1, 1'000'000);
    run.things = options.number("things", run.sessions, 1, 1'000'000);
    run.prefix = options.text("thing-prefix", "Device");
    run.property = options.text("property", "temperature");
    run.window = options.number("window", 8, 1, 100'000);
    run.rate = options.real("rate", 0, 0);
    const double seconds = options.real("seconds", 10, 0.1);
    const double warmup = options.real("warmup", 2, 0);
    // The device connections on --threads threads, the subscriber on one of its
    // own: sharing a thread with a hundred senders, it would get one turn in a
    // hundred and measure the generator instead of the server.
    const auto threads = static_cast<int>(options.number("threads", 1, 1, 256));
    ThreadPool pool(threads + 1);
    options.checkAllUsed();
    if (run.rate > 0 && run.rate / static_cast<double>(run.sessions) > 180)
        std::fprintf(stderr,
                     "[edgeload] updates: %.0f messages/s per session is close to the server's "
                     "default rate limit (200/s): use more --sessions.\n",
                     run.rate / static_cast<double>(run.sessions));

    std::vector<Session> sessions(static_cast<std::size_t>(run.sessions));
    std::vector<double> eventLatency;
    asio::co_spawn(pool.context(static_cast<std::size_t>(threads)), subscriber(run, eventLatency),
                   asio::detached);
    for (long long i = 0; i < run.sessions; ++i) {
        // Opened a few at a time per thread, not all at once.
        asio::co_spawn(pool.context(static_cast<std::size_t>(i % threads)),
                       deviceSession(run, sessions[static_cast<std::size_t>(i)], i),
                       asio::detached);
    }
    while (run.ready + run.setupFailed < run.sessions ||
           (!run.subscriberReady && run.setupFailed == 0))
        std::this_thread::sleep_for(20ms);
    if (run.setupFailed > 0) {
        std::fprintf(stderr, "[edgeload] updates: %lld sessions could not be set up; see above.\n",
                     run.setupFailed.load());
        return 1;
    }
    const std::int64_t start = nowMicros();
    run.measureFrom = start + static_cast<std::int64_t>(warmup * 1e6);
    run.measureTo = run.measureFrom + static_cast<std::int64_t>(seconds * 1e6);
    run.go = true;
    std::this_thread::sleep_for(std::chrono::microseconds(run.measureTo - nowMicros()));
    // Drain: every reply, and every accepted value's event, or 15 s.
    const auto drainUntil = Clock::now() + 15s;
    while (Clock::now() < drainUntil && (run.replies < run.sent || run.events < run.accepted))
        std::this_thread::sleep_for(10ms);
    run.stopping = true;
    pool.stop();
    pool.join();

    std::vector<double> ackLatency;
    for (const auto &session : sessions)
        ackLatency.insert(ackLatency.end(), session.ackLatency.begin(), session.ackLatency.end());
    printResult("updates",
                {{"sessions", static_cast<double>(run.sessions)},
                 {"things", static_cast<double>(run.things)},
                 {"window", run.rate > 0 ? 0.0 : static_cast<double>(run.window)},
                 {"offered_per_second", run.rate},
                 {"seconds", seconds},
                 {"acks_per_second", static_cast<double>(run.acksInWindow) / seconds},
                 {"events_per_second", static_cast<double>(run.eventsInWindow) / seconds},
                 {"sent", static_cast<double>(run.sent)},
                 {"replies", static_cast<double>(run.replies)},
                 {"accepted", static_cast<double>(run.accepted)},
                 {"events", static_cast<double>(run.events)},
                 {"rate_limited", static_cast<double>(run.rateLimited)},
                 {"refused", static_cast<double>(run.refused)},
                 {"sessions_lost", static_cast<double>(run.sessionsLost)}});
    printLatency("updates", "ack", percentiles(std::move(ackLatency)));
    printLatency("updates", "event", percentiles(std::move(eventLatency)));
    const bool complete = run.replies == run.sent && run.events == run.accepted &&
                          run.refused == 0 && run.sessionsLost == 0;
    return complete ? 0 : 3;
}

} // namespace EdgeLoad
