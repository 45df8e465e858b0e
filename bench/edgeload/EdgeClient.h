// The pieces every load of bulwark-edgeload shares: one TLS WebSocket
// connection to a Bulwark server (Boost.Beast over OpenSSL, verified against
// the server's own certificate), the edge `auth` exchange, a few JSON field
// readers that avoid a full parse on the hot path, and latency percentiles.
// Written on Boost.Asio rather than Qt so that one process drives tens of
// thousands of connections on a few threads; Mqtt.h speaks MQTT beside it.
#pragma once

#include <utility> // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace EdgeLoad {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using WebSocket = beast::websocket::stream<TlsStream>;

// Where to connect and with what; shared read-only by all threads.
struct Target
{
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string appKey;
    // MQTT loads: the one password of every user of the throw-away broker.
    std::string mqttPassword;
    std::unique_ptr<asio::ssl::context> tls;
    // Local addresses to connect from, in turn (loopback 127.0.0.x), so that
    // tens of thousands of connections do not exhaust one address's ports.
    std::vector<asio::ip::address> sources;
};

// Raised for anything the server answered that a load cannot go on with;
// the message says what came back.
class ProtocolError final : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

enum class Credentials
{
    None,         // /edge: the app key goes into the `auth` message
    AppKeyHeader, // /api/events: the app key goes on the upgrade request
};

// Loads the CA file (the server's certificate) and turns off session resumption,
// so that every connection costs a full handshake.
[[nodiscard]] std::unique_ptr<asio::ssl::context> makeTlsContext(const std::string &caFile);

// TCP connect (from target.sources[sourceIndex % size]) with TCP_NODELAY, then
// the TLS handshake with certificate and host name verification. The stream's
// timer stays set to `timeout` from the start: the caller ends it.
[[nodiscard]] asio::awaitable<void> connectTls(TlsStream &stream, const Target &target,
                                               std::size_t sourceIndex,
                                               std::chrono::seconds timeout);

// connectTls(), then the WebSocket upgrade of `path`.
// Throws boost::system::system_error or ProtocolError.
[[nodiscard]] asio::awaitable<std::unique_ptr<WebSocket>>
openWebSocket(const Target &target, std::string path, Credentials credentials,
              std::size_t sourceIndex, std::chrono::seconds timeout);

// Sends {"id":1,"type":"auth","appKey":…} and checks the result; answers the
// protocol version the server speaks.
[[nodiscard]] asio::awaitable<int> authenticate(WebSocket &socket, const std::string &appKey);

// Reads the next text message into `buffer` (cleared first) and answers it as a view.
[[nodiscard]] asio::awaitable<std::string_view> readText(WebSocket &socket,
                                                         beast::flat_buffer &buffer);

// Field readers for the server's compact JSON (QJsonDocument::Compact, keys
// sorted). They find the first `"name":` anywhere, so use them only on
// messages whose shape is known.
[[nodiscard]] std::optional<std::int64_t> integerField(std::string_view json,
                                                       std::string_view name);
[[nodiscard]] std::optional<double> numberField(std::string_view json, std::string_view name);
[[nodiscard]] std::optional<std::string_view> stringField(std::string_view json,
                                                          std::string_view name);

// Microseconds since the process started, on the steady clock: what the load
// puts into values so that any thread can compute a latency from them.
[[nodiscard]] std::int64_t nowMicros();

// Sorted copy; p in [0, 100]; 0 for no samples.
struct Percentiles
{
    std::size_t count = 0;
    double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0; // milliseconds
};
[[nodiscard]] Percentiles percentiles(std::vector<double> samplesMilliseconds);

// One short line per distinct failure, the first few times: a load of
// thousands of connections must not print thousands of lines.
void reportFailure(std::string_view what, const std::exception &error);

} // namespace EdgeLoad
