#include "net/Certificates.h"
#include "security/Crypto.h"
#include "security/PasswordHasher.h"
#include "security/Vault.h"

#include <QFile>
#include <QSslCertificateExtension>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;

class TestCrypto : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selfTest() { QVERIFY(Crypto::selfTest().ok()); }

    void passwordHash()
    {
        const auto hash = PasswordHasher::hash(QStringLiteral("correct horse battery"), 2000);
        QVERIFY(hash.ok());
        QVERIFY(hash->startsWith(QStringLiteral("$pbkdf2-sha256$i=2000$")));
        QVERIFY(!hash->contains(QStringLiteral("horse")));
        QVERIFY(PasswordHasher::verify(QStringLiteral("correct horse battery"), *hash));
        QVERIFY(!PasswordHasher::verify(QStringLiteral("correct horse batterY"), *hash));
        // Per-user salt: the same password hashes differently.
        QVERIFY(*PasswordHasher::hash(QStringLiteral("correct horse battery"), 2000) != *hash);
        // Malformed or weakened stored strings never verify.
        QVERIFY(!PasswordHasher::verify(QStringLiteral("x"), QString()));
        QVERIFY(!PasswordHasher::verify(QStringLiteral("x"),
                                        QStringLiteral("$pbkdf2-sha256$i=1$AA$AA")));
        QString weakened = *hash;
        weakened.replace(QStringLiteral("i=2000"), QStringLiteral("i=2001"));
        QVERIFY(!PasswordHasher::verify(QStringLiteral("correct horse battery"), weakened));
    }

    void vault()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("master.key"));
        QVERIFY(!Vault::openKeyFile(path, Vault::KeyFile::MustExist).ok());
        QVERIFY(!QFile::exists(path));
        auto vault = Vault::openKeyFile(path, Vault::KeyFile::CreateIfMissing);
        QVERIFY(vault.ok());
        QCOMPARE(QFile::permissions(path) & 0x0077, QFileDevice::Permissions());
        const auto sealed = vault->seal("pa55word", QStringLiteral("Things/A/p"));
        QVERIFY(sealed.ok());
        QVERIFY(!sealed->contains(QStringLiteral("pa55word")));
        QCOMPARE(*vault->open(*sealed, QStringLiteral("Things/A/p")), QByteArray("pa55word"));
        // Bound to its place: another context does not open it.
        QVERIFY(!vault->open(*sealed, QStringLiteral("Things/B/p")).ok());
        // The same key is read back from the file.
        auto reopened = Vault::openKeyFile(path, Vault::KeyFile::MustExist);
        QVERIFY(reopened.ok());
        QCOMPARE(*reopened->open(*sealed, QStringLiteral("Things/A/p")), QByteArray("pa55word"));
        // A key file others can read is refused.
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                        QFileDevice::ReadOther);
        QVERIFY(!Vault::openKeyFile(path, Vault::KeyFile::MustExist).ok());
    }

    void selfSignedCertificate()
    {
        QTemporaryDir dir;
        const auto identity = Certificates::loadOrCreate({}, {}, dir.path());
        QVERIFY2(identity.ok(), qPrintable(identity.ok() ? QString() : identity.error().message));
        QVERIFY(identity->generated);
        QCOMPARE(identity->key.algorithm(), QSsl::Ec);
        QCOMPARE(identity->key.length(), 256);
        const auto san = identity->certificate.subjectAlternativeNames();
        QVERIFY(san.values(QSsl::DnsEntry).contains(QStringLiteral("localhost")));
        QVERIFY(san.values(QSsl::IpAddressEntry).contains(QStringLiteral("127.0.0.1")));
        const QString keyPath = dir.filePath(QStringLiteral("tls/server.key"));
        QCOMPARE(QFile::permissions(keyPath) & 0x0077, QFileDevice::Permissions());
        const QString fp = Certificates::fingerprint(identity->certificate);
        QCOMPARE(fp.size(), 32 * 3 - 1);

        // A second start loads the same certificate.
        const auto again = Certificates::loadOrCreate({}, {}, dir.path());
        QVERIFY(again.ok());
        QVERIFY(!again->generated);
        QCOMPARE(Certificates::fingerprint(again->certificate), fp);

        QVERIFY(!Certificates::loadOrCreate(dir.filePath(QStringLiteral("tls/server.crt")), {},
                                            dir.path())
                     .ok());
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
