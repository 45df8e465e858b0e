// The bulwark-edge agent (edge/agent) as a process against the real server,
// driven as local programs would drive it: with curl on its loopback HTTP
// interface. Properties set and events fired through it; a service call made
// through REST collected by a long poll and answered (with a result and with
// an error); a property write nobody collects answered to the platform as a
// timeout; requests a browser could send refused; its configured virtual
// directory listed by the platform. Its configuration checked
// with errors that name the key, an app key file others may read refused,
// and the local interface refused on a non-loopback address.
#include "../common/EdgeFixture.h"
#include "../common/WebSocketClient.h"

#include "AgentConfig.h"
#include "LocalHttp.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace BulwarkTest;
using namespace BulwarkEdge::Agent;

namespace {

const QString kDevicePassword = u"harbor-violet-compass-72"_s;

// One curl run: the HTTP status (0 if curl failed) and the body.
struct CurlResult
{
    int status = 0;
    QByteArray body;
    QByteArray errors;

    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    [[nodiscard]] QByteArray describe() const
    {
        return QByteArray::number(status) + ' ' + body + ' ' + errors;
    }
};

// curl, as a local program would use it; the last output line is the status.
class Curl final
{
public:
    explicit Curl(const QStringList &arguments)
    {
        m_process.start(u"curl"_s, QStringList{u"-sS"_s, u"--max-time"_s, u"60"_s, u"-w"_s,
                                               u"\n%{http_code}"_s} +
                                       arguments);
    }
    [[nodiscard]] QProcess &process() { return m_process; }
    [[nodiscard]] bool isFinished() const { return m_process.state() == QProcess::NotRunning; }

    [[nodiscard]] CurlResult result()
    {
        SignalWaiter waiter(70000);
        waiter.wakeOn(&m_process, &QProcess::finished);
        waiter.wakeOn(&m_process, &QProcess::errorOccurred);
        if (!waiter.waitFor([this] { return isFinished(); }))
            return {};
        CurlResult result;
        QByteArray output = m_process.readAllStandardOutput();
        result.errors = m_process.readAllStandardError();
        const qsizetype newline = output.lastIndexOf('\n');
        result.status = output.mid(newline + 1).toInt();
        result.body = output.left(std::max<qsizetype>(newline, 0));
        return result;
    }

private:
    QProcess m_process;
};

// A backend that is never reached: the tests of LocalHttp::listen only.
class NoBackend final : public LocalBackend
{
public:
    bool hasThing(const QString &) const override { return false; }
    void setProperty(const QString &, const QString &, const QJsonValue &, const QString &,
                     const QString &, Done) override
    {}
    void fireEvent(const QString &, const QString &, const QJsonObject &, Done) override {}
    QJsonObject status() const override { return {}; }
};

bool writeFile(const QString &path, const QByteArray &content, QFile::Permissions permissions)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(content) == content.size() && file.setPermissions(permissions);
}

constexpr QFile::Permissions kOwnerOnly = QFile::ReadOwner | QFile::WriteOwner;

} // namespace

class TestEdgeAgent final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void helpIsReadable();
    void configurationErrorsNameTheKey_data();
    void configurationErrorsNameTheKey();
    void keyFileOthersMayReadIsRefused();
    void localInterfaceOnlyOnLoopback();
    void statusAndBrowserRefusals();
    void setPropertyWithCurl();
    void concurrentPutsGetTheirOwnAnswers();
    void fireEventWithCurl();
    void serviceCallCollectedByLongPoll();
    void uncollectedWriteTimesOut();
    void virtualDirectoryIsServed();

private:
    [[nodiscard]] QJsonObject config() const
    {
        return {{"server"_L1, m_server->url(u"/edge"_s, u"wss"_s).toString()},
                {"fingerprint"_L1, m_server->fingerprint()},
                {"appKeyFile"_L1, "app.key"_L1},
                {"things"_L1,
                 QJsonArray{QJsonObject{{"name"_L1, "Pump1"_L1},
                                        {"directories"_L1, QJsonObject{{"logs"_L1, "logs"_L1}}}}}},
                {"http"_L1, QJsonObject{{"address"_L1, "127.0.0.1"_L1}, {"port"_L1, 0}}},
                {"writeTimeoutSeconds"_L1, 1},
                {"invokeTimeoutSeconds"_L1, 30}};
    }
    [[nodiscard]] QString local(const QString &path) const
    {
        return u"http://127.0.0.1:%1%2"_s.arg(m_agentPort).arg(path);
    }
    [[nodiscard]] QString agentLog() const { return QString::fromUtf8(m_agentLog); }

    std::unique_ptr<HeadlessServer> m_server;
    QTemporaryDir m_directory;
    QByteArray m_appKey;
    QProcess m_agent;
    QByteArray m_agentLog;
    quint16 m_agentPort = 0;
};

void TestEdgeAgent::initTestCase()
{
    QVERIFY(m_directory.isValid());
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, kDevicePassword);
    setup.makeThing(u"Pump1"_s, {},
                    thingMembers({typedProperty(u"temperature"_s, u"NUMBER"_s),
                                  typedProperty(u"setpoint"_s, u"INTEGER"_s)},
                                 {resetService()}, {u"Overheat"_s}));
    makeDeviceUser(setup, u"gateway"_s, kDevicePassword, {u"Pump1"_s},
                   {u"Read"_s, u"PropertyWrite"_s, u"EventInvoke"_s, u"ServiceInvoke"_s});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    m_appKey = makeAppKey(*m_server, u"pump-agent"_s, u"gateway"_s);
    QVERIFY(!m_appKey.isEmpty());

    // The agent, as an operator would run it.
    const QString directory = m_directory.path();
    QVERIFY(QDir(directory).mkpath(u"logs"_s));
    QVERIFY(writeFile(directory + u"/logs/pump.log"_s, "started\n", kOwnerOnly));
    QVERIFY(writeFile(directory + u"/app.key"_s, m_appKey + '\n', kOwnerOnly));
    QVERIFY(writeFile(directory + u"/agent.json"_s, QJsonDocument(config()).toJson(),
                      kOwnerOnly | QFile::ReadGroup | QFile::ReadOther));
    m_agent.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_agent, &QProcess::readyRead, this, [this] { m_agentLog += m_agent.readAll(); });
    m_agent.start(qEnvironmentVariable("BULWARK_EDGE_AGENT"),
                  {u"--config"_s, directory + u"/agent.json"_s});
    static const QRegularExpression listening(u"Local interface on http://127.0.0.1:(\\d+)/"_s);
    SignalWaiter waiter(30000);
    waiter.wakeOn(&m_agent, &QProcess::readyRead);
    waiter.wakeOn(&m_agent, &QProcess::finished);
    QVERIFY2(waiter.waitFor([this] {
        return (agentLog().contains(u"Connection: connected"_s) &&
                agentLog().contains(u"Bound Thing Pump1"_s)) ||
               m_agent.state() == QProcess::NotRunning;
    }) && m_agent.state() == QProcess::Running,
             m_agentLog.constData());
    const QRegularExpressionMatch match = listening.match(agentLog());
    QVERIFY2(match.hasMatch(), m_agentLog.constData());
    m_agentPort = match.captured(1).toUShort();
}

void TestEdgeAgent::cleanupTestCase()
{
    if (m_agent.state() == QProcess::Running) {
        m_agent.terminate(); // SIGTERM: a clean stop
        SignalWaiter waiter(10000);
        waiter.wakeOn(&m_agent, &QProcess::finished);
        QVERIFY(waiter.waitFor([this] { return m_agent.state() == QProcess::NotRunning; }));
        QCOMPARE(m_agent.exitCode(), 0);
    }
    QCOMPARE(m_server->stop(), 0);
}

void TestEdgeAgent::helpIsReadable()
{
    QProcess help;
    help.start(qEnvironmentVariable("BULWARK_EDGE_AGENT"), {u"--help"_s});
    QVERIFY(help.waitForFinished(10000));
    QCOMPARE(help.exitCode(), 0);
    const QString text = QString::fromUtf8(help.readAllStandardOutput());
    for (const QString &expected :
         {u"--config"_s, u"--check"_s, u"PUT  /things/"_s, u"/requests?wait="_s, u"loopback"_s})
        QVERIFY2(text.contains(expected), qPrintable(text));
}

void TestEdgeAgent::configurationErrorsNameTheKey_data()
{
    QTest::addColumn<QJsonObject>("change"); // merged into a valid configuration
    QTest::addColumn<QString>("removed");
    QTest::addColumn<QString>("expected");
    QTest::newRow("server missing") << QJsonObject() << u"server"_s << u"\"server\" is missing"_s;
    QTest::newRow("server not wss") << QJsonObject{{"server"_L1, "https://plant.example/edge"_L1}}
                                    << QString() << u"\"server\" must be a wss://"_s;
    QTest::newRow("typo") << QJsonObject{{"sever"_L1, "x"_L1}} << QString()
                          << u"unknown key \"sever\""_s;
    QTest::newRow("no trust") << QJsonObject() << u"fingerprint"_s << u"\"caFile\""_s;
    QTest::newRow("two trusts") << QJsonObject{{"caFile"_L1, "ca.pem"_L1}} << QString()
                                << u"only one of"_s;
    QTest::newRow("bad fingerprint") << QJsonObject{{"fingerprint"_L1, "AB:CD"_L1}} << QString()
                                     << u"\"fingerprint\" must be a SHA-256"_s;
    QTest::newRow("no key file") << QJsonObject() << u"appKeyFile"_s << u"\"appKeyFile\""_s;
    QTest::newRow("missing key file") << QJsonObject{{"appKeyFile"_L1, "nope.key"_L1}} << QString()
                                      << u"\"appKeyFile\": The app key file"_s;
    QTest::newRow("no things") << QJsonObject{{"things"_L1, QJsonArray()}} << QString()
                               << u"\"things\""_s;
    QTest::newRow("thing twice") << QJsonObject{{"things"_L1, QJsonArray{u"Pump1"_s, u"Pump1"_s}}}
                                 << QString() << u"things[1]"_s;
    QTest::newRow("directory not there")
        << QJsonObject{{"things"_L1,
                        QJsonArray{QJsonObject{
                            {"name"_L1, "Pump1"_L1},
                            {"directories"_L1, QJsonObject{{"logs"_L1, "/nonexistent/x"_L1}}}}}}}
        << QString() << u"things[0].directories.logs"_s;
    QTest::newRow("directory name")
        << QJsonObject{{"things"_L1, QJsonArray{QJsonObject{
                                         {"name"_L1, "Pump1"_L1},
                                         {"directories"_L1, QJsonObject{{".."_L1, "."_L1}}}}}}}
        << QString() << u"not a valid directory name"_s;
    QTest::newRow("not loopback")
        << QJsonObject{{"http"_L1, QJsonObject{{"address"_L1, "0.0.0.0"_L1}, {"port"_L1, 8585}}}}
        << QString() << u"\"http.address\" is 0.0.0.0, which is not a loopback address"_s;
    QTest::newRow("port") << QJsonObject{{"http"_L1, QJsonObject{{"port"_L1, 70000}}}} << QString()
                          << u"\"http.port\" must be a whole number from 0 to 65535"_s;
    QTest::newRow("timeout") << QJsonObject{{"writeTimeoutSeconds"_L1, 0}} << QString()
                             << u"\"writeTimeoutSeconds\""_s;
}

void TestEdgeAgent::configurationErrorsNameTheKey()
{
    QFETCH(QJsonObject, change);
    QFETCH(QString, removed);
    QFETCH(QString, expected);
    QJsonObject object = config();
    object.remove(removed);
    for (auto it = change.begin(); it != change.end(); ++it)
        object.insert(it.key(), it.value());
    QVERIFY(writeFile(m_directory.path() + u"/ca.pem"_s, "not used", kOwnerOnly));
    const ConfigResult result =
        parseAgentConfig(QJsonDocument(object).toJson(), m_directory.path());
    QVERIFY(!result.config);
    QVERIFY2(result.error.contains(expected), qPrintable(result.error));

    // And the valid one is valid.
    const ConfigResult valid =
        parseAgentConfig(QJsonDocument(config()).toJson(), m_directory.path());
    QVERIFY2(valid.config, qPrintable(valid.error));
    QCOMPARE(valid.config->appKey, m_appKey);
    QCOMPARE(valid.config->things.size(), 1);
}

void TestEdgeAgent::keyFileOthersMayReadIsRefused()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    QVERIFY(QDir(directory.path()).mkpath(u"logs"_s));
    const QString keyFile = directory.path() + u"/app.key"_s;
    QVERIFY(writeFile(keyFile, m_appKey, kOwnerOnly | QFile::ReadGroup | QFile::ReadOther));
    QVERIFY(writeFile(directory.path() + u"/agent.json"_s, QJsonDocument(config()).toJson(),
                      kOwnerOnly));
    const auto check = [&] {
        QProcess agent;
        agent.start(qEnvironmentVariable("BULWARK_EDGE_AGENT"),
                    {u"--check"_s, u"--config"_s, directory.path() + u"/agent.json"_s});
        if (!agent.waitForFinished(10000))
            return std::pair(-1, QString());
        return std::pair(agent.exitCode(), QString::fromUtf8(agent.readAllStandardError() +
                                                             agent.readAllStandardOutput()));
    };
    auto [code, output] = check();
    QCOMPARE(code, 2);
    QVERIFY2(output.contains(u"mode 0644"_s) && output.contains(u"chmod 600 "_s + keyFile),
             qPrintable(output));
    QVERIFY(QFile::setPermissions(keyFile, kOwnerOnly));
    std::tie(code, output) = check();
    QCOMPARE(code, 0);
    QVERIFY2(output.contains(u"valid"_s), qPrintable(output));
}

void TestEdgeAgent::localInterfaceOnlyOnLoopback()
{
    NoBackend backend;
    LocalHttp http(backend);
    const QString refused = http.listen(QHostAddress(QHostAddress::AnyIPv4), 0);
    QVERIFY2(refused.contains(u"loopback"_s), qPrintable(refused));
    QCOMPARE(http.port(), quint16(0));
    QCOMPARE(http.listen(QHostAddress(QHostAddress::LocalHost), 0), QString());
    QVERIFY(http.port() != 0);
}

void TestEdgeAgent::statusAndBrowserRefusals()
{
    CurlResult status = Curl({local(u"/status"_s)}).result();
    QCOMPARE(status.status, 200);
    const QJsonObject body = status.json();
    QCOMPARE(body.value("connected"_L1).toBool(), true);
    QCOMPARE(body.value("user"_L1).toString(), u"gateway"_s);
    QCOMPARE(body.value("things"_L1).toArray().first()["bound"_L1].toBool(), true);
    QVERIFY(!status.body.contains(m_appKey)); // never the key

    // What a web page could make a browser send.
    CurlResult fromPage =
        Curl({u"-X"_s, u"PUT"_s, u"-H"_s, u"Origin: https://evil.example"_s, u"--data"_s,
              u"{\"value\":1}"_s, local(u"/things/Pump1/properties/temperature"_s)})
            .result();
    QCOMPARE(fromPage.status, 403);
    QCOMPARE(fromPage.json()["error"_L1]["code"_L1].toString(), u"forbidden-origin"_s);
    CurlResult rebound = Curl({u"-H"_s, u"Host: attacker.example"_s, local(u"/status"_s)}).result();
    QCOMPARE(rebound.status, 403);
    QCOMPARE(rebound.json()["error"_L1]["code"_L1].toString(), u"forbidden-host"_s);
    CurlResult nowhere = Curl({local(u"/things"_s)}).result();
    QCOMPARE(nowhere.status, 404);
    QVERIFY(nowhere.json()["error"_L1]["message"_L1].toString().contains(u"/status"_s));
}

void TestEdgeAgent::setPropertyWithCurl()
{
    const QString url = local(u"/things/Pump1/properties/temperature"_s);
    CurlResult set = Curl({u"-X"_s, u"PUT"_s, u"-H"_s, u"Content-Type: application/json"_s,
                           u"--data"_s, u"{\"value\": 42.5}"_s, url})
                         .result();
    QVERIFY2(set.status == 200, set.describe().constData());
    QCOMPARE(set.json().value("accepted"_L1).toInt(), 1);
    const Answer stored = m_server->get(u"/api/Things/Pump1/Properties/temperature"_s);
    QCOMPARE(stored.json().value("value"_L1).toDouble(), 42.5);

    // The platform's refusal comes back to the local program.
    CurlResult mismatch =
        Curl({u"-X"_s, u"PUT"_s, u"--data"_s, u"{\"value\": \"warm\"}"_s, url}).result();
    QCOMPARE(mismatch.status, 400);
    QCOMPARE(mismatch.json()["error"_L1]["code"_L1].toString(), u"type-mismatch"_s);
    CurlResult noValue = Curl({u"-X"_s, u"PUT"_s, u"--data"_s, u"{\"v\": 1}"_s, url}).result();
    QCOMPARE(noValue.status, 400);
    CurlResult notJson = Curl({u"-X"_s, u"PUT"_s, u"--data"_s, u"42"_s, url}).result();
    QCOMPARE(notJson.status, 400);
    CurlResult otherThing = Curl({u"-X"_s, u"PUT"_s, u"--data"_s, u"{\"value\": 1}"_s,
                                  local(u"/things/Pump2/properties/temperature"_s)})
                                .result();
    QCOMPARE(otherThing.status, 404);
    QVERIFY(otherThing.json()["error"_L1]["message"_L1].toString().contains(u"configuration"_s));
    CurlResult wrongMethod = Curl({url}).result();
    QCOMPARE(wrongMethod.status, 405);
}

void TestEdgeAgent::concurrentPutsGetTheirOwnAnswers()
{
    // Started together, so that their values reach the agent in the same
    // moment: each local program gets the platform's answer to its own value.
    const QString url = local(u"/things/Pump1/properties/setpoint"_s);
    std::vector<std::unique_ptr<Curl>> puts;
    const QStringList bodies{u"{\"value\": 11}"_s, u"{\"value\": \"warm\"}"_s, u"{\"value\": 12}"_s,
                             u"{\"value\": \"cold\"}"_s, u"{\"value\": 14}"_s};
    for (const QString &body : bodies)
        puts.push_back(
            std::make_unique<Curl>(QStringList{u"-X"_s, u"PUT"_s, u"--data"_s, body, url}));
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        const CurlResult result = puts[i]->result();
        const bool refused = bodies[i].contains(u"warm"_s) || bodies[i].contains(u"cold"_s);
        if (refused) {
            QVERIFY2(result.status == 400, result.describe().constData());
            QCOMPARE(result.json()["error"_L1]["code"_L1].toString(), u"type-mismatch"_s);
        } else {
            QVERIFY2(result.status == 200, result.describe().constData());
            QCOMPARE(result.json().value("accepted"_L1).toInt(), 1);
        }
    }
}

void TestEdgeAgent::fireEventWithCurl()
{
    WebSocketClient events(m_server->sslConfiguration());
    QNetworkRequest request(m_server->url(u"/api/events"_s, u"wss"_s));
    request.setRawHeader("Authorization",
                         Credentials{kAdministrator, kAdminPassword}.basicHeader());
    QVERIFY(events.open(request));
    CurlResult fired = Curl({u"-X"_s, u"POST"_s, u"--data"_s, u"{\"temperature\": 99.5}"_s,
                             local(u"/things/Pump1/events/Overheat"_s)})
                           .result();
    QVERIFY2(fired.status == 200, fired.describe().constData());
    QCOMPARE(fired.json().value("delivered"_L1).toBool(), true);
    const QJsonObject event = events.waitFor(
        [](const QJsonObject &m) { return m["type"_L1].toString() == u"thingEvent"; });
    QCOMPARE(event["thing"_L1].toString(), u"Pump1"_s);
    QCOMPARE(event["event"_L1].toString(), u"Overheat"_s);
    QCOMPARE(event["data"_L1]["temperature"_L1].toDouble(), 99.5);

    CurlResult undeclared =
        Curl({u"-X"_s, u"POST"_s, local(u"/things/Pump1/events/Explosion"_s)}).result();
    QCOMPARE(undeclared.status, 404);
    QCOMPARE(undeclared.json()["error"_L1]["code"_L1].toString(), u"not-found"_s);
}

void TestEdgeAgent::serviceCallCollectedByLongPoll()
{
    const auto call = [&](int level, Answer &answer) {
        QNetworkAccessManager network;
        // A local program already waits for requests when the call arrives.
        Curl poll({local(u"/things/Pump1/requests?wait=30"_s)});
        QVERIFY(poll.process().waitForStarted(10000));
        auto reply =
            m_server->send(network,
                           Request("POST", u"/api/Things/Pump1/Services/Reset"_s,
                                   jsonBody({{"parameters"_L1, QJsonObject{{"level"_L1, level}}}}),
                                   "application/json"),
                           60000);
        const CurlResult collected = poll.result();
        QVERIFY2(collected.status == 200, collected.describe().constData());
        const QJsonArray requests = collected.json().value("requests"_L1).toArray();
        QCOMPARE(requests.size(), 1);
        const QJsonObject request = requests.first().toObject();
        QCOMPARE(request["type"_L1].toString(), u"invoke"_s);
        QCOMPARE(request["service"_L1].toString(), u"Reset"_s);
        QCOMPARE(request["parameters"_L1]["level"_L1].toInt(), level);
        const QString id = request["id"_L1].toString();
        const QString answerBody =
            level <= 5 ? u"{\"output\": \"reset to %1\"}"_s.arg(level)
                       : u"{\"error\": \"Level %1 is above the highest level, 5.\"}"_s.arg(level);
        const CurlResult answered = Curl({u"-X"_s, u"POST"_s, u"--data"_s, answerBody,
                                          local(u"/things/Pump1/requests/"_s + id)})
                                        .result();
        QVERIFY2(answered.status == 200, answered.describe().constData());
        // Answered once only.
        const CurlResult again = Curl({u"-X"_s, u"POST"_s, u"--data"_s, answerBody,
                                       local(u"/things/Pump1/requests/"_s + id)})
                                     .result();
        QCOMPARE(again.status, 404);
        SignalWaiter waiter(60000);
        waiter.wakeOn(reply.get(), &QNetworkReply::finished);
        QVERIFY(waiter.waitFor([&] { return reply->isFinished(); }));
        answer = HeadlessServer::answerOf(*reply);
    };
    Answer answer;
    call(2, answer);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json().value("output"_L1).toString(), u"reset to 2"_s);
    call(9, answer);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(answer.status, 409);
    QVERIFY2(answer.errorMessage().contains(u"Level 9 is above the highest level, 5."_s),
             answer.body.constData());

    // Nothing waiting: an empty list at once.
    const CurlResult empty = Curl({local(u"/things/Pump1/requests"_s)}).result();
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().value("requests"_L1).toArray().size(), 0);
}

void TestEdgeAgent::uncollectedWriteTimesOut()
{
    // writeTimeoutSeconds is 1 and nobody polls: the platform hears why.
    const Answer write =
        m_server->put(u"/api/Things/Pump1/Properties/setpoint"_s, {{"value"_L1, 5}});
    QCOMPARE(write.status, 409);
    QVERIFY2(write.errorMessage().contains(u"No local program collected"_s),
             write.body.constData());
    QVERIFY(agentLog().contains(u"No local program collected"_s));
}

void TestEdgeAgent::virtualDirectoryIsServed()
{
    // The configured directory "logs" is what the platform sees of the device.
    const Answer listing = m_server->get(u"/api/Things/Pump1/Files?path=logs"_s);
    QVERIFY2(listing.status == 200, listing.body.constData());
    const QJsonArray entries = listing.json().value("entries"_L1).toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first()["name"_L1].toString(), u"pump.log"_s);
    QCOMPARE(entries.first()["size"_L1].toInt(), 8);
    const CurlResult status = Curl({local(u"/status"_s)}).result();
    QCOMPARE(status.json()["things"_L1][0]["directories"_L1].toArray(), QJsonArray{u"logs"_s});
}

QTEST_GUILESS_MAIN(TestEdgeAgent)
#include "tst_edge_agent.moc"
