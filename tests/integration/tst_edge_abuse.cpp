// Edge abuse against the real server over real TLS (docs/protocol.md, "Frames",
// "Errors and close codes", "Limits"): an oversized message or frame, invalid
// UTF-8, text that is not JSON, a flood past the rate limit, no auth in time
// and a binary frame before auth each get exactly the documented reply and
// close code, while a fleet of well-behaved devices (bound, pushing updates,
// acknowledged, seen on /api/events) is served unharmed during and after.
// And failures that must not tell an attacker anything: refused app keys
// (unknown, deleted, disabled, expired) fail alike, and binding an unknown
// Thing answers byte for byte as binding one the device may not see, or one
// it sees but has no Read on.
//
// What QWebSocket will not send (invalid UTF-8, a frame header announcing
// more than is sent, fragments) goes through a minimal RFC 6455 client over
// QSslSocket written here; its received text frames are kept as bytes so
// that replies can be compared exactly.
#include "AccessFixture.h"
#include "HeadlessServer.h"
#include "RawWebSocket.h"
#include "WebSocketClient.h"

#include <QJsonArray>
#include <QTest>
#include <QWebSocket>

#include <algorithm>
#include <memory>
#include <optional>

using namespace BulwarkTest;

namespace {

// The configured rate limit: small, so that a flood is quick to reach it.
constexpr int kMessagesPerSecond = 20;
constexpr int kBurst = 40;
constexpr qsizetype kMaximumMessage = 1024 * 1024;
// The configured authentication deadline ([edge] auth_timeout_seconds, 15 s
// by default), and a bound far above it for the wait for the close.
constexpr int kAuthTimeoutSeconds = 4;
constexpr int kAuthTimeoutWaitMs = 30000;
// Bounds the wait for the close of a session flooding for 10 s.
constexpr int kFloodWaitMs = 25000;

const QString kDevicePassword = u"granite-willow-harbor-73"_s;

QString errorCode(const QJsonObject &reply)
{
    return reply["error"_L1]["code"_L1].toString();
}

QByteArray errorReply(const QJsonValue &id, const QString &code, const QString &message)
{
    return jsonBody({{"id"_L1, id},
                     {"type"_L1, "error"_L1},
                     {"error"_L1, QJsonObject{{"code"_L1, code}, {"message"_L1, message}}}});
}

} // namespace

class TestEdgeAbuse final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void oversizedMessageIsClosed1009();
    void oversizedFrameIsRefusedBeforeItArrives();
    void invalidUtf8IsClosed1007();
    void textThatIsNotJsonIsAnswered();
    void textThatIsNotJsonBeforeAuth();
    void binaryFrameBeforeAuthIsClosed();
    void floodIsLimitedThenClosed();
    void refusedAppKeysFailAlike();
    void bindFailuresAreAlike();
    // Last: it waits out the 15 s deadline of a connection opened at the start.
    void noAuthInTimeIsClosed();

private:
    // Well-behaved devices, each bound to its own Thing, and a subscriber
    // that sees their values on /api/events.
    struct Fleet
    {
        std::vector<std::unique_ptr<WebSocketClient>> devices;
        std::unique_ptr<WebSocketClient> events;
        QList<int> pending; // the ids of updates sent, one per device
    };
    static constexpr int kFleetSize = 3;
    [[nodiscard]] static QString fleetThing(int i) { return u"Healthy%1"_s.arg(i); }

    // Each device sends an update with value round; sendUpdates does not wait.
    void sendUpdates(int round);
    // Each was acknowledged, the values are stored, and the subscriber saw them.
    void expectServed(int round);
    // sendUpdates + expectServed.
    void serve(int round)
    {
        sendUpdates(round);
        expectServed(round);
    }
    [[nodiscard]] std::unique_ptr<RawWebSocket> signedInRaw();
    [[nodiscard]] QString createKey(const QString &name, const QJsonObject &extra = {});

    std::unique_ptr<HeadlessServer> m_server;
    Fleet m_fleet;
    QString m_adminKey;
    QString m_fieldKey;
    int m_round = 0;
    // Opened at the start, never authenticated.
    std::unique_ptr<RawWebSocket> m_silent;
};

QString TestEdgeAbuse::createKey(const QString &name, const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert("name"_L1, name);
    const Answer made = m_server->post(u"/api/ApplicationKeys"_s, body);
    if (made.status != 201) {
        qWarning() << "POST /api/ApplicationKeys answered" << made.status << made.body;
        return {};
    }
    return made.json().value("secret"_L1).toString();
}

void TestEdgeAbuse::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig(
        "[edge]\nmessages_per_second=" + QByteArray::number(kMessagesPerSecond) +
        "\nburst=" + QByteArray::number(kBurst) +
        "\nauth_timeout_seconds=" + QByteArray::number(kAuthTimeoutSeconds) + "\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    // Opened first, so that the authentication deadline runs out while the
    // other tests run.
    m_silent = std::make_unique<RawWebSocket>(*m_server);
    QVERIFY2(m_silent->open(), qPrintable(m_silent->errorString()));

    RestSetup setup(*m_server, kDevicePassword);
    const QJsonObject level{
        {"properties"_L1,
         QJsonArray{QJsonObject{{"name"_L1, "level"_L1}, {"baseType"_L1, "NUMBER"_L1}}}}};
    for (int i = 0; i < kFleetSize; ++i)
        setup.makeThing(fleetThing(i), {}, level);
    // "field-gw" sees Visible1 without any rule, and does not see Hidden1.
    setup.makeThing(u"Visible1"_s, {}, level);
    setup.makeThing(u"Hidden1"_s, {}, level);
    setup.makeUser(u"field-gw"_s, kDevicePassword);
    setup.makeOrganization(u"Yard"_s, {{u"Gate"_s, u"Yard"_s}});
    setup.setUnitMembers(u"Yard/Gate"_s, {user(u"field-gw"_s)});
    setup.setVisibility(u"Things/Visible1/Visibility"_s, {u"Yard/Gate"_s});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    m_adminKey = createKey(u"fleet"_s);
    QVERIFY(m_adminKey.startsWith(u"bwk_"_s));
    m_fieldKey = createKey(u"field"_s, {{"user"_L1, "field-gw"_L1}});
    QVERIFY(m_fieldKey.startsWith(u"bwk_"_s));

    QNetworkRequest eventsRequest(m_server->url(u"/api/events"_s, u"wss"_s));
    eventsRequest.setRawHeader("Authorization",
                               Credentials{kAdministrator, kAdminPassword}.basicHeader());
    m_fleet.events = std::make_unique<WebSocketClient>(m_server->sslConfiguration());
    QVERIFY(m_fleet.events->open(eventsRequest));
    QVERIFY(m_fleet.events->waitForMessages(1)); // hello
    for (int i = 0; i < kFleetSize; ++i) {
        auto device = std::make_unique<WebSocketClient>(m_server->sslConfiguration());
        QVERIFY(device->open(QNetworkRequest(m_server->url(u"/edge"_s, u"wss"_s))));
        const QJsonObject auth = device->call({{"type"_L1, "auth"_L1}, {"appKey"_L1, m_adminKey}});
        QVERIFY2(auth["result"_L1]["protocol"_L1].toInt() >= 1, jsonBody(auth).constData());
        const QJsonObject bound =
            device->call({{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{fleetThing(i)}}});
        QCOMPARE(bound["result"_L1]["bound"_L1].toArray(), QJsonArray{fleetThing(i)});
        m_fleet.devices.push_back(std::move(device));
    }
    serve(++m_round);
}

void TestEdgeAbuse::cleanupTestCase()
{
    // Whatever happened, the fleet was served to the end.
    QCOMPARE(m_fleet.devices.size(), size_t(kFleetSize));
    serve(++m_round);
    for (const auto &device : m_fleet.devices)
        QCOMPARE(device->socket().state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->stop(), 0);
}

void TestEdgeAbuse::sendUpdates(int round)
{
    m_fleet.pending.clear();
    for (int i = 0; i < kFleetSize; ++i) {
        static int nextId = 10000;
        const int id = nextId++;
        m_fleet.devices[i]->send({{"id"_L1, id},
                                  {"type"_L1, "update"_L1},
                                  {"thing"_L1, fleetThing(i)},
                                  {"values"_L1, QJsonArray{QJsonObject{{"property"_L1, "level"_L1},
                                                                       {"value"_L1, round}}}}});
        m_fleet.pending.append(id);
    }
}

void TestEdgeAbuse::expectServed(int round)
{
    QCOMPARE(m_fleet.pending.size(), kFleetSize);
    for (int i = 0; i < kFleetSize; ++i) {
        const QJsonObject ack = m_fleet.devices[i]->reply(m_fleet.pending.at(i));
        QVERIFY2(
            !ack.isEmpty(),
            qPrintable(u"device %1 got no answer to its update of round %2"_s.arg(i).arg(round)));
        QCOMPARE(ack["result"_L1].toObject(), (QJsonObject{{"accepted"_L1, 1}, {"stale"_L1, 0}}));
        const QJsonObject changed = m_fleet.events->waitFor([&](const QJsonObject &m) {
            return m["type"_L1] == u"propertyChanged"_s && m["thing"_L1] == fleetThing(i) &&
                   m["value"_L1].toInt() == round;
        });
        QVERIFY2(
            !changed.isEmpty(),
            qPrintable(u"no propertyChanged of %1 in round %2"_s.arg(fleetThing(i)).arg(round)));
        QCOMPARE(changed["source"_L1].toString(), u"edge"_s);
        const Answer stored =
            m_server->get(u"/api/Things/%1/Properties/level"_s.arg(fleetThing(i)));
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.json()["value"_L1].toInt(), round);
    }
    m_fleet.pending.clear();
}

std::unique_ptr<RawWebSocket> TestEdgeAbuse::signedInRaw()
{
    auto raw = std::make_unique<RawWebSocket>(*m_server);
    if (!raw->open() || !raw->authenticate({{"appKey"_L1, m_adminKey}})) {
        qWarning() << raw->errorString();
        return nullptr;
    }
    return raw;
}

void TestEdgeAbuse::oversizedMessageIsClosed1009()
{
    // A message over 1 MiB in fragments that are each below the limit.
    auto raw = signedInRaw();
    QVERIFY(raw);
    const QByteArray half(kMaximumMessage / 2 + 1024, 'x');
    raw->sendFrame(Text, "{\"id\":2,\"type\":\"ping\",\"pad\":\"" + half); // FIN not set
    sendUpdates(++m_round);
    raw->sendFrame(0x80 | Continuation, half + "\"}");
    QVERIFY2(raw->waitForClose(), "the server did not close a session that sent 1 MiB + 2 KiB");
    QCOMPARE(raw->closeCode(), 1009);
    QCOMPARE(raw->closeReason(), u"Received message is too big."_s);
    QCOMPARE(raw->texts().size(), 1); // the auth reply only
    QVERIFY2(raw->problems().isEmpty(), qPrintable(raw->problems()));
    expectServed(m_round);

    // Exactly 1 MiB is allowed, and answered.
    auto fits = signedInRaw();
    QVERIFY(fits);
    const QByteArray head = "{\"id\":3,\"type\":\"ping\",\"pad\":\"";
    fits->sendText(head + QByteArray(kMaximumMessage - head.size() - 2, 'y') + "\"}");
    QVERIFY(fits->waitForTexts(2));
    QCOMPARE(fits->json(1)["result"_L1]["pong"_L1].toBool(), true);
    QVERIFY(fits->isOpen());
    serve(++m_round);
}

void TestEdgeAbuse::oversizedFrameIsRefusedBeforeItArrives()
{
    // The header announces 2 MiB; only 1 KiB follows. The server must refuse
    // on the header alone: were it buffering, it would wait for the rest.
    auto raw = signedInRaw();
    QVERIFY(raw);
    raw->sendFrame(0x80 | Text, QByteArray(1024, 'z'), quint64(2 * kMaximumMessage));
    sendUpdates(++m_round);
    QVERIFY2(raw->waitForClose(), "a frame announcing 2 MiB was not refused on its header");
    QCOMPARE(raw->closeCode(), 1009);
    QCOMPARE(raw->texts().size(), 1);
    expectServed(m_round);

    // Before authentication too.
    RawWebSocket early(*m_server);
    QVERIFY2(early.open(), qPrintable(early.errorString()));
    early.sendFrame(0x80 | Text, QByteArray(1024, 'z'), quint64(2 * kMaximumMessage));
    QVERIFY(early.waitForClose());
    QCOMPARE(early.closeCode(), 1009);
    QVERIFY(early.texts().isEmpty());
    serve(++m_round);
}

void TestEdgeAbuse::invalidUtf8IsClosed1007()
{
    auto raw = signedInRaw();
    QVERIFY(raw);
    // "\xC3\x28": a two-byte sequence whose second byte is no continuation.
    raw->sendText("{\"id\":2,\"type\":\"ping\",\"note\":\"\xC3\x28\"}");
    sendUpdates(++m_round);
    QVERIFY2(raw->waitForClose(), "a text frame with invalid UTF-8 did not close the session");
    QCOMPARE(raw->closeCode(), 1007);
    QCOMPARE(raw->closeReason(), u"Invalid UTF-8 code encountered."_s);
    QCOMPARE(raw->texts().size(), 1);
    expectServed(m_round);

    // An overlong encoding of '/', and invalid UTF-8 before authentication.
    RawWebSocket early(*m_server);
    QVERIFY2(early.open(), qPrintable(early.errorString()));
    early.sendText("{\"type\":\"auth\",\"user\":\"\xC0\xAF\"}");
    QVERIFY(early.waitForClose());
    QCOMPARE(early.closeCode(), 1007);
    QVERIFY(early.texts().isEmpty());
    serve(++m_round);
}

void TestEdgeAbuse::textThatIsNotJsonIsAnswered()
{
    auto raw = signedInRaw();
    QVERIFY(raw);
    raw->sendText("not json");
    raw->sendText("[1,2]");
    raw->sendText("{\"id\":5,\"type\":\"ping\"");
    sendUpdates(++m_round);
    raw->sendJson({{"id"_L1, 6}, {"type"_L1, "ping"_L1}});
    QVERIFY(raw->waitForTexts(5));
    // Exactly as docs/protocol.md records them.
    QCOMPARE(
        raw->texts().at(1),
        errorReply(QJsonValue(), u"bad-request"_s,
                   u"Each text message must be one JSON object: illegal value at offset 1."_s));
    QCOMPARE(raw->texts().at(2),
             errorReply(QJsonValue(), u"bad-request"_s,
                        u"Each text message must be one JSON object: got a JSON value that is "
                        "not an object."_s));
    QCOMPARE(raw->json(3)["id"_L1], QJsonValue()); // unparsed: its id is unknown
    QCOMPARE(errorCode(raw->json(3)), u"bad-request"_s);
    QCOMPARE(raw->json(4)["id"_L1].toInt(), 6);
    QCOMPARE(raw->json(4)["result"_L1]["pong"_L1].toBool(), true);
    QVERIFY(raw->isOpen());
    expectServed(m_round);
}

void TestEdgeAbuse::textThatIsNotJsonBeforeAuth()
{
    // docs/protocol.md: "a message other than auth that arrives before the
    // session is authenticated ... closes the connection".
    RawWebSocket raw(*m_server);
    QVERIFY2(raw.open(), qPrintable(raw.errorString()));
    raw.sendText("not json");
    sendUpdates(++m_round);
    QVERIFY(raw.waitForTexts(1));
    QCOMPARE(raw.json(0)["id"_L1], QJsonValue());
    expectServed(m_round);
    QCOMPARE(errorCode(raw.json(0)), u"unauthorized"_s);
    QVERIFY(raw.waitForClose());
    QCOMPARE(raw.closeCode(), 1008);
    QCOMPARE(raw.closeReason(), u"authenticate first"_s);
}

void TestEdgeAbuse::binaryFrameBeforeAuthIsClosed()
{
    RawWebSocket raw(*m_server);
    QVERIFY2(raw.open(), qPrintable(raw.errorString()));
    raw.sendFrame(0x80 | Binary, QByteArray("\x00\x01firmware", 10));
    sendUpdates(++m_round);
    QVERIFY(raw.waitForClose());
    QCOMPARE(raw.closeCode(), 1008);
    QCOMPARE(raw.closeReason(), u"authenticate first"_s);
    QCOMPARE(raw.texts(),
             QList<QByteArray>{errorReply(QJsonValue(), u"unauthorized"_s,
                                          u"Authenticate first with {\"type\":\"auth\",…}."_s)});
    QVERIFY2(raw.problems().isEmpty(), qPrintable(raw.problems()));
    expectServed(m_round);

    // Also while auth is being checked: the auth never completes.
    RawWebSocket racing(*m_server);
    QVERIFY2(racing.open(), qPrintable(racing.errorString()));
    // A password (an Argon2id check off the I/O thread) rather than an app
    // key, which may be answered at once from the server's cache.
    racing.sendJson({{"id"_L1, 1},
                     {"type"_L1, "auth"_L1},
                     {"user"_L1, "field-gw"_L1},
                     {"password"_L1, kDevicePassword}});
    racing.sendFrame(0x80 | Binary, QByteArray("chunk"));
    QVERIFY(racing.waitForClose());
    QCOMPARE(racing.closeCode(), 1008);
    QCOMPARE(racing.closeReason(), u"authenticate first"_s);
    QCOMPARE(racing.json(0)["id"_L1], QJsonValue());
    QCOMPARE(errorCode(racing.json(0)), u"unauthorized"_s);
    for (qsizetype i = 0; i < racing.texts().size(); ++i)
        QVERIFY2(racing.json(i)["type"_L1] != u"result"_s,
                 "a session closed for a binary frame before auth was still signed in");
    serve(++m_round);
}

void TestEdgeAbuse::floodIsLimitedThenClosed()
{
    auto raw = signedInRaw();
    QVERIFY(raw);
    // Three times the bucket at once: the bucket's worth answered, the rest
    // refused one by one, the session open.
    constexpr int kAtOnce = 3 * kBurst;
    for (int i = 0; i < kAtOnce; ++i)
        raw->sendJson({{"id"_L1, 100 + i}, {"type"_L1, "ping"_L1}});
    serve(++m_round);
    QVERIFY(raw->waitForTexts(1 + kAtOnce));
    int answered = 0;
    int refused = 0;
    const QString refusal =
        u"This session sends more than %1 messages per second (bursts of %2); this message was "
        "not handled. Slow down: a session over the limit for 10 s is closed."_s
            .arg(kMessagesPerSecond)
            .arg(kBurst);
    for (int i = 0; i < kAtOnce; ++i) {
        const QJsonObject reply = raw->json(1 + i);
        QCOMPARE(reply["id"_L1].toInt(), 100 + i); // in order, each answered once
        if (reply["type"_L1] == u"result"_s) {
            ++answered;
        } else {
            QCOMPARE(raw->texts().at(1 + i), errorReply(100 + i, u"too-many-requests"_s, refusal));
            ++refused;
        }
    }
    QVERIFY2(answered >= kBurst && refused > 0,
             qPrintable(u"%1 answered, %2 refused"_s.arg(answered).arg(refused)));
    QVERIFY(raw->isOpen());

    // A flood that goes on: closed once it has been over the limit for 10 s,
    // while the fleet is served throughout.
    QTimer flood;
    int sent = 0;
    QObject::connect(&flood, &QTimer::timeout, &flood, [&] {
        for (int i = 0; i < 10; ++i)
            raw->sendJson({{"id"_L1, 1000 + sent++}, {"type"_L1, "ping"_L1}});
    });
    flood.start(20); // about 500 messages a second, 25 times the limit
    // The fleet sends its next round as soon as the last one was answered.
    QTimer fleetTicker;
    int roundsDuringFlood = 0;
    QStringList fleetProblems;
    QObject::connect(&fleetTicker, &QTimer::timeout, &fleetTicker, [&] {
        for (int i = 0; i < m_fleet.pending.size(); ++i) {
            const int id = m_fleet.pending.at(i);
            const auto &messages = m_fleet.devices[i]->messages();
            const auto ack = std::find_if(messages.cbegin(), messages.cend(),
                                          [id](const QJsonObject &m) { return m["id"_L1] == id; });
            if (ack == messages.cend())
                return; // not answered yet
            if ((*ack)["result"_L1]["accepted"_L1].toInt() != 1)
                fleetProblems << QString::fromUtf8(jsonBody(*ack));
        }
        if (!m_fleet.pending.isEmpty())
            ++roundsDuringFlood;
        sendUpdates(++m_round);
    });
    fleetTicker.start(50);
    const bool closed = raw->waitForClose(kFloodWaitMs);
    flood.stop();
    fleetTicker.stop();
    if (!m_fleet.pending.isEmpty())
        expectServed(m_round);
    QVERIFY2(fleetProblems.isEmpty(), qPrintable(fleetProblems.join(u'\n')));
    QVERIFY2(roundsDuringFlood > 0, "no update of the fleet was answered during the flood");
    serve(++m_round);
    int handledDuringFlood = 0;
    for (qsizetype i = 1 + kAtOnce; i < raw->texts().size(); ++i)
        handledDuringFlood += raw->json(i)["type"_L1] == u"result"_s ? 1 : 0;
    qInfo() << "flood:" << sent << "messages sent," << handledDuringFlood << "handled";
    QVERIFY2(closed, qPrintable(u"still open after %1 messages"_s.arg(sent)));
    QCOMPARE(raw->closeCode(), 1008);
    QCOMPARE(raw->closeReason(), u"rate limit exceeded"_s);
}

void TestEdgeAbuse::refusedAppKeysFailAlike()
{
    // Each refused key: one error reply with the auth's id, code
    // unauthorized, then close 1008 "authentication failed", nothing else.
    const auto refusal = [this](const QString &secret) -> QByteArray {
        RawWebSocket raw(*m_server);
        if (!raw.open())
            return "cannot connect: " + raw.errorString().toUtf8();
        raw.sendJson({{"id"_L1, 1}, {"type"_L1, "auth"_L1}, {"appKey"_L1, secret}});
        if (!raw.waitForClose())
            return "not closed; received: " + raw.texts().join('\n');
        if (raw.closeCode() != 1008 || raw.closeReason() != u"authentication failed"_s)
            return "closed " + QByteArray::number(raw.closeCode()) + ' ' +
                   raw.closeReason().toUtf8();
        if (raw.texts().size() != 1 || !raw.problems().isEmpty())
            return "received: " + raw.texts().join('\n') + ' ' + raw.problems().toUtf8();
        return raw.texts().first();
    };
    const auto expected = [](const QString &message) {
        return errorReply(1, u"unauthorized"_s, message);
    };

    // An expired key: made to live 1 s, used once it has expired.
    const QString expiring = createKey(u"short-lived"_s, {{"expiresInSeconds"_L1, 1}});
    QVERIFY(!expiring.isEmpty());
    // A disabled key, and a deleted one.
    const QString disabled = createKey(u"switched-off"_s);
    QCOMPARE(m_server->put(u"/api/ApplicationKeys/switched-off"_s, {{"enabled"_L1, false}}).status,
             200);
    const QString deleted = createKey(u"gone"_s);
    QCOMPARE(m_server->remove(u"/api/ApplicationKeys/gone"_s).status, 204);

    // Not a key at all, one that never existed, one deleted: byte-identical.
    const QByteArray notValid = expected(u"The application key is not valid."_s);
    QCOMPARE(refusal(u"not-a-key"_s), notValid);
    QString unknown = m_adminKey;
    unknown[unknown.size() - 5] = unknown.at(unknown.size() - 5) == u'A' ? u'B' : u'A';
    QCOMPARE(refusal(unknown), notValid);
    QCOMPARE(refusal(deleted), notValid);
    // A disabled or expired key too: the reason is only in the server's log
    // and the audit record.
    QCOMPARE(refusal(disabled), notValid);

    SignalWaiter untilExpired(kTimeoutMs);
    QTimer poll;
    poll.start(100);
    untilExpired.wakeOn(&poll, &QTimer::timeout);
    QVERIFY(untilExpired.waitFor([this] {
        return m_server->get(u"/api/ApplicationKeys/short-lived"_s).json()["expired"_L1].toBool();
    }));
    QCOMPARE(refusal(expiring), notValid);

    // A wrong password and an unknown user: byte-identical.
    const auto passwordRefusal = [this](const QString &name,
                                        const QString &password) -> QByteArray {
        RawWebSocket raw(*m_server);
        if (!raw.open())
            return QByteArray("cannot connect");
        raw.sendJson(
            {{"id"_L1, 1}, {"type"_L1, "auth"_L1}, {"user"_L1, name}, {"password"_L1, password}});
        if (!raw.waitForClose() || raw.closeCode() != 1008 ||
            raw.closeReason() != u"authentication failed"_s || raw.texts().size() != 1)
            return "not refused alike: " + raw.texts().join('\n');
        return raw.texts().first();
    };
    const QByteArray wrongPassword = passwordRefusal(u"field-gw"_s, u"not-the-password-9"_s);
    QCOMPARE(wrongPassword, expected(u"The user name or password is wrong, or the account "
                                     "cannot sign in."_s));
    QCOMPARE(passwordRefusal(u"no-such-gw"_s, u"not-the-password-9"_s), wrongPassword);
    serve(++m_round);
}

void TestEdgeAbuse::bindFailuresAreAlike()
{
    // field-gw signs in with its key (it has no rule on any Thing).
    RawWebSocket raw(*m_server);
    QVERIFY2(raw.open(), qPrintable(raw.errorString()));
    QVERIFY2(raw.authenticate({{"appKey"_L1, m_fieldKey}}), qPrintable(raw.errorString()));
    QCOMPARE(raw.json(0)["result"_L1]["user"_L1].toString(), u"field-gw"_s);
    const auto ask = [&raw](const QJsonObject &message) {
        const qsizetype before = raw.texts().size();
        raw.sendJson(message);
        return raw.waitForTexts(before + 1) ? raw.texts().at(before) : QByteArray();
    };
    const auto bind = [&](const QString &thing) {
        return ask({{"id"_L1, 7}, {"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{thing}}});
    };
    const auto update = [&](const QString &thing) {
        return ask(
            {{"id"_L1, 8},
             {"type"_L1, "update"_L1},
             {"thing"_L1, thing},
             {"values"_L1, QJsonArray{QJsonObject{{"property"_L1, "level"_L1}, {"value"_L1, 1}}}}});
    };

    // Invisible, then the same name once it no longer exists: byte for byte.
    const QByteArray invisible = bind(u"Hidden1"_s);
    const QByteArray updateInvisible = update(u"Hidden1"_s);
    QCOMPARE(m_server->remove(u"/api/Things/Hidden1"_s).status, 204);
    const QByteArray missing = bind(u"Hidden1"_s);
    QCOMPARE(invisible, missing);
    QCOMPARE(update(u"Hidden1"_s), updateInvisible);
    const QJsonObject outcome = QJsonDocument::fromJson(missing).object();
    QCOMPARE(outcome["result"_L1]["bound"_L1].toArray(), QJsonArray());
    QCOMPARE(
        outcome["result"_L1]["things"_L1].toArray(),
        (QJsonArray{QJsonObject{
            {"thing"_L1, "Hidden1"_L1},
            {"bound"_L1, false},
            {"error"_L1, QJsonObject{{"code"_L1, "not-found"_L1},
                                     {"message"_L1, "Thing 'Hidden1' does not exist."_L1}}}}}));
    QCOMPARE(errorCode(QJsonDocument::fromJson(updateInvisible).object()), u"not-bound"_s);
    // And a name that never existed answers the same but for the name.
    QCOMPARE(bind(u"Zq9Hidden1"_s), QByteArray(missing).replace("Hidden1", "Zq9Hidden1"));

    // Visible, but the key's user has no Read on it: the same again.
    QCOMPARE(bind(u"Visible1"_s), QByteArray(missing).replace("Hidden1", "Visible1"));
    // Nothing was bound by any of it.
    const Answer connection = m_server->get(u"/api/Things/Visible1/Connection"_s);
    QCOMPARE(connection.json(), (QJsonObject{{"connected"_L1, false}}));
    QVERIFY(raw.isOpen());
    serve(++m_round);
}

void TestEdgeAbuse::noAuthInTimeIsClosed()
{
    // Opened in initTestCase, nothing sent since.
    QVERIFY2(m_silent->waitForClose(kAuthTimeoutWaitMs),
             "a connection that never authenticated was not closed");
    QCOMPARE(m_silent->closeCode(), 1008);
    QCOMPARE(m_silent->closeReason(), u"authentication timeout"_s);
    QVERIFY(m_silent->texts().isEmpty());
    QVERIFY2(m_silent->problems().isEmpty(), qPrintable(m_silent->problems()));
    serve(++m_round);
}

QTEST_GUILESS_MAIN(TestEdgeAbuse)
#include "tst_edge_abuse.moc"
