// Edge keepalive against the real server (docs/protocol.md, "Limits"): the
// server pings every [edge] ping_interval_seconds and closes a session that
// sent nothing (no message, no pong) for two intervals with 1008 "keepalive
// timeout". QWebSocket answers pings by itself, so the silent device is a raw
// RFC 6455 client (tests/common/RawWebSocket.h) that never answers them.
#include "../common/HeadlessServer.h"
#include "../common/RawWebSocket.h"

#include <QTest>
#include <QWebSocket>

#include <algorithm>
#include <utility>

using namespace BulwarkTest;

namespace {

// The shortest interval EdgeSettings accepts: the test waits a few seconds.
constexpr int kPingIntervalSeconds = 1;
// Bounds every wait: far above the 2 intervals (plus one timer tick) after
// which a silent session is closed, far below the test's timeout.
constexpr int kWaitMs = 15000;

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
        auto raw = std::make_unique<RawWebSocket>(*m_server, RawWebSocket::Pings::Ignore);
        if (!raw->open()) {
            qWarning() << raw->errorString();
            return nullptr;
        }
        raw->sendText(authMessage(1));
        if (!raw->waitFor([&raw] { return raw->count(Text) > 0; }, kWaitMs))
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
        if (!raw.waitFor([&raw] { return raw.closed(); }, kWaitMs))
            return {0, {}};
        return {raw.closeCode(), raw.closeReason()};
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
