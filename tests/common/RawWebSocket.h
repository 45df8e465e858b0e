// A WebSocket client written by hand over TLS, for what QWebSocket will not
// do: send invalid UTF-8, a frame header announcing more than is sent,
// fragments, or stay silent when pinged. The upgrade (with its
// Sec-WebSocket-Accept checked), masked client frames made exactly as asked
// (even wrong), unmasked server frames parsed and kept: every frame in order,
// text frames also as bytes so that replies can be compared exactly.
#pragma once

#include "HeadlessServer.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSslSocket>
#include <QtEndian>

#include <algorithm>
#include <functional>
#include <optional>

namespace BulwarkTest {

enum Opcode : quint8
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

struct Frame
{
    quint8 opcode = 0;
    QByteArray payload;
};

class RawWebSocket final
{
public:
    enum class Pings
    {
        Answer, // a pong for each ping, so that the keepalive never interferes
        Ignore, // a silent client, for the keepalive itself
    };

    explicit RawWebSocket(const HeadlessServer &server, Pings pings = Pings::Answer)
        : m_server(server)
        , m_pings(pings)
    {
        m_socket.setSslConfiguration(server.sslConfiguration());
        QObject::connect(&m_socket, &QSslSocket::readyRead, &m_socket, [this] {
            m_buffer += m_socket.readAll();
            parse();
        });
    }
    Q_DISABLE_COPY_MOVE(RawWebSocket)

    // TLS, then GET path with the upgrade headers; true once the server
    // answered 101 with the Sec-WebSocket-Accept that belongs to our key.
    [[nodiscard]] bool open(const QByteArray &path = "/edge")
    {
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_server.port());
        if (!m_socket.waitForEncrypted(kTimeoutMs))
            return fail(QStringLiteral("TLS: ") + m_socket.errorString());
        QByteArray nonce(16, '\0');
        for (char &byte : nonce)
            byte = char(QRandomGenerator::global()->bounded(256));
        const QByteArray key = nonce.toBase64();
        m_socket.write(
            "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_server.port()) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
            "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        if (!waitFor([this] { return m_upgraded; }))
            return fail(QStringLiteral("no complete upgrade answer: ") +
                        QString::fromUtf8(m_buffer));
        if (!m_head.startsWith("HTTP/1.1 101 "))
            return fail(QStringLiteral("the upgrade was answered: ") + QString::fromUtf8(m_head));
        const QByteArray expected =
            QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                     QCryptographicHash::Sha1)
                .toBase64();
        if (header("Sec-WebSocket-Accept") != expected)
            return fail(QStringLiteral("wrong Sec-WebSocket-Accept in: ") +
                        QString::fromUtf8(m_head));
        return true;
    }

    // One frame: the first byte as given (FIN and opcode), the mask bit and a
    // fresh key; the length field says declaredLength when given, whatever
    // the payload's size.
    void sendFrame(quint8 firstByte, const QByteArray &payload,
                   std::optional<quint64> declaredLength = std::nullopt)
    {
        const quint64 length = declaredLength.value_or(quint64(payload.size()));
        QByteArray frame;
        frame.append(char(firstByte));
        if (length < 126) {
            frame.append(char(0x80 | length));
        } else if (length <= 0xFFFF) {
            frame.append(char(0x80 | 126));
            const quint16 big = qToBigEndian(quint16(length));
            frame.append(reinterpret_cast<const char *>(&big), sizeof big);
        } else {
            frame.append(char(0x80 | 127));
            const quint64 big = qToBigEndian(length);
            frame.append(reinterpret_cast<const char *>(&big), sizeof big);
        }
        const quint32 maskKey = QRandomGenerator::global()->generate();
        const char *mask = reinterpret_cast<const char *>(&maskKey);
        frame.append(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload.at(i) ^ mask[i % 4]));
        m_socket.write(frame);
    }
    void sendText(const QByteArray &text) { sendFrame(0x80 | Text, text); }
    // Bytes as given, framed or not: for dribbling a frame.
    void sendRaw(const QByteArray &bytes) { m_socket.write(bytes); }
    void sendJson(const QJsonObject &message) { sendText(jsonBody(message)); }

    // Runs the event loop until the condition holds or the connection ends
    // (or timeoutMs pass); the condition's value then.
    [[nodiscard]] bool waitFor(const std::function<bool()> &condition, int timeoutMs = kTimeoutMs)
    {
        SignalWaiter waiter(timeoutMs);
        waiter.wakeOn(&m_socket, &QSslSocket::readyRead);
        waiter.wakeOn(&m_socket, &QSslSocket::disconnected);
        (void)waiter.waitFor(
            [&] { return condition() || m_socket.state() == QAbstractSocket::UnconnectedState; });
        return condition();
    }
    [[nodiscard]] bool waitForTexts(qsizetype count, int timeoutMs = kTimeoutMs)
    {
        return waitFor([this, count] { return m_texts.size() >= count; }, timeoutMs);
    }
    // Waits for the server's close frame; false if none came.
    [[nodiscard]] bool waitForClose(int timeoutMs = kTimeoutMs)
    {
        return waitFor([this] { return m_closeCode >= 0; }, timeoutMs);
    }

    // The auth exchange; true when the server accepted it.
    [[nodiscard]] bool authenticate(const QJsonObject &credentials)
    {
        QJsonObject message = credentials;
        message.insert(QLatin1StringView("id"), 1);
        message.insert(QLatin1StringView("type"), QStringLiteral("auth"));
        sendJson(message);
        if (!waitForTexts(1))
            return fail(QStringLiteral("no answer to auth"));
        if (json(0).value(QLatin1StringView("type")) != QStringLiteral("result"))
            return fail(QStringLiteral("auth answered ") + QString::fromUtf8(m_texts.first()));
        return true;
    }

    [[nodiscard]] const QList<Frame> &frames() const { return m_frames; }
    [[nodiscard]] qsizetype count(quint8 opcode) const
    {
        return std::count_if(m_frames.cbegin(), m_frames.cend(),
                             [opcode](const Frame &f) { return f.opcode == opcode; });
    }
    [[nodiscard]] const QList<QByteArray> &texts() const { return m_texts; }
    [[nodiscard]] QJsonObject json(qsizetype i) const
    {
        return QJsonDocument::fromJson(m_texts.value(i)).object();
    }
    [[nodiscard]] bool closed() const { return m_closeCode >= 0; }
    [[nodiscard]] int closeCode() const { return m_closeCode; }
    [[nodiscard]] QString closeReason() const { return m_closeReason; }
    [[nodiscard]] bool isOpen() const
    {
        return m_closeCode < 0 && m_socket.state() == QAbstractSocket::ConnectedState;
    }
    // Protocol errors seen in the server's frames; empty when there were none.
    [[nodiscard]] QString problems() const { return m_problems; }
    [[nodiscard]] QString errorString() const { return m_error; }

private:
    bool fail(const QString &why)
    {
        m_error = why;
        return false;
    }

    [[nodiscard]] QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : m_head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }

    void parse()
    {
        if (!m_upgraded) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_head = m_buffer.left(end);
            m_buffer.remove(0, end + 4);
            m_upgraded = true;
        }
        while (m_buffer.size() >= 2) {
            const auto first = quint8(m_buffer.at(0));
            const auto second = quint8(m_buffer.at(1));
            qsizetype offset = 2;
            quint64 length = second & 0x7F;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    return;
                length = qFromBigEndian<quint16>(m_buffer.constData() + 2);
                offset = 4;
            } else if (length == 127) {
                if (m_buffer.size() < 10)
                    return;
                length = qFromBigEndian<quint64>(m_buffer.constData() + 2);
                offset = 10;
            }
            if (quint64(m_buffer.size() - offset) < length)
                return;
            if (second & 0x80)
                m_problems += QStringLiteral("a server frame is masked; ");
            if (!(first & 0x80))
                m_problems += QStringLiteral("a fragmented server frame; ");
            const Frame frame{quint8(first & 0x0F), m_buffer.mid(offset, qsizetype(length))};
            m_buffer.remove(0, offset + qsizetype(length));
            m_frames.append(frame);
            switch (frame.opcode) {
            case Text:
                if (m_closeCode >= 0)
                    m_problems += QStringLiteral("a text frame after the close frame; ");
                m_texts.append(frame.payload);
                break;
            case Close:
                if (m_closeCode >= 0)
                    m_problems += QStringLiteral("a second close frame; ");
                m_closeCode = frame.payload.size() >= 2
                                  ? qFromBigEndian<quint16>(frame.payload.constData())
                                  : 1005;
                m_closeReason = QString::fromUtf8(frame.payload.mid(2));
                break;
            case Ping:
                if (m_pings == Pings::Answer)
                    sendFrame(0x80 | Pong, frame.payload);
                break;
            default:
                break;
            }
        }
    }

    const HeadlessServer &m_server;
    const Pings m_pings;
    QSslSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_head;
    bool m_upgraded = false;
    QList<Frame> m_frames;
    QList<QByteArray> m_texts;
    int m_closeCode = -1;
    QString m_closeReason;
    QString m_problems;
    QString m_error;
};

} // namespace BulwarkTest
