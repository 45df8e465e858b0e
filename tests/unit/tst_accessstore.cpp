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
using namespace Qt::StringLiterals;

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

// A holder by the text it shows as: "Things/Boiler1", "ThingTemplates/Sensor
// (instance)", or a collection's name alone ("Things").
Holder holder(const QString &text)
{
    static const QString instance = u" (instance)"_s;
    if (text.endsWith(instance))
        return Holder::templateInstance(text.section(u'/', 1).chopped(instance.size()));
    if (!text.contains(u'/'))
        return Holder::collectionOf(text);
    return Holder::entity(entity(text));
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

// Users alice, bob, carol, dave, "o'brien"; groups Operators ∋ bob and
// Empty; organizations Acme (Acme > Plant1 > Line1, Line2; Acme >
// Plant2), Acme2 (root only) and Globex (Globex > Lab); templates Sensor
// and TempSensor (from Sensor); Things Boiler1 (Sensor), Boiler2
// (TempSensor), Pump7 (none).
void populate(EntityStore &store)
{
    for (const QString &name : {u"alice"_s, u"bob"_s, u"carol"_s, u"dave"_s, u"o'brien"_s}) {
        User u;
        u.name = name;
        u.created = u.modified = now();
        QVERIFY(store.createUser(u, {}).ok());
    }
    QVERIFY(store.createGroup({u"Operators"_s, {}, {user(u"bob"_s)}, now(), now()}).ok());
    QVERIFY(store.createGroup({u"Empty"_s, {}, {}, now(), now()}).ok());
    Organization acme{u"Acme"_s, {}, {}, now(), now()};
    acme.units = {{u"Acme"_s, {}, {}},
                  {u"Plant1"_s, {}, u"Acme"_s},
                  {u"Line1"_s, {}, u"Plant1"_s},
                  {u"Line2"_s, {}, u"Plant1"_s},
                  {u"Plant2"_s, {}, u"Acme"_s}};
    QVERIFY(store.createOrganization(acme).ok());
    QVERIFY(store.createOrganization({u"Acme2"_s, {}, {{u"Acme2"_s, {}, {}}}, now(), now()}).ok());
    QVERIFY(store
                .createOrganization({u"Globex"_s,
                                     {},
                                     {{u"Globex"_s, {}, {}}, {u"Lab"_s, {}, u"Globex"_s}},
                                     now(),
                                     now()})
                .ok());
    QVERIFY(store.createTemplate({u"Sensor"_s, {}, {}, {}, now(), now()}).ok());
    QVERIFY(store.createTemplate({u"TempSensor"_s, {}, u"Sensor"_s, {}, now(), now()}).ok());
    QVERIFY(store.createThing({u"Boiler1"_s, {}, u"Sensor"_s, {}, now(), now()}).ok());
    QVERIFY(store.createThing({u"Boiler2"_s, {}, u"TempSensor"_s, {}, now(), now()}).ok());
    QVERIFY(store.createThing({u"Pump7"_s, {}, {}, {}, now(), now()}).ok());
}

// A new database of the current row's backend with populate()'s entities, the
// stores over it, and the holders most tests use.
struct Scene
{
    explicit Scene(TestDatabases &databases)
        : db(databases.fresh(TestDatabases::Schema::Latest))
        , store(*db)
        , access(*db)
    {
        populate(store);
    }

    std::unique_ptr<Database> db;
    EntityStore store;
    AccessStore access;
    const Holder boiler = holder(u"Things/Boiler1"_s);
    const Holder sensor = holder(u"ThingTemplates/Sensor (instance)"_s);
    const Holder things = holder(u"Things"_s);
};

} // namespace

class TestAccessStore : public QObject
{
    Q_OBJECT

private:
    TestDatabases m_databases;

    static QList<Rule> someRules()
    {
        return {{group(u"Operators"_s), Permission::ServiceInvoke, Effect::Allow, u"Service1"_s},
                {group(u"Operators"_s), Permission::ServiceInvoke, Effect::Deny, {}},
                {user(u"alice"_s), Permission::Read, Effect::Allow, {}}};
    }

private Q_SLOTS:
    void initTestCase_data() { TestDatabases::addBackendRows(); }

    void rulesRoundTripAndReplacement()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        const Holder sensorItself = Holder::entity(entity(u"ThingTemplates/Sensor"_s));

        QVERIFY(access.rules(boiler)->isEmpty());
        QVERIFY(store.inTransaction([&] { return access.setRules(boiler, someRules()); }).ok());
        const QList<Rule> instanceRules{
            {group(u"Operators"_s), Permission::Create, Effect::Allow, {}}};
        QVERIFY(access.setRules(sensor, instanceRules).ok());
        const QList<Rule> templateRules{{user(u"carol"_s), Permission::Update, Effect::Deny, {}}};
        QVERIFY(access.setRules(sensorItself, templateRules).ok());
        const QList<Rule> collectionRules{{user(u"dave"_s), Permission::Create, Effect::Allow, {}}};
        QVERIFY(access.setRules(things, collectionRules).ok());

        QCOMPARE(keys(*access.rules(boiler)), keys(someRules()));
        // A template's instance rules and its own rules are separate holders.
        QCOMPARE(*access.rules(sensor), instanceRules);
        QCOMPARE(*access.rules(sensorItself), templateRules);
        QCOMPARE(*access.rules(things), collectionRules);

        // Replaced as a whole.
        const QList<Rule> replacement{
            {user(u"bob"_s), Permission::PropertyWrite, Effect::Deny, u"setpoint"_s}};
        QVERIFY(access.setRules(boiler, replacement).ok());
        QCOMPARE(*access.rules(boiler), replacement);
        QVERIFY(access.setRules(boiler, {}).ok());
        QVERIFY(access.rules(boiler)->isEmpty());
        QCOMPARE(*access.rules(things), collectionRules);

        // Two rules for the same (member, principal, permission) are refused,
        // and nothing is written.
        QVERIFY(access.setRules(boiler, replacement).ok());
        QList<Rule> twice = someRules();
        twice << Rule{user(u"alice"_s), Permission::Read, Effect::Deny, {}};
        const Status refused = access.setRules(boiler, twice);
        QCOMPARE(refused.error().code, ErrorCode::BadRequest);
        QVERIFY2(refused.error().message.contains(u"alice"_s), qPrintable(refused.error().message));
        QCOMPARE(*access.rules(boiler), replacement);

        // The same rule for another member is a different rule.
        QList<Rule> members{{user(u"bob"_s), Permission::PropertyRead, Effect::Allow, u"a"_s},
                            {user(u"bob"_s), Permission::PropertyRead, Effect::Deny, u"b"_s}};
        QVERIFY(access.setRules(boiler, members).ok());
        QCOMPARE(keys(*access.rules(boiler)), keys(members));
    }

    void visibilityRoundTripAndReplacement()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        QVERIFY(access.visibility(boiler)->isEmpty());
        QVERIFY(access
                    .setVisibility(boiler, {unit(u"Globex/Lab"_s), unit(u"Acme/Line1"_s),
                                            unit(u"Acme/Line1"_s)})
                    .ok());
        QVERIFY(access.setVisibility(sensor, {unit(u"Acme/Plant2"_s)}).ok());
        QCOMPARE(texts(*access.visibility(boiler)),
                 (QStringList{u"Acme/Line1"_s, u"Globex/Lab"_s}));
        QCOMPARE(texts(*access.visibility(sensor)), QStringList{u"Acme/Plant2"_s});
        QVERIFY(access.setVisibility(boiler, {unit(u"Acme/Acme"_s)}).ok());
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{u"Acme/Acme"_s});
        QVERIFY(access.setVisibility(boiler, {}).ok());
        QVERIFY(access.visibility(boiler)->isEmpty());
        QCOMPARE(texts(*access.visibility(sensor)), QStringList{u"Acme/Plant2"_s});
    }

    void unitMembersRoundTrip()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        const UnitRef line1 = unit(u"Acme/Line1"_s);
        QVERIFY(access.unitMembers(line1)->isEmpty());
        QVERIFY(
            access
                .setUnitMembers(line1, {user(u"alice"_s), group(u"Operators"_s), user(u"alice"_s)})
                .ok());
        QCOMPARE(names(*access.unitMembers(line1)),
                 (QStringList{u"Group:Operators"_s, u"User:alice"_s}));
        QVERIFY(access.setUnitMembers(line1, {user(u"carol"_s)}).ok());
        QCOMPARE(names(*access.unitMembers(line1)), QStringList{u"User:carol"_s});

        QCOMPARE(access.unitMembers(unit(u"Acme/Nowhere"_s)).error().code, ErrorCode::NotFound);
        const auto noOrganization = access.unitMembers(unit(u"Initech/Initech"_s));
        QCOMPARE(noOrganization.error().code, ErrorCode::NotFound);
        QVERIFY(noOrganization.error().message.contains(u"Initech"_s));
        QCOMPARE(access.setUnitMembers(unit(u"Acme/Nowhere"_s), {}).error().code,
                 ErrorCode::NotFound);
        const Status ghost = access.setUnitMembers(line1, {user(u"ghost"_s)});
        QCOMPARE(ghost.error().code, ErrorCode::NotFound);
        QVERIFY(ghost.error().message.contains(u"ghost"_s));
        QCOMPARE(names(*access.unitMembers(line1)), QStringList{u"User:carol"_s});
        QVERIFY(access.setUnitMembers(line1, {}).ok());
        QVERIFY(access.unitMembers(line1)->isEmpty());
    }

    void createUnit()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        const QString acme = u"Acme"_s;
        QVERIFY(access.createUnit(acme, {u"Cell1"_s, u"first cell"_s, u"Line1"_s}).ok());
        QCOMPARE(access.createUnit(acme, {u"Cell1"_s, {}, u"Line2"_s}).error().code,
                 ErrorCode::Conflict);
        QCOMPARE(access.createUnit(acme, {u"Plant1"_s, {}, u"Acme"_s}).error().code,
                 ErrorCode::Conflict);
        const Status noParent = access.createUnit(acme, {u"Cell2"_s, {}, u"Missing"_s});
        QCOMPARE(noParent.error().code, ErrorCode::NotFound);
        QVERIFY(noParent.error().message.contains(u"Acme/Missing"_s));
        QCOMPARE(access.createUnit(acme, {u"Cell2"_s, {}, {}}).error().code, ErrorCode::BadRequest);
        QCOMPARE(access.createUnit(acme, {u"bad name"_s, {}, u"Acme"_s}).error().code,
                 ErrorCode::InvalidName);
        QCOMPARE(access.createUnit(u"Initech"_s, {u"X"_s, {}, u"Initech"_s}).error().code,
                 ErrorCode::NotFound);

        const auto o = store.organization(acme);
        QVERIFY(o.ok());
        QVERIFY(treeOrdered(*o));
        QCOMPARE(o->units.size(), 6);
        QCOMPARE(o->units.constLast().name, u"Cell1"_s);
        QCOMPARE(o->units.constLast().parent, u"Line1"_s);
        QCOMPARE(o->units.constLast().description, u"first cell"_s);
        QVERIFY(access.describeUnit(unit(u"Acme/Cell1"_s), u"c"_s).ok());
        QVERIFY(access.describeUnit(unit(u"Acme/Acme"_s), u"root"_s).ok());
        QCOMPARE(store.organization(acme)->units.constFirst().description, u"root"_s);
        QCOMPARE(access.describeUnit(unit(u"Acme/Nope"_s), {}).error().code, ErrorCode::NotFound);
    }

    void renameUnitKeepsMembersAndGrants()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        QVERIFY(access.setUnitMembers(unit(u"Acme/Plant1"_s), {user(u"alice"_s)}).ok());
        QVERIFY(access.setVisibility(boiler, {unit(u"Acme/Plant1"_s), unit(u"Globex/Lab"_s)}).ok());
        // A unit of the same name in another organization is not renamed.
        QVERIFY(access.createUnit(u"Globex"_s, {u"Plant1"_s, {}, u"Globex"_s}).ok());
        QVERIFY(access
                    .setVisibility(Holder::entity(entity(u"Things/Pump7"_s)),
                                   {unit(u"Globex/Plant1"_s)})
                    .ok());

        QVERIFY(store
                    .inTransaction(
                        [&] { return access.renameUnit(unit(u"Acme/Plant1"_s), u"Works"_s); })
                    .ok());
        QCOMPARE(names(*access.unitMembers(unit(u"Acme/Works"_s))), QStringList{u"User:alice"_s});
        QCOMPARE(access.unitMembers(unit(u"Acme/Plant1"_s)).error().code, ErrorCode::NotFound);
        QCOMPARE(texts(*access.visibility(boiler)),
                 (QStringList{u"Acme/Works"_s, u"Globex/Lab"_s}));
        QCOMPARE(texts(*access.visibility(Holder::entity(entity(u"Things/Pump7"_s)))),
                 QStringList{u"Globex/Plant1"_s});
        const auto o = store.organization(u"Acme"_s);
        QVERIFY(treeOrdered(*o));
        QCOMPARE(namesOf(o->units),
                 (QStringList{u"Acme"_s, u"Works"_s, u"Line1"_s, u"Line2"_s, u"Plant2"_s}));
        QCOMPARE(o->units.at(2).parent, u"Works"_s);

        // The root cannot be renamed; names are unique and valid; renaming to
        // its own name changes nothing.
        QCOMPARE(access.renameUnit(unit(u"Acme/Acme"_s), u"Root"_s).error().code,
                 ErrorCode::Conflict);
        QCOMPARE(access.renameUnit(unit(u"Acme/Works"_s), u"Line1"_s).error().code,
                 ErrorCode::Conflict);
        QCOMPARE(access.renameUnit(unit(u"Acme/Works"_s), u"a/b"_s).error().code,
                 ErrorCode::InvalidName);
        QCOMPARE(access.renameUnit(unit(u"Acme/Gone"_s), u"X"_s).error().code, ErrorCode::NotFound);
        QVERIFY(access.renameUnit(unit(u"Acme/Works"_s), u"Works"_s).ok());
        QCOMPARE(texts(*access.visibility(boiler)),
                 (QStringList{u"Acme/Works"_s, u"Globex/Lab"_s}));
    }

    void moveUnit()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        const QString acme = u"Acme"_s;
        // Cycles: under itself, under a child, under a grandchild.
        QVERIFY(access.createUnit(acme, {u"Cell1"_s, {}, u"Line1"_s}).ok());
        for (const QString &target : {u"Plant1"_s, u"Line1"_s, u"Cell1"_s}) {
            const Status cycle = access.moveUnit(unit(u"Acme/Plant1"_s), target);
            QCOMPARE(cycle.error().code, ErrorCode::Conflict);
            QVERIFY2(cycle.error().message.contains(u"cycle"_s), qPrintable(cycle.error().message));
        }
        QCOMPARE(access.moveUnit(unit(u"Acme/Acme"_s), u"Plant2"_s).error().code,
                 ErrorCode::Conflict);
        QCOMPARE(access.moveUnit(unit(u"Acme/Plant1"_s), u"Missing"_s).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(access.moveUnit(unit(u"Acme/Missing"_s), u"Acme"_s).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(access.moveUnit(unit(u"Acme/Line1"_s), {}).error().code, ErrorCode::BadRequest);
        QVERIFY(treeOrdered(*store.organization(acme)));

        // Plant1 (with its subtree) under Plant2, which was stored after it:
        // the stored order still lists each unit after its parent.
        QVERIFY(access.setUnitMembers(unit(u"Acme/Line1"_s), {user(u"alice"_s)}).ok());
        QVERIFY(access.moveUnit(unit(u"Acme/Plant1"_s), u"Plant2"_s).ok());
        const auto o = store.organization(acme);
        QVERIFY(treeOrdered(*o));
        QCOMPARE(o->units.size(), 6);
        QHash<QString, QString> parents;
        for (const auto &u : o->units)
            parents.insert(u.name, u.parent);
        QCOMPARE(parents.value(u"Plant1"_s), u"Plant2"_s);
        QCOMPARE(parents.value(u"Line1"_s), u"Plant1"_s);
        QCOMPARE(names(*access.unitMembers(unit(u"Acme/Line1"_s))), QStringList{u"User:alice"_s});
        // And the model's view of the tree follows.
        const auto organizations = access.loadOrganizations();
        QCOMPARE(organizations->first.value(acme).value(u"Plant1"_s), u"Plant2"_s);
        // Now Plant2 cannot go under Line1 (below it).
        QCOMPARE(access.moveUnit(unit(u"Acme/Plant2"_s), u"Cell1"_s).error().code,
                 ErrorCode::Conflict);
    }

    void deleteUnit()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        QVERIFY(access.setUnitMembers(unit(u"Acme/Line2"_s), {user(u"bob"_s)}).ok());
        QVERIFY(access.setUnitMembers(unit(u"Acme/Line1"_s), {user(u"alice"_s)}).ok());
        QVERIFY(access.setVisibility(boiler, {unit(u"Acme/Line2"_s), unit(u"Acme/Line1"_s)}).ok());
        QVERIFY(access.setVisibility(things, {unit(u"Acme/Line2"_s)}).ok());

        const Status children = access.deleteUnit(unit(u"Acme/Plant1"_s));
        QCOMPARE(children.error().code, ErrorCode::Conflict);
        QVERIFY(children.error().message.contains(u"Line1"_s));
        QCOMPARE(access.deleteUnit(unit(u"Acme/Acme"_s)).error().code, ErrorCode::Conflict);
        QCOMPARE(access.deleteUnit(unit(u"Acme/Nope"_s)).error().code, ErrorCode::NotFound);

        QVERIFY(store.inTransaction([&] { return access.deleteUnit(unit(u"Acme/Line2"_s)); }).ok());
        QCOMPARE(access.unitMembers(unit(u"Acme/Line2"_s)).error().code, ErrorCode::NotFound);
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE unit = "
                                           "'Line2'")),
                 0);
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{u"Acme/Line1"_s});
        QVERIFY(access.visibility(things)->isEmpty());
        QCOMPARE(names(*access.unitMembers(unit(u"Acme/Line1"_s))), QStringList{u"User:alice"_s});
        // Recreating a unit of that name does not bring the old grants back.
        QVERIFY(access.createUnit(u"Acme"_s, {u"Line2"_s, {}, u"Plant1"_s}).ok());
        QVERIFY(access.unitMembers(unit(u"Acme/Line2"_s))->isEmpty());
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{u"Acme/Line1"_s});
        QVERIFY(treeOrdered(*store.organization(u"Acme"_s)));
    }

    void organizationPutKeepsRemainingUnits()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        QVERIFY(access.setUnitMembers(unit(u"Acme/Line1"_s), {user(u"alice"_s)}).ok());
        QVERIFY(access.setUnitMembers(unit(u"Acme/Line2"_s), {user(u"bob"_s)}).ok());
        QVERIFY(access.setVisibility(boiler, {unit(u"Acme/Line1"_s), unit(u"Acme/Line2"_s)}).ok());

        // Line2 removed, Line1 moved under Plant2 with a new description, Line3 added.
        Organization acme = *store.organization(u"Acme"_s);
        acme.description = u"changed"_s;
        acme.units = {{u"Acme"_s, {}, {}},
                      {u"Plant2"_s, {}, u"Acme"_s},
                      {u"Line1"_s, u"moved"_s, u"Plant2"_s},
                      {u"Plant1"_s, {}, u"Acme"_s},
                      {u"Line3"_s, {}, u"Plant1"_s}};
        acme.modified = now();
        QVERIFY(store.updateOrganization(acme).ok());

        const auto stored = store.organization(u"Acme"_s);
        QCOMPARE(namesOf(stored->units), namesOf(acme.units));
        QCOMPARE(stored->units.at(2).parent, u"Plant2"_s);
        QCOMPARE(stored->units.at(2).description, u"moved"_s);
        QCOMPARE(stored->description, u"changed"_s);
        QCOMPARE(names(*access.unitMembers(unit(u"Acme/Line1"_s))), QStringList{u"User:alice"_s});
        QCOMPARE(access.unitMembers(unit(u"Acme/Line2"_s)).error().code, ErrorCode::NotFound);
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE unit = "
                                           "'Line2'")),
                 0);
        QCOMPARE(texts(*access.visibility(boiler)), QStringList{u"Acme/Line1"_s});
        QVERIFY(access.unitMembers(unit(u"Acme/Line3"_s))->isEmpty());
    }

    void deletesCleanUp()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        const QList<Rule> rules = someRules();
        const QList<UnitRef> grant{unit(u"Acme/Line1"_s)};
        for (const QString &text :
             {u"Things/Boiler1"_s, u"Things/Pump7"_s, u"ThingTemplates/TempSensor"_s,
              u"ThingTemplates/Sensor"_s, u"Users/carol"_s, u"Groups/Empty"_s,
              u"Organizations/Globex"_s}) {
            QVERIFY(access.setRules(Holder::entity(entity(text)), rules).ok());
            QVERIFY(access.setVisibility(Holder::entity(entity(text)), grant).ok());
        }
        for (const QString &t : {u"TempSensor"_s, u"Sensor"_s}) {
            QVERIFY(access.setRules(Holder::templateInstance(t), rules).ok());
            QVERIFY(access.setVisibility(Holder::templateInstance(t), grant).ok());
        }
        QVERIFY(access
                    .setRules(things, {{user(u"carol"_s), Permission::Create, Effect::Allow, {}},
                                       {group(u"Empty"_s), Permission::Read, Effect::Allow, {}},
                                       {user(u"dave"_s), Permission::Read, Effect::Allow, {}}})
                    .ok());
        QVERIFY(access.setVisibility(things, {unit(u"Globex/Lab"_s), unit(u"Acme2/Acme2"_s)}).ok());
        QVERIFY(access
                    .setUnitMembers(unit(u"Acme/Line1"_s),
                                    {user(u"carol"_s), group(u"Empty"_s), user(u"dave"_s)})
                    .ok());
        QVERIFY(access.setUnitMembers(unit(u"Globex/Lab"_s), {user(u"dave"_s)}).ok());
        QVERIFY(access.setUnitMembers(unit(u"Acme2/Acme2"_s), {user(u"dave"_s)}).ok());

        const auto entityRules = [&](const QString &text) {
            return *access.rules(Holder::entity(entity(text)));
        };
        const auto entityGrants = [&](const QString &text) {
            return *access.visibility(Holder::entity(entity(text)));
        };

        QVERIFY(store.deleteThing(u"Boiler1"_s).ok());
        QVERIFY(entityRules(u"Things/Boiler1"_s).isEmpty());
        QVERIFY(entityGrants(u"Things/Boiler1"_s).isEmpty());
        QCOMPARE(keys(entityRules(u"Things/Pump7"_s)), keys(rules));
        QCOMPARE(entityGrants(u"Things/Pump7"_s), grant);

        // A template: its own and its instance rules and visibility.
        QVERIFY(store.deleteThing(u"Boiler2"_s).ok());
        QVERIFY(store.deleteTemplate(u"TempSensor"_s).ok());
        QVERIFY(entityRules(u"ThingTemplates/TempSensor"_s).isEmpty());
        QVERIFY(entityGrants(u"ThingTemplates/TempSensor"_s).isEmpty());
        QVERIFY(access.rules(Holder::templateInstance(u"TempSensor"_s))->isEmpty());
        QVERIFY(access.visibility(Holder::templateInstance(u"TempSensor"_s))->isEmpty());
        QCOMPARE(access.rules(Holder::templateInstance(u"Sensor"_s))->size(), 3);
        QCOMPARE(entityGrants(u"ThingTemplates/Sensor"_s), grant);
        // A refused delete leaves everything in place.
        QVERIFY(store.createThing({u"B3"_s, {}, u"Sensor"_s, {}, now(), now()}).ok());
        QCOMPARE(store.deleteTemplate(u"Sensor"_s).error().code, ErrorCode::Conflict);
        QCOMPARE(access.rules(Holder::templateInstance(u"Sensor"_s))->size(), 3);

        // A user: rules naming it anywhere, its unit memberships, its own rules.
        QVERIFY(store.deleteUser(u"carol"_s).ok());
        QVERIFY(entityRules(u"Users/carol"_s).isEmpty());
        QVERIFY(entityGrants(u"Users/carol"_s).isEmpty());
        QCOMPARE(access.rules(things)->size(), 2);
        QCOMPARE(names(*access.unitMembers(unit(u"Acme/Line1"_s))),
                 (QStringList{u"Group:Empty"_s, u"User:dave"_s}));

        // A group likewise; Operators' rules are untouched.
        QVERIFY(store.deleteGroup(u"Empty"_s).ok());
        QVERIFY(entityRules(u"Groups/Empty"_s).isEmpty());
        QVERIFY(entityGrants(u"Groups/Empty"_s).isEmpty());
        QCOMPARE(*access.rules(things),
                 (QList<Rule>{{user(u"dave"_s), Permission::Read, Effect::Allow, {}}}));
        QCOMPARE(names(*access.unitMembers(unit(u"Acme/Line1"_s))), QStringList{u"User:dave"_s});
        QCOMPARE(keys(entityRules(u"Things/Pump7"_s)), keys(rules));

        // An organization: its units' members, every grant to its units (and
        // not those to Acme2, whose name starts like Acme's), its own rules.
        QVERIFY(store.deleteOrganization(u"Acme"_s).ok());
        QVERIFY(entityGrants(u"Things/Pump7"_s).isEmpty());
        QVERIFY(access.visibility(Holder::templateInstance(u"Sensor"_s))->isEmpty());
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE "
                                           "organization = 'Acme'")),
                 0);
        QCOMPARE(texts(*access.visibility(things)),
                 (QStringList{u"Acme2/Acme2"_s, u"Globex/Lab"_s}));
        QCOMPARE(names(*access.unitMembers(unit(u"Acme2/Acme2"_s))), QStringList{u"User:dave"_s});
        QVERIFY(store.deleteOrganization(u"Globex"_s).ok());
        QVERIFY(entityRules(u"Organizations/Globex"_s).isEmpty());
        QCOMPARE(texts(*access.visibility(things)), QStringList{u"Acme2/Acme2"_s});
        QCOMPARE(count(*db, QStringLiteral("SELECT COUNT(*) FROM unit_members WHERE "
                                           "organization = 'Globex'")),
                 0);
        // A missing entity is NotFound and cleans nothing.
        QCOMPARE(store.deleteThing(u"Boiler1"_s).error().code, ErrorCode::NotFound);
        QCOMPARE(store.deleteUser(u"nobody"_s).error().code, ErrorCode::NotFound);
        QCOMPARE(access.rules(Holder::templateInstance(u"Sensor"_s))->size(), 3);
    }

    void loadSnapshot()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        QVERIFY(access.setRules(boiler, someRules()).ok());
        const QList<Rule> collectionRules{{user(u"dave"_s), Permission::Create, Effect::Allow, {}}};
        QVERIFY(access.setRules(things, collectionRules).ok());
        QVERIFY(access.setVisibility(sensor, {unit(u"Acme/Line1"_s)}).ok());
        QVERIFY(
            access.setUnitMembers(unit(u"Acme/Plant1"_s), {group(u"Operators"_s), user(u"alice"_s)})
                .ok());
        QVERIFY(access.setCreator(entity(u"Things/Boiler1"_s), u"dave"_s).ok());
        QVERIFY(access.setCreator(entity(u"ThingTemplates/TempSensor"_s), u"alice"_s).ok());
        QVERIFY(access.setCreator(entity(u"Users/bob"_s), u"alice"_s).ok());
        QVERIFY(access.setCreator(entity(u"Groups/Empty"_s), u"carol"_s).ok());
        QVERIFY(access.setCreator(entity(u"Organizations/Globex"_s), u"dave"_s).ok());
        QCOMPARE(access.setCreator(entity(u"Things/Nope"_s), u"dave"_s).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(access.setCreator(entity(u"Widgets/W"_s), u"dave"_s).error().code,
                 ErrorCode::BadRequest);

        const auto snapshot = access.load();
        QVERIFY2(snapshot.ok(), snapshot.ok() ? "" : qPrintable(snapshot.error().message));
        QCOMPARE(sorted(snapshot->users.values()),
                 (QStringList{u"alice"_s, u"bob"_s, u"carol"_s, u"dave"_s, u"o'brien"_s}));
        QCOMPARE(snapshot->groupMembers.size(), 2);
        QVERIFY(snapshot->groupMembers.contains(u"Empty"_s));
        QVERIFY(snapshot->groupMembers.value(u"Empty"_s).isEmpty());
        QCOMPARE(snapshot->groupMembers.value(u"Operators"_s), QList<Principal>{user(u"bob"_s)});
        QCOMPARE(snapshot->units.size(), 3);
        const auto acme = snapshot->units.value(u"Acme"_s);
        QCOMPARE(acme.size(), 5);
        QVERIFY(acme.contains(u"Acme"_s));
        QVERIFY(acme.value(u"Acme"_s).isEmpty());
        QCOMPARE(acme.value(u"Line1"_s), u"Plant1"_s);
        QCOMPARE(acme.value(u"Plant2"_s), u"Acme"_s);
        QCOMPARE(snapshot->units.value(u"Globex"_s).value(u"Lab"_s), u"Globex"_s);
        QCOMPARE(snapshot->unitMembers.size(), 1);
        QCOMPARE(names(snapshot->unitMembers.value(unit(u"Acme/Plant1"_s))),
                 (QStringList{u"Group:Operators"_s, u"User:alice"_s}));
        QCOMPARE(snapshot->rules.size(), 2);
        QCOMPARE(keys(snapshot->rules.value(boiler)), keys(someRules()));
        QCOMPARE(snapshot->rules.value(things), collectionRules);
        QCOMPARE(snapshot->visibility.size(), 1);
        QCOMPARE(snapshot->visibility.value(sensor), QList<UnitRef>{unit(u"Acme/Line1"_s)});

        // Every entity of every secured collection, with template and creator
        // (and the built-in FileRepository template of migration 6).
        QCOMPARE(snapshot->entities.size(), 3 + 2 + 5 + 2 + 3 + 1);
        const auto facts = [&](const QString &text) -> QString {
            const EntityRef ref = entity(text);
            if (!snapshot->entities.contains(ref))
                qFatal("no facts for %s", qPrintable(text));
            const EntityFacts f = snapshot->entities.value(ref);
            return f.templateName + u'|' + f.creator;
        };
        QCOMPARE(facts(u"Things/Boiler1"_s), u"Sensor|dave"_s);
        QCOMPARE(facts(u"Things/Boiler2"_s), u"TempSensor|"_s);
        QCOMPARE(facts(u"Things/Pump7"_s), u"|"_s);
        QCOMPARE(facts(u"ThingTemplates/TempSensor"_s), u"Sensor|alice"_s);
        QCOMPARE(facts(u"ThingTemplates/Sensor"_s), u"|"_s);
        QCOMPARE(facts(u"Users/bob"_s), u"|alice"_s);
        QCOMPARE(facts(u"Users/o'brien"_s), u"|"_s);
        QCOMPARE(facts(u"Groups/Empty"_s), u"|carol"_s);
        QCOMPARE(facts(u"Organizations/Globex"_s), u"|dave"_s);

        // The parts, and one entity's facts.
        QCOMPARE(access.loadRules()->size(), 2);
        QCOMPARE(access.loadVisibility()->value(sensor).size(), 1);
        QCOMPARE(access.loadPrincipals()->second.size(), 2);
        QCOMPARE(access.loadOrganizations()->second.size(), 1);
        const auto loaded = access.loadFacts(entity(u"ThingTemplates/TempSensor"_s));
        QCOMPARE(loaded->templateName, u"Sensor"_s);
        QCOMPARE(loaded->creator, u"alice"_s);
        QCOMPARE(access.loadFacts(entity(u"Things/Nope"_s)).error().code, ErrorCode::NotFound);
        QCOMPARE(access.loadFacts(entity(u"Widgets/W"_s)).error().code, ErrorCode::BadRequest);

        // A rule the binary cannot understand fails the load rather than
        // being dropped (a dropped Deny would grant access).
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO access_rules VALUES ('entity', 'Things', 'Pump7', '', 'User', 'bob', "
            "'Teleport', 'Deny')")));
        QCOMPARE(access.load().error().code, ErrorCode::Internal);
        QVERIFY(access.load().error().message.contains(u"Teleport"_s));
    }

    void visibilityConditionBindsEverything()
    {
        QVariantList binds;
        QCOMPARE(
            AccessStore::visibilityCondition(u"Things"_s, ListFilter::everything(), u"t"_s, binds),
            u"1=1"_s);
        QVERIFY(binds.isEmpty());
        // Nothing to see through: nothing passes, and no "IN ()".
        QCOMPARE(AccessStore::visibilityCondition(u"Things"_s, ListFilter{}, u"t"_s, binds),
                 u"1=0"_s);
        QVERIFY(binds.isEmpty());
        ListFilter filter;
        filter.creator = u"x' OR '1'='1"_s;
        filter.self = u"me"_s;
        filter.templates = {u"T1"_s, u"T2"_s};
        filter.units = {u"Acme/Line1"_s};
        const QString things = AccessStore::visibilityCondition(u"Things"_s, filter, u"t"_s, binds);
        QVERIFY(!things.contains(u"x'"_s));
        QVERIFY(!things.contains(u"Acme"_s));
        QVERIFY(!things.contains(u"()"_s));
        QCOMPARE(things.count(u'?'), binds.size());
        QCOMPARE(binds.size(), 1 + 2 + 2 + 1); // creator, templates, kind and collection, unit
        binds.clear();
        // self applies to Users only, templates to Things only.
        const QString users = AccessStore::visibilityCondition(u"Users"_s, filter, u"u"_s, binds);
        QVERIFY(users.contains(u"u.name = ?"_s));
        QVERIFY(!users.contains(u"template"_s));
        QCOMPARE(users.count(u'?'), binds.size());
        binds.clear();
        QCOMPARE(AccessStore::visibilityCondition(u"Widgets"_s, filter, u"w"_s, binds), u"1=0"_s);
    }

    void filteredListing()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        // A Thing and a template sharing a name, and names with quotes.
        QVERIFY(store.createTemplate({u"Shared"_s, {}, {}, {}, now(), now()}).ok());
        QVERIFY(store.createThing({u"Shared"_s, {}, {}, {}, now(), now()}).ok());
        QVERIFY(store.createThing({u"It's"_s, {}, {}, {}, now(), now()}).ok());
        QVERIFY(access.setCreator(entity(u"Things/It's"_s), u"o'brien"_s).ok());
        QVERIFY(access.setCreator(entity(u"Things/Pump7"_s), u"dave"_s).ok());
        QVERIFY(access.setCreator(entity(u"Users/bob"_s), u"dave"_s).ok());
        const QList<std::pair<QString, QString>> grants{
            {u"Things/Boiler1"_s, u"Acme/Line1"_s},
            {u"Things/It's"_s, u"Globex/Lab"_s},
            // Grants on other holders must not show Things through the unit filter.
            {u"ThingTemplates/Shared"_s, u"Acme/Line1"_s},
            {u"ThingTemplates/Sensor (instance)"_s, u"Acme/Line1"_s},
            {u"Things"_s, u"Acme/Line1"_s},
            {u"Groups/Operators"_s, u"Globex/Lab"_s},
            {u"Organizations/Acme"_s, u"Acme/Line1"_s},
        };
        for (const auto &[granted, to] : grants)
            QVERIFY2(access.setVisibility(holder(granted), {unit(to)}).ok(), qPrintable(granted));

        const auto listedThings = [&](const ListFilter &filter) {
            auto listed = store.listThings(filter);
            if (!listed)
                qFatal("%s", qPrintable(listed.error().message));
            auto visible = access.visibleNames(u"Things"_s, filter);
            if (!visible)
                qFatal("%s", qPrintable(visible.error().message));
            // Both ask the database the same question.
            if (namesOf(*listed) != *visible)
                qFatal("listThings and visibleNames disagree");
            return sorted(*visible);
        };

        QCOMPARE(listedThings(ListFilter::everything()),
                 sorted({u"Boiler1"_s, u"Boiler2"_s, u"It's"_s, u"Pump7"_s, u"Shared"_s}));
        QCOMPARE(listedThings(ListFilter{}), QStringList{});

        ListFilter creator;
        creator.creator = u"dave"_s;
        QCOMPARE(listedThings(creator), QStringList{u"Pump7"_s});
        creator.creator = u"o'brien"_s;
        QCOMPARE(listedThings(creator), QStringList{u"It's"_s});
        creator.creator = u"x' OR '1'='1"_s;
        QCOMPARE(listedThings(creator), QStringList{});

        ListFilter units;
        units.units = {u"Acme/Line1"_s};
        QCOMPARE(listedThings(units), QStringList{u"Boiler1"_s});
        units.units = {u"Acme/Line1"_s, u"Globex/Lab"_s};
        QCOMPARE(listedThings(units), sorted({u"Boiler1"_s, u"It's"_s}));
        units.units = {u"Acme/Line2"_s, u"') OR 1=1 --"_s};
        QCOMPARE(listedThings(units), QStringList{});

        ListFilter templates;
        templates.templates = {u"TempSensor"_s};
        QCOMPARE(listedThings(templates), QStringList{u"Boiler2"_s});
        templates.templates = {u"Sensor"_s, u"TempSensor"_s};
        QCOMPARE(listedThings(templates), (QStringList{u"Boiler1"_s, u"Boiler2"_s}));
        templates.templates = {u"%"_s};
        QCOMPARE(listedThings(templates), QStringList{});

        // A union of everything the filter lets through; self means nothing for Things.
        ListFilter several;
        several.creator = u"dave"_s;
        several.units = {u"Globex/Lab"_s};
        several.templates = {u"TempSensor"_s};
        several.self = u"Pump7"_s;
        QCOMPARE(listedThings(several), sorted({u"Boiler2"_s, u"It's"_s, u"Pump7"_s}));
        several.creator.clear();
        QCOMPARE(listedThings(several), sorted({u"Boiler2"_s, u"It's"_s}));

        // Templates: the entity grant to Shared, not the instance one to Sensor.
        ListFilter line1;
        line1.units = {u"Acme/Line1"_s};
        QCOMPARE(namesOf(*store.listTemplates(line1)), QStringList{u"Shared"_s});
        QCOMPARE(*access.visibleNames(u"ThingTemplates"_s, line1), QStringList{u"Shared"_s});
        QCOMPARE(store.listTemplates(ListFilter{})->size(), 0);
        QCOMPARE(store.listTemplates()->size(), 3 + 1); // and the built-in FileRepository

        // Users: self and creator.
        ListFilter self;
        self.self = u"alice"_s;
        QCOMPARE(namesOf(*store.listUsers(self)), QStringList{u"alice"_s});
        self.creator = u"dave"_s;
        QCOMPARE(namesOf(*store.listUsers(self)), (QStringList{u"alice"_s, u"bob"_s}));
        self.self = u"o'brien"_s;
        self.creator.clear();
        QCOMPARE(namesOf(*store.listUsers(self)), QStringList{u"o'brien"_s});
        QCOMPARE(store.listUsers()->size(), 5);

        // Groups, with their members; organizations, with their units.
        ListFilter lab;
        lab.units = {u"Globex/Lab"_s};
        const auto groups = store.listGroups(lab);
        QCOMPARE(namesOf(*groups), QStringList{u"Operators"_s});
        QCOMPARE(groups->constFirst().members, QList<Principal>{user(u"bob"_s)});
        QCOMPARE(store.listGroups()->size(), 2);
        QCOMPARE(store.listGroups(ListFilter{})->size(), 0);
        const auto organizations = store.listOrganizations(line1);
        QCOMPARE(namesOf(*organizations), QStringList{u"Acme"_s});
        QCOMPARE(namesOf(organizations->constFirst().units),
                 namesOf(store.organization(u"Acme"_s)->units));
        const auto all = store.listOrganizations();
        QCOMPARE(namesOf(*all), (QStringList{u"Acme"_s, u"Acme2"_s, u"Globex"_s}));
        QCOMPARE(all->at(2).units.size(), 2);
        QVERIFY(store.listOrganizations(ListFilter{})->isEmpty());

        QCOMPARE(access.visibleNames(u"Widgets"_s, ListFilter::everything()).error().code,
                 ErrorCode::BadRequest);
    }

    void grantsToUnits()
    {
        Scene scene(m_databases);
        auto &[db, store, access, boiler, sensor, things] = scene;
        QVERIFY(access.setVisibility(boiler, {unit(u"Acme/Line1"_s)}).ok());
        QVERIFY(access.setVisibility(sensor, {unit(u"Acme/Line2"_s)}).ok());
        QVERIFY(access.setVisibility(things, {unit(u"Acme/Plant2"_s)}).ok());
        QVERIFY(access.grantsTo({})->isEmpty());
        const auto grants = access.grantsTo({unit(u"Acme/Line1"_s), unit(u"Acme/Line2"_s)});
        QVERIFY(grants.ok());
        QCOMPARE(grants->size(), 2);
        QSet<QString> seen;
        for (const auto &[holder, granted] : *grants)
            seen.insert(holder.toString() + u'@' + granted.toString());
        QCOMPARE(seen, (QSet<QString>{u"Things/Boiler1@Acme/Line1"_s,
                                      u"ThingTemplates/Sensor (instance)@Acme/Line2"_s}));
        QCOMPARE(access.grantsTo({unit(u"Acme/Plant2"_s)})->constFirst().first, things);
        QVERIFY(access.grantsTo({unit(u"Globex/Lab"_s)})->isEmpty());
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
        QCOMPARE(*db->schemaVersion(), Migrations::latestVersion());
        EntityStore store(*db);
        AccessStore access(*db);
        // No grants, rules or unit members; every creator unknown.
        for (const char *table : {"access_rules", "access_visibility", "unit_members"})
            QCOMPARE(count(*db, u"SELECT COUNT(*) FROM %1"_s.arg(QString::fromLatin1(table))), 0);
        for (const char *table :
             {"things", "thing_templates", "users", "user_groups", "organizations"}) {
            const QString name = QString::fromLatin1(table);
            QVERIFY(count(*db, u"SELECT COUNT(*) FROM %1"_s.arg(name)) > 0);
            QCOMPARE(count(*db, u"SELECT COUNT(*) FROM %1 WHERE creator IS NOT NULL"_s.arg(name)),
                     0);
        }
        const auto snapshot = access.load();
        QVERIFY(snapshot.ok());
        QVERIFY(snapshot->rules.isEmpty());
        QVERIFY(snapshot->visibility.isEmpty());
        QVERIFY(snapshot->unitMembers.isEmpty());
        QCOMPARE(snapshot->entities.size(), 15 + 1); // and the built-in FileRepository template
        for (const EntityFacts &facts : snapshot->entities)
            QVERIFY(facts.creator.isEmpty());
        QCOMPARE(snapshot->entities.value(entity(u"Things/Boiler2"_s)).templateName,
                 u"TempSensor"_s);
        // Nothing is visible to a non-administrator's filter.
        ListFilter alice;
        alice.creator = u"alice"_s;
        alice.self = u"alice"_s;
        alice.units = {u"Acme/Acme"_s};
        QVERIFY(store.listThings(alice)->isEmpty());
        QCOMPARE(namesOf(*store.listUsers(alice)), QStringList{u"alice"_s});
        QCOMPARE(store.listThings()->size(), 3);
    }
};

QTEST_GUILESS_MAIN(TestAccessStore)
#include "tst_accessstore.moc"
