// The audit log over REST and its chain check, end to end: every write is
// recorded with actor, source address, entity and outcome (failed and
// refused writes too); GET /api/Audit filters and pages for administrators
// only and names a bad parameter; GET /api/Audit/Verify and
// `bulwark --verify-audit` both notice a record edited in the database.
#include "HeadlessServer.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace BulwarkTest;

namespace {

const QString kAuditor = u"auditor"_s;
const QString kAuditorPassword = u"quartz-Meadow-signal-58"_s;

struct Page
{
    int status = 0;
    QJsonArray items;
    qint64 total = -1;
    QString message;
};

Page audit(const HeadlessServer &server, const QString &query,
           const std::optional<Credentials> &as = Credentials{kAdministrator, kAdminPassword})
{
    const Answer answer =
        server.request(Request("GET", query.isEmpty() ? u"/api/Audit"_s : u"/api/Audit?"_s + query)
                           .withCredentials(as));
    const QJsonObject json = answer.json();
    return {answer.status, json.value("items"_L1).toArray(),
            json.contains("total"_L1) ? qint64(json.value("total"_L1).toDouble()) : -1,
            answer.errorMessage()};
}

// The newest record of this actor whose entity and action are these.
QJsonObject newest(const HeadlessServer &server, const QString &actor, const QString &entity,
                   const QString &action)
{
    const Page page =
        audit(server, u"actor="_s + actor + u"&entity="_s + entity + u"&limit=1000"_s);
    for (const QJsonValue &value : page.items) {
        const QJsonObject record = value.toObject();
        if (record.value("entity"_L1).toString() == entity &&
            record.value("action"_L1).toString() == action)
            return record;
    }
    return {};
}

// A UTC time from today.
bool timeOfRecordIsValid(const QJsonObject &record)
{
    const QDateTime time =
        QDateTime::fromString(record.value("time"_L1).toString(), Qt::ISODateWithMs);
    return time.isValid() && time.secsTo(QDateTime::currentDateTimeUtc()) < 24 * 60 * 60 &&
           time.timeSpec() == Qt::UTC;
}

struct Cli
{
    int exitCode = -1;
    QString out;
    QString err;
};

Cli verifyAuditCli(const QString &dataDir)
{
    QProcess process;
    process.start(qEnvironmentVariable("BULWARK_BINARY"),
                  {u"--verify-audit"_s, u"--data-dir"_s, dataDir});
    Cli cli;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        cli.err = u"bulwark --verify-audit did not finish"_s;
        return cli;
    }
    cli.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    cli.out = QString::fromUtf8(process.readAllStandardOutput());
    cli.err = QString::fromUtf8(process.readAllStandardError());
    return cli;
}

} // namespace

class TestAuditRest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyWriteIsAudited();
    void filters();
    void paging();
    void badParameters_data();
    void badParameters();
    void administratorsOnly();
    void verifyIntact();
    void tamperingIsDetected();

private:
    std::unique_ptr<HeadlessServer> m_server;
};

void TestAuditRest::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig("[passwords]\nargon2_memory_kib=8192\nargon2_iterations=1\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const Answer auditor =
        m_server->post(u"/api/Users"_s, {{"name"_L1, kAuditor}, {"password"_L1, kAuditorPassword}});
    QVERIFY2(auditor.status == 201, auditor.body.constData());
}

void TestAuditRest::everyWriteIsAudited()
{
    HeadlessServer &server = *m_server;
    QCOMPARE(server.post(u"/api/Things"_s, {{"name"_L1, "Pump1"_L1}}).status, 201);
    const Answer duplicate = server.post(u"/api/Things"_s, {{"name"_L1, "Pump1"_L1}});
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(server.post(u"/api/Things"_s, {{"name"_L1, "Pump10"_L1}}).status, 201);
    QCOMPARE(server.put(u"/api/Things/Pump1"_s, {{"description"_L1, "Main pump"_L1}}).status, 200);
    QCOMPARE(server.remove(u"/api/Things/Pump10"_s).status, 204);
    QCOMPARE(server.post(u"/api/Groups"_s, {{"name"_L1, "Auditors"_L1}}).status, 201);
    // Refused: the auditor is no administrator.
    const Answer refused = server.request(
        Request("POST", u"/api/Things"_s, jsonBody({{"name"_L1, "Pump2"_L1}}), "application/json")
            .withCredentials(Credentials{kAuditor, kAuditorPassword}));
    QCOMPARE(refused.status, 403);

    struct Expected
    {
        QString entity;
        QString action;
        QString actor;
        QString category;
        QString outcome;
        int status;
    };
    const QList<Expected> expected{
        {u"Users"_s, u"create"_s, kAdministrator, u"user"_s, u"success"_s, 201},
        {u"Things"_s, u"create"_s, kAdministrator, u"thing"_s, u"success"_s, 201},
        {u"Things/Pump1"_s, u"update"_s, kAdministrator, u"thing"_s, u"success"_s, 200},
        {u"Things/Pump10"_s, u"delete"_s, kAdministrator, u"thing"_s, u"success"_s, 204},
        {u"Groups"_s, u"create"_s, kAdministrator, u"group"_s, u"success"_s, 201},
    };
    for (const Expected &e : expected) {
        const QJsonObject record = newest(server, e.actor, e.entity, e.action);
        QVERIFY2(!record.isEmpty(), qPrintable(e.entity + u' ' + e.action));
        QCOMPARE(record.value("actor"_L1).toString(), e.actor);
        QCOMPARE(record.value("source"_L1).toString(), u"127.0.0.1"_s);
        QCOMPARE(record.value("category"_L1).toString(), e.category);
        QCOMPARE(record.value("outcome"_L1).toString(), e.outcome);
        QCOMPARE(record.value("details"_L1).toObject().value("status"_L1).toInt(), e.status);
        QVERIFY(timeOfRecordIsValid(record));
    }

    // The failed and the refused write are there too, with the reason.
    const Page things = audit(server, u"entity=Things&limit=1000"_s);
    QCOMPARE(things.status, 200);
    QJsonObject conflict;
    QJsonObject denied;
    int creates = 0;
    for (const QJsonValue &value : things.items) {
        const QJsonObject record = value.toObject();
        if (record.value("entity"_L1).toString() != u"Things")
            continue;
        ++creates;
        if (record.value("outcome"_L1).toString() == u"failure")
            conflict = record;
        if (record.value("outcome"_L1).toString() == u"denied")
            denied = record;
    }
    QCOMPARE(creates, 4); // Pump1, Pump10, the duplicate, the refused one
    QCOMPARE(conflict.value("actor"_L1).toString(), kAdministrator);
    QCOMPARE(conflict.value("source"_L1).toString(), u"127.0.0.1"_s);
    QCOMPARE(conflict.value("details"_L1).toObject().value("status"_L1).toInt(), 409);
    QCOMPARE(conflict.value("details"_L1).toObject().value("error"_L1).toString(), u"conflict"_s);
    QCOMPARE(denied.value("actor"_L1).toString(), kAuditor);
    QCOMPARE(denied.value("details"_L1).toObject().value("status"_L1).toInt(), 403);
}

void TestAuditRest::filters()
{
    HeadlessServer &server = *m_server;
    const Page all = audit(server, u"limit=1000"_s);
    QCOMPARE(all.status, 200);
    QCOMPARE(all.total, qint64(all.items.size()));
    QVERIFY2(all.total >= 10, "too few records to filter");

    // Each filter: only matching records, and all of them.
    const auto check = [&](const QString &query,
                           const std::function<bool(const QJsonObject &)> &matches) {
        const Page page = audit(server, query + u"&limit=1000"_s);
        QVERIFY2(page.status == 200, qPrintable(page.message));
        qint64 expected = 0;
        for (const QJsonValue &value : all.items)
            expected += matches(value.toObject()) ? 1 : 0;
        QVERIFY2(expected > 0, qPrintable(u"nothing to find with "_s + query));
        QVERIFY2(expected < all.total, qPrintable(u"everything matches "_s + query));
        QCOMPARE(page.total, expected);
        QCOMPARE(page.items.size(), expected);
        for (const QJsonValue &value : page.items)
            QVERIFY2(matches(value.toObject()),
                     QJsonDocument(value.toObject()).toJson().constData());
    };
    check(u"category=thing"_s,
          [](const QJsonObject &r) { return r.value("category"_L1).toString() == u"thing"; });
    check(u"actor=auditor"_s,
          [](const QJsonObject &r) { return r.value("actor"_L1).toString() == u"auditor"; });
    check(u"outcome=failure"_s,
          [](const QJsonObject &r) { return r.value("outcome"_L1).toString() == u"failure"; });
    // An entity and what is below it, but not a longer name.
    check(u"entity=Things/Pump1"_s, [](const QJsonObject &r) {
        const QString entity = r.value("entity"_L1).toString();
        return entity == u"Things/Pump1" || entity.startsWith(u"Things/Pump1/");
    });
    const Page pump1 = audit(server, u"entity=Things/Pump1"_s);
    for (const QJsonValue &value : pump1.items)
        QVERIFY(value.toObject().value("entity"_L1).toString() != u"Things/Pump10");
    check(u"category=thing&outcome=success&actor=Administrator"_s, [](const QJsonObject &r) {
        return r.value("category"_L1).toString() == u"thing" &&
               r.value("outcome"_L1).toString() == u"success" &&
               r.value("actor"_L1).toString() == u"Administrator";
    });

    // A time range, inclusive at both ends, by the records' own times.
    const QString middle =
        all.items.at(all.items.size() / 2).toObject().value("time"_L1).toString();
    const QString oldest = all.items.last().toObject().value("time"_L1).toString();
    const QDateTime middleTime = QDateTime::fromString(middle, Qt::ISODateWithMs);
    QVERIFY(middleTime.isValid());
    const auto timeOf = [](const QJsonObject &r) {
        return QDateTime::fromString(r.value("time"_L1).toString(), Qt::ISODateWithMs);
    };
    check(u"from="_s + middle, [&](const QJsonObject &r) { return timeOf(r) >= middleTime; });
    check(u"to="_s + middle, [&](const QJsonObject &r) { return timeOf(r) <= middleTime; });
    check(u"from="_s + oldest + u"&to="_s + middle, [&](const QJsonObject &r) {
        return timeOf(r) <= middleTime &&
               timeOf(r) >= QDateTime::fromString(oldest, Qt::ISODateWithMs);
    });
    // An offset instead of Z means the same instant.
    const QString shifted = middleTime.toOffsetFromUtc(3600).toString(Qt::ISODateWithMs);
    QVERIFY(shifted.endsWith(u"+01:00"));
    const Page same = audit(server, u"from="_s + QString(shifted).replace(u"+"_s, u"%2B"_s));
    QVERIFY2(same.status == 200, qPrintable(same.message));
    QCOMPARE(same.total, audit(server, u"from="_s + middle).total);
    // Nothing in the future.
    const Page future =
        audit(server,
              u"from="_s + QDateTime::currentDateTimeUtc().addDays(1).toString(Qt::ISODateWithMs));
    QCOMPARE(future.status, 200);
    QCOMPARE(future.total, 0);
    QVERIFY(future.items.isEmpty());
}

void TestAuditRest::paging()
{
    HeadlessServer &server = *m_server;
    const Page all = audit(server, u"limit=1000"_s);
    QVERIFY(all.total >= 6);
    // Newest first.
    for (qsizetype i = 1; i < all.items.size(); ++i)
        QVERIFY(all.items.at(i - 1).toObject().value("id"_L1).toDouble() >
                all.items.at(i).toObject().value("id"_L1).toDouble());

    const Page first = audit(server, u"limit=2"_s);
    const Page second = audit(server, u"limit=2&offset=2"_s);
    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 200);
    QCOMPARE(first.total, all.total);
    QCOMPARE(second.total, all.total);
    QCOMPARE(first.items.size(), 2);
    QCOMPARE(second.items.size(), 2);
    for (int i = 0; i < 4; ++i)
        QCOMPARE((i < 2 ? first : second).items.at(i % 2).toObject().value("id"_L1),
                 all.items.at(i).toObject().value("id"_L1));
    // The last page is short; beyond it, an empty page with the total.
    const Page last = audit(server, u"limit=4&offset=%1"_s.arg(all.total - 3));
    QCOMPARE(last.items.size(), 3);
    const Page beyond = audit(server, u"offset=%1"_s.arg(all.total + 10));
    QCOMPARE(beyond.status, 200);
    QVERIFY(beyond.items.isEmpty());
    QCOMPARE(beyond.total, all.total);
    // Without a limit, a page of 100 at most.
    const QJsonObject plain = m_server->get(u"/api/Audit"_s).json();
    QCOMPARE(plain.value("limit"_L1).toInt(), 100);
    QCOMPARE(plain.value("offset"_L1).toInt(), 0);
}

void TestAuditRest::badParameters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("names");
    QTest::newRow("unknown") << u"colour=red"_s << u"'colour'"_s;
    QTest::newRow("category") << u"category=weather"_s << u"'category'"_s;
    QTest::newRow("outcome") << u"outcome=maybe"_s << u"'outcome'"_s;
    QTest::newRow("limit zero") << u"limit=0"_s << u"'limit'"_s;
    QTest::newRow("limit too big") << u"limit=1001"_s << u"'limit'"_s;
    QTest::newRow("limit not a number") << u"limit=ten"_s << u"'limit'"_s;
    QTest::newRow("offset negative") << u"offset=-1"_s << u"'offset'"_s;
    QTest::newRow("from not a time") << u"from=yesterday"_s << u"'from'"_s;
    QTest::newRow("to without zone") << u"to=2026-01-01T00:00:00"_s << u"'to'"_s;
    QTest::newRow("from after to")
        << u"from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"_s << u"'from'"_s;
    QTest::newRow("twice") << u"actor=a&actor=b"_s << u"'actor'"_s;
}

void TestAuditRest::badParameters()
{
    QFETCH(QString, query);
    QFETCH(QString, names);
    const Answer answer = m_server->get(u"/api/Audit?"_s + query);
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.errorCode(), u"bad-request"_s);
    QVERIFY2(answer.errorMessage().contains(names), qPrintable(answer.errorMessage()));
}

void TestAuditRest::administratorsOnly()
{
    const Credentials auditor{kAuditor, kAuditorPassword};
    const Page page = audit(*m_server, {}, auditor);
    QCOMPARE(page.status, 403);
    QVERIFY(page.items.isEmpty());
    QVERIFY2(page.message.contains(u"Administrators"_s), qPrintable(page.message));
    QCOMPARE(
        m_server->request(Request("GET", u"/api/Audit/Verify"_s).withCredentials(auditor)).status,
        403);
    QCOMPARE(audit(*m_server, {}, std::nullopt).status, 401);
    QCOMPARE(m_server->request(Request("DELETE", u"/api/Audit"_s)).status, 405);
}

void TestAuditRest::verifyIntact()
{
    const Answer verified = m_server->get(u"/api/Audit/Verify"_s);
    QCOMPARE(verified.status, 200);
    const QJsonObject v = verified.json();
    QCOMPARE(v.value("intact"_L1), QJsonValue(true));
    QCOMPARE(v.value("firstBadId"_L1).toInt(), 0);
    QVERIFY(v.value("checked"_L1).toInt() >= 10);
    QVERIFY2(v.value("message"_L1).toString().contains(u"intact"_s),
             qPrintable(v.value("message"_L1).toString()));
    QCOMPARE(m_server->get(u"/api/Audit/Verify?deep=1"_s).status, 400);
}

void TestAuditRest::tamperingIsDetected()
{
    HeadlessServer &server = *m_server;
    QCOMPARE(server.stop(), 0);
    const QString dataDir = server.dataDir();

    // Untouched, the command line check agrees.
    const Cli intact = verifyAuditCli(dataDir);
    QVERIFY2(intact.exitCode == 0, qPrintable(intact.err));
    QVERIFY2(intact.out.contains(u"intact"_s), qPrintable(intact.out));

    // Someone with the database file edits a record in the middle.
    qint64 middle = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
        db.setDatabaseName(QDir(dataDir).filePath(u"bulwark.db"_s));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        {
            QSqlQuery range(db);
            QVERIFY2(range.exec(u"SELECT MIN(id), MAX(id) FROM audit_log"_s),
                     qPrintable(range.lastError().text()));
            QVERIFY(range.next());
            middle = (range.value(0).toLongLong() + range.value(1).toLongLong()) / 2;
            QVERIFY(middle > range.value(0).toLongLong());
            QSqlQuery edit(db);
            QVERIFY(edit.prepare(u"UPDATE audit_log SET actor = 'mallory' WHERE id = ?"_s));
            edit.addBindValue(middle);
            QVERIFY2(edit.exec(), qPrintable(edit.lastError().text()));
            QCOMPARE(edit.numRowsAffected(), 1);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"tamper"_s);

    const Cli broken = verifyAuditCli(dataDir);
    qInfo().noquote() << "bulwark --verify-audit said:"
                      << broken.err.trimmed().replace(u'\n', u" | "_s);
    QCOMPARE(broken.exitCode, 1);
    QVERIFY2(!broken.out.contains(u"intact"_s), qPrintable(broken.out));
    QVERIFY2(broken.err.contains(u"record %1"_s.arg(middle)), qPrintable(broken.err));
    QVERIFY2(broken.err.contains(u"edited"_s), qPrintable(broken.err));

    // The server still starts (the log is evidence, not a reason to stay
    // down) and says the same over REST.
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const Answer verified = server.get(u"/api/Audit/Verify"_s);
    QCOMPARE(verified.status, 200);
    const QJsonObject v = verified.json();
    QCOMPARE(v.value("intact"_L1), QJsonValue(false));
    QCOMPARE(qint64(v.value("firstBadId"_L1).toDouble()), middle);
    QVERIFY2(v.value("message"_L1).toString().contains(u"Record %1"_s.arg(middle)),
             qPrintable(v.value("message"_L1).toString()));
}

QTEST_GUILESS_MAIN(TestAuditRest)
#include "tst_audit_rest.moc"
