// Storage against SQLite (a fresh file) and a real PostgreSQL (the server
// that .ci/dev.sh test starts, given in BULWARK_TEST_POSTGRES_URL).
#include "TestDatabases.h"
#include "storage/Database.h"
#include "storage/EntityStore.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;
using namespace BulwarkTest;

class TestStorage : public QObject
{
    Q_OBJECT

private:
    TestDatabases m_databases;

    // A new, empty database of the row's backend.
    std::unique_ptr<Database> freshDatabase() { return m_databases.fresh(); }

    static QDateTime now() { return QDateTime::currentDateTimeUtc(); }

private Q_SLOTS:
    void initTestCase_data() { TestDatabases::addBackendRows(); }

    void urlParsing()
    {
        const auto pg = DatabaseUrl::parse(
            QStringLiteral("postgresql://bob:p%40ss@db.example:6543/iot?sslmode=require"), {});
        QVERIFY(pg.ok());
        QCOMPARE(pg->backend, Backend::Postgres);
        QCOMPARE(pg->host, QStringLiteral("db.example"));
        QCOMPARE(pg->port, 6543);
        QCOMPARE(pg->user, QStringLiteral("bob"));
        QCOMPARE(pg->password, QStringLiteral("p@ss"));
        QCOMPARE(pg->database, QStringLiteral("iot"));
        QCOMPARE(pg->options, QStringLiteral("sslmode=require"));
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("mysql://x/y"), {}).ok());
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("postgresql://host"), {}).ok());
        QCOMPARE(DatabaseUrl::parse({}, QStringLiteral("/data"))->sqliteFile,
                 QStringLiteral("/data/bulwark.db"));
    }

    void freshMigration()
    {
        auto db = freshDatabase();
        QCOMPARE(*db->schemaVersion(), 0);
        QVERIFY(db->migrate().ok());
        QCOMPARE(*db->schemaVersion(), Migrations::latestVersion());
        // Applying again is a no-op.
        QVERIFY(db->migrate().ok());
        QCOMPARE(*db->schemaVersion(), Migrations::latestVersion());
    }

    void upgradeKeepsData()
    {
        auto db = freshDatabase();
        QVERIFY(db->migrate(1).ok());
        QCOMPARE(*db->schemaVersion(), 1);
        {
            EntityStore store(*db);
            QVERIFY(store
                        .createThing(Thing{
                            QStringLiteral("Old"), QStringLiteral("from v1"), {}, {}, now(), now()})
                        .ok());
        }
        QVERIFY(db->migrate().ok());
        QCOMPARE(*db->schemaVersion(), Migrations::latestVersion());
        EntityStore store(*db);
        const auto thing = store.thing(QStringLiteral("Old"));
        QVERIFY(thing.ok());
        QCOMPARE(thing->description, QStringLiteral("from v1"));
        // The table version 2 added works.
        QVERIFY(store
                    .setPropertyValue(QStringLiteral("Old"), QStringLiteral("p"),
                                      {QJsonValue(5), now()})
                    .ok());
        QCOMPARE(store.propertyValues(QStringLiteral("Old"))->value(QStringLiteral("p")).value,
                 QJsonValue(5));
    }

    void refusesNewerSchema()
    {
        auto db = freshDatabase();
        QVERIFY(db->migrate().ok());
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (99)")));
        const Status status = db->migrate();
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::Conflict);
        QVERIFY(status.error().message.contains(QStringLiteral("version 99")));
    }

    void thingsAndTemplates()
    {
        auto db = freshDatabase();
        QVERIFY(db->migrate().ok());
        EntityStore store(*db);
        ThingTemplate base{QStringLiteral("Base"), {}, {}, {}, now(), now()};
        base.definitions.properties.append(
            {QStringLiteral("serial"), {}, BaseType::String, {}, {}});
        QVERIFY(store.createTemplate(base).ok());
        QCOMPARE(store.createTemplate(base).error().code, ErrorCode::Conflict);
        ThingTemplate pump{QStringLiteral("Pump"), {}, QStringLiteral("Base"), {}, now(), now()};
        QVERIFY(store.createTemplate(pump).ok());
        ThingTemplate orphan{
            QStringLiteral("Orphan"), {}, QStringLiteral("Missing"), {}, now(), now()};
        QCOMPARE(store.createTemplate(orphan).error().code, ErrorCode::NotFound);

        Thing p1{QStringLiteral("P1"),
                 QStringLiteral("first"),
                 QStringLiteral("Pump"),
                 {},
                 now(),
                 now()};
        QVERIFY(store.createThing(p1).ok());
        QCOMPARE(store.createThing(p1).error().code, ErrorCode::Conflict);
        Thing bad{QStringLiteral("P2"), {}, QStringLiteral("Missing"), {}, now(), now()};
        QCOMPARE(store.createThing(bad).error().code, ErrorCode::NotFound);

        const auto chain = store.templateChain(QStringLiteral("Pump"));
        QVERIFY(chain.ok());
        QCOMPARE(chain->size(), 2);
        QCOMPARE(chain->at(1).definitions.properties.at(0).name, QStringLiteral("serial"));
        QCOMPARE(*store.derivedTemplates(QStringLiteral("Base")),
                 QStringList{QStringLiteral("Pump")});
        QCOMPARE(store.deleteTemplate(QStringLiteral("Base")).error().code, ErrorCode::Conflict);
        QCOMPARE(store.deleteTemplate(QStringLiteral("Pump")).error().code, ErrorCode::Conflict);

        p1.description = QStringLiteral("changed");
        QVERIFY(store.updateThing(p1).ok());
        QCOMPARE(store.thing(QStringLiteral("P1"))->description, QStringLiteral("changed"));
        QCOMPARE(store.listThings()->size(), 1);

        QVERIFY(store
                    .setPropertyValue(QStringLiteral("P1"), QStringLiteral("serial"),
                                      {QStringLiteral("A-1"), now()})
                    .ok());
        QVERIFY(store
                    .setPropertyValue(QStringLiteral("P1"), QStringLiteral("serial"),
                                      {QStringLiteral("A-2"), now()})
                    .ok());
        QCOMPARE(store.propertyValues(QStringLiteral("P1"))->value(QStringLiteral("serial")).value,
                 QJsonValue(QStringLiteral("A-2")));

        QVERIFY(store.deleteThing(QStringLiteral("P1")).ok());
        QCOMPARE(store.deleteThing(QStringLiteral("P1")).error().code, ErrorCode::NotFound);
        QVERIFY(store.propertyValues(QStringLiteral("P1"))->isEmpty());
        QVERIFY(store.deleteTemplate(QStringLiteral("Pump")).ok());
        QVERIFY(store.deleteTemplate(QStringLiteral("Base")).ok());
    }

    void usersAndGroups()
    {
        auto db = freshDatabase();
        QVERIFY(db->migrate().ok());
        EntityStore store(*db);
        QVERIFY(
            store
                .createUser(User{QStringLiteral("ann"), {}, true, now(), now(), {}, {}, {}, {}, {}},
                            QStringLiteral("$hash"))
                .ok());
        QCOMPARE(*store.passwordHash(QStringLiteral("ann")), QStringLiteral("$hash"));
        QCOMPARE(*store.passwordHash(QStringLiteral("nobody")), QString());
        QCOMPARE(*store.userCount(), 1);

        Group night{
            QStringLiteral("Night"), {}, {{MemberKind::User, QStringLiteral("ann")}}, now(), now()};
        QVERIFY(store.createGroup(night).ok());
        Group ops{QStringLiteral("Ops"),
                  {},
                  {{MemberKind::Group, QStringLiteral("Night")}},
                  now(),
                  now()};
        QVERIFY(store.createGroup(ops).ok());
        // Night may not contain Ops: Ops already contains Night.
        night.members.append({MemberKind::Group, QStringLiteral("Ops")});
        QCOMPARE(store.updateGroup(night).error().code, ErrorCode::Conflict);
        QCOMPARE(store.group(QStringLiteral("Night"))->members.size(), 1); // rolled back
        Group ghost{QStringLiteral("Ghost"),
                    {},
                    {{MemberKind::User, QStringLiteral("nobody")}},
                    now(),
                    now()};
        QCOMPARE(store.createGroup(ghost).error().code, ErrorCode::NotFound);
        QVERIFY(!store.group(QStringLiteral("Ghost")).ok());

        QVERIFY(store.deleteUser(QStringLiteral("ann")).ok());
        QVERIFY(store.group(QStringLiteral("Night"))->members.isEmpty());
        QVERIFY(store.deleteGroup(QStringLiteral("Night")).ok());
        QVERIFY(store.group(QStringLiteral("Ops"))->members.isEmpty());
    }

    void organizations()
    {
        auto db = freshDatabase();
        QVERIFY(db->migrate().ok());
        EntityStore store(*db);
        Organization acme{QStringLiteral("Acme"), {}, {}, now(), now()};
        acme.units = {{QStringLiteral("Acme"), {}, {}},
                      {QStringLiteral("Europe"), {}, QStringLiteral("Acme")},
                      {QStringLiteral("Plant1"), {}, QStringLiteral("Europe")}};
        QVERIFY(store.createOrganization(acme).ok());
        QCOMPARE(store.createOrganization(acme).error().code, ErrorCode::Conflict);
        auto loaded = store.organization(QStringLiteral("Acme"));
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->units.size(), 3);
        QCOMPARE(loaded->units.at(2).parent, QStringLiteral("Europe"));
        acme.units.removeLast();
        QVERIFY(store.updateOrganization(acme).ok());
        QCOMPARE(store.organization(QStringLiteral("Acme"))->units.size(), 2);
        QVERIFY(store.deleteOrganization(QStringLiteral("Acme")).ok());
        QCOMPARE(store.organization(QStringLiteral("Acme")).error().code, ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
