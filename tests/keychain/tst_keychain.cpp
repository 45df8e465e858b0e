// The master key in the OS keychain, against a real Secret Service
// (gnome-keyring under dbus-run-session; see run-with-keyring.sh): a server
// configured for the keychain keeps no key file, restarts from the entry,
// refuses to start when the entry is gone, and rotates it; without a
// session bus, the automatic choice falls back to a key file with a warning,
// while a keychain-only first start, and a later start of a database whose
// key is in the keychain, refuse to start (no key file, no new key).
#include "HeadlessServer.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QTest>

#include <qt6keychain/keychain.h>

using namespace BulwarkTest;

namespace {

const QString kService = u"Bulwark"_s;

// Runs a QtKeychain job to its end; false on timeout.
bool finish(QKeychain::Job *job)
{
    job->setAutoDelete(false);
    job->setInsecureFallback(false);
    SignalWaiter waiter(kStartTimeoutMs);
    bool done = false;
    QObject::connect(job, &QKeychain::Job::finished, job, [&done] { done = true; });
    waiter.wakeOn(job, &QKeychain::Job::finished);
    job->start();
    return waiter.waitFor([&done] { return done; });
}

struct Entry
{
    QKeychain::Error error = QKeychain::OtherError;
    QString text;
    QString errorString;
};

Entry readEntry(const QString &key)
{
    QKeychain::ReadPasswordJob job(kService);
    job.setKey(key);
    if (!finish(&job))
        return {QKeychain::OtherError, {}, u"timeout"_s};
    return {job.error(), job.textData(), job.errorString()};
}

bool writeEntry(const QString &key, const QString &text)
{
    QKeychain::WritePasswordJob job(kService);
    job.setKey(key);
    job.setTextData(text);
    return finish(&job) && job.error() == QKeychain::NoError;
}

bool deleteEntry(const QString &key)
{
    QKeychain::DeletePasswordJob job(kService);
    job.setKey(key);
    return finish(&job) && job.error() == QKeychain::NoError;
}

// The key id the server logs: HMAC-SHA256(key, "bulwark master key id"), 8 bytes.
QString keyId(const QByteArray &key)
{
    return QString::fromLatin1(
        QMessageAuthenticationCode::hash("bulwark master key id", key, QCryptographicHash::Sha256)
            .left(8)
            .toHex());
}

bool writeConfig(const QString &dataDir, const QByteArray &source)
{
    QFile file(dataDir + u"/bulwark.conf"_s);
    return file.open(QIODevice::WriteOnly) &&
           file.write("[masterkey]\nsource=" + source + '\n') > 0;
}

QString propertyPath()
{
    return u"/api/Things/Locker/Properties/code"_s;
}

} // namespace

class TestKeychain final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void keychainSource();
    void automaticPrefersTheKeychain();
    void automaticWithoutSessionBusUsesAFile();
    // Faults (issue 7): the Secret Service unreachable at a first start
    // with masterkey/source = keychain, and at a later start of a database
    // whose key is in the keychain.
    void unreachableKeychainAtFirstStart();
    void unreachableKeychainAtLaterStart();
};

void TestKeychain::initTestCase()
{
    // The keychain this test uses must be the throw-away one.
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") &&
                 !qEnvironmentVariableIsEmpty("BULWARK_TEST_KEYRING"),
             "run me through tests/keychain/run-with-keyring.sh under dbus-run-session");
    QCOMPARE(readEntry(u"master-key/no-such-installation"_s).error, QKeychain::EntryNotFound);
}

void TestKeychain::keychainSource()
{
    HeadlessServer server;
    QVERIFY(writeConfig(server.dataDir(), "keychain"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QString keyFile = server.dataDir() + u"/master.key"_s;
    QVERIFY2(!QFile::exists(keyFile), "a key file was written although the keychain was asked");

    // The log names the entry and the key id, never the key.
    static const QRegularExpression made(
        u"Made a new master key in the OS keychain \\(service \"Bulwark\", entry "
        u"\"(master-key/[0-9a-f-]{36})\"\\) \\(key id ([0-9a-f]{16})\\)"_s);
    const auto match = made.match(server.log());
    QVERIFY2(match.hasMatch(), qPrintable(server.log()));
    const QString entry = match.captured(1);
    const Entry stored = readEntry(entry);
    QCOMPARE(stored.error, QKeychain::NoError);
    const QByteArray key = QByteArray::fromBase64(stored.text.toLatin1());
    QCOMPARE(key.size(), 32);
    QCOMPARE(keyId(key), match.captured(2));
    QVERIFY(!server.log().contains(stored.text));

    const QJsonArray properties{
        QJsonObject{{"name"_L1, "code"_L1}, {"baseType"_L1, "PASSWORD"_L1}}};
    QCOMPARE(
        server.post(u"/api/Things"_s, {{"name"_L1, "Locker"_L1}, {"properties"_L1, properties}})
            .status,
        201);
    QCOMPARE(server.put(propertyPath(), {{"value"_L1, "4-8-15-16-23-42"_L1}}).status, 200);

    // A restart reads the key from the keychain.
    QCOMPARE(server.stop(), 0);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY2(server.log().contains(u"Master key from the OS keychain"_s), qPrintable(server.log()));
    QVERIFY(server.get(propertyPath()).json().value("isSet"_L1).toBool());

    // Without the entry the server does not start, and says so.
    QCOMPARE(server.stop(), 0);
    QVERIFY(deleteEntry(entry));
    QVERIFY(!server.start());
    QVERIFY2(server.log().contains(u"The master key is missing"_s) && server.log().contains(entry),
             qPrintable(server.log()));
    QCOMPARE(readEntry(entry).error, QKeychain::EntryNotFound); // no new key was made
    QVERIFY(!QFile::exists(keyFile));

    // Put back, it starts again.
    QVERIFY(writeEntry(entry, stored.text));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(server.stop(), 0);

    // Rotation writes the new key into the same entry.
    QProcess rotate;
    rotate.start(qEnvironmentVariable("BULWARK_BINARY"),
                 {u"--rotate-master-key"_s, u"--data-dir"_s, server.dataDir()});
    QVERIFY(rotate.waitForFinished(kStartTimeoutMs));
    const QString output = QString::fromUtf8(rotate.readAllStandardOutput());
    QVERIFY2(rotate.exitCode() == 0 && output.contains(u"Re-wrapped"_s),
             qPrintable(output + QString::fromUtf8(rotate.readAllStandardError())));
    const Entry rotated = readEntry(entry);
    QCOMPARE(rotated.error, QKeychain::NoError);
    QVERIFY(rotated.text != stored.text);
    QCOMPARE(readEntry(entry + u".new"_s).error, QKeychain::EntryNotFound);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(server.get(propertyPath()).json().value("isSet"_L1).toBool());
    QCOMPARE(server.stop(), 0);

    // The old key no longer opens the database.
    QVERIFY(writeEntry(entry, stored.text));
    QVERIFY(!server.start());
    QVERIFY2(server.log().contains(u"is wrong for this database"_s), qPrintable(server.log()));
    QVERIFY(deleteEntry(entry));
}

void TestKeychain::automaticPrefersTheKeychain()
{
    HeadlessServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(!QFile::exists(server.dataDir() + u"/master.key"_s));
    QVERIFY2(server.log().contains(u"Made a new master key in the OS keychain"_s),
             qPrintable(server.log()));
    QCOMPARE(server.stop(), 0);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(server.stop(), 0);
}

void TestKeychain::automaticWithoutSessionBusUsesAFile()
{
    const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bulwark-no-session-bus");
    HeadlessServer server;
    const bool started = server.start();
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    QVERIFY2(started, qPrintable(server.errorString()));
    const QString keyFile = server.dataDir() + u"/master.key"_s;
    QVERIFY(QFile::exists(keyFile));
    QCOMPARE(QFile::permissions(keyFile) & 0x0077, QFileDevice::Permissions());
    QVERIFY2(server.log().contains(u"No OS keychain was reachable"_s) &&
                 server.log().contains(keyFile),
             qPrintable(server.log()));
    QCOMPARE(server.stop(), 0);
}

namespace {

// Starts server with the session bus pointing nowhere; whether it started.
bool startWithoutKeychain(HeadlessServer &server)
{
    const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bulwark-no-session-bus");
    const bool started = server.start();
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    return started;
}

// Every file under dir that holds text (no secret may be on disk in clear).
bool anyFileContains(const QString &dir, const QByteArray &text)
{
    QDirIterator files(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(text))
            return true;
    }
    return false;
}

} // namespace

void TestKeychain::unreachableKeychainAtFirstStart()
{
    // Asked for the keychain only: no key anywhere else, a refusal that says why.
    HeadlessServer server;
    QVERIFY(writeConfig(server.dataDir(), "keychain"));
    QVERIFY(!startWithoutKeychain(server));
    const QString log = server.log();
    QVERIFY2(log.contains(u"the OS keychain could not be reached"_s) &&
                 log.contains(u"masterkey/source"_s),
             qPrintable(log));
    QVERIFY(!QFile::exists(server.dataDir() + u"/master.key"_s));
    QVERIFY(!log.contains(kAdminPassword));
}

void TestKeychain::unreachableKeychainAtLaterStart()
{
    // The key went to the keychain at the first start (auto, keychain there).
    HeadlessServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    static const QRegularExpression made(u"entry \"(master-key/[0-9a-f-]{36})\""_s);
    const auto match = made.match(server.log());
    QVERIFY2(match.hasMatch(), qPrintable(server.log()));
    const QString entry = match.captured(1);
    const QJsonArray properties{
        QJsonObject{{"name"_L1, "code"_L1}, {"baseType"_L1, "PASSWORD"_L1}}};
    QCOMPARE(
        server.post(u"/api/Things"_s, {{"name"_L1, "Locker"_L1}, {"properties"_L1, properties}})
            .status,
        201);
    const QByteArray secret = "7-7-unlock-the-locker-9";
    QCOMPARE(server.put(propertyPath(), {{"value"_L1, QString::fromLatin1(secret)}}).status, 200);
    QCOMPARE(server.stop(), 0);
    const Entry stored = readEntry(entry);
    QCOMPARE(stored.error, QKeychain::NoError);

    // Later the Secret Service is gone: the server refuses to start and
    // names the entry it looked for; it neither makes a new key over the
    // data nor writes a key file.
    QVERIFY(!startWithoutKeychain(server));
    const QString log = server.log();
    QVERIFY2(log.contains(u"The master key is missing"_s) && log.contains(entry), qPrintable(log));
    QVERIFY(!QFile::exists(server.dataDir() + u"/master.key"_s));
    QCOMPARE(readEntry(entry).text, stored.text); // the key is untouched
    // Nothing on disk holds the key or the secret in clear.
    QVERIFY(!anyFileContains(server.dataDir(), stored.text.toLatin1()));
    QVERIFY(!anyFileContains(server.dataDir(), QByteArray::fromBase64(stored.text.toLatin1())));
    QVERIFY(!anyFileContains(server.dataDir(), secret));

    // The keychain back: the server starts with its key and the secret.
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(server.get(propertyPath()).json().value("isSet"_L1).toBool());
    QCOMPARE(server.stop(), 0);
    QVERIFY(deleteEntry(entry));
}

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
