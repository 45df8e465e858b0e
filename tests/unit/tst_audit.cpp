// The audit log against SQLite (a fresh file) and a real PostgreSQL (given in
// BULWARK_TEST_POSTGRES_URL): chaining, filters, paging, and detection of
// every kind of tampering done straight to the table.
#include "TestDatabases.h"
#include "api/AuditRoutes.h"
#include "security/AuditLog.h"
#include "security/Crypto.h"
#include "storage/Database.h"
#include "storage/EntityStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;
using namespace BulwarkTest;

class TestAudit : public QObject
{
    Q_OBJECT

private:
    TestDatabases m_databases;
    const QByteArray m_key = QByteArray(32, 'k');
    const QDateTime m_start = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

    std::unique_ptr<Database> freshDatabase()
    {
        return m_databases.fresh(TestDatabases::Schema::Latest);
    }

    AuditRecord record(int minute, const QString &actor, QLatin1StringView category,
                       const QString &action, const QString &entity,
                       QLatin1StringView outcome = Audit::Success)
    {
        AuditRecord r;
        r.time = m_start.addSecs(60 * minute);
        r.actor = actor;
        r.source = QStringLiteral("192.0.2.%1").arg(minute + 1);
        r.category = category;
        r.action = action;
        r.entity = entity;
        r.outcome = outcome;
        r.details = QJsonObject{{QStringLiteral("minute"), minute},
                                {QStringLiteral("a"), QStringLiteral("first key")}};
        return r;
    }

    // Five records: ids 1..5, one a minute.
    void fill(Database &db, const AuditLog &log)
    {
        const QList<AuditRecord> records{
            record(0, QStringLiteral("Administrator"), Audit::Auth, QStringLiteral("login"),
                   QStringLiteral("Users/Administrator")),
            record(1, QStringLiteral("alice"), Audit::Auth, QStringLiteral("login"),
                   QStringLiteral("Users/alice"), Audit::Failure),
            record(2, QStringLiteral("Administrator"), Audit::ThingCategory,
                   QStringLiteral("create"), QStringLiteral("Things/Pump1")),
            record(3, QStringLiteral("bob"), Audit::ThingCategory, QStringLiteral("write"),
                   QStringLiteral("Things/Pump1/Properties/speed"), Audit::Denied),
            record(4, QStringLiteral("Administrator"), Audit::ThingCategory,
                   QStringLiteral("create"), QStringLiteral("Things/Pump10")),
        };
        for (const AuditRecord &r : records)
            QVERIFY2(log.append(db, r).ok(), "append");
    }

    static void exec(Database &db, const QString &sql)
    {
        QSqlQuery q(db.connection());
        if (!q.exec(sql))
            qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
    }

    static QList<qint64> ids(const AuditPage &page)
    {
        QList<qint64> out;
        for (const AuditRecord &r : page.items)
            out << r.id;
        return out;
    }

    static ApiRequest adminGet(const QString &query)
    {
        ApiRequest request;
        request.method = HttpMethod::Get;
        request.methodName = "GET";
        request.path = QStringLiteral("/api/Audit");
        request.query = QUrlQuery(query);
        request.arguments = {QStringLiteral("Audit")};
        request.user = QStringLiteral("Administrator");
        request.administrator = true;
        return request;
    }

private Q_SLOTS:
    void initTestCase_data() { TestDatabases::addBackendRows(); }

    void appendChainsRecords()
    {
        auto db = freshDatabase();
        const AuditLog log(m_key);
        fill(*db, log);
        const auto page = log.list(*db, {});
        QVERIFY(page.ok());
        QCOMPARE(page->total, 5);
        QCOMPARE(ids(*page), (QList<qint64>{5, 4, 3, 2, 1}));
        // Each record links to the one before; the first to 32 zero bytes.
        for (qsizetype i = 0; i + 1 < page->items.size(); ++i)
            QCOMPARE(page->items.at(i).previousHash, page->items.at(i + 1).hash);
        QCOMPARE(page->items.last().previousHash, QByteArray(32, '\0'));
        const AuditRecord &first = page->items.last();
        QCOMPARE(first.hash.size(), 32);
        QCOMPARE(first.time, m_start);
        QCOMPARE(first.actor, QStringLiteral("Administrator"));
        QCOMPARE(first.source, QStringLiteral("192.0.2.1"));
        QCOMPARE(first.details.value(QStringLiteral("a")).toString(), QStringLiteral("first key"));
        // The hash is the documented function of the stored fields.
        QCOMPARE(AuditLog::computeHash(first,
                                       QJsonDocument(first.details).toJson(QJsonDocument::Compact)),
                 first.hash);
        const QJsonObject json = toJson(first);
        QCOMPARE(json.value(QStringLiteral("id")).toInteger(), 1);
        QCOMPARE(json.value(QStringLiteral("time")).toString(),
                 QStringLiteral("2026-03-01T12:00:00.000Z"));
        QCOMPARE(json.value(QStringLiteral("hash")).toString().size(), 64);

        // A record without a time gets the current one.
        AuditRecord untimed =
            record(9, QStringLiteral("system"), Audit::System, QStringLiteral("start"), {});
        untimed.time = {};
        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        QVERIFY(log.append(*db, untimed).ok());
        const auto latest = log.list(*db, {});
        QCOMPARE(latest->items.first().id, 6);
        QVERIFY(latest->items.first().time >= before);
    }

    void refusesMalformedRecords()
    {
        auto db = freshDatabase();
        const AuditLog log(m_key);
        AuditRecord r = record(0, QStringLiteral("a"), Audit::Auth, QStringLiteral("login"), {});
        r.category = QStringLiteral("gossip");
        const Status badCategory = log.append(*db, r);
        QVERIFY(!badCategory.ok());
        QVERIFY(badCategory.error().message.contains(u"gossip"));
        r.category = Audit::Auth;
        r.outcome = QStringLiteral("maybe");
        QVERIFY(!log.append(*db, r).ok());
        QCOMPARE(log.list(*db, {})->total, 0);
    }

    void filtersAndPaging()
    {
        auto db = freshDatabase();
        const AuditLog log(m_key);
        fill(*db, log);
        AuditFilter f;
        f.actor = QStringLiteral("Administrator");
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{5, 3, 1}));

        f = {};
        f.category = QStringLiteral("thing");
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{5, 4, 3}));

        f = {};
        f.outcome = QStringLiteral("denied");
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{4}));

        // The entity and everything below it, but not a longer name.
        f = {};
        f.entity = QStringLiteral("Things/Pump1");
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{4, 3}));
        f.entity = QStringLiteral("Things");
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{5, 4, 3}));
        f.entity = QStringLiteral("Things/Pump");
        QCOMPARE(ids(*log.list(*db, f)), QList<qint64>{});

        // Times are inclusive at both ends.
        f = {};
        f.from = m_start.addSecs(60);
        f.to = m_start.addSecs(180);
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{4, 3, 2}));
        f.to = {};
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{5, 4, 3, 2}));

        // Combined filters, and paging over what matches.
        f = {};
        f.actor = QStringLiteral("Administrator");
        f.category = QStringLiteral("thing");
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{5, 3}));

        f = {};
        f.limit = 2;
        auto page = log.list(*db, f);
        QCOMPARE(page->total, 5);
        QCOMPARE(ids(*page), (QList<qint64>{5, 4}));
        f.offset = 2;
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{3, 2}));
        f.offset = 4;
        QCOMPARE(ids(*log.list(*db, f)), (QList<qint64>{1}));
        f.offset = 10;
        page = log.list(*db, f);
        QCOMPARE(page->total, 5);
        QVERIFY(page->items.isEmpty());
    }

    void verifiesIntactChain()
    {
        auto db = freshDatabase();
        const AuditLog log(m_key);
        auto empty = log.verify(*db);
        QVERIFY(empty.ok());
        QVERIFY(empty->intact);
        QCOMPARE(empty->checked, 0);
        fill(*db, log);
        auto v = log.verify(*db);
        QVERIFY(v.ok());
        QVERIFY2(v->intact, qPrintable(v->message));
        QCOMPARE(v->checked, 5);
        QCOMPARE(v->firstBadId, 0);
        QCOMPARE(v->message, QStringLiteral("Audit chain intact: 5 records checked."));
    }

    void transactionRollbackLeavesNoTrace()
    {
        auto db = freshDatabase();
        const AuditLog log(m_key);
        fill(*db, log);
        EntityStore store(*db);
        const Status failed = store.inTransaction([&]() -> Status {
            if (auto s = log.append(store, record(7, QStringLiteral("x"), Audit::Admin,
                                                  QStringLiteral("rolled back"), {}));
                !s)
                return s;
            return makeError(ErrorCode::Conflict, QStringLiteral("the route failed"));
        });
        QVERIFY(!failed.ok());
        QCOMPARE(log.list(*db, {})->total, 5);
        QVERIFY(log.verify(*db)->intact);
        QVERIFY(log.append(store,
                           record(8, QStringLiteral("x"), Audit::Admin, QStringLiteral("kept"), {}))
                    .ok());
        QCOMPARE(log.list(*db, {})->items.first().id, 6);
        QVERIFY(log.verify(*db)->intact);
    }

    void detectsTampering_data()
    {
        QTest::addColumn<QString>("tamper");
        QTest::addColumn<qint64>("badId");
        QTest::addColumn<QString>("says");
        QTest::newRow("edit middle actor")
            << QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE id = 3") << qint64(3)
            << QStringLiteral("edited");
        QTest::newRow("edit middle details")
            << QStringLiteral("UPDATE audit_log SET details = '{}' WHERE id = 2") << qint64(2)
            << QStringLiteral("edited");
        QTest::newRow("edit time")
            << QStringLiteral("UPDATE audit_log SET time = '2020-01-01T00:00:00.000Z' WHERE id = 4")
            << qint64(4) << QStringLiteral("edited");
        QTest::newRow("delete middle") << QStringLiteral("DELETE FROM audit_log WHERE id = 3")
                                       << qint64(3) << QStringLiteral("missing");
        QTest::newRow("delete first") << QStringLiteral("DELETE FROM audit_log WHERE id = 1")
                                      << qint64(1) << QStringLiteral("missing");
        QTest::newRow("delete newest")
            << QStringLiteral("DELETE FROM audit_log WHERE id = 5") << qint64(5)
            << QStringLiteral("newest records were removed");
        QTest::newRow("delete two newest")
            << QStringLiteral("DELETE FROM audit_log WHERE id >= 4") << qint64(4)
            << QStringLiteral("Records 4 to 5 are missing");
        QTest::newRow("delete all records") << QStringLiteral("DELETE FROM audit_log") << qint64(1)
                                            << QStringLiteral("newest records were removed");
        QTest::newRow("swap ids") << QStringLiteral("UPDATE audit_log SET id = -2 WHERE id = 2;"
                                                    "UPDATE audit_log SET id = 2 WHERE id = 3;"
                                                    "UPDATE audit_log SET id = 3 WHERE id = -2")
                                  << qint64(2) << QStringLiteral("reordered");
        QTest::newRow("delete head")
            << QStringLiteral("DELETE FROM settings WHERE name = 'audit.head'") << qint64(5)
            << QStringLiteral("head");
        QTest::newRow("forge head")
            << QStringLiteral("UPDATE settings SET value = replace(value, '\"lastId\":5', "
                              "'\"lastId\":4') WHERE name = 'audit.head'")
            << qint64(5) << QStringLiteral("does not verify");
        QTest::newRow("stray record")
            << QStringLiteral("INSERT INTO audit_log SELECT 0, time, actor, source, category, "
                              "action, entity, outcome, details, previous_hash, hash FROM "
                              "audit_log WHERE id = 1")
            << qint64(0) << QStringLiteral("below 1");
    }

    void detectsTampering()
    {
        QFETCH(QString, tamper);
        QFETCH(qint64, badId);
        QFETCH(QString, says);
        auto db = freshDatabase();
        const AuditLog log(m_key);
        fill(*db, log);
        for (const QString &statement : tamper.split(u';'))
            exec(*db, statement);
        auto v = log.verify(*db);
        QVERIFY(v.ok());
        QVERIFY(!v->intact);
        QCOMPARE(v->firstBadId, badId);
        QVERIFY2(v->message.contains(says), qPrintable(v->message));
        QVERIFY2(v->message.contains(QString::number(badId)), qPrintable(v->message));
    }

    // Someone who knows the algorithm (it is public) edits the newest record
    // and recomputes its hash: the chain holds, the keyed head does not.
    void detectsRecomputedRewrite()
    {
        auto db = freshDatabase();
        const AuditLog log(m_key);
        fill(*db, log);
        AuditRecord newest = log.list(*db, {})->items.first();
        newest.actor = QStringLiteral("nobody");
        const QByteArray details = QJsonDocument(newest.details).toJson(QJsonDocument::Compact);
        const QByteArray forged = AuditLog::computeHash(newest, details);
        QSqlQuery q(db->connection());
        QVERIFY(q.prepare(
            QStringLiteral("UPDATE audit_log SET actor = 'nobody', hash = ? WHERE id = 5")));
        q.addBindValue(QString::fromLatin1(forged.toHex()));
        QVERIFY(q.exec());
        auto v = log.verify(*db);
        QVERIFY(!v->intact);
        QCOMPARE(v->firstBadId, 5);
        QVERIFY2(v->message.contains(u"signed head"), qPrintable(v->message));
    }

    void wrongHeadKey()
    {
        auto db = freshDatabase();
        fill(*db, AuditLog(m_key));
        auto v = AuditLog(QByteArray(32, 'x')).verify(*db);
        QVERIFY(v.ok());
        QVERIFY(!v->intact);
        QVERIFY2(v->message.contains(u"another key"), qPrintable(v->message));
    }

    void routeListsForAdministrators()
    {
        auto db = freshDatabase();
        const AuditLog log(m_key);
        fill(*db, log);
        EntityStore store(*db);
        auto plan = Routes::audit(
            adminGet(QStringLiteral("actor=Administrator&category=thing&limit=1&offset=1")), log);
        QVERIFY(plan.ok());
        QVERIFY(!plan->immediate);
        const ApiResponse r = plan->work(store);
        QCOMPARE(r.status, 200);
        const QJsonObject body = r.body.object();
        QCOMPARE(body.value(QStringLiteral("total")).toInteger(), 2);
        QCOMPARE(body.value(QStringLiteral("limit")).toInt(), 1);
        const QJsonArray items = body.value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.at(0).toObject().value(QStringLiteral("id")).toInteger(), 3);
        QCOMPARE(items.at(0).toObject().value(QStringLiteral("entity")).toString(),
                 QStringLiteral("Things/Pump1"));

        // Times with an offset, URL-encoded '+'.
        plan = Routes::audit(adminGet(QStringLiteral("from=2026-03-01T13:01:00%2B01:00")), log);
        QVERIFY(plan.ok());
        QCOMPARE(plan->work(store).body.object().value(QStringLiteral("total")).toInteger(), 4);

        auto verify = Routes::auditVerify(adminGet({}), log);
        QVERIFY(verify.ok());
        const QJsonObject result = verify->work(store).body.object();
        QCOMPARE(result.value(QStringLiteral("intact")).toBool(), true);
        QCOMPARE(result.value(QStringLiteral("checked")).toInteger(), 5);
        QCOMPARE(result.value(QStringLiteral("firstBadId")).toInteger(), 0);
        exec(*db, QStringLiteral("DELETE FROM audit_log WHERE id = 2"));
        const QJsonObject broken = verify->work(store).body.object();
        QCOMPARE(broken.value(QStringLiteral("intact")).toBool(), false);
        QCOMPARE(broken.value(QStringLiteral("firstBadId")).toInteger(), 2);
    }

    void routeRefuses_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("names");
        QTest::newRow("bad from") << QStringLiteral("from=yesterday") << QStringLiteral("'from'");
        QTest::newRow("zone-less to")
            << QStringLiteral("to=2026-03-01T12:00:00") << QStringLiteral("'to'");
        QTest::newRow("limit too big") << QStringLiteral("limit=1001") << QStringLiteral("'limit'");
        QTest::newRow("limit zero") << QStringLiteral("limit=0") << QStringLiteral("'limit'");
        QTest::newRow("negative offset")
            << QStringLiteral("offset=-1") << QStringLiteral("'offset'");
        QTest::newRow("unknown category")
            << QStringLiteral("category=gossip") << QStringLiteral("'category'");
        QTest::newRow("unknown outcome")
            << QStringLiteral("outcome=maybe") << QStringLiteral("'outcome'");
        QTest::newRow("unknown parameter")
            << QStringLiteral("user=bob") << QStringLiteral("'user'");
        QTest::newRow("repeated") << QStringLiteral("actor=a&actor=b") << QStringLiteral("'actor'");
        QTest::newRow("from after to")
            << QStringLiteral("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z")
            << QStringLiteral("'from'");
    }

    void routeRefuses()
    {
        QFETCH(QString, query);
        QFETCH(QString, names);
        const auto plan = Routes::audit(adminGet(query), AuditLog(m_key));
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().code, ErrorCode::BadRequest);
        QVERIFY2(plan.error().message.contains(names), qPrintable(plan.error().message));
    }

    void routeForNonAdministrators()
    {
        ApiRequest request = adminGet({});
        request.user = QStringLiteral("alice");
        request.administrator = false;
        const AuditLog log(m_key);
        auto plan = Routes::audit(request, log);
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().code, ErrorCode::Forbidden);
        QCOMPARE(Routes::auditVerify(request, log).error().code, ErrorCode::Forbidden);

        request = adminGet({});
        request.method = HttpMethod::Post;
        request.methodName = "POST";
        plan = Routes::audit(request, log);
        QVERIFY(plan.ok());
        QVERIFY(plan->immediate);
        QCOMPARE(plan->immediate->status, 405);
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
