// SIGKILL under load (issue 7, "Faults"): the real server takes edge
// property updates from a device (C++ SDK), REST writes (Things created,
// a property written) and a file transfer of 8 MiB, all at once, and is
// killed with SIGKILL mid-transfer: twice while the device sends the file to
// a repository (at a quarter and two thirds of it), once while the
// repository sends it back to the device. After each kill, on a copy of the
// database taken before the restart, SQLite's integrity check passes; on
// disk and through REST no partial file is visible in the repository; after
// the restart every write acknowledged before the kill is there, and the
// transfer shows as interrupted by the restart. Once the device is back the
// transfer resumes from the chunks kept (not from the start) and completes
// byte-identical, with the MD5 and SHA-256 of the file. The same against
// PostgreSQL when BULWARK_TEST_POSTGRES_URL gives one (SQLite's integrity
// check then does not apply).
#include "../common/DatabaseChecks.h"
#include "../common/EdgeFixture.h"

#include <BulwarkEdge/EdgeClient.h>

#include <QCryptographicHash>
#include <QDirIterator>
#include <QHash>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace BulwarkTest;
using BulwarkEdge::EdgeClient;

namespace {

const QString kDevicePassword = u"granite-harbour-violet-41"_s;
const QString kDevice = u"Sensor1"_s;
const QString kRepository = u"Repo"_s;
const QString kLedger = u"Ledger"_s; // written through REST only
constexpr qint64 kFileSize = 8 * 1024 * 1024 + 12345;
constexpr int kEdgeInFlight = 4;
constexpr int kWaitMs = 30000;

// "ok", or what SQLite's integrity check found, on a copy of the database
// (with its write-ahead log) opened read-only.
QString sqliteIntegrityOfCopy(const QString &dataDir, const QString &copyDir)
{
    for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s}) {
        const QString from = dataDir + u"/bulwark.db"_s + suffix;
        const QString to = copyDir + u"/bulwark.db"_s + suffix;
        QFile::remove(to);
        if (QFileInfo::exists(from) && !QFile::copy(from, to))
            return u"cannot copy %1"_s.arg(from);
    }
    return sqliteIntegrity(copyDir + u"/bulwark.db"_s);
}

// Files in the repositories' directory that are not staging files: what a
// partial file left in view would be.
QStringList visibleRepositoryFiles(const QString &dataDir)
{
    QStringList found;
    QDirIterator it(dataDir + u"/repositories"_s, QDir::Files | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (!file.contains(u"/.staging/"_s))
            found.append(file);
    }
    return found;
}

// REST writes on two lanes, each one request after another: Things created
// ("Note-n"), and the Ledger's counter set to rising values (one after the
// other, so the last one answered is the newest). Only what was answered
// 2xx counts as acknowledged; a lane stops at the first request without an
// answer (the server is gone).
class RestLoad final
{
public:
    explicit RestLoad(const HeadlessServer &server)
        : m_server(server)
    {}

    void start()
    {
        m_network = std::make_unique<QNetworkAccessManager>();
        m_running = true;
        next(true);
        next(false);
    }
    void stop()
    {
        m_running = false;
        m_replies.clear();
        m_network.reset();
    }

    [[nodiscard]] int acknowledged() const { return int(created.size()) + puts; }

    QStringList created;     // Things answered 201
    qint64 counterAcked = 0; // the highest counter answered 2xx
    qint64 counterSent = 0;
    int puts = 0;

private:
    void next(bool create)
    {
        if (!m_running)
            return;
        const qint64 n = ++m_sequence;
        const QString name = u"Note-%1"_s.arg(n);
        Request request =
            create ? Request("POST", u"/api/Things"_s,
                             jsonBody({{"name"_L1, name}, {"description"_L1, u"load %1"_s.arg(n)}}),
                             "application/json")
                   : Request("PUT", u"/api/Things/Ledger/Properties/counter"_s,
                             jsonBody({{"value"_L1, n}}), "application/json");
        if (!create)
            counterSent = n;
        std::shared_ptr<QNetworkReply> reply = m_server.send(*m_network, request, kWaitMs);
        m_replies.append(reply);
        QObject::connect(reply.get(), &QNetworkReply::finished, reply.get(),
                         [this, reply = reply.get(), create, name, n] {
                             const Answer answer = HeadlessServer::answerOf(*reply);
                             const bool ok = answer.status >= 200 && answer.status < 300;
                             if (ok && create)
                                 created.append(name);
                             if (ok && !create) {
                                 counterAcked = qMax(counterAcked, n);
                                 ++puts;
                             }
                             if (answer.status == 0)
                                 m_running = false;
                             if (m_running)
                                 QTimer::singleShot(0, reply, [this, create] { next(create); });
                         });
    }

    const HeadlessServer &m_server;
    std::unique_ptr<QNetworkAccessManager> m_network;
    QList<std::shared_ptr<QNetworkReply>> m_replies;
    bool m_running = false;
    qint64 m_sequence = 0;
};

} // namespace

class TestFaultSigkill final : public QObject
{
    Q_OBJECT

private slots:
    void acknowledgedWritesAndTransferSurviveSigkill_data();
    void acknowledgedWritesAndTransferSurviveSigkill();
};

void TestFaultSigkill::acknowledgedWritesAndTransferSurviveSigkill_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("postgresql") << u"postgresql"_s;
}

void TestFaultSigkill::acknowledgedWritesAndTransferSurviveSigkill()
{
    QFETCH(QString, backend);
    HeadlessServer server;
    PostgresForTest postgres(server);
    if (backend == u"postgresql") {
        BULWARK_REQUIRE_POSTGRES(postgres);
        const QString error = postgres.prepare(u"bulwark_fault_sigkill"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    const bool sqlite = backend == u"sqlite";
    // Small chunks: the 8 MiB file is 129 chunks and checkpoints (a window
    // of 8 chunks each) come often, so the kills land mid-file.
    QVERIFY(server.writeConfig("[edge]\nwrite_timeout_seconds=5\ninvoke_timeout_seconds=5\n"
                               "[files]\nchunk_size_kb=64\n"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    server.setPort(server.port()); // the device reconnects to the same port
    QCOMPARE(server.request(Request("GET", u"/api/health"_s).withCredentials(std::nullopt))
                 .json()["storage"_L1]
                 .toString(),
             backend);

    RestSetup setup(server, kDevicePassword);
    setup.makeThing(kDevice, {}, thingMembers({typedProperty(u"seq"_s, u"INTEGER"_s)}, {}, {}));
    setup.makeThing(kLedger, {}, thingMembers({typedProperty(u"counter"_s, u"INTEGER"_s)}, {}, {}));
    setup.makeThing(kRepository, u"FileRepository"_s);
    makeDeviceUser(
        setup, u"dev"_s, kDevicePassword, {kDevice, kRepository},
        {u"Read"_s, u"Update"_s, u"PropertyRead"_s, u"PropertyWrite"_s, u"ServiceInvoke"_s});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));

    QTemporaryDir files;
    QVERIFY(files.isValid());
    const QString caFile = files.filePath(u"server-ca.pem"_s);
    {
        QFile ca(caFile);
        QVERIFY(ca.open(QIODevice::WriteOnly));
        QVERIFY(ca.write(server.certificate().toPem()) > 0);
    }
    const QString root = files.filePath(u"device"_s);
    QVERIFY(QDir().mkpath(root));
    QByteArray content(kFileSize, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(content.data()),
                                          content.size() / 4);
    {
        QFile file(root + u"/big.bin"_s);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }
    const QString md5 =
        QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex());
    const QString sha256 =
        QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
    QTemporaryDir copies;
    QVERIFY(copies.isValid());

    // The device: property updates and the file, one client.
    EdgeClient client;
    client.setServerUrl(server.url(u"/edge"_s, u"wss"_s));
    client.setUserCredentials(u"dev"_s, kDevicePassword);
    client.setCaFile(caFile);
    client.setReconnectDelays(50, 300);
    client.bindThing(kDevice, {{u"data"_s, root}});
    QList<BulwarkEdge::Error> errors;
    QObject::connect(&client, &EdgeClient::errorOccurred, &client,
                     [&](const BulwarkEdge::Error &e) { errors.append(e); });
    // What the device saw of each transfer, by id.
    QHash<QUuid, qint64> progress;
    QHash<QUuid, QList<qint64>> startedFrom; // bytes the device held at each start
    QSet<QUuid> finished;
    QHash<QUuid, QString> failures; // other than interruptions
    QObject::connect(
        &client, &EdgeClient::transferStarted, &client,
        [&](const BulwarkEdge::TransferInfo &t) { startedFrom[t.id].append(t.bytes); });
    QObject::connect(&client, &EdgeClient::transferProgress, &client,
                     [&](const BulwarkEdge::TransferInfo &t) { progress[t.id] = t.bytes; });
    QObject::connect(&client, &EdgeClient::transferFinished, &client,
                     [&](const BulwarkEdge::TransferInfo &t) { finished.insert(t.id); });
    QObject::connect(&client, &EdgeClient::transferFailed, &client,
                     [&](const BulwarkEdge::TransferInfo &t, const BulwarkEdge::Error &e) {
                         // Interrupted by the kill: the platform resumes it.
                         if (e.code != BulwarkEdge::ErrorCode::ConnectionFailed)
                             failures[t.id] = e.message;
                     });
    const auto waitFor = [&](const std::function<bool()> &condition) {
        SignalWaiter waiter(kWaitMs);
        waiter.wakeOn(&client, &EdgeClient::stateChanged);
        waiter.wakeOn(&client, &EdgeClient::transferProgress);
        waiter.wakeOn(&client, &EdgeClient::transferFinished);
        waiter.wakeOn(&client, &EdgeClient::transferFailed);
        waiter.wakeOn(&client, &EdgeClient::updateAcknowledged);
        QTimer tick; // REST answers arrive on their own objects
        tick.start(20);
        waiter.wakeOn(&tick, &QTimer::timeout);
        return waiter.waitFor(condition);
    };

    // Edge load: kEdgeInFlight updates of "seq" in flight, rising values.
    qint64 edgeSent = 0;
    qint64 edgeAcked = 0;
    int edgeInFlight = 0;
    bool edgeRunning = false;
    std::function<void()> pushEdge = [&] {
        while (edgeRunning && edgeInFlight < kEdgeInFlight) {
            const qint64 n = ++edgeSent;
            ++edgeInFlight;
            client.updateProperties(
                kDevice, {{u"seq"_s, n, {}, {}}},
                [&, n](const BulwarkEdge::UpdateResult &r, const BulwarkEdge::Error *error) {
                    --edgeInFlight;
                    if (!error && r.accepted + r.stale == 1)
                        edgeAcked = qMax(edgeAcked, n);
                    QTimer::singleShot(0, &client, [&] { pushEdge(); });
                });
        }
    };
    RestLoad rest(server);
    const auto startLoad = [&] {
        edgeRunning = true;
        pushEdge();
        rest.start();
    };

    client.connectToServer();
    QVERIFY2(waitFor([&] { return client.state() == EdgeClient::State::Connected; }),
             qPrintable(errors.isEmpty() ? u"not connected"_s : errors.last().message));
    startLoad();
    QVERIFY(waitFor([&] { return edgeAcked >= 5 && rest.acknowledged() >= 5; }));

    // One kill of the server under load once `transfer` has moved killAt
    // bytes, the checks, the restart and the device's return; the transfer
    // then resumes from what its receiver kept. `visible`: the repository's
    // files expected on disk (committed ones); `partial`: a device file that
    // must not exist yet.
    int kills = 0;
    const auto killRound = [&](const QUuid &transfer, qint64 killAt, int resumesBefore,
                               qsizetype visible, const QString &partial) {
        const QString where = u"kill %1: "_s.arg(++kills);
        QVERIFY2(waitFor([&] {
                     return progress.value(transfer) >= killAt || finished.contains(transfer) ||
                            failures.contains(transfer);
                 }),
                 qPrintable(where + u"the transfer did not progress"_s));
        QVERIFY2(!failures.contains(transfer), qPrintable(where + failures.value(transfer)));
        QVERIFY2(!finished.contains(transfer),
                 qPrintable(where + u"the transfer finished before the kill"_s));
        const qint64 edgeAckedBefore = edgeAcked;
        const qint64 counterAckedBefore = rest.counterAcked;
        const QStringList createdBefore = rest.created;
        const qint64 counterSentBefore = rest.counterSent;
        const qint64 edgeSentBefore = edgeSent;
        QVERIFY(server.kill());
        qInfo().noquote() << u"%1at byte %2 of the file, %3 edge updates acknowledged (%4 sent), "
                             "%5 Things created and %6 property writes answered through REST"_s
                                 .arg(where)
                                 .arg(progress.value(transfer))
                                 .arg(edgeAckedBefore)
                                 .arg(edgeSentBefore)
                                 .arg(createdBefore.size())
                                 .arg(rest.puts);
        edgeRunning = false;
        rest.stop();
        // The device stays away until the state after the restart is seen.
        client.disconnectFromServer();

        if (sqlite)
            QCOMPARE(sqliteIntegrityOfCopy(server.dataDir(), copies.path()), u"ok"_s);
        const QStringList files = visibleRepositoryFiles(server.dataDir());
        QVERIFY2(files.size() == visible, qPrintable(where + files.join(u", "_s)));
        if (!partial.isEmpty())
            QVERIFY2(!QFileInfo::exists(partial), qPrintable(where + partial));

        QVERIFY2(server.start(), qPrintable(where + server.errorString()));
        // Every acknowledged write is there (a later one sent may be too).
        const qint64 seq =
            server.get(u"/api/Things/Sensor1/Properties/seq"_s).json()["value"_L1].toInteger(-1);
        QVERIFY2(seq >= edgeAckedBefore && seq <= edgeSentBefore,
                 qPrintable(where + u"seq is %1; acknowledged %2, sent %3"_s.arg(seq)
                                        .arg(edgeAckedBefore)
                                        .arg(edgeSentBefore)));
        const qint64 counter =
            server.get(u"/api/Things/Ledger/Properties/counter"_s).json()["value"_L1].toInteger(-1);
        QVERIFY2(counter >= counterAckedBefore && counter <= counterSentBefore,
                 qPrintable(where + u"counter is %1; acknowledged %2, sent %3"_s.arg(counter)
                                        .arg(counterAckedBefore)
                                        .arg(counterSentBefore)));
        for (const QString &name : createdBefore)
            QVERIFY2(server.get(u"/api/Things/"_s + name).status == 200,
                     qPrintable(where + name + u" was created (201) and is gone"_s));
        // The transfer: interrupted by the restart, waiting for its device.
        const QJsonObject state =
            server.get(u"/api/Transfers/"_s + transfer.toString(QUuid::WithoutBraces)).json();
        QCOMPARE(state["state"_L1].toString(), u"queued"_s);
        QCOMPARE(state["interrupted"_L1].toString(), u"server-restart"_s);
        QCOMPARE(state["waiting"_L1].toString(), u"device not connected"_s);
        QCOMPARE(state["resumes"_L1].toInt(), resumesBefore);
        // The size, once saved (before any chunk is acknowledged, for an upload).
        QVERIFY2(state["size"_L1].isNull() || state["size"_L1].toInteger() == kFileSize,
                 qPrintable(where + QString::fromUtf8(jsonBody(state))));

        // The device comes back; the load goes on.
        const qsizetype starts = startedFrom.value(transfer).size();
        client.connectToServer();
        QVERIFY(waitFor([&] { return client.state() == EdgeClient::State::Connected; }));
        startLoad();
        QVERIFY2(waitFor([&] {
                     return startedFrom.value(transfer).size() > starts ||
                            failures.contains(transfer);
                 }),
                 qPrintable(where + u"the transfer did not resume"_s));
        QVERIFY2(!failures.contains(transfer), qPrintable(where + failures.value(transfer)));
        // Resumed from what the receiver kept, not from the start.
        QVERIFY2(startedFrom.value(transfer).last() > 0,
                 qPrintable(where + u"the transfer started over from byte 0"_s));
    };
    const auto completes = [&](const QUuid &transfer) {
        QVERIFY2(
            waitFor([&] { return finished.contains(transfer) || failures.contains(transfer); }),
            "the transfer did not complete");
        QVERIFY2(!failures.contains(transfer), qPrintable(failures.value(transfer)));
        // The device has its answer; the server ends the transfer as it hears it.
        QJsonObject done;
        QVERIFY(waitFor([&] {
            done =
                server.get(u"/api/Transfers/"_s + transfer.toString(QUuid::WithoutBraces)).json();
            return done["state"_L1].toString() != u"verifying";
        }));
        QCOMPARE(done["state"_L1].toString(), u"done"_s);
        QCOMPARE(done["md5"_L1].toString(), md5);
        QCOMPARE(done["sha256"_L1].toString(), sha256);
        QCOMPARE(done["bytes"_L1].toInteger(), kFileSize);
        QVERIFY(!done.contains("interrupted"_L1));
    };

    // Device -> repository, killed at a quarter and at two thirds of the file.
    QUuid upload;
    QString uploadRefused;
    client.uploadFile(kDevice, u"data/big.bin"_s, kRepository, u"in/big.bin"_s,
                      BulwarkEdge::OverwritePolicy::KeepExisting,
                      [&](const QUuid &id, const BulwarkEdge::Error *error) {
                          if (error)
                              uploadRefused = error->message;
                          upload = id;
                      });
    QVERIFY(waitFor([&] { return !upload.isNull() || !uploadRefused.isEmpty(); }));
    QVERIFY2(uploadRefused.isEmpty(), qPrintable(uploadRefused));
    const QString partialInRepository = u"in/big.bin"_s;
    for (int round = 0; round < 2; ++round) {
        killRound(upload, round == 0 ? kFileSize / 4 : kFileSize * 2 / 3, round, 0, {});
        if (QTest::currentTestFailed())
            return;
        // No file in the repository through REST either.
        QCOMPARE(server.get(u"/api/Things/Repo/Files/Content?path=in/big.bin"_s).status, 404);
        const Answer listing = server.get(u"/api/Things/Repo/Files"_s);
        QVERIFY2(!listing.body.contains("big.bin") && !listing.body.contains(".part") &&
                     !listing.body.contains(".staging"),
                 listing.body.constData());
    }
    completes(upload);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(server.get(u"/api/Transfers/"_s + upload.toString(QUuid::WithoutBraces))
                 .json()["resumes"_L1]
                 .toInt(),
             2);
    const Answer stored = server.get(u"/api/Things/Repo/Files/Content?path=in/big.bin"_s);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.header("X-Bulwark-SHA256"), sha256.toLatin1());
    QCOMPARE(stored.header("X-Bulwark-MD5"), md5.toLatin1());
    QVERIFY(stored.body == content);

    // Repository -> device (asked through REST), killed at a third.
    const Answer asked = server.post(
        u"/api/Transfers"_s,
        {{"source"_L1, QJsonObject{{"thing"_L1, kRepository}, {"path"_L1, "in/big.bin"_L1}}},
         {"target"_L1, QJsonObject{{"thing"_L1, kDevice}, {"path"_L1, "data/copy.bin"_L1}}}});
    QCOMPARE(asked.status, 202);
    const QUuid download = QUuid::fromString(asked.json()["id"_L1].toString());
    killRound(download, kFileSize / 3, 0, 1, root + u"/copy.bin"_s);
    if (QTest::currentTestFailed())
        return;
    completes(download);
    if (QTest::currentTestFailed())
        return;
    {
        QFile copy(root + u"/copy.bin"_s);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QVERIFY(copy.readAll() == content);
    }
    // Only the two files: no staging file is left on either side.
    QCOMPARE(QDir(root).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
             (QStringList{u"big.bin"_s, u"copy.bin"_s}));
    QDirIterator staging(server.dataDir() + u"/repositories"_s, {u"*.part"_s}, QDir::Files,
                         QDirIterator::Subdirectories);
    QVERIFY2(!staging.hasNext(), qPrintable(staging.hasNext() ? staging.next() : QString()));

    // Some more load, then everything settles.
    const int restBefore = rest.acknowledged();
    QVERIFY(waitFor([&] { return rest.acknowledged() >= restBefore + 3; }));
    edgeRunning = false;
    rest.stop();
    QVERIFY(waitFor([&] { return edgeInFlight == 0; }));
    client.disconnectFromServer();
    QCOMPARE(server.stop(), 0);
    if (sqlite)
        QCOMPARE(sqliteIntegrityOfCopy(server.dataDir(), copies.path()), u"ok"_s);
}

QTEST_GUILESS_MAIN(TestFaultSigkill)
#include "tst_fault_sigkill.moc"
