// Edge keepalive against the real server (docs/protocol.md, "Limits"): the
// server pings every [edge] ping_interval_seconds and closes a session that
// sent nothing (no message, no pong) for two intervals with 1008 "keepalive
// timeout". QWebSocket answers pings by itself, so the silent device is a raw
// RFC 6455 client over QSslSocket that never answers them.
#include "../common/HeadlessServer.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

#include <algorithm>
#include <utility>

using namespace BulwarkTest;

namespace {

// The shortest interval EdgeSettings accepts: the test waits a few seconds.
constexpr int kPingIntervalSeconds = 1;
// Bounds every wait: far above the 2 intervals (plus one timer tick) after
// which a silent session is closed, far below the test's timeout.
constexpr int kWaitMs = 15000;

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

// A WebSocket client written by hand over TLS: the upgrade, masked client
// frames and unmasked server frames, and nothing answered on its own.
class RawWebSocket final
{
public:
    explicit RawWebSocket(const HeadlessServer &server)
        : m_server(server)
    {
        m_socket.setSslConfiguration(server.sslConfiguration());
        QObject::connect(&m_socket, &QSslSocket::readyRead, &m_socket, [this] {
            m_buffer += m_socket.readAll();
            parse();
        });
    }
    Q_DISABLE_COPY_MOVE(RawWebSocket)

    // TLS, then GET /edge with the upgrade headers; true once the server
    // answered 101 with the Sec-WebSocket-Accept that belongs to our key.
    [[nodiscard]] bool open()
    {
        m_socket.connectToHostEncrypted(u"127.0.0.1"_s, m_server.port());
        if (!m_socket.waitForEncrypted(kTimeoutMs))
            return fail(u"TLS: "_s + m_socket.errorString());
        QByteArray nonce(16, '\0');
        for (char &byte : nonce)
            byte = char(QRandomGenerator::global()->bounded(256));
        const QByteArray key = nonce.toBase64();
        m_socket.write("GET /edge HTTP/1.1\r\n"
                       "Host: 127.0.0.1:" +
                       QByteArray::number(m_server.port()) +
                       "\r\n"
                       "Upgrade: websocket\r\n"
                       "Connection: Upgrade\r\n"
                       "Sec-WebSocket-Key: " +
                       key +
                       "\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n");
        if (!waitFor([this] { return m_upgraded; }))
            return fail(u"no complete upgrade answer: "_s + QString::fromUtf8(m_buffer));
        const QByteArray expected =
            QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                     QCryptographicHash::Sha1)
                .toBase64();
        if (!m_head.startsWith("HTTP/1.1 101 "))
            return fail(u"the upgrade was answered: "_s + QString::fromUtf8(m_head));
        if (header("Sec-WebSocket-Accept") != expected)
            return fail(u"wrong Sec-WebSocket-Accept in: "_s + QString::fromUtf8(m_head));
        return true;
    }

    void sendText(const QByteArray &text) { send(Text, text); }

    // Runs the event loop until the condition holds, the connection ends or
    // kWaitMs pass; the condition's value at the end.
    [[nodiscard]] bool waitFor(const std::function<bool()> &condition)
    {
        SignalWaiter waiter(kWaitMs);
        waiter.wakeOn(&m_socket, &QSslSocket::readyRead);
        waiter.wakeOn(&m_socket, &QSslSocket::disconnected);
        (void)waiter.waitFor(
            [&] { return condition() || m_socket.state() == QAbstractSocket::UnconnectedState; });
        return condition();
    }

    [[nodiscard]] const QList<Frame> &frames() const { return m_frames; }
    [[nodiscard]] qsizetype count(quint8 opcode) const
    {
        return std::count_if(m_frames.cbegin(), m_frames.cend(),
                             [opcode](const Frame &f) { return f.opcode == opcode; });
    }
    [[nodiscard]] bool closed() const { return count(Close) > 0; }
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

    // A client frame: FIN, the opcode, the mask bit and a fresh masking key.
    void send(quint8 opcode, const QByteArray &payload)
    {
        QByteArray frame;
        frame.append(char(0x80 | opcode));
        if (payload.size() < 126) {
            frame.append(char(0x80 | payload.size()));
        } else if (payload.size() <= 0xFFFF) {
            frame.append(char(0x80 | 126));
            const quint16 length = qToBigEndian(quint16(payload.size()));
            frame.append(reinterpret_cast<const char *>(&length), sizeof length);
        } else {
            frame.append(char(0x80 | 127));
            const quint64 length = qToBigEndian(quint64(payload.size()));
            frame.append(reinterpret_cast<const char *>(&length), sizeof length);
        }
        const quint32 maskKey = QRandomGenerator::global()->generate();
        const char *mask = reinterpret_cast<const char *>(&maskKey);
        frame.append(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload.at(i) ^ mask[i % 4]));
        m_socket.write(frame);
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
            if (second & 0x80)
                m_problems += u"a server frame is masked; "_s;
            if (!(first & 0x80))
                m_problems += u"a fragmented server frame; "_s;
            if (quint64(m_buffer.size() - offset) < length)
                return;
            m_frames.append({quint8(first & 0x0F), m_buffer.mid(offset, qsizetype(length))});
            m_buffer.remove(0, offset + qsizetype(length));
        }
    }

    const HeadlessServer &m_server;
    QSslSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_head;
    bool m_upgraded = false;
    QList<Frame> m_frames;
    QString m_problems;
    QString m_error;
};

QJsonObject textOf(const Frame &frame)
{
    return QJsonDocument::fromJson(frame.payload).object();
}

QByteArray authMessage(int id)
{
    return jsonBody({{"id"_L1, id},
                     {"type"_L1, "auth"_L1},
                     {"user"_L1, kAdministrator},
                     {"password"_L1, kAdminPassword}});
}

} // namespace

class TestEdgeKeepalive final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void silentSessionIsClosedAfterTwoIntervals();
    void sessionThatAnswersPingsStays();

private:
    // A raw session signed in as the Administrator; its auth reply is its
    // first frame. Null (with the reason logged) when that failed.
    [[nodiscard]] std::unique_ptr<RawWebSocket> silentDevice()
    {
        auto raw = std::make_unique<RawWebSocket>(*m_server);
        if (!raw->open()) {
            qWarning() << raw->errorString();
            return nullptr;
        }
        raw->sendText(authMessage(1));
        if (!raw->waitFor([&raw] { return raw->count(Text) > 0; }))
            return nullptr;
        const QJsonObject reply = textOf(raw->frames().first());
        if (reply["result"_L1]["user"_L1].toString() != kAdministrator) {
            qWarning() << "auth answered" << reply;
            return nullptr;
        }
        return raw;
    }

    // Waits until the server closed it; the close frame's code and reason.
    [[nodiscard]] static std::pair<int, QString> closeOf(RawWebSocket &raw)
    {
        if (!raw.waitFor([&raw] { return raw.closed(); }))
            return {0, {}};
        for (const Frame &frame : raw.frames()) {
            if (frame.opcode == Close && frame.payload.size() >= 2)
                return {qFromBigEndian<quint16>(frame.payload.constData()),
                        QString::fromUtf8(frame.payload.mid(2))};
        }
        return {-1, {}};
    }

    std::unique_ptr<HeadlessServer> m_server;
};

void TestEdgeKeepalive::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig(
        "[edge]\nping_interval_seconds=" + QByteArray::number(kPingIntervalSeconds) + "\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestEdgeKeepalive::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestEdgeKeepalive::silentSessionIsClosedAfterTwoIntervals()
{
    auto raw = silentDevice();
    QVERIFY(raw);
    const auto [code, reason] = closeOf(*raw);
    QVERIFY2(code > 0, "the server did not close the silent session");
    QCOMPARE(code, 1008);
    QCOMPARE(reason, u"keepalive timeout"_s);
    // Pinged before being closed, and nothing after the close.
    QVERIFY(raw->count(Ping) >= 1);
    const QList<Frame> &frames = raw->frames();
    QCOMPARE(frames.last().opcode, quint8(Close));
    QCOMPARE(raw->count(Close), 1);
    QCOMPARE(raw->count(Text), 1); // the auth reply, nothing else
    for (qsizetype i = 1; i + 1 < frames.size(); ++i)
        QCOMPARE(frames.at(i).opcode, quint8(Ping));
    QVERIFY2(raw->problems().isEmpty(), qPrintable(raw->problems()));
}

void TestEdgeKeepalive::sessionThatAnswersPingsStays()
{
    // The answering device signs in first and then sends nothing of its own;
    // QWebSocket answers each ping with a pong.
    QWebSocket answering;
    answering.setSslConfiguration(m_server->sslConfiguration());
    QList<QJsonObject> received;
    QObject::connect(&answering, &QWebSocket::textMessageReceived, &answering,
                     [&received](const QString &text) {
                         received.append(QJsonDocument::fromJson(text.toUtf8()).object());
                     });
    answering.open(m_server->url(u"/edge"_s, u"wss"_s));
    {
        SignalWaiter waiter(kWaitMs);
        waiter.wakeOn(&answering, &QWebSocket::textMessageReceived);
        waiter.wakeOn(&answering, &QWebSocket::stateChanged);
        QVERIFY(waiter.waitFor(
            [&answering] { return answering.state() != QAbstractSocket::ConnectingState; }));
        QCOMPARE(answering.state(), QAbstractSocket::ConnectedState);
        answering.sendTextMessage(QString::fromUtf8(authMessage(1)));
        QVERIFY(waiter.waitFor([&received] { return !received.isEmpty(); }));
        QCOMPARE(received.first()["result"_L1]["user"_L1].toString(), kAdministrator);
    }

    // Two silent devices, one after the other, each signed in after it: the
    // keepalive closes each of them while the answering one, silent longer
    // but for its pongs, stays.
    for (int round = 0; round < 2; ++round) {
        auto silent = silentDevice();
        QVERIFY(silent);
        const auto [code, reason] = closeOf(*silent);
        QCOMPARE(code, 1008);
        QCOMPARE(reason, u"keepalive timeout"_s);
        QCOMPARE(answering.state(), QAbstractSocket::ConnectedState);
    }

    // Still served: a close of the answering session in the same keepalive
    // tick as the last silent one would have ended it before this reply.
    answering.sendTextMessage(u"{\"id\":2,\"type\":\"ping\"}"_s);
    SignalWaiter waiter(kWaitMs);
    waiter.wakeOn(&answering, &QWebSocket::textMessageReceived);
    waiter.wakeOn(&answering, &QWebSocket::disconnected);
    QVERIFY2(waiter.waitFor([&] {
        return received.size() >= 2 || answering.state() == QAbstractSocket::UnconnectedState;
    }) && received.size() >= 2,
             qPrintable(u"the answering session was closed: %1 %2"_s.arg(int(answering.closeCode()))
                            .arg(answering.closeReason())));
    QCOMPARE(received.at(1), (QJsonObject{{"id"_L1, 2},
                                          {"type"_L1, "result"_L1},
                                          {"result"_L1, QJsonObject{{"pong"_L1, true}}}}));
    QCOMPARE(received.size(), 2);
    answering.close();
}

QTEST_GUILESS_MAIN(TestEdgeKeepalive)
#include "tst_edge_keepalive.moc"
