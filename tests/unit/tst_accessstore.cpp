// Persistence of authorization (AccessStore and the EntityStore changes it
// brings) against SQLite and a real PostgreSQL (BULWARK_TEST_POSTGRES_URL).
#include "TestDatabases.h"
#include "storage/AccessStore.h"
#include "storage/Database.h"
#include "storage/EntityStore.h"

#include <QSqlQuery>
#include <QTest>

#include <algorithm>

using namespace Bulwark;
using namespace Bulwark::Access;
using namespace BulwarkTest;

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

Principal user(const QString &name)
{
    return {MemberKind::User, name};
}

Principal group(const QString &name)
{
    return {MemberKind::Group, name};
}

UnitRef unit(const QString &text)
{
    return *UnitRef::parse(text);
}

EntityRef entity(const QString &text)
{
    return *EntityRef::parse(text);
}

QString ruleKey(const Rule &r)
{
    return QStringList{r.member, principalKindName(r.principal.kind), r.principal.name,
                       permissionName(r.permission), effectName(r.effect)}
        .join(u'|');
}

// Rules as sorted text, so that lists compare whatever their order.
QStringList keys(const QList<Rule> &rules)
{
    QStringList k;
    for (const Rule &r : rules)
        k << ruleKey(r);
    k.sort();
    return k;
}

QStringList texts(const QList<UnitRef> &units)
{
    QStringList t;
    for (const UnitRef &u : units)
        t << u.toString();
    t.sort();
    return t;
}

QStringList names(const QList<Principal> &principals)
{
    QStringList n;
    for (const Principal &p : principals)
        n << principalKindName(p.kind) + u':' + p.name;
    n.sort();
    return n;
}

template <typename T> QStringList namesOf(const QList<T> &entities)
{
    QStringList n;
    for (const T &e : entities)
        n << e.name;
    return n;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

int count(Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        qFatal("cannot count: %s", qPrintable(sql));
    return q.value(0).toInt();
}

// The stored unit order holds "root first, each unit after its parent".
bool treeOrdered(const Organization &o)
{
    QSet<QString> seen;
    for (qsizetype i = 0; i < o.units.size(); ++i) {
        const OrganizationalUnit &u = o.units.at(i);
        if ((i == 0) != u.parent.isEmpty())
            return false;
        if (i > 0 && !seen.contains(u.parent))
            return false;
        seen.insert(u.name);
    }
    return true;
}

} // namespace

class TestAccessStore : public QObject
{
    Q_OBJECT

private:
    TestDatabases m_databases;

    // Users alice, bob, carol, dave, "o'brien"; groups Operators ∋ bob and
    // Empty; organizations Acme (Acme > Plant1 > Line1, Line2; Acme >
    // Plant2), Acme2 (root only) and Globex (Globex > Lab); templates Sensor
    // and TempSensor (from Sensor); Things Boiler1 (Sensor), Boiler2
    // (TempSensor), Pump7 (none).
    static void populate(EntityStore &store)
    {
        for (const QString &name :
             {QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
              QStringLiteral("dave"), QStringLiteral("o'brien")}) {
            User u;
            u.name = name;
            u.created = u.modified = now();
            QVERIFY(store.createUser(u, {}).ok());
        }
        QVERIFY(
            store
                .createGroup(
                    {QStringLiteral("Operators"), {}, {user(QStringLiteral("bob"))}, now(), now()})
                .ok());
        QVERIFY(store.createGroup({QStringLiteral("Empty"), {}, {}, now(), now()}).ok());
        Organization acme{QStringLiteral("Acme"), {}, {}, now(), now()};
        acme.units = {{QStringLiteral("Acme"), {}, {}},
                      {QStringLiteral("Plant1"), {}, QStringLiteral("Acme")},
                      {QStringLiteral("Line1"), {}, QStringLiteral("Plant1")},
                      {QStringLiteral("Line2"), {}, QStringLiteral("Plant1")},
                      {QStringLiteral("Plant2"), {}, QStringLiteral("Acme")}};
        QVERIFY(store.createOrganization(acme).ok());
        QVERIFY(store
                    .createOrganization({QStringLiteral("Acme2"),
                                         {},
                                         {{QStringLiteral("Acme2"), {}, {}}},
                                         now(),
                                         now()})
                    .ok());
        QVERIFY(store
                    .createOrganization({QStringLiteral("Globex"),
                                         {},
                                         {{QStringLiteral("Globex"), {}, {}},
                                          {QStringLiteral("Lab"), {}, QStringLiteral("Globex")}},
                                         now(),
                                         now()})
                    .ok());
        QVERIFY(store.createTemplate({QStringLiteral("Sensor"), {}, {}, {}, now(), now()}).ok());
        QVERIFY(
            store
                .createTemplate(
                    {QStringLiteral("TempSensor"), {}, QStringLiteral("Sensor"), {}, now(), now()})
                .ok());
        QVERIFY(store
                    .createThing(
                        {QStringLiteral("Boiler1"), {}, QStringLiteral("Sensor"), {}, now(), now()})
                    .ok());
        QVERIFY(
            store
                .createThing(
                    {QStringLiteral("Boiler2"), {}, QStringLiteral("TempSensor"), {}, now(), now()})
                .ok());
        QVERIFY(store.createThing({QStringLiteral("Pump7"), {}, {}, {}, now(), now()}).ok());
    }

    static QList<Rule> someRules()
    {
        return {{group(QStringLiteral("Operators")), Permission::ServiceInvoke, Effect::Allow,
                 QStringLiteral("Service1")},
                {group(QStringLiteral("Operators")), Permission::ServiceInvoke, Effect::Deny, {}},
                {user(QStringLiteral("alice")), Permission::Read, Effect::Allow, {}}};
    }

private Q_SLOTS:
    void initTestCase_data() { TestDatabases::addBackendRows(); }

    void rulesRoundTripAndReplacement()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const Holder boiler = Holder::entity(entity(QStringLiteral("Things/Boiler1")));
        const Holder sensor = Holder::templateInstance(QStringLiteral("Sensor"));
        const Holder sensorItself = Holder::entity(entity(QStringLiteral("ThingTemplates/Sensor")));
        const Holder things = Holder::collectionOf(QStringLiteral("Things"));

        QVERIFY(access.rules(boiler)->isEmpty());
        QVERIFY(store.inTransaction([&] { return access.setRules(boiler, someRules()); }).ok());
        const QList<Rule> instanceRules{
            {group(QStringLiteral("Operators")), Permission::Create, Effect::Allow, {}}};
        QVERIFY(access.setRules(sensor, instanceRules).ok());
        const QList<Rule> templateRules{
            {user(QStringLiteral("carol")), Permission::Update, Effect::Deny, {}}};
        QVERIFY(access.setRules(sensorItself, templateRules).ok());
        const QList<Rule> collectionRules{
            {user(QStringLiteral("dave")), Permission::Create, Effect::Allow, {}}};
        QVERIFY(access.setRules(things, collectionRules).ok());

        QCOMPARE(keys(*access.rules(boiler)), keys(someRules()));
        // A template's instance rules and its own rules are separate holders.
        QCOMPARE(*access.rules(sensor), instanceRules);
        QCOMPARE(*access.rules(sensorItself), templateRules);
        QCOMPARE(*access.rules(things), collectionRules);

        // Replaced as a whole.
        const QList<Rule> replacement{{user(QStringLiteral("bob")), Permission::PropertyWrite,
                                       Effect::Deny, QStringLiteral("setpoint")}};
        QVERIFY(access.setRules(boiler, replacement).ok());
        QCOMPARE(*access.rules(boiler), replacement);
        QVERIFY(access.setRules(boiler, {}).ok());
        QVERIFY(access.rules(boiler)->isEmpty());
        QCOMPARE(*access.rules(things), collectionRules);

        // Two rules for the same (member, principal, permission) are refused,
        // and nothing is written.
        QVERIFY(access.setRules(boiler, replacement).ok());
        QList<Rule> twice = someRules();
        twice << Rule{user(QStringLiteral("alice")), Permission::Read, Effect::Deny, {}};
        const Status refused = access.setRules(boiler, twice);
        QCOMPARE(refused.error().code, ErrorCode::BadRequest);
        QVERIFY2(refused.error().message.contains(QStringLiteral("alice")),
                 qPrintable(refused.error().message));
        QCOMPARE(*access.rules(boiler), replacement);

        // The same rule for another member is a different rule.
        QList<Rule> members{{user(QStringLiteral("bob")), Permission::PropertyRead, Effect::Allow,
                             QStringLiteral("a")},
                            {user(QStringLiteral("bob")), Permission::PropertyRead, Effect::Deny,
                             QStringLiteral("b")}};
        QVERIFY(access.setRules(boiler, members).ok());
        QCOMPARE(keys(*access.rules(boiler)), keys(members));
    }

    void visibilityRoundTripAndReplacement()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const Holder boiler = Holder::entity(entity(QStringLiteral("Things/Boiler1")));
        const Holder sensor = Holder::templateInstance(QStringLiteral("Sensor"));
        QVERIFY(access.visibility(boiler)->isEmpty());
        QVERIFY(access
                    .setVisibility(boiler, {unit(QStringLiteral("Globex/Lab")),
                                            unit(QStringLiteral("Acme/Line1")),
                                            unit(QStringLiteral("Acme/Line1"))})
                    .ok());
        QVERIFY(access.setVisibility(sensor, {unit(QStringLiteral("Acme/Plant2"))}).ok());
        QCOMPARE(texts(*access.visibility(boiler)),
                 (QStringList{QStringLiteral("Acme/Line1"), QStringLiteral("Globex/Lab")}));
        QCOMPARE(texts(*access.visibility(sensor)), QStringList{QStringLiteral("Acme/Plant2")});
        QVERIFY(access.setVisibility(boiler, {unit(QStringLiteral("Acme/Acme"))}).ok());
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{QStringLiteral("Acme/Acme")});
        QVERIFY(access.setVisibility(boiler, {}).ok());
        QVERIFY(access.visibility(boiler)->isEmpty());
        QCOMPARE(texts(*access.visibility(sensor)), QStringList{QStringLiteral("Acme/Plant2")});
    }

    void unitMembersRoundTrip()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const UnitRef line1 = unit(QStringLiteral("Acme/Line1"));
        QVERIFY(access.unitMembers(line1)->isEmpty());
        QVERIFY(access
                    .setUnitMembers(line1, {user(QStringLiteral("alice")),
                                            group(QStringLiteral("Operators")),
                                            user(QStringLiteral("alice"))})
                    .ok());
        QCOMPARE(names(*access.unitMembers(line1)),
                 (QStringList{QStringLiteral("Group:Operators"), QStringLiteral("User:alice")}));
        QVERIFY(access.setUnitMembers(line1, {user(QStringLiteral("carol"))}).ok());
        QCOMPARE(names(*access.unitMembers(line1)), QStringList{QStringLiteral("User:carol")});

        QCOMPARE(access.unitMembers(unit(QStringLiteral("Acme/Nowhere"))).error().code,
                 ErrorCode::NotFound);
        const auto noOrganization = access.unitMembers(unit(QStringLiteral("Initech/Initech")));
        QCOMPARE(noOrganization.error().code, ErrorCode::NotFound);
        QVERIFY(noOrganization.error().message.contains(QStringLiteral("Initech")));
        QCOMPARE(access.setUnitMembers(unit(QStringLiteral("Acme/Nowhere")), {}).error().code,
                 ErrorCode::NotFound);
        const Status ghost = access.setUnitMembers(line1, {user(QStringLiteral("ghost"))});
        QCOMPARE(ghost.error().code, ErrorCode::NotFound);
        QVERIFY(ghost.error().message.contains(QStringLiteral("ghost")));
        QCOMPARE(names(*access.unitMembers(line1)), QStringList{QStringLiteral("User:carol")});
        QVERIFY(access.setUnitMembers(line1, {}).ok());
        QVERIFY(access.unitMembers(line1)->isEmpty());
    }

    void createUnit()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const QString acme = QStringLiteral("Acme");
        QVERIFY(access
                    .createUnit(acme, {QStringLiteral("Cell1"), QStringLiteral("first cell"),
                                       QStringLiteral("Line1")})
                    .ok());
        QCOMPARE(access.createUnit(acme, {QStringLiteral("Cell1"), {}, QStringLiteral("Line2")})
                     .error()
                     .code,
                 ErrorCode::Conflict);
        QCOMPARE(access.createUnit(acme, {QStringLiteral("Plant1"), {}, QStringLiteral("Acme")})
                     .error()
                     .code,
                 ErrorCode::Conflict);
        const Status noParent =
            access.createUnit(acme, {QStringLiteral("Cell2"), {}, QStringLiteral("Missing")});
        QCOMPARE(noParent.error().code, ErrorCode::NotFound);
        QVERIFY(noParent.error().message.contains(QStringLiteral("Acme/Missing")));
        QCOMPARE(access.createUnit(acme, {QStringLiteral("Cell2"), {}, {}}).error().code,
                 ErrorCode::BadRequest);
        QCOMPARE(access.createUnit(acme, {QStringLiteral("bad name"), {}, QStringLiteral("Acme")})
                     .error()
                     .code,
                 ErrorCode::InvalidName);
        QCOMPARE(access
                     .createUnit(QStringLiteral("Initech"),
                                 {QStringLiteral("X"), {}, QStringLiteral("Initech")})
                     .error()
                     .code,
                 ErrorCode::NotFound);

        const auto o = store.organization(acme);
        QVERIFY(o.ok());
        QVERIFY(treeOrdered(*o));
        QCOMPARE(o->units.size(), 6);
        QCOMPARE(o->units.constLast().name, QStringLiteral("Cell1"));
        QCOMPARE(o->units.constLast().parent, QStringLiteral("Line1"));
        QCOMPARE(o->units.constLast().description, QStringLiteral("first cell"));
        QVERIFY(access.describeUnit(unit(QStringLiteral("Acme/Cell1")), QStringLiteral("c")).ok());
        QVERIFY(
            access.describeUnit(unit(QStringLiteral("Acme/Acme")), QStringLiteral("root")).ok());
        QCOMPARE(store.organization(acme)->units.constFirst().description, QStringLiteral("root"));
        QCOMPARE(access.describeUnit(unit(QStringLiteral("Acme/Nope")), {}).error().code,
                 ErrorCode::NotFound);
    }

    void renameUnitKeepsMembersAndGrants()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const Holder boiler = Holder::entity(entity(QStringLiteral("Things/Boiler1")));
        QVERIFY(access
                    .setUnitMembers(unit(QStringLiteral("Acme/Plant1")),
                                    {user(QStringLiteral("alice"))})
                    .ok());
        QVERIFY(access
                    .setVisibility(boiler, {unit(QStringLiteral("Acme/Plant1")),
                                            unit(QStringLiteral("Globex/Lab"))})
                    .ok());
        // A unit of the same name in another organization is not renamed.
        QVERIFY(access
                    .createUnit(QStringLiteral("Globex"),
                                {QStringLiteral("Plant1"), {}, QStringLiteral("Globex")})
                    .ok());
        QVERIFY(access
                    .setVisibility(Holder::entity(entity(QStringLiteral("Things/Pump7"))),
                                   {unit(QStringLiteral("Globex/Plant1"))})
                    .ok());

        QVERIFY(store
                    .inTransaction([&] {
                        return access.renameUnit(unit(QStringLiteral("Acme/Plant1")),
                                                 QStringLiteral("Works"));
                    })
                    .ok());
        QCOMPARE(names(*access.unitMembers(unit(QStringLiteral("Acme/Works")))),
                 QStringList{QStringLiteral("User:alice")});
        QCOMPARE(access.unitMembers(unit(QStringLiteral("Acme/Plant1"))).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(texts(*access.visibility(boiler)),
                 (QStringList{QStringLiteral("Acme/Works"), QStringLiteral("Globex/Lab")}));
        QCOMPARE(texts(*access.visibility(Holder::entity(entity(QStringLiteral("Things/Pump7"))))),
                 QStringList{QStringLiteral("Globex/Plant1")});
        const auto o = store.organization(QStringLiteral("Acme"));
        QVERIFY(treeOrdered(*o));
        QCOMPARE(namesOf(o->units), (QStringList{QStringLiteral("Acme"), QStringLiteral("Works"),
                                                 QStringLiteral("Line1"), QStringLiteral("Line2"),
                                                 QStringLiteral("Plant2")}));
        QCOMPARE(o->units.at(2).parent, QStringLiteral("Works"));

        // The root cannot be renamed; names are unique and valid; renaming to
        // its own name changes nothing.
        QCOMPARE(access.renameUnit(unit(QStringLiteral("Acme/Acme")), QStringLiteral("Root"))
                     .error()
                     .code,
                 ErrorCode::Conflict);
        QCOMPARE(access.renameUnit(unit(QStringLiteral("Acme/Works")), QStringLiteral("Line1"))
                     .error()
                     .code,
                 ErrorCode::Conflict);
        QCOMPARE(access.renameUnit(unit(QStringLiteral("Acme/Works")), QStringLiteral("a/b"))
                     .error()
                     .code,
                 ErrorCode::InvalidName);
        QCOMPARE(
            access.renameUnit(unit(QStringLiteral("Acme/Gone")), QStringLiteral("X")).error().code,
            ErrorCode::NotFound);
        QVERIFY(
            access.renameUnit(unit(QStringLiteral("Acme/Works")), QStringLiteral("Works")).ok());
        QCOMPARE(texts(*access.visibility(boiler)),
                 (QStringList{QStringLiteral("Acme/Works"), QStringLiteral("Globex/Lab")}));
    }

    void moveUnit()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const QString acme = QStringLiteral("Acme");
        // Cycles: under itself, under a child, under a grandchild.
        QVERIFY(
            access.createUnit(acme, {QStringLiteral("Cell1"), {}, QStringLiteral("Line1")}).ok());
        for (const QString &target :
             {QStringLiteral("Plant1"), QStringLiteral("Line1"), QStringLiteral("Cell1")}) {
            const Status cycle = access.moveUnit(unit(QStringLiteral("Acme/Plant1")), target);
            QCOMPARE(cycle.error().code, ErrorCode::Conflict);
            QVERIFY2(cycle.error().message.contains(QStringLiteral("cycle")),
                     qPrintable(cycle.error().message));
        }
        QCOMPARE(access.moveUnit(unit(QStringLiteral("Acme/Acme")), QStringLiteral("Plant2"))
                     .error()
                     .code,
                 ErrorCode::Conflict);
        QCOMPARE(access.moveUnit(unit(QStringLiteral("Acme/Plant1")), QStringLiteral("Missing"))
                     .error()
                     .code,
                 ErrorCode::NotFound);
        QCOMPARE(access.moveUnit(unit(QStringLiteral("Acme/Missing")), QStringLiteral("Acme"))
                     .error()
                     .code,
                 ErrorCode::NotFound);
        QCOMPARE(access.moveUnit(unit(QStringLiteral("Acme/Line1")), {}).error().code,
                 ErrorCode::BadRequest);
        QVERIFY(treeOrdered(*store.organization(acme)));

        // Plant1 (with its subtree) under Plant2, which was stored after it:
        // the stored order still lists each unit after its parent.
        QVERIFY(
            access
                .setUnitMembers(unit(QStringLiteral("Acme/Line1")), {user(QStringLiteral("alice"))})
                .ok());
        QVERIFY(
            access.moveUnit(unit(QStringLiteral("Acme/Plant1")), QStringLiteral("Plant2")).ok());
        const auto o = store.organization(acme);
        QVERIFY(treeOrdered(*o));
        QCOMPARE(o->units.size(), 6);
        QHash<QString, QString> parents;
        for (const auto &u : o->units)
            parents.insert(u.name, u.parent);
        QCOMPARE(parents.value(QStringLiteral("Plant1")), QStringLiteral("Plant2"));
        QCOMPARE(parents.value(QStringLiteral("Line1")), QStringLiteral("Plant1"));
        QCOMPARE(names(*access.unitMembers(unit(QStringLiteral("Acme/Line1")))),
                 QStringList{QStringLiteral("User:alice")});
        // And the model's view of the tree follows.
        const auto organizations = access.loadOrganizations();
        QCOMPARE(organizations->first.value(acme).value(QStringLiteral("Plant1")),
                 QStringLiteral("Plant2"));
        // Now Plant2 cannot go under Line1 (below it).
        QCOMPARE(access.moveUnit(unit(QStringLiteral("Acme/Plant2")), QStringLiteral("Cell1"))
                     .error()
                     .code,
                 ErrorCode::Conflict);
    }

    void deleteUnit()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const Holder boiler = Holder::entity(entity(QStringLiteral("Things/Boiler1")));
        const Holder things = Holder::collectionOf(QStringLiteral("Things"));
        QVERIFY(
            access.setUnitMembers(unit(QStringLiteral("Acme/Line2")), {user(QStringLiteral("bob"))})
                .ok());
        QVERIFY(
            access
                .setUnitMembers(unit(QStringLiteral("Acme/Line1")), {user(QStringLiteral("alice"))})
                .ok());
        QVERIFY(access
                    .setVisibility(boiler, {unit(QStringLiteral("Acme/Line2")),
                                            unit(QStringLiteral("Acme/Line1"))})
                    .ok());
        QVERIFY(access.setVisibility(things, {unit(QStringLiteral("Acme/Line2"))}).ok());

        const Status children = access.deleteUnit(unit(QStringLiteral("Acme/Plant1")));
        QCOMPARE(children.error().code, ErrorCode::Conflict);
        QVERIFY(children.error().message.contains(QStringLiteral("Line1")));
        QCOMPARE(access.deleteUnit(unit(QStringLiteral("Acme/Acme"))).error().code,
                 ErrorCode::Conflict);
        QCOMPARE(access.deleteUnit(unit(QStringLiteral("Acme/Nope"))).error().code,
                 ErrorCode::NotFound);

        QVERIFY(store
                    .inTransaction(
                        [&] { return access.deleteUnit(unit(QStringLiteral("Acme/Line2"))); })
                    .ok());
        QCOMPARE(access.unitMembers(unit(QStringLiteral("Acme/Line2"))).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE unit = "
                                           "'Line2'")),
                 0);
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{QStringLiteral("Acme/Line1")});
        QVERIFY(access.visibility(things)->isEmpty());
        QCOMPARE(names(*access.unitMembers(unit(QStringLiteral("Acme/Line1")))),
                 QStringList{QStringLiteral("User:alice")});
        // Recreating a unit of that name does not bring the old grants back.
        QVERIFY(access
                    .createUnit(QStringLiteral("Acme"),
                                {QStringLiteral("Line2"), {}, QStringLiteral("Plant1")})
                    .ok());
        QVERIFY(access.unitMembers(unit(QStringLiteral("Acme/Line2")))->isEmpty());
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{QStringLiteral("Acme/Line1")});
        QVERIFY(treeOrdered(*store.organization(QStringLiteral("Acme"))));
    }

    void organizationPutKeepsRemainingUnits()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const Holder boiler = Holder::entity(entity(QStringLiteral("Things/Boiler1")));
        QVERIFY(
            access
                .setUnitMembers(unit(QStringLiteral("Acme/Line1")), {user(QStringLiteral("alice"))})
                .ok());
        QVERIFY(
            access.setUnitMembers(unit(QStringLiteral("Acme/Line2")), {user(QStringLiteral("bob"))})
                .ok());
        QVERIFY(access
                    .setVisibility(boiler, {unit(QStringLiteral("Acme/Line1")),
                                            unit(QStringLiteral("Acme/Line2"))})
                    .ok());

        // Line2 removed, Line1 moved under Plant2 with a new description, Line3 added.
        Organization acme = *store.organization(QStringLiteral("Acme"));
        acme.description = QStringLiteral("changed");
        acme.units = {{QStringLiteral("Acme"), {}, {}},
                      {QStringLiteral("Plant2"), {}, QStringLiteral("Acme")},
                      {QStringLiteral("Line1"), QStringLiteral("moved"), QStringLiteral("Plant2")},
                      {QStringLiteral("Plant1"), {}, QStringLiteral("Acme")},
                      {QStringLiteral("Line3"), {}, QStringLiteral("Plant1")}};
        acme.modified = now();
        QVERIFY(store.updateOrganization(acme).ok());

        const auto stored = store.organization(QStringLiteral("Acme"));
        QCOMPARE(namesOf(stored->units), namesOf(acme.units));
        QCOMPARE(stored->units.at(2).parent, QStringLiteral("Plant2"));
        QCOMPARE(stored->units.at(2).description, QStringLiteral("moved"));
        QCOMPARE(stored->description, QStringLiteral("changed"));
        QCOMPARE(names(*access.unitMembers(unit(QStringLiteral("Acme/Line1")))),
                 QStringList{QStringLiteral("User:alice")});
        QCOMPARE(access.unitMembers(unit(QStringLiteral("Acme/Line2"))).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE unit = "
                                           "'Line2'")),
                 0);
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{QStringLiteral("Acme/Line1")});
        QVERIFY(access.unitMembers(unit(QStringLiteral("Acme/Line3")))->isEmpty());
    }

    void deletesCleanUp()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const QList<Rule> rules = someRules();
        const QList<UnitRef> grant{unit(QStringLiteral("Acme/Line1"))};
        for (const QString &text :
             {QStringLiteral("Things/Boiler1"), QStringLiteral("Things/Pump7"),
              QStringLiteral("ThingTemplates/TempSensor"), QStringLiteral("ThingTemplates/Sensor"),
              QStringLiteral("Users/carol"), QStringLiteral("Groups/Empty"),
              QStringLiteral("Organizations/Globex")}) {
            QVERIFY(access.setRules(Holder::entity(entity(text)), rules).ok());
            QVERIFY(access.setVisibility(Holder::entity(entity(text)), grant).ok());
        }
        for (const QString &t : {QStringLiteral("TempSensor"), QStringLiteral("Sensor")}) {
            QVERIFY(access.setRules(Holder::templateInstance(t), rules).ok());
            QVERIFY(access.setVisibility(Holder::templateInstance(t), grant).ok());
        }
        const Holder things = Holder::collectionOf(QStringLiteral("Things"));
        QVERIFY(
            access
                .setRules(things,
                          {{user(QStringLiteral("carol")), Permission::Create, Effect::Allow, {}},
                           {group(QStringLiteral("Empty")), Permission::Read, Effect::Allow, {}},
                           {user(QStringLiteral("dave")), Permission::Read, Effect::Allow, {}}})
                .ok());
        QVERIFY(access
                    .setVisibility(things, {unit(QStringLiteral("Globex/Lab")),
                                            unit(QStringLiteral("Acme2/Acme2"))})
                    .ok());
        QVERIFY(access
                    .setUnitMembers(unit(QStringLiteral("Acme/Line1")),
                                    {user(QStringLiteral("carol")), group(QStringLiteral("Empty")),
                                     user(QStringLiteral("dave"))})
                    .ok());
        QVERIFY(
            access
                .setUnitMembers(unit(QStringLiteral("Globex/Lab")), {user(QStringLiteral("dave"))})
                .ok());
        QVERIFY(
            access
                .setUnitMembers(unit(QStringLiteral("Acme2/Acme2")), {user(QStringLiteral("dave"))})
                .ok());

        const auto entityRules = [&](const QString &text) {
            return *access.rules(Holder::entity(entity(text)));
        };
        const auto entityGrants = [&](const QString &text) {
            return *access.visibility(Holder::entity(entity(text)));
        };

        QVERIFY(store.deleteThing(QStringLiteral("Boiler1")).ok());
        QVERIFY(entityRules(QStringLiteral("Things/Boiler1")).isEmpty());
        QVERIFY(entityGrants(QStringLiteral("Things/Boiler1")).isEmpty());
        QCOMPARE(keys(entityRules(QStringLiteral("Things/Pump7"))), keys(rules));
        QCOMPARE(entityGrants(QStringLiteral("Things/Pump7")), grant);

        // A template: its own and its instance rules and visibility.
        QVERIFY(store.deleteThing(QStringLiteral("Boiler2")).ok());
        QVERIFY(store.deleteTemplate(QStringLiteral("TempSensor")).ok());
        QVERIFY(entityRules(QStringLiteral("ThingTemplates/TempSensor")).isEmpty());
        QVERIFY(entityGrants(QStringLiteral("ThingTemplates/TempSensor")).isEmpty());
        QVERIFY(access.rules(Holder::templateInstance(QStringLiteral("TempSensor")))->isEmpty());
        QVERIFY(
            access.visibility(Holder::templateInstance(QStringLiteral("TempSensor")))->isEmpty());
        QCOMPARE(access.rules(Holder::templateInstance(QStringLiteral("Sensor")))->size(), 3);
        QCOMPARE(entityGrants(QStringLiteral("ThingTemplates/Sensor")), grant);
        // A refused delete leaves everything in place.
        QVERIFY(
            store
                .createThing({QStringLiteral("B3"), {}, QStringLiteral("Sensor"), {}, now(), now()})
                .ok());
        QCOMPARE(store.deleteTemplate(QStringLiteral("Sensor")).error().code, ErrorCode::Conflict);
        QCOMPARE(access.rules(Holder::templateInstance(QStringLiteral("Sensor")))->size(), 3);

        // A user: rules naming it anywhere, its unit memberships, its own rules.
        QVERIFY(store.deleteUser(QStringLiteral("carol")).ok());
        QVERIFY(entityRules(QStringLiteral("Users/carol")).isEmpty());
        QVERIFY(entityGrants(QStringLiteral("Users/carol")).isEmpty());
        QCOMPARE(access.rules(things)->size(), 2);
        QCOMPARE(names(*access.unitMembers(unit(QStringLiteral("Acme/Line1")))),
                 (QStringList{QStringLiteral("Group:Empty"), QStringLiteral("User:dave")}));

        // A group likewise; Operators' rules are untouched.
        QVERIFY(store.deleteGroup(QStringLiteral("Empty")).ok());
        QVERIFY(entityRules(QStringLiteral("Groups/Empty")).isEmpty());
        QVERIFY(entityGrants(QStringLiteral("Groups/Empty")).isEmpty());
        QCOMPARE(
            *access.rules(things),
            (QList<Rule>{{user(QStringLiteral("dave")), Permission::Read, Effect::Allow, {}}}));
        QCOMPARE(names(*access.unitMembers(unit(QStringLiteral("Acme/Line1")))),
                 QStringList{QStringLiteral("User:dave")});
        QCOMPARE(keys(entityRules(QStringLiteral("Things/Pump7"))), keys(rules));

        // An organization: its units' members, every grant to its units (and
        // not those to Acme2, whose name starts like Acme's), its own rules.
        QVERIFY(store.deleteOrganization(QStringLiteral("Acme")).ok());
        QVERIFY(entityGrants(QStringLiteral("Things/Pump7")).isEmpty());
        QVERIFY(access.visibility(Holder::templateInstance(QStringLiteral("Sensor")))->isEmpty());
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE "
                                           "organization = 'Acme'")),
                 0);
        QCOMPARE(texts(*access.visibility(things)),
                 (QStringList{QStringLiteral("Acme2/Acme2"), QStringLiteral("Globex/Lab")}));
        QCOMPARE(names(*access.unitMembers(unit(QStringLiteral("Acme2/Acme2")))),
                 QStringList{QStringLiteral("User:dave")});
        QVERIFY(store.deleteOrganization(QStringLiteral("Globex")).ok());
        QVERIFY(entityRules(QStringLiteral("Organizations/Globex")).isEmpty());
        QCOMPARE(texts(*access.visibility(things)), QStringList{QStringLiteral("Acme2/Acme2")});
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE "
                                           "organization = 'Globex'")),
                 0);
        // A missing entity is NotFound and cleans nothing.
        QCOMPARE(store.deleteThing(QStringLiteral("Boiler1")).error().code, ErrorCode::NotFound);
        QCOMPARE(store.deleteUser(QStringLiteral("nobody")).error().code, ErrorCode::NotFound);
        QCOMPARE(access.rules(Holder::templateInstance(QStringLiteral("Sensor")))->size(), 3);
    }

    void loadSnapshot()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const Holder boiler = Holder::entity(entity(QStringLiteral("Things/Boiler1")));
        const Holder sensor = Holder::templateInstance(QStringLiteral("Sensor"));
        const Holder things = Holder::collectionOf(QStringLiteral("Things"));
        QVERIFY(access.setRules(boiler, someRules()).ok());
        const QList<Rule> collectionRules{
            {user(QStringLiteral("dave")), Permission::Create, Effect::Allow, {}}};
        QVERIFY(access.setRules(things, collectionRules).ok());
        QVERIFY(access.setVisibility(sensor, {unit(QStringLiteral("Acme/Line1"))}).ok());
        QVERIFY(
            access
                .setUnitMembers(unit(QStringLiteral("Acme/Plant1")),
                                {group(QStringLiteral("Operators")), user(QStringLiteral("alice"))})
                .ok());
        QVERIFY(access.setCreator(entity(QStringLiteral("Things/Boiler1")), QStringLiteral("dave"))
                    .ok());
        QVERIFY(access
                    .setCreator(entity(QStringLiteral("ThingTemplates/TempSensor")),
                                QStringLiteral("alice"))
                    .ok());
        QVERIFY(
            access.setCreator(entity(QStringLiteral("Users/bob")), QStringLiteral("alice")).ok());
        QVERIFY(access.setCreator(entity(QStringLiteral("Groups/Empty")), QStringLiteral("carol"))
                    .ok());
        QVERIFY(
            access
                .setCreator(entity(QStringLiteral("Organizations/Globex")), QStringLiteral("dave"))
                .ok());
        QCOMPARE(access.setCreator(entity(QStringLiteral("Things/Nope")), QStringLiteral("dave"))
                     .error()
                     .code,
                 ErrorCode::NotFound);
        QCOMPARE(access.setCreator(entity(QStringLiteral("Widgets/W")), QStringLiteral("dave"))
                     .error()
                     .code,
                 ErrorCode::BadRequest);

        const auto snapshot = access.load();
        QVERIFY2(snapshot.ok(), snapshot.ok() ? "" : qPrintable(snapshot.error().message));
        QCOMPARE(
            sorted(snapshot->users.values()),
            (QStringList{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"),
                         QStringLiteral("dave"), QStringLiteral("o'brien")}));
        QCOMPARE(snapshot->groupMembers.size(), 2);
        QVERIFY(snapshot->groupMembers.contains(QStringLiteral("Empty")));
        QVERIFY(snapshot->groupMembers.value(QStringLiteral("Empty")).isEmpty());
        QCOMPARE(snapshot->groupMembers.value(QStringLiteral("Operators")),
                 QList<Principal>{user(QStringLiteral("bob"))});
        QCOMPARE(snapshot->units.size(), 3);
        const auto acme = snapshot->units.value(QStringLiteral("Acme"));
        QCOMPARE(acme.size(), 5);
        QVERIFY(acme.contains(QStringLiteral("Acme")));
        QVERIFY(acme.value(QStringLiteral("Acme")).isEmpty());
        QCOMPARE(acme.value(QStringLiteral("Line1")), QStringLiteral("Plant1"));
        QCOMPARE(acme.value(QStringLiteral("Plant2")), QStringLiteral("Acme"));
        QCOMPARE(snapshot->units.value(QStringLiteral("Globex")).value(QStringLiteral("Lab")),
                 QStringLiteral("Globex"));
        QCOMPARE(snapshot->unitMembers.size(), 1);
        QCOMPARE(names(snapshot->unitMembers.value(unit(QStringLiteral("Acme/Plant1")))),
                 (QStringList{QStringLiteral("Group:Operators"), QStringLiteral("User:alice")}));
        QCOMPARE(snapshot->rules.size(), 2);
        QCOMPARE(keys(snapshot->rules.value(boiler)), keys(someRules()));
        QCOMPARE(snapshot->rules.value(things), collectionRules);
        QCOMPARE(snapshot->visibility.size(), 1);
        QCOMPARE(snapshot->visibility.value(sensor),
                 QList<UnitRef>{unit(QStringLiteral("Acme/Line1"))});

        // Every entity of every secured collection, with template and creator.
        QCOMPARE(snapshot->entities.size(), 3 + 2 + 5 + 2 + 3);
        const auto facts = [&](const QString &text) -> QString {
            const EntityRef ref = entity(text);
            if (!snapshot->entities.contains(ref))
                qFatal("no facts for %s", qPrintable(text));
            const EntityFacts f = snapshot->entities.value(ref);
            return f.templateName + u'|' + f.creator;
        };
        QCOMPARE(facts(QStringLiteral("Things/Boiler1")), QStringLiteral("Sensor|dave"));
        QCOMPARE(facts(QStringLiteral("Things/Boiler2")), QStringLiteral("TempSensor|"));
        QCOMPARE(facts(QStringLiteral("Things/Pump7")), QStringLiteral("|"));
        QCOMPARE(facts(QStringLiteral("ThingTemplates/TempSensor")),
                 QStringLiteral("Sensor|alice"));
        QCOMPARE(facts(QStringLiteral("ThingTemplates/Sensor")), QStringLiteral("|"));
        QCOMPARE(facts(QStringLiteral("Users/bob")), QStringLiteral("|alice"));
        QCOMPARE(facts(QStringLiteral("Users/o'brien")), QStringLiteral("|"));
        QCOMPARE(facts(QStringLiteral("Groups/Empty")), QStringLiteral("|carol"));
        QCOMPARE(facts(QStringLiteral("Organizations/Globex")), QStringLiteral("|dave"));

        // The parts, and one entity's facts.
        QCOMPARE(access.loadRules()->size(), 2);
        QCOMPARE(access.loadVisibility()->value(sensor).size(), 1);
        QCOMPARE(access.loadPrincipals()->second.size(), 2);
        QCOMPARE(access.loadOrganizations()->second.size(), 1);
        const auto loaded = access.loadFacts(entity(QStringLiteral("ThingTemplates/TempSensor")));
        QCOMPARE(loaded->templateName, QStringLiteral("Sensor"));
        QCOMPARE(loaded->creator, QStringLiteral("alice"));
        QCOMPARE(access.loadFacts(entity(QStringLiteral("Things/Nope"))).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(access.loadFacts(entity(QStringLiteral("Widgets/W"))).error().code,
                 ErrorCode::BadRequest);

        // A rule the binary cannot understand fails the load rather than
        // being dropped (a dropped Deny would grant access).
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO access_rules VALUES ('entity', 'Things', 'Pump7', '', 'User', 'bob', "
            "'Teleport', 'Deny')")));
        QCOMPARE(access.load().error().code, ErrorCode::Internal);
        QVERIFY(access.load().error().message.contains(QStringLiteral("Teleport")));
    }

    void visibilityConditionBindsEverything()
    {
        QVariantList binds;
        QCOMPARE(AccessStore::visibilityCondition(QStringLiteral("Things"),
                                                  ListFilter::everything(), QStringLiteral("t"),
                                                  binds),
                 QStringLiteral("1=1"));
        QVERIFY(binds.isEmpty());
        // Nothing to see through: nothing passes, and no "IN ()".
        QCOMPARE(AccessStore::visibilityCondition(QStringLiteral("Things"), ListFilter{},
                                                  QStringLiteral("t"), binds),
                 QStringLiteral("1=0"));
        QVERIFY(binds.isEmpty());
        ListFilter filter;
        filter.creator = QStringLiteral("x' OR '1'='1");
        filter.self = QStringLiteral("me");
        filter.templates = {QStringLiteral("T1"), QStringLiteral("T2")};
        filter.units = {QStringLiteral("Acme/Line1")};
        const QString things = AccessStore::visibilityCondition(QStringLiteral("Things"), filter,
                                                                QStringLiteral("t"), binds);
        QVERIFY(!things.contains(QStringLiteral("x'")));
        QVERIFY(!things.contains(QStringLiteral("Acme")));
        QVERIFY(!things.contains(QStringLiteral("()")));
        QCOMPARE(things.count(u'?'), binds.size());
        QCOMPARE(binds.size(), 1 + 2 + 2 + 1); // creator, templates, kind and collection, unit
        binds.clear();
        // self applies to Users only, templates to Things only.
        const QString users = AccessStore::visibilityCondition(QStringLiteral("Users"), filter,
                                                               QStringLiteral("u"), binds);
        QVERIFY(users.contains(QStringLiteral("u.name = ?")));
        QVERIFY(!users.contains(QStringLiteral("template")));
        QCOMPARE(users.count(u'?'), binds.size());
        binds.clear();
        QCOMPARE(AccessStore::visibilityCondition(QStringLiteral("Widgets"), filter,
                                                  QStringLiteral("w"), binds),
                 QStringLiteral("1=0"));
    }

    void filteredListing()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        // A Thing and a template sharing a name, and names with quotes.
        QVERIFY(store.createTemplate({QStringLiteral("Shared"), {}, {}, {}, now(), now()}).ok());
        QVERIFY(store.createThing({QStringLiteral("Shared"), {}, {}, {}, now(), now()}).ok());
        QVERIFY(store.createThing({QStringLiteral("It's"), {}, {}, {}, now(), now()}).ok());
        QVERIFY(access.setCreator(entity(QStringLiteral("Things/It's")), QStringLiteral("o'brien"))
                    .ok());
        QVERIFY(
            access.setCreator(entity(QStringLiteral("Things/Pump7")), QStringLiteral("dave")).ok());
        QVERIFY(
            access.setCreator(entity(QStringLiteral("Users/bob")), QStringLiteral("dave")).ok());
        QVERIFY(access
                    .setVisibility(Holder::entity(entity(QStringLiteral("Things/Boiler1"))),
                                   {unit(QStringLiteral("Acme/Line1"))})
                    .ok());
        QVERIFY(access
                    .setVisibility(Holder::entity(entity(QStringLiteral("Things/It's"))),
                                   {unit(QStringLiteral("Globex/Lab"))})
                    .ok());
        // Grants on other holders must not show Things through the unit filter.
        QVERIFY(access
                    .setVisibility(Holder::entity(entity(QStringLiteral("ThingTemplates/Shared"))),
                                   {unit(QStringLiteral("Acme/Line1"))})
                    .ok());
        QVERIFY(access
                    .setVisibility(Holder::templateInstance(QStringLiteral("Sensor")),
                                   {unit(QStringLiteral("Acme/Line1"))})
                    .ok());
        QVERIFY(access
                    .setVisibility(Holder::collectionOf(QStringLiteral("Things")),
                                   {unit(QStringLiteral("Acme/Line1"))})
                    .ok());
        QVERIFY(access
                    .setVisibility(Holder::entity(entity(QStringLiteral("Groups/Operators"))),
                                   {unit(QStringLiteral("Globex/Lab"))})
                    .ok());
        QVERIFY(access
                    .setVisibility(Holder::entity(entity(QStringLiteral("Organizations/Acme"))),
                                   {unit(QStringLiteral("Acme/Line1"))})
                    .ok());

        const auto things = [&](const ListFilter &filter) {
            auto listed = store.listThings(filter);
            if (!listed)
                qFatal("%s", qPrintable(listed.error().message));
            auto visible = access.visibleNames(QStringLiteral("Things"), filter);
            if (!visible)
                qFatal("%s", qPrintable(visible.error().message));
            // Both ask the database the same question.
            if (namesOf(*listed) != *visible)
                qFatal("listThings and visibleNames disagree");
            return sorted(*visible);
        };

        QCOMPARE(
            things(ListFilter::everything()),
            sorted({QStringLiteral("Boiler1"), QStringLiteral("Boiler2"), QStringLiteral("It's"),
                    QStringLiteral("Pump7"), QStringLiteral("Shared")}));
        QCOMPARE(things(ListFilter{}), QStringList{});

        ListFilter creator;
        creator.creator = QStringLiteral("dave");
        QCOMPARE(things(creator), QStringList{QStringLiteral("Pump7")});
        creator.creator = QStringLiteral("o'brien");
        QCOMPARE(things(creator), QStringList{QStringLiteral("It's")});
        creator.creator = QStringLiteral("x' OR '1'='1");
        QCOMPARE(things(creator), QStringList{});

        ListFilter units;
        units.units = {QStringLiteral("Acme/Line1")};
        QCOMPARE(things(units), QStringList{QStringLiteral("Boiler1")});
        units.units = {QStringLiteral("Acme/Line1"), QStringLiteral("Globex/Lab")};
        QCOMPARE(things(units), sorted({QStringLiteral("Boiler1"), QStringLiteral("It's")}));
        units.units = {QStringLiteral("Acme/Line2"), QStringLiteral("') OR 1=1 --")};
        QCOMPARE(things(units), QStringList{});

        ListFilter templates;
        templates.templates = {QStringLiteral("TempSensor")};
        QCOMPARE(things(templates), QStringList{QStringLiteral("Boiler2")});
        templates.templates = {QStringLiteral("Sensor"), QStringLiteral("TempSensor")};
        QCOMPARE(things(templates),
                 (QStringList{QStringLiteral("Boiler1"), QStringLiteral("Boiler2")}));
        templates.templates = {QStringLiteral("%")};
        QCOMPARE(things(templates), QStringList{});

        // A union of everything the filter lets through; self means nothing for Things.
        ListFilter several;
        several.creator = QStringLiteral("dave");
        several.units = {QStringLiteral("Globex/Lab")};
        several.templates = {QStringLiteral("TempSensor")};
        several.self = QStringLiteral("Pump7");
        QCOMPARE(things(several), sorted({QStringLiteral("Boiler2"), QStringLiteral("It's"),
                                          QStringLiteral("Pump7")}));
        several.creator.clear();
        QCOMPARE(things(several), sorted({QStringLiteral("Boiler2"), QStringLiteral("It's")}));

        // Templates: the entity grant to Shared, not the instance one to Sensor.
        ListFilter line1;
        line1.units = {QStringLiteral("Acme/Line1")};
        QCOMPARE(namesOf(*store.listTemplates(line1)), QStringList{QStringLiteral("Shared")});
        QCOMPARE(*access.visibleNames(QStringLiteral("ThingTemplates"), line1),
                 QStringList{QStringLiteral("Shared")});
        QCOMPARE(store.listTemplates(ListFilter{})->size(), 0);
        QCOMPARE(store.listTemplates()->size(), 3);

        // Users: self and creator.
        ListFilter self;
        self.self = QStringLiteral("alice");
        QCOMPARE(namesOf(*store.listUsers(self)), QStringList{QStringLiteral("alice")});
        self.creator = QStringLiteral("dave");
        QCOMPARE(namesOf(*store.listUsers(self)),
                 (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
        self.self = QStringLiteral("o'brien");
        self.creator.clear();
        QCOMPARE(namesOf(*store.listUsers(self)), QStringList{QStringLiteral("o'brien")});
        QCOMPARE(store.listUsers()->size(), 5);

        // Groups, with their members; organizations, with their units.
        ListFilter lab;
        lab.units = {QStringLiteral("Globex/Lab")};
        const auto groups = store.listGroups(lab);
        QCOMPARE(namesOf(*groups), QStringList{QStringLiteral("Operators")});
        QCOMPARE(groups->constFirst().members, QList<Principal>{user(QStringLiteral("bob"))});
        QCOMPARE(store.listGroups()->size(), 2);
        QCOMPARE(store.listGroups(ListFilter{})->size(), 0);
        const auto organizations = store.listOrganizations(line1);
        QCOMPARE(namesOf(*organizations), QStringList{QStringLiteral("Acme")});
        QCOMPARE(namesOf(organizations->constFirst().units),
                 namesOf(store.organization(QStringLiteral("Acme"))->units));
        const auto all = store.listOrganizations();
        QCOMPARE(namesOf(*all), (QStringList{QStringLiteral("Acme"), QStringLiteral("Acme2"),
                                             QStringLiteral("Globex")}));
        QCOMPARE(all->at(2).units.size(), 2);
        QVERIFY(store.listOrganizations(ListFilter{})->isEmpty());

        QCOMPARE(
            access.visibleNames(QStringLiteral("Widgets"), ListFilter::everything()).error().code,
            ErrorCode::BadRequest);
    }

    void grantsToUnits()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        populate(store);
        AccessStore access(*db);
        const Holder boiler = Holder::entity(entity(QStringLiteral("Things/Boiler1")));
        const Holder sensor = Holder::templateInstance(QStringLiteral("Sensor"));
        const Holder things = Holder::collectionOf(QStringLiteral("Things"));
        QVERIFY(access.setVisibility(boiler, {unit(QStringLiteral("Acme/Line1"))}).ok());
        QVERIFY(access.setVisibility(sensor, {unit(QStringLiteral("Acme/Line2"))}).ok());
        QVERIFY(access.setVisibility(things, {unit(QStringLiteral("Acme/Plant2"))}).ok());
        QVERIFY(access.grantsTo({})->isEmpty());
        const auto grants = access.grantsTo(
            {unit(QStringLiteral("Acme/Line1")), unit(QStringLiteral("Acme/Line2"))});
        QVERIFY(grants.ok());
        QCOMPARE(grants->size(), 2);
        QSet<QString> seen;
        for (const auto &[holder, granted] : *grants)
            seen.insert(holder.toString() + u'@' + granted.toString());
        QCOMPARE(seen,
                 (QSet<QString>{QStringLiteral("Things/Boiler1@Acme/Line1"),
                                QStringLiteral("ThingTemplates/Sensor (instance)@Acme/Line2")}));
        QCOMPARE(access.grantsTo({unit(QStringLiteral("Acme/Plant2"))})->constFirst().first,
                 things);
        QVERIFY(access.grantsTo({unit(QStringLiteral("Globex/Lab"))})->isEmpty());
    }

    void migrationFromSchema3()
    {
        auto db = m_databases.fresh();
        QVERIFY(db->migrate(3).ok());
        {
            EntityStore store(*db);
            populate(store);
        }
        QCOMPARE(*db->schemaVersion(), 3);
        QVERIFY(db->migrate().ok());
        QCOMPARE(*db->schemaVersion(), 4);
        EntityStore store(*db);
        AccessStore access(*db);
        // No grants, rules or unit members; every creator unknown.
        for (const char *table : {"access_rules", "access_visibility", "unit_members"})
            QCOMPARE(
                count(*db,
                      QStringLiteral("SELECT COUNT(*) FROM %1").arg(QString::fromLatin1(table))),
                0);
        for (const char *table :
             {"things", "thing_templates", "users", "user_groups", "organizations"}) {
            const QString name = QString::fromLatin1(table);
            QVERIFY(count(*db, QStringLiteral("SELECT COUNT(*) FROM %1").arg(name)) > 0);
            QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM %1 WHERE creator IS NOT NULL")
                                    .arg(name)),
                     0);
        }
        const auto snapshot = access.load();
        QVERIFY(snapshot.ok());
        QVERIFY(snapshot->rules.isEmpty());
        QVERIFY(snapshot->visibility.isEmpty());
        QVERIFY(snapshot->unitMembers.isEmpty());
        QCOMPARE(snapshot->entities.size(), 15);
        for (const EntityFacts &facts : snapshot->entities)
            QVERIFY(facts.creator.isEmpty());
        QCOMPARE(snapshot->entities.value(entity(QStringLiteral("Things/Boiler2"))).templateName,
                 QStringLiteral("TempSensor"));
        // Nothing is visible to a non-administrator's filter.
        ListFilter alice;
        alice.creator = QStringLiteral("alice");
        alice.self = QStringLiteral("alice");
        alice.units = {QStringLiteral("Acme/Acme")};
        QVERIFY(store.listThings(alice)->isEmpty());
        QCOMPARE(namesOf(*store.listUsers(alice)), QStringList{QStringLiteral("alice")});
        QCOMPARE(store.listThings()->size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestAccessStore)
#include "tst_accessstore.moc"
