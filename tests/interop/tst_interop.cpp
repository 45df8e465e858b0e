// Interop with independent WebSocket clients: python3-websockets and the
// npm `ws` package (Debian's node-ws) drive the real server over wss. The
// server and the scene come from here (a Thing, a device user who may see,
// read and write it, an app key of that user); each client then signs in on
// /edge with the key and on /api/events with HTTP Basic, binds the Thing,
// sends an update, waits for its acknowledgement and for the propertyChanged
// event (tests/interop/edge_client.py and edge_client.js), and the value is
// read back through REST.
//
// A missing interpreter or module fails the test, with what to install: CI
// installs them (.ci/packages.txt).
#include "AccessFixture.h"
#include "HeadlessServer.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

using namespace BulwarkTest;

namespace {

const QString kDeviceUser = u"interop-device"_s;
const QString kDevicePassword = u"saffron-ladder-cobalt-64"_s;
// Bounds a client's whole run; the clients bound each step at 10 s.
constexpr int kClientTimeoutMs = 60000;

// Debian's python3 (where python3-websockets installs), ahead of any other
// python3 on the PATH (a pyenv shim, say).
QString python()
{
    if (const QString set = qEnvironmentVariable("BULWARK_INTEROP_PYTHON"); !set.isEmpty())
        return set;
    if (QFileInfo(u"/usr/bin/python3"_s).isExecutable())
        return u"/usr/bin/python3"_s;
    return QStandardPaths::findExecutable(u"python3"_s);
}

QString node()
{
    if (const QString set = qEnvironmentVariable("BULWARK_INTEROP_NODE"); !set.isEmpty())
        return set;
    return QStandardPaths::findExecutable(u"node"_s);
}

struct Run
{
    bool finished = false;
    int exitCode = -1;
    QString output;
    QString problem;
};

} // namespace

class TestInterop final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void client_data();
    void client();

private:
    [[nodiscard]] Run runClient(const QString &program, const QString &script, const QString &thing,
                                double value, const QString &time);

    std::unique_ptr<HeadlessServer> m_server;
    QString m_appKey;
    QString m_scripts;
};

void TestInterop::initTestCase()
{
    m_scripts = qEnvironmentVariable("BULWARK_INTEROP_DIR");
    QVERIFY2(QFileInfo::exists(m_scripts + u"/edge_client.py"_s),
             "BULWARK_INTEROP_DIR must name tests/interop (ctest sets it)");
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

    RestSetup setup(*m_server, kDevicePassword);
    const QJsonObject level{
        {"properties"_L1,
         QJsonArray{QJsonObject{{"name"_L1, "level"_L1}, {"baseType"_L1, "NUMBER"_L1}}}}};
    setup.makeUser(kDeviceUser, kDevicePassword);
    setup.makeOrganization(u"Lab"_s, {{u"Bench"_s, u"Lab"_s}});
    setup.setUnitMembers(u"Lab/Bench"_s, {user(kDeviceUser)});
    for (const QString &thing : {u"PythonMeter"_s, u"NodeMeter"_s}) {
        setup.makeThing(thing, {}, level);
        setup.setVisibility(u"Things/%1/Visibility"_s.arg(thing), {u"Lab/Bench"_s});
        setup.setRules(u"Things/%1/Permissions"_s.arg(thing),
                       {rule(user(kDeviceUser), u"Read"_s),
                        rule(user(kDeviceUser), u"PropertyRead"_s),
                        rule(user(kDeviceUser), u"PropertyWrite"_s)});
    }
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    const Answer key = m_server->post(u"/api/ApplicationKeys"_s,
                                      {{"name"_L1, "interop"_L1}, {"user"_L1, kDeviceUser}});
    QCOMPARE(key.status, 201);
    m_appKey = key.json().value("secret"_L1).toString();
    QVERIFY(m_appKey.startsWith(u"bwk_"_s));
}

void TestInterop::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

Run TestInterop::runClient(const QString &program, const QString &script, const QString &thing,
                           double value, const QString &time)
{
    Run run;
    if (program.isEmpty()) {
        run.problem = u"the interpreter was not found"_s;
        return run;
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"BULWARK_INTEROP_APP_KEY"_s, m_appKey);
    environment.insert(u"BULWARK_INTEROP_USER"_s, kDeviceUser);
    environment.insert(u"BULWARK_INTEROP_PASSWORD"_s, kDevicePassword);
    // Debian's Node.js modules (node-ws), for whichever node runs them.
    const QString nodePath = environment.value(u"NODE_PATH"_s);
    environment.insert(u"NODE_PATH"_s, nodePath.isEmpty() ? u"/usr/share/nodejs"_s
                                                          : nodePath + u":/usr/share/nodejs"_s);
    environment.remove(u"PYTHONPATH"_s);
    process.setProcessEnvironment(environment);
    QByteArray output;
    QObject::connect(&process, &QProcess::readyRead, &process,
                     [&] { output += process.readAll(); });
    process.start(program,
                  {m_scripts + u'/' + script, u"--url"_s,
                   u"wss://127.0.0.1:%1"_s.arg(m_server->port()), u"--ca"_s,
                   m_server->dataDir() + u"/tls/server.crt"_s, u"--thing"_s, thing, u"--property"_s,
                   u"level"_s, u"--value"_s, QString::number(value), u"--time"_s, time});
    SignalWaiter waiter(kClientTimeoutMs);
    waiter.wakeOn(&process, &QProcess::finished);
    waiter.wakeOn(&process, &QProcess::errorOccurred);
    waiter.wakeOn(&process, &QProcess::readyRead);
    run.finished = waiter.waitFor([&] { return process.state() == QProcess::NotRunning; });
    output += process.readAll();
    run.output = QString::fromUtf8(output);
    if (process.error() == QProcess::FailedToStart) {
        run.problem = u"%1 did not start: %2"_s.arg(program, process.errorString());
    } else if (!run.finished) {
        run.problem = u"it did not finish within %1 s"_s.arg(kClientTimeoutMs / 1000);
        process.kill();
        process.waitForFinished(kTimeoutMs);
    } else if (process.exitStatus() != QProcess::NormalExit) {
        run.problem = u"it crashed"_s;
    } else {
        run.exitCode = process.exitCode();
    }
    return run;
}

void TestInterop::client_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("thing");
    QTest::addColumn<QString>("install");
    QTest::addColumn<double>("value");
    QTest::newRow("python3-websockets")
        << python() << u"edge_client.py"_s << u"PythonMeter"_s
        << u"the Debian packages python3 and python3-websockets"_s << 21.5;
    QTest::newRow("node-ws") << node() << u"edge_client.js"_s << u"NodeMeter"_s
                             << u"the Debian packages nodejs and node-ws"_s << 42.25;
}

void TestInterop::client()
{
    QFETCH(QString, program);
    QFETCH(QString, script);
    QFETCH(QString, thing);
    QFETCH(QString, install);
    QFETCH(double, value);
    const QString time = u"2026-03-04T05:06:07.890Z"_s;

    const Run run = runClient(program, script, thing, value, time);
    const QString failure = u"%1 with %2: %3\n--- its output ---\n%4\nIt needs %5 "
                            "(.ci/packages.txt; apt-get install -y ...)."_s;
    QVERIFY2(run.problem.isEmpty(),
             qPrintable(failure.arg(script, program, run.problem, run.output, install)));
    QVERIFY2(run.exitCode == 0,
             qPrintable(failure.arg(script, program, u"exit code %1"_s.arg(run.exitCode),
                                    run.output, install)));
    QVERIFY2(run.output.contains(u"interop ok: "_s), qPrintable(run.output));
    qInfo().noquote() << run.output.trimmed();

    // What the client's update stored, as REST tells it.
    const Answer stored = m_server->get(u"/api/Things/%1/Properties/level"_s.arg(thing));
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json()["value"_L1].toDouble(), value);
    QCOMPARE(stored.json()["time"_L1].toString(), time);
    QCOMPARE(stored.json()["quality"_L1].toString(), u"uncertain"_s);
    // The client closed its session: the Thing is no longer connected.
    SignalWaiter waiter;
    QTimer poll;
    poll.start(50);
    waiter.wakeOn(&poll, &QTimer::timeout);
    QVERIFY(waiter.waitFor([&] {
        return m_server->get(u"/api/Things/%1/Connection"_s.arg(thing)).json() ==
               QJsonObject{{"connected"_L1, false}};
    }));
}

QTEST_GUILESS_MAIN(TestInterop)
#include "tst_interop.moc"
