// A small MQTT 3.1.1 client for bulwark-edgeload (OASIS MQTT 3.1.1): enough of
// the protocol to load a broker the way devices do, over TLS on Boost.Asio.
// CONNECT with user name and password, CONNACK, PUBLISH at QoS 0 and 1,
// PUBACK, SUBSCRIBE/SUBACK, PINGREQ/PINGRESP and DISCONNECT. Every length
// read from the broker is checked against a bound before anything is
// allocated, so a broken or hostile peer ends one connection, nothing else.
#pragma once

#include "EdgeClient.h"

#include <boost/beast/core/flat_buffer.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace EdgeLoad::Mqtt {

using Stream = beast::ssl_stream<beast::tcp_stream>;

// Control packet types (MQTT 3.1.1, 2.2.1).
enum class Type : std::uint8_t
{
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Subscribe = 8,
    Suback = 9,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
};

// The largest packet this client accepts from a broker; its own are small.
inline constexpr std::size_t maxPacketSize = 64 * 1024;

// One packet as received: the fixed header's type and flags, and the bytes
// after the remaining length (variable header and payload).
struct Packet
{
    Type type{};
    std::uint8_t flags = 0;
    std::string body;
};

// An incoming PUBLISH, taken apart.
struct Publish
{
    std::string_view topic;
    int qos = 0;
    std::uint16_t packetId = 0; // 0 for QoS 0
    std::string_view payload;
};

// Encoders: each answers the whole packet, ready to write.
[[nodiscard]] std::string connect(std::string_view clientId, std::string_view user,
                                  std::string_view password, std::uint16_t keepAliveSeconds);
[[nodiscard]] std::string publish(std::string_view topic, std::string_view payload, int qos,
                                  std::uint16_t packetId);
[[nodiscard]] std::string puback(std::uint16_t packetId);
[[nodiscard]] std::string subscribe(std::uint16_t packetId, std::string_view filter, int qos);
[[nodiscard]] std::string pingreq();
[[nodiscard]] std::string disconnect();

// Decoders; each throws ProtocolError naming what was wrong.
// The CONNACK return code (0 accepted, 4 bad user name or password, 5 not authorized).
[[nodiscard]] int connackCode(const Packet &packet);
// A PUBACK's packet identifier.
[[nodiscard]] std::uint16_t pubackId(const Packet &packet);
// The SUBACK's granted QoS for its one filter (0x80: refused).
[[nodiscard]] int subackCode(const Packet &packet, std::uint16_t expectedId);
[[nodiscard]] Publish parsePublish(const Packet &packet);

// One MQTT connection over TLS, with its read buffer.
class Connection final
{
public:
    explicit Connection(std::unique_ptr<Stream> stream)
        : m_stream(std::move(stream))
    {}
    [[nodiscard]] Stream &stream() { return *m_stream; }

    // The next whole packet; throws on a malformed or oversized one, or at
    // the end of the stream.
    [[nodiscard]] asio::awaitable<Packet> read();
    // Whether read() has a whole packet without reading the socket again.
    [[nodiscard]] bool hasBufferedPacket() const;
    [[nodiscard]] asio::awaitable<void> write(const std::string &bytes);
    // DISCONNECT, then the socket closed; errors ignored. Not while a read is pending.
    [[nodiscard]] asio::awaitable<void> close();

private:
    // A whole packet at the front of m_in, or nothing yet.
    [[nodiscard]] std::optional<Packet> take();
    // The size of the packet at the front of m_in (header included), 0 when
    // it is not all there yet.
    [[nodiscard]] std::size_t frontPacketSize() const;

    std::unique_ptr<Stream> m_stream;
    beast::flat_buffer m_in;
};

struct Login
{
    std::string clientId, user, password;
    std::uint16_t keepAliveSeconds = 60;
};

// TCP connect (from target.sources[sourceIndex % size]), TLS handshake with
// certificate and host name verification, CONNECT and CONNACK. Throws
// boost::system::system_error or ProtocolError (a refused CONNACK says which
// code came back).
[[nodiscard]] asio::awaitable<std::unique_ptr<Connection>> open(const Target &target,
                                                                const Login &login,
                                                                std::size_t sourceIndex,
                                                                std::chrono::seconds timeout);

} // namespace EdgeLoad::Mqtt
