// An acknowledged property update from a device is durable (issue 5,
// docs/protocol.md `update`): a device streams updates over real TLS with
// several in flight, the server is killed with SIGKILL at a random moment
// mid-stream, and after a restart on the same data directory the stored
// value of each property is the last one acknowledged, or a later one that
// was sent but not yet answered, with the time it was sent with. Three kills
// in a row, then a clean stop and SQLite's integrity check. The same against
// PostgreSQL when BULWARK_TEST_POSTGRES_URL gives one.
#include "AccessFixture.h"
#include "DatabaseChecks.h"
#include "HeadlessServer.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QWebSocket>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>

using namespace BulwarkTest;

namespace {

const QString kThing = u"Boiler7"_s;
const QString kDeviceUser = u"boiler-device"_s;
const QString kDevicePassword = u"quartz-Lantern-river-58"_s;
const QString kUnit = u"Plant/Devices"_s;

constexpr int kKills = 3;
constexpr int kWindow = 8;           // update messages in flight at once
constexpr int kMaximumBatch = 4;     // values in one message (every property at most once)
constexpr int kKillAfterMinMs = 30;  // the kill comes this long after the first
constexpr int kKillAfterMaxMs = 900; // acknowledgement of a round, at random
constexpr int kStreamBoundMs = 20000;

enum class Kind
{
    Number,
    Integer,
    String
};

struct Property
{
    QString name;
    QString baseType;
    Kind kind;
};

const std::array<Property, 4> kProperties{{{u"temperature"_s, u"NUMBER"_s, Kind::Number},
                                           {u"pressure"_s, u"NUMBER"_s, Kind::Number},
                                           {u"count"_s, u"INTEGER"_s, Kind::Integer},
                                           {u"label"_s, u"STRING"_s, Kind::String}}};

// Each value sent has a sequence number, unique across the whole test, that
// the stored value gives back.
QJsonValue valueOf(Kind kind, qint64 sequence)
{
    switch (kind) {
    case Kind::Number:
        return double(sequence) + 0.25; // exact in binary
    case Kind::Integer:
        return sequence;
    case Kind::String:
        return u"v%1"_s.arg(sequence);
    }
    return {};
}

std::optional<qint64> sequenceOf(Kind kind, const QJsonValue &value)
{
    switch (kind) {
    case Kind::Number:
        if (value.isDouble() && value.toDouble() - 0.25 == std::floor(value.toDouble()))
            return qint64(std::floor(value.toDouble()));
        break;
    case Kind::Integer:
        if (value.isDouble() && value.toDouble() == std::floor(value.toDouble()))
            return qint64(value.toDouble());
        break;
    case Kind::String:
        if (value.isString() && value.toString().startsWith(u'v')) {
            bool ok = false;
            const qint64 sequence = value.toString().mid(1).toLongLong(&ok);
            if (ok)
                return sequence;
        }
        break;
    }
    return std::nullopt;
}

QString isoTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

enum class Fate
{
    InFlight,     // sent, no answer (yet, or ever: the server was killed)
    Acknowledged, // result received: must survive
    Refused       // error received: must not be stored
};

struct SentValue
{
    QDateTime time;
    Fate fate = Fate::InFlight;
    qint64 messageId = 0;
};

// What every property was sent, over the whole test.
struct Ledger
{
    qint64 nextSequence = 1;
    QDateTime lastTime;
    std::array<QMap<qint64, SentValue>, kProperties.size()> sent;
    std::array<qint64, kProperties.size()> lastAcknowledged{}; // 0: none

    // Strictly increasing times (the newest time wins on the server).
    QDateTime nextTime()
    {
        QDateTime now = QDateTime::currentDateTimeUtc();
        if (lastTime.isValid() && now <= lastTime)
            now = lastTime.addMSecs(1);
        lastTime = now;
        return now;
    }
};

// A device on /edge that streams update messages with a window in flight.
class Device final
{
public:
    Device(const HeadlessServer &server, Ledger &ledger)
        : m_ledger(ledger)
    {
        m_socket.setSslConfiguration(server.sslConfiguration());
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &text) { onText(text); });
        m_resume.setSingleShot(true);
        QObject::connect(&m_resume, &QTimer::timeout, &m_socket, [this] {
            m_paused = false;
            fill();
        });
        m_url = server.url(u"/edge"_s, u"wss"_s);
    }
    Q_DISABLE_COPY_MOVE(Device)

    // Opens, authenticates with the app key and binds the Thing; empty when
    // all went well, otherwise what did not.
    [[nodiscard]] QString connectAndBind(const QString &appKey)
    {
        m_socket.open(m_url);
        SignalWaiter opened;
        opened.wakeOn(&m_socket, &QWebSocket::stateChanged);
        if (!opened.waitFor([this] {
                return m_socket.state() == QAbstractSocket::ConnectedState ||
                       m_socket.state() == QAbstractSocket::UnconnectedState;
            }) ||
            m_socket.state() != QAbstractSocket::ConnectedState)
            return u"the WebSocket to /edge did not open: "_s + m_socket.errorString();

        const QJsonObject auth =
            call({{"id"_L1, u"auth"_s}, {"type"_L1, "auth"_L1}, {"appKey"_L1, appKey}});
        if (auth.value("type"_L1) != "result"_L1)
            return u"auth was not accepted: "_s + QString::fromUtf8(jsonBody(auth));
        const QJsonObject authResult = auth.value("result"_L1).toObject();
        if (authResult.value("user"_L1).toString() != kDeviceUser ||
            authResult.value("protocol"_L1).toInt() < 1)
            return u"auth should answer the key's user and protocol >= 1 (update): "_s +
                   QString::fromUtf8(jsonBody(auth));

        const QJsonObject bind =
            call({{"id"_L1, u"bind"_s}, {"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{kThing}}});
        if (bind.value("result"_L1).toObject().value("bound"_L1).toArray() != QJsonArray{kThing})
            return u"bind did not bind %1: "_s.arg(kThing) + QString::fromUtf8(jsonBody(bind));
        return {};
    }

    void startStreaming(std::function<void()> firstAcknowledgement)
    {
        m_onFirstAcknowledgement = std::move(firstAcknowledgement);
        m_streaming = true;
        fill();
    }
    // Sends nothing more; answers still arriving are recorded.
    void stopStreaming() { m_streaming = false; }

    [[nodiscard]] QWebSocket &socket() { return m_socket; }
    [[nodiscard]] const QStringList &problems() const { return m_problems; }
    [[nodiscard]] int acknowledged() const { return m_acknowledged; }
    [[nodiscard]] int refused() const { return m_refused; }
    [[nodiscard]] int sent() const { return m_sentMessages; }
    [[nodiscard]] int inFlight() const { return int(m_inFlight.size()); }

private:
    struct InFlight
    {
        QList<std::pair<int, qint64>> values; // property index, sequence
    };

    // One request before streaming, and its answer.
    QJsonObject call(const QJsonObject &message)
    {
        m_pendingCall = message.value("id"_L1);
        m_callAnswer = {};
        m_socket.sendTextMessage(QString::fromUtf8(jsonBody(message)));
        SignalWaiter waiter;
        waiter.wakeOn(&m_socket, &QWebSocket::textMessageReceived);
        waiter.wakeOn(&m_socket, &QWebSocket::disconnected);
        const bool answered = waiter.waitFor([this] {
            return !m_callAnswer.isEmpty() || m_socket.state() == QAbstractSocket::UnconnectedState;
        });
        m_pendingCall = QJsonValue();
        if (!answered || m_callAnswer.isEmpty())
            return {{"error"_L1, u"no answer (closed: %1 %2)"_s.arg(m_socket.closeCode())
                                     .arg(m_socket.closeReason())}};
        return m_callAnswer;
    }

    void fill()
    {
        while (m_streaming && !m_paused && m_inFlight.size() < kWindow &&
               m_socket.state() == QAbstractSocket::ConnectedState)
            sendOne();
    }

    void sendOne()
    {
        auto *random = QRandomGenerator::global();
        std::array<int, kProperties.size()> order{};
        for (int i = 0; i < int(order.size()); ++i)
            order[i] = i;
        std::shuffle(order.begin(), order.end(), *random);
        // About half the messages carry one value, the rest 2..kMaximumBatch.
        const int count = random->bounded(2) == 0 ? 1 : 2 + random->bounded(kMaximumBatch - 1);

        const qint64 id = ++m_lastId;
        InFlight message;
        QJsonArray values;
        for (int i = 0; i < count; ++i) {
            const int property = order[i];
            const qint64 sequence = m_ledger.nextSequence++;
            const QDateTime time = m_ledger.nextTime();
            m_ledger.sent[property].insert(sequence, {time, Fate::InFlight, id});
            message.values.append({property, sequence});
            values.append(QJsonObject{{"property"_L1, kProperties[property].name},
                                      {"value"_L1, valueOf(kProperties[property].kind, sequence)},
                                      {"time"_L1, isoTime(time)},
                                      {"quality"_L1, "good"_L1}});
        }
        m_inFlight.insert(id, message);
        ++m_sentMessages;
        m_socket.sendTextMessage(QString::fromUtf8(jsonBody({{"id"_L1, id},
                                                             {"type"_L1, "update"_L1},
                                                             {"thing"_L1, kThing},
                                                             {"values"_L1, values}})));
    }

    void onText(const QString &text)
    {
        const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
        const QJsonValue id = message.value("id"_L1);
        if (!m_pendingCall.isUndefined() && !m_pendingCall.isNull() && id == m_pendingCall) {
            m_callAnswer = message;
            return;
        }
        const auto found =
            id.isDouble() ? m_inFlight.find(qint64(id.toDouble())) : m_inFlight.end();
        if (found == m_inFlight.end()) {
            m_problems.append(u"an answer that matches no update in flight: "_s + text);
            return;
        }
        const InFlight sent = found.value();
        m_inFlight.erase(found);
        const QString type = message.value("type"_L1).toString();
        if (type == u"result") {
            const QJsonObject result = message.value("result"_L1).toObject();
            if (result.value("accepted"_L1).toInt(-1) != sent.values.size() ||
                result.value("stale"_L1).toInt(0) != 0)
                m_problems.append(u"update %1 carried %2 values with strictly increasing times; "
                                  "the result should be {\"accepted\": %2, \"stale\": 0}: %3"_s
                                      .arg(id.toInteger())
                                      .arg(sent.values.size())
                                      .arg(text));
            for (const auto &[property, sequence] : sent.values) {
                m_ledger.sent[property][sequence].fate = Fate::Acknowledged;
                m_ledger.lastAcknowledged[property] =
                    std::max(m_ledger.lastAcknowledged[property], sequence);
            }
            if (m_acknowledged++ == 0 && m_onFirstAcknowledgement)
                m_onFirstAcknowledgement();
        } else {
            for (const auto &[property, sequence] : sent.values)
                m_ledger.sent[property][sequence].fate = Fate::Refused;
            const QString code = message.value("error"_L1).toObject().value("code"_L1).toString();
            ++m_refused;
            if (code == u"too-many-requests") {
                // The per-session rate limit (raised by the test, so not
                // expected): back off a little, as a device would.
                m_paused = true;
                m_resume.start(20);
            } else {
                m_problems.append(u"update %1 was refused: %2"_s.arg(id.toInteger()).arg(text));
                m_streaming = false; // one such answer says enough
            }
        }
        fill();
    }

    Ledger &m_ledger;
    QWebSocket m_socket;
    QUrl m_url;
    QTimer m_resume;
    QHash<qint64, InFlight> m_inFlight;
    qint64 m_lastId = 0;
    QJsonValue m_pendingCall;
    QJsonObject m_callAnswer;
    std::function<void()> m_onFirstAcknowledgement;
    QStringList m_problems;
    int m_acknowledged = 0;
    int m_refused = 0;
    int m_sentMessages = 0;
    bool m_streaming = false;
    bool m_paused = false;
};

// Empty when the stored values fit the ledger; otherwise each mismatch.
QStringList checkStoredValues(const HeadlessServer &server, const Ledger &ledger)
{
    const Answer answer = server.get(u"/api/Things/%1/Properties"_s.arg(kThing));
    if (answer.status != 200)
        return {u"GET /api/Things/%1/Properties answered %2 %3%4"_s.arg(kThing)
                    .arg(answer.status)
                    .arg(QString::fromUtf8(answer.body), answer.networkError)};
    QHash<QString, QJsonObject> items;
    for (const QJsonValue item : answer.json().value("items"_L1).toArray())
        items.insert(item.toObject().value("name"_L1).toString(), item.toObject());

    QStringList mismatches;
    for (int p = 0; p < int(kProperties.size()); ++p) {
        const Property &property = kProperties[p];
        const QJsonObject item = items.value(property.name);
        const QJsonValue value = item.value("value"_L1);
        const qint64 acknowledged = ledger.lastAcknowledged[p];
        const QString what = u"property '%1' (%2)"_s.arg(property.name, property.baseType);
        if (item.isEmpty()) {
            mismatches.append(what + u": missing from "_s + QString::fromUtf8(answer.body));
            continue;
        }
        if (value.isNull() || value.isUndefined()) {
            if (acknowledged != 0)
                mismatches.append(u"%1: no value stored, but value #%2 (sent at %3) was "
                                  "acknowledged: an acknowledged update was lost"_s.arg(what)
                                      .arg(acknowledged)
                                      .arg(isoTime(ledger.sent[p].value(acknowledged).time)));
            continue;
        }
        const std::optional<qint64> stored = sequenceOf(property.kind, value);
        const auto sent = stored ? ledger.sent[p].constFind(*stored) : ledger.sent[p].cend();
        if (!stored || sent == ledger.sent[p].cend()) {
            mismatches.append(u"%1: the stored value %2 was never sent"_s.arg(
                what, QString::fromUtf8(
                          QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))));
            continue;
        }
        if (*stored < acknowledged)
            mismatches.append(u"%1: the stored value is #%2 (sent at %3), but #%4 (sent at %5, "
                              "update id %6) was acknowledged before the kill: an acknowledged "
                              "update was lost"_s.arg(what)
                                  .arg(*stored)
                                  .arg(isoTime(sent->time))
                                  .arg(acknowledged)
                                  .arg(isoTime(ledger.sent[p].value(acknowledged).time))
                                  .arg(ledger.sent[p].value(acknowledged).messageId));
        if (sent->fate == Fate::Refused)
            mismatches.append(u"%1: the stored value #%2 was refused with an error (update id "
                              "%3), yet it is stored"_s.arg(what)
                                  .arg(*stored)
                                  .arg(sent->messageId));
        const QDateTime storedTime =
            QDateTime::fromString(item.value("time"_L1).toString(), Qt::ISODateWithMs);
        if (storedTime != sent->time)
            mismatches.append(
                u"%1: value #%2 is stored with time '%3'; it was sent with %4"_s.arg(what)
                    .arg(*stored)
                    .arg(item.value("time"_L1).toString(), isoTime(sent->time)));
    }
    return mismatches;
}

} // namespace

class TestEdgeDurability final : public QObject
{
    Q_OBJECT

private slots:
    void acknowledgedUpdatesSurviveSigkill_data();
    void acknowledgedUpdatesSurviveSigkill();
};

void TestEdgeDurability::acknowledgedUpdatesSurviveSigkill_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("postgresql") << u"postgresql"_s;
}

void TestEdgeDurability::acknowledgedUpdatesSurviveSigkill()
{
    QFETCH(QString, backend);
    HeadlessServer server;
    PostgresForTest postgres(server);
    if (backend == u"postgresql") {
        BULWARK_REQUIRE_POSTGRES(postgres);
        const QString error = postgres.prepare(u"bulwark_edge_durability"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // As fast as the acknowledgements come back: the per-session rate limit
    // (200 messages/s by default) would otherwise pace the device.
    QVERIFY(server.writeConfig("[edge]\nmessages_per_second = 100000\nburst = 100000\n"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    // The scene, as the Administrator: the Thing, a device user who sees it
    // through a unit and may Read it and write its properties, and its key.
    RestSetup setup(server, kDevicePassword);
    QJsonArray properties;
    for (const Property &property : kProperties)
        properties.append(
            QJsonObject{{"name"_L1, property.name}, {"baseType"_L1, property.baseType}});
    setup.makeThing(kThing, {}, {{"properties"_L1, properties}});
    setup.makeUser(kDeviceUser, kDevicePassword);
    setup.makeOrganization(u"Plant"_s, {{u"Devices"_s, u"Plant"_s}});
    setup.setUnitMembers(kUnit, {user(kDeviceUser)});
    setup.setVisibility(u"Things/%1/Visibility"_s.arg(kThing), {kUnit});
    setup.setRules(
        u"Things/%1/Permissions"_s.arg(kThing),
        {rule(user(kDeviceUser), u"Read"_s), rule(user(kDeviceUser), u"PropertyWrite"_s)});
    const Answer key = server.post(
        u"/api/ApplicationKeys"_s,
        {{"name"_L1, "boiler7-key"_L1}, {"user"_L1, kDeviceUser}, {"expiresInSeconds"_L1, 3600}});
    setup.expect(key, 201, u"POST /api/ApplicationKeys"_s);
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    const QString appKey = key.json().value("secret"_L1).toString();
    QVERIFY(appKey.startsWith(u"bwk_"_s));

    Ledger ledger;
    for (int round = 1; round <= kKills; ++round) {
        Device device(server, ledger);
        const QString connected = device.connectAndBind(appKey);
        QVERIFY2(connected.isEmpty(), qPrintable(u"round %1: %2"_s.arg(round).arg(connected)));

        // The kill: a random moment after the first acknowledgement.
        bool killed = false;
        bool killReturned = false;
        const int killAfterMs = kKillAfterMinMs + QRandomGenerator::global()->bounded(
                                                      kKillAfterMaxMs - kKillAfterMinMs);
        QTimer killTimer;
        killTimer.setSingleShot(true);
        QObject::connect(&killTimer, &QTimer::timeout, &killTimer, [&] {
            device.stopStreaming();
            killed = server.kill();
            killReturned = true;
        });
        device.startStreaming([&] { killTimer.start(killAfterMs); });

        SignalWaiter streamed(kStreamBoundMs);
        streamed.wakeOn(&device.socket(), &QWebSocket::disconnected);
        streamed.wakeOn(&device.socket(), &QWebSocket::textMessageReceived);
        streamed.wakeOn(&killTimer, &QTimer::timeout);
        const bool ended = streamed.waitFor([&] {
            const bool closed = device.socket().state() == QAbstractSocket::UnconnectedState;
            if (killReturned || killTimer.isActive())
                return killReturned && closed;
            // No kill coming: the stream failed before its first acknowledgement.
            return closed || (!device.problems().isEmpty() && device.inFlight() == 0);
        });
        const QString summary =
            u"round %1 (kill %2 ms after the first acknowledgement): %3 update messages sent, "
            "%4 acknowledged, %5 refused for the rate limit, %6 unanswered"_s.arg(round)
                .arg(killAfterMs)
                .arg(device.sent())
                .arg(device.acknowledged())
                .arg(device.refused())
                .arg(device.inFlight());
        qInfo("%s", qPrintable(summary));
        QVERIFY2(device.problems().isEmpty(),
                 qPrintable(summary + u"\n"_s + device.problems().join(u'\n')));
        QVERIFY2(device.acknowledged() > 0,
                 qPrintable(summary + u": no update was acknowledged, so nothing was tested. "
                                      "Last close: %1 %2"_s.arg(device.socket().closeCode())
                                          .arg(device.socket().closeReason())));
        QVERIFY2(ended && killed,
                 qPrintable(summary + u": the server was not killed, or the device's connection "
                                      "did not end, within %1 ms"_s.arg(kStreamBoundMs)));

        QVERIFY2(server.start(),
                 qPrintable(u"restart after kill %1: "_s.arg(round) + server.errorString()));
        const Answer health =
            server.request(Request("GET", u"/api/health"_s).withCredentials(std::nullopt));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value("status"_L1).toString(), u"ok"_s);
        QCOMPARE(health.json().value("storage"_L1).toString(), backend);

        const QStringList mismatches = checkStoredValues(server, ledger);
        QVERIFY2(mismatches.isEmpty(),
                 qPrintable(summary + u"\nafter the restart:\n"_s + mismatches.join(u'\n')));
    }

    QCOMPARE(server.stop(), 0);
    if (backend == u"sqlite")
        QCOMPARE(sqliteIntegrity(server.dataDir() + u"/bulwark.db"_s), u"ok"_s);
}

QTEST_GUILESS_MAIN(TestEdgeDurability)
#include "tst_edge_durability.moc"
