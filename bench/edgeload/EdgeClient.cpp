#include "EdgeClient.h"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <netinet/in.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24 // Linux 4.2; older C libraries do not name it
#endif

namespace EdgeLoad {

using asio::use_awaitable;

std::unique_ptr<asio::ssl::context> makeTlsContext(const std::string &caFile)
{
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    boost::system::error_code error;
    context->load_verify_file(caFile, error);
    if (error)
        throw ProtocolError("Cannot read the server certificate '" + caFile +
                            "': " + error.message() +
                            ". Pass --ca DATA-DIR/tls/server.crt (Bulwark) or the broker's CA.");
    context->set_verify_mode(asio::ssl::verify_peer);
    SSL_CTX_set_session_cache_mode(context->native_handle(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_TICKET);
    return context;
}

asio::awaitable<void> connectTls(TlsStream &stream, const Target &target, std::size_t sourceIndex,
                                 std::chrono::seconds timeout)
{
    auto &tcp = beast::get_lowest_layer(stream);
    const asio::ip::tcp::endpoint server(asio::ip::make_address(target.host), target.port);
    tcp.socket().open(server.protocol());
    if (!target.sources.empty()) {
        // Port chosen at connect() for the (source, destination) pair, not at bind().
        tcp.socket().set_option(
            asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>(true));
        tcp.socket().bind({target.sources[sourceIndex % target.sources.size()], 0});
    }
    tcp.expires_after(timeout);
    co_await tcp.async_connect(server, use_awaitable);
    tcp.socket().set_option(asio::ip::tcp::no_delay(true));

    stream.set_verify_callback(asio::ssl::host_name_verification(target.host));
    co_await stream.async_handshake(asio::ssl::stream_base::client, use_awaitable);
}

asio::awaitable<std::unique_ptr<WebSocket>> openWebSocket(const Target &target, std::string path,
                                                          Credentials credentials,
                                                          std::size_t sourceIndex,
                                                          std::chrono::seconds timeout)
{
    auto executor = co_await asio::this_coro::executor;
    auto socket = std::make_unique<WebSocket>(executor, *target.tls);
    auto &tcp = beast::get_lowest_layer(*socket);
    co_await connectTls(socket->next_layer(), target, sourceIndex, timeout);

    if (credentials == Credentials::AppKeyHeader) {
        socket->set_option(beast::websocket::stream_base::decorator(
            [key = target.appKey](beast::websocket::request_type &request) {
                request.set("appKey", key);
            }));
    }
    const std::string host = target.host + ":" + std::to_string(target.port);
    co_await socket->async_handshake(host, path, use_awaitable);
    tcp.expires_never();
    // Answers the server's pings while reading; no idle timeout of our own.
    socket->set_option(beast::websocket::stream_base::timeout{
        timeout, beast::websocket::stream_base::none(), false});
    socket->read_message_max(16 * 1024 * 1024);
    co_return socket;
}

asio::awaitable<std::string_view> readText(WebSocket &socket, beast::flat_buffer &buffer)
{
    buffer.clear();
    co_await socket.async_read(buffer, use_awaitable);
    const auto data = buffer.cdata();
    co_return std::string_view(static_cast<const char *>(data.data()), data.size());
}

asio::awaitable<int> authenticate(WebSocket &socket, const std::string &appKey)
{
    const std::string request = R"({"id":1,"type":"auth","appKey":")" + appKey + R"("})";
    socket.text(true);
    co_await socket.async_write(asio::buffer(request), use_awaitable);
    beast::flat_buffer buffer;
    const std::string_view reply = co_await readText(socket, buffer);
    if (reply.find(R"("type":"result")") == std::string_view::npos)
        throw ProtocolError("auth refused: " + std::string(reply));
    co_return static_cast<int>(integerField(reply, "protocol").value_or(0));
}

namespace {

std::optional<std::string_view> rawField(std::string_view json, std::string_view name)
{
    std::string key;
    key.reserve(name.size() + 3);
    key.append("\"").append(name).append("\":");
    const auto at = json.find(key);
    if (at == std::string_view::npos)
        return std::nullopt;
    return json.substr(at + key.size());
}

} // namespace

std::optional<std::int64_t> integerField(std::string_view json, std::string_view name)
{
    const auto raw = rawField(json, name);
    if (!raw || raw->empty())
        return std::nullopt;
    std::int64_t value = 0;
    bool negative = false;
    std::size_t i = 0;
    if ((*raw)[0] == '-') {
        negative = true;
        i = 1;
    }
    const std::size_t first = i;
    for (; i < raw->size() && (*raw)[i] >= '0' && (*raw)[i] <= '9'; ++i)
        value = value * 10 + ((*raw)[i] - '0');
    if (i == first)
        return std::nullopt;
    return negative ? -value : value;
}

std::optional<double> numberField(std::string_view json, std::string_view name)
{
    const auto raw = rawField(json, name);
    if (!raw || raw->empty())
        return std::nullopt;
    const std::string text(raw->substr(0, std::min<std::size_t>(raw->size(), 40)));
    char *end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<std::string_view> stringField(std::string_view json, std::string_view name)
{
    const auto raw = rawField(json, name);
    if (!raw || raw->empty() || (*raw)[0] != '"')
        return std::nullopt;
    const auto end = raw->find('"', 1); // our names and ids hold no escapes
    if (end == std::string_view::npos)
        return std::nullopt;
    return raw->substr(1, end - 1);
}

std::int64_t nowMicros()
{
    static const Clock::time_point start = Clock::now();
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

Percentiles percentiles(std::vector<double> samples)
{
    Percentiles result;
    result.count = samples.size();
    if (samples.empty())
        return result;
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double p) {
        const auto index =
            static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
        return samples[std::min(samples.size() - 1, index == 0 ? 0 : index - 1)];
    };
    result.p50 = at(50);
    result.p90 = at(90);
    result.p99 = at(99);
    result.p999 = at(99.9);
    result.max = samples.back();
    return result;
}

void reportFailure(std::string_view what, const std::exception &error)
{
    static std::mutex mutex;
    static std::map<std::string, int> seen;
    const std::string message = std::string(what) + ": " + error.what();
    const std::lock_guard lock(mutex);
    const int count = ++seen[message];
    if (count <= 3)
        std::fprintf(stderr, "[edgeload] %s\n", message.c_str());
    else if (count == 4)
        std::fprintf(stderr, "[edgeload] (more of: %s)\n", message.c_str());
}

} // namespace EdgeLoad
