// File repositories over REST against the real server (docs/rest-api.md,
// "File repositories"): upload and download with digests, listings, delete,
// overwrite, verification headers, limits ([files] in bulwark.conf),
// authorization (an invisible repository answers like a missing Thing,
// Update needed to write), traversal, a Thing that is not a repository,
// encryption at rest, and files surviving a restart.
#include "../common/AccessFixture.h"
#include "../common/WebSocketClient.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QWebSocket>

#include <algorithm>

using namespace BulwarkTest;

namespace {

const QString kPassword = u"copper-lantern-meadow-58"_s;
const Credentials kAlice{u"alice"_s, kPassword}; // Read and Update on Repo
const Credentials kBob{u"bob"_s, kPassword};     // Read on Repo
const Credentials kCarol{u"carol"_s, kPassword}; // cannot see Repo

QByteArray pattern(qsizetype size, int seed)
{
    QByteArray data(size, Qt::Uninitialized);
    quint32 x = 2463534242u + quint32(seed);
    for (qsizetype i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = char(x & 0xff);
    }
    return data;
}

QByteArray md5(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex();
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QString files(const QString &thing, const QString &part, const QString &path,
              const QString &extra = {})
{
    return u"/api/Things/%1/Files%2?path=%3%4"_s.arg(
        thing, part, QString::fromLatin1(QUrl::toPercentEncoding(path)), extra);
}

QString describe(const Answer &a)
{
    return u"%1 %2%3"_s.arg(a.status).arg(QString::fromUtf8(a.body.left(600)), a.networkError);
}

// Empties the schema of the shared PostgreSQL test database (the ctest
// resource lock keeps other tests off it meanwhile).
bool resetPostgres(const QString &text)
{
    const QUrl url(text);
    const QString name = u"files-rest-reset"_s;
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName(QUrl::FullyDecoded));
        db.setPassword(url.password(QUrl::FullyDecoded));
        db.setDatabaseName(url.path().mid(1));
        if (db.open()) {
            QSqlQuery query(db);
            ok = query.exec(u"DROP SCHEMA public CASCADE"_s) &&
                 query.exec(u"CREATE SCHEMA public"_s);
            if (!ok)
                qWarning("%s", qPrintable(query.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

class TestFilesRest : public QObject
{
    Q_OBJECT

    HeadlessServer m_server;

    Answer upload(const QString &thing, const QString &path, const QByteArray &bytes,
                  const std::optional<Credentials> &who = std::nullopt, const QString &extra = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        Request request("PUT", files(thing, u"/Content"_s, path, extra), bytes,
                        "application/octet-stream");
        if (who)
            request.credentials = who;
        request.headers = headers;
        return m_server.request(request);
    }

    Answer as(const std::optional<Credentials> &who, const QByteArray &verb, const QString &url)
    {
        Request request(verb, url);
        if (who)
            request.credentials = who;
        return m_server.request(request);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The ctest entry tst_files_rest_postgresql runs it all on PostgreSQL.
        if (!qEnvironmentVariableIsEmpty("BULWARK_FILES_REST_POSTGRES")) {
            const QString url = qEnvironmentVariable("BULWARK_TEST_POSTGRES_URL");
            if (url.isEmpty()) {
                if (!qEnvironmentVariableIsEmpty("CI"))
                    QFAIL("CI must provide BULWARK_TEST_POSTGRES_URL (.ci/dev.sh test)");
                QSKIP("BULWARK_TEST_POSTGRES_URL is not set: the PostgreSQL run is skipped");
            }
            QVERIFY2(resetPostgres(url), "cannot reset the PostgreSQL test schema");
            m_server.setExtraArguments({u"--database"_s, url});
        }
        QVERIFY(m_server.writeConfig("[files]\n"
                                     "max_file_size_mb=2\n"
                                     "repository_quota_mb=4\n"
                                     "rest_upload_limit_mb=3\n"
                                     "chunk_size_kb=64\n"));
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString() + m_server.log()));
        RestSetup setup(m_server, kPassword);
        setup.makeUsers({u"alice"_s, u"bob"_s, u"carol"_s});
        setup.makeTemplate(u"SecureStore"_s, u"FileRepository"_s);
        setup.makeThing(u"Repo"_s, u"FileRepository"_s);
        setup.makeThing(u"Vault2"_s, u"SecureStore"_s); // derives from FileRepository
        setup.makeThing(u"Pump1"_s);                    // not a repository
        setup.makeOrganization(u"Plant"_s, {{u"Ops"_s, u"Plant"_s}});
        setup.setUnitMembers(u"Plant/Ops"_s, {user(u"alice"_s), user(u"bob"_s)});
        setup.setVisibility(u"Things/Repo/Visibility"_s, {u"Plant/Ops"_s});
        setup.setRules(u"Things/Repo/Permissions"_s,
                       {rule(user(u"alice"_s), u"Read"_s), rule(user(u"alice"_s), u"Update"_s),
                        rule(user(u"bob"_s), u"Read"_s)});
        QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    }

    void builtInTemplate()
    {
        const Answer t = m_server.get(u"/api/ThingTemplates/FileRepository"_s);
        QVERIFY2(t.status == 200, qPrintable(describe(t)));
    }

    // FileRepository is what makes a Thing a repository: it can be neither
    // deleted nor renamed, but members may be added to it.
    void builtInTemplateStays()
    {
        const QString path = u"/api/ThingTemplates/FileRepository"_s;
        const QString refusal = u"FileRepository is built in: file repositories are Things made "
                                "from it; it cannot be deleted or renamed."_s;
        const Answer removed = m_server.remove(path);
        QCOMPARE(removed.status, 409);
        QCOMPARE(removed.errorCode(), u"conflict"_s);
        QCOMPARE(removed.errorMessage(), refusal);

        QJsonObject renamed = m_server.get(path).json();
        renamed.insert(u"name"_s, u"FileStore"_s);
        const Answer rename = m_server.put(path, renamed);
        QCOMPARE(rename.status, 409);
        QCOMPARE(rename.errorCode(), u"conflict"_s);
        QCOMPARE(rename.errorMessage(), refusal);
        QCOMPARE(m_server.get(u"/api/ThingTemplates/FileStore"_s).status, 404);

        const QJsonObject original = m_server.get(path).json();
        QJsonObject extended = original;
        QJsonArray properties = extended.value(u"properties"_s).toArray();
        properties.append(QJsonObject{{u"name"_s, u"Retention"_s}, {u"baseType"_s, u"NUMBER"_s}});
        extended.insert(u"properties"_s, properties);
        const Answer added = m_server.put(path, extended);
        QVERIFY2(added.status == 200, qPrintable(describe(added)));
        const QJsonArray saved = m_server.get(path).json().value(u"properties"_s).toArray();
        QVERIFY(std::any_of(saved.cbegin(), saved.cend(), [](const QJsonValue &p) {
            return p.toObject().value(u"name"_s) == u"Retention"_s;
        }));
        // Still a template, still making repositories.
        QCOMPARE(m_server.get(path).status, 200);
        const Answer list = m_server.get(files(u"Repo"_s, {}, {}));
        QVERIFY2(list.status == 200, qPrintable(describe(list)));
        const Answer restored = m_server.put(path, original);
        QVERIFY2(restored.status == 200, qPrintable(describe(restored)));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("size");
        QTest::newRow("empty") << u"empty.bin"_s << 0;
        QTest::newRow("small, nested") << u"fw/v1/small.txt"_s << 100;
        QTest::newRow("chunks, spaces and unicode")
            << u"fw/année 2026 + x&y.bin"_s << 3 * 64 * 1024 + 17;
        QTest::newRow("1.5 MiB") << u"big.bin"_s << 1536 * 1024;
    }

    void roundTrip()
    {
        QFETCH(QString, path);
        QFETCH(int, size);
        const QByteArray data = pattern(size, size);
        const Answer put =
            upload(u"Repo"_s, path, data, kAlice, {},
                   {{"X-Bulwark-SHA256", sha256(data)}, {"X-Bulwark-MD5", md5(data)}});
        QVERIFY2(put.status == 201, qPrintable(describe(put)));
        QCOMPARE(put.json().value("path"_L1).toString(), path);
        QCOMPARE(put.json().value("size"_L1).toInteger(), qint64(size));
        QCOMPARE(put.json().value("md5"_L1).toString().toLatin1(), md5(data));
        QCOMPARE(put.json().value("sha256"_L1).toString().toLatin1(), sha256(data));

        const Answer get = as(kBob, "GET", files(u"Repo"_s, u"/Content"_s, path));
        QVERIFY2(get.status == 200, qPrintable(describe(get)));
        QCOMPARE(get.body.size(), data.size());
        QVERIFY(get.body == data);
        QCOMPARE(get.header("X-Bulwark-MD5"), md5(data));
        QCOMPARE(get.header("X-Bulwark-SHA256"), sha256(data));
        QCOMPARE(get.header("Content-Length"), QByteArray::number(size));
        QCOMPARE(get.header("Content-Type"), QByteArray("application/octet-stream"));

        // Listed in its directory with its digests.
        const qsizetype slash = path.lastIndexOf(u'/');
        const QString dir = slash < 0 ? QString() : path.left(slash);
        const Answer list = as(kBob, "GET", files(u"Repo"_s, {}, dir));
        QVERIFY2(list.status == 200, qPrintable(describe(list)));
        QCOMPARE(list.json().value("path"_L1).toString(), dir);
        bool found = false;
        for (const QJsonValue v : list.json().value("entries"_L1).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value("name"_L1).toString() != path.mid(slash + 1))
                continue;
            found = true;
            QCOMPARE(e.value("type"_L1).toString(), u"file"_s);
            QCOMPARE(e.value("size"_L1).toInteger(), qint64(size));
            QCOMPARE(e.value("sha256"_L1).toString().toLatin1(), sha256(data));
            QCOMPARE(e.value("md5"_L1).toString().toLatin1(), md5(data));
            QVERIFY(!e.value("modified"_L1).toString().isEmpty());
        }
        QVERIFY2(found, qPrintable(describe(list)));
    }

    void listingAndDelete()
    {
        QCOMPARE(upload(u"Vault2"_s, u"a/b/c.txt"_s, "one").status, 201);
        QCOMPARE(upload(u"Vault2"_s, u"a/d.txt"_s, "two").status, 201);
        const Answer root = m_server.get(files(u"Vault2"_s, {}, {}));
        QVERIFY2(root.status == 200, qPrintable(describe(root)));
        const QJsonArray entries = root.json().value("entries"_L1).toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.at(0).toObject().value("name"_L1).toString(), u"a"_s);
        QCOMPARE(entries.at(0).toObject().value("type"_L1).toString(), u"directory"_s);

        const Answer removed = m_server.remove(files(u"Vault2"_s, {}, u"a/b/c.txt"_s));
        QVERIFY2(removed.status == 204, qPrintable(describe(removed)));
        QCOMPARE(m_server.get(files(u"Vault2"_s, u"/Content"_s, u"a/b/c.txt"_s)).status, 404);
        QCOMPARE(m_server.get(files(u"Vault2"_s, {}, u"a/b"_s)).status, 404); // emptied: gone
        QCOMPARE(m_server.remove(files(u"Vault2"_s, {}, u"a/b/c.txt"_s)).status, 404);
        const Answer dir = m_server.remove(files(u"Vault2"_s, {}, u"a"_s));
        QCOMPARE(dir.status, 400);
        QVERIFY(dir.errorMessage().contains(u"is a directory"));
        const Answer noPath = m_server.remove(u"/api/Things/Vault2/Files"_s);
        QCOMPARE(noPath.status, 400);
    }

    void overwriteAndVerification()
    {
        QCOMPARE(upload(u"Repo"_s, u"ow.txt"_s, "first", kAlice).status, 201);
        const Answer again = upload(u"Repo"_s, u"ow.txt"_s, "second", kAlice);
        QCOMPARE(again.status, 409);
        QVERIFY2(again.errorMessage().contains(u"overwrite"), qPrintable(describe(again)));
        QCOMPARE(upload(u"Repo"_s, u"ow.txt"_s, "second", kAlice, u"&overwrite=true"_s).status,
                 201);
        QCOMPARE(as(kAlice, "GET", files(u"Repo"_s, u"/Content"_s, u"ow.txt"_s)).body,
                 QByteArray("second"));
        QCOMPARE(upload(u"Repo"_s, u"ow.txt"_s, "x", kAlice, u"&overwrite=maybe"_s).status, 400);

        // A digest that does not match: nothing stored, the old file stays.
        const Answer wrong = upload(u"Repo"_s, u"ow.txt"_s, "third", kAlice, u"&overwrite=true"_s,
                                    {{"X-Bulwark-SHA256", sha256("other")}});
        QCOMPARE(wrong.status, 400);
        QCOMPARE(wrong.errorCode(), u"verification-failed"_s);
        QVERIFY2(wrong.errorMessage().startsWith(u"SHA-256 mismatch: expected " +
                                                 QString::fromLatin1(sha256("other"))),
                 qPrintable(describe(wrong)));
        QCOMPARE(as(kAlice, "GET", files(u"Repo"_s, u"/Content"_s, u"ow.txt"_s)).body,
                 QByteArray("second"));
        const Answer wrongMd5 =
            upload(u"Repo"_s, u"new.txt"_s, "third", kAlice, {}, {{"X-Bulwark-MD5", md5("other")}});
        QCOMPARE(wrongMd5.errorCode(), u"verification-failed"_s);
        QCOMPARE(m_server.get(files(u"Repo"_s, u"/Content"_s, u"new.txt"_s)).status, 404);
        // Both writes are in the audit log, naming the file and the outcome.
        const Answer audit = m_server.get(u"/api/Audit?actor=alice&limit=1000"_s);
        QVERIFY2(audit.status == 200, qPrintable(describe(audit)));
        int stored = 0;
        int refused = 0;
        for (const QJsonValue v : audit.json().value("items"_L1).toArray()) {
            const QJsonObject record = v.toObject();
            const QJsonObject details = record.value("details"_L1).toObject();
            if (record.value("entity"_L1).toString() != u"Things/Repo/Files/Content"_s ||
                details.value("path"_L1).toString() != u"ow.txt"_s)
                continue;
            if (record.value("outcome"_L1).toString() == u"success"_s)
                ++stored;
            else if (details.value("error"_L1).toString() == u"verification-failed"_s)
                ++refused;
        }
        QVERIFY2(stored == 2 && refused == 1, qPrintable(QString::fromUtf8(audit.body.left(3000))));
        const Answer malformed =
            upload(u"Repo"_s, u"new.txt"_s, "third", kAlice, {}, {{"X-Bulwark-MD5", "xyz"}});
        QCOMPARE(malformed.status, 400);
    }

    void authorization()
    {
        QCOMPARE(upload(u"Repo"_s, u"auth.txt"_s, "data", kAlice).status, 201);
        // Read without Update: may download and list, not write or delete.
        QCOMPARE(as(kBob, "GET", files(u"Repo"_s, u"/Content"_s, u"auth.txt"_s)).status, 200);
        const Answer bobPut = upload(u"Repo"_s, u"bob.txt"_s, "data", kBob);
        QCOMPARE(bobPut.status, 403);
        QCOMPARE(as(kBob, "DELETE", files(u"Repo"_s, {}, u"auth.txt"_s)).status, 403);
        QCOMPARE(as(kBob, "GET", files(u"Repo"_s, u"/Content"_s, u"bob.txt"_s)).status, 404);

        // Invisible: exactly the answer for a Thing that does not exist.
        const auto ask = [&](const QByteArray &verb, const QString &part, const QString &path) {
            return [=, this](const QString &thing) {
                if (verb == "PUT")
                    return upload(thing, path, "data", kCarol);
                return as(kCarol, verb, files(thing, part, path));
            };
        };
        QString problem = answersAsIfMissing(ask("GET", {}, {}), u"Repo"_s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = answersAsIfMissing(ask("GET", u"/Content"_s, u"auth.txt"_s), u"Repo"_s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = answersAsIfMissing(ask("PUT", u"/Content"_s, u"c.txt"_s), u"Repo"_s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = answersAsIfMissing(ask("DELETE", {}, u"auth.txt"_s), u"Repo"_s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // GET /api/FileRepositories lists what the user may Read.
        const auto listed = [&](const std::optional<Credentials> &who) {
            QStringList names;
            const Answer a = as(who, "GET", u"/api/FileRepositories"_s);
            for (const QJsonValue v : a.json().value("items"_L1).toArray())
                names.append(v.toObject().value("name"_L1).toString());
            return names;
        };
        QCOMPARE(listed(std::nullopt), (QStringList{u"Repo"_s, u"Vault2"_s}));
        QCOMPARE(listed(kBob), QStringList{u"Repo"_s});
        QVERIFY(!listed(kCarol).contains(u"Repo"_s));
        const Answer all = m_server.get(u"/api/FileRepositories"_s);
        const QJsonObject repo = all.json().value("items"_L1).toArray().at(0).toObject();
        QVERIFY(repo.value("usedBytes"_L1).toInteger() > 0);
        QCOMPARE(repo.value("quotaBytes"_L1).toInteger(), qint64(4) * 1024 * 1024);
    }

    void badPaths_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("dot dot") << u"../x"_s;
        QTest::newRow("deep dot dot") << u"a/../../../etc/passwd"_s;
        QTest::newRow("absolute") << u"/etc/passwd"_s;
        QTest::newRow("backslash") << u"a\\..\\b"_s;
        QTest::newRow("staging") << u".staging/x"_s;
        QTest::newRow("empty segment") << u"a//b"_s;
    }

    void badPaths()
    {
        QFETCH(QString, path);
        const Answer put = upload(u"Repo"_s, path, "data");
        QCOMPARE(put.status, 400);
        QVERIFY2(put.errorMessage().contains(u"is not valid"), qPrintable(describe(put)));
        QCOMPARE(m_server.get(files(u"Repo"_s, u"/Content"_s, path)).status, 400);
        QCOMPARE(m_server.get(files(u"Repo"_s, {}, path)).status, 400);
        QCOMPARE(m_server.remove(files(u"Repo"_s, {}, path)).status, 400);
        QCOMPARE(upload(u"Repo"_s, {}, "data").status, 400); // no path at all
    }

    void limits()
    {
        // Larger than max_file_size_mb (2) but within the upload limit (3).
        const Answer tooLarge = upload(u"Vault2"_s, u"huge.bin"_s, pattern(2 * 1024 * 1024 + 1, 1));
        QCOMPARE(tooLarge.status, 413);
        QVERIFY2(tooLarge.errorMessage().contains(u"files/max_file_size_mb"),
                 qPrintable(describe(tooLarge)));
        // Larger than rest_upload_limit_mb: refused before anything is read.
        const Answer body = upload(u"Vault2"_s, u"body.bin"_s, pattern(3 * 1024 * 1024 + 10, 2));
        QCOMPARE(body.status, 413);
        // The quota (4 MiB): two files of 1.9 MiB fit, a third does not.
        const QByteArray part = pattern(1946 * 1024, 3);
        QCOMPARE(upload(u"Vault2"_s, u"q1.bin"_s, part).status, 201);
        QCOMPARE(upload(u"Vault2"_s, u"q2.bin"_s, part).status, 201);
        const Answer over = upload(u"Vault2"_s, u"q3.bin"_s, part);
        QCOMPARE(over.status, 507);
        QCOMPARE(over.errorCode(), u"quota-exceeded"_s);
        QVERIFY2(over.errorMessage().contains(u"files/repository_quota_mb"),
                 qPrintable(describe(over)));
        // Deleting makes room again.
        QCOMPARE(m_server.remove(files(u"Vault2"_s, {}, u"q1.bin"_s)).status, 204);
        QCOMPARE(upload(u"Vault2"_s, u"q3.bin"_s, part).status, 201);
        QCOMPARE(m_server.remove(files(u"Vault2"_s, {}, u"q2.bin"_s)).status, 204);
        QCOMPARE(m_server.remove(files(u"Vault2"_s, {}, u"q3.bin"_s)).status, 204);
    }

    // Only file uploads get the larger limit, and they too are cut off at
    // it before the server buffers more (QHttpServer reads whole bodies).
    void hugeUploadIsCutOff()
    {
        const auto send = [&](const QByteArray &head) {
            RawConnection raw(m_server);
            if (!raw.waitForEncrypted())
                return QByteArray("no TLS");
            QSslSocket &socket = raw.socket;
            socket.write(head + "Host: 127.0.0.1\r\nContent-Length: 67108864\r\n\r\n");
            const QByteArray chunk(256 * 1024, 'x');
            for (int i = 0; i < 24 && socket.state() == QAbstractSocket::ConnectedState; ++i) {
                socket.write(chunk);
                socket.waitForBytesWritten(2000);
                QCoreApplication::processEvents();
            }
            SignalWaiter waiter(10000);
            waiter.wakeOn(&socket, &QSslSocket::readyRead);
            waiter.wakeOn(&socket, &QSslSocket::disconnected);
            (void)waiter.waitFor([&] {
                return socket.state() == QAbstractSocket::UnconnectedState ||
                       raw.received.contains("payload-too-large");
            });
            return raw.received;
        };
        // 6 MiB sent: over 1 MiB for anything else, over 3 MiB for an upload.
        const QByteArray upload = send("PUT /api/Things/Repo/Files/Content?path=a HTTP/1.1\r\n");
        QVERIFY2(upload.startsWith("HTTP/1.1 413"), upload.left(300).constData());
        QVERIFY(upload.contains("3136 KiB")); // 3 MiB + room for the headers
        const QByteArray other = send("PUT /api/Things/Repo HTTP/1.1\r\n");
        QVERIFY2(other.startsWith("HTTP/1.1 413"), other.left(300).constData());
        QVERIFY(other.contains("1088 KiB"));
    }

    void notARepository()
    {
        const Answer content = m_server.get(files(u"Pump1"_s, u"/Content"_s, u"x.bin"_s));
        QCOMPARE(content.status, 400);
        QVERIFY2(content.errorMessage().contains(u"not a file repository"),
                 qPrintable(describe(content)));
        QCOMPARE(upload(u"Pump1"_s, u"x.bin"_s, "data").status, 400);
        // Listing a device Thing goes to its device; none is connected.
        const Answer list = m_server.get(files(u"Pump1"_s, {}, u"logs"_s));
        QCOMPARE(list.status, 409);
        QCOMPARE(list.errorCode(), u"not-connected"_s);
        const Answer removed = m_server.remove(files(u"Pump1"_s, {}, u"logs/a.txt"_s));
        QCOMPARE(removed.status, 409);
        // Visible and readable, but without ServiceInvoke on it: 403;
        // invisible: 404 as for a missing Thing.
        RestSetup setup(m_server, kPassword);
        setup.setVisibility(u"Things/Pump1/Visibility"_s, {u"Plant/Ops"_s});
        setup.setRules(u"Things/Pump1/Permissions"_s, {rule(user(u"bob"_s), u"Read"_s)});
        QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
        const Answer bob = as(kBob, "GET", files(u"Pump1"_s, {}, u"logs"_s));
        QCOMPARE(bob.status, 403);
        QVERIFY2(bob.errorMessage().contains(u"ServiceInvoke"), qPrintable(describe(bob)));
        QCOMPARE(as(kBob, "DELETE", files(u"Pump1"_s, {}, u"logs/a.txt"_s)).status, 403);
        QCOMPARE(as(kCarol, "GET", files(u"Pump1"_s, {}, u"logs"_s)).status, 404);
    }

    // A device Thing's files are the device's: listing and deleting are
    // forwarded as file.list / file.delete, and its answer comes back.
    void deviceDirectories()
    {
        RestSetup setup(m_server, kPassword);
        setup.makeThing(u"Gateway"_s);
        QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
        WebSocketClient device(m_server.sslConfiguration());
        QVERIFY(device.open(QNetworkRequest(m_server.url(u"/edge"_s, u"wss"_s))));
        const QJsonObject auth = device.call(
            {{"type"_L1, "auth"_L1}, {"user"_L1, kAdministrator}, {"password"_L1, kAdminPassword}});
        QCOMPARE(auth["result"_L1]["protocol"_L1].toInt(), 2);

        // Bound without directories: no file messages for it.
        QVERIFY(device.call({{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{u"Gateway"_s}}})
                    .contains("result"_L1));
        const Answer before = m_server.get(files(u"Gateway"_s, {}, {}));
        QCOMPARE(before.status, 409);
        QVERIFY2(before.errorMessage().contains(u"declared directories"),
                 qPrintable(describe(before)));

        const QJsonObject bound =
            device.call({{"type"_L1, "bind"_L1},
                         {"things"_L1, QJsonArray{u"Gateway"_s}},
                         {"directories"_L1, QJsonArray{u"logs"_s, u"firmware"_s}}});
        QVERIFY2(bound.contains("result"_L1), qPrintable(QString::fromUtf8(jsonBody(bound))));

        // The device answers what the platform asks, while the REST call waits.
        QNetworkAccessManager network;
        const auto ask = [&](const QByteArray &verb, const QString &path,
                             const std::function<QJsonObject(const QJsonObject &)> &answer) {
            std::unique_ptr<QNetworkReply> reply =
                m_server.send(network, Request(verb, files(u"Gateway"_s, {}, path)));
            const QString type = verb == "DELETE" ? u"file.delete"_s : u"file.list"_s;
            const QJsonObject request = device.waitFor([&](const QJsonObject &m) {
                return m["type"_L1].toString() == type && m["path"_L1].toString() == path;
            });
            if (!request.isEmpty()) {
                QJsonObject reply = answer(request);
                reply.insert("id"_L1, request["id"_L1]);
                device.send(reply);
            }
            SignalWaiter waiter;
            waiter.wakeOn(reply.get(), &QNetworkReply::finished);
            (void)waiter.waitFor([&] { return reply->isFinished(); });
            return HeadlessServer::answerOf(*reply);
        };
        const Answer list = ask("GET", u"logs"_s, [](const QJsonObject &request) {
            return QJsonObject{
                {"type"_L1, "result"_L1},
                {"result"_L1,
                 QJsonObject{{"entries"_L1,
                              QJsonArray{QJsonObject{{"name"_L1, u"boot.log"_s},
                                                     {"type"_L1, u"file"_s},
                                                     {"size"_L1, 1234},
                                                     {"modified"_L1, u"2026-11-27T05:00:00Z"_s}},
                                         QJsonObject{{"name"_L1, u"old"_s},
                                                     {"type"_L1, u"directory"_s}}}}}},
                {"thing"_L1, request["thing"_L1]}};
        });
        QVERIFY2(list.status == 200, qPrintable(describe(list)));
        QCOMPARE(list.json()["path"_L1].toString(), u"logs"_s);
        const QJsonArray entries = list.json()["entries"_L1].toArray();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(0)["name"_L1].toString(), u"boot.log"_s);
        QCOMPARE(entries.at(0)["size"_L1].toInteger(), qint64(1234));
        QCOMPARE(entries.at(1)["type"_L1].toString(), u"directory"_s);

        // A device that answers nonsense does not get it through.
        const Answer bad = ask("GET", u"firmware"_s, [](const QJsonObject &) {
            return QJsonObject{
                {"type"_L1, "result"_L1},
                {"result"_L1,
                 QJsonObject{{"entries"_L1, QJsonArray{QJsonObject{{"name"_L1, u"../x"_s},
                                                                   {"type"_L1, u"file"_s}}}}}}};
        });
        QCOMPARE(bad.status, 502);

        const Answer removed = ask("DELETE", u"logs/boot.log"_s, [](const QJsonObject &) {
            return QJsonObject{{"type"_L1, "result"_L1}, {"result"_L1, QJsonObject{}}};
        });
        QVERIFY2(removed.status == 204, qPrintable(describe(removed)));
        const Answer missing = ask("DELETE", u"logs/none.log"_s, [](const QJsonObject &) {
            return QJsonObject{{"type"_L1, "error"_L1},
                               {"error"_L1, QJsonObject{{"code"_L1, u"not-found"_s},
                                                        {"message"_L1, u"No such file."_s}}}};
        });
        QCOMPARE(missing.status, 404);
        QVERIFY2(missing.errorMessage().contains(u"No such file."), qPrintable(describe(missing)));

        // A directory it did not declare is not asked about.
        const Answer undeclared = m_server.get(files(u"Gateway"_s, {}, u"etc/passwd"_s));
        QCOMPARE(undeclared.status, 404);
        QVERIFY2(undeclared.errorMessage().contains(u"logs, firmware"),
                 qPrintable(describe(undeclared)));
    }

    void encryptedAtRestAndAfterRestart()
    {
        QByteArray secret;
        while (secret.size() < 200 * 1024)
            secret += "PLAINTEXT-THAT-MUST-NOT-REACH-THE-DISK ";
        QCOMPARE(upload(u"Repo"_s, u"secret.txt"_s, secret).status, 201);
        int stored = 0;
        QDirIterator it(m_server.dataDir() + u"/repositories"_s, QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains("MUST-NOT-REACH"), qPrintable(f.fileName()));
            ++stored;
        }
        QVERIFY(stored > 0);

        QCOMPARE(m_server.stop(), 0);
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString() + m_server.log()));
        const Answer get = m_server.get(files(u"Repo"_s, u"/Content"_s, u"secret.txt"_s));
        QCOMPARE(get.status, 200);
        QVERIFY(get.body == secret);
    }

    void deletedThingTakesItsFiles()
    {
        QCOMPARE(upload(u"Vault2"_s, u"gone.txt"_s, "bye").status, 201);
        const auto repositoryDirs = [this] {
            return QDir(m_server.dataDir() + u"/repositories"_s)
                .entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        };
        const QStringList before = repositoryDirs();
        QCOMPARE(m_server.remove(u"/api/Things/Vault2"_s).status, 204);
        // Its encrypted files are gone at once, not at the next start.
        const QStringList after = repositoryDirs();
        QCOMPARE(after.size(), before.size() - 1);
        for (const QString &dir : after)
            QVERIFY(before.contains(dir));
        RestSetup setup(m_server, kPassword);
        setup.makeThing(u"Vault2"_s, u"SecureStore"_s);
        QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
        // Same name, new repository: empty.
        const Answer list = m_server.get(files(u"Vault2"_s, {}, {}));
        QCOMPARE(list.status, 200);
        QCOMPARE(list.json().value("entries"_L1).toArray().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFilesRest)
#include "tst_files_rest.moc"
