// File transfers when the database cannot be written (issue 7: nothing is
// acknowledged that is not durable). The SQLite database lives on a small
// tmpfs of its own, which a filler file fills up:
//  - a transfer asked for over REST is refused with 503 `unavailable`
//    saying the transfer was not started and that the disk is full, and is
//    not listed; the transfers accepted before are;
//  - a cancellation that cannot be saved is not answered 200 either;
//  - once the filler is deleted, transfers are accepted again without a
//    restart.
// Mounting needs root (CI runs as root); without it the test is skipped
// (outside CI).
#include "FaultFixture.h"
#include "Tmpfs.h"

#include <QTest>

using namespace BulwarkTest;

namespace {

const QString kRepository = u"Repo"_s;
const QStringList kDevices{u"Pump1"_s, u"Pump2"_s, u"Pump3"_s};

// An upload from device (logs/nameN.bin) into the repository.
Answer askUpload(const HeadlessServer &server, const QString &device, int n)
{
    return server.post(
        u"/api/Transfers"_s,
        QJsonObject{
            {"source"_L1, QJsonObject{{"thing"_L1, device}, {"path"_L1, u"logs/f%1.bin"_s.arg(n)}}},
            {"target"_L1,
             QJsonObject{{"thing"_L1, kRepository}, {"path"_L1, u"up/f%1.bin"_s.arg(n)}}}});
}

QStringList listedIds(const HeadlessServer &server)
{
    QStringList ids;
    const QJsonArray items = server.get(u"/api/Transfers"_s).json()["items"_L1].toArray();
    for (const QJsonValue &item : items)
        ids.append(item["id"_L1].toString());
    return ids;
}

} // namespace

class FaultTransfersTest final : public QObject
{
    Q_OBJECT

private slots:
    void notSavedNotAccepted();
};

void FaultTransfersTest::notSavedNotAccepted()
{
    TmpfsMount volume(2048);
    if (!volume.isMounted())
        SKIP_OR_FAIL_WITHOUT_MOUNT(volume.error());
    const QString databaseFile = volume.path() + u"/bulwark.db"_s;

    HeadlessServer server;
    server.setExtraArguments({u"--database"_s, u"sqlite:"_s + databaseFile});
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    RestSetup setup(server, kAdminPassword);
    setup.makeThing(kRepository, u"FileRepository"_s);
    for (const QString &device : kDevices)
        setup.makeThing(device);
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));

    // The first transfer also gives the repository its id (a write).
    int n = 0;
    QStringList accepted;
    const Answer first = askUpload(server, kDevices.first(), n++);
    QVERIFY2(first.status == 202,
             qPrintable(u"%1 %2"_s.arg(first.status).arg(QString::fromUtf8(first.body))));
    accepted.append(first.json()["id"_L1].toString());

    // The disk fills up: SQLite may fit a few more rows into pages it has;
    // transfers are asked for until one is refused.
    const QString filler = volume.path() + u"/filler"_s;
    QVERIFY(fillUp(filler) > 0);
    Answer refused;
    for (int i = 0; i < 250 && refused.status == 0; ++i) {
        const Answer answer = askUpload(server, kDevices.at(n % kDevices.size()), n);
        ++n;
        QVERIFY2(
            answer.status == 202 || answer.status == 503,
            qPrintable(u"a transfer asked for on a full disk answered %1 %2"_s.arg(answer.status)
                           .arg(QString::fromUtf8(answer.body))));
        if (answer.status == 202)
            accepted.append(answer.json()["id"_L1].toString());
        else
            refused = answer;
    }
    QVERIFY2(refused.status == 503, "no transfer was refused although the disk is full");
    QCOMPARE(refused.errorCode(), u"unavailable"_s);
    QVERIFY2(refused.errorMessage().contains(u"not started"_s) &&
                 refused.errorMessage().contains(u"disk is full"_s),
             qPrintable(refused.errorMessage()));
    // Only the accepted transfers are known.
    QStringList listed = listedIds(server);
    listed.sort();
    accepted.sort();
    QCOMPARE(listed, accepted);

    // A cancellation on the full disk: answered 200 only once saved.
    const Answer cancel = server.post(u"/api/Transfers/%1/Cancel"_s.arg(accepted.first()), {});
    QVERIFY2(cancel.status == 200 || cancel.status == 503,
             qPrintable(u"%1 %2"_s.arg(cancel.status).arg(QString::fromUtf8(cancel.body))));
    if (cancel.status == 503)
        QVERIFY2(cancel.errorMessage().contains(u"could not be saved"_s) &&
                     cancel.errorMessage().contains(u"disk is full"_s),
                 qPrintable(cancel.errorMessage()));

    // Space is freed: transfers are accepted again, without a restart.
    QVERIFY(QFile::remove(filler));
    const Answer again = askUpload(server, kDevices.last(), n++);
    QVERIFY2(again.status == 202,
             qPrintable(u"%1 %2"_s.arg(again.status).arg(QString::fromUtf8(again.body))));
    QVERIFY(listedIds(server).contains(again.json()["id"_L1].toString()));
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(FaultTransfersTest)
#include "tst_fault_transfers.moc"
