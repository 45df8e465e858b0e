#include "Mqtt.h"

#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace EdgeLoad::Mqtt {

using asio::use_awaitable;

namespace {

void appendLength(std::string &out, std::size_t length)
{
    // Remaining length: 7 bits a byte, least significant first, at most 4 bytes.
    if (length > 268'435'455)
        throw std::invalid_argument("MQTT packet too long to encode");
    do {
        auto byte = static_cast<std::uint8_t>(length % 128);
        length /= 128;
        if (length > 0)
            byte |= 0x80;
        out.push_back(static_cast<char>(byte));
    } while (length > 0);
}

void appendU16(std::string &out, std::uint16_t value)
{
    out.push_back(static_cast<char>(value >> 8));
    out.push_back(static_cast<char>(value & 0xff));
}

void appendString(std::string &out, std::string_view text)
{
    if (text.size() > 0xffff)
        throw std::invalid_argument("MQTT string longer than 65535 bytes");
    appendU16(out, static_cast<std::uint16_t>(text.size()));
    out.append(text);
}

std::string packet(std::uint8_t firstByte, const std::string &body)
{
    std::string out;
    out.reserve(body.size() + 5);
    out.push_back(static_cast<char>(firstByte));
    appendLength(out, body.size());
    out.append(body);
    return out;
}

std::uint16_t readU16(std::string_view bytes, std::size_t at)
{
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(bytes[at]) << 8) |
                                      static_cast<std::uint8_t>(bytes[at + 1]));
}

const char *typeName(Type type)
{
    switch (type) {
    case Type::Connect:
        return "CONNECT";
    case Type::Connack:
        return "CONNACK";
    case Type::Publish:
        return "PUBLISH";
    case Type::Puback:
        return "PUBACK";
    case Type::Subscribe:
        return "SUBSCRIBE";
    case Type::Suback:
        return "SUBACK";
    case Type::Pingreq:
        return "PINGREQ";
    case Type::Pingresp:
        return "PINGRESP";
    case Type::Disconnect:
        return "DISCONNECT";
    }
    return "packet";
}

void expectType(const Packet &packet, Type type, std::size_t minimumBody)
{
    if (packet.type != type)
        throw ProtocolError(std::string("expected ") + typeName(type) + ", got packet type " +
                            std::to_string(static_cast<int>(packet.type)));
    if (packet.body.size() < minimumBody)
        throw ProtocolError(std::string(typeName(type)) + " too short (" +
                            std::to_string(packet.body.size()) + " bytes)");
}

} // namespace

std::string connect(std::string_view clientId, std::string_view user, std::string_view password,
                    std::uint16_t keepAliveSeconds)
{
    std::string body;
    appendString(body, "MQTT");
    body.push_back(4);                                     // protocol level: 3.1.1
    body.push_back(static_cast<char>(0x80 | 0x40 | 0x02)); // user name, password, clean session
    appendU16(body, keepAliveSeconds);
    appendString(body, clientId);
    appendString(body, user);
    appendString(body, password);
    return packet(0x10, body);
}

std::string publish(std::string_view topic, std::string_view payload, int qos,
                    std::uint16_t packetId)
{
    if (qos < 0 || qos > 1)
        throw std::invalid_argument("this client publishes at QoS 0 or 1 only");
    std::string body;
    body.reserve(topic.size() + payload.size() + 4);
    appendString(body, topic);
    if (qos == 1)
        appendU16(body, packetId);
    body.append(payload);
    return packet(static_cast<std::uint8_t>(0x30 | (qos << 1)), body);
}

std::string puback(std::uint16_t packetId)
{
    std::string body;
    appendU16(body, packetId);
    return packet(0x40, body);
}

std::string subscribe(std::uint16_t packetId, std::string_view filter, int qos)
{
    std::string body;
    appendU16(body, packetId);
    appendString(body, filter);
    body.push_back(static_cast<char>(qos));
    return packet(0x82, body); // SUBSCRIBE's reserved flags are 0010
}

std::string pingreq()
{
    return std::string("\xc0\x00", 2);
}

std::string disconnect()
{
    return std::string("\xe0\x00", 2);
}

int connackCode(const Packet &packet)
{
    expectType(packet, Type::Connack, 2);
    return static_cast<std::uint8_t>(packet.body[1]);
}

std::uint16_t pubackId(const Packet &packet)
{
    expectType(packet, Type::Puback, 2);
    return readU16(packet.body, 0);
}

int subackCode(const Packet &packet, std::uint16_t expectedId)
{
    expectType(packet, Type::Suback, 3);
    if (readU16(packet.body, 0) != expectedId)
        throw ProtocolError("SUBACK for another packet identifier");
    return static_cast<std::uint8_t>(packet.body[2]);
}

Publish parsePublish(const Packet &packet)
{
    expectType(packet, Type::Publish, 2);
    Publish result;
    const std::string_view body = packet.body;
    const std::size_t topicLength = readU16(body, 0);
    result.qos = (packet.flags >> 1) & 0x03;
    if (result.qos > 1)
        throw ProtocolError("PUBLISH at QoS " + std::to_string(result.qos) +
                            ": this client subscribes at QoS 1 at most");
    const std::size_t header = 2 + topicLength + (result.qos > 0 ? 2 : 0);
    if (body.size() < header)
        throw ProtocolError("PUBLISH shorter than its topic and packet identifier");
    result.topic = body.substr(2, topicLength);
    if (result.qos > 0)
        result.packetId = readU16(body, 2 + topicLength);
    result.payload = body.substr(header);
    return result;
}

std::size_t Connection::frontPacketSize() const
{
    const auto data = m_in.cdata();
    const auto *bytes = static_cast<const std::uint8_t *>(data.data());
    const std::size_t size = data.size();
    std::size_t length = 0;
    std::size_t at = 1;
    for (int shift = 0;; shift += 7) {
        if (at >= size)
            return 0;
        if (at > 4)
            throw ProtocolError("malformed remaining length (more than 4 bytes)");
        const std::uint8_t byte = bytes[at++];
        length |= static_cast<std::size_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            break;
    }
    if (length > maxPacketSize)
        throw ProtocolError("packet of " + std::to_string(length) + " bytes from the broker, " +
                            "more than this client's " + std::to_string(maxPacketSize));
    return size - at < length ? 0 : at + length;
}

bool Connection::hasBufferedPacket() const
{
    return frontPacketSize() > 0;
}

std::optional<Packet> Connection::take()
{
    const std::size_t whole = frontPacketSize();
    if (whole == 0)
        return std::nullopt;
    const auto *bytes = static_cast<const std::uint8_t *>(m_in.cdata().data());
    std::size_t at = 1;
    while (bytes[at] & 0x80)
        ++at;
    ++at;
    Packet packet;
    packet.type = static_cast<Type>(bytes[0] >> 4);
    packet.flags = bytes[0] & 0x0f;
    packet.body.assign(reinterpret_cast<const char *>(bytes + at), whole - at);
    m_in.consume(whole);
    return packet;
}

asio::awaitable<Packet> Connection::read()
{
    for (;;) {
        if (auto packet = take())
            co_return std::move(*packet);
        const std::size_t got =
            co_await m_stream->async_read_some(m_in.prepare(16 * 1024), use_awaitable);
        m_in.commit(got);
    }
}

asio::awaitable<void> Connection::write(const std::string &bytes)
{
    co_await asio::async_write(*m_stream, asio::buffer(bytes), use_awaitable);
}

asio::awaitable<void> Connection::close()
{
    try {
        beast::get_lowest_layer(*m_stream).expires_after(std::chrono::seconds(5));
        co_await write(disconnect());
    } catch (const std::exception &) {
        // The broker may have closed first; nothing to do about it.
    }
    boost::system::error_code ignored;
    beast::get_lowest_layer(*m_stream).socket().close(ignored);
}

asio::awaitable<std::unique_ptr<Connection>> open(const Target &target, const Login &login,
                                                  std::size_t sourceIndex,
                                                  std::chrono::seconds timeout)
{
    auto executor = co_await asio::this_coro::executor;
    auto connection = std::make_unique<Connection>(std::make_unique<Stream>(executor, *target.tls));
    co_await connectTls(connection->stream(), target, sourceIndex, timeout);
    co_await connection->write(
        connect(login.clientId, login.user, login.password, login.keepAliveSeconds));
    const Packet reply = co_await connection->read();
    const int code = connackCode(reply);
    if (code != 0)
        throw ProtocolError("CONNACK refused " + login.user + " with code " + std::to_string(code) +
                            (code == 4   ? " (bad user name or password)"
                             : code == 5 ? " (not authorized)"
                                         : ""));
    beast::get_lowest_layer(connection->stream()).expires_never();
    co_return connection;
}

} // namespace EdgeLoad::Mqtt
