// The vault over a real SQLite database: data keys wrapped by a master key
// in a key file, values bound to their place, missing and wrong master keys,
// the legacy "v1:" format, master key rotation (also interrupted), and the
// TLS private key sealed in the database.
#include "net/Certificates.h"
#include "security/Crypto.h"
#include "security/Secrets.h"
#include "security/Vault.h"
#include "storage/Database.h"
#include "storage/SecretStore.h"
#include "storage/StorageThread.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;
using namespace Qt::StringLiterals;

namespace {

const SealContext kPlace{QStringLiteral("property_values"), QStringLiteral("value"),
                         QStringLiteral("Pump/pin")};

ServerConfig configFor(const QString &dataDir)
{
    ServerConfig config;
    config.dataDir = dataDir;
    config.security.masterKeySource = MasterKeySource::File;
    return config;
}

QString keyPath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("master.key"));
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeKeyFile(const QString &path, const QByteArray &contents)
{
    QFile::remove(path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(file.write(contents) == contents.size());
}

// One start of the storage and the vault over dataDir's database.
struct Opened
{
    std::unique_ptr<StorageThread> storage;
    Result<std::unique_ptr<Vault>> vault = makeError(ErrorCode::Internal, QString());

    [[nodiscard]] QString error() const { return vault ? QString() : vault.error().message; }
};

Opened openAt(const QString &dataDir, bool fresh, const ServerConfig &config)
{
    Opened opened;
    opened.storage = std::make_unique<StorageThread>(*DatabaseUrl::parse(QString(), dataDir));
    if (auto s = opened.storage->open([](EntityStore &) { return Status(); }); !s) {
        opened.vault = s.error();
        return opened;
    }
    opened.vault = openVault(config, *opened.storage, fresh);
    return opened;
}

Opened openAt(const QString &dataDir, bool fresh = false)
{
    return openAt(dataDir, fresh, configFor(dataDir));
}

QList<SecretStore::WrappedKey> dataKeys(StorageThread &storage)
{
    QList<SecretStore::WrappedKey> keys;
    (void)storage.runBlocking([&keys](EntityStore &store) -> Status {
        auto read = SecretStore(store.database()).dataKeys();
        if (read)
            keys = *read;
        return {};
    });
    return keys;
}

} // namespace

class TestVault final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sealAndOpenInPlace()
    {
        QTemporaryDir dir;
        auto opened = openAt(dir.path(), true);
        QVERIFY2(opened.vault, qPrintable(opened.error()));
        const Vault &vault = **opened.vault;
        // The new key file is the owner's alone.
        QCOMPARE(QFile::permissions(keyPath(dir.path())) & 0x0077, QFileDevice::Permissions());

        const auto sealed = vault.seal("s3cret-pin", kPlace);
        QVERIFY(sealed);
        QVERIFY(sealed->startsWith(u"v2:"));
        QVERIFY(!sealed->contains(u"s3cret"));
        QCOMPARE(*vault.open(*sealed, kPlace), QByteArray("s3cret-pin"));
        // A random nonce per value: the same plaintext seals differently.
        QVERIFY(*vault.seal("s3cret-pin", kPlace) != *sealed);

        // Bound to its place: another row, column or table does not open it.
        for (const SealContext &other :
             {SealContext{kPlace.table, kPlace.column, QStringLiteral("Pump/pin2")},
              SealContext{kPlace.table, QStringLiteral("time"), kPlace.row},
              SealContext{QStringLiteral("secrets"), kPlace.column, kPlace.row},
              // No ambiguity between the parts of the place.
              SealContext{kPlace.table, QStringLiteral("valuePump"), QStringLiteral("/pin")}}) {
            const auto moved = vault.open(*sealed, other);
            QVERIFY2(!moved, qPrintable(other.table + u' ' + other.column + u' ' + other.row));
        }
        // Any changed byte is detected.
        QByteArray bytes = QByteArray::fromBase64(sealed->mid(3).toLatin1());
        for (qsizetype at : {qsizetype(0), qsizetype(14), bytes.size() - 1}) {
            QByteArray tampered = bytes;
            tampered[at] = char(tampered[at] ^ 0x01);
            QVERIFY(!vault.open(u"v2:"_s + QString::fromLatin1(tampered.toBase64()), kPlace));
        }
        QVERIFY(!vault.open(QStringLiteral("v9:AAAA"), kPlace));
        // A table without a data key cannot be sealed into.
        QVERIFY(!vault.seal("x",
                            {QStringLiteral("nowhere"), QStringLiteral("c"), QStringLiteral("r")}));

        // Every purpose has a data key, wrapped under the file's key.
        const auto keys = dataKeys(*opened.storage);
        QCOMPARE(keys.size(), Vault::purposes().size());
        const QByteArray master = QByteArray::fromBase64(readAll(keyPath(dir.path())).trimmed());
        for (const auto &key : keys) {
            QCOMPARE(key.masterKeyId, Vault::masterKeyId(master));
            QVERIFY(!key.wrapped.contains(QString::fromLatin1(master.toBase64())));
        }
    }

    void reopenAndMacKey()
    {
        QTemporaryDir dir;
        QString sealed;
        QByteArray mac;
        {
            auto opened = openAt(dir.path(), true);
            QVERIFY2(opened.vault, qPrintable(opened.error()));
            sealed = *(*opened.vault)->seal("kept", kPlace);
            mac = *(*opened.vault)->macKey(QStringLiteral("audit-head"));
            QCOMPARE(mac.size(), 32);
            QVERIFY(*(*opened.vault)->macKey(QStringLiteral("other")) != mac);
        }
        auto again = openAt(dir.path());
        QVERIFY2(again.vault, qPrintable(again.error()));
        QCOMPARE(*(*again.vault)->open(sealed, kPlace), QByteArray("kept"));
        QCOMPARE(*(*again.vault)->macKey(QStringLiteral("audit-head")), mac);
    }

    void missingKeyIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(openAt(dir.path(), true).vault);
        QVERIFY(QFile::remove(keyPath(dir.path())));
        auto opened = openAt(dir.path());
        QVERIFY(!opened.vault);
        QVERIFY2(opened.error().contains(u"missing") &&
                     opened.error().contains(keyPath(dir.path())),
                 qPrintable(opened.error()));
        // Never a fresh key over existing data.
        QVERIFY(!QFile::exists(keyPath(dir.path())));
        // Even when the caller thinks the database is new: it has data keys.
        QVERIFY(!openAt(dir.path(), true).vault);
        QVERIFY(!QFile::exists(keyPath(dir.path())));
    }

    void wrongKeyIsRefused()
    {
        QTemporaryDir dir;
        QString sealed;
        QList<SecretStore::WrappedKey> before;
        {
            auto opened = openAt(dir.path(), true);
            QVERIFY(opened.vault);
            sealed = *(*opened.vault)->seal("value", kPlace);
            before = dataKeys(*opened.storage);
        }
        const QByteArray right = readAll(keyPath(dir.path()));
        writeKeyFile(keyPath(dir.path()), Crypto::randomBytes(32).toBase64() + '\n');
        {
            auto opened = openAt(dir.path());
            QVERIFY(!opened.vault);
            QVERIFY2(opened.error().contains(u"wrong") &&
                         opened.error().contains(keyPath(dir.path())),
                     qPrintable(opened.error()));
            // Nothing was changed in the database.
            const auto after = dataKeys(*opened.storage);
            QCOMPARE(after.size(), before.size());
            for (qsizetype i = 0; i < after.size(); ++i)
                QCOMPARE(after[i].wrapped, before[i].wrapped);
        }
        writeKeyFile(keyPath(dir.path()), right);
        auto opened = openAt(dir.path());
        QVERIFY2(opened.vault, qPrintable(opened.error()));
        QCOMPARE(*(*opened.vault)->open(sealed, kPlace), QByteArray("value"));
    }

    void keyFileReadableByOthersIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(openAt(dir.path(), true).vault);
        QFile::setPermissions(keyPath(dir.path()), QFileDevice::ReadOwner |
                                                       QFileDevice::WriteOwner |
                                                       QFileDevice::ReadOther);
        auto opened = openAt(dir.path());
        QVERIFY(!opened.vault);
        QVERIFY2(opened.error().contains(u"chmod 600"), qPrintable(opened.error()));
    }

    void legacyValuesOpenAcrossRotation()
    {
        // A database from before data keys: a key file, values sealed
        // directly with it ("v1:"), no data keys yet.
        QTemporaryDir dir;
        const QByteArray master = Crypto::randomBytes(32);
        writeKeyFile(keyPath(dir.path()), master.toBase64() + '\n');
        const QString legacy =
            u"v1:"_s +
            QString::fromLatin1(
                Crypto::aesGcmEncrypt(master, "old-secret", "Things/Pump/pin")->toBase64());
        {
            auto opened = openAt(dir.path(), false);
            QVERIFY2(opened.vault, qPrintable(opened.error()));
            QCOMPARE(*(*opened.vault)->open(legacy, kPlace), QByteArray("old-secret"));
            QVERIFY(!(*opened.vault)
                         ->open(legacy, {kPlace.table, kPlace.column, QStringLiteral("Pump/x")}));
            QVERIFY(!(*opened.vault)
                         ->open(legacy, {QStringLiteral("secrets"), kPlace.column, kPlace.row}));
            QCOMPARE(dataKeys(*opened.storage).size(), Vault::purposes().size() + 1);
        }
        auto rotated = rotateMasterKey(configFor(dir.path()));
        QVERIFY2(rotated, qPrintable(rotated ? QString() : rotated.error().message));
        auto opened = openAt(dir.path());
        QVERIFY2(opened.vault, qPrintable(opened.error()));
        QCOMPARE(*(*opened.vault)->open(legacy, kPlace), QByteArray("old-secret"));
    }

    void rotation()
    {
        QTemporaryDir dir;
        QString sealed;
        QByteArray mac;
        {
            auto opened = openAt(dir.path(), true);
            QVERIFY(opened.vault);
            sealed = *(*opened.vault)->seal("rotate-me", kPlace);
            mac = *(*opened.vault)->macKey(QStringLiteral("audit-head"));
        }
        const QByteArray oldKey = readAll(keyPath(dir.path()));
        auto rotated = rotateMasterKey(configFor(dir.path()));
        QVERIFY2(rotated, qPrintable(rotated ? QString() : rotated.error().message));
        QVERIFY2(
            rotated->startsWith(QStringLiteral("Re-wrapped %1 data keys under a new master key")
                                    .arg(Vault::purposes().size())),
            qPrintable(*rotated));
        const QByteArray newKey = readAll(keyPath(dir.path()));
        QVERIFY(newKey != oldKey);
        QCOMPARE(QFile::permissions(keyPath(dir.path())) & 0x0077, QFileDevice::Permissions());
        QVERIFY(!QFile::exists(keyPath(dir.path()) + u".new"_s));
        QVERIFY(rotated->contains(Vault::masterKeyId(QByteArray::fromBase64(newKey.trimmed()))));

        {
            // The new key opens the data, and the MAC keys did not change.
            auto opened = openAt(dir.path());
            QVERIFY2(opened.vault, qPrintable(opened.error()));
            QCOMPARE(*(*opened.vault)->open(sealed, kPlace), QByteArray("rotate-me"));
            QCOMPARE(*(*opened.vault)->macKey(QStringLiteral("audit-head")), mac);
        }
        // The old key no longer opens the database.
        writeKeyFile(keyPath(dir.path()), oldKey);
        auto withOld = openAt(dir.path());
        QVERIFY(!withOld.vault);
        QVERIFY2(withOld.error().contains(u"wrong"), qPrintable(withOld.error()));
    }

    void interruptedRotationIsFinished()
    {
        QTemporaryDir dir;
        QString sealed;
        {
            auto opened = openAt(dir.path(), true);
            QVERIFY(opened.vault);
            sealed = *(*opened.vault)->seal("survives", kPlace);
        }
        const QByteArray oldKey = readAll(keyPath(dir.path()));
        QVERIFY(rotateMasterKey(configFor(dir.path())));
        const QByteArray newKey = readAll(keyPath(dir.path()));
        // As if it stopped after the commit, before the rename.
        QVERIFY(QFile::rename(keyPath(dir.path()), keyPath(dir.path()) + u".new"_s));
        writeKeyFile(keyPath(dir.path()), oldKey);
        {
            auto opened = openAt(dir.path());
            QVERIFY2(opened.vault, qPrintable(opened.error()));
            QCOMPARE(*(*opened.vault)->open(sealed, kPlace), QByteArray("survives"));
        }
        QCOMPARE(readAll(keyPath(dir.path())), newKey);
        QVERIFY(!QFile::exists(keyPath(dir.path()) + u".new"_s));

        // As if it stopped before the commit: the stray new key is dropped.
        writeKeyFile(keyPath(dir.path()) + u".new"_s, Crypto::randomBytes(32).toBase64());
        auto opened = openAt(dir.path());
        QVERIFY2(opened.vault, qPrintable(opened.error()));
        QCOMPARE(readAll(keyPath(dir.path())), newKey);
        QVERIFY(!QFile::exists(keyPath(dir.path()) + u".new"_s));
    }

    void rotationWithoutKeysIsRefused()
    {
        QTemporaryDir dir;
        // No database at all: said so, and none is made.
        auto rotated = rotateMasterKey(configFor(dir.path()));
        QVERIFY(!rotated);
        QVERIFY2(rotated.error().message.contains(u"no database"),
                 qPrintable(rotated.error().message));
        QVERIFY(!QFile::exists(dir.filePath(u"bulwark.db"_s)));
        // A database without keys yet: nothing to rotate.
        {
            auto url = DatabaseUrl::parse({}, dir.path());
            QVERIFY(url.ok());
            auto db = Database::open(*url);
            QVERIFY(db.ok());
            QVERIFY((*db)->migrate().ok());
        }
        rotated = rotateMasterKey(configFor(dir.path()));
        QVERIFY(!rotated);
        QVERIFY2(rotated.error().message.contains(u"start the server once"),
                 qPrintable(rotated.error().message));
    }

    void tlsKeyIsSealedInTheDatabase()
    {
        QTemporaryDir dir;
        const ServerConfig config = configFor(dir.path());
        auto opened = openAt(dir.path(), true);
        QVERIFY(opened.vault);
        auto first = loadTlsIdentity(config, *opened.storage, **opened.vault);
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        QVERIFY(first->generated);
        QCOMPARE(first->key.algorithm(), QSsl::Ec);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("tls/server.crt"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("tls/server.key"))));
        QDirIterator files(dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            QVERIFY2(!readAll(path).contains("PRIVATE KEY"), qPrintable(path));
        }

        auto again = loadTlsIdentity(config, *opened.storage, **opened.vault);
        QVERIFY(again);
        QVERIFY(!again->generated);
        QCOMPARE(Certificates::fingerprint(again->certificate),
                 Certificates::fingerprint(first->certificate));
        QCOMPARE(again->key.toPem(), first->key.toPem());
    }

    void plainTlsKeyIsImported()
    {
        // An older start left tls/server.key in plain text.
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("tls")));
        auto made = Certificates::makeLocalSelfSigned();
        QVERIFY(made);
        const QString keyFile = dir.filePath(QStringLiteral("tls/server.key"));
        writeKeyFile(keyFile, made->second);
        QVERIFY(Certificates::writeCertificate(dir.filePath(QStringLiteral("tls/server.crt")),
                                               made->first));
        const auto certificate = QSslCertificate::fromData(made->first).first();

        const ServerConfig config = configFor(dir.path());
        {
            auto opened = openAt(dir.path(), true);
            QVERIFY(opened.vault);
            auto identity = loadTlsIdentity(config, *opened.storage, **opened.vault);
            QVERIFY2(identity, qPrintable(identity ? QString() : identity.error().message));
            QVERIFY(!identity->generated);
            QCOMPARE(identity->certificate, certificate);
            QVERIFY(!QFile::exists(keyFile));
        }
        auto opened = openAt(dir.path());
        QVERIFY(opened.vault);
        auto identity = loadTlsIdentity(config, *opened.storage, **opened.vault);
        QVERIFY(identity);
        QCOMPARE(identity->certificate, certificate);
        QCOMPARE(identity->key.toPem(), QSslKey(made->second, QSsl::Ec).toPem());
    }

    void givenCertificateFiles()
    {
        QTemporaryDir dir;
        auto made = Certificates::makeLocalSelfSigned();
        QVERIFY(made);
        const QString cert = dir.filePath(QStringLiteral("given.crt"));
        const QString key = dir.filePath(QStringLiteral("given.key"));
        QVERIFY(Certificates::writeCertificate(cert, made->first));
        QVERIFY(Certificates::writeCertificate(key, made->second));
        auto identity = Certificates::loadFiles(cert, key);
        QVERIFY(identity);
        QVERIFY(!identity->generated);
        // Both or neither.
        auto half = Certificates::loadFiles(cert, QString());
        QVERIFY(!half);
        QVERIFY(half.error().message.contains(u"--tls-key"));
    }
};

QTEST_GUILESS_MAIN(TestVault)
#include "tst_vault.moc"
