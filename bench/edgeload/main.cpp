// bulwark-edgeload: load generator for the edge endpoint of a Bulwark server.
// See usage() and bench/run-edge-bench.py, which drives it.

#include "Load.h"

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace EdgeLoad {

Options::Options(int argc, char **argv, int first)
{
    for (int i = first; i < argc; i += 2) {
        const std::string name = argv[i];
        if (name.rfind("--", 0) != 0 || i + 1 >= argc)
            throw std::invalid_argument("Expected '--name value' pairs, got '" + name + "'.");
        m_values[name.substr(2)] = argv[i + 1];
    }
}

std::string Options::text(const std::string &name, const std::string &fallback) const
{
    m_used[name] = true;
    const auto found = m_values.find(name);
    return found == m_values.end() ? fallback : found->second;
}

long long Options::number(const std::string &name, long long fallback, long long minimum,
                          long long maximum) const
{
    const std::string value = text(name, "");
    if (value.empty())
        return fallback;
    char *end = nullptr;
    const long long parsed = std::strtoll(value.c_str(), &end, 10);
    if (*end != '\0' || parsed < minimum || parsed > maximum)
        throw std::invalid_argument("--" + name + " must be a whole number from " +
                                    std::to_string(minimum) + " to " + std::to_string(maximum) +
                                    ", got '" + value + "'.");
    return parsed;
}

double Options::real(const std::string &name, double fallback, double minimum) const
{
    const std::string value = text(name, "");
    if (value.empty())
        return fallback;
    char *end = nullptr;
    const double parsed = std::strtod(value.c_str(), &end);
    if (*end != '\0' || !(parsed >= minimum))
        throw std::invalid_argument("--" + name + " must be a number of at least " +
                                    std::to_string(minimum) + ", got '" + value + "'.");
    return parsed;
}

void Options::checkAllUsed() const
{
    for (const auto &[name, value] : m_values) {
        if (!m_used.count(name))
            throw std::invalid_argument("Unknown option --" + name + " for this load.");
    }
}

ThreadPool::ThreadPool(int threads)
{
    for (int i = 0; i < threads; ++i) {
        m_contexts.push_back(std::make_unique<asio::io_context>(1));
        m_guards.push_back(asio::make_work_guard(*m_contexts.back()));
    }
    for (auto &context : m_contexts)
        m_threads.emplace_back([&context] { context->run(); });
}

ThreadPool::~ThreadPool()
{
    stop();
    join();
}

void ThreadPool::stop()
{
    m_guards.clear();
    for (auto &context : m_contexts)
        context->stop();
}

void ThreadPool::join()
{
    m_guards.clear();
    for (auto &thread : m_threads) {
        if (thread.joinable())
            thread.join();
    }
}

void printResult(const std::string &load, const std::vector<std::pair<std::string, double>> &fields)
{
    std::string line = "RESULT load=" + load;
    char number[64];
    for (const auto &[name, value] : fields) {
        std::snprintf(number, sizeof number, "%.6g", value);
        line += " " + name + "=" + number;
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

void printLatency(const std::string &load, const std::string &what, const Percentiles &latency)
{
    printResult(load, {{what + "_count", static_cast<double>(latency.count)},
                       {what + "_p50_ms", latency.p50},
                       {what + "_p90_ms", latency.p90},
                       {what + "_p99_ms", latency.p99},
                       {what + "_p999_ms", latency.p999},
                       {what + "_max_ms", latency.max}});
}

} // namespace EdgeLoad

namespace {

void usage()
{
    std::fputs(
        "usage: bulwark-edgeload LOAD --port P --ca FILE [options]\n"
        "  The app key is read from the environment variable BULWARK_APP_KEY (never an argument:\n"
        "  others could read it from the process list). Results are 'RESULT load=… key=value'\n"
        "  lines on stdout; progress and failures go to stderr.\n"
        "common: --host 127.0.0.1 --threads 2 --sources 16 (connect from 127.0.0.1..16)\n"
        "loads:\n"
        "  hold        --connections N --concurrency 64 --thing-prefix P --things K\n"
        "              --open-seconds 600\n"
        "              opens N authenticated /edge sessions (each binds P<i % K>; K 0: no bind),\n"
        "              starting none after --open-seconds (then reports gave_up=1),\n"
        "              prints 'ESTABLISHED …', holds them until a line or EOF on stdin.\n"
        "  handshakes  --seconds 10 --concurrency 32 --warmup 1\n"
        "              new connections (TCP + full TLS + upgrade + auth) at the highest rate.\n"
        "  updates     --sessions 100 --thing-prefix P --things K --property temperature\n"
        "              --window 8 | --rate R  --seconds 10 --warmup 2\n"
        "              property updates (one value each) from --sessions sessions, each either\n"
        "              keeping --window unacknowledged or sending at R/sessions per second;\n"
        "              one /api/events subscriber counts them; latencies in milliseconds.\n"
        "  upload      --thing T --repository R --megabytes 64 --runs 1\n"
        "              edge protocol 2: the device uploads a file to repository R.\n"
        "  hold also takes --rate R: start R sessions per second (0: as fast as they open).\n"
        "MQTT 3.1.1 over TLS (a broker such as Mosquitto; --ca is its CA certificate; every\n"
        "user's password from EDGELOAD_MQTT_PASSWORD): the same loads and result lines.\n"
        "  Device i is user <--user-prefix device><i % --users 100> and publishes QoS 1 to\n"
        "  <--topic-prefix devices>/<user>/<--property temperature>; --subscriber subscriber\n"
        "  subscribes QoS 1 to <topic-prefix>/+/<property>; --keepalive 60 (PINGREQ at half).\n"
        "  mqtt-hold        --connections N --concurrency 64 --rate R --open-seconds 600\n"
        "  mqtt-handshakes  --seconds 10 --concurrency 32 --warmup 1 (TLS + CONNECT/CONNACK)\n"
        "  mqtt-updates     --sessions 100 --window 8 | --rate R  --seconds 10 --warmup 2\n"
        "                   (PUBACKs counted as acknowledgements, the subscriber as events)\n"
        "  mqtt-check       a wrong password is refused; device 0's PUBLISH on device 1's\n"
        "                   topic is not delivered, its own is (the broker's ACL).\n",
        stderr);
}

// Held connections need a descriptor each; raise the soft limit to the hard one.
void raiseDescriptorLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char **argv)
{
    using namespace EdgeLoad;
    if (argc < 2 || std::string(argv[1]) == "--help") {
        usage();
        return argc < 2 ? 2 : 0;
    }
    const std::string load = argv[1];
    try {
        const Options options(argc, argv, 2);
        Target target;
        target.host = options.text("host", "127.0.0.1");
        target.port = static_cast<std::uint16_t>(options.number("port", 0, 1, 65535));
        if (target.port == 0)
            throw std::invalid_argument("--port is required: the server's HTTPS port.");
        const std::string ca = options.text("ca", "");
        if (ca.empty())
            throw std::invalid_argument("--ca is required: the server's certificate "
                                        "(DATA-DIR/tls/server.crt).");
        target.tls = makeTlsContext(ca);
        const bool mqtt = load.rfind("mqtt-", 0) == 0;
        if (mqtt) {
            const char *password = std::getenv("EDGELOAD_MQTT_PASSWORD");
            if (password == nullptr || *password == '\0')
                throw std::invalid_argument("Set EDGELOAD_MQTT_PASSWORD to the password of the "
                                            "broker's device and subscriber users.");
            target.mqttPassword = password;
        } else {
            const char *key = std::getenv("BULWARK_APP_KEY");
            if (key == nullptr || std::string(key).rfind("bwk_", 0) != 0)
                throw std::invalid_argument("Set BULWARK_APP_KEY to an application key (bwk_…) "
                                            "created with POST /api/ApplicationKeys.");
            target.appKey = key;
        }
        const auto sources = options.number("sources", 16, 0, 250);
        const auto server = asio::ip::make_address(target.host);
        if (server.is_loopback() && server.is_v4()) {
            for (long long i = 1; i <= sources; ++i)
                target.sources.push_back(asio::ip::make_address_v4(0x7f000000u + i));
        }
        raiseDescriptorLimit();

        if (load == "hold")
            return runHold(target, options);
        if (load == "handshakes")
            return runHandshakes(target, options);
        if (load == "updates")
            return runUpdates(target, options);
        if (load == "upload")
            return runUpload(target, options);
        if (load == "mqtt-hold")
            return runMqttHold(target, options);
        if (load == "mqtt-handshakes")
            return runMqttHandshakes(target, options);
        if (load == "mqtt-updates")
            return runMqttUpdates(target, options);
        if (load == "mqtt-check")
            return runMqttCheck(target, options);
        usage();
        std::fprintf(stderr, "bulwark-edgeload: unknown load '%s'.\n", load.c_str());
        return 2;
    } catch (const std::invalid_argument &error) {
        std::fprintf(stderr, "bulwark-edgeload: %s\n", error.what());
        return 2;
    } catch (const std::exception &error) {
        std::fprintf(stderr, "bulwark-edgeload %s: %s\n", load.c_str(), error.what());
        return 1;
    }
}
