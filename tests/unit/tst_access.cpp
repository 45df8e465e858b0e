// AccessModel: every level and precedence case of docs/security-model.md
// ("Authorization model"), its worked examples E1-E8 through decide(), the
// visibility rules, invalidation, tombstones, and a randomized comparison
// with a naive reference implementation written here from the doc.
// The tables are written in the doc's words: plain literals convert to QString here.
#undef QT_NO_CAST_FROM_ASCII

#include "security/Access.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <atomic>
#include <thread>

using namespace Bulwark;
using namespace Bulwark::Access;

namespace {

using Level = ResolutionExplanation::Level;
using Through = VisibilityExplanation::Through;

Principal U(const QString &name)
{
    return {MemberKind::User, name};
}
Principal G(const QString &name)
{
    return {MemberKind::Group, name};
}
Rule R(const Principal &p, Permission permission, Effect effect, const QString &member = {})
{
    return {p, permission, effect, member};
}
EntityRef thing(const QString &name)
{
    return {QStringLiteral("Things"), name};
}
EntityRef tmpl(const QString &name)
{
    return {QStringLiteral("ThingTemplates"), name};
}
UnitRef unit(const QString &org, const QString &name)
{
    return {org, name};
}
const Holder Things = Holder::collectionOf(QStringLiteral("Things"));

constexpr Effect Allow = Effect::Allow;
constexpr Effect Deny = Effect::Deny;

// Builds a snapshot in the words of the doc's tables.
struct Builder
{
    AccessSnapshot s;

    Builder &users(const QStringList &names)
    {
        for (const QString &n : names) {
            s.users.insert(n);
            s.entities.insert({QStringLiteral("Users"), n}, {});
        }
        return *this;
    }
    Builder &group(const QString &name, const QList<Principal> &members)
    {
        s.groupMembers.insert(name, members);
        s.entities.insert({QStringLiteral("Groups"), name}, {});
        return *this;
    }
    // units: name -> parent (the root's parent empty)
    Builder &organization(const QString &org, const QList<std::pair<QString, QString>> &units)
    {
        for (const auto &[u, parent] : units)
            s.units[org].insert(u, parent);
        s.entities.insert({QStringLiteral("Organizations"), org}, {});
        return *this;
    }
    Builder &members(const UnitRef &u, const QList<Principal> &members)
    {
        s.unitMembers.insert(u, members);
        return *this;
    }
    Builder &rule(const Holder &holder, const Rule &rule)
    {
        s.rules[holder].append(rule);
        return *this;
    }
    Builder &visible(const Holder &holder, const QList<UnitRef> &units)
    {
        s.visibility[holder].append(units);
        return *this;
    }
    Builder &entity(const EntityRef &ref, const QString &templateName = {},
                    const QString &creator = {})
    {
        s.entities.insert(ref, EntityFacts{templateName, creator});
        return *this;
    }
    void load(AccessModel &model) const { model.reset(s); }
};

QString answerName(Answer a)
{
    switch (a) {
    case Answer::Allow:
        return QStringLiteral("allow");
    case Answer::Forbidden:
        return QStringLiteral("forbidden");
    case Answer::NotFound:
        return QStringLiteral("notfound");
    }
    return {};
}

// The fixture of the levels table (see levels_data).
Builder levelsModel()
{
    Builder b;
    const UnitRef ops = unit(QStringLiteral("Works"), QStringLiteral("Ops"));
    b.users({"alice", "bob", "carol", "dave"})
        .group("Operators", {U("alice"), U("bob")})
        .group("Contractors", {U("alice")})
        .group("Staff", {G("Operators"), U("carol")})
        .organization("Works", {{"Works", ""}, {"Ops", "Works"}})
        .members(ops, {G("Staff")})
        .visible(Things, {ops})
        .visible(Holder::collectionOf("ThingTemplates"), {ops})
        .visible(Holder::collectionOf("Users"), {ops})
        .entity(tmpl("Base"))
        .entity(tmpl("Mid"), "Base")
        .entity(tmpl("Leaf"), "Mid")
        .entity(thing("P1"), "Leaf")
        .entity(thing("P2"), "Mid")
        .entity(thing("P3"))
        .entity(thing("P4"), "Leaf");
    const Holder base = Holder::templateInstance("Base");
    const Holder mid = Holder::templateInstance("Mid");
    const Holder leaf = Holder::templateInstance("Leaf");
    const Holder p1 = Holder::entity(thing("P1"));
    const Holder p4 = Holder::entity(thing("P4"));
    b.rule(Things, R(G("Staff"), Permission::Read, Allow))
        .rule(Things, R(G("Staff"), Permission::ServiceInvoke, Deny))
        .rule(Things, R(G("Staff"), Permission::Delete, Deny))
        .rule(Things, R(U("alice"), Permission::Update, Allow))
        .rule(base, R(G("Operators"), Permission::PropertyWrite, Allow))
        .rule(base, R(G("Operators"), Permission::Create, Allow))
        .rule(base, R(G("Operators"), Permission::EventInvoke, Allow))
        .rule(mid, R(G("Operators"), Permission::PropertyWrite, Deny))
        .rule(mid, R(G("Operators"), Permission::PropertyWrite, Allow, "setpoint"))
        .rule(leaf, R(U("bob"), Permission::PropertyRead, Allow))
        .rule(leaf, R(G("Operators"), Permission::ServiceInvoke, Allow, "start"))
        .rule(p1, R(G("Contractors"), Permission::Update, Deny))
        .rule(p1, R(U("alice"), Permission::Update, Allow))
        .rule(p1, R(U("alice"), Permission::Delete, Allow))
        .rule(p1, R(G("Operators"), Permission::PropertyRead, Deny))
        .rule(p1, R(G("Operators"), Permission::PropertyRead, Allow, "temperature"))
        .rule(p1, R(U("alice"), Permission::ServiceInvoke, Allow, "stop"))
        .rule(p4, R(U("alice"), Permission::Update, Allow))
        .rule(p4, R(G("Operators"), Permission::Create, Deny))
        .rule(Holder::collectionOf("ThingTemplates"), R(G("Staff"), Permission::Read, Allow))
        .rule(Holder::entity(tmpl("Base")), R(G("Operators"), Permission::Read, Deny))
        .rule(Holder::entity({"Users", "carol"}), R(U("alice"), Permission::Read, Allow));
    return b;
}

// ---- A naive reference, written from the doc's pseudo-code ----------------

struct Reference
{
    const AccessSnapshot &s;

    QSet<QString> groups(const QString &u) const
    {
        QSet<QString> p;
        for (bool grew = true; grew;) {
            grew = false;
            for (auto it = s.groupMembers.cbegin(); it != s.groupMembers.cend(); ++it) {
                if (p.contains(it.key()))
                    continue;
                for (const Principal &m : it.value()) {
                    if ((m.kind == MemberKind::User && m.name == u) ||
                        (m.kind == MemberKind::Group && p.contains(m.name))) {
                        p.insert(it.key());
                        grew = true;
                        break;
                    }
                }
            }
        }
        return p;
    }
    bool has(const QString &u, const QSet<QString> &g, const Principal &p) const
    {
        return p.kind == MemberKind::User ? p.name == u : g.contains(p.name);
    }
    bool isAncestorOrSelf(const UnitRef &m, UnitRef g) const
    {
        for (int i = 0; i < 100; ++i) {
            if (g == m)
                return true;
            const QString parent = s.units.value(g.organization).value(g.unit);
            if (parent.isEmpty())
                return false;
            g.unit = parent;
        }
        return false;
    }
    QStringList chain(const QString &t) const
    {
        QStringList c;
        for (QString x = t; !x.isEmpty() && !c.contains(x);
             x = s.entities.value({QStringLiteral("ThingTemplates"), x}).templateName)
            c.append(x);
        return c;
    }
    bool visible(const QString &u, const EntityRef &e) const
    {
        const QSet<QString> g = groups(u);
        if (g.contains(QStringLiteral("Administrators")))
            return true;
        const bool self = e.collection == QStringLiteral("Users") && e.name == u;
        if (!s.entities.contains(e))
            return self && s.users.contains(u);
        const EntityFacts f = s.entities.value(e);
        if ((!f.creator.isEmpty() && f.creator == u) || self)
            return true;
        QList<UnitRef> granted = s.visibility.value(Holder::entity(e)) +
                                 s.visibility.value(Holder::collectionOf(e.collection));
        if (e.collection == QStringLiteral("Things")) {
            for (const QString &t : chain(f.templateName))
                granted += s.visibility.value(Holder::templateInstance(t));
        }
        QList<UnitRef> mine;
        for (auto it = s.unitMembers.cbegin(); it != s.unitMembers.cend(); ++it) {
            for (const Principal &p : it.value()) {
                if (has(u, g, p))
                    mine.append(it.key());
            }
        }
        for (const UnitRef &gr : granted) {
            for (const UnitRef &m : mine) {
                if (isAncestorOrSelf(m, gr))
                    return true;
            }
        }
        return false;
    }
    // -1: no say; 0 deny; 1 allow
    int step(const QString &u, const QSet<QString> &g, const Holder &h, Permission p,
             const QString &member) const
    {
        int say = -1;
        for (const Rule &r : s.rules.value(h)) {
            if (r.permission != p || r.member != member || !has(u, g, r.principal))
                continue;
            if (r.effect == Effect::Deny)
                return 0;
            say = 1;
        }
        return say;
    }
    bool resolve(const QString &u, const EntityRef &e, Permission p, const QString &m) const
    {
        const QSet<QString> g = groups(u);
        QList<std::pair<Holder, QString>> steps;
        const bool isThing = e.collection == QStringLiteral("Things");
        const bool memberSteps = isThing && isRunTime(p) && !m.isEmpty();
        if (memberSteps)
            steps.append({Holder::entity(e), m});
        if (p != Permission::Create)
            steps.append({Holder::entity(e), QString()});
        if (isThing) {
            for (const QString &t : chain(s.entities.value(e).templateName)) {
                if (memberSteps)
                    steps.append({Holder::templateInstance(t), m});
                steps.append({Holder::templateInstance(t), QString()});
            }
        }
        steps.append({Holder::collectionOf(e.collection), QString()});
        for (const auto &[h, member] : steps) {
            const int say = step(u, g, h, p, member);
            if (say >= 0)
                return say == 1;
        }
        return false;
    }
    Answer answer(const QString &u, const EntityRef &e, Permission p, const QString &m) const
    {
        if (groups(u).contains(QStringLiteral("Administrators")))
            return Answer::Allow;
        if (!visible(u, e))
            return Answer::NotFound;
        return resolve(u, e, p, m) ? Answer::Allow : Answer::Forbidden;
    }
    bool mayCreate(const QString &u, const QString &t) const
    {
        const QSet<QString> g = groups(u);
        if (g.contains(QStringLiteral("Administrators")))
            return true;
        if (!t.isEmpty() && !visible(u, tmpl(t)))
            return false;
        for (const QString &x : chain(t)) {
            const int say = step(u, g, Holder::templateInstance(x), Permission::Create, {});
            if (say >= 0)
                return say == 1;
        }
        return step(u, g, Things, Permission::Create, {}) == 1;
    }
};

} // namespace

class TestAccess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vocabulary()
    {
        for (Permission p : allPermissions())
            QCOMPARE(permissionFromName(permissionName(p)), p);
        QCOMPARE(allPermissions().size(), PermissionCount);
        QVERIFY(!permissionFromName(QStringLiteral("read")));
        QVERIFY(isRunTime(Permission::EventSubscribe));
        QVERIFY(!isRunTime(Permission::Delete));
        QCOMPARE(memberKindOf(Permission::ServiceInvoke), QStringLiteral("service"));
        QCOMPARE(memberKindOf(Permission::PropertyWrite), QStringLiteral("property"));
        QCOMPARE(memberKindOf(Permission::EventInvoke), QStringLiteral("event"));
        QVERIFY(memberKindOf(Permission::Read).isEmpty());
        QCOMPARE(effectFromName(QStringLiteral("Deny")), Effect::Deny);
        QVERIFY(!effectFromName(QStringLiteral("deny")));
        QCOMPARE(principalKindFromName(QStringLiteral("Group")), MemberKind::Group);

        QCOMPARE(EntityRef::parse(QStringLiteral("Things/Boiler1")), thing("Boiler1"));
        QVERIFY(!EntityRef::parse(QStringLiteral("Things")));
        QVERIFY(!EntityRef::parse(QStringLiteral("/Boiler1")));
        QVERIFY(!EntityRef::parse(QStringLiteral("Things/")));
        QCOMPARE(UnitRef::parse(QStringLiteral("Acme/Line1")), unit("Acme", "Line1"));
        QCOMPARE(unit("Acme", "Acme").toString(), QStringLiteral("Acme/Acme"));

        QCOMPARE(Holder::entity(thing("Boiler1")).toString(), QStringLiteral("Things/Boiler1"));
        QCOMPARE(Holder::templateInstance("Sensor").toString(),
                 QStringLiteral("ThingTemplates/Sensor (instance)"));
        QCOMPARE(Things.toString(), QStringLiteral("Things"));
        for (const Holder &h : {Holder::entity(thing("B")), Holder::templateInstance("S"), Things})
            QCOMPARE(Holder::kindFromName(h.kindName()), h.kind);

        QCOMPARE(securedCollections().size(), 5);
        QVERIFY(isSecuredCollection(QStringLiteral("Organizations")));
        QVERIFY(!isSecuredCollection(QStringLiteral("AppKeys")));
        QCOMPARE(kindNoun(QStringLiteral("ThingTemplates")), QStringLiteral("ThingTemplate"));
        QCOMPARE(kindNoun(QStringLiteral("Organizations")), QStringLiteral("Organization"));
        const Error e = notFound(thing("Boiler9"));
        QCOMPARE(e.code, ErrorCode::NotFound);
        QCOMPARE(e.message, QStringLiteral("Thing 'Boiler9' does not exist."));
    }

    void levels_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("entity");
        QTest::addColumn<QString>("permission");
        QTest::addColumn<QString>("member");
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("level");
        QTest::addColumn<QString>("holder");

        // clang-format off
        QTest::newRow("collection allow")
            << "alice" << "Things/P1" << "Read" << "" << "allow" << "collection" << "Things";
        QTest::newRow("entity: group Deny beats user Allow")
            << "alice" << "Things/P1" << "Update" << "" << "forbidden" << "entity" << "Things/P1";
        QTest::newRow("entity: user Allow")
            << "alice" << "Things/P4" << "Update" << "" << "allow" << "entity" << "Things/P4";
        QTest::newRow("entity Allow hides collection Deny")
            << "alice" << "Things/P1" << "Delete" << "" << "allow" << "entity" << "Things/P1";
        QTest::newRow("collection Deny")
            << "bob" << "Things/P1" << "Delete" << "" << "forbidden" << "collection" << "Things";
        QTest::newRow("member override beats entity Deny")
            << "bob" << "Things/P1" << "PropertyRead" << "temperature" << "allow" << "member" << "Things/P1";
        QTest::newRow("member override for that member only")
            << "bob" << "Things/P1" << "PropertyRead" << "pressure" << "forbidden" << "entity" << "Things/P1";
        QTest::newRow("run-time without member: entity step")
            << "bob" << "Things/P1" << "PropertyRead" << "" << "forbidden" << "entity" << "Things/P1";
        QTest::newRow("nearest template decides (Mid Deny, Base Allow)")
            << "bob" << "Things/P1" << "PropertyWrite" << "mode" << "forbidden" << "template" << "ThingTemplates/Mid (instance)";
        QTest::newRow("template member before template")
            << "bob" << "Things/P1" << "PropertyWrite" << "setpoint" << "allow" << "template-member" << "ThingTemplates/Mid (instance)";
        QTest::newRow("far template when nearer ones pass")
            << "bob" << "Things/P1" << "EventInvoke" << "alarm" << "allow" << "template" << "ThingTemplates/Base (instance)";
        QTest::newRow("template chain from Mid")
            << "bob" << "Things/P2" << "PropertyWrite" << "mode" << "forbidden" << "template" << "ThingTemplates/Mid (instance)";
        QTest::newRow("template member beats collection Deny")
            << "bob" << "Things/P1" << "ServiceInvoke" << "start" << "allow" << "template-member" << "ThingTemplates/Leaf (instance)";
        QTest::newRow("member override for alice")
            << "alice" << "Things/P1" << "ServiceInvoke" << "stop" << "allow" << "member" << "Things/P1";
        QTest::newRow("member override not for bob")
            << "bob" << "Things/P1" << "ServiceInvoke" << "stop" << "forbidden" << "collection" << "Things";
        QTest::newRow("user rule in template")
            << "bob" << "Things/P4" << "PropertyRead" << "x" << "allow" << "template" << "ThingTemplates/Leaf (instance)";
        QTest::newRow("other principals' rules pass the step over")
            << "carol" << "Things/P4" << "PropertyRead" << "x" << "forbidden" << "none" << "";
        QTest::newRow("other group: no rule")
            << "carol" << "Things/P1" << "PropertyWrite" << "setpoint" << "forbidden" << "none" << "";
        QTest::newRow("Create skips the entity step")
            << "alice" << "Things/P4" << "Create" << "" << "allow" << "template" << "ThingTemplates/Base (instance)";
        QTest::newRow("no template: collection alone, default deny")
            << "bob" << "Things/P3" << "PropertyWrite" << "x" << "forbidden" << "none" << "";
        QTest::newRow("invisible")
            << "dave" << "Things/P1" << "Read" << "" << "notfound" << "none" << "";
        QTest::newRow("missing entity")
            << "alice" << "Things/Nope" << "Read" << "" << "notfound" << "collection" << "Things";
        QTest::newRow("template's own rule")
            << "bob" << "ThingTemplates/Base" << "Read" << "" << "forbidden" << "entity" << "ThingTemplates/Base";
        QTest::newRow("derived template does not inherit base's own rules")
            << "bob" << "ThingTemplates/Mid" << "Read" << "" << "allow" << "collection" << "ThingTemplates";
        QTest::newRow("template's instance rules do not govern the template")
            << "bob" << "ThingTemplates/Leaf" << "Update" << "" << "forbidden" << "none" << "";
        QTest::newRow("user entity rule")
            << "alice" << "Users/carol" << "Read" << "" << "allow" << "entity" << "Users/carol";
        QTest::newRow("user entity rule for someone else")
            << "bob" << "Users/carol" << "Read" << "" << "forbidden" << "none" << "";
        QTest::newRow("self: visible, rules still apply")
            << "dave" << "Users/dave" << "Read" << "" << "forbidden" << "none" << "";
        // clang-format on
    }

    void levels()
    {
        QFETCH(QString, user);
        QFETCH(QString, entity);
        QFETCH(QString, permission);
        QFETCH(QString, member);
        QFETCH(QString, answer);
        QFETCH(QString, level);
        QFETCH(QString, holder);
        AccessModel model;
        const Builder b = levelsModel();
        b.load(model);
        const EntityRef ref = *EntityRef::parse(entity);
        const Permission p = *permissionFromName(permission);

        QCOMPARE(answerName(model.check(user, ref, p, member)), answer);
        QCOMPARE(answerName(model.check(user, ref, p, member)), answer); // remembered
        QCOMPARE(answerName(model.evaluate(user, ref, p, member)), answer);
        QCOMPARE(answerName(Reference{b.s}.answer(user, ref, p, member)), answer);
        const Decision d = model.decide(user, ref, p, member);
        QCOMPARE(d.allowed, answer == u"allow");
        QCOMPARE(d.visibility.visible, answer != u"notfound");
        QCOMPARE(ResolutionExplanation::levelName(d.resolution.level), level);
        if (!holder.isEmpty())
            QCOMPARE(d.resolution.holder.toString(), holder);
        if (d.resolution.level == Level::NoRule)
            QVERIFY(!d.resolution.rule);
        else
            QVERIFY(d.resolution.rule && d.resolution.rule->permission == p);
        const ResolutionExplanation r = model.resolve(user, ref, p, member);
        QCOMPARE(r.level, d.resolution.level);
        QCOMPARE(r.allowed, d.resolution.allowed);
    }

    // Within the deciding step a Deny is the deciding rule; the other
    // matches are listed.
    void denyExplained()
    {
        AccessModel model;
        levelsModel().load(model);
        const Decision d = model.decide("alice", thing("P1"), Permission::Update);
        QVERIFY(d.resolution.rule);
        QCOMPARE(*d.resolution.rule, R(G("Contractors"), Permission::Update, Deny));
        QCOMPARE(d.resolution.principalPath, QStringList({"alice", "Contractors"}));
        QCOMPARE(d.resolution.otherMatches, QList<Rule>{R(U("alice"), Permission::Update, Allow)});
        QCOMPARE(d.message, QStringLiteral("Denied: the rule Contractors Update Deny on Thing P1 "
                                           "(level 2, entity) applies to alice through group "
                                           "Contractors."));
    }

    void nestedGroups()
    {
        AccessModel model;
        Builder()
            .users({"bob", "carol", "zed"})
            .group("NightShift", {U("bob")})
            .group("Operators", {G("NightShift"), U("carol")})
            .group("Staff", {G("Operators")})
            .group("Loop1", {G("Loop2"), U("zed")}) // a cycle storage refuses; must not hang
            .group("Loop2", {G("Loop1")})
            .load(model);
        QCOMPARE(model.groupsOf("bob"), QSet<QString>({"bob", "NightShift", "Operators", "Staff"}));
        QCOMPARE(model.groupsOf("carol"), QSet<QString>({"carol", "Operators", "Staff"}));
        QCOMPARE(model.groupsOf("zed"), QSet<QString>({"zed", "Loop1", "Loop2"}));
        QCOMPARE(model.groupsOf("nobody"), QSet<QString>({"nobody"}));
        QCOMPARE(model.usersOf(G("Staff")), QSet<QString>({"bob", "carol"}));
        QCOMPARE(model.usersOf(G("Loop2")), QSet<QString>({"zed"}));
        QCOMPARE(model.usersOf(U("bob")), QSet<QString>({"bob"}));
        QVERIFY(model.principalExists(G("Staff")));
        QVERIFY(!model.principalExists(U("Staff")));
        QVERIFY(model.userExists("carol"));
        QVERIFY(!model.isAdministrator("bob"));
    }

    // ---- Worked examples --------------------------------------------------

    void e1ThingWorxExample()
    {
        AccessModel model;
        Builder()
            .users({"alice"})
            .group("Operators", {U("alice")})
            .organization("Acme", {{"Acme", ""}})
            .members(unit("Acme", "Acme"), {U("alice")})
            .entity(tmpl("Pump"))
            .entity(thing("Pump7"), "Pump")
            .visible(Holder::entity(thing("Pump7")), {unit("Acme", "Acme")})
            .rule(Things, R(G("Operators"), Permission::ServiceInvoke, Deny))
            .rule(Holder::templateInstance("Pump"),
                  R(G("Operators"), Permission::ServiceInvoke, Allow, "Service1"))
            .rule(Holder::entity(thing("Pump7")),
                  R(G("Operators"), Permission::ServiceInvoke, Allow, "Service2"))
            .load(model);
        const auto d1 =
            model.decide("alice", thing("Pump7"), Permission::ServiceInvoke, "Service1");
        QVERIFY(d1.allowed);
        QCOMPARE(d1.resolution.level, Level::TemplateMember);
        QCOMPARE(d1.resolution.holder, Holder::templateInstance("Pump"));
        QCOMPARE(d1.resolution.principalPath, QStringList({"alice", "Operators"}));
        const auto d2 =
            model.decide("alice", thing("Pump7"), Permission::ServiceInvoke, "Service2");
        QVERIFY(d2.allowed);
        QCOMPARE(d2.resolution.level, Level::MemberOverride);
        QCOMPARE(d2.resolution.holder, Holder::entity(thing("Pump7")));
        QCOMPARE(d2.resolution.rule->member, QStringLiteral("Service2"));
        const auto d3 =
            model.decide("alice", thing("Pump7"), Permission::ServiceInvoke, "Service3");
        QVERIFY(!d3.allowed);
        QCOMPARE(d3.resolution.level, Level::Collection);
        QCOMPARE(d3.resolution.holder, Things);
        QCOMPARE(d3.resolution.rule->effect, Deny);
    }

    void e2DenyWithinLevel()
    {
        AccessModel model;
        const Holder boiler = Holder::entity(thing("Boiler1"));
        Builder()
            .users({"alice"})
            .group("Operators", {U("alice")})
            .group("Contractors", {U("alice")})
            .entity(thing("Boiler1"), {}, "alice") // visible: alice created it
            .rule(Things, R(U("alice"), Permission::PropertyWrite, Allow))
            .rule(boiler, R(G("Operators"), Permission::PropertyWrite, Allow))
            .rule(boiler, R(U("alice"), Permission::PropertyWrite, Allow))
            .rule(boiler, R(G("Contractors"), Permission::PropertyWrite, Deny))
            .rule(boiler, R(U("alice"), Permission::PropertyWrite, Allow, "setpoint"))
            .load(model);
        const auto mode =
            model.decide("alice", thing("Boiler1"), Permission::PropertyWrite, "mode");
        QVERIFY(!mode.allowed);
        QCOMPARE(mode.visibility.through, Through::Creator);
        QCOMPARE(mode.resolution.level, Level::Entity);
        QCOMPARE(*mode.resolution.rule, R(G("Contractors"), Permission::PropertyWrite, Deny));
        QCOMPARE(mode.resolution.principalPath, QStringList({"alice", "Contractors"}));
        QCOMPARE(mode.resolution.otherMatches.size(), 2);
        const auto setpoint =
            model.decide("alice", thing("Boiler1"), Permission::PropertyWrite, "setpoint");
        QVERIFY(setpoint.allowed);
        QCOMPARE(setpoint.resolution.level, Level::MemberOverride);
        QCOMPARE(setpoint.resolution.principalPath, QStringList({"alice"}));
        QCOMPARE(model.check("alice", thing("Boiler1"), Permission::PropertyWrite, "setpoint"),
                 Answer::Allow);
        QCOMPARE(model.check("alice", thing("Boiler1"), Permission::PropertyWrite, "mode"),
                 Answer::Forbidden);
    }

    static Builder e3()
    {
        Builder b;
        b.users({"bob", "carol"})
            .group("NightShift", {U("bob")})
            .group("Operators", {G("NightShift"), U("carol")})
            .group("Staff", {G("Operators")})
            .organization("Works", {{"Works", ""}, {"Ops", "Works"}})
            .members(unit("Works", "Ops"), {G("Operators")})
            .entity(tmpl("Sensor"))
            .entity(thing("Boiler1"), "Sensor")
            .entity(thing("Boiler2"), "Sensor")
            .visible(Holder::entity(thing("Boiler1")), {unit("Works", "Ops")})
            .visible(Holder::entity(thing("Boiler2")), {unit("Works", "Ops")})
            .rule(Things, R(G("Staff"), Permission::Read, Allow))
            .rule(Holder::templateInstance("Sensor"),
                  R(G("Operators"), Permission::PropertyRead, Allow))
            .rule(Holder::entity(thing("Boiler1")),
                  R(G("NightShift"), Permission::PropertyRead, Deny));
        return b;
    }

    void e3NestedGroups()
    {
        AccessModel model;
        e3().load(model);
        const auto read = model.decide("bob", thing("Boiler1"), Permission::Read);
        QVERIFY(read.allowed);
        QCOMPARE(read.resolution.level, Level::Collection);
        QCOMPARE(read.resolution.principalPath,
                 QStringList({"bob", "NightShift", "Operators", "Staff"}));
        const auto b1 =
            model.decide("bob", thing("Boiler1"), Permission::PropertyRead, "temperature");
        QVERIFY(!b1.allowed);
        QCOMPARE(b1.resolution.level, Level::Entity);
        QCOMPARE(b1.resolution.principalPath, QStringList({"bob", "NightShift"}));
        const auto b2 =
            model.decide("bob", thing("Boiler2"), Permission::PropertyRead, "temperature");
        QVERIFY(b2.allowed);
        QCOMPARE(b2.resolution.level, Level::Template);
        QCOMPARE(b2.resolution.holder, Holder::templateInstance("Sensor"));
        QCOMPARE(b2.resolution.principalPath, QStringList({"bob", "NightShift", "Operators"}));
        const auto c1 =
            model.decide("carol", thing("Boiler1"), Permission::PropertyRead, "temperature");
        QVERIFY(c1.allowed);
        QCOMPARE(c1.resolution.level, Level::Template);
        QCOMPARE(c1.visibility.memberVia, QStringList({"carol", "Operators"}));
        const auto w =
            model.decide("bob", thing("Boiler2"), Permission::PropertyWrite, "temperature");
        QVERIFY(!w.allowed);
        QCOMPARE(w.resolution.level, Level::NoRule);
        QCOMPARE(w.message, QStringLiteral("Denied: no rule for PropertyWrite applies to bob on "
                                           "Thing Boiler2 at any level (default deny)."));
    }

    // The doc's explain answer for E3's second row, key for key.
    void e3ExplainJson()
    {
        AccessModel model;
        e3().load(model);
        const QByteArray doc =
            R"({"user":"bob","entity":"Things/Boiler1","permission":"PropertyRead","member":"temperature",
 "decision":"deny",
 "visibility":{"visible":true,"through":"unit","organization":"Works","unit":"Ops",
               "grantedUnit":"Ops","grantedOn":"Things/Boiler1","memberVia":["bob","NightShift","Operators"]},
 "resolution":{"level":"entity","holder":"Things/Boiler1",
               "rule":{"principal":{"type":"Group","name":"NightShift"},"permission":"PropertyRead","effect":"Deny"},
               "principalPath":["bob","NightShift"],"otherMatches":[]},
 "message":"Denied: the rule NightShift PropertyRead Deny on Thing Boiler1 (level 2, entity) applies to bob through group NightShift."})";
        const QJsonObject expected = QJsonDocument::fromJson(doc).object();
        QVERIFY(!expected.isEmpty());
        const Decision d =
            model.decide("bob", thing("Boiler1"), Permission::PropertyRead, "temperature");
        const QJsonObject actual =
            d.toJson("bob", thing("Boiler1"), Permission::PropertyRead, "temperature");
        QCOMPARE(QJsonDocument(actual).toJson(QJsonDocument::Compact),
                 QJsonDocument(expected).toJson(QJsonDocument::Compact));
        // Without a member there is no "member" key.
        QVERIFY(!model.decide("bob", thing("Boiler1"), Permission::Read)
                     .toJson("bob", thing("Boiler1"), Permission::Read, {})
                     .contains(QStringLiteral("member")));
    }

    void e4TemplateChainAndCreate()
    {
        AccessModel model;
        Builder()
            .users({"dave"})
            .group("Operators", {U("dave")})
            .organization("Acme", {{"Acme", ""}})
            .members(unit("Acme", "Acme"), {U("dave")})
            .entity(tmpl("Sensor"))
            .entity(tmpl("TempSensor"), "Sensor")
            .entity(tmpl("FastTempSensor"), "TempSensor")
            .entity(thing("T1"), "TempSensor")
            .visible(Things, {unit("Acme", "Acme")})
            .visible(Holder::collectionOf("ThingTemplates"), {unit("Acme", "Acme")})
            .rule(Holder::templateInstance("Sensor"),
                  R(G("Operators"), Permission::PropertyWrite, Allow))
            .rule(Holder::templateInstance("TempSensor"),
                  R(G("Operators"), Permission::PropertyWrite, Deny))
            .rule(Holder::templateInstance("TempSensor"),
                  R(G("Operators"), Permission::Create, Allow))
            .load(model);
        const auto w = model.decide("dave", thing("T1"), Permission::PropertyWrite, "value");
        QVERIFY(!w.allowed);
        QCOMPARE(w.resolution.level, Level::Template);
        QCOMPARE(w.resolution.holder, Holder::templateInstance("TempSensor"));

        const auto fromTemp = model.decideCreate("dave", "Things", "TempSensor");
        QVERIFY(fromTemp.allowed);
        QCOMPARE(fromTemp.resolution.holder, Holder::templateInstance("TempSensor"));
        const auto fromFast = model.decideCreate("dave", "Things", "FastTempSensor");
        QVERIFY(fromFast.allowed);
        QCOMPARE(fromFast.resolution.level, Level::Template);
        QCOMPARE(fromFast.resolution.holder, Holder::templateInstance("TempSensor"));
        const auto fromSensor = model.decideCreate("dave", "Things", "Sensor");
        QVERIFY(!fromSensor.allowed);
        QCOMPARE(fromSensor.resolution.level, Level::NoRule);
        const auto bare = model.decideCreate("dave", "Things");
        QVERIFY(!bare.allowed);
        QCOMPARE(bare.resolution.level, Level::NoRule);

        QVERIFY(model.requireCreate("dave", "Things", "FastTempSensor").ok());
        const Status denied = model.requireCreate("dave", "Things", "Sensor");
        QCOMPARE(denied.error().code, ErrorCode::Forbidden);
        QCOMPARE(
            denied.error().message,
            QStringLiteral("You may not create a Thing from ThingTemplate 'Sensor' (Create)."));
        QCOMPARE(model.requireCreate("dave", "Things").error().message,
                 QStringLiteral("You may not create a Thing (Create)."));
        // An invisible or unknown template is not found, whatever the rules say.
        model.setVisibility(Holder::collectionOf("ThingTemplates"), {});
        const Status hidden = model.requireCreate("dave", "Things", "TempSensor");
        QCOMPARE(hidden.error().code, ErrorCode::NotFound);
        QCOMPARE(hidden.error().message,
                 QStringLiteral("ThingTemplate 'TempSensor' does not exist."));
        const auto d = model.decideCreate("dave", "Things", "TempSensor");
        QVERIFY(!d.allowed);
        QVERIFY(!d.visibility.visible);
        QVERIFY(d.resolution.allowed); // what the rules alone would say
    }

    static Builder e5()
    {
        Builder b;
        b.users({"alice", "bob", "carol", "dave", "erin", "frank"})
            .group("PlantManagers", {U("frank")})
            .group("Staff", {U("alice"), U("bob"), U("carol"), U("dave"), U("erin"), U("frank")})
            .organization("Acme", {{"Acme", ""},
                                   {"Plant1", "Acme"},
                                   {"Line1", "Plant1"},
                                   {"Line2", "Plant1"},
                                   {"Plant2", "Acme"}})
            .members(unit("Acme", "Acme"), {U("erin")})
            .members(unit("Acme", "Plant1"), {G("PlantManagers")})
            .members(unit("Acme", "Line1"), {U("alice")})
            .members(unit("Acme", "Line2"), {U("bob")})
            .members(unit("Acme", "Plant2"), {U("carol")})
            .entity(thing("Boiler1"), {}, "dave")
            .visible(Holder::entity(thing("Boiler1")), {unit("Acme", "Line1")})
            .rule(Things, R(G("Staff"), Permission::Read, Allow))
            .rule(Holder::entity(thing("Boiler1")), R(U("bob"), Permission::Read, Allow));
        return b;
    }

    void e5UnitHierarchy_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<bool>("sees");
        QTest::addColumn<int>("through");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QStringList>("memberVia");
        QTest::newRow("alice") << "alice" << true << int(Through::Unit) << "Line1"
                               << QStringList{"alice"};
        QTest::newRow("frank") << "frank" << true << int(Through::Unit) << "Plant1"
                               << QStringList{"frank", "PlantManagers"};
        QTest::newRow("erin") << "erin" << true << int(Through::Unit) << "Acme"
                              << QStringList{"erin"};
        QTest::newRow("bob") << "bob" << false << int(Through::None) << "" << QStringList{};
        QTest::newRow("carol") << "carol" << false << int(Through::None) << "" << QStringList{};
        QTest::newRow("dave") << "dave" << true << int(Through::Creator) << "" << QStringList{};
    }

    void e5UnitHierarchy()
    {
        QFETCH(QString, user);
        QFETCH(bool, sees);
        QFETCH(int, through);
        QFETCH(QString, unit);
        QFETCH(QStringList, memberVia);
        AccessModel model;
        e5().load(model);
        const auto v = model.visibility(user, thing("Boiler1"));
        QCOMPARE(v.visible, sees);
        QCOMPARE(int(v.through), through);
        QCOMPARE(v.unit.unit, unit);
        QCOMPARE(v.memberVia, memberVia);
        if (v.through == Through::Unit) {
            QCOMPARE(v.grantedUnit, ::unit("Acme", "Line1"));
            QCOMPARE(v.grantedOn, QStringLiteral("Things/Boiler1"));
        }
        QCOMPARE(model.isVisible(user, thing("Boiler1")), sees);
        // bob's own Read rule does not help: visibility comes first.
        QCOMPARE(model.check(user, thing("Boiler1"), Permission::Read),
                 sees ? Answer::Allow : Answer::NotFound);
        const Status s = model.require(user, thing("Boiler1"), Permission::PropertyWrite, "x");
        if (!sees) {
            QCOMPARE(s.error().code, ErrorCode::NotFound);
            QCOMPARE(s.error().message, QStringLiteral("Thing 'Boiler1' does not exist."));
        } else {
            QCOMPARE(s.error().code, ErrorCode::Forbidden);
            QCOMPARE(s.error().message,
                     QStringLiteral("You may not write property 'x' of Thing 'Boiler1' "
                                    "(PropertyWrite)."));
        }
    }

    // Granted to Plant1 instead: frank and erin see it; alice and bob (below) do not.
    void e5GrantToUpperUnit()
    {
        AccessModel model;
        e5().load(model);
        model.setVisibility(Holder::entity(thing("Boiler1")), {unit("Acme", "Plant1")});
        QVERIFY(model.isVisible("frank", thing("Boiler1")));
        QVERIFY(model.isVisible("erin", thing("Boiler1")));
        QVERIFY(!model.isVisible("alice", thing("Boiler1")));
        QVERIFY(!model.isVisible("bob", thing("Boiler1")));
        QVERIFY(!model.isVisible("carol", thing("Boiler1")));
        QCOMPARE(model.unitsOf("frank"), QList<UnitRef>{unit("Acme", "Plant1")});
        QVERIFY(model.unitExists(unit("Acme", "Line2")));
        QVERIFY(!model.unitExists(unit("Acme", "Line3")));
    }

    // A moved unit changes who sees what at once.
    void e5MovedUnit()
    {
        AccessModel model;
        Builder b = e5();
        b.load(model);
        QVERIFY(!model.isVisible("carol", thing("Boiler1")));
        QVERIFY(model.isVisible("frank", thing("Boiler1")));
        // Line1 moves under Plant2.
        auto units = b.s.units;
        units["Acme"]["Line1"] = "Plant2";
        const quint64 before = model.generation();
        model.setOrganizations(units, b.s.unitMembers);
        QVERIFY(model.generation() > before);
        QVERIFY(model.isVisible("carol", thing("Boiler1")));
        QVERIFY(!model.isVisible("frank", thing("Boiler1")));
        QVERIFY(model.isVisible("alice", thing("Boiler1")));
        QVERIFY(model.isVisible("erin", thing("Boiler1")));
        QCOMPARE(model.visibility("carol", thing("Boiler1")).unit, unit("Acme", "Plant2"));
        // alice leaves Line1: she no longer sees it.
        auto members = b.s.unitMembers;
        members.remove(unit("Acme", "Line1"));
        model.setOrganizations(units, members);
        QCOMPARE(model.check("alice", thing("Boiler1"), Permission::Read), Answer::NotFound);
    }

    void e6SeveralOrganizations()
    {
        AccessModel model;
        Builder()
            .users({"alice", "gina", "max"})
            .group("Staff", {U("alice"), U("gina"), U("max")})
            .organization("Acme", {{"Acme", ""}, {"Plant1", "Acme"}})
            .organization("Globex", {{"Globex", ""}, {"Lab", "Globex"}})
            .members(unit("Acme", "Plant1"), {U("alice"), U("max")})
            .members(unit("Globex", "Lab"), {U("gina"), U("max")})
            .entity(thing("A1"))
            .entity(thing("G1"))
            .entity(thing("AG"))
            .visible(Holder::entity(thing("A1")), {unit("Acme", "Plant1")})
            .visible(Holder::entity(thing("G1")), {unit("Globex", "Lab")})
            .visible(Holder::entity(thing("AG")), {unit("Acme", "Plant1"), unit("Globex", "Lab")})
            .rule(Things, R(G("Staff"), Permission::Read, Allow))
            .load(model);
        const auto sees = [&](const QString &user) {
            QStringList seen;
            for (const QString t : {"A1", "AG", "G1"}) {
                if (model.check(user, thing(t), Permission::Read) == Answer::Allow)
                    seen.append(t);
            }
            return seen;
        };
        QCOMPARE(sees("alice"), QStringList({"A1", "AG"}));
        QCOMPARE(sees("gina"), QStringList({"AG", "G1"}));
        QCOMPARE(sees("max"), QStringList({"A1", "AG", "G1"}));
        const auto g1 = model.decide("max", thing("G1"), Permission::Read);
        QCOMPARE(g1.resolution.level, Level::Collection);
        QCOMPARE(g1.visibility.unit, unit("Globex", "Lab"));
        QCOMPARE(model.unitsOf("max"),
                 QList<UnitRef>({unit("Acme", "Plant1"), unit("Globex", "Lab")}));
        const ListFilter f = model.listFilter("max", "Things");
        QVERIFY(!f.all);
        QCOMPARE(f.units, QStringList({"Acme/Plant1", "Globex/Lab"}));
        QCOMPARE(f.creator, QStringLiteral("max"));
        QVERIFY(f.self.isEmpty());
    }

    static Builder e7()
    {
        Builder b = e5();
        b.users({"gina"})
            .organization("Globex", {{"Globex", ""}, {"Lab", "Globex"}})
            .members(unit("Globex", "Lab"), {U("gina")})
            .entity(tmpl("Sensor"))
            .entity(tmpl("Pump"))
            .entity(tmpl("FastSensor"), "Sensor")
            .entity(thing("Boiler1"), "Sensor")
            .entity(thing("Pump7"), "Pump")
            .visible(Holder::templateInstance("Sensor"), {unit("Acme", "Line1")})
            .visible(Things, {unit("Acme", "Plant2")});
        b.s.visibility[Holder::entity(thing("Boiler1"))] = {unit("Globex", "Lab")};
        return b;
    }

    void e7CollectionAndTemplateVisibility_data()
    {
        QTest::addColumn<QString>("thing");
        QTest::addColumn<QString>("user");
        QTest::addColumn<bool>("sees");
        QTest::addColumn<QString>("grantedOn");
        QTest::newRow("Boiler1 alice") << "Boiler1"
                                       << "alice" << true << "ThingTemplates/Sensor (instance)";
        QTest::newRow("Boiler1 carol") << "Boiler1"
                                       << "carol" << true << "Things";
        QTest::newRow("Boiler1 gina") << "Boiler1"
                                      << "gina" << true << "Things/Boiler1";
        QTest::newRow("Boiler1 bob") << "Boiler1"
                                     << "bob" << false << "";
        QTest::newRow("Pump7 alice") << "Pump7"
                                     << "alice" << false << "";
        QTest::newRow("Pump7 carol") << "Pump7"
                                     << "carol" << true << "Things";
        QTest::newRow("Pump7 gina") << "Pump7"
                                    << "gina" << false << "";
        QTest::newRow("Pump7 bob") << "Pump7"
                                   << "bob" << false << "";
        // erin (root) sees the grants to Plant2 and Line1: the collection's is found first.
        QTest::newRow("Boiler1 erin") << "Boiler1"
                                      << "erin" << true << "Things";
    }

    void e7CollectionAndTemplateVisibility()
    {
        QFETCH(QString, thing);
        QFETCH(QString, user);
        QFETCH(bool, sees);
        QFETCH(QString, grantedOn);
        AccessModel model;
        e7().load(model);
        const auto v = model.visibility(user, ::thing(thing));
        QCOMPARE(v.visible, sees);
        QCOMPARE(v.grantedOn, grantedOn);
        // What a listing query would apply agrees.
        const ListFilter f = model.listFilter(user, "Things");
        const EntityFacts facts = model.facts(::thing(thing));
        bool listed =
            f.all || f.creator == facts.creator || f.templates.contains(facts.templateName);
        for (const UnitRef &u : model.visibilityList(Holder::entity(::thing(thing))))
            listed |= f.units.contains(u.toString());
        QCOMPARE(listed, sees);
    }

    void e7TemplateNotMadeVisible()
    {
        AccessModel model;
        e7().load(model);
        QVERIFY(model.isVisible("alice", thing("Boiler1")));
        QVERIFY(!model.isVisible("alice", tmpl("Sensor")));
        const ListFilter f = model.listFilter("alice", "Things");
        QVERIFY(!f.all);
        QCOMPARE(f.templates, QStringList({"FastSensor", "Sensor"})); // derived ones too
        QCOMPARE(f.units, QStringList({"Acme/Line1"}));
        QVERIFY(model.listFilter("alice", "ThingTemplates").templates.isEmpty());
        QVERIFY(model.listFilter("carol", "Things").all); // the collection grant
        QVERIFY(!model.listFilter("carol", "ThingTemplates").all);
        QCOMPARE(model.listFilter("carol", "Users").self, QStringLiteral("carol"));
    }

    void e8Administrators()
    {
        AccessModel model;
        Builder b = e7();
        b.group("Administrators", {G("Admins2")}).group("Admins2", {U("erin")});
        b.users({"newbie"}).members(unit("Acme", "Line1"), {U("alice"), U("newbie")});
        b.load(model);
        QVERIFY(model.isAdministrator("erin"));
        for (Permission p : allPermissions())
            QCOMPARE(model.check("erin", thing("Pump7"), p, "x"), Answer::Allow);
        const auto d = model.decide("erin", thing("Pump7"), Permission::Delete);
        QVERIFY(d.allowed);
        QCOMPARE(d.resolution.level, Level::Administrator);
        QCOMPARE(d.visibility.through, Through::Administrator);
        QCOMPARE(d.resolution.principalPath, QStringList({"erin", "Admins2", "Administrators"}));
        QCOMPARE(d.toJson("erin", thing("Pump7"), Permission::Delete, {})
                     .value("resolution")
                     .toObject()
                     .value("level"),
                 QJsonValue("administrator"));
        QVERIFY(model.listFilter("erin", "Things").all);
        QVERIFY(model.requireCreate("erin", "Things", "Nope").ok());
        // Rules naming Administrators never change an administrator's answer.
        model.setRules(Things, {R(G("Administrators"), Permission::Read, Deny)});
        QCOMPARE(model.check("erin", thing("Pump7"), Permission::Read), Answer::Allow);

        // A user with no rules in a unit Boiler1 is visible to: 403 on everything.
        for (Permission p : allPermissions()) {
            QCOMPARE(model.check("newbie", thing("Boiler1"), p), Answer::Forbidden);
            QCOMPARE(model.decide("newbie", thing("Boiler1"), p).resolution.level, Level::NoRule);
        }
        QCOMPARE(model.require("newbie", thing("Boiler1"), Permission::Read).error().message,
                 QStringLiteral("You may not read Thing 'Boiler1' (Read)."));
    }

    void creatorAndSelf()
    {
        AccessModel model;
        Builder()
            .users({"dave", "eve"})
            .entity(thing("Mine"), {}, "dave")
            .entity(thing("Theirs"), {}, "eve")
            .rule(Holder::collectionOf("Users"), R(U("dave"), Permission::Read, Allow))
            .load(model);
        QCOMPARE(model.visibility("dave", thing("Mine")).through, Through::Creator);
        QVERIFY(!model.isVisible("dave", thing("Theirs")));
        // Seeing is not permission.
        QCOMPARE(model.check("dave", thing("Mine"), Permission::Read), Answer::Forbidden);
        QCOMPARE(model.visibility("dave", {"Users", "dave"}).through, Through::Self);
        QCOMPARE(model.check("dave", {"Users", "dave"}, Permission::Read), Answer::Allow);
        QCOMPARE(model.check("dave", {"Users", "eve"}, Permission::Read), Answer::NotFound);
        QCOMPARE(model.check("eve", {"Users", "eve"}, Permission::Read), Answer::Forbidden);
        const ListFilter f = model.listFilter("dave", "Things");
        QVERIFY(!f.all);
        QVERIFY(f.units.isEmpty());
        QCOMPARE(f.creator, QStringLiteral("dave"));
    }

    void forbiddenWords_data()
    {
        QTest::addColumn<QString>("entity");
        QTest::addColumn<QString>("permission");
        QTest::addColumn<QString>("member");
        QTest::addColumn<QString>("message");
        QTest::newRow("write property") << "Things/Boiler1"
                                        << "PropertyWrite"
                                        << "setpoint"
                                        << "You may not write property 'setpoint' of Thing "
                                           "'Boiler1' (PropertyWrite).";
        QTest::newRow("read") << "Things/Boiler1"
                              << "Read"
                              << ""
                              << "You may not read Thing 'Boiler1' (Read).";
        QTest::newRow("update template") << "ThingTemplates/Sensor"
                                         << "Update"
                                         << ""
                                         << "You may not change ThingTemplate 'Sensor' (Update).";
        QTest::newRow("delete user") << "Users/eve"
                                     << "Delete"
                                     << ""
                                     << "You may not delete User 'eve' (Delete).";
        QTest::newRow("invoke") << "Things/Boiler1"
                                << "ServiceInvoke"
                                << "Reset"
                                << "You may not invoke service 'Reset' of Thing 'Boiler1' "
                                   "(ServiceInvoke).";
        QTest::newRow("fire") << "Things/Boiler1"
                              << "EventInvoke"
                              << "Alarm"
                              << "You may not fire event 'Alarm' of Thing 'Boiler1' (EventInvoke).";
        QTest::newRow("subscribe all") << "Things/Boiler1"
                                       << "EventSubscribe"
                                       << ""
                                       << "You may not subscribe to the events of Thing "
                                          "'Boiler1' (EventSubscribe).";
    }

    void forbiddenWords()
    {
        QFETCH(QString, entity);
        QFETCH(QString, permission);
        QFETCH(QString, member);
        QFETCH(QString, message);
        AccessModel model;
        const EntityRef ref = *EntityRef::parse(entity);
        Builder().users({"eve", "zoe"}).entity(ref, {}, "zoe").load(model);
        const Status s = model.require("zoe", ref, *permissionFromName(permission), member);
        QCOMPARE(s.error().code, ErrorCode::Forbidden);
        QCOMPARE(s.error().message, message);
    }

    // Each named change takes effect on the next check().
    void invalidation()
    {
        AccessModel model;
        Builder b = e3();
        b.load(model);
        const EntityRef boiler2 = thing("Boiler2");
        const auto answer = [&] {
            return model.check("carol", boiler2, Permission::PropertyRead, "temperature");
        };
        QCOMPARE(answer(), Answer::Allow);
        quint64 g = model.generation();
        const auto bumped = [&] {
            const bool b2 = model.generation() > g;
            g = model.generation();
            return b2;
        };

        model.setRules(Holder::entity(boiler2), {R(U("carol"), Permission::PropertyRead, Deny)});
        QVERIFY(bumped());
        QCOMPARE(answer(), Answer::Forbidden);
        model.setRules(Holder::entity(boiler2), {});
        QCOMPARE(answer(), Answer::Allow);

        // carol leaves Operators: no longer in the unit, so not visible.
        auto groups = b.s.groupMembers;
        groups["Operators"] = {G("NightShift")};
        model.setPrincipals(b.s.users, groups);
        QVERIFY(bumped());
        QCOMPARE(answer(), Answer::NotFound);
        model.setPrincipals(b.s.users, b.s.groupMembers);
        QCOMPARE(answer(), Answer::Allow);

        model.setVisibility(Holder::entity(boiler2), {});
        QVERIFY(bumped());
        QCOMPARE(answer(), Answer::NotFound);
        model.setAllVisibility(b.s.visibility);
        QVERIFY(bumped());
        QCOMPARE(answer(), Answer::Allow);

        // Boiler2 rebuilt without a template: the template's rule no longer applies.
        model.setEntity(boiler2, {});
        QVERIFY(bumped());
        QCOMPARE(answer(), Answer::Forbidden);
        model.setEntity(boiler2, {"Sensor", {}});
        QCOMPARE(answer(), Answer::Allow);
        // A new base template with a Deny is further away: the nearer Allow still decides.
        model.setEntity(tmpl("Root"), {});
        model.setRules(Holder::templateInstance("Root"),
                       {R(U("carol"), Permission::PropertyRead, Deny)});
        model.setEntity(tmpl("Sensor"), {"Root", {}});
        QCOMPARE(answer(), Answer::Allow);
        model.setAllRules(
            {{Holder::templateInstance("Root"), {R(U("carol"), Permission::PropertyRead, Deny)}}});
        QVERIFY(bumped());
        QCOMPARE(answer(), Answer::Forbidden);
        QCOMPARE(model.rules(Holder::templateInstance("Root")).size(), 1);
        model.reset(b.s);
        QVERIFY(bumped());
        QCOMPARE(answer(), Answer::Allow);
        QCOMPARE(model.evaluate("carol", boiler2, Permission::PropertyRead, "temperature"),
                 Answer::Allow);
    }

    void tombstones()
    {
        AccessModel model;
        e3().load(model);
        QCOMPARE(model.check("carol", thing("Boiler1"), Permission::Read), Answer::Allow);
        QCOMPARE(model.checkRemoved("carol", thing("Boiler1"), Permission::Read),
                 Answer::NotFound); // not removed
        model.removeEntity(thing("Boiler1"));
        QVERIFY(!model.entityKnown(thing("Boiler1")));
        QVERIFY(model.visibilityList(Holder::entity(thing("Boiler1"))).isEmpty());
        QVERIFY(model.rules(Holder::entity(thing("Boiler1"))).isEmpty());
        QCOMPARE(model.check("carol", thing("Boiler1"), Permission::Read), Answer::NotFound);
        QCOMPARE(model.checkRemoved("carol", thing("Boiler1"), Permission::Read), Answer::Allow);
        QCOMPARE(model.checkRemoved("bob", thing("Boiler1"), Permission::PropertyRead),
                 Answer::Forbidden); // the removed entity's own Deny still counts
        QCOMPARE(model.checkRemoved("nobody", thing("Boiler1"), Permission::Read),
                 Answer::NotFound);

        // Removing a template drops its instance rules from its Things.
        QCOMPARE(model.check("carol", thing("Boiler2"), Permission::PropertyRead, "t"),
                 Answer::Allow);
        model.removeEntity(tmpl("Sensor"));
        QVERIFY(model.rules(Holder::templateInstance("Sensor")).isEmpty());
        QCOMPARE(model.check("carol", thing("Boiler2"), Permission::PropertyRead, "t"),
                 Answer::Forbidden);

        // Only the most recent 10,000 are kept.
        for (int i = 0; i < 10'000; ++i) {
            const EntityRef ref = thing(QStringLiteral("Gone%1").arg(i));
            model.setEntity(ref, {{}, QStringLiteral("carol")});
            model.removeEntity(ref);
        }
        QCOMPARE(model.checkRemoved("carol", thing("Boiler1"), Permission::Read), Answer::NotFound);
        QCOMPARE(model.checkRemoved("carol", thing("Gone0"), Permission::Read),
                 Answer::Allow); // visible (creator), Read through Staff
        QCOMPARE(model.checkRemoved("carol", thing("Gone9999"), Permission::Update),
                 Answer::Forbidden);
        QCOMPARE(model.checkRemoved("bob", thing("Gone9999"), Permission::Read), Answer::NotFound);
    }

    // Readers on several threads while the rules change: every answer is one
    // of the two states', never anything else (and nothing crashes).
    void concurrentReaders()
    {
        AccessModel model;
        e3().load(model);
        std::atomic<bool> stop{false};
        std::atomic<int> wrong{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 4; ++t) {
            readers.emplace_back([&, t] {
                int i = 0;
                while (!stop.load()) {
                    const QString user =
                        (i + t) % 2 ? QStringLiteral("carol") : QStringLiteral("bob");
                    const Answer a = model.check(user, thing("Boiler2"), Permission::PropertyRead,
                                                 "temperature");
                    wrong += a == Answer::NotFound;
                    wrong +=
                        model.evaluate(user, thing("Boiler2"), Permission::Read) != Answer::Allow;
                    ++i;
                }
            });
        }
        for (int i = 0; i < 300; ++i) {
            model.setRules(Holder::entity(thing("Boiler2")),
                           i % 2 ? QList<Rule>{R(G("Staff"), Permission::PropertyRead, Deny)}
                                 : QList<Rule>{});
        }
        stop = true;
        for (std::thread &t : readers)
            t.join();
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(model.check("bob", thing("Boiler2"), Permission::PropertyRead, "temperature"),
                 Answer::Forbidden);
    }

    // Random models: check(), evaluate() and decide() against the reference.
    void randomized()
    {
        const quint32 seed = qEnvironmentVariableIsSet("BULWARK_ACCESS_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("BULWARK_ACCESS_SEED"))
                                 : 20240611u;
        QRandomGenerator rng(seed);
        const auto pick = [&](const QStringList &from) { return from[rng.bounded(from.size())]; };
        const auto chance = [&](int percent) { return int(rng.bounded(100)) < percent; };
        const QStringList users{"u0", "u1", "u2", "u3", "u4", "u5"};
        const QStringList groups{"g0", "g1", "g2", "g3", "g4", "Administrators"};
        const QStringList templates{"t0", "t1", "t2", "t3"};
        const QStringList things{"th0", "th1", "th2", "th3", "th4", "th5"};
        const QStringList members{"", "m1", "m2"};
        const QStringList orgs{"A", "B"};
        const QStringList unitNames{"A", "x1", "x2", "x3", "x4", "x5"};

        for (int model_ = 0; model_ < 2000; ++model_) {
            Builder b;
            b.users(users);
            // Groups form a DAG (group i holds only groups after it); Administrators rarely filled.
            for (int i = 0; i < groups.size(); ++i) {
                QList<Principal> ms;
                const bool admins = groups[i] == u"Administrators";
                for (const QString &u : users) {
                    if (chance(admins ? 3 : 25))
                        ms.append(U(u));
                }
                for (int j = i + 1; j < groups.size() - 1; ++j) {
                    if (chance(admins ? 5 : 30))
                        ms.append(G(groups[j]));
                }
                b.group(groups[i], ms);
            }
            QList<UnitRef> allUnits;
            for (const QString &org : orgs) {
                QList<std::pair<QString, QString>> tree{{org, ""}};
                allUnits.append(unit(org, org));
                for (int i = 1; i < unitNames.size(); ++i) {
                    const QString name = unitNames[i];
                    const int parent = int(rng.bounded(i));
                    tree.append({name, parent == 0 ? org : unitNames[parent]});
                    allUnits.append(unit(org, name));
                }
                b.organization(org, tree);
            }
            const auto randomPrincipal = [&] {
                return chance(50) ? U(pick(users)) : G(pick(groups.mid(0, 5)));
            };
            for (const UnitRef &u : allUnits) {
                QList<Principal> ms;
                for (int k = int(rng.bounded(3)); k > 0; --k)
                    ms.append(randomPrincipal());
                if (!ms.isEmpty())
                    b.members(u, ms);
            }
            for (int i = 0; i < templates.size(); ++i)
                b.entity(tmpl(templates[i]),
                         i > 0 && chance(60) ? templates[rng.bounded(i)] : QString(),
                         chance(10) ? pick(users) : QString());
            for (const QString &t : things)
                b.entity(thing(t), chance(80) ? pick(templates) : QString(),
                         chance(10) ? pick(users) : QString());
            QList<Holder> ruleHolders{Things, Holder::collectionOf("ThingTemplates"),
                                      Holder::collectionOf("Users")};
            for (const QString &t : templates) {
                ruleHolders.append(Holder::templateInstance(t));
                ruleHolders.append(Holder::entity(tmpl(t)));
            }
            for (const QString &t : things)
                ruleHolders.append(Holder::entity(thing(t)));
            ruleHolders.append(Holder::entity({"Users", "u1"}));
            for (int k = int(rng.bounded(25)); k > 0; --k) {
                const Holder h = ruleHolders[rng.bounded(ruleHolders.size())];
                const Permission p = Permission(rng.bounded(PermissionCount));
                const bool memberOk = isRunTime(p) && h.kind != HolderKind::Collection;
                b.rule(h, R(randomPrincipal(), p, chance(35) ? Deny : Allow,
                            memberOk && chance(50) ? pick(members.mid(1)) : QString()));
            }
            for (int k = int(rng.bounded(8)); k > 0; --k)
                b.visible(ruleHolders[rng.bounded(ruleHolders.size())],
                          {allUnits[rng.bounded(allUnits.size())]});

            AccessModel model;
            b.load(model);
            const Reference ref{b.s};
            for (int q = 0; q < 50; ++q) {
                const QString user = pick(users);
                const int kind = int(rng.bounded(10));
                const EntityRef e = kind < 6   ? thing(chance(95) ? pick(things) : "missing")
                                    : kind < 8 ? tmpl(pick(templates))
                                               : EntityRef{"Users", pick(users)};
                const Permission p = Permission(rng.bounded(PermissionCount));
                const QString member = isRunTime(p) ? pick(members) : QString();
                const Answer expected = ref.answer(user, e, p, member);
                const QString where = QStringLiteral("seed %1, model %2, query %3: %4 %5 %6 %7")
                                          .arg(seed)
                                          .arg(model_)
                                          .arg(q)
                                          .arg(user, e.toString(), permissionName(p), member);
                QVERIFY2(model.check(user, e, p, member) == expected, qPrintable(where));
                QVERIFY2(model.evaluate(user, e, p, member) == expected, qPrintable(where));
                const Decision d = model.decide(user, e, p, member);
                QVERIFY2(d.allowed == (expected == Answer::Allow), qPrintable(where));
                QVERIFY2(d.visibility.visible == (expected != Answer::NotFound), qPrintable(where));
                QVERIFY2(model.isVisible(user, e) == ref.visible(user, e), qPrintable(where));
                if (expected != Answer::NotFound)
                    QVERIFY2(d.resolution.allowed == (expected == Answer::Allow),
                             qPrintable(where));
                if (q % 5 == 0) {
                    const QString t = chance(80) ? pick(templates) : QString();
                    const bool may = ref.mayCreate(user, t);
                    QVERIFY2(model.decideCreate(user, "Things", t).allowed == may,
                             qPrintable(where + " create from " + t));
                    QVERIFY2(model.requireCreate(user, "Things", t).ok() == may,
                             qPrintable(where + " create from " + t));
                }
                if (q % 10 == 0 && e.collection == u"Things" && e.name != u"missing") {
                    // The list filter admits exactly the visible Things.
                    const ListFilter f = model.listFilter(user, "Things");
                    const EntityFacts facts = b.s.entities.value(e);
                    bool listed = f.all ||
                                  (!facts.creator.isEmpty() && f.creator == facts.creator) ||
                                  f.templates.contains(facts.templateName);
                    for (const UnitRef &u : b.s.visibility.value(Holder::entity(e)))
                        listed |= f.units.contains(u.toString());
                    QVERIFY2(listed == ref.visible(user, e), qPrintable(where + " listFilter"));
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestAccess)
#include "tst_access.moc"
