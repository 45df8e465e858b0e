// Secrets stored through the API are not on disk: after a PASSWORD property
// value and a user password are set and the server has stopped, no file
// under the data directory (database, WAL, shared memory, keys, anything)
// holds them in UTF-8, UTF-16 or base64, and no file holds a private key.
#include "HeadlessServer.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

using namespace BulwarkTest;

namespace {

// A value no file could hold by chance.
QString uniqueSecret(const QString &prefix)
{
    QByteArray random(18, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()),
                                          random.size() / 4);
    return prefix + QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding |
                                                        QByteArray::OmitTrailingEquals));
}

// The encodings a secret could be stored in: UTF-8, UTF-16LE, and base64 of
// its UTF-8 at each of the three alignments it could have inside a longer
// base64 text (the middle part that depends on the secret alone).
QList<QPair<QString, QByteArray>> encodings(const QString &secret)
{
    const QByteArray utf8 = secret.toUtf8();
    QList<QPair<QString, QByteArray>> list{
        {u"UTF-8"_s, utf8},
        {u"UTF-16LE"_s,
         QByteArray(reinterpret_cast<const char *>(secret.utf16()), secret.size() * 2)},
        {u"base64"_s, utf8.toBase64()},
    };
    for (int offset = 1; offset < 3; ++offset) {
        const QByteArray shifted = QByteArray(QByteArray(offset, '\0') + utf8).toBase64();
        list.append({u"base64 at offset %1"_s.arg(offset), shifted.mid(4, shifted.size() - 8)});
    }
    return list;
}

// Every file under dir (recursively) that holds needle, with the encoding.
QStringList filesHolding(const QString &dir, const QList<QPair<QString, QByteArray>> &needles)
{
    QStringList found;
    QDirIterator files(dir, QDir::Files | QDir::Hidden | QDir::System,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            found << path + u" (unreadable: "_s + file.errorString() + u')';
            continue;
        }
        const QByteArray bytes = file.readAll();
        for (const auto &[encoding, needle] : needles) {
            if (bytes.contains(needle))
                found << path + u" (" + encoding + u')';
        }
    }
    return found;
}

// The reusable check: fails the test, naming the files, when any file under
// dataDir holds secret in any encoding.
void verifyNotOnDisk(const QString &dataDir, const QString &secret, const QString &what)
{
    const QStringList holding = filesHolding(dataDir, encodings(secret));
    QVERIFY2(holding.isEmpty(),
             qPrintable(what + u" is on disk in: "_s + holding.join(QStringLiteral(", "))));
}

} // namespace

class TestSecretsAtRest final : public QObject
{
    Q_OBJECT

private slots:
    void secretsAreNotOnDisk();
    void directoryBindPasswordIsNotOnDisk();
};

void TestSecretsAtRest::secretsAreNotOnDisk()
{
    HeadlessServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    const QString propertySecret = uniqueSecret(u"prop-"_s);
    const QString userPassword = uniqueSecret(u"user-"_s);
    const QString plainMarker = uniqueSecret(u"plain-"_s);
    const QString userName = u"atrest%1"_s.arg(QRandomGenerator::system()->generate());

    const QJsonArray properties{
        QJsonObject{{"name"_L1, "secret"_L1}, {"baseType"_L1, "PASSWORD"_L1}},
        QJsonObject{{"name"_L1, "marker"_L1}, {"baseType"_L1, "STRING"_L1}}};
    QCOMPARE(
        server.post(u"/api/Things"_s, {{"name"_L1, "Vaulted"_L1}, {"properties"_L1, properties}})
            .status,
        201);
    const Answer put =
        server.put(u"/api/Things/Vaulted/Properties/secret"_s, {{"value"_L1, propertySecret}});
    QCOMPARE(put.status, 200);
    QVERIFY(!put.body.contains(propertySecret.toUtf8()));
    QCOMPARE(
        server.put(u"/api/Things/Vaulted/Properties/marker"_s, {{"value"_L1, plainMarker}}).status,
        200);
    const Answer user = server.post(
        u"/api/Users"_s,
        {{"name"_L1, userName}, {"description"_L1, "at rest"_L1}, {"password"_L1, userPassword}});
    QVERIFY2(user.status == 201, user.body.constData());
    QCOMPARE(server.stop(), 0);

    // The scan sees where the values went: the plain STRING is there...
    QVERIFY2(!filesHolding(server.dataDir(), {{u"UTF-8"_s, plainMarker.toUtf8()}}).isEmpty(),
             "the plain STRING value is in no file: the scan reads the wrong place");
    // ...and the secrets are not, anywhere.
    verifyNotOnDisk(server.dataDir(), propertySecret, u"The PASSWORD property value"_s);
    verifyNotOnDisk(server.dataDir(), userPassword, u"The user's password"_s);
    const QStringList keys =
        filesHolding(server.dataDir(), {{u"PEM private key"_s, "PRIVATE KEY"}});
    QVERIFY2(keys.isEmpty(), qPrintable(u"A private key is on disk in: "_s + keys.join(u", ")));
    // Nor in what the server printed.
    QVERIFY(!server.log().contains(propertySecret));
    QVERIFY(!server.log().contains(userPassword));
}

void TestSecretsAtRest::directoryBindPasswordIsNotOnDisk()
{
    HeadlessServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    const QString bindPassword = uniqueSecret(u"bind-"_s);
    const QString newBindPassword = uniqueSecret(u"rebind-"_s);
    const QString plainMarker = uniqueSecret(u"plain-"_s);
    // Nothing listens there: the service is only stored (and tested once,
    // which opens the sealed password).
    QJsonObject service{{"name"_L1, "corp"_L1},
                        {"description"_L1, plainMarker},
                        {"url"_L1, "ldap://127.0.0.1:9"_L1},
                        {"bindDn"_L1, "cn=bulwark,dc=example,dc=test"_L1},
                        {"bindPassword"_L1, bindPassword},
                        {"userBase"_L1, "ou=people,dc=example,dc=test"_L1},
                        {"timeoutSeconds"_L1, 1}};
    const Answer created = server.post(u"/api/DirectoryServices"_s, service);
    QVERIFY2(created.status == 201, created.body.constData());
    QVERIFY(!created.body.contains(bindPassword.toUtf8()));
    const Answer read = server.get(u"/api/DirectoryServices/corp"_s);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json().value("hasBindPassword"_L1), QJsonValue(true));
    QVERIFY(!read.body.contains(bindPassword.toUtf8()));
    const Answer tested = server.post(u"/api/DirectoryServices/corp/Test"_s, {});
    QCOMPARE(tested.status, 200);
    QCOMPARE(tested.json().value("ok"_L1), QJsonValue(false));
    QVERIFY(!tested.body.contains(bindPassword.toUtf8()));
    // A new password replaces the old; neither is kept in the clear.
    service.insert("bindPassword"_L1, newBindPassword);
    const Answer updated = server.put(u"/api/DirectoryServices/corp"_s, service);
    QVERIFY2(updated.status == 200, updated.body.constData());
    const Answer audit = server.get(u"/api/Audit?category=directory"_s);
    QCOMPARE(audit.status, 200);
    QVERIFY(!audit.body.contains(bindPassword.toUtf8()));
    QVERIFY(!audit.body.contains(newBindPassword.toUtf8()));
    QCOMPARE(server.stop(), 0);

    QVERIFY2(!filesHolding(server.dataDir(), {{u"UTF-8"_s, plainMarker.toUtf8()}}).isEmpty(),
             "the directory's description is in no file: the scan reads the wrong place");
    verifyNotOnDisk(server.dataDir(), bindPassword, u"The directory bind password"_s);
    verifyNotOnDisk(server.dataDir(), newBindPassword, u"The replaced directory bind password"_s);
    QVERIFY(!server.log().contains(bindPassword));
    QVERIFY(!server.log().contains(newBindPassword));
}

QTEST_GUILESS_MAIN(TestSecretsAtRest)
#include "tst_secrets_at_rest.moc"
