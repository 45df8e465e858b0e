// The two WebSocket endpoints on the TLS port: live events on /api/events
// (credentials on the upgrade request) and the edge protocol on /edge
// (an auth message first).
#include "HeadlessServer.h"
#include "WebSocketClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSslSocket>
#include <QTest>
#include <QWebSocket>

using namespace BulwarkTest;

namespace {

using Client = WebSocketClient;

QJsonObject authMessage(const QString &password)
{
    return {{"id"_L1, 1},
            {"type"_L1, "auth"_L1},
            {"user"_L1, kAdministrator},
            {"password"_L1, password}};
}

} // namespace

class TestWebSockets final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void eventsDeliverChanges();
    void eventsWithoutCredentialsAreRefused();
    void eventsWithWrongPasswordAreClosed();
    void sameOriginIsAccepted();
    void refusedUpgradeStaysRefused_data();
    void refusedUpgradeStaysRefused();
    void eventsNeverCarrySecrets();
    void plainGetOnWebSocketPathsIs426_data();
    void plainGetOnWebSocketPathsIs426();
    void edgeAuthAndPing();
    void edgeBindFollowsAuthorization();
    void edgeWrongPasswordIsClosed();
    void edgeMessageBeforeAuthIsClosed();
    void edgeBinaryBeforeAuthIsClosed();
    void edgeOversizedMessageIsClosed();
    // Last: it changes the Administrator password.
    void changedAppKeyEndsLiveSessions();
    void losingAdministratorRightsNarrowsTheStream();
    void changedPasswordEndsLiveSessions();

private:
    [[nodiscard]] QNetworkRequest eventsRequest(const std::optional<Credentials> &signIn) const;
    [[nodiscard]] QNetworkRequest edgeRequest() const;

    std::unique_ptr<HeadlessServer> m_server;
};

void TestWebSockets::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestWebSockets::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

QNetworkRequest TestWebSockets::eventsRequest(const std::optional<Credentials> &signIn) const
{
    QNetworkRequest request(m_server->url(u"/api/events"_s, u"wss"_s));
    if (signIn)
        request.setRawHeader("Authorization", signIn->basicHeader());
    return request;
}

QNetworkRequest TestWebSockets::edgeRequest() const
{
    return QNetworkRequest(m_server->url(u"/edge"_s, u"wss"_s));
}

void TestWebSockets::eventsDeliverChanges()
{
    Client client(m_server->sslConfiguration());
    QVERIFY(client.open(eventsRequest(Credentials{kAdministrator, kAdminPassword})));
    QVERIFY(client.waitForMessages(1));
    QCOMPARE(client.messages().at(0),
             (QJsonObject{{"type"_L1, "hello"_L1}, {"user"_L1, kAdministrator}}));

    const QJsonArray properties{
        QJsonObject{{"name"_L1, "level"_L1}, {"baseType"_L1, "INTEGER"_L1}}};
    QCOMPARE(
        m_server->post(u"/api/Things"_s, {{"name"_L1, "Lamp"_L1}, {"properties"_L1, properties}})
            .status,
        201);
    QVERIFY(client.waitForMessages(2));
    QCOMPARE(client.messages().at(1), (QJsonObject{{"type"_L1, "entityCreated"_L1},
                                                   {"collection"_L1, "Things"_L1},
                                                   {"name"_L1, "Lamp"_L1}}));

    const Answer put = m_server->put(u"/api/Things/Lamp/Properties/level"_s, {{"value"_L1, 5}});
    QCOMPARE(put.status, 200);
    QVERIFY(client.waitForMessages(3));
    QCOMPARE(client.messages().at(2), (QJsonObject{{"type"_L1, "propertyChanged"_L1},
                                                   {"thing"_L1, "Lamp"_L1},
                                                   {"property"_L1, "level"_L1},
                                                   {"value"_L1, 5},
                                                   {"time"_L1, put.json().value("time"_L1)},
                                                   {"quality"_L1, "good"_L1},
                                                   {"source"_L1, "rest"_L1}}));

    // A refused change publishes nothing; the next change arrives next.
    QCOMPARE(m_server->put(u"/api/Things/Lamp/Properties/level"_s, {{"value"_L1, 0.5}}).status,
             400);
    QCOMPARE(m_server->remove(u"/api/Things/Lamp"_s).status, 204);
    QVERIFY(client.waitForMessages(4));
    QCOMPARE(client.messages().at(3), (QJsonObject{{"type"_L1, "entityDeleted"_L1},
                                                   {"collection"_L1, "Things"_L1},
                                                   {"name"_L1, "Lamp"_L1}}));
    QCOMPARE(client.messages().size(), 4);
    client.socket().close();
    QVERIFY(client.waitForDisconnected());
}

void TestWebSockets::eventsWithoutCredentialsAreRefused()
{
    Client client(m_server->sslConfiguration());
    QVERIFY(!client.open(eventsRequest(std::nullopt)));
    QVERIFY(!client.wasConnected());
    QVERIFY(client.messages().isEmpty());
}

void TestWebSockets::eventsWithWrongPasswordAreClosed()
{
    Client client(m_server->sslConfiguration());
    // The upgrade may succeed; no hello comes, and the server closes.
    QVERIFY(client.open(eventsRequest(Credentials{kAdministrator, u"wrong-password-000"_s})));
    QVERIFY(client.waitForDisconnected());
    QVERIFY(client.messages().isEmpty());
    QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

void TestWebSockets::sameOriginIsAccepted()
{
    const QString own = u"https://127.0.0.1:%1"_s.arg(m_server->port());
    Client client(m_server->sslConfiguration(), own);
    QVERIFY(client.open(eventsRequest(Credentials{kAdministrator, kAdminPassword})));
    QVERIFY(client.waitForMessages(1));
    QCOMPARE(client.messages().at(0).value("type"_L1).toString(), u"hello"_s);
}

void TestWebSockets::refusedUpgradeStaysRefused_data()
{
    QTest::addColumn<QByteArray>("extraHeaders");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QString>("code");
    const QByteArray basic = Credentials{kAdministrator, kAdminPassword}.basicHeader();
    // Cross-site WebSocket hijacking: a page elsewhere riding on credentials.
    QTest::newRow("foreign origin") << QByteArray("Origin: https://evil.example\r\n"
                                                  "Authorization: " +
                                                  basic + "\r\n")
                                    << QByteArray("HTTP/1.1 403") << u"forbidden-origin"_s;
    QTest::newRow("no credentials")
        << QByteArray() << QByteArray("HTTP/1.1 401") << u"unauthorized"_s;
}

void TestWebSockets::refusedUpgradeStaysRefused()
{
    QFETCH(QByteArray, extraHeaders);
    QFETCH(QByteArray, statusLine);
    QFETCH(QString, code);
    // Raw HTTP, so that everything the server sends is seen: the refused
    // upgrade, then a pipelined health request on the same connection.
    RawConnection raw(*m_server);
    QSslSocket &socket = raw.socket;
    const QByteArray &received = raw.received;
    const QByteArray host = "Host: 127.0.0.1:" + QByteArray::number(m_server->port()) + "\r\n";
    socket.write("GET /api/events HTTP/1.1\r\n" + host +
                 "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                 extraHeaders + "\r\n" + "GET /api/health HTTP/1.1\r\n" + host + "\r\n");
    SignalWaiter waiter;
    waiter.wakeOn(&socket, &QSslSocket::readyRead);
    waiter.wakeOn(&socket, &QSslSocket::disconnected);
    QVERIFY(waiter.waitFor([&] {
        return received.contains("101 Switching Protocols") ||
               received.contains(R"("status":"ok")") ||
               socket.state() == QAbstractSocket::UnconnectedState;
    }));
    QVERIFY2(received.startsWith(statusLine), received.left(200).constData());
    QVERIFY(received.contains(code.toUtf8()));
    // A refused upgrade ends the connection: nothing after the refusal is
    // served on it, and it is never switched to WebSocket.
    QVERIFY(waiter.waitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }));
    QVERIFY2(!received.contains("101 Switching Protocols"), received.constData());
    QVERIFY(!received.contains(R"("type":"hello")"));
}

void TestWebSockets::eventsNeverCarrySecrets()
{
    const QString secret = u"event-Secret-Value-99"_s;
    Client client(m_server->sslConfiguration());
    QString raw;
    QObject::connect(&client.socket(), &QWebSocket::textMessageReceived, &client.socket(),
                     [&raw](const QString &text) { raw += text; });
    QVERIFY(client.open(eventsRequest(Credentials{kAdministrator, kAdminPassword})));
    QVERIFY(client.waitForMessages(1));
    const QJsonArray properties{
        QJsonObject{{"name"_L1, "token"_L1}, {"baseType"_L1, "PASSWORD"_L1}}};
    QCOMPARE(
        m_server->post(u"/api/Things"_s, {{"name"_L1, "Vault1"_L1}, {"properties"_L1, properties}})
            .status,
        201);
    QCOMPARE(m_server->put(u"/api/Things/Vault1/Properties/token"_s, {{"value"_L1, secret}}).status,
             200);
    QVERIFY(client.waitForMessages(3));
    const QJsonObject changed = client.messages().at(2);
    QCOMPARE(changed.value("type"_L1).toString(), u"propertyChanged"_s);
    QCOMPARE(changed.value("property"_L1).toString(), u"token"_s);
    QCOMPARE(changed.value("value"_L1).toString(), u"********"_s); // the mask, never the value
    QVERIFY(!raw.contains(secret));
}

void TestWebSockets::plainGetOnWebSocketPathsIs426_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("events") << u"/api/events"_s;
    QTest::newRow("edge") << u"/edge"_s;
}

void TestWebSockets::plainGetOnWebSocketPathsIs426()
{
    QFETCH(QString, path);
    const Answer answer = m_server->get(path);
    QCOMPARE(answer.status, 426);
    QCOMPARE(answer.header("Upgrade"), QByteArray("websocket"));
    QCOMPARE(answer.errorCode(), u"upgrade-required"_s);
    QVERIFY(!answer.errorMessage().isEmpty());
}

void TestWebSockets::edgeAuthAndPing()
{
    Client client(m_server->sslConfiguration());
    QVERIFY(client.open(edgeRequest()));
    client.send(authMessage(kAdminPassword));
    QVERIFY(client.waitForMessages(1));
    const QJsonObject authResult{{"user"_L1, kAdministrator}, {"protocol"_L1, 2}};
    QCOMPARE(client.messages().at(0),
             (QJsonObject{{"id"_L1, 1}, {"type"_L1, "result"_L1}, {"result"_L1, authResult}}));

    client.send({{"id"_L1, 2}, {"type"_L1, "ping"_L1}});
    QVERIFY(client.waitForMessages(2));
    QCOMPARE(client.messages().at(1), (QJsonObject{{"id"_L1, 2},
                                                   {"type"_L1, "result"_L1},
                                                   {"result"_L1, QJsonObject{{"pong"_L1, true}}}}));

    // Unknown types are answered, not fatal.
    client.send({{"id"_L1, "three"_L1}, {"type"_L1, "teleport"_L1}});
    QVERIFY(client.waitForMessages(3));
    QCOMPARE(client.messages().at(2).value("id"_L1).toString(), u"three"_s);
    QCOMPARE(client.messages().at(2).value("type"_L1).toString(), u"error"_s);
    QCOMPARE(client.messages().at(2)["error"_L1]["code"_L1].toString(), u"unsupported"_s);
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
    client.socket().close();
    QVERIFY(client.waitForDisconnected());
}

void TestWebSockets::edgeBindFollowsAuthorization()
{
    const QString password = u"maple-harbor-quartz-41"_s;
    QCOMPARE(
        m_server->post(u"/api/Users"_s, {{"name"_L1, "meter-gw"_L1}, {"password"_L1, password}})
            .status,
        201);
    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, "Meter1"_L1}}).status, 201);
    const QJsonArray units{QJsonObject{{"name"_L1, "Site"_L1}, {"parent"_L1, "Field"_L1}}};
    QCOMPARE(m_server->post(u"/api/Organizations"_s, {{"name"_L1, "Field"_L1}, {"units"_L1, units}})
                 .status,
             201);
    const QJsonArray gateway{QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "meter-gw"_L1}}};
    QCOMPARE(
        m_server->put(u"/api/Organizations/Field/Units/Site/Members"_s, {{"members"_L1, gateway}})
            .status,
        200);

    Client edge(m_server->sslConfiguration());
    QVERIFY(edge.open(edgeRequest()));
    edge.send({{"id"_L1, 1},
               {"type"_L1, "auth"_L1},
               {"user"_L1, "meter-gw"_L1},
               {"password"_L1, password}});
    QVERIFY(edge.waitForMessages(1));
    QCOMPARE(edge.messages().at(0).value("type"_L1).toString(), u"result"_s);
    const auto bind = [&](int id, const QString &thing) {
        edge.send({{"id"_L1, id}, {"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{thing}}});
    };
    const auto lastOutcome = [&]() {
        return edge.messages().last()["result"_L1]["things"_L1].toArray().at(0).toObject();
    };

    // Invisible: the same answer as for a Thing that does not exist.
    edge.send({{"id"_L1, 2},
               {"type"_L1, "bind"_L1},
               {"things"_L1, QJsonArray{u"Meter1"_s, u"NoSuchMeter"_s}}});
    QVERIFY(edge.waitForMessages(2));
    const QJsonArray both = edge.messages().at(1)["result"_L1]["things"_L1].toArray();
    QCOMPARE(both.size(), 2);
    QCOMPARE(both.at(0)["bound"_L1].toBool(true), false);
    QCOMPARE(both.at(0)["error"_L1]["code"_L1].toString(), u"not-found"_s);
    QCOMPARE(
        both.at(0)["error"_L1]["message"_L1].toString(),
        both.at(1)["error"_L1]["message"_L1].toString().replace(u"NoSuchMeter"_s, u"Meter1"_s));

    // Visible, but no rule allows Read: refused exactly like a missing Thing.
    QCOMPARE(
        m_server
            ->put(u"/api/Things/Meter1/Visibility"_s, {{"units"_L1, QJsonArray{u"Field/Site"_s}}})
            .status,
        200);
    bind(3, u"Meter1"_s);
    QVERIFY(edge.waitForMessages(3));
    QCOMPARE(lastOutcome()["error"_L1].toObject(), both.at(0)["error"_L1].toObject());

    // Read allowed: bound.
    const auto rule = [](const char *effect) {
        return QJsonObject{
            {"rules"_L1,
             QJsonArray{QJsonObject{
                 {"principal"_L1, QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "meter-gw"_L1}}},
                 {"permission"_L1, "Read"_L1},
                 {"effect"_L1, QLatin1StringView(effect)}}}}};
    };
    QCOMPARE(m_server->put(u"/api/Things/Meter1/Permissions"_s, rule("Allow")).status, 200);
    bind(4, u"Meter1"_s);
    QVERIFY(edge.waitForMessages(4));
    QCOMPARE(lastOutcome()["bound"_L1].toBool(), true);
    QCOMPARE(edge.messages().last()["result"_L1]["bound"_L1].toArray(), QJsonArray{u"Meter1"_s});

    // A Deny applies at the device's next message: it is told before its answer.
    QCOMPARE(m_server->put(u"/api/Things/Meter1/Permissions"_s, rule("Deny")).status, 200);
    edge.send({{"id"_L1, 5}, {"type"_L1, "ping"_L1}});
    QVERIFY(edge.waitForMessages(6));
    const QJsonObject notice = edge.messages().at(4);
    QCOMPARE(notice["type"_L1].toString(), u"unbound"_s);
    QCOMPARE(notice["thing"_L1].toString(), u"Meter1"_s);
    QCOMPARE(notice["error"_L1].toObject(), both.at(0)["error"_L1].toObject());
    QCOMPARE(edge.messages().at(5)["result"_L1]["pong"_L1].toBool(), true);

    // Malformed binds are answered, not fatal.
    edge.send({{"id"_L1, 6}, {"type"_L1, "bind"_L1}, {"things"_L1, "Meter1"_L1}});
    QVERIFY(edge.waitForMessages(7));
    QCOMPARE(edge.messages().at(6)["error"_L1]["code"_L1].toString(), u"bad-request"_s);
    QCOMPARE(edge.socket().state(), QAbstractSocket::ConnectedState);
    edge.socket().close();
    QVERIFY(edge.waitForDisconnected());
    QCOMPARE(m_server->remove(u"/api/Things/Meter1"_s).status, 204);
    QCOMPARE(m_server->remove(u"/api/Organizations/Field"_s).status, 204);
    QCOMPARE(m_server->remove(u"/api/Users/meter-gw"_s).status, 204);
}

void TestWebSockets::edgeWrongPasswordIsClosed()
{
    Client client(m_server->sslConfiguration());
    QVERIFY(client.open(edgeRequest()));
    client.send(authMessage(u"not-the-password-123"_s));
    QVERIFY(client.waitForMessages(1));
    const QJsonObject reply = client.messages().at(0);
    QCOMPARE(reply.value("id"_L1), QJsonValue(1));
    QCOMPARE(reply.value("type"_L1).toString(), u"error"_s);
    QCOMPARE(reply["error"_L1]["code"_L1].toString(), u"unauthorized"_s);
    QVERIFY(client.waitForDisconnected());
    QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(client.messages().size(), 1);
}

void TestWebSockets::edgeMessageBeforeAuthIsClosed()
{
    Client client(m_server->sslConfiguration());
    QVERIFY(client.open(edgeRequest()));
    client.send({{"id"_L1, 7}, {"type"_L1, "ping"_L1}});
    QVERIFY(client.waitForMessages(1));
    const QJsonObject reply = client.messages().at(0);
    QCOMPARE(reply.value("id"_L1), QJsonValue(7));
    QCOMPARE(reply.value("type"_L1).toString(), u"error"_s);
    QCOMPARE(reply["error"_L1]["code"_L1].toString(), u"unauthorized"_s);
    QVERIFY(client.waitForDisconnected());
    QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

void TestWebSockets::edgeBinaryBeforeAuthIsClosed()
{
    Client client(m_server->sslConfiguration());
    QVERIFY(client.open(edgeRequest()));
    client.socket().sendBinaryMessage(QByteArray("firmware"));
    // A text message follows: if the binary frame did not end the session,
    // this one does, so the outcome is known without waiting for a timeout.
    client.send({{"id"_L1, 8}, {"type"_L1, "ping"_L1}});
    QVERIFY(client.waitForDisconnected());
    QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(!client.messages().isEmpty());
    QCOMPARE(client.messages().at(0)["error"_L1]["code"_L1].toString(), u"unauthorized"_s);
    QCOMPARE(client.messages().size(), 1);
}

void TestWebSockets::edgeOversizedMessageIsClosed()
{
    Client client(m_server->sslConfiguration());
    QVERIFY(client.open(edgeRequest()));
    client.send(authMessage(kAdminPassword));
    QVERIFY(client.waitForMessages(1));
    QCOMPARE(client.messages().at(0).value("type"_L1).toString(), u"result"_s);
    // Even a signed-in peer may not send more than 1 MiB in one message.
    const QString padding(1024 * 1024, u'x');
    client.send({{"id"_L1, 2}, {"type"_L1, "ping"_L1}, {"padding"_L1, padding}});
    QVERIFY(client.waitForDisconnected());
    QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    QCOMPARE(client.messages().size(), 1);
}

void TestWebSockets::changedAppKeyEndsLiveSessions()
{
    const Answer made = m_server->post(u"/api/ApplicationKeys"_s, {{"name"_L1, "gateway"_L1}});
    QCOMPARE(made.status, 201);
    const QString secret = made.json().value("secret"_L1).toString();
    QVERIFY(secret.startsWith(u"bwk_"));

    // A device and an event stream, both signed in with the key.
    Client edge(m_server->sslConfiguration());
    QVERIFY(edge.open(edgeRequest()));
    edge.send({{"id"_L1, 1}, {"type"_L1, "auth"_L1}, {"appKey"_L1, secret}});
    QVERIFY(edge.waitForMessages(1));
    QCOMPARE(edge.messages().at(0).value("type"_L1).toString(), u"result"_s);
    QNetworkRequest streamRequest = eventsRequest(std::nullopt);
    streamRequest.setRawHeader("appKey", secret.toUtf8());
    Client events(m_server->sslConfiguration());
    QVERIFY(events.open(streamRequest));
    QVERIFY(events.waitForMessages(1)); // hello
    // Another device with the Administrator's password is not affected.
    Client other(m_server->sslConfiguration());
    QVERIFY(other.open(edgeRequest()));
    other.send(authMessage(kAdminPassword));
    QVERIFY(other.waitForMessages(1));

    // Disabling the key ends what signed in with it.
    QCOMPARE(m_server->put(u"/api/ApplicationKeys/gateway"_s, {{"enabled"_L1, false}}).status, 200);
    QVERIFY(edge.waitForDisconnected());
    QCOMPARE(edge.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(edge.socket().closeReason(), u"app key changed"_s);
    QVERIFY(events.waitForDisconnected());
    QCOMPARE(events.socket().closeReason(), u"app key changed"_s);
    QCOMPARE(other.socket().state(), QAbstractSocket::ConnectedState);
    // And it no longer signs in.
    Client again(m_server->sslConfiguration());
    QVERIFY(again.open(edgeRequest()));
    again.send({{"id"_L1, 1}, {"type"_L1, "auth"_L1}, {"appKey"_L1, secret}});
    QVERIFY(again.waitForDisconnected());
    QCOMPARE(m_server->remove(u"/api/ApplicationKeys/gateway"_s).status, 204);
}

void TestWebSockets::losingAdministratorRightsNarrowsTheStream()
{
    const QString password = u"orchid-lantern-ferry-58"_s;
    QCOMPARE(
        m_server->post(u"/api/Users"_s, {{"name"_L1, "ops"_L1}, {"password"_L1, password}}).status,
        201);
    const QJsonArray both{QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, kAdministrator}},
                          QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "ops"_L1}}};
    QCOMPARE(m_server->put(u"/api/Groups/Administrators"_s, {{"members"_L1, both}}).status, 200);
    Client events(m_server->sslConfiguration());
    QVERIFY(events.open(eventsRequest(Credentials{u"ops"_s, password})));
    QVERIFY(events.waitForMessages(1)); // hello
    // As an administrator, ops hears of every change.
    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, "Seen"_L1}}).status, 201);
    QVERIFY(events.waitForMessages(2));
    QCOMPARE(events.messages().at(1).value("name"_L1).toString(), u"Seen"_s);

    const QJsonArray adminOnly{QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, kAdministrator}}};
    QCOMPARE(m_server->put(u"/api/Groups/Administrators"_s, {{"members"_L1, adminOnly}}).status,
             200);
    // No longer: the stream stays open but shows only what ops may see, from
    // the next event on. Its own user is the marker that the Thing's event
    // would have arrived by now.
    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, "Unseen"_L1}}).status, 201);
    QCOMPARE(m_server->put(u"/api/Users/ops"_s, {{"description"_L1, "operator"_L1}}).status, 200);
    QVERIFY(events.waitForMessages(3));
    QCOMPARE(events.messages().at(2).value("collection"_L1).toString(), u"Users"_s);
    QCOMPARE(events.messages().at(2).value("name"_L1).toString(), u"ops"_s);
    QCOMPARE(events.socket().state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->remove(u"/api/Things/Seen"_s).status, 204);
    QCOMPARE(m_server->remove(u"/api/Things/Unseen"_s).status, 204);
    QCOMPARE(m_server->remove(u"/api/Users/ops"_s).status, 204);
}

void TestWebSockets::changedPasswordEndsLiveSessions()
{
    Client events(m_server->sslConfiguration());
    QVERIFY(events.open(eventsRequest(Credentials{kAdministrator, kAdminPassword})));
    QVERIFY(events.waitForMessages(1)); // hello
    Client edge(m_server->sslConfiguration());
    QVERIFY(edge.open(edgeRequest()));
    edge.send(authMessage(kAdminPassword));
    QVERIFY(edge.waitForMessages(1));
    QCOMPARE(edge.messages().at(0).value("type"_L1).toString(), u"result"_s);

    const QString newPassword = u"a-brand-new-admin-password"_s;
    const Answer changed = m_server->put(
        u"/api/Users/Administrator"_s,
        {{"name"_L1, kAdministrator}, {"enabled"_L1, true}, {"password"_L1, newPassword}});
    QCOMPARE(changed.status, 200);

    QVERIFY(events.waitForDisconnected());
    QCOMPARE(events.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(edge.waitForDisconnected());
    QCOMPARE(edge.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);

    // The old password no longer signs in, the new one does.
    QCOMPARE(m_server->get(u"/api/Things"_s).status, 401);
    QCOMPARE(m_server
                 ->request(Request("GET", u"/api/Things"_s)
                               .withCredentials(Credentials{kAdministrator, newPassword}))
                 .status,
             200);
}

QTEST_GUILESS_MAIN(TestWebSockets)
#include "tst_websockets.moc"
