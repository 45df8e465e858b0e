// AccessModel through the worked examples E1-E8 of docs/security-model.md
// ("Authorization model"): levels, deny within a level, nested groups and
// the explain JSON, template chains and create, unit hierarchies and moved
// units, several organizations, collection and template visibility, and
// administrators.
// The examples are written in the doc's words: plain literals convert to QString here.
#undef QT_NO_CAST_FROM_ASCII

#include "AccessTestModels.h"

#include <QJsonDocument>
#include <QTest>

using namespace Bulwark;
using namespace Bulwark::Access;
using namespace BulwarkTest;

class TestAccessExamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
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
};

QTEST_GUILESS_MAIN(TestAccessExamples)
#include "tst_access_examples.moc"
