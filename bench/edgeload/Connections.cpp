// Loads about connections: how many authenticated sessions a server holds
// (hold) and how fast it takes new ones (handshakes).

#include "Load.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>

namespace EdgeLoad {

using asio::use_awaitable;
using namespace std::chrono_literals;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

asio::awaitable<void> waitForTurn(Clock::time_point start, double rate, long long index)
{
    if (rate <= 0)
        co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(static_cast<double>(index) / rate)));
    co_await timer.async_wait(use_awaitable);
}

namespace {

// Binds one Thing and checks that it was bound.
asio::awaitable<void> bindThing(WebSocket &socket, const std::string &thing)
{
    const std::string request = R"({"id":2,"type":"bind","things":[")" + thing + R"("]})";
    co_await socket.async_write(asio::buffer(request), use_awaitable);
    beast::flat_buffer buffer;
    const std::string_view reply = co_await readText(socket, buffer);
    if (reply.find(R"("bound":true)") == std::string_view::npos)
        throw ProtocolError("bind of '" + thing + "' refused: " + std::string(reply));
}

struct HoldState
{
    explicit HoldState(const Target &target)
        : target(target)
    {}
    const Target &target;
    long long total = 0;
    long long things = 0;
    std::string prefix;
    Clock::time_point start;
    Clock::time_point openUntil; // no new session is started after it
    double rate = 0;             // sessions started per second; 0: as fast as they open
    std::atomic<long long> next{0}, established{0}, failed{0}, dropped{0}, openersDone{0};
    std::atomic<bool> closing{false};
};

asio::awaitable<void> keepReading(std::unique_ptr<WebSocket> socket, HoldState &state)
{
    beast::flat_buffer buffer;
    try {
        for (;;) {
            buffer.clear();
            co_await socket->async_read(buffer, use_awaitable);
        }
    } catch (const std::exception &error) {
        if (!state.closing) {
            ++state.dropped;
            reportFailure("hold: the server ended a held session", error);
        }
    }
}

asio::awaitable<void> openSessions(HoldState &state)
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
            auto socket = co_await openWebSocket(state.target, "/edge", Credentials::None,
                                                 static_cast<std::size_t>(index), 60s);
            co_await authenticate(*socket, state.target.appKey);
            if (state.things > 0)
                co_await bindThing(*socket, state.prefix + std::to_string(index % state.things));
            ++state.established;
            asio::co_spawn(executor, keepReading(std::move(socket), state), asio::detached);
        } catch (const std::exception &error) {
            ++state.failed;
            reportFailure("hold: opening a session", error);
        }
    }
}

} // namespace

int runHold(Target &target, const Options &options)
{
    HoldState state(target);
    state.total = options.number("connections", 1000, 1, 10'000'000);
    state.things = options.number("things", 0, 0, 10'000'000);
    state.prefix = options.text("thing-prefix", "Device");
    const auto concurrency = options.number("concurrency", 64, 1, 100'000);
    const double openSeconds = options.real("open-seconds", 600, 0.1);
    state.rate = options.real("rate", 0, 0);
    ThreadPool pool(static_cast<int>(options.number("threads", 2, 1, 256)));
    options.checkAllUsed();

    const auto start = Clock::now();
    state.start = start;
    state.openUntil = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(openSeconds));
    for (long long i = 0; i < concurrency; ++i)
        asio::co_spawn(pool.context(static_cast<std::size_t>(i)), openSessions(state),
                       asio::detached);
    auto lastProgress = start;
    // (time, established) once a second: the opening rate at the end tells
    // whether the server slows down as it holds more.
    std::vector<std::pair<Clock::time_point, long long>> samples{{start, 0}};
    while (state.openersDone < concurrency) {
        std::this_thread::sleep_for(50ms);
        if (Clock::now() - samples.back().first >= 1s)
            samples.emplace_back(Clock::now(), state.established.load());
        if (Clock::now() - lastProgress > 5s) {
            lastProgress = Clock::now();
            std::fprintf(stderr, "[edgeload] hold: %lld of %lld sessions open, %lld failed\n",
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
    // Held until told: the caller measures the server meanwhile.
    std::string line;
    std::getline(std::cin, line);
    printResult("hold_end", {{"dropped", static_cast<double>(state.dropped)},
                             {"held_seconds", secondsSince(start) - seconds}});
    state.closing = true;
    pool.stop();
    return state.failed == 0 && state.dropped == 0 ? 0 : 3;
}

namespace {

struct HandshakeState
{
    explicit HandshakeState(const Target &target)
        : target(target)
    {}
    const Target &target;
    Clock::time_point measureFrom, end;
    std::atomic<long long> completed{0}, failed{0}, sequence{0};
};

asio::awaitable<void> closeQuietly(std::unique_ptr<WebSocket> socket)
{
    try {
        co_await socket->async_close(beast::websocket::close_code::normal, use_awaitable);
    } catch (const std::exception &) {
        // The session was counted; how it ends does not matter here.
    }
}

asio::awaitable<void> connectRepeatedly(HandshakeState &state, std::vector<double> &latencies)
{
    auto executor = co_await asio::this_coro::executor;
    while (Clock::now() < state.end) {
        const auto started = Clock::now();
        try {
            auto socket = co_await openWebSocket(state.target, "/edge", Credentials::None,
                                                 static_cast<std::size_t>(state.sequence++), 30s);
            co_await authenticate(*socket, state.target.appKey);
            const auto done = Clock::now();
            if (started >= state.measureFrom && done <= state.end) {
                ++state.completed;
                latencies.push_back(
                    std::chrono::duration<double, std::milli>(done - started).count());
            }
            asio::co_spawn(executor, closeQuietly(std::move(socket)), asio::detached);
        } catch (const std::exception &error) {
            ++state.failed;
            reportFailure("handshakes: a new session", error);
        }
    }
}

} // namespace

int runHandshakes(Target &target, const Options &options)
{
    HandshakeState state(target);
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

} // namespace EdgeLoad
