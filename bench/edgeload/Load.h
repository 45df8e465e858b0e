// The loads bulwark-edgeload runs, each in its own file, and what they share:
// options, the thread pool (one io_context per thread) and result lines.
#pragma once

#include "EdgeClient.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <map>
#include <thread>

namespace EdgeLoad {

// --name value pairs after the mode; numbers checked when read.
class Options final
{
public:
    Options(int argc, char **argv, int first);
    [[nodiscard]] std::string text(const std::string &name, const std::string &fallback) const;
    [[nodiscard]] long long number(const std::string &name, long long fallback, long long minimum,
                                   long long maximum) const;
    [[nodiscard]] double real(const std::string &name, double fallback, double minimum) const;
    // Fails naming the first option no load read: a typo must not pass silently.
    void checkAllUsed() const;

private:
    std::map<std::string, std::string> m_values;
    mutable std::map<std::string, bool> m_used;
};

// One io_context per thread: connections never move between threads, so
// what one connection touches needs no lock.
class ThreadPool final
{
public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool &operator=(const ThreadPool &) = delete;

    [[nodiscard]] int size() const { return static_cast<int>(m_contexts.size()); }
    [[nodiscard]] asio::io_context &context(std::size_t index)
    {
        return *m_contexts[index % m_contexts.size()];
    }
    void stop(); // ends every thread, pending work dropped
    void join(); // waits until every thread ran out of work (or stop())

private:
    std::vector<std::unique_ptr<asio::io_context>> m_contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> m_guards;
    std::vector<std::thread> m_threads;
};

// Prints "RESULT key=value ..." on stdout: what run-edge-bench.py reads.
void printResult(const std::string &load,
                 const std::vector<std::pair<std::string, double>> &fields);
void printLatency(const std::string &load, const std::string &what, const Percentiles &latency);

// Seconds from `start` until now.
[[nodiscard]] double secondsSince(Clock::time_point start);
// Waits until start + index / rate (rate 0: not at all): opening at a given rate.
[[nodiscard]] asio::awaitable<void> waitForTurn(Clock::time_point start, double rate,
                                                long long index);

int runHold(Target &target, const Options &options);
int runHandshakes(Target &target, const Options &options);
int runUpdates(Target &target, const Options &options);
int runUpload(Target &target, const Options &options);

// The same measurements against an MQTT 3.1.1 broker over TLS (MqttLoads.cpp).
int runMqttHold(Target &target, const Options &options);
int runMqttHandshakes(Target &target, const Options &options);
int runMqttUpdates(Target &target, const Options &options);
int runMqttCheck(Target &target, const Options &options);

} // namespace EdgeLoad
