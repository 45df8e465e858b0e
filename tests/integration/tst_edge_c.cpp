// The C API (edge/c/bulwark_edge.h) against the real server over TLS: the
// plain C example (edge/examples/c_device.c, built with the C compiler, a
// host without Qt) connects, binds, pushes a value and answers a service
// call made through REST; in this process (a Qt host, so the library runs a
// QThread of this application) argument checks and their messages, refused
// credentials and a wrong certificate pin reported with their codes,
// property writes, service calls and events through callbacks, clients
// created and destroyed again, and a file uploaded from a virtual directory.
// Also the C++ example edge/examples/simulated_device, which publishes its
// properties and uploads its log file to a repository.
#include "../common/EdgeFixture.h"

#include "bulwark_edge.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

using namespace BulwarkTest;

namespace {

const QString kDevicePassword = u"amber-orchard-kettle-31"_s;

// What the callbacks (on the library's thread) saw.
struct Observed
{
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::pair<bulwark_edge_error, std::string>> errors;
    std::vector<std::string> writes;    // "property=value_json"
    std::string transferQueued;         // the id, or "error: message"
    std::vector<std::string> transfers; // "finished path sha256" or "failed message"
    int accepted = 0;
    int eventsDone = 0;
    bulwark_edge_error eventResult = BULWARK_EDGE_E_INTERNAL;

    template <typename Predicate> bool waitFor(Predicate predicate)
    {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(20), predicate);
    }
    template <typename Change> void record(Change change)
    {
        {
            const std::lock_guard lock(mutex);
            change();
        }
        changed.notify_all();
    }
};

void onError(void *data, bulwark_edge_error code, const char *, const char *message)
{
    auto *observed = static_cast<Observed *>(data);
    observed->record([&] { observed->errors.emplace_back(code, message); });
}

void onUpdate(void *data, const char *, int accepted, int)
{
    auto *observed = static_cast<Observed *>(data);
    observed->record([&] { observed->accepted += accepted; });
}

void onWrite(void *data, const char *, const char *property, const char *value,
             bulwark_edge_reply *reply)
{
    auto *observed = static_cast<Observed *>(data);
    if (std::string(value) == "99") {
        bulwark_edge_reply_error(reply, BULWARK_EDGE_E_BAD_REQUEST, "99 is above the limit, 80.");
        return;
    }
    observed->record([&] { observed->writes.push_back(std::string(property) + '=' + value); });
    bulwark_edge_reply_ok(reply);
}

void onReset(void *, const char *, const char *, const char *parameters, bulwark_edge_reply *reply)
{
    // {"level":N}: answered with the parameters, to show they arrived.
    bulwark_edge_reply_string(reply, (std::string("got ") + parameters).c_str());
}

void onSilentService(void *, const char *, const char *, const char *, bulwark_edge_reply *) {}

void onEventDone(void *data, bulwark_edge_error code, const char *)
{
    auto *observed = static_cast<Observed *>(data);
    observed->record([&] {
        ++observed->eventsDone;
        observed->eventResult = code;
    });
}

void onTransferQueued(void *data, const char *id, bulwark_edge_error code, const char *message)
{
    auto *observed = static_cast<Observed *>(data);
    observed->record([&] {
        observed->transferQueued =
            code == BULWARK_EDGE_OK ? std::string(id) : std::string("error: ") + message;
    });
}

void onTransfer(void *data, bulwark_edge_transfer_event event,
                const bulwark_edge_transfer *transfer, bulwark_edge_error, const char *message)
{
    auto *observed = static_cast<Observed *>(data);
    if (event == BULWARK_EDGE_TRANSFER_FINISHED)
        observed->record([&] {
            observed->transfers.push_back(std::string("finished ") + transfer->path + ' ' +
                                          transfer->sha256);
        });
    else if (event == BULWARK_EDGE_TRANSFER_FAILED)
        observed->record([&] { observed->transfers.push_back(std::string("failed ") + message); });
}

struct ClientDeleter
{
    void operator()(bulwark_edge_client *client) const { bulwark_edge_destroy(client); }
};
using Client = std::unique_ptr<bulwark_edge_client, ClientDeleter>;

} // namespace

class TestEdgeC final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void plainCExample();
    void argumentsAreCheckedWithMessages();
    void refusedKeyEndsWithItsCode();
    void wrongPinIsATlsFailure();
    void writesServicesAndEvents();
    void clientsComeAndGo();
    void simulatedDeviceMovesAFile();
    void uploadThroughTheCApi();

private:
    [[nodiscard]] QByteArray edgeUrl() const
    {
        return m_server->url(u"/edge"_s, u"wss"_s).toString().toUtf8();
    }
    // A client configured for the server, not yet connected.
    [[nodiscard]] Client client(const QByteArray &appKey, Observed &observed) const
    {
        Client c(bulwark_edge_create());
        if (!c)
            return c;
        if (bulwark_edge_set_server_url(c.get(), edgeUrl().constData()) != BULWARK_EDGE_OK ||
            bulwark_edge_set_pinned_fingerprint(
                c.get(), m_server->fingerprint().toLatin1().constData()) != BULWARK_EDGE_OK ||
            bulwark_edge_set_app_key(c.get(), appKey.constData()) != BULWARK_EDGE_OK ||
            bulwark_edge_set_error_callback(c.get(), onError, &observed) != BULWARK_EDGE_OK ||
            bulwark_edge_set_update_callback(c.get(), onUpdate, &observed) != BULWARK_EDGE_OK)
            c.reset();
        return c;
    }

    std::unique_ptr<HeadlessServer> m_server;
    QByteArray m_appKey;
};

void TestEdgeC::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig("[edge]\nwrite_timeout_seconds=10\ninvoke_timeout_seconds=10\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, kDevicePassword);
    setup.makeThing(u"Boiler1"_s, {},
                    thingMembers({typedProperty(u"temperature"_s, u"NUMBER"_s),
                                  typedProperty(u"setpoint"_s, u"INTEGER"_s)},
                                 {resetService(), QJsonObject{{"name"_L1, "Silent"_L1},
                                                              {"output"_L1, "STRING"_L1}}},
                                 {u"Overheat"_s}));
    // The device's user sees Boiler1 and may bind it, write its values and fire its events.
    makeDeviceUser(setup, u"device"_s, kDevicePassword, {u"Boiler1"_s},
                   {u"Read"_s, u"PropertyWrite"_s, u"EventInvoke"_s});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    m_appKey = makeAppKey(*m_server, u"boiler-key"_s, u"device"_s);
    QVERIFY(!m_appKey.isEmpty());
}

void TestEdgeC::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestEdgeC::plainCExample()
{
    const QString program = qEnvironmentVariable("BULWARK_C_DEVICE");
    QVERIFY2(!program.isEmpty(), "BULWARK_C_DEVICE is not set");
    QProcess device;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"BULWARK_APP_KEY"_s, QString::fromLatin1(m_appKey));
    // Warnings only: what must not appear.
    environment.insert(u"QT_LOGGING_RULES"_s, u"*.debug=false;*.info=false"_s);
    device.setProcessEnvironment(environment);
    QByteArray output;
    QByteArray errors;
    connect(&device, &QProcess::readyReadStandardOutput, &device,
            [&] { output += device.readAllStandardOutput(); });
    connect(&device, &QProcess::readyReadStandardError, &device,
            [&] { errors += device.readAllStandardError(); });
    device.start(program, {QString::fromUtf8(edgeUrl()), m_server->fingerprint(), u"Boiler1"_s});

    SignalWaiter ready(30000);
    ready.wakeOn(&device, &QProcess::readyReadStandardOutput);
    ready.wakeOn(&device, &QProcess::finished);
    QVERIFY2(ready.waitFor([&] {
        return output.contains("c_device: ready") || device.state() == QProcess::NotRunning;
    }) && output.contains("c_device: ready"),
             QByteArray(output + errors).constData());

    // The value it pushed is stored.
    const Answer temperature = m_server->get(u"/api/Things/Boiler1/Properties/temperature"_s);
    QCOMPARE(temperature.status, 200);
    QCOMPARE(temperature.json().value("value"_L1).toDouble(), 21.5);
    // A level it refuses, then one it answers (and exits on).
    const Answer refused = m_server->post(u"/api/Things/Boiler1/Services/Reset"_s,
                                          {{"parameters"_L1, QJsonObject{{"level"_L1, 9}}}});
    QCOMPARE(refused.status, 409);
    QVERIFY2(refused.errorMessage().contains(u"from 0 to 5"_s), refused.body.constData());
    const Answer reset = m_server->post(u"/api/Things/Boiler1/Services/Reset"_s,
                                        {{"parameters"_L1, QJsonObject{{"level"_L1, 3}}}});
    QCOMPARE(reset.status, 200);
    QCOMPARE(reset.json().value("output"_L1).toString(), u"reset to 3"_s);

    SignalWaiter finished(30000);
    finished.wakeOn(&device, &QProcess::finished);
    QVERIFY(finished.waitFor([&] { return device.state() == QProcess::NotRunning; }));
    QVERIFY2(device.exitStatus() == QProcess::NormalExit && device.exitCode() == 0,
             QByteArray(output + errors).constData());
    // Nothing went wrong on the way, and Qt had nothing to warn about (the
    // library's QCoreApplication lives on a thread of its own).
    QVERIFY2(errors.isEmpty(), errors.constData());
    QVERIFY(output.contains("c_device: Reset of Boiler1 answered: reset to 3"));
}

void TestEdgeC::argumentsAreCheckedWithMessages()
{
    QCOMPARE(bulwark_edge_set_server_url(nullptr, "wss://x/edge"), BULWARK_EDGE_E_INVALID_ARGUMENT);
    QVERIFY(QByteArray(bulwark_edge_last_error(nullptr)).contains("client is NULL"));

    Client c(bulwark_edge_create());
    QVERIFY(c);
    QCOMPARE(bulwark_edge_set_server_url(c.get(), nullptr), BULWARK_EDGE_E_INVALID_ARGUMENT);
    QVERIFY(QByteArray(bulwark_edge_last_error(c.get())).contains("url"));
    QCOMPARE(bulwark_edge_set_server_url(c.get(), "https://plant.example/edge"),
             BULWARK_EDGE_E_INVALID_ARGUMENT);
    QVERIFY2(QByteArray(bulwark_edge_last_error(c.get())).contains("wss://"),
             bulwark_edge_last_error(c.get()));
    QCOMPARE(bulwark_edge_set_server_url(c.get(), "wss://plant.example:8443/edge"),
             BULWARK_EDGE_OK);
    QCOMPARE(QByteArray(bulwark_edge_last_error(c.get())), QByteArray());
    QCOMPARE(bulwark_edge_set_pinned_fingerprint(c.get(), "AB:CD"),
             BULWARK_EDGE_E_INVALID_ARGUMENT);
    QCOMPARE(bulwark_edge_set_property_json(c.get(), "Boiler1", "temperature", "{\"a\":"),
             BULWARK_EDGE_E_INVALID_ARGUMENT);
    QVERIFY2(QByteArray(bulwark_edge_last_error(c.get())).contains("temperature"),
             bulwark_edge_last_error(c.get()));
    QCOMPARE(bulwark_edge_set_property_json(c.get(), "Boiler1", "temperature", "1 2"),
             BULWARK_EDGE_E_INVALID_ARGUMENT);
    QCOMPARE(bulwark_edge_set_property_number(c.get(), "Boiler1", "temperature", 1.0 / 0.0),
             BULWARK_EDGE_E_INVALID_ARGUMENT);
    QCOMPARE(bulwark_edge_fire_event(c.get(), "Boiler1", "Overheat", "[1]", nullptr, nullptr),
             BULWARK_EDGE_E_INVALID_ARGUMENT);
    QCOMPARE(bulwark_edge_bind_thing_with_directories(c.get(), "Boiler1", nullptr, 2),
             BULWARK_EDGE_E_INVALID_ARGUMENT);
    QCOMPARE(bulwark_edge_wait_connected(c.get(), 10), BULWARK_EDGE_E_NOT_CONNECTED);
    QVERIFY(QByteArray(bulwark_edge_last_error(c.get())).contains("bulwark_edge_connect"));
    QCOMPARE(bulwark_edge_get_state(c.get()), BULWARK_EDGE_STATE_DISCONNECTED);
    // A JSON scalar is a value like any other.
    QCOMPARE(bulwark_edge_set_property_json(c.get(), "Boiler1", "temperature", " 21.5 "),
             BULWARK_EDGE_OK);

    // Every code has a name and a description.
    for (const bulwark_edge_error code :
         {BULWARK_EDGE_OK, BULWARK_EDGE_E_WRONG_THREAD, BULWARK_EDGE_E_NOT_FOUND,
          BULWARK_EDGE_E_TLS_FAILED, BULWARK_EDGE_E_PROTOCOL_VIOLATION}) {
        QVERIFY(std::string(bulwark_edge_strerror(code)).size() > 2);
        QVERIFY(std::string(bulwark_edge_error_name(code)) != "unknown");
    }
    QCOMPARE(QByteArray(bulwark_edge_error_name(BULWARK_EDGE_E_NOT_FOUND)), "not-found");
    bulwark_edge_destroy(nullptr);
}

void TestEdgeC::refusedKeyEndsWithItsCode()
{
    Observed observed;
    Client c = client("bwk_thisKeyDoesNotExistAnywhere0000000000000000", observed);
    QVERIFY(c);
    QCOMPARE(bulwark_edge_bind_thing(c.get(), "Boiler1"), BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_connect(c.get()), BULWARK_EDGE_OK);
    // Refused credentials are not retried: the wait ends with their code.
    QCOMPARE(bulwark_edge_wait_connected(c.get(), 20000), BULWARK_EDGE_E_UNAUTHORIZED);
    QVERIFY(std::string(bulwark_edge_last_error(c.get())).size() > 0);
    QVERIFY(observed.waitFor([&] { return !observed.errors.empty(); }));
    const std::lock_guard lock(observed.mutex);
    QCOMPARE(observed.errors.front().first, BULWARK_EDGE_E_UNAUTHORIZED);
}

void TestEdgeC::wrongPinIsATlsFailure()
{
    Observed observed;
    Client c = client(m_appKey, observed);
    QVERIFY(c);
    QCOMPARE(bulwark_edge_set_pinned_fingerprint(c.get(), QByteArray(64, 'a').constData()),
             BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_connect(c.get()), BULWARK_EDGE_OK);
    QVERIFY(observed.waitFor([&] { return !observed.errors.empty(); }));
    {
        const std::lock_guard lock(observed.mutex);
        QCOMPARE(observed.errors.front().first, BULWARK_EDGE_E_TLS_FAILED);
    }
    QCOMPARE(bulwark_edge_disconnect(c.get()), BULWARK_EDGE_OK);
}

void TestEdgeC::writesServicesAndEvents()
{
    Observed observed;
    Client c = client(m_appKey, observed);
    QVERIFY(c);
    QCOMPARE(bulwark_edge_set_write_handler(c.get(), "Boiler1", "setpoint", onWrite, &observed),
             BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_set_service_handler(c.get(), "Boiler1", "Reset", onReset, nullptr),
             BULWARK_EDGE_OK);
    QCOMPARE(
        bulwark_edge_set_service_handler(c.get(), "Boiler1", "Silent", onSilentService, nullptr),
        BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_bind_thing(c.get(), "Boiler1"), BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_connect(c.get()), BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_wait_connected(c.get(), 20000), BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_get_state(c.get()), BULWARK_EDGE_STATE_CONNECTED);

    // A value, acknowledged through the update callback.
    QCOMPARE(bulwark_edge_set_property_json(c.get(), "Boiler1", "temperature", "64.25"),
             BULWARK_EDGE_OK);
    QVERIFY(observed.waitFor([&] { return observed.accepted >= 1; }));
    QCOMPARE(m_server->get(u"/api/Things/Boiler1/Properties/temperature"_s)
                 .json()
                 .value("value"_L1)
                 .toDouble(),
             64.25);

    // A REST write reaches the write handler; a refused one is the device's message.
    const Answer written =
        m_server->put(u"/api/Things/Boiler1/Properties/setpoint"_s, {{"value"_L1, 70}});
    QCOMPARE(written.status, 200);
    {
        const std::lock_guard lock(observed.mutex);
        QCOMPARE(observed.writes, std::vector<std::string>{"setpoint=70"});
    }
    const Answer refused =
        m_server->put(u"/api/Things/Boiler1/Properties/setpoint"_s, {{"value"_L1, 99}});
    QCOMPARE(refused.status, 409);
    QVERIFY2(refused.errorMessage().contains(u"above the limit"_s), refused.body.constData());

    // Service calls: the parameters arrive as JSON; a handler that does not
    // answer is a refusal naming the service.
    const Answer reset = m_server->post(u"/api/Things/Boiler1/Services/Reset"_s,
                                        {{"parameters"_L1, QJsonObject{{"level"_L1, 2}}}});
    QCOMPARE(reset.status, 200);
    QCOMPARE(reset.json().value("output"_L1).toString(), u"got {\"level\":2}"_s);
    const Answer silent = m_server->post(u"/api/Things/Boiler1/Services/Silent"_s, QJsonObject());
    QCOMPARE(silent.status, 409);
    QVERIFY2(silent.errorMessage().contains(u"Silent"_s), silent.body.constData());

    // An event, with its completion; a malformed one never leaves.
    QCOMPARE(bulwark_edge_fire_event(c.get(), "Boiler1", "Overheat", "{\"temperature\":97.5}",
                                     onEventDone, &observed),
             BULWARK_EDGE_OK);
    QVERIFY(observed.waitFor([&] { return observed.eventsDone == 1; }));
    QCOMPARE(observed.eventResult, BULWARK_EDGE_OK);
    QCOMPARE(
        bulwark_edge_fire_event(c.get(), "Boiler1", "Nonexistent", nullptr, onEventDone, &observed),
        BULWARK_EDGE_OK);
    QVERIFY(observed.waitFor([&] { return observed.eventsDone == 2; }));
    QCOMPARE(observed.eventResult, BULWARK_EDGE_E_NOT_FOUND);

    QCOMPARE(bulwark_edge_disconnect(c.get()), BULWARK_EDGE_OK);
}

void TestEdgeC::clientsComeAndGo()
{
    // The loop thread stops with the last client and starts with the next.
    for (int round = 0; round < 3; ++round) {
        Observed observed;
        Client first = client(m_appKey, observed);
        Client second(bulwark_edge_create());
        QVERIFY(first && second);
        QCOMPARE(bulwark_edge_bind_thing(first.get(), "Boiler1"), BULWARK_EDGE_OK);
        QCOMPARE(bulwark_edge_connect(first.get()), BULWARK_EDGE_OK);
        QCOMPARE(bulwark_edge_wait_connected(first.get(), 20000), BULWARK_EDGE_OK);
        second.reset();
        first.reset(); // destroyed while connected
    }
}

// The C++ example (edge/examples/simulated_device.cpp): it publishes its
// properties, and uploads its log file from its virtual directory to a
// repository, which then holds the same bytes.
void TestEdgeC::simulatedDeviceMovesAFile()
{
    RestSetup setup(*m_server, kDevicePassword);
    setup.makeThing(
        u"Pump1"_s, {},
        {{"properties"_L1,
          QJsonArray{QJsonObject{{"name"_L1, "temperature"_L1}, {"baseType"_L1, "NUMBER"_L1}},
                     QJsonObject{{"name"_L1, "pressure"_L1}, {"baseType"_L1, "NUMBER"_L1}},
                     QJsonObject{{"name"_L1, "running"_L1}, {"baseType"_L1, "BOOLEAN"_L1}}}}});
    setup.makeThing(u"DeviceLogs"_s, u"FileRepository"_s);
    setup.setVisibility(u"Things/Pump1/Visibility"_s, {u"Plant/Hall"_s});
    setup.setVisibility(u"Things/DeviceLogs/Visibility"_s, {u"Plant/Hall"_s});
    setup.setRules(u"Things/Pump1/Permissions"_s,
                   {rule(user(u"device"_s), u"Read"_s), rule(user(u"device"_s), u"PropertyWrite"_s),
                    rule(user(u"device"_s), u"ServiceInvoke"_s)});
    setup.setRules(u"Things/DeviceLogs/Permissions"_s,
                   {rule(user(u"device"_s), u"Read"_s), rule(user(u"device"_s), u"Update"_s)});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));

    const QString program = qEnvironmentVariable("BULWARK_SIMULATED_DEVICE");
    QVERIFY2(!program.isEmpty(), "BULWARK_SIMULATED_DEVICE is not set");
    QTemporaryDir logs;
    QVERIFY(logs.isValid());
    QProcess device;
    device.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"BULWARK_APP_KEY"_s, QString::fromLatin1(m_appKey));
    device.setProcessEnvironment(environment);
    device.start(program, {u"--server"_s, QString::fromUtf8(edgeUrl()), u"--fingerprint"_s,
                           m_server->fingerprint(), u"--thing"_s, u"Pump1"_s, u"--repository"_s,
                           u"DeviceLogs"_s, u"--log-dir"_s, logs.path(), u"--once"_s});
    SignalWaiter finished(60000);
    finished.wakeOn(&device, &QProcess::finished);
    QVERIFY(finished.waitFor([&] { return device.state() == QProcess::NotRunning; }));
    const QByteArray output = device.readAll();
    QVERIFY2(device.exitStatus() == QProcess::NormalExit && device.exitCode() == 0,
             output.constData());

    QFile log(logs.path() + u"/pump.log"_s);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray content = log.readAll();
    QVERIFY(content.size() > 1000);
    const Answer stored =
        m_server->get(u"/api/Things/DeviceLogs/Files/Content?path=Pump1/pump.log"_s);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.body, content);
    // Its first values arrived too.
    const Answer running = m_server->get(u"/api/Things/Pump1/Properties/running"_s);
    QCOMPARE(running.json().value("value"_L1).toBool(false), true);
}

// A device in C uploads a file of its virtual directory (after
// simulatedDeviceMovesAFile made Pump1 and the repository DeviceLogs).
void TestEdgeC::uploadThroughTheCApi()
{
    QTemporaryDir logs;
    QVERIFY(logs.isValid());
    QByteArray content;
    for (int i = 0; i < 20000; ++i)
        content += "line " + QByteArray::number(i) + '\n';
    QFile file(logs.path() + u"/c.log"_s);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(content) == content.size());
    file.close();

    Observed observed;
    Client c = client(m_appKey, observed);
    QVERIFY(c);
    QCOMPARE(bulwark_edge_set_transfer_callback(c.get(), onTransfer, &observed), BULWARK_EDGE_OK);
    const QByteArray root = logs.path().toUtf8();
    const bulwark_edge_directory directories[] = {{"logs", root.constData()}};
    QCOMPARE(bulwark_edge_bind_thing_with_directories(c.get(), "Pump1", directories, 1),
             BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_connect(c.get()), BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_wait_connected(c.get(), 20000), BULWARK_EDGE_OK);
    QCOMPARE(bulwark_edge_upload_file(c.get(), "Pump1", "logs/c.log", "DeviceLogs", "Pump1/c.log",
                                      0, onTransferQueued, &observed),
             BULWARK_EDGE_OK);
    QVERIFY(observed.waitFor([&] { return !observed.transfers.empty(); }));
    const QByteArray sha256 = QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();
    {
        const std::lock_guard lock(observed.mutex);
        QVERIFY2(observed.transferQueued.size() == 36, observed.transferQueued.c_str());
        QCOMPARE(observed.transfers.front(), "finished logs/c.log " + sha256.toStdString());
    }
    const Answer stored = m_server->get(u"/api/Things/DeviceLogs/Files/Content?path=Pump1/c.log"_s);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.body, content);

    // Without overwrite, the second upload is refused: the repository has it.
    QCOMPARE(bulwark_edge_upload_file(c.get(), "Pump1", "logs/c.log", "DeviceLogs", "Pump1/c.log",
                                      0, onTransferQueued, &observed),
             BULWARK_EDGE_OK);
    QVERIFY(observed.waitFor([&] {
        return observed.transferQueued.rfind("error", 0) == 0 || observed.transfers.size() > 1;
    }));
    const std::lock_guard lock(observed.mutex);
    const std::string outcome =
        observed.transfers.size() > 1 ? observed.transfers.back() : observed.transferQueued;
    QVERIFY2(outcome.find("exist") != std::string::npos, outcome.c_str());
}

QTEST_GUILESS_MAIN(TestEdgeC)
#include "tst_edge_c.moc"
