// Storage faults with SQLite (issue 7, docs/operations.md "Faults and
// recovery"): the database lives on a small tmpfs of its own.
//  - Disk full: a filler file takes the rest of the tmpfs while a device and
//    a REST client write. Writes are refused (REST 503, edge an `unavailable`
//    error naming the full disk), never acknowledged; reads and the health
//    check go on; once the filler is deleted, writes succeed again without a
//    restart; every acknowledged value is there, no refused one, and SQLite's
//    integrity check passes.
//  - Read-only database: the tmpfs is remounted read-only while the server
//    is stopped (a live read-write file system cannot be made read-only
//    under an open database: the kernel refuses with EBUSY), and the server
//    is started on it: it must refuse to start and say why, or serve reads
//    and refuse writes with 503; after a remount read-write it works again.
// Mounting needs root (CI runs as root); without it the test is skipped
// (outside CI).
#include "DatabaseChecks.h"
#include "FaultFixture.h"
#include "Tmpfs.h"

#include <QDir>
#include <QScopeGuard>
#include <QTest>

using namespace BulwarkTest;

class FaultStorageTest final : public QObject
{
    Q_OBJECT

private slots:
    void diskFull();
    void readOnlyDatabase();
};

void FaultStorageTest::diskFull()
{
    TmpfsMount volume(2048);
    if (!volume.isMounted())
        SKIP_OR_FAIL_WITHOUT_MOUNT(volume.error());
    const QString databaseFile = volume.path() + u"/bulwark.db"_s;

    HeadlessServer server;
    server.setExtraArguments({u"--database"_s, u"sqlite:"_s + databaseFile});
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QString scene = makeFaultThing(server);
    QVERIFY2(scene.isEmpty(), qPrintable(scene));

    WriteLedger rest{kRestThing};
    WriteLedger edge{kFaultThing};
    FaultDevice device(server);
    const QString opened = device.open();
    QVERIFY2(opened.isEmpty(), qPrintable(opened));
    const Answer first = restWrite(server, rest);
    QVERIFY2(first.status == 200,
             qPrintable(u"%1 %2 %3\n%4"_s.arg(first.status)
                            .arg(first.networkError, QString::fromUtf8(first.body), server.log())));
    QCOMPARE(device.update(edge).value("type"_L1).toString(), u"result"_s);

    // The disk fills up. SQLite may still fit a few commits into pages it
    // already has; the writes go on until one is refused.
    const QString filler = volume.path() + u"/filler"_s;
    QVERIFY(fillUp(filler) > 0);
    Answer refused;
    QJsonObject edgeRefused;
    for (int i = 0; i < 400 && (refused.status == 0 || edgeRefused.isEmpty()); ++i) {
        if (refused.status == 0) {
            const Answer answer = restWrite(server, rest);
            QVERIFY2(answer.status == 200 || answer.status == 503,
                     qPrintable(u"a REST write on a full disk answered %1 %2"_s.arg(answer.status)
                                    .arg(QString::fromUtf8(answer.body))));
            if (answer.status == 503)
                refused = answer;
        }
        if (edgeRefused.isEmpty()) {
            const QJsonObject answer = device.update(edge);
            QVERIFY2(!answer.isEmpty(), "an edge update on a full disk was not answered");
            if (answer.value("type"_L1) != "result"_L1)
                edgeRefused = answer;
        }
    }
    QVERIFY2(refused.status == 503, "no REST write was refused although the disk is full");
    QCOMPARE(refused.errorCode(), u"unavailable"_s);
    QVERIFY2(refused.errorMessage().contains(u"disk is full"_s),
             qPrintable(refused.errorMessage()));
    QVERIFY(!refused.header("Retry-After").isEmpty());
    QVERIFY2(!edgeRefused.isEmpty(), "no edge update was refused although the disk is full");
    QCOMPARE(errorCodeOf(edgeRefused), u"unavailable"_s);
    QVERIFY2(errorMessageOf(edgeRefused).contains(u"disk is full"_s),
             qPrintable(errorMessageOf(edgeRefused)));

    // Still full: reads, the health check and another client are served.
    QCOMPARE(server.get(u"/api/health"_s).status, 200);
    QCOMPARE(server.get(u"/api/Things/%1"_s.arg(kFaultThing)).status, 200);
    QCOMPARE(restWrite(server, rest).status, 503);
    const QString whileFull = rest.checkStored(server) + edge.checkStored(server);
    QVERIFY2(whileFull.isEmpty(), qPrintable(whileFull));

    // Space is freed: writes succeed again, without a restart.
    QVERIFY(QFile::remove(filler));
    QCOMPARE(restWrite(server, rest).status, 200);
    const QJsonObject again = device.update(edge);
    QVERIFY2(again.value("type"_L1) == "result"_L1, qPrintable(QString::fromUtf8(jsonBody(again))));
    const QString afterFree = rest.checkStored(server) + edge.checkStored(server);
    QVERIFY2(afterFree.isEmpty(), qPrintable(afterFree));

    // The log says what happened and never holds the password.
    QVERIFY2(server.log().contains(u"disk is full"_s), qPrintable(server.log()));
    QVERIFY(!server.log().contains(kAdminPassword));

    // After a restart every acknowledged value is still there, and the
    // database is sound.
    QCOMPARE(server.stop(), 0);
    QCOMPARE(sqliteIntegrity(databaseFile), u"ok"_s);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const QString afterRestart = rest.checkStored(server) + edge.checkStored(server);
    QVERIFY2(afterRestart.isEmpty(), qPrintable(afterRestart));
    QCOMPARE(server.stop(), 0);
}

void FaultStorageTest::readOnlyDatabase()
{
    TmpfsMount volume(8192);
    if (!volume.isMounted())
        SKIP_OR_FAIL_WITHOUT_MOUNT(volume.error());
    const QString databaseFile = volume.path() + u"/bulwark.db"_s;

    HeadlessServer server;
    server.setExtraArguments({u"--database"_s, u"sqlite:"_s + databaseFile});
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(makeFaultThing(server).isEmpty());
    WriteLedger rest{kRestThing};
    WriteLedger edge{kFaultThing};
    QCOMPARE(restWrite(server, rest).status, 200);
    QCOMPARE(server.stop(), 0);

    // Nothing has the database open now, so the kernel lets the file system
    // go read-only (root ignores file modes, so chmod would not do).
    const QString readOnly = volume.remount(u"ro"_s);
    QVERIFY2(readOnly.isEmpty(), qPrintable(readOnly));
    auto writable = qScopeGuard([&] { (void)volume.remount(u"rw"_s); });

    if (server.start()) {
        // Serving: reads work, writes are refused with what to do.
        const QString stored = rest.checkStored(server) + edge.checkStored(server);
        QVERIFY2(stored.isEmpty(), qPrintable(stored));
        const Answer answer = restWrite(server, rest);
        QCOMPARE(answer.status, 503);
        QVERIFY2(answer.errorMessage().contains(u"read-only"_s), qPrintable(answer.errorMessage()));
        QCOMPARE(server.stop(), 0);
    } else {
        // Refused to start: the output names the database and the cause.
        const QString log = server.log();
        QVERIFY2(log.contains(u"read-only"_s) || log.contains(u"readonly"_s), qPrintable(log));
        QVERIFY2(log.contains(databaseFile), qPrintable(log));
        QVERIFY(!log.contains(kAdminPassword));
    }

    // Writable again: the server starts (or goes on) and writes work.
    QVERIFY(volume.remount(u"rw"_s).isEmpty());
    writable.dismiss();
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QCOMPARE(restWrite(server, rest).status, 200);
    const QString stored = rest.checkStored(server) + edge.checkStored(server);
    QVERIFY2(stored.isEmpty(), qPrintable(stored));
    QCOMPARE(server.stop(), 0);
    QCOMPARE(sqliteIntegrity(databaseFile), u"ok"_s);
}

QTEST_GUILESS_MAIN(FaultStorageTest)
#include "tst_fault_storage.moc"
