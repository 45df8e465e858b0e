// AccessModel: the vocabulary, every level and precedence case of
// docs/security-model.md ("Authorization model"), creator and self
// visibility, the words of a refusal, invalidation, tombstones and
// concurrent readers. The doc's worked examples E1-E8 are in
// tst_access_examples.cpp, the randomized comparison with the reference in
// tst_access_random.cpp.
// The tables are written in the doc's words: plain literals convert to QString here.
#undef QT_NO_CAST_FROM_ASCII

#include "AccessTestModels.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace Bulwark;
using namespace Bulwark::Access;
using namespace BulwarkTest;

namespace {

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
};

QTEST_GUILESS_MAIN(TestAccess)
#include "tst_access.moc"
