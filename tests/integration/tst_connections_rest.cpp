// What the console's device monitor and user dialogs ask the real server
// (docs/rest-api.md): GET /api/Connections, every connected Thing the caller
// may see and Read with the traffic of the session holding it (and the same
// counters in GET /api/Things/{n}/Connection); POST /api/auth/password-check,
// the password policy's answer without changing anything.
#include "../common/AccessFixture.h"
#include "../common/WebSocketClient.h"

#include <QJsonArray>
#include <QTest>
#include <QWebSocket>

using namespace BulwarkTest;

namespace {

using Socket = WebSocketClient;

const QString kPassword = u"copper-lantern-meadow-58"_s;
const QString kCheckPath = u"/api/auth/password-check"_s;
const QStringList kCounters{u"messagesIn"_s, u"messagesOut"_s, u"bytesIn"_s, u"bytesOut"_s};

QJsonObject update(const QString &thing, double temperature)
{
    return {{"type"_L1, "update"_L1},
            {"thing"_L1, thing},
            {"values"_L1, QJsonArray{QJsonObject{{"property"_L1, "temperature"_L1},
                                                 {"value"_L1, temperature}}}}};
}

// The items of GET /api/Connections by Thing, in the order listed.
QStringList thingsOf(const Answer &answer)
{
    QStringList names;
    const QJsonArray items = answer.json().value("items"_L1).toArray();
    for (const QJsonValue &item : items)
        names << item["thing"_L1].toString();
    return names;
}

QJsonObject itemOf(const Answer &answer, const QString &thing)
{
    const QJsonArray items = answer.json().value("items"_L1).toArray();
    for (const QJsonValue &item : items) {
        if (item["thing"_L1].toString() == thing)
            return item.toObject();
    }
    return {};
}

qint64 counter(const QJsonObject &item, const QString &name)
{
    return item.value(name).toInteger(-1);
}

} // namespace

class TestConnectionsRest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void listsConnectedThingsWithTheirSessionsTraffic();
    void countersGrowWithTraffic();
    void normalUserSeesOnlyWhatItMayRead();
    void disconnectRemovesTheItems();
    void connectionsIsAReadOnlyList();
    void passwordCheckAnswersLikeThePolicy();
    void passwordCheckForOthersIsForAdministrators();
    void passwordCheckRefusesBadRequests();

private:
    // A device signed in as Administrator, with things bound.
    [[nodiscard]] std::unique_ptr<Socket> device(const QStringList &things)
    {
        auto socket = std::make_unique<Socket>(m_server->sslConfiguration());
        if (!socket->open(QNetworkRequest(m_server->url(u"/edge"_s, u"wss"_s))))
            return nullptr;
        const QJsonObject auth = socket->call(
            {{"type"_L1, "auth"_L1}, {"user"_L1, kAdministrator}, {"password"_L1, kAdminPassword}});
        if (auth["type"_L1].toString() != u"result")
            return nullptr;
        const QJsonObject bound = socket->call(
            {{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray::fromStringList(things)}});
        if (bound["result"_L1]["bound"_L1].toArray().size() != things.size())
            return nullptr;
        return socket;
    }
    [[nodiscard]] Answer check(const QJsonObject &body,
                               const Credentials &who = {kAdministrator, kAdminPassword}) const
    {
        return requestAs(*m_server, who, "POST", kCheckPath, body);
    }

    std::unique_ptr<HeadlessServer> m_server;
    // A gateway speaking for Boiler1 and Hidden3; a device for Pump2 and Unread4.
    std::unique_ptr<Socket> m_gateway;
    std::unique_ptr<Socket> m_pump;
    const Credentials m_viewer{u"viewer"_s, kPassword};
};

void TestConnectionsRest::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, kPassword);
    const QJsonObject members{
        {"properties"_L1,
         QJsonArray{QJsonObject{{"name"_L1, "temperature"_L1}, {"baseType"_L1, "NUMBER"_L1}}}}};
    for (const QString &thing : {u"Boiler1"_s, u"Pump2"_s, u"Hidden3"_s, u"Unread4"_s})
        setup.makeThing(thing, {}, members);
    // viewer sees Boiler1, Pump2 and Unread4 and may Read the first two only;
    // it does not see Hidden3.
    setup.makeUser(m_viewer.user, kPassword);
    setup.makeUser(u"operator"_s, kPassword);
    setup.makeOrganization(u"Plant"_s, {{u"Hall"_s, u"Plant"_s}});
    setup.setUnitMembers(u"Plant/Hall"_s, {user(m_viewer.user)});
    for (const QString &thing : {u"Boiler1"_s, u"Pump2"_s, u"Unread4"_s})
        setup.setVisibility(u"Things/"_s + thing + u"/Visibility"_s, {u"Plant/Hall"_s});
    for (const QString &thing : {u"Boiler1"_s, u"Pump2"_s})
        setup.setRules(u"Things/"_s + thing + u"/Permissions"_s,
                       {rule(user(m_viewer.user), u"Read"_s)});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));

    QCOMPARE(thingsOf(m_server->get(u"/api/Connections"_s)), QStringList());
    m_gateway = device({u"Hidden3"_s, u"Boiler1"_s});
    QVERIFY(m_gateway);
    m_pump = device({u"Pump2"_s, u"Unread4"_s});
    QVERIFY(m_pump);
}

void TestConnectionsRest::cleanupTestCase()
{
    m_gateway.reset();
    m_pump.reset();
    QCOMPARE(m_server->stop(), 0);
}

void TestConnectionsRest::listsConnectedThingsWithTheirSessionsTraffic()
{
    const Answer list = m_server->get(u"/api/Connections"_s);
    QCOMPARE(list.status, 200);
    const auto type = std::find_if(list.headers.cbegin(), list.headers.cend(), [](const auto &h) {
        return h.first.compare("Content-Type", Qt::CaseInsensitive) == 0;
    });
    QVERIFY(type != list.headers.cend());
    QCOMPARE(type->second, QByteArray("application/json"));
    // Sorted by Thing, whatever the order of binding.
    QCOMPARE(thingsOf(list), (QStringList{u"Boiler1"_s, u"Hidden3"_s, u"Pump2"_s, u"Unread4"_s}));
    const QJsonObject boiler = itemOf(list, u"Boiler1"_s);
    const QJsonObject hidden = itemOf(list, u"Hidden3"_s);
    const QJsonObject pump = itemOf(list, u"Pump2"_s);
    for (const QString &field : {u"since"_s, u"remoteAddress"_s, u"user"_s, u"lastMessage"_s})
        QVERIFY2(!boiler.value(field).toString().isEmpty(), qPrintable(field));
    QCOMPARE(boiler["user"_L1].toString(), kAdministrator);
    QVERIFY(QDateTime::fromString(boiler["since"_L1].toString(), Qt::ISODateWithMs).isValid());
    QVERIFY(boiler["lastMessage"_L1].toString() >= boiler["since"_L1].toString());
    // The gateway's two Things show its one session and its counters: auth
    // and bind in, their two replies out (no ping is a message).
    QCOMPARE(hidden["session"_L1], boiler["session"_L1]);
    QVERIFY(pump["session"_L1] != boiler["session"_L1]);
    for (const QString &name : kCounters)
        QCOMPARE(counter(hidden, name), counter(boiler, name));
    QCOMPARE(counter(boiler, u"messagesIn"_s), 2);
    QCOMPARE(counter(boiler, u"messagesOut"_s), 2);
    QVERIFY(counter(boiler, u"bytesIn"_s) > 0);
    QVERIFY(counter(boiler, u"bytesOut"_s) > 0);

    // One Thing's connection has the same fields.
    const Answer one = m_server->get(u"/api/Things/Boiler1/Connection"_s);
    QCOMPARE(one.status, 200);
    QJsonObject expected = boiler;
    expected.remove("thing"_L1);
    expected.insert("connected"_L1, true);
    QCOMPARE(one.json(), expected);
}

void TestConnectionsRest::countersGrowWithTraffic()
{
    const QJsonObject before = itemOf(m_server->get(u"/api/Connections"_s), u"Boiler1"_s);
    const QJsonObject pumpBefore = itemOf(m_server->get(u"/api/Connections"_s), u"Pump2"_s);
    // Payload bytes exactly: what the device sent and what it got back.
    qint64 sent = 0;
    qint64 received = 0;
    for (int i = 0; i < 3; ++i) {
        QJsonObject message = update(u"Boiler1"_s, 20 + i);
        message.insert("id"_L1, 1000 + i);
        sent += jsonBody(message).size();
        m_gateway->send(message);
        const QJsonObject reply = m_gateway->reply(1000 + i);
        QCOMPARE(reply["type"_L1].toString(), u"result"_s);
        received += jsonBody(reply).size();
    }
    const Answer list = m_server->get(u"/api/Connections"_s);
    const QJsonObject after = itemOf(list, u"Boiler1"_s);
    QCOMPARE(counter(after, u"messagesIn"_s), counter(before, u"messagesIn"_s) + 3);
    QCOMPARE(counter(after, u"messagesOut"_s), counter(before, u"messagesOut"_s) + 3);
    QCOMPARE(counter(after, u"bytesIn"_s), counter(before, u"bytesIn"_s) + sent);
    QCOMPARE(counter(after, u"bytesOut"_s), counter(before, u"bytesOut"_s) + received);
    QVERIFY(after["lastMessage"_L1].toString() >= before["lastMessage"_L1].toString());
    for (const QString &name : kCounters)
        QCOMPARE(counter(itemOf(list, u"Hidden3"_s), name), counter(after, name));
    // The other session's traffic is its own.
    for (const QString &name : kCounters)
        QCOMPARE(counter(itemOf(list, u"Pump2"_s), name), counter(pumpBefore, name));
    const QJsonObject one = m_server->get(u"/api/Things/Hidden3/Connection"_s).json();
    QCOMPARE(counter(one, u"messagesIn"_s), counter(after, u"messagesIn"_s));
}

void TestConnectionsRest::normalUserSeesOnlyWhatItMayRead()
{
    const Answer list = requestAs(*m_server, m_viewer, "GET", u"/api/Connections"_s);
    QCOMPARE(list.status, 200);
    // Not Hidden3 (invisible) nor Unread4 (visible, no Read).
    QCOMPARE(thingsOf(list), (QStringList{u"Boiler1"_s, u"Pump2"_s}));
    QCOMPARE(counter(itemOf(list, u"Boiler1"_s), u"messagesIn"_s),
             counter(itemOf(m_server->get(u"/api/Connections"_s), u"Boiler1"_s), u"messagesIn"_s));
    // The same decisions as for one Thing's connection.
    QCOMPARE(requestAs(*m_server, m_viewer, "GET", u"/api/Things/Unread4/Connection"_s).status,
             403);
    QCOMPARE(requestAs(*m_server, m_viewer, "GET", u"/api/Things/Hidden3/Connection"_s).status,
             404);
    // A user who sees nothing is listed nothing.
    const Answer none =
        requestAs(*m_server, {u"operator"_s, kPassword}, "GET", u"/api/Connections"_s);
    QCOMPARE(none.status, 200);
    QCOMPARE(none.json(), (QJsonObject{{"items"_L1, QJsonArray()}}));
}

void TestConnectionsRest::disconnectRemovesTheItems()
{
    auto extra = device({u"Pump2"_s});
    QVERIFY(extra);
    // The most recent binder holds Pump2 now; Unread4 stays with the first.
    const Answer both = m_server->get(u"/api/Connections"_s);
    QVERIFY(itemOf(both, u"Pump2"_s)["session"_L1] != itemOf(both, u"Unread4"_s)["session"_L1]);
    extra.reset();
    // Pump2 falls back to the session that still speaks for it.
    QTRY_COMPARE(itemOf(m_server->get(u"/api/Connections"_s), u"Pump2"_s)["session"_L1],
                 itemOf(m_server->get(u"/api/Connections"_s), u"Unread4"_s)["session"_L1]);
    m_pump.reset();
    QTRY_COMPARE(thingsOf(m_server->get(u"/api/Connections"_s)),
                 (QStringList{u"Boiler1"_s, u"Hidden3"_s}));
    QCOMPARE(m_server->get(u"/api/Things/Pump2/Connection"_s).json(),
             (QJsonObject{{"connected"_L1, false}}));
    QCOMPARE(thingsOf(requestAs(*m_server, m_viewer, "GET", u"/api/Connections"_s)),
             QStringList{u"Boiler1"_s});
}

void TestConnectionsRest::connectionsIsAReadOnlyList()
{
    QCOMPARE(m_server->post(u"/api/Connections"_s, {}).status, 405);
    QCOMPARE(m_server->get(u"/api/Connections/Boiler1"_s).status, 404);
    Request anonymous("GET", u"/api/Connections"_s);
    anonymous.credentials.reset();
    QCOMPARE(m_server->request(anonymous).status, 401);
}

void TestConnectionsRest::passwordCheckAnswersLikeThePolicy()
{
    // A weak password: the words POST /api/Users refuses it with.
    const QString weak = u"password"_s;
    const Answer refused =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "newbie"_L1}, {"password"_L1, weak}});
    QCOMPARE(refused.status, 400);
    QVERIFY(!refused.errorMessage().isEmpty());
    Answer answer = check({{"password"_L1, weak}, {"user"_L1, "newbie"_L1}});
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json(),
             (QJsonObject{{"acceptable"_L1, false}, {"message"_L1, refused.errorMessage()}}));
    // The user's name in the password is refused for that user only.
    const QString named = u"newbie-copper-lantern-meadow"_s;
    answer = check({{"password"_L1, named}, {"user"_L1, "newbie"_L1}});
    QCOMPARE(answer.json()["acceptable"_L1], QJsonValue(false));
    QVERIFY2(answer.json()["message"_L1].toString().contains(u"user name"_s),
             answer.body.constData());
    QCOMPARE(check({{"password"_L1, named}, {"user"_L1, "someone"_L1}}).json(),
             (QJsonObject{{"acceptable"_L1, true}}));
    // A strong one for a user that does not exist yet: acceptable, and
    // nothing was made.
    const QString strong = u"violet-harbour-tractor-91"_s;
    answer = check({{"password"_L1, strong}, {"user"_L1, "newbie"_L1}});
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json(), (QJsonObject{{"acceptable"_L1, true}}));
    QCOMPARE(m_server->get(u"/api/Users/newbie"_s).status, 404);
    // Any user about themselves, naming themselves or not; nothing changes:
    // the old password still signs in.
    answer = check({{"password"_L1, strong}}, m_viewer);
    QCOMPARE(answer.json(), (QJsonObject{{"acceptable"_L1, true}}));
    answer = check({{"password"_L1, u"viewer12345678"_s}, {"user"_L1, m_viewer.user}}, m_viewer);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json()["acceptable"_L1], QJsonValue(false));
    QCOMPARE(requestAs(*m_server, m_viewer, "GET", u"/api/auth/session"_s).status, 200);
    // The password is nowhere in the audit trail.
    const Answer audit = m_server->get(u"/api/Audit?limit=1000"_s);
    QCOMPARE(audit.status, 200);
    QVERIFY(!audit.body.contains(strong.toUtf8()));
    QVERIFY(!audit.body.contains(named.toUtf8()));
}

void TestConnectionsRest::passwordCheckForOthersIsForAdministrators()
{
    const Answer other = check(
        {{"password"_L1, "violet-harbour-tractor-91"_L1}, {"user"_L1, "operator"_L1}}, m_viewer);
    QCOMPARE(other.status, 403);
    QVERIFY(other.errorMessage().contains(u"Administrators"_s));
    // Refused before the body is looked at any further.
    QCOMPARE(check({{"user"_L1, "operator"_L1}}, m_viewer).status, 403);
    QCOMPARE(check({{"password"_L1, "x"_L1}, {"user"_L1, "nobody-at-all"_L1}}, m_viewer).status,
             403);
}

void TestConnectionsRest::passwordCheckRefusesBadRequests()
{
    QCOMPARE(check({}).status, 400);
    QCOMPARE(check({{"password"_L1, 5}}).status, 400);
    QCOMPARE(check({{"password"_L1, "violet-harbour-tractor-91"_L1}, {"user"_L1, 7}}).status, 400);
    QCOMPARE(check({{"password"_L1, "violet-harbour-tractor-91"_L1}, {"extra"_L1, true}}).status,
             400);
    Request notJson("POST", kCheckPath);
    notJson.body = "{not json";
    notJson.contentType = "application/json";
    QCOMPARE(m_server->request(notJson).status, 400);
    QCOMPARE(m_server->get(kCheckPath).status, 405);
    Request anonymous("POST", kCheckPath);
    anonymous.body = jsonBody({{"password"_L1, "violet-harbour-tractor-91"_L1}});
    anonymous.contentType = "application/json";
    anonymous.credentials.reset();
    QCOMPARE(m_server->request(anonymous).status, 401);
    // The global rule for writes from another site applies.
    Request foreign("POST", kCheckPath);
    foreign.body = jsonBody({{"password"_L1, "violet-harbour-tractor-91"_L1}});
    foreign.contentType = "application/json";
    foreign.headers.append(std::pair(QByteArray("Origin"), QByteArray("https://evil.example")));
    const Answer refused = m_server->request(foreign);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.errorCode(), u"forbidden-origin"_s);
}

QTEST_GUILESS_MAIN(TestConnectionsRest)
#include "tst_connections_rest.moc"
