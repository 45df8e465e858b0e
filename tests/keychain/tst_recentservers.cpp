// The console's recent-server list against a real Secret Service
// (gnome-keyring under dbus-run-session; see run-with-keyring.sh): the list
// lives in QSettings without any secret, a remembered password round-trips
// through the keychain, "forget" removes the keychain entry too, without a
// session bus the keychain is reported as unavailable in words, and all of it
// works beside an embedded server that used the keychain from its thread.
#include "ServerThread.h"
#include "models/RecentServers.h"

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;
using Bulwark::Models::KeychainResult;
using Bulwark::Models::RecentServer;
using Bulwark::Models::RecentServers;

namespace {

constexpr int KeychainWaitMs = RecentServers::KeychainTimeoutMs + 5000;
const QString Password = u"Remembered-pass-phrase-77"_s;
const QUrl ServerUrl(u"https://console.example.test:8443"_s);
const QString User = u"Operator"_s;
const QString Fingerprint = QString(u"AB:"_s).repeated(31) + u"CD"_s;
// Set in the child process that runs without a session bus.
const char NoBusVariable[] = "BULWARK_TEST_NO_BUS";

// Runs one keychain call to its end with the event loop running.
template <typename Call> std::optional<KeychainResult> await(Call call)
{
    std::optional<KeychainResult> answer;
    QObject context;
    call(&context, [&answer](const KeychainResult &result) { answer = result; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, KeychainWaitMs))
        return std::nullopt;
    return answer;
}

} // namespace

class TestRecentServers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void storesNoSecretInSettings();
    void passwordRoundTripsThroughKeychain();
    void forgetRemovesKeychainEntry();
    void keepsMostRecentFirstAndBounded();
    void keychainUnavailableWithoutBus();
    void worksBesideEmbeddedServerThread();

private:
    [[nodiscard]] QByteArray settingsFilesContent() const;

    QTemporaryDir m_settingsDir;
    RecentServers m_recent;
};

void TestRecentServers::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"BulwarkTest"_s);
    QCoreApplication::setApplicationName(u"tst_recentservers"_s);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    if (qEnvironmentVariableIsEmpty(NoBusVariable) &&
        qEnvironmentVariableIsEmpty("BULWARK_TEST_KEYRING"))
        QSKIP("Run under tests/keychain/run-with-keyring.sh: it starts a throw-away keyring.");
}

void TestRecentServers::init()
{
    QSettings().clear();
}

QByteArray TestRecentServers::settingsFilesContent() const
{
    QSettings().sync();
    QByteArray content;
    QDirIterator files(m_settingsDir.path(), QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly))
            content += file.readAll();
    }
    return content;
}

void TestRecentServers::storesNoSecretInSettings()
{
    if (!qEnvironmentVariableIsEmpty(NoBusVariable))
        QSKIP("Runs with the keyring.");
    m_recent.remember({ServerUrl, User, Fingerprint, false});
    const auto stored = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.storePassword(ServerUrl, User, Password, context, std::move(done));
    });
    QVERIFY(stored);
    QVERIFY2(stored->isOk(), qPrintable(stored->message));

    const QByteArray content = settingsFilesContent();
    QVERIFY2(content.contains(ServerUrl.host().toUtf8()), content.constData());
    QVERIFY(content.contains(User.toUtf8()));
    QVERIFY(content.contains(Fingerprint.toUtf8()));
    QVERIFY2(!content.contains(Password.toUtf8()), content.constData());
    QVERIFY(!content.contains(Password.toUtf8().toBase64()));

    const QList<RecentServer> servers = m_recent.servers();
    QCOMPARE(servers.size(), 1);
    QCOMPARE(servers.first().url, ServerUrl);
    QCOMPARE(servers.first().fingerprint, Fingerprint);
    QVERIFY(servers.first().passwordRemembered);
}

void TestRecentServers::passwordRoundTripsThroughKeychain()
{
    if (!qEnvironmentVariableIsEmpty(NoBusVariable))
        QSKIP("Runs with the keyring.");
    m_recent.remember({ServerUrl, User, Fingerprint, false});
    const auto stored = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.storePassword(ServerUrl, User, Password, context, std::move(done));
    });
    QVERIFY(stored && stored->isOk());

    const auto read = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.readPassword(ServerUrl, User, context, std::move(done));
    });
    QVERIFY(read);
    QVERIFY2(read->isOk(), qPrintable(read->message));
    QCOMPARE(read->password, Password);

    // It is really in the Secret Service, under a name the user can find.
    QKeychain::ReadPasswordJob job(RecentServers::keychainService());
    job.setAutoDelete(false);
    job.setKey(RecentServers::keychainKey(ServerUrl, User));
    QSignalSpy finished(&job, &QKeychain::Job::finished);
    job.start();
    QVERIFY(finished.wait(KeychainWaitMs));
    QCOMPARE(job.error(), QKeychain::NoError);
    QCOMPARE(job.textData(), Password);
}

void TestRecentServers::forgetRemovesKeychainEntry()
{
    if (!qEnvironmentVariableIsEmpty(NoBusVariable))
        QSKIP("Runs with the keyring.");
    m_recent.remember({ServerUrl, User, Fingerprint, false});
    const QUrl other(u"https://other.example.test:9443"_s);
    m_recent.remember({other, User, Fingerprint, false});
    const auto stored = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.storePassword(ServerUrl, User, Password, context, std::move(done));
    });
    QVERIFY(stored && stored->isOk());

    const auto forgotten = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.forget(ServerUrl, User, context, std::move(done));
    });
    QVERIFY(forgotten);
    QVERIFY2(forgotten->isOk(), qPrintable(forgotten->message));
    const QList<RecentServer> servers = m_recent.servers();
    QCOMPARE(servers.size(), 1);
    QCOMPARE(servers.first().url, other);

    const auto read = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.readPassword(ServerUrl, User, context, std::move(done));
    });
    QVERIFY(read);
    QCOMPARE(read->outcome, KeychainResult::Outcome::NotFound);
    QVERIFY(!settingsFilesContent().contains(ServerUrl.host().toUtf8()));
}

void TestRecentServers::keepsMostRecentFirstAndBounded()
{
    for (int i = 0; i < RecentServers::MaximumEntries + 2; ++i)
        m_recent.remember({QUrl(u"https://host%1.example.test:8443"_s.arg(i)), User, {}, false});
    // Connecting again to an older one moves it to the front, not twice.
    m_recent.remember({QUrl(u"https://host5.example.test:8443"_s), User, {}, false});
    const QList<RecentServer> servers = m_recent.servers();
    QCOMPARE(servers.size(), RecentServers::MaximumEntries);
    QCOMPARE(servers.at(0).url.host(), u"host5.example.test"_s);
    QCOMPARE(servers.at(1).url.host(), u"host11.example.test"_s);
    int fives = 0;
    for (const RecentServer &server : servers)
        fives += server.url.host() == u"host5.example.test"_s ? 1 : 0;
    QCOMPARE(fives, 1);
    QVERIFY(!servers.constLast().url.host().startsWith(u"host0."_s));
}

void TestRecentServers::keychainUnavailableWithoutBus()
{
    if (qEnvironmentVariableIsEmpty(NoBusVariable)) {
        // D-Bus connections are made once per process: check in a child
        // whose session bus address leads nowhere.
        QProcess child;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QString::fromLatin1(NoBusVariable), u"1"_s);
        environment.insert(u"DBUS_SESSION_BUS_ADDRESS"_s,
                           u"unix:path=%1/no-bus-here"_s.arg(m_settingsDir.path()));
        environment.remove(u"DISPLAY"_s); // no autolaunch of a bus either
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(), {u"keychainUnavailableWithoutBus"_s});
        QVERIFY(child.waitForFinished(KeychainWaitMs * 3));
        const QByteArray output = child.readAll();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
                 output.constData());
        QVERIFY2(output.contains("PASS   : TestRecentServers::keychainUnavailableWithoutBus"),
                 output.constData());
        return;
    }
    const auto check = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.checkKeychain(context, std::move(done));
    });
    QVERIFY(check);
    QVERIFY2(check->outcome == KeychainResult::Outcome::Unavailable, qPrintable(check->message));
    QVERIFY(check->message.startsWith(RecentServers::unavailableMessage()));

    // Storing fails the same way, and nothing lands in the settings instead.
    m_recent.remember({ServerUrl, User, Fingerprint, false});
    const auto stored = await([this](QObject *context, RecentServers::Callback done) {
        m_recent.storePassword(ServerUrl, User, Password, context, std::move(done));
    });
    QVERIFY(stored);
    QCOMPARE(stored->outcome, KeychainResult::Outcome::Unavailable);
    QVERIFY(!m_recent.servers().first().passwordRemembered);
    QVERIFY(!settingsFilesContent().contains(Password.toUtf8()));
}

// The console's case: the embedded server reads its master key from the
// keychain on its own thread first (QtKeychain's job executor then lives
// there); the console's own keychain calls on the GUI thread must still
// work, one after another, without touching a job freed meanwhile.
void TestRecentServers::worksBesideEmbeddedServerThread()
{
    if (!qEnvironmentVariableIsEmpty(NoBusVariable))
        QSKIP("Runs with the keyring.");
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", "embedded-Admin-pass-2024");
    Bulwark::ServerConfig config;
    config.dataDir = dataDir.path();
    config.port = 0;
    Bulwark::ServerThread server(config);
    bool started = false;
    QString failure;
    connect(&server, &Bulwark::ServerThread::started, this, [&started] { started = true; });
    connect(&server, &Bulwark::ServerThread::failed, this,
            [&failure](const QString &message) { failure = message; });
    server.start();
    QTRY_VERIFY_WITH_TIMEOUT(started || !failure.isEmpty(), 60000);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY2(!QFile::exists(dataDir.filePath(u"master.key"_s)),
             "the server should have used the keychain for its master key");

    // Several calls queued at once, as the Connect dialog makes them.
    m_recent.remember({ServerUrl, User, Fingerprint, false});
    std::optional<KeychainResult> check, stored, read, forgotten, readAgain;
    QObject context;
    m_recent.checkKeychain(&context, [&](const KeychainResult &r) { check = r; });
    m_recent.storePassword(ServerUrl, User, Password, &context,
                           [&](const KeychainResult &r) { stored = r; });
    m_recent.readPassword(ServerUrl, User, &context, [&](const KeychainResult &r) { read = r; });
    m_recent.forget(ServerUrl, User, &context, [&](const KeychainResult &r) { forgotten = r; });
    m_recent.readPassword(ServerUrl, User, &context,
                          [&](const KeychainResult &r) { readAgain = r; });
    QTRY_VERIFY_WITH_TIMEOUT(readAgain.has_value(), 5 * KeychainWaitMs);
    QVERIFY(check && stored && read && forgotten);
    QCOMPARE(check->outcome, KeychainResult::Outcome::NotFound);
    QVERIFY2(stored->isOk(), qPrintable(stored->message));
    QCOMPARE(read->password, Password);
    QVERIFY2(forgotten->isOk(), qPrintable(forgotten->message));
    QCOMPARE(readAgain->outcome, KeychainResult::Outcome::NotFound);
}

QTEST_GUILESS_MAIN(TestRecentServers)
#include "tst_recentservers.moc"
