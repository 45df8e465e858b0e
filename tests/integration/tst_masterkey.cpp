// The master key around a real server: a wrong key file stops the start
// and changes nothing; `bulwark --rotate-master-key` re-wraps the data keys,
// after which the server starts, the PASSWORD value still opens (checked
// offline through the vault, since the API never returns it) and the old
// key is refused.
#include "HeadlessServer.h"

#include "security/Secrets.h"
#include "security/Vault.h"
#include "storage/StorageThread.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

using namespace BulwarkTest;

namespace {

const QString kThing = u"Safe"_s;
const QString kProperty = u"combination"_s;

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeKeyFile(const QString &path, const QByteArray &contents)
{
    QFile::remove(path);
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner) &&
           file.write(contents) == contents.size();
}

// The PASSWORD value as the database holds it, opened offline with the
// master key in dataDir: what a server reading it would get.
QString openStoredValue(const QString &dataDir)
{
    Bulwark::ServerConfig config;
    config.dataDir = dataDir;
    config.security.masterKeySource = Bulwark::MasterKeySource::File;
    Bulwark::StorageThread storage(*Bulwark::DatabaseUrl::parse(QString(), dataDir));
    if (!storage.open([](Bulwark::EntityStore &) { return Bulwark::Status(); }))
        return u"(database does not open)"_s;
    auto vault = Bulwark::openVault(config, storage, false);
    if (!vault)
        return u"(vault does not open: %1)"_s.arg(vault.error().message);
    QString sealed;
    (void)storage.runBlocking([&sealed](Bulwark::EntityStore &store) -> Bulwark::Status {
        auto values = store.propertyValues(kThing);
        if (values)
            sealed = values->value(kProperty).value.toString();
        return {};
    });
    if (!sealed.startsWith(u"v"))
        return u"(not sealed: %1 characters)"_s.arg(sealed.size());
    auto opened =
        (*vault)->open(sealed, {u"property_values"_s, u"value"_s, kThing + u'/' + kProperty});
    return opened ? QString::fromUtf8(*opened) : u"(does not open)"_s;
}

} // namespace

class TestMasterKey final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void wrongKeyStopsTheStart();
    void rotation();

private:
    QString keyFile() const { return m_server->dataDir() + u"/master.key"_s; }
    bool passwordIsSet() const
    {
        return m_server->get(u"/api/Things/%1/Properties/%2"_s.arg(kThing, kProperty))
            .json()
            .value("isSet"_L1)
            .toBool();
    }

    std::unique_ptr<HeadlessServer> m_server;
    QString m_secret;
};

void TestMasterKey::initTestCase()
{
    // Never the keychain of whoever runs the tests: the key goes to a file.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bulwark-no-session-bus");
    m_secret = u"combo-%1"_s.arg(QRandomGenerator::system()->generate64());
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY(m_server->log().contains(u"No OS keychain was reachable"_s));
    const QJsonArray properties{
        QJsonObject{{"name"_L1, kProperty}, {"baseType"_L1, "PASSWORD"_L1}}};
    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, kThing}, {"properties"_L1, properties}})
                 .status,
             201);
    QCOMPARE(m_server
                 ->put(u"/api/Things/%1/Properties/%2"_s.arg(kThing, kProperty),
                       {{"value"_L1, m_secret}})
                 .status,
             200);
    QVERIFY(passwordIsSet());
}

void TestMasterKey::cleanupTestCase()
{
    if (m_server)
        (void)m_server->stop();
}

void TestMasterKey::wrongKeyStopsTheStart()
{
    QCOMPARE(m_server->stop(), 0);
    const QByteArray rightKey = readAll(keyFile());
    const QString database = m_server->dataDir() + u"/bulwark.db"_s;
    const QByteArray before =
        QCryptographicHash::hash(readAll(database), QCryptographicHash::Sha256);

    QByteArray other(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(other.data()), 8);
    QVERIFY(writeKeyFile(keyFile(), other.toBase64() + '\n'));
    QVERIFY(!m_server->start());
    QVERIFY2(m_server->log().contains(u"is wrong for this database"_s) &&
                 m_server->log().contains(keyFile()),
             qPrintable(m_server->log()));
    // The wrong key was not adopted, nothing was re-keyed.
    QCOMPARE(readAll(keyFile()), other.toBase64() + '\n');
    QCOMPARE(QCryptographicHash::hash(readAll(database), QCryptographicHash::Sha256), before);

    QVERIFY(writeKeyFile(keyFile(), rightKey));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY(passwordIsSet());
}

void TestMasterKey::rotation()
{
    QCOMPARE(m_server->stop(), 0);
    const QByteArray oldKey = readAll(keyFile());
    QCOMPARE(openStoredValue(m_server->dataDir()), m_secret);

    QProcess rotate;
    rotate.start(qEnvironmentVariable("BULWARK_BINARY"),
                 {u"--rotate-master-key"_s, u"--data-dir"_s, m_server->dataDir()});
    QVERIFY(rotate.waitForFinished(kStartTimeoutMs));
    const QString output = QString::fromUtf8(rotate.readAllStandardOutput());
    QVERIFY2(rotate.exitStatus() == QProcess::NormalExit && rotate.exitCode() == 0,
             qPrintable(output + QString::fromUtf8(rotate.readAllStandardError())));
    QVERIFY2(output.contains(u"Re-wrapped"_s) &&
                 output.contains(u"the old key no longer opens this database"_s),
             qPrintable(output));
    const QByteArray newKey = readAll(keyFile());
    QVERIFY(!newKey.isEmpty() && newKey != oldKey);
    QCOMPARE(QFile::permissions(keyFile()) & 0x0077, QFileDevice::Permissions());
    QVERIFY(!output.contains(QString::fromLatin1(newKey.trimmed())));

    // The server starts with the new key and the value is still there...
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY(passwordIsSet());
    // ...the rotation is in the audit log (key ids, never keys)...
    const Answer audit = m_server->get(u"/api/Audit?category=system&actor=system"_s);
    QCOMPARE(audit.status, 200);
    QVERIFY2(audit.body.contains("rotate-master-key") && audit.body.contains("command line"),
             audit.body.constData());
    QVERIFY(!audit.body.contains(newKey.trimmed()));
    QCOMPARE(m_server->stop(), 0);
    // ...and opens to exactly what was set: data was not re-encrypted, the
    // data keys were re-wrapped.
    QCOMPARE(openStoredValue(m_server->dataDir()), m_secret);

    // The old key no longer opens the database.
    QVERIFY(writeKeyFile(keyFile(), oldKey));
    QVERIFY(!m_server->start());
    QVERIFY2(m_server->log().contains(u"is wrong for this database"_s),
             qPrintable(m_server->log()));
    QVERIFY(writeKeyFile(keyFile(), newKey));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

QTEST_GUILESS_MAIN(TestMasterKey)
#include "tst_masterkey.moc"
