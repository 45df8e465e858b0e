// What the storage thread keeps between requests, against SQLite and a real
// PostgreSQL: prepared statements (Sql::cached, reused per connection, never
// shared by two uses at once, dropped with the schema) and effective Things
// (EntityStore::effectiveThing, forgotten by every change they depend on).
#include "TestDatabases.h"
#include "core/EntityJson.h"
#include "storage/Database.h"
#include "storage/EntityStore.h"
#include "storage/Sql_p.h"

#include <QTest>

using namespace Bulwark;
using namespace BulwarkTest;
using namespace Qt::StringLiterals;

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

PropertyDefinition declared(const QString &name, BaseType type = BaseType::Number)
{
    PropertyDefinition p;
    p.name = name;
    p.baseType = type;
    return p;
}

ThingTemplate makeTemplate(const QString &name, const QString &base,
                           const QList<PropertyDefinition> &properties)
{
    ThingTemplate t;
    t.name = name;
    t.baseTemplate = base;
    t.definitions.properties = properties;
    t.created = t.modified = now();
    return t;
}

Thing makeThing(const QString &name, const QString &templateName,
                const QList<PropertyDefinition> &properties = {})
{
    Thing t;
    t.name = name;
    t.templateName = templateName;
    t.definitions.properties = properties;
    t.created = t.modified = now();
    return t;
}

// The effective property names of a Thing, sorted.
QStringList propertyNames(EntityStore &store, const QString &thing)
{
    auto effective = store.effectiveThing(thing);
    if (!effective)
        return {u"error: "_s + effective.error().message};
    QStringList names;
    for (const auto &p : effective->definitions.properties)
        names << p.name;
    names.sort();
    return names;
}

} // namespace

class TestStorageCache final : public QObject
{
    Q_OBJECT

private:
    TestDatabases m_databases;

private Q_SLOTS:
    void initTestCase_data() { TestDatabases::addBackendRows(); }

    void statementIsPreparedOnceAndReused()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        const char *select = "SELECT name FROM things WHERE name = ?";
        QCOMPARE(db->keptStatementCount(), 0);
        const QSqlQuery *first = nullptr;
        {
            auto q = Sql::cached(*db, select, {u"none"_s});
            QVERIFY2(q.ok(), q.ok() ? "" : qPrintable(q.error().message));
            first = &q->query();
            QVERIFY(!q->next());
        }
        QCOMPARE(db->keptStatementCount(), 1);
        EntityStore store(*db);
        QVERIFY(store.createThing(makeThing(u"A"_s, {})).ok());
        QVERIFY(store.createThing(makeThing(u"B"_s, {})).ok());
        for (const QString &name : {u"A"_s, u"B"_s}) {
            auto q = Sql::cached(*db, select, {name});
            QVERIFY(q.ok());
            QCOMPARE(&q->query(), first); // the same prepared statement, new values
            QVERIFY(q->next());
            QCOMPARE(q->value(0).toString(), name);
        }
    }

    void nestedUseOfOneStatementGetsItsOwn()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        for (const QString &name : {u"A"_s, u"B"_s, u"C"_s})
            QVERIFY(store.createThing(makeThing(name, {})).ok());
        const char *select = "SELECT name FROM things WHERE name >= ? ORDER BY name";
        auto outer = Sql::cached(*db, select, {u"A"_s});
        QVERIFY(outer.ok());
        QVERIFY(outer->next());
        QCOMPARE(outer->value(0).toString(), u"A"_s);
        {
            // The same text while outer is still being read: its own statement.
            auto inner = Sql::cached(*db, select, {u"C"_s});
            QVERIFY(inner.ok());
            QVERIFY(&inner->query() != &outer->query());
            QVERIFY(inner->next());
            QCOMPARE(inner->value(0).toString(), u"C"_s);
            QVERIFY(!inner->next());
        }
        // Outer's rows are untouched by the inner use. (Qt's PostgreSQL
        // driver reads forward-only results row by row and so ends any other
        // open result on the connection, kept statements or not.)
        if (db->backend() == Backend::Postgres)
            return;
        QVERIFY(outer->next());
        QCOMPARE(outer->value(0).toString(), u"B"_s);
    }

    void partlyReadStatementIsReusable()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        for (const QString &name : {u"A"_s, u"B"_s, u"C"_s})
            QVERIFY(store.createThing(makeThing(name, {})).ok());
        const char *select = "SELECT name FROM things WHERE name >= ? ORDER BY name";
        {
            auto q = Sql::cached(*db, select, {u"A"_s});
            QVERIFY(q.ok());
            QVERIFY(q->next()); // two rows left unread
        }
        // A write and a transaction are not held up by the unread rows.
        QVERIFY(store.inTransaction([&] { return store.deleteThing(u"C"_s); }).ok());
        auto q = Sql::cached(*db, select, {u"B"_s});
        QVERIFY(q.ok());
        QVERIFY(q->next());
        QCOMPARE(q->value(0).toString(), u"B"_s);
        QVERIFY(!q->next());
    }

    void failedOrRefusedStatementIsNotKept()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        auto refused = Sql::cached(*db, "SELECT no_such_column FROM things", {});
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.contains(u"refused"_s) ||
                refused.error().message.contains(u"failed"_s));
        const Thing a = makeThing(u"A"_s, {});
        const char *insert = "INSERT INTO things (name, description, template, definitions, "
                             "created, modified) VALUES (?, '', NULL, '{}', ?, ?)";
        {
            auto q = Sql::cached(*db, insert, {a.name, Sql::toText(now()), Sql::toText(now())});
            QVERIFY(q.ok());
        }
        QCOMPARE(db->keptStatementCount(), 1);
        {
            // A duplicate name fails: the statement is dropped, not kept.
            auto q = Sql::cached(*db, insert, {a.name, Sql::toText(now()), Sql::toText(now())});
            QVERIFY(!q.ok());
        }
        QCOMPARE(db->keptStatementCount(), 0);
    }

    void migrationDropsKeptStatements()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        {
            auto q = Sql::cached(*db, "SELECT COUNT(*) FROM things", {});
            QVERIFY(q.ok());
        }
        QCOMPARE(db->keptStatementCount(), 1);
        const quint64 generation = db->generation();
        // A handle still out when the statements are dropped is not taken back.
        auto held = std::make_unique<Result<Sql::Statement>>(
            Sql::cached(*db, "SELECT COUNT(*) FROM thing_templates", {}));
        QVERIFY(held->ok());
        QVERIFY(db->migrate().ok());
        QCOMPARE(db->keptStatementCount(), 0);
        QVERIFY(db->generation() != generation);
        held.reset();
        QCOMPARE(db->keptStatementCount(), 0);
    }

    void reopenedConnection()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        const char *select = "SELECT COUNT(*) FROM things WHERE name <> ?";
        const auto use = [&] { return Sql::cached(*db, select, {u"x"_s}).ok(); };
        QVERIFY(use());
        // As the storage thread reconnects: statements dropped first.
        db->dropStatements();
        db->connection().close();
        QVERIFY(db->connection().open());
        QVERIFY(use());
        if (db->backend() != Backend::Postgres)
            return;
        // Reopened without dropping them: PostgreSQL has forgotten the kept
        // statement, so one use fails, and it drops every kept one.
        QVERIFY(use());
        QCOMPARE(db->keptStatementCount(), 1);
        db->connection().close();
        QVERIFY(db->connection().open());
        QVERIFY(!use());
        QCOMPARE(db->keptStatementCount(), 0);
        QVERIFY(use());
    }

    void effectiveThingFollowsTemplateChanges()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        QVERIFY(store.createTemplate(makeTemplate(u"Base"_s, {}, {declared(u"base"_s)})).ok());
        QVERIFY(
            store.createTemplate(makeTemplate(u"Pump"_s, u"Base"_s, {declared(u"flow"_s)})).ok());
        QVERIFY(store.createTemplate(makeTemplate(u"Fan"_s, {}, {declared(u"speed"_s)})).ok());
        QVERIFY(store.createThing(makeThing(u"P1"_s, u"Pump"_s, {declared(u"own"_s)})).ok());
        QCOMPARE(propertyNames(store, u"P1"_s), (QStringList{u"base"_s, u"flow"_s, u"own"_s}));

        // The Thing's own template changes.
        QVERIFY(store
                    .updateTemplate(makeTemplate(u"Pump"_s, u"Base"_s,
                                                 {declared(u"flow"_s), declared(u"head"_s)}))
                    .ok());
        QCOMPARE(propertyNames(store, u"P1"_s),
                 (QStringList{u"base"_s, u"flow"_s, u"head"_s, u"own"_s}));
        // A template further up the chain changes (type too).
        QVERIFY(store
                    .updateTemplate(
                        makeTemplate(u"Base"_s, {}, {declared(u"serial"_s, BaseType::String)}))
                    .ok());
        QCOMPARE(propertyNames(store, u"P1"_s),
                 (QStringList{u"flow"_s, u"head"_s, u"own"_s, u"serial"_s}));
        // The Thing moves to another template, then changes its own members.
        QVERIFY(store.updateThing(makeThing(u"P1"_s, u"Fan"_s, {declared(u"own"_s)})).ok());
        QCOMPARE(propertyNames(store, u"P1"_s), (QStringList{u"own"_s, u"speed"_s}));
        QVERIFY(store.updateThing(makeThing(u"P1"_s, u"Fan"_s, {})).ok());
        QCOMPARE(propertyNames(store, u"P1"_s), (QStringList{u"speed"_s}));
        // Deleted, then made again without a template.
        QVERIFY(store.deleteThing(u"P1"_s).ok());
        auto gone = store.effectiveThing(u"P1"_s);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, ErrorCode::NotFound);
        QVERIFY(store.createThing(makeThing(u"P1"_s, {}, {declared(u"again"_s)})).ok());
        QCOMPARE(propertyNames(store, u"P1"_s), (QStringList{u"again"_s}));
    }

    void effectiveThingForgetsUndoneWrites()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        QVERIFY(store.createTemplate(makeTemplate(u"Pump"_s, {}, {declared(u"flow"_s)})).ok());
        QVERIFY(store.createThing(makeThing(u"P1"_s, u"Pump"_s)).ok());
        QCOMPARE(propertyNames(store, u"P1"_s), QStringList{u"flow"_s});
        // Inside a transaction that fails: the change is read (and could be
        // kept), then undone; the next read must not see it.
        const Status undone = store.inTransaction([&]() -> Status {
            if (auto s = store.updateTemplate(
                    makeTemplate(u"Pump"_s, {}, {declared(u"flow"_s), declared(u"head"_s)}));
                !s)
                return s;
            if (propertyNames(store, u"P1"_s) != QStringList{u"flow"_s, u"head"_s})
                return makeError(ErrorCode::Internal, u"the change is not read back"_s);
            return makeError(ErrorCode::Conflict, u"undo"_s);
        });
        QCOMPARE(undone.error().message, u"undo"_s);
        QCOMPARE(propertyNames(store, u"P1"_s), QStringList{u"flow"_s});
    }

    void effectiveThingIsKeptUntilAChange()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        QVERIFY(store.createTemplate(makeTemplate(u"Pump"_s, {}, {declared(u"flow"_s)})).ok());
        QVERIFY(store.createThing(makeThing(u"P1"_s, u"Pump"_s)).ok());
        QCOMPARE(propertyNames(store, u"P1"_s), QStringList{u"flow"_s});
        const quint64 generation = store.entityGeneration();
        // Behind the store's back (no server does this): the kept answer
        // stays, which shows that reads are not repeated...
        QVERIFY(QSqlQuery(db->connection())
                    .exec(u"UPDATE thing_templates SET definitions = '{}' WHERE name = 'Pump'"_s));
        QCOMPARE(propertyNames(store, u"P1"_s), QStringList{u"flow"_s});
        QCOMPARE(store.entityGeneration(), generation);
        // ...until the connection's generation changes (a reconnect, a migration).
        db->dropStatements();
        QCOMPARE(propertyNames(store, u"P1"_s), QStringList{});
        QVERIFY(store.entityGeneration() != generation);
    }
};

QTEST_GUILESS_MAIN(TestStorageCache)
#include "tst_storagecache.moc"
