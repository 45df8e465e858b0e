// Edge protocol version 1 against the real server over TLS (docs/protocol.md):
// property updates (batched, all or nothing, time and quality, newest wins,
// authorized per property), connection state through REST and live events,
// device events, REST property writes and service calls that reach the
// device (answered, refused, timed out), and the per-session rate limit.
#include "../common/AccessFixture.h"
#include "../common/WebSocketClient.h"

#include <QJsonArray>
#include <QTest>
#include <QWebSocket>

using namespace BulwarkTest;

namespace {

// A device, or a live-event subscriber.
using Socket = WebSocketClient;

QString errorCode(const QJsonObject &reply)
{
    return reply["error"_L1]["code"_L1].toString();
}

QJsonObject value(const QString &property, const QJsonValue &v, const QString &time = {},
                  const QString &quality = {})
{
    QJsonObject o{{"property"_L1, property}, {"value"_L1, v}};
    if (!time.isEmpty())
        o.insert("time"_L1, time);
    if (!quality.isEmpty())
        o.insert("quality"_L1, quality);
    return o;
}

QJsonObject update(const QString &thing, const QJsonArray &values)
{
    return {{"type"_L1, "update"_L1}, {"thing"_L1, thing}, {"values"_L1, values}};
}

const QString kDevicePassword = u"copper-lantern-meadow-58"_s;

} // namespace

class TestEdgeProtocol final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void updateStoresTimeAndQuality();
    void updateIsAllOrNothing();
    void newestTimeWins();
    void updateIsAuthorizedPerProperty();
    void connectionStateThroughRestAndEvents();
    void deviceEventsReachSubscribersWithEventSubscribe();
    void restWriteReachesTheDevice();
    void serviceCalls();
    void rateLimit();

private:
    [[nodiscard]] QNetworkRequest edgeRequest() const
    {
        return QNetworkRequest(m_server->url(u"/edge"_s, u"wss"_s));
    }
    [[nodiscard]] QNetworkRequest eventsRequest(const Credentials &who) const
    {
        QNetworkRequest request(m_server->url(u"/api/events"_s, u"wss"_s));
        request.setRawHeader("Authorization", who.basicHeader());
        return request;
    }
    // A device signed in as who, with things bound.
    [[nodiscard]] std::unique_ptr<Socket> device(const Credentials &who, const QStringList &things)
    {
        auto socket = std::make_unique<Socket>(m_server->sslConfiguration());
        if (!socket->open(edgeRequest()))
            return nullptr;
        const QJsonObject auth = socket->call(
            {{"type"_L1, "auth"_L1}, {"user"_L1, who.user}, {"password"_L1, who.password}});
        if (auth["result"_L1]["protocol"_L1].toInt() != 2)
            return nullptr;
        if (!things.isEmpty()) {
            const QJsonObject bound = socket->call(
                {{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray::fromStringList(things)}});
            if (bound["result"_L1]["bound"_L1].toArray().size() != things.size())
                return nullptr;
        }
        return socket;
    }
    [[nodiscard]] std::unique_ptr<Socket> admin(const QStringList &things)
    {
        return device(Credentials{kAdministrator, kAdminPassword}, things);
    }

    std::unique_ptr<HeadlessServer> m_server;
};

void TestEdgeProtocol::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    // Short device timeouts keep the timeout cases quick; a small bucket
    // makes the rate limit reachable.
    QVERIFY(m_server->writeConfig("[edge]\nwrite_timeout_seconds=1\ninvoke_timeout_seconds=1\n"
                                  "messages_per_second=50\nburst=60\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, kDevicePassword);
    setup.makeThing(
        u"Boiler1"_s, {},
        {{"properties"_L1,
          QJsonArray{QJsonObject{{"name"_L1, "temperature"_L1}, {"baseType"_L1, "NUMBER"_L1}},
                     QJsonObject{{"name"_L1, "pressure"_L1}, {"baseType"_L1, "NUMBER"_L1}},
                     QJsonObject{{"name"_L1, "setpoint"_L1}, {"baseType"_L1, "INTEGER"_L1}}}},
         {"services"_L1, QJsonArray{QJsonObject{
                             {"name"_L1, "Reset"_L1},
                             {"inputs"_L1, QJsonArray{QJsonObject{{"name"_L1, "level"_L1},
                                                                  {"baseType"_L1, "INTEGER"_L1}}}},
                             {"output"_L1, "STRING"_L1}}}},
         {"events"_L1, QJsonArray{QJsonObject{{"name"_L1, "Overheat"_L1}},
                                  QJsonObject{{"name"_L1, "Heartbeat"_L1}}}}});
    setup.makeThing(u"Hidden1"_s);
    // "gw" may see and read Boiler1 and write only its temperature; it may
    // subscribe to Heartbeat only. It does not see Hidden1.
    setup.makeUser(u"gw"_s, kDevicePassword);
    setup.makeOrganization(u"Plant"_s, {{u"Hall"_s, u"Plant"_s}});
    setup.setUnitMembers(u"Plant/Hall"_s, {user(u"gw"_s)});
    setup.setVisibility(u"Things/Boiler1/Visibility"_s, {u"Plant/Hall"_s});
    setup.setRules(u"Things/Boiler1/Permissions"_s,
                   {rule(user(u"gw"_s), u"Read"_s), rule(user(u"gw"_s), u"EventInvoke"_s),
                    rule(user(u"gw"_s), u"PropertyRead"_s),
                    rule(user(u"gw"_s), u"PropertyWrite"_s, u"Allow"_s, u"temperature"_s),
                    rule(user(u"gw"_s), u"EventSubscribe"_s, u"Allow"_s, u"Heartbeat"_s)});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
}

void TestEdgeProtocol::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestEdgeProtocol::updateStoresTimeAndQuality()
{
    Socket events(m_server->sslConfiguration());
    QVERIFY(events.open(eventsRequest(Credentials{kAdministrator, kAdminPassword})));
    auto dev = admin({u"Boiler1"_s});
    QVERIFY(dev);
    const QString time = u"2026-01-02T03:04:05.678Z"_s;
    const QJsonObject r =
        dev->call(update(u"Boiler1"_s, {value(u"temperature"_s, 21.5, time, u"uncertain"_s),
                                        value(u"pressure"_s, 1.25)}));
    QCOMPARE(r["type"_L1].toString(), u"result"_s);
    QCOMPARE(r["result"_L1].toObject(), (QJsonObject{{"accepted"_L1, 2}, {"stale"_L1, 0}}));

    const Answer read = m_server->get(u"/api/Things/Boiler1/Properties/temperature"_s);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json()["value"_L1].toDouble(), 21.5);
    QCOMPARE(read.json()["time"_L1].toString(), time);
    QCOMPARE(read.json()["quality"_L1].toString(), u"uncertain"_s);
    const Answer all = m_server->get(u"/api/Things/Boiler1/Properties"_s);
    const QJsonArray items = all.json()["items"_L1].toArray();
    bool sawPressure = false;
    for (const QJsonValue &item : items) {
        if (item["name"_L1].toString() == u"pressure") {
            sawPressure = true;
            QCOMPARE(item["quality"_L1].toString(), u"good"_s);
            QCOMPARE(item["value"_L1].toDouble(), 1.25);
        }
    }
    QVERIFY(sawPressure);

    const QJsonObject changed = events.waitFor([](const QJsonObject &m) {
        return m["type"_L1].toString() == u"propertyChanged" &&
               m["property"_L1].toString() == u"temperature";
    });
    QCOMPARE(changed, (QJsonObject{{"type"_L1, "propertyChanged"_L1},
                                   {"thing"_L1, "Boiler1"_L1},
                                   {"property"_L1, "temperature"_L1},
                                   {"value"_L1, 21.5},
                                   {"time"_L1, time},
                                   {"quality"_L1, "uncertain"_L1},
                                   {"source"_L1, "edge"_L1}}));
}

void TestEdgeProtocol::updateIsAllOrNothing()
{
    // No device speaks for Boiler1 yet: REST stores the value itself.
    QCOMPARE(m_server->put(u"/api/Things/Boiler1/Properties/pressure"_s, {{"value"_L1, 3}}).status,
             200);
    auto dev = admin({u"Boiler1"_s});
    QVERIFY(dev);
    // Not bound.
    QJsonObject r = dev->call(update(u"Hidden1"_s, {value(u"x"_s, 1)}));
    QCOMPARE(errorCode(r), u"not-bound"_s);
    QVERIFY(r["error"_L1]["message"_L1].toString().contains(u"bind"_s));
    // An unknown property after a good value: named, nothing stored.
    r = dev->call(update(u"Boiler1"_s, {value(u"pressure"_s, 9), value(u"volume"_s, 1)}));
    QCOMPARE(errorCode(r), u"not-found"_s);
    QVERIFY2(r["error"_L1]["message"_L1].toString().contains(u"Value 1 (property 'volume')"_s),
             qPrintable(r["error"_L1]["message"_L1].toString()));
    // A type mismatch.
    r = dev->call(update(u"Boiler1"_s, {value(u"pressure"_s, 9), value(u"setpoint"_s, u"hot"_s)}));
    QCOMPARE(errorCode(r), u"type-mismatch"_s);
    QVERIFY(r["error"_L1]["message"_L1].toString().contains(u"setpoint"_s));
    // A time too far ahead, a bad quality, no values.
    r = dev->call(update(u"Boiler1"_s, {value(u"pressure"_s, 9, u"2999-01-01T00:00:00Z"_s)}));
    QCOMPARE(errorCode(r), u"bad-request"_s);
    r = dev->call(update(u"Boiler1"_s, {value(u"pressure"_s, 9, {}, u"excellent"_s)}));
    QCOMPARE(errorCode(r), u"bad-request"_s);
    r = dev->call(update(u"Boiler1"_s, {}));
    QCOMPARE(errorCode(r), u"bad-request"_s);
    QCOMPARE(m_server->get(u"/api/Things/Boiler1/Properties/pressure"_s).json()["value"_L1],
             QJsonValue(3));
}

void TestEdgeProtocol::newestTimeWins()
{
    auto dev = admin({u"Boiler1"_s});
    QVERIFY(dev);
    const QString newer = u"2026-03-01T10:00:00.000Z"_s;
    QJsonObject r = dev->call(update(u"Boiler1"_s, {value(u"setpoint"_s, 60, newer)}));
    QCOMPARE(r["result"_L1]["accepted"_L1].toInt(), 1);
    r = dev->call(
        update(u"Boiler1"_s, {value(u"setpoint"_s, 50, u"2026-03-01T09:00:00Z"_s, u"bad"_s)}));
    QCOMPARE(r["result"_L1].toObject(), (QJsonObject{{"accepted"_L1, 0}, {"stale"_L1, 1}}));
    const Answer read = m_server->get(u"/api/Things/Boiler1/Properties/setpoint"_s);
    QCOMPARE(read.json()["value"_L1], QJsonValue(60));
    QCOMPARE(read.json()["time"_L1].toString(), newer);
    QCOMPARE(read.json()["quality"_L1].toString(), u"good"_s);
}

void TestEdgeProtocol::updateIsAuthorizedPerProperty()
{
    auto gw = device(Credentials{u"gw"_s, kDevicePassword}, {u"Boiler1"_s});
    QVERIFY(gw);
    QJsonObject r = gw->call(update(u"Boiler1"_s, {value(u"temperature"_s, 30)}));
    QCOMPARE(r["result"_L1]["accepted"_L1].toInt(), 1);
    r = gw->call(update(u"Boiler1"_s, {value(u"temperature"_s, 31), value(u"pressure"_s, 2)}));
    QCOMPARE(errorCode(r), u"forbidden"_s);
    QVERIFY(r["error"_L1]["message"_L1].toString().contains(u"PropertyWrite"_s));
    QCOMPARE(m_server->get(u"/api/Things/Boiler1/Properties/temperature"_s).json()["value"_L1],
             QJsonValue(30));
    // An invisible Thing cannot be bound, exactly like one that does not exist.
    const QJsonObject bind = gw->call(
        {{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{u"Hidden1"_s, u"NoSuchThing"_s}}});
    const QJsonArray things = bind["result"_L1]["things"_L1].toArray();
    QCOMPARE(things.at(0)["error"_L1]["code"_L1].toString(), u"not-found"_s);
    QCOMPARE(
        things.at(0)["error"_L1]["message"_L1].toString(),
        things.at(1)["error"_L1]["message"_L1].toString().replace(u"NoSuchThing"_s, u"Hidden1"_s));
}

void TestEdgeProtocol::connectionStateThroughRestAndEvents()
{
    const Credentials gwCredentials{u"gw"_s, kDevicePassword};
    Socket adminEvents(m_server->sslConfiguration());
    QVERIFY(adminEvents.open(eventsRequest(Credentials{kAdministrator, kAdminPassword})));
    Socket gwEvents(m_server->sslConfiguration());
    QVERIFY(gwEvents.open(eventsRequest(gwCredentials)));
    QVERIFY(!adminEvents.event(u"hello"_s, u"type"_s, u"hello"_s).isEmpty());
    QVERIFY(!gwEvents.event(u"hello"_s, u"type"_s, u"hello"_s).isEmpty());

    QCOMPARE(m_server->get(u"/api/Things/Hidden1/Connection"_s).json(),
             (QJsonObject{{"connected"_L1, false}}));
    {
        auto dev = admin({u"Hidden1"_s});
        QVERIFY(dev);
        const Answer state = m_server->get(u"/api/Things/Hidden1/Connection"_s);
        QCOMPARE(state.status, 200);
        QCOMPARE(state.json()["connected"_L1].toBool(), true);
        QCOMPARE(state.json()["user"_L1].toString(), kAdministrator);
        QVERIFY(!state.json()["since"_L1].toString().isEmpty());
        QVERIFY(!state.json()["remoteAddress"_L1].toString().isEmpty());
        QCOMPARE(m_server->get(u"/api/Things/Hidden1"_s).json()["connection"_L1]["connected"_L1],
                 QJsonValue(true));
        const QJsonObject up = adminEvents.event(u"connectionChanged"_s, u"thing"_s, u"Hidden1"_s);
        QCOMPARE(up["connected"_L1].toBool(), true);
        // gw may not see Hidden1: its REST answer is the one for a missing Thing.
        const Answer hidden =
            requestAs(*m_server, gwCredentials, "GET", u"/api/Things/Hidden1/Connection"_s);
        const Answer missing =
            requestAs(*m_server, gwCredentials, "GET",
                      u"/api/Things/%1/Connection"_s.arg(missingName(u"Hidden1"_s)));
        QVERIFY2(
            differsFromMissing(hidden, u"Hidden1"_s, missing, missingName(u"Hidden1"_s)).isEmpty(),
            qPrintable(
                differsFromMissing(hidden, u"Hidden1"_s, missing, missingName(u"Hidden1"_s))));
    }
    // Disconnected: the state and an event say so.
    const QJsonObject down = adminEvents.waitFor([](const QJsonObject &m) {
        return m["type"_L1].toString() == u"connectionChanged" &&
               m["thing"_L1].toString() == u"Hidden1" && !m["connected"_L1].toBool(true);
    });
    QVERIFY(!down.isEmpty());
    QCOMPARE(m_server->get(u"/api/Things/Hidden1/Connection"_s).json(),
             (QJsonObject{{"connected"_L1, false}}));
    // gw, which may read Boiler1 but not see Hidden1, heard of Boiler1 only.
    auto dev = admin({u"Boiler1"_s});
    QVERIFY(dev);
    QVERIFY(!gwEvents.event(u"connectionChanged"_s, u"thing"_s, u"Boiler1"_s).isEmpty());
    for (const QJsonObject &m : gwEvents.messages())
        QVERIFY(m["thing"_L1].toString() != u"Hidden1");
}

void TestEdgeProtocol::deviceEventsReachSubscribersWithEventSubscribe()
{
    Socket gwEvents(m_server->sslConfiguration());
    QVERIFY(gwEvents.open(eventsRequest(Credentials{u"gw"_s, kDevicePassword})));
    QVERIFY(!gwEvents.event(u"hello"_s, u"type"_s, u"hello"_s).isEmpty());
    auto gw = device(Credentials{u"gw"_s, kDevicePassword}, {u"Boiler1"_s});
    QVERIFY(gw);
    QJsonObject r = gw->call({{"type"_L1, "event"_L1},
                              {"thing"_L1, "Boiler1"_L1},
                              {"event"_L1, "Overheat"_L1},
                              {"data"_L1, QJsonObject{{"temperature"_L1, 97.5}}}});
    QCOMPARE(r["result"_L1].toObject(), (QJsonObject{{"delivered"_L1, true}}));
    r = gw->call({{"type"_L1, "event"_L1},
                  {"thing"_L1, "Boiler1"_L1},
                  {"event"_L1, "Heartbeat"_L1},
                  {"time"_L1, "2026-04-01T00:00:00Z"_L1}});
    QCOMPARE(r["result"_L1]["delivered"_L1].toBool(), true);
    r = gw->call({{"type"_L1, "event"_L1}, {"thing"_L1, "Boiler1"_L1}, {"event"_L1, "Explode"_L1}});
    QCOMPARE(errorCode(r), u"not-found"_s);
    // gw subscribes to Heartbeat only: Overheat (sent first) never reaches it.
    const QJsonObject beat = gwEvents.event(u"thingEvent"_s, u"event"_s, u"Heartbeat"_s);
    QCOMPARE(beat, (QJsonObject{{"type"_L1, "thingEvent"_L1},
                                {"thing"_L1, "Boiler1"_L1},
                                {"event"_L1, "Heartbeat"_L1},
                                {"data"_L1, QJsonObject()},
                                {"time"_L1, "2026-04-01T00:00:00.000Z"_L1}}));
    for (const QJsonObject &m : gwEvents.messages())
        QVERIFY(m["event"_L1].toString() != u"Overheat");
}

void TestEdgeProtocol::restWriteReachesTheDevice()
{
    auto dev = admin({u"Boiler1"_s});
    QVERIFY(dev);
    // The device answers each write: accepts 70, refuses 99, ignores 13.
    QObject::connect(&dev->socket(), &QWebSocket::textMessageReceived, &dev->socket(),
                     [&dev](const QString &text) {
                         const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
                         if (m["type"_L1].toString() != u"write")
                             return;
                         const int v = m["value"_L1].toInt();
                         if (v == 70)
                             dev->send({{"id"_L1, m["id"_L1]},
                                        {"type"_L1, "result"_L1},
                                        {"result"_L1, QJsonObject{{"value"_L1, 70}}}});
                         else if (v == 99)
                             dev->send(
                                 {{"id"_L1, m["id"_L1]},
                                  {"type"_L1, "error"_L1},
                                  {"error"_L1, QJsonObject{{"code"_L1, "bad-request"_L1},
                                                           {"message"_L1, "Above the safe "
                                                                          "maximum of 90."_L1}}}});
                     });
    Answer a = m_server->put(u"/api/Things/Boiler1/Properties/setpoint"_s, {{"value"_L1, 70}});
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json()["value"_L1], QJsonValue(70));
    const QJsonObject write =
        dev->waitFor([](const QJsonObject &m) { return m["type"_L1].toString() == u"write"; });
    QCOMPARE(write["thing"_L1].toString(), u"Boiler1"_s);
    QCOMPARE(write["property"_L1].toString(), u"setpoint"_s);
    QVERIFY(write["id"_L1].toString().startsWith(u"p-"_s));

    a = m_server->put(u"/api/Things/Boiler1/Properties/setpoint"_s, {{"value"_L1, 99}});
    QCOMPARE(a.status, 409);
    QCOMPARE(a.errorCode(), u"device-refused"_s);
    QVERIFY(a.errorMessage().contains(u"safe maximum"_s));
    a = m_server->put(u"/api/Things/Boiler1/Properties/setpoint"_s, {{"value"_L1, 13}});
    QCOMPARE(a.status, 504);
    QCOMPARE(a.errorCode(), u"device-timeout"_s);
    // A type mismatch never reaches the device.
    a = m_server->put(u"/api/Things/Boiler1/Properties/setpoint"_s, {{"value"_L1, u"hot"_s}});
    QCOMPARE(a.status, 400);
    QCOMPARE(m_server->get(u"/api/Things/Boiler1/Properties/setpoint"_s).json()["value"_L1],
             QJsonValue(70));

    // Each write is audited once, with what the device did (newest first):
    // the type mismatch, the timeout, the refusal, the accepted write.
    const QJsonArray records =
        m_server->get(u"/api/Audit?entity=Things/Boiler1/Properties/setpoint&limit=10"_s)
            .json()["items"_L1]
            .toArray();
    QStringList outcomes;
    for (const QJsonValue &r : records)
        outcomes << r["outcome"_L1].toString() + u'/' +
                        r["details"_L1]["status"_L1].toVariant().toString();
    QCOMPARE(outcomes,
             (QStringList{u"failure/400"_s, u"failure/504"_s, u"failure/409"_s, u"success/200"_s}));
}

void TestEdgeProtocol::serviceCalls()
{
    const QString path = u"/api/Things/Boiler1/Services/Reset"_s;
    Answer a = m_server->post(path, {{"parameters"_L1, QJsonObject{{"level"_L1, 2}}}});
    QCOMPARE(a.status, 409);
    QCOMPARE(a.errorCode(), u"not-connected"_s);
    auto dev = admin({u"Boiler1"_s});
    QVERIFY(dev);
    QObject::connect(
        &dev->socket(), &QWebSocket::textMessageReceived, &dev->socket(),
        [&dev](const QString &text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            if (m["type"_L1].toString() != u"invoke")
                return;
            const int level = m["parameters"_L1]["level"_L1].toInt();
            if (level == 2)
                dev->send({{"id"_L1, m["id"_L1]},
                           {"type"_L1, "result"_L1},
                           {"result"_L1, QJsonObject{{"output"_L1, "reset to 2"_L1}}}});
            else if (level == 3)
                dev->send({{"id"_L1, m["id"_L1]},
                           {"type"_L1, "error"_L1},
                           {"error"_L1,
                            QJsonObject{{"code"_L1, "busy"_L1}, {"message"_L1, "Busy."_L1}}}});
        });
    a = m_server->post(path, {{"parameters"_L1, QJsonObject{{"level"_L1, 2}}}});
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json(), (QJsonObject{{"output"_L1, "reset to 2"_L1}}));
    a = m_server->post(path, {{"parameters"_L1, QJsonObject{{"level"_L1, 3}}}});
    QCOMPARE(a.status, 409);
    QCOMPARE(a.errorCode(), u"device-refused"_s);
    a = m_server->post(path, {{"parameters"_L1, QJsonObject{{"level"_L1, 4}}}});
    QCOMPARE(a.status, 504);
    QCOMPARE(a.errorCode(), u"device-timeout"_s);
    // Inputs are checked before the device is asked.
    QCOMPARE(m_server->post(path, {{"parameters"_L1, QJsonObject{}}}).status, 400);
    QCOMPARE(m_server->post(path, {{"parameters"_L1, QJsonObject{{"level"_L1, u"x"_s}}}}).status,
             400);
    QCOMPARE(
        m_server->post(path, {{"parameters"_L1, QJsonObject{{"level"_L1, 2}, {"extra"_L1, 1}}}})
            .status,
        400);
    QCOMPARE(m_server->post(u"/api/Things/Boiler1/Services/Nope"_s, {}).status, 404);
    // gw lacks ServiceInvoke.
    QCOMPARE(requestAs(*m_server, Credentials{u"gw"_s, kDevicePassword}, "POST", path,
                       QJsonObject{{"parameters"_L1, QJsonObject{{"level"_L1, 2}}}})
                 .status,
             403);
}

void TestEdgeProtocol::rateLimit()
{
    auto dev = admin({});
    QVERIFY(dev);
    for (int i = 0; i < 200; ++i)
        dev->send({{"id"_L1, 1000 + i}, {"type"_L1, "ping"_L1}});
    QVERIFY(!dev->reply(1199).isEmpty());
    int limited = 0;
    for (const QJsonObject &m : dev->messages())
        limited += errorCode(m) == u"too-many-requests" ? 1 : 0;
    QVERIFY2(limited > 0, "200 messages at once exceed a bucket of 60");
    QCOMPARE(dev->socket().state(), QAbstractSocket::ConnectedState);
}

QTEST_GUILESS_MAIN(TestEdgeProtocol)
#include "tst_edge_protocol.moc"
