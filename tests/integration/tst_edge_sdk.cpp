// The C++ edge SDK (edge/sdk) end to end against the real server over real
// TLS: app key and password sign-in; CA file, pinned fingerprint, and the
// refusals of a wrong pin, an unknown CA and wrong credentials; push on change
// with a threshold and on a scan interval; REST property writes and service
// calls answered by SDK handlers; events seen on /api/events; the server
// killed and restarted with the client reconnecting and flushing its bounded
// offline queue by policy; and file transfers both ways.
#include "../common/EdgeFixture.h"
#include "../common/WebSocketClient.h"

#include <BulwarkEdge/EdgeClient.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace BulwarkTest;
using BulwarkEdge::EdgeClient;

namespace {

const QString kDevicePassword = u"copper-lantern-meadow-58"_s;

// A client with everything it records.
struct Device
{
    Device()
    {
        QObject::connect(&client, &EdgeClient::stateChanged, &client,
                         [this](EdgeClient::State s) { states.append(s); });
        QObject::connect(&client, &EdgeClient::errorOccurred, &client,
                         [this](const BulwarkEdge::Error &e) { errors.append(e); });
        QObject::connect(&client, &EdgeClient::updateAcknowledged, &client,
                         [this](const QString &, int a, int) { accepted += a; });
        QObject::connect(&client, &EdgeClient::valuesDropped, &client,
                         [this](int count) { dropped += count; });
    }

    // Waits until the state is reached or the client gives up (Disconnected).
    [[nodiscard]] bool waitForState(EdgeClient::State wanted, int timeoutMs = kTimeoutMs)
    {
        SignalWaiter waiter(timeoutMs);
        waiter.wakeOn(&client, &EdgeClient::stateChanged);
        return waiter.waitFor([&] { return client.state() == wanted; });
    }
    [[nodiscard]] bool waitFor(const std::function<bool()> &condition, int timeoutMs = kTimeoutMs)
    {
        SignalWaiter waiter(timeoutMs);
        waiter.wakeOn(&client, &EdgeClient::stateChanged);
        waiter.wakeOn(&client, &EdgeClient::errorOccurred);
        waiter.wakeOn(&client, &EdgeClient::updateAcknowledged);
        waiter.wakeOn(&client, &EdgeClient::thingBound);
        waiter.wakeOn(&client, &EdgeClient::transferFinished);
        waiter.wakeOn(&client, &EdgeClient::transferFailed);
        waiter.wakeOn(&client, &EdgeClient::transferProgress);
        return waiter.waitFor(condition);
    }
    [[nodiscard]] QString errorText() const
    {
        QStringList lines;
        for (const BulwarkEdge::Error &e : errors)
            lines.append(BulwarkEdge::errorCodeName(e.code) + u": "_s + e.message);
        return lines.join(u'\n');
    }

    EdgeClient client;
    QList<EdgeClient::State> states;
    QList<BulwarkEdge::Error> errors;
    int accepted = 0;
    int dropped = 0;
};

} // namespace

class TestEdgeSdk final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void appKeyWithCaFile();
    void passwordWithPinnedFingerprint();
    void wrongFingerprintIsRefused();
    void unknownCaIsRefused();
    void wrongPasswordStops();
    void refusedConnectionNamesTheCause();
    void pushOnChangeWithThreshold();
    void perCallCompletions();
    void scanInterval();
    void restWriteAndServiceCall();
    void eventsReachApiEvents();
    void reconnectsAndFlushesOfflineQueue();
    void fileTransfers();
    void receiveResumesFromKeptChunks();

private:
    // A device signed in as "dev", trusting the server's certificate as a CA file.
    void configure(EdgeClient &client) const
    {
        client.setServerUrl(m_server->url(u"/edge"_s, u"wss"_s));
        client.setUserCredentials(u"dev"_s, kDevicePassword);
        client.setCaFile(m_caFile);
        client.setReconnectDelays(50, 500);
    }
    [[nodiscard]] QNetworkRequest eventsRequest() const
    {
        QNetworkRequest request(m_server->url(u"/api/events"_s, u"wss"_s));
        request.setRawHeader("Authorization",
                             Credentials{kAdministrator, kAdminPassword}.basicHeader());
        return request;
    }

    std::unique_ptr<HeadlessServer> m_server;
    QTemporaryDir m_files;
    QString m_caFile;
    QByteArray m_appKey;
};

void TestEdgeSdk::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig("[edge]\nwrite_timeout_seconds=5\ninvoke_timeout_seconds=5\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_server->setPort(m_server->port()); // restarts keep the port the devices know

    RestSetup setup(*m_server, kDevicePassword);
    const QJsonObject members = thingMembers(
        {typedProperty(u"temperature"_s, u"NUMBER"_s), typedProperty(u"counter"_s, u"NUMBER"_s),
         typedProperty(u"level"_s, u"NUMBER"_s), typedProperty(u"flow"_s, u"NUMBER"_s),
         typedProperty(u"setpoint"_s, u"INTEGER"_s)},
        {resetService()}, {u"Alarm"_s});
    setup.makeThing(u"Pump1"_s, {}, members);
    setup.makeThing(u"Pump2"_s, {}, members);
    makeDeviceUser(
        setup, u"dev"_s, kDevicePassword, {u"Pump1"_s, u"Pump2"_s},
        {u"Read"_s, u"PropertyRead"_s, u"PropertyWrite"_s, u"EventInvoke"_s, u"ServiceInvoke"_s});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));

    m_appKey = makeAppKey(*m_server, u"pump-key"_s, u"dev"_s);
    QVERIFY(!m_appKey.isEmpty());

    // The server's self-signed certificate is its own CA.
    QVERIFY(m_files.isValid());
    m_caFile = m_files.filePath(u"server-ca.pem"_s);
    QFile ca(m_caFile);
    QVERIFY(ca.open(QIODevice::WriteOnly));
    QVERIFY(ca.write(m_server->certificate().toPem()) > 0);
}

void TestEdgeSdk::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestEdgeSdk::appKeyWithCaFile()
{
    Device device;
    configure(device.client);
    device.client.setAppKey(QString::fromLatin1(m_appKey));
    QCOMPARE(device.client.verification(), BulwarkEdge::Verification::CaFile);
    device.client.bindThing(u"Pump1"_s);
    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));
    QCOMPARE(device.client.sessionUser(), u"dev"_s);
    QVERIFY(device.client.serverProtocolVersion() >= 1);
    QCOMPARE(device.client.boundThings(), QStringList{u"Pump1"_s});
    QCOMPARE(device.states.mid(0, 3),
             (QList{EdgeClient::State::Connecting, EdgeClient::State::Authenticating,
                    EdgeClient::State::Connected}));
    QVERIFY2(device.errors.isEmpty(), qPrintable(device.errorText()));
    // The server sees the Thing connected as dev.
    const Answer connection = m_server->get(u"/api/Things/Pump1/Connection"_s);
    QCOMPARE(connection.json().value("connected"_L1).toBool(), true);
    QCOMPARE(connection.json().value("user"_L1).toString(), u"dev"_s);
    device.client.disconnectFromServer();
    QVERIFY(device.waitForState(EdgeClient::State::Disconnected));
}

void TestEdgeSdk::passwordWithPinnedFingerprint()
{
    Device device;
    device.client.setServerUrl(m_server->url(u"/edge"_s, u"wss"_s));
    device.client.setUserCredentials(u"dev"_s, kDevicePassword);
    // As the server logs it: upper case with colons.
    device.client.setPinnedFingerprint(m_server->fingerprint());
    QCOMPARE(device.client.verification(), BulwarkEdge::Verification::PinnedFingerprint);
    QCOMPARE(m_server->fingerprint().remove(u':').toLower(),
             EdgeClient::certificateFingerprint(m_server->certificate()));
    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));
    QCOMPARE(device.client.sessionUser(), u"dev"_s);
    QVERIFY2(device.errors.isEmpty(), qPrintable(device.errorText()));
}

void TestEdgeSdk::wrongFingerprintIsRefused()
{
    Device device;
    device.client.setServerUrl(m_server->url(u"/edge"_s, u"wss"_s));
    device.client.setUserCredentials(u"dev"_s, kDevicePassword);
    device.client.setPinnedFingerprint(QString(64, u'a'));
    device.client.setReconnectDelays(60000, 60000); // one attempt is enough here
    device.client.connectToServer();
    QVERIFY(device.waitFor([&] { return !device.errors.isEmpty(); }));
    const BulwarkEdge::Error error = device.errors.first();
    QCOMPARE(error.code, BulwarkEdge::ErrorCode::TlsFailed);
    QVERIFY2(error.message.contains(u"is pinned"_s), qPrintable(error.message));
    QVERIFY2(error.message.contains(m_server->fingerprint()), qPrintable(error.message));
    // The credentials were never sent.
    QVERIFY(!device.states.contains(EdgeClient::State::Authenticating));
    QVERIFY(device.waitForState(EdgeClient::State::Backoff));
    device.client.disconnectFromServer();
    QCOMPARE(device.client.state(), EdgeClient::State::Disconnected);

    // A malformed pin is refused before anything is tried.
    Device malformed;
    malformed.client.setServerUrl(m_server->url(u"/edge"_s, u"wss"_s));
    malformed.client.setUserCredentials(u"dev"_s, kDevicePassword);
    malformed.client.setPinnedFingerprint(u"12:34"_s);
    malformed.client.connectToServer();
    QCOMPARE(malformed.client.state(), EdgeClient::State::Disconnected);
    QCOMPARE(malformed.errors.size(), 1);
    QCOMPARE(malformed.errors.first().code, BulwarkEdge::ErrorCode::InvalidConfiguration);
    QVERIFY(malformed.errors.first().message.contains(u"64 hexadecimal digits"_s));
}

void TestEdgeSdk::unknownCaIsRefused()
{
    // The system's CA store does not know the server's self-signed certificate.
    Device device;
    device.client.setServerUrl(m_server->url(u"/edge"_s, u"wss"_s));
    device.client.setAppKey(QString::fromLatin1(m_appKey));
    device.client.setReconnectDelays(60000, 60000);
    QCOMPARE(device.client.verification(), BulwarkEdge::Verification::SystemCertificates);
    device.client.connectToServer();
    QVERIFY(device.waitFor([&] { return !device.errors.isEmpty(); }));
    BulwarkEdge::Error error = device.errors.first();
    QCOMPARE(error.code, BulwarkEdge::ErrorCode::TlsFailed);
    QVERIFY2(error.message.contains(u"system's CA certificates"_s), qPrintable(error.message));
    QVERIFY2(error.message.contains(m_server->fingerprint()), qPrintable(error.message));
    QVERIFY(!device.states.contains(EdgeClient::State::Authenticating));
    device.client.disconnectFromServer();

    // A CA file with another CA: refused, naming the file.
    const QString otherCa = m_files.filePath(u"other-ca.pem"_s);
    {
        QFile file(otherCa);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QList<QSslCertificate> any = QSslConfiguration::systemCaCertificates();
        QVERIFY(!any.isEmpty());
        QVERIFY(file.write(any.first().toPem()) > 0);
    }
    Device other;
    other.client.setServerUrl(m_server->url(u"/edge"_s, u"wss"_s));
    other.client.setAppKey(QString::fromLatin1(m_appKey));
    other.client.setCaFile(otherCa);
    other.client.setReconnectDelays(60000, 60000);
    other.client.connectToServer();
    QVERIFY(other.waitFor([&] { return !other.errors.isEmpty(); }));
    error = other.errors.first();
    QCOMPARE(error.code, BulwarkEdge::ErrorCode::TlsFailed);
    QVERIFY2(error.message.contains(otherCa), qPrintable(error.message));
    QVERIFY(!other.states.contains(EdgeClient::State::Authenticating));
}

void TestEdgeSdk::wrongPasswordStops()
{
    Device device;
    configure(device.client);
    device.client.setUserCredentials(u"dev"_s, u"not-the-password"_s);
    device.client.connectToServer();
    QVERIFY(device.waitFor([&] { return !device.errors.isEmpty(); }));
    QVERIFY(device.waitForState(EdgeClient::State::Disconnected));
    QCOMPARE(device.errors.first().code, BulwarkEdge::ErrorCode::Unauthorized);
    QVERIFY2(device.errors.first().message.contains(u"Correct the application key"_s),
             qPrintable(device.errors.first().message));
    // It does not retry (which would lock the account out).
    QVERIFY(!device.states.contains(EdgeClient::State::Backoff));
}

void TestEdgeSdk::refusedConnectionNamesTheCause()
{
    // A port nobody listens on (just released).
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    Device device;
    configure(device.client);
    device.client.setServerUrl(QUrl(u"wss://127.0.0.1:%1/edge"_s.arg(port)));
    device.client.connectToServer();
    QVERIFY(device.waitFor([&] { return !device.errors.isEmpty(); }));
    device.client.disconnectFromServer();
    const BulwarkEdge::Error &error = device.errors.first();
    QCOMPARE(error.code, BulwarkEdge::ErrorCode::ConnectionFailed);
    QVERIFY2(error.message.contains(u"the connection was refused"_s), qPrintable(error.message));
    QVERIFY2(!error.message.contains(u"Unknown error"_s), qPrintable(error.message));
}

void TestEdgeSdk::pushOnChangeWithThreshold()
{
    WebSocketClient events(m_server->sslConfiguration());
    QVERIFY(events.open(eventsRequest()));
    Device device;
    configure(device.client);
    device.client.bindThing(u"Pump1"_s);
    BulwarkEdge::PropertyOptions options;
    options.threshold = 1.0;
    QVERIFY(device.client.declareProperty(u"Pump1"_s, u"temperature"_s, options));
    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));

    const QDateTime measured = QDateTime::currentDateTimeUtc().addSecs(-10);
    device.client.setPropertyValue(u"Pump1"_s, u"temperature"_s, 20.0, measured,
                                   BulwarkEdge::Quality::Uncertain);
    QCOMPARE(device.client.queuedValueCount(), 1);
    QVERIFY(device.waitFor([&] { return device.accepted == 1; }));
    // Below the threshold: not even queued.
    device.client.setPropertyValue(u"Pump1"_s, u"temperature"_s, 20.5);
    QCOMPARE(device.client.queuedValueCount(), 0);
    QCOMPARE(device.client.propertyValue(u"Pump1"_s, u"temperature"_s).toDouble(), 20.5);
    device.client.setPropertyValue(u"Pump1"_s, u"temperature"_s, 19.6);
    QCOMPARE(device.client.queuedValueCount(), 0);
    // At the threshold from the last value pushed (20.0): sent.
    device.client.setPropertyValue(u"Pump1"_s, u"temperature"_s, 21.0);
    QCOMPARE(device.client.queuedValueCount(), 1);
    QVERIFY(device.waitFor([&] { return device.accepted == 2; }));

    const QJsonObject second = events.waitFor([](const QJsonObject &m) {
        return m["type"_L1].toString() == u"propertyChanged" &&
               m["property"_L1].toString() == u"temperature" && m["value"_L1].toDouble() == 21.0;
    });
    QVERIFY(!second.isEmpty());
    QList<double> seen;
    for (const QJsonObject &m : events.messages()) {
        if (m["type"_L1].toString() == u"propertyChanged" &&
            m["property"_L1].toString() == u"temperature")
            seen.append(m["value"_L1].toDouble());
    }
    QCOMPARE(seen, (QList<double>{20.0, 21.0}));
    // Time and quality as given.
    const QJsonObject first = events.waitFor([](const QJsonObject &m) {
        return m["type"_L1].toString() == u"propertyChanged" && m["value"_L1].toDouble() == 20.0;
    });
    QCOMPARE(first["quality"_L1].toString(), u"uncertain"_s);
    QCOMPARE(first["time"_L1].toString(), measured.toString(Qt::ISODateWithMs));
    const Answer stored = m_server->get(u"/api/Things/Pump1/Properties/temperature"_s);
    QCOMPARE(stored.json()["value"_L1].toDouble(), 21.0);
}

void TestEdgeSdk::perCallCompletions()
{
    Device device;
    configure(device.client);
    device.client.bindThing(u"Pump2"_s);
    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));

    // Calls made in one event-loop turn: each gets the answer to its own
    // values, so the refused one does not take the others down.
    struct Outcome
    {
        bool called = false;
        BulwarkEdge::UpdateResult result;
        std::optional<BulwarkEdge::Error> error;
    };
    const auto record = [](Outcome &outcome) {
        return
            [&outcome](const BulwarkEdge::UpdateResult &result, const BulwarkEdge::Error *error) {
                QVERIFY(!outcome.called); // once
                outcome.called = true;
                outcome.result = result;
                if (error)
                    outcome.error = *error;
            };
    };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Outcome two, refused, single, stale;
    device.client.updateProperties(u"Pump2"_s,
                                   {{u"level"_s, 3.0, now, BulwarkEdge::Quality::Good},
                                    {u"flow"_s, 4.0, now, BulwarkEdge::Quality::Good}},
                                   record(two));
    device.client.updateProperties(
        u"Pump2"_s, {{u"setpoint"_s, u"warm"_s, now, BulwarkEdge::Quality::Good}}, record(refused));
    device.client.setPropertyValue(u"Pump2"_s, u"counter"_s, 7, now, BulwarkEdge::Quality::Good,
                                   record(single));
    // Older than the value of flow sent just before: acknowledged, not stored.
    device.client.updateProperties(u"Pump2"_s,
                                   {{u"flow"_s, 1.0, now.addSecs(-60), BulwarkEdge::Quality::Good}},
                                   record(stale));
    QVERIFY2(device.waitFor(
                 [&] { return two.called && refused.called && single.called && stale.called; }),
             qPrintable(device.errorText()));
    QVERIFY(!two.error);
    QCOMPARE(two.result.accepted, 2);
    QVERIFY(refused.error);
    QCOMPARE(refused.error->code, BulwarkEdge::ErrorCode::TypeMismatch);
    QVERIFY(!single.error);
    QCOMPARE(single.result.accepted, 1);
    QVERIFY(!stale.error);
    QCOMPARE(stale.result.accepted, 0);
    QCOMPARE(stale.result.stale, 1);
    QCOMPARE(m_server->get(u"/api/Things/Pump2/Properties/flow"_s).json()["value"_L1].toDouble(),
             4.0);
    QCOMPARE(m_server->get(u"/api/Things/Pump2/Properties/counter"_s).json()["value"_L1].toDouble(),
             7.0);

    // A value the push policy keeps back completes, later, with nothing sent.
    Outcome unchanged;
    device.client.setPropertyValue(u"Pump2"_s, u"counter"_s, 7, QDateTime(),
                                   BulwarkEdge::Quality::Good, record(unchanged));
    QVERIFY(!unchanged.called);
    QTRY_VERIFY(unchanged.called);
    QVERIFY(!unchanged.error);
    QCOMPARE(unchanged.result.accepted, 0);
    device.client.disconnectFromServer();
}

void TestEdgeSdk::scanInterval()
{
    Device device;
    configure(device.client);
    device.client.bindThing(u"Pump1"_s);
    int scans = 0;
    BulwarkEdge::PropertyOptions options;
    options.scanIntervalMs = 50;
    // A value that changes every other scan: unchanged scans are not pushed.
    options.provider = [&scans] { return QJsonValue(double(++scans / 2)); };
    QVERIFY(device.client.declareProperty(u"Pump1"_s, u"counter"_s, options));
    BulwarkEdge::PropertyOptions noProvider;
    noProvider.scanIntervalMs = 10;
    QVERIFY(!device.client.declareProperty(u"Pump1"_s, u"flow"_s, noProvider));
    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));
    QVERIFY(device.waitFor([&] { return device.accepted >= 3; }));
    QVERIFY(scans >= 4); // values 0, 1 and 2 take four scans
    QVERIFY2(device.accepted <= scans / 2 + 1,
             qPrintable(u"%1 accepted for %2 scans"_s.arg(device.accepted).arg(scans)));
    const Answer stored = m_server->get(u"/api/Things/Pump1/Properties/counter"_s);
    QVERIFY(stored.json()["value"_L1].toDouble() >= 2);
}

void TestEdgeSdk::restWriteAndServiceCall()
{
    Device device;
    configure(device.client);
    device.client.bindThing(u"Pump1"_s);
    QList<QJsonValue> written;
    QObject::connect(
        &device.client, &EdgeClient::propertyWritten, &device.client,
        [&](const QString &, const QString &, const QJsonValue &v) { written.append(v); });
    // Answers later, from the event loop, as a real device would.
    device.client.setWriteHandler(
        u"Pump1"_s, u"setpoint"_s,
        [](const BulwarkEdge::WriteRequest &request, const BulwarkEdge::Reply &reply) {
            QTimer::singleShot(10, [request, reply] {
                if (request.value.toInt() > 90)
                    reply.fail(
                        BulwarkEdge::ErrorCode::BadRequest,
                        u"Setpoint %1 is above the highest, 90."_s.arg(request.value.toInt()));
                else
                    reply.succeed();
            });
        });
    device.client.setServiceHandler(
        u"Pump1"_s, u"Reset"_s,
        [](const BulwarkEdge::ServiceRequest &request, const BulwarkEdge::Reply &reply) {
            QTimer::singleShot(10, [request, reply] {
                reply.succeed(u"reset to %1"_s.arg(request.parameters["level"_L1].toInt()));
            });
        });
    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));

    Answer answer = m_server->put(u"/api/Things/Pump1/Properties/setpoint"_s, {{"value"_L1, 70}});
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json()["value"_L1].toInt(), 70);
    QCOMPARE(written, QList<QJsonValue>{QJsonValue(70)});
    QCOMPARE(device.client.propertyValue(u"Pump1"_s, u"setpoint"_s).toInt(), 70);

    answer = m_server->put(u"/api/Things/Pump1/Properties/setpoint"_s, {{"value"_L1, 95}});
    QCOMPARE(answer.status, 409);
    QCOMPARE(answer.errorCode(), u"device-refused"_s);
    QVERIFY2(answer.errorMessage().contains(u"Setpoint 95 is above the highest, 90."_s),
             qPrintable(answer.errorMessage()));
    QCOMPARE(m_server->get(u"/api/Things/Pump1/Properties/setpoint"_s).json()["value"_L1].toInt(),
             70);

    // No handler for this property: refused, and the refusal reaches the caller.
    answer = m_server->put(u"/api/Things/Pump1/Properties/level"_s, {{"value"_L1, 1}});
    QCOMPARE(answer.status, 409);
    QVERIFY2(answer.errorMessage().contains(u"cannot be written from the platform"_s),
             qPrintable(answer.errorMessage()));

    answer = m_server->post(u"/api/Things/Pump1/Services/Reset"_s,
                            {{"parameters"_L1, QJsonObject{{"level"_L1, 2}}}});
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json()["output"_L1].toString(), u"reset to 2"_s);
}

void TestEdgeSdk::eventsReachApiEvents()
{
    WebSocketClient events(m_server->sslConfiguration());
    QVERIFY(events.open(eventsRequest()));
    Device device;
    configure(device.client);
    device.client.bindThing(u"Pump1"_s);

    // Not connected yet: refused at once, not queued.
    std::optional<BulwarkEdge::ErrorCode> offline;
    device.client.fireEvent(u"Pump1"_s, u"Alarm"_s, {}, [&](const BulwarkEdge::Error *error) {
        offline = error ? error->code : BulwarkEdge::ErrorCode::ProtocolViolation;
    });
    QCOMPARE(offline, BulwarkEdge::ErrorCode::Unavailable);

    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));
    bool delivered = false;
    device.client.fireEvent(u"Pump1"_s, u"Alarm"_s, {{"pressure"_L1, 9.5}},
                            [&](const BulwarkEdge::Error *error) { delivered = !error; });
    const QJsonObject event = events.event(u"thingEvent"_s, u"event"_s, u"Alarm"_s);
    QCOMPARE(event["thing"_L1].toString(), u"Pump1"_s);
    QCOMPARE(event["data"_L1].toObject(), (QJsonObject{{"pressure"_L1, 9.5}}));
    QVERIFY(device.waitFor([&] { return delivered; }));

    std::optional<BulwarkEdge::Error> undeclared;
    device.client.fireEvent(u"Pump1"_s, u"Meltdown"_s, {}, [&](const BulwarkEdge::Error *error) {
        if (error)
            undeclared = *error;
    });
    QVERIFY(device.waitFor([&] { return undeclared.has_value(); }));
    QCOMPARE(undeclared->code, BulwarkEdge::ErrorCode::NotFound);
    QVERIFY2(undeclared->message.contains(u"Meltdown"_s), qPrintable(undeclared->message));
}

void TestEdgeSdk::reconnectsAndFlushesOfflineQueue()
{
    // Two devices, two queue policies, one server restart.
    Device oldest;
    configure(oldest.client);
    oldest.client.bindThing(u"Pump1"_s);
    oldest.client.setOfflineQueue(3, BulwarkEdge::QueuePolicy::DropOldest);
    BulwarkEdge::PropertyOptions always;
    always.push = BulwarkEdge::PushPolicy::Always;
    QVERIFY(oldest.client.declareProperty(u"Pump1"_s, u"level"_s, always));
    Device latest;
    configure(latest.client);
    latest.client.bindThing(u"Pump2"_s);
    latest.client.setOfflineQueue(10, BulwarkEdge::QueuePolicy::KeepLatestPerProperty);
    for (Device *device : {&oldest, &latest}) {
        device->client.connectToServer();
        QVERIFY2(device->waitForState(EdgeClient::State::Connected),
                 qPrintable(device->errorText()));
    }

    QVERIFY(m_server->kill());
    QVERIFY(oldest.waitForState(EdgeClient::State::Backoff));
    QVERIFY(latest.waitForState(EdgeClient::State::Backoff));
    const int errorsBefore = int(oldest.errors.size());
    QCOMPARE(oldest.errors.last().code, BulwarkEdge::ErrorCode::ConnectionFailed);

    // Offline: DropOldest keeps the last three of five.
    for (int value = 1; value <= 5; ++value)
        oldest.client.setPropertyValue(u"Pump1"_s, u"level"_s, value);
    QCOMPARE(oldest.client.queuedValueCount(), 3);
    QCOMPARE(oldest.dropped, 2);
    // KeepLatestPerProperty keeps one value per property.
    for (int value = 1; value <= 4; ++value)
        latest.client.setPropertyValue(u"Pump2"_s, u"level"_s, value * 10);
    latest.client.setPropertyValue(u"Pump2"_s, u"flow"_s, 7);
    QCOMPARE(latest.client.queuedValueCount(), 2);
    QCOMPARE(latest.dropped, 0);

    // Retries fail with backoff while the server is down.
    QVERIFY(oldest.waitFor([&] { return oldest.errors.size() >= errorsBefore + 2; }));
    QVERIFY(oldest.errors.last().message.contains(u"Cannot connect"_s));

    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY2(oldest.waitForState(EdgeClient::State::Connected, 20000),
             qPrintable(oldest.errorText()));
    QVERIFY2(latest.waitForState(EdgeClient::State::Connected, 20000),
             qPrintable(latest.errorText()));
    QVERIFY(oldest.waitFor(
        [&] { return oldest.client.queuedValueCount() == 0 && oldest.accepted == 3; }));
    QVERIFY(latest.waitFor(
        [&] { return latest.client.queuedValueCount() == 0 && latest.accepted == 2; }));
    QCOMPARE(m_server->get(u"/api/Things/Pump1/Properties/level"_s).json()["value"_L1].toInt(), 5);
    QCOMPARE(m_server->get(u"/api/Things/Pump2/Properties/level"_s).json()["value"_L1].toInt(), 40);
    QCOMPARE(m_server->get(u"/api/Things/Pump2/Properties/flow"_s).json()["value"_L1].toInt(), 7);
    // The states went through Backoff and Connecting again; re-bound.
    QVERIFY(oldest.states.contains(EdgeClient::State::Backoff));
    QCOMPARE(oldest.client.boundThings(), QStringList{u"Pump1"_s});
    QCOMPARE(m_server->get(u"/api/Things/Pump1/Connection"_s).json()["connected"_L1].toBool(),
             true);
}

void TestEdgeSdk::fileTransfers()
{
    // A repository dev may read and write, a device directory, and a
    // symbolic link in it that leads outside.
    RestSetup setup(*m_server, kDevicePassword);
    setup.makeThing(u"Repo"_s, u"FileRepository"_s);
    setup.setVisibility(u"Things/Repo/Visibility"_s, {u"Plant/Hall"_s});
    setup.setRules(u"Things/Repo/Permissions"_s,
                   {rule(user(u"dev"_s), u"Read"_s), rule(user(u"dev"_s), u"Update"_s)});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    QTemporaryDir outside;
    QVERIFY(outside.isValid());
    const QString root = m_files.filePath(u"device"_s);
    QVERIFY(QDir().mkpath(root + u"/up"_s));
    QVERIFY(QFile::link(outside.path(), root + u"/escape"_s));
    QByteArray content(600 * 1024 + 7, Qt::Uninitialized); // three chunks of 256 KiB
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(content.data()),
                                          content.size() / 4);
    {
        QFile file(root + u"/up/big.bin"_s);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }
    const QByteArray sha256 = QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();

    Device device;
    configure(device.client);
    device.client.bindThing(u"Pump1"_s, {{u"data"_s, root}});
    QList<QUuid> finished;
    QList<BulwarkEdge::Error> failures;
    qint64 progressBytes = 0;
    QObject::connect(&device.client, &EdgeClient::transferFinished, &device.client,
                     [&](const BulwarkEdge::TransferInfo &t) { finished.append(t.id); });
    QObject::connect(&device.client, &EdgeClient::transferFailed, &device.client,
                     [&](const BulwarkEdge::TransferInfo &, const BulwarkEdge::Error &e) {
                         failures.append(e);
                     });
    QObject::connect(&device.client, &EdgeClient::transferProgress, &device.client,
                     [&](const BulwarkEdge::TransferInfo &t) { progressBytes = t.bytes; });
    device.client.connectToServer();
    QVERIFY2(device.waitForState(EdgeClient::State::Connected), qPrintable(device.errorText()));
    QCOMPARE(device.client.serverProtocolVersion(), 2);

    // Device -> repository, started by the device.
    QUuid upload;
    device.client.uploadFile(u"Pump1"_s, u"data/up/big.bin"_s, u"Repo"_s, u"in/big.bin"_s,
                             BulwarkEdge::OverwritePolicy::KeepExisting,
                             [&](const QUuid &id, const BulwarkEdge::Error *error) {
                                 QVERIFY2(!error, error ? qPrintable(error->message) : "");
                                 upload = id;
                             });
    QVERIFY(device.waitFor(
        [&] { return (!upload.isNull() && finished.contains(upload)) || !failures.isEmpty(); },
        20000));
    QVERIFY2(failures.isEmpty(),
             qPrintable(failures.isEmpty() ? QString() : failures.first().message));
    QCOMPARE(progressBytes, content.size());
    const Answer stored = m_server->get(u"/api/Things/Repo/Files/Content?path=in/big.bin"_s);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.body.size(), content.size());
    QVERIFY(stored.body == content);
    QCOMPARE(stored.header("X-Bulwark-SHA256"), sha256);

    // Repository -> device, started by the device, into a new directory.
    QUuid download;
    device.client.downloadFile(u"Pump1"_s, u"Repo"_s, u"in/big.bin"_s, u"data/down/copy.bin"_s,
                               BulwarkEdge::OverwritePolicy::KeepExisting,
                               [&](const QUuid &id, const BulwarkEdge::Error *error) {
                                   QVERIFY2(!error, error ? qPrintable(error->message) : "");
                                   download = id;
                               });
    QVERIFY(device.waitFor(
        [&] { return (!download.isNull() && finished.contains(download)) || !failures.isEmpty(); },
        20000));
    QVERIFY2(failures.isEmpty(),
             qPrintable(failures.isEmpty() ? QString() : failures.first().message));
    {
        QFile copy(root + u"/down/copy.bin"_s);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QVERIFY(copy.readAll() == content);
    }
    // No staging file is left behind.
    QCOMPARE(QDir(root + u"/down"_s).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{u"copy.bin"_s});

    // Started through REST; then the device's directory as REST sees it.
    const Answer started = m_server->post(
        u"/api/Transfers"_s,
        {{"source"_L1, QJsonObject{{"thing"_L1, "Repo"_L1}, {"path"_L1, "in/big.bin"_L1}}},
         {"target"_L1, QJsonObject{{"thing"_L1, "Pump1"_L1}, {"path"_L1, "data/rest.bin"_L1}}}});
    QCOMPARE(started.status, 202);
    const QUuid viaRest = QUuid::fromString(started.json()["id"_L1].toString());
    QVERIFY(
        device.waitFor([&] { return finished.contains(viaRest) || !failures.isEmpty(); }, 20000));
    QVERIFY2(failures.isEmpty(),
             qPrintable(failures.isEmpty() ? QString() : failures.first().message));
    const Answer listing = m_server->get(u"/api/Things/Pump1/Files?path=data"_s);
    QCOMPARE(listing.status, 200);
    QStringList names;
    for (const QJsonValue &entry : listing.json()["entries"_L1].toArray())
        names.append(entry["name"_L1].toString());
    names.sort();
    // The link leading outside is not listed.
    QCOMPARE(names, (QStringList{u"down"_s, u"rest.bin"_s, u"up"_s}));

    // Existing target without overwrite: refused by the device, nothing replaced.
    WebSocketClient events(m_server->sslConfiguration());
    QVERIFY(events.open(eventsRequest()));
    const auto failedTransfer = [&events](const QString &id) {
        return events
            .waitFor([&id](const QJsonObject &m) {
                const QJsonObject t = m["transfer"_L1].toObject();
                return m["type"_L1].toString() == u"transferChanged" &&
                       t["id"_L1].toString() == id && t["state"_L1].toString() == u"failed";
            })["transfer"_L1]
            .toObject();
    };
    QUuid again;
    device.client.downloadFile(u"Pump1"_s, u"Repo"_s, u"in/big.bin"_s, u"data/rest.bin"_s,
                               BulwarkEdge::OverwritePolicy::KeepExisting,
                               [&](const QUuid &id, const BulwarkEdge::Error *) { again = id; });
    QVERIFY(device.waitFor([&] { return !again.isNull(); }));
    QJsonObject failed = failedTransfer(again.toString(QUuid::WithoutBraces));
    QCOMPARE(failed["error"_L1]["code"_L1].toString(), u"exists"_s);
    QJsonObject status;
    QEventLoop answered;
    QTimer::singleShot(kTimeoutMs, &answered, &QEventLoop::quit);
    device.client.queryTransfer(again, [&](const QJsonObject &t, const BulwarkEdge::Error *) {
        status = t;
        answered.quit();
    });
    if (status.isEmpty())
        answered.exec();
    QCOMPARE(status["state"_L1].toString(), u"failed"_s);

    // Through the link that leads outside: forbidden, nothing written there.
    const Answer escaped = m_server->get(u"/api/Things/Pump1/Files?path=data/escape"_s);
    QCOMPARE(escaped.status, 403);
    QVERIFY2(escaped.errorMessage().contains(u"outside"_s), qPrintable(escaped.errorMessage()));
    const Answer escapedWrite = m_server->post(
        u"/api/Transfers"_s,
        {{"source"_L1, QJsonObject{{"thing"_L1, "Repo"_L1}, {"path"_L1, "in/big.bin"_L1}}},
         {"target"_L1,
          QJsonObject{{"thing"_L1, "Pump1"_L1}, {"path"_L1, "data/escape/x.bin"_L1}}}});
    QCOMPARE(escapedWrite.status, 202);
    failed = failedTransfer(escapedWrite.json()["id"_L1].toString());
    QCOMPARE(failed["error"_L1]["code"_L1].toString(), u"forbidden"_s);
    QVERIFY(QDir(outside.path()).isEmpty());

    // Deleting through REST.
    QCOMPARE(m_server->remove(u"/api/Things/Pump1/Files?path=data/rest.bin"_s).status, 204);
    QVERIFY(!QFile::exists(root + u"/rest.bin"_s));
}

// A transfer queued while the device is away finds the staging file an
// earlier attempt left: the device keeps its whole verified chunks (and drops
// a partial one), the platform sends the rest, and the digests still cover
// the whole file. Kept chunks that are not the file's fail verification and
// leave nothing behind.
void TestEdgeSdk::receiveResumesFromKeptChunks()
{
    constexpr int chunk = 256 * 1024;
    QByteArray content(4 * chunk + 100, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(content.data()),
                                          content.size() / 4);
    Request put("PUT", u"/api/Things/Repo/Files/Content?path=resume.bin"_s, content,
                "application/octet-stream");
    QCOMPARE(m_server->request(put).status, 201);
    const QString root = m_files.filePath(u"device"_s);

    // Queues a transfer to the absent device and leaves a staging file for it.
    const auto queue = [&](const QString &target, const QByteArray &kept) {
        const Answer started = m_server->post(
            u"/api/Transfers"_s,
            {{"source"_L1, QJsonObject{{"thing"_L1, "Repo"_L1}, {"path"_L1, "resume.bin"_L1}}},
             {"target"_L1,
              QJsonObject{{"thing"_L1, "Pump1"_L1}, {"path"_L1, QString(u"data/"_s + target)}}}});
        if (started.status != 202)
            return QString();
        const QString id = started.json()["id"_L1].toString();
        QFile staging(root + u"/."_s + target + u'.' + id + u".bulwark-part"_s);
        if (!staging.open(QIODevice::WriteOnly) || staging.write(kept) != kept.size())
            return QString();
        return id;
    };
    // Two whole chunks and part of a third.
    const QString good = queue(u"resumed.bin"_s, content.left(2 * chunk + 1000));
    QVERIFY(!good.isEmpty());
    QByteArray wrong = content.left(2 * chunk);
    wrong[10] = char(wrong[10] ^ 0x5a);
    const QString bad = queue(u"tampered.bin"_s, wrong);
    QVERIFY(!bad.isEmpty());

    Device device;
    configure(device.client);
    device.client.bindThing(u"Pump1"_s, {{u"data"_s, root}});
    QMap<QString, qint64> startedAt;
    QStringList finished;
    QMap<QString, BulwarkEdge::Error> failed;
    QObject::connect(&device.client, &EdgeClient::transferStarted, &device.client,
                     [&](const BulwarkEdge::TransferInfo &t) {
                         startedAt.insert(t.id.toString(QUuid::WithoutBraces), t.bytes);
                     });
    QObject::connect(&device.client, &EdgeClient::transferFinished, &device.client,
                     [&](const BulwarkEdge::TransferInfo &t) {
                         finished.append(t.id.toString(QUuid::WithoutBraces));
                     });
    QObject::connect(&device.client, &EdgeClient::transferFailed, &device.client,
                     [&](const BulwarkEdge::TransferInfo &t, const BulwarkEdge::Error &e) {
                         failed.insert(t.id.toString(QUuid::WithoutBraces), e);
                     });
    device.client.connectToServer();
    QVERIFY(device.waitFor(
        [&] {
            return (finished.contains(good) || failed.contains(good)) &&
                   (finished.contains(bad) || failed.contains(bad));
        },
        30000));
    QVERIFY2(!failed.contains(good), qPrintable(failed.value(good).message));
    QCOMPARE(startedAt.value(good), qint64(2 * chunk));
    QFile resumed(root + u"/resumed.bin"_s);
    QVERIFY(resumed.open(QIODevice::ReadOnly));
    QVERIFY(resumed.readAll() == content);

    QVERIFY(failed.contains(bad));
    QCOMPARE(failed.value(bad).code, BulwarkEdge::ErrorCode::VerificationFailed);
    QVERIFY2(failed.value(bad).message.contains(u"MD5 mismatch"_s),
             qPrintable(failed.value(bad).message));
    QVERIFY(!QFile::exists(root + u"/tampered.bin"_s));
    const QStringList leftovers =
        QDir(root).entryList({u"*.bulwark-part"_s}, QDir::Files | QDir::Hidden);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(u", "_s)));
}

QTEST_GUILESS_MAIN(TestEdgeSdk)
#include "tst_edge_sdk.moc"
