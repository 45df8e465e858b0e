// The REST routes that manage authorization, against the real server: rules
// (entity, member overrides, template instance rules, collections) with their
// versions and every validation error, visibility lists, export and import
// of an entity's security, organization units and their members, group
// members, and the explain/effective questions, as administrators and as
// ordinary users.
#include "AccessFixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <algorithm>

using namespace BulwarkTest;

namespace {

const QString kAlicePassword = u"Tq9-vWx4-Lm7z-Rb2k"_s;
const QString kBobPassword = u"Hj3%kPz8-Qv6!nRw2"_s;
const Credentials kAlice{u"alice"_s, kAlicePassword};
const Credentials kBob{u"bob"_s, kBobPassword};

// Rules in a stable order: the server answers them in its own.
QJsonArray sorted(const QJsonArray &rules)
{
    QList<QByteArray> texts;
    for (const QJsonValue &r : rules)
        texts << QJsonDocument(r.toObject()).toJson(QJsonDocument::Compact);
    std::sort(texts.begin(), texts.end());
    QJsonArray result;
    for (const QByteArray &text : texts)
        result.append(QJsonDocument::fromJson(text).object());
    return result;
}

QJsonObject named(const QString &name)
{
    return {{"name"_L1, name}};
}

QStringList strings(const QJsonValue &array)
{
    QStringList list;
    for (const QJsonValue &v : array.toArray())
        list << v.toString();
    return list;
}

// A permission's decision in an effective answer's list.
QString decisionOf(const QJsonArray &permissions, const QString &permission)
{
    for (const QJsonValue &p : permissions) {
        if (p["permission"_L1].toString() == permission)
            return p["decision"_L1].toString();
    }
    return u"(absent)"_s;
}

QJsonObject memberOf(const QJsonObject &effective, const QString &member)
{
    for (const QJsonValue &m : effective.value("members"_L1).toArray()) {
        if (m["member"_L1].toString() == member)
            return m.toObject();
    }
    return {};
}

} // namespace

class TestSecurityRest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void rulesRoundTrip();
    void staleVersionIsRefused();
    void invalidRules_data();
    void invalidRules();
    void visibility();
    void nonAdministrators();
    void units();
    void unitMembersAndVisible();
    void groupMembers();
    void exportAndImport();
    void importWithMissingReferences();
    void explain();
    void effective();

private:
    [[nodiscard]] Answer as(const Credentials &who, const QByteArray &verb, const QString &path,
                            const QJsonObject &body = {}) const;
    // PUT …/Members (a group's or a unit's); the status.
    [[nodiscard]] int putMembers(const QString &path, const QList<QJsonObject> &members) const
    {
        return m_server->put(path, membersBody(members)).status;
    }
    [[nodiscard]] Answer putRules(const QString &path, const QJsonArray &rules) const
    {
        return m_server->put(path, {{"rules"_L1, rules}});
    }

    std::unique_ptr<HeadlessServer> m_server;
};

Answer TestSecurityRest::as(const Credentials &who, const QByteArray &verb, const QString &path,
                            const QJsonObject &body) const
{
    const bool sendsBody = verb == "PUT" || verb == "POST";
    return requestAs(*m_server, who, verb, path, sendsBody ? std::optional(body) : std::nullopt);
}

void TestSecurityRest::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, {});
    setup.makeUser(u"alice"_s, kAlicePassword);
    setup.makeUser(u"bob"_s, kBobPassword);
    setup.makeGroup(u"NightShift"_s, {user(u"bob"_s)});
    setup.makeGroup(u"Operators"_s, {group(u"NightShift"_s)});
    // Pump declares services, a property and an event; Pump7 inherits them.
    QJsonObject pump = withProperty(u"speed"_s, u"NUMBER"_s);
    pump.insert("services"_L1,
                QJsonArray{named(u"Service1"_s), named(u"Service2"_s), named(u"Service3"_s)});
    pump.insert("events"_L1, QJsonArray{named(u"Alarm"_s)});
    setup.makeTemplate(u"Pump"_s, {}, pump);
    setup.makeTemplate(u"Pump2"_s, {}, pump);
    setup.makeThing(u"Pump7"_s, u"Pump"_s);
    setup.makeThing(u"Boiler1"_s, {}, withProperty(u"temperature"_s, u"NUMBER"_s));
    // Acme: Acme > Plant1 > Line1, and Plant2 beside Plant1.
    setup.makeOrganization(
        u"Acme"_s, {{u"Plant1"_s, u"Acme"_s}, {u"Line1"_s, u"Plant1"_s}, {u"Plant2"_s, u"Acme"_s}});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
}

void TestSecurityRest::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestSecurityRest::rulesRoundTrip()
{
    const QString path = u"/api/Things/Pump7/Permissions"_s;
    const Answer empty = m_server->get(path);
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().value("holder"_L1).toString(), u"Things/Pump7"_s);
    QCOMPARE(empty.json().value("level"_L1).toString(), u"entity"_s);
    QCOMPARE(empty.json().value("rules"_L1).toArray(), QJsonArray());
    const QString emptyVersion = empty.json().value("version"_L1).toString();
    QCOMPARE(emptyVersion.size(), 16);

    // An entity rule and a member override on an inherited service.
    const QJsonArray rules{
        rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service2"_s),
        rule(user(u"alice"_s), u"Read"_s, u"Deny"_s)};
    const Answer put = putRules(path, rules);
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(sorted(put.json().value("rules"_L1).toArray()), sorted(rules));
    const QString version = put.json().value("version"_L1).toString();
    QCOMPARE(version.size(), 16);
    QVERIFY(version != emptyVersion);
    const Answer read = m_server->get(path);
    QCOMPARE(sorted(read.json().value("rules"_L1).toArray()), sorted(rules));
    QCOMPARE(read.json().value("version"_L1).toString(), version);

    // The version depends on the rules, not on their order.
    const Answer reversed = putRules(path, QJsonArray{rules.at(1), rules.at(0)});
    QCOMPARE(reversed.status, 200);
    QCOMPARE(reversed.json().value("version"_L1).toString(), version);

    // Template instance rules (Create included) and a collection's rules.
    const QJsonArray instance{
        rule(group(u"Operators"_s), u"Create"_s),
        rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service1"_s)};
    const Answer instanceRules =
        putRules(u"/api/ThingTemplates/Pump/InstancePermissions"_s, instance);
    QVERIFY2(instanceRules.status == 200, instanceRules.body.constData());
    QCOMPARE(instanceRules.json().value("level"_L1).toString(), u"instance"_s);
    QCOMPARE(instanceRules.json().value("holder"_L1).toString(),
             u"ThingTemplates/Pump (instance)"_s);
    // Rules on the template itself are separate from its instance rules.
    QCOMPARE(
        m_server->get(u"/api/ThingTemplates/Pump/Permissions"_s).json().value("rules"_L1).toArray(),
        QJsonArray());
    const QJsonArray collection{rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Deny"_s),
                                rule(group(u"Operators"_s), u"Create"_s)};
    const Answer collectionRules = putRules(u"/api/Collections/Things/Permissions"_s, collection);
    QVERIFY2(collectionRules.status == 200, collectionRules.body.constData());
    QCOMPARE(collectionRules.json().value("level"_L1).toString(), u"collection"_s);
    QCOMPARE(collectionRules.json().value("holder"_L1).toString(), u"Things"_s);
    QCOMPARE(sorted(m_server->get(u"/api/Collections/Things/Permissions"_s)
                        .json()
                        .value("rules"_L1)
                        .toArray()),
             sorted(collection));

    // [] removes them all; Create alone on Users is fine at collection level.
    QCOMPARE(putRules(u"/api/Collections/Things/Permissions"_s, {}).json().value("rules"_L1),
             QJsonValue(QJsonArray()));
    QCOMPARE(putRules(u"/api/Collections/Users/Permissions"_s,
                      {rule(group(u"Operators"_s), u"Create"_s)})
                 .status,
             200);
    QCOMPARE(putRules(u"/api/Collections/Users/Permissions"_s, {}).status, 200);

    QCOMPARE(m_server->get(u"/api/Things/Ghost/Permissions"_s).status, 404);
    QCOMPARE(m_server->get(u"/api/Things/Pump7/InstancePermissions"_s).status, 404);
    QCOMPARE(m_server->get(u"/api/Collections/Nothing/Permissions"_s).status, 404);
    QCOMPARE(m_server->remove(path).status, 405);
}

void TestSecurityRest::staleVersionIsRefused()
{
    const QString path = u"/api/Things/Boiler1/Permissions"_s;
    const QString v0 = m_server->get(path).json().value("version"_L1).toString();
    const QJsonArray first{rule(user(u"bob"_s), u"PropertyRead"_s)};
    const Answer a = m_server->put(path, {{"rules"_L1, first}, {"version"_L1, v0}});
    QVERIFY2(a.status == 200, a.body.constData());
    // A second administrator still holding v0 overwrites nothing.
    const Answer b =
        m_server->put(path, {{"rules"_L1, QJsonArray{rule(user(u"alice"_s), u"PropertyRead"_s)}},
                             {"version"_L1, v0}});
    QCOMPARE(b.status, 409);
    QCOMPARE(b.errorCode(), u"conflict"_s);
    QVERIFY2(b.errorMessage().contains(u"Things/Boiler1 changed since you read them"_s),
             qPrintable(b.errorMessage()));
    QCOMPARE(m_server->get(path).json().value("rules"_L1).toArray(), first);
    // With the current version it goes through.
    const Answer c = m_server->put(
        path, {{"rules"_L1, QJsonArray()}, {"version"_L1, a.json().value("version"_L1)}});
    QCOMPARE(c.status, 200);
}

void TestSecurityRest::invalidRules_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonArray>("rules");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");

    const QString pump7 = u"/api/Things/Pump7/Permissions"_s;
    const QJsonObject fine = rule(user(u"alice"_s), u"Read"_s);
    QTest::newRow("unknown permission") << pump7 << QJsonArray{fine, rule(user(u"bob"_s), u"Fly"_s)}
                                        << 400 << u"rules[1]: 'Fly' is not a permission"_s;
    QTest::newRow("unknown effect")
        << pump7 << QJsonArray{rule(user(u"bob"_s), u"Read"_s, u"Maybe"_s)} << 400
        << u"rules[0]: 'Maybe' is not an effect"_s;
    QTest::newRow("unknown principal type")
        << pump7 << QJsonArray{rule(principal(u"Robot"_s, u"bob"_s), u"Read"_s)} << 400
        << u"rules[0]"_s;
    QTest::newRow("Create on an entity")
        << pump7 << QJsonArray{fine, rule(user(u"bob"_s), u"Create"_s)} << 400
        << u"rules[1]: Create cannot be set on Things/Pump7"_s;
    QTest::newRow("run-time on a user")
        << u"/api/Users/alice/Permissions"_s << QJsonArray{rule(user(u"bob"_s), u"PropertyRead"_s)}
        << 400 << u"rules[0]: PropertyRead is a run-time permission"_s;
    QTest::newRow("run-time on the Groups collection")
        << u"/api/Collections/Groups/Permissions"_s
        << QJsonArray{rule(user(u"bob"_s), u"EventSubscribe"_s)} << 400 << u"run-time permission"_s;
    QTest::newRow("run-time on a template's own rules")
        << u"/api/ThingTemplates/Pump/Permissions"_s
        << QJsonArray{rule(user(u"bob"_s), u"ServiceInvoke"_s)} << 400 << u"run-time permission"_s;
    QTest::newRow("member on a collection rule")
        << u"/api/Collections/Things/Permissions"_s
        << QJsonArray{rule(user(u"bob"_s), u"PropertyRead"_s, u"Allow"_s, u"speed"_s)} << 400
        << u"a collection rule cannot name a member"_s;
    QTest::newRow("member with a design-time permission")
        << pump7 << QJsonArray{rule(user(u"bob"_s), u"Read"_s, u"Allow"_s, u"speed"_s)} << 400
        << u"rules[0]: Read applies to the whole entity"_s;
    QTest::newRow("service permission on a property")
        << pump7
        << QJsonArray{fine, rule(user(u"bob"_s), u"ServiceInvoke"_s, u"Allow"_s, u"speed"_s)} << 400
        << u"rules[1]: ServiceInvoke applies to a service, but 'speed' of Thing 'Pump7' is a property"_s;
    QTest::newRow("event permission on a service (instance rule)")
        << u"/api/ThingTemplates/Pump/InstancePermissions"_s
        << QJsonArray{rule(user(u"bob"_s), u"EventInvoke"_s, u"Allow"_s, u"Service1"_s)} << 400
        << u"EventInvoke applies to an event, but 'Service1'"_s;
    QTest::newRow("duplicate") << pump7
                               << QJsonArray{fine, rule(user(u"bob"_s), u"Read"_s),
                                             rule(user(u"alice"_s), u"Read"_s, u"Deny"_s)}
                               << 400 << u"rules[2] repeats rules[0]"_s;
    QTest::newRow("missing principal")
        << pump7 << QJsonArray{fine, rule(group(u"Ghosts"_s), u"Read"_s)} << 404
        << u"rules[1]: Group 'Ghosts'"_s;
    QTest::newRow("missing member")
        << pump7 << QJsonArray{rule(user(u"bob"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service9"_s)}
        << 404 << u"has no property, service or event 'Service9'"_s;
    QTest::newRow("not an array") << pump7 << QJsonArray{u"Read"_s} << 400 << u"rules[0]"_s;
}

void TestSecurityRest::invalidRules()
{
    QFETCH(QString, path);
    QFETCH(QJsonArray, rules);
    QFETCH(int, status);
    QFETCH(QString, says);
    const QJsonValue before = m_server->get(path).json().value("rules"_L1);
    const Answer answer = putRules(path, rules);
    QCOMPARE(answer.status, status);
    QVERIFY2(answer.errorMessage().contains(says), qPrintable(answer.errorMessage()));
    // Refused as a whole: nothing written.
    QCOMPARE(m_server->get(path).json().value("rules"_L1), before);
}

void TestSecurityRest::visibility()
{
    const QString path = u"/api/Things/Boiler1/Visibility"_s;
    const Answer empty = m_server->get(path);
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().value("holder"_L1).toString(), u"Things/Boiler1"_s);
    QCOMPARE(strings(empty.json().value("units"_L1)), QStringList());
    const QString v0 = empty.json().value("version"_L1).toString();

    const Answer put = m_server->put(
        path, {{"units"_L1, QJsonArray{u"Acme/Line1"_s, u"Acme/Plant2"_s}}, {"version"_L1, v0}});
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(strings(put.json().value("units"_L1)),
             (QStringList{u"Acme/Line1"_s, u"Acme/Plant2"_s}));
    QCOMPARE(strings(m_server->get(path).json().value("units"_L1)),
             (QStringList{u"Acme/Line1"_s, u"Acme/Plant2"_s}));
    // Stale version, missing unit, missing organization, malformed, twice: nothing written.
    QCOMPARE(m_server->put(path, {{"units"_L1, QJsonArray()}, {"version"_L1, v0}}).status, 409);
    const Answer missing = m_server->put(path, unitsBody({u"Acme/Line1"_s, u"Acme/Nowhere"_s}));
    QCOMPARE(missing.status, 404);
    QVERIFY2(missing.errorMessage().contains(u"Acme/Nowhere"_s),
             qPrintable(missing.errorMessage()));
    QCOMPARE(m_server->put(path, unitsBody({u"Globex/Lab"_s})).status, 404);
    QCOMPARE(m_server->put(path, unitsBody({u"Acme"_s})).status, 400);
    QCOMPARE(m_server->put(path, unitsBody({u"Acme/Line1"_s, u"Acme/Line1"_s})).status, 400);
    QCOMPARE(strings(m_server->get(path).json().value("units"_L1)),
             (QStringList{u"Acme/Line1"_s, u"Acme/Plant2"_s}));
    QCOMPARE(m_server->put(path, unitsBody({u"Acme/Line1"_s})).status, 200);

    // Instance visibility of a template, and a collection's list.
    const Answer instance = m_server->put(u"/api/ThingTemplates/Pump/InstanceVisibility"_s,
                                          unitsBody({u"Acme/Plant2"_s}));
    QVERIFY2(instance.status == 200, instance.body.constData());
    QCOMPARE(instance.json().value("holder"_L1).toString(), u"ThingTemplates/Pump (instance)"_s);
    QCOMPARE(
        strings(m_server->get(u"/api/ThingTemplates/Pump/Visibility"_s).json().value("units"_L1)),
        QStringList());
    const Answer collection =
        m_server->put(u"/api/Collections/Groups/Visibility"_s, unitsBody({u"Acme/Acme"_s}));
    QCOMPARE(collection.status, 200);
    QCOMPARE(collection.json().value("holder"_L1).toString(), u"Groups"_s);
    QCOMPARE(m_server->put(u"/api/Collections/Groups/Visibility"_s, unitsBody({})).status, 200);
}

void TestSecurityRest::nonAdministrators()
{
    // Boiler1 is visible to Acme/Line1 (visibility()); alice is put there.
    QCOMPARE(putMembers(u"/api/Organizations/Acme/Units/Line1/Members"_s, {user(u"alice"_s)}), 200);
    const QString boiler = u"/api/Things/Boiler1/Permissions"_s;
    // Visible, but no Read: 403.
    const Answer noRead = as(kAlice, "GET", boiler);
    QCOMPARE(noRead.status, 403);
    QCOMPARE(putRules(boiler, {rule(user(u"alice"_s), u"Read"_s)}).status, 200);
    const Answer read = as(kAlice, "GET", boiler);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json().value("rules"_L1).toArray().size(), 1);
    QCOMPARE(as(kAlice, "GET", u"/api/Things/Boiler1/Visibility"_s).status, 200);
    QCOMPARE(as(kAlice, "GET", u"/api/Things/Boiler1/Security"_s).status, 200);
    // Changing is for administrators only.
    const Answer change = as(kAlice, "PUT", boiler, rulesBody({}));
    QCOMPARE(change.status, 403);
    QCOMPARE(change.errorCode(), u"forbidden"_s);
    QCOMPARE(as(kAlice, "PUT", u"/api/Things/Boiler1/Visibility"_s, unitsBody({})).status, 403);
    QCOMPARE(m_server->get(boiler).json().value("rules"_L1).toArray().size(), 1);

    // Pump7 is invisible to alice: 404 with the body of a missing Thing, for
    // reading and changing alike.
    const Answer invisible = as(kAlice, "GET", u"/api/Things/Pump7/Permissions"_s);
    const Answer missing = m_server->get(u"/api/Things/Pump8/Permissions"_s);
    const QString why = differsFromMissing(invisible, u"Pump7"_s, missing, u"Pump8"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(as(kAlice, "PUT", u"/api/Things/Pump7/Permissions"_s, rulesBody({})).status, 404);
    QCOMPARE(as(kAlice, "GET", u"/api/ThingTemplates/Pump/InstancePermissions"_s).status, 404);
    // Collections and units: administrators only.
    QCOMPARE(as(kAlice, "GET", u"/api/Collections/Things/Permissions"_s).status, 403);
    QCOMPARE(as(kAlice, "GET", u"/api/Organizations/Acme/Units"_s).status, 404);
    QCOMPARE(putRules(boiler, {}).status, 200);
}

void TestSecurityRest::units()
{
    const QString base = u"/api/Organizations/Acme/Units"_s;
    const Answer list = m_server->get(base);
    QCOMPARE(list.status, 200);
    const QJsonArray items = list.json().value("items"_L1).toArray();
    QCOMPARE(items.size(), 4);
    QCOMPARE(items.at(0)["name"_L1].toString(), u"Acme"_s);
    QVERIFY(items.at(0)["parent"_L1].isNull());
    QCOMPARE(m_server->get(u"/api/Organizations/Nobody/Units"_s).status, 404);

    const Answer created = m_server->post(
        base, {{"name"_L1, "Line2"_L1}, {"parent"_L1, "Plant1"_L1}, {"description"_L1, "B"_L1}});
    QVERIFY2(created.status == 201, created.body.constData());
    QCOMPARE(created.header("Location"), QByteArray("/api/Organizations/Acme/Units/Line2"));
    QCOMPARE(created.json().value("parent"_L1).toString(), u"Plant1"_s);
    QCOMPARE(m_server->post(base, {{"name"_L1, "Line2"_L1}, {"parent"_L1, "Acme"_L1}}).status, 409);
    QCOMPARE(m_server->post(base, {{"name"_L1, "Line3"_L1}, {"parent"_L1, "Nowhere"_L1}}).status,
             404);
    QCOMPARE(m_server->post(base, {{"name"_L1, "Line3"_L1}}).status, 400);
    QCOMPARE(m_server->post(base, {{"name"_L1, "bad name!"_L1}, {"parent"_L1, "Acme"_L1}}).status,
             400);
    QCOMPARE(m_server->post(base, {{"name"_L1, "Line3"_L1}, {"parent"_L1, "Acme"_L1}, {"x"_L1, 1}})
                 .status,
             400);

    // A grant and a member on Line2 follow its rename.
    QCOMPARE(m_server->put(u"/api/Things/Pump7/Visibility"_s, unitsBody({u"Acme/Line2"_s})).status,
             200);
    QCOMPARE(putMembers(base + u"/Line2/Members"_s, {user(u"bob"_s)}), 200);
    const Answer renamed = m_server->put(base + u"/Line2"_s, {{"name"_L1, "LineB"_L1}});
    QVERIFY2(renamed.status == 200, renamed.body.constData());
    QCOMPARE(renamed.json().value("name"_L1).toString(), u"LineB"_s);
    QCOMPARE(m_server->get(base + u"/Line2"_s).status, 404);
    QCOMPARE(strings(m_server->get(u"/api/Things/Pump7/Visibility"_s).json().value("units"_L1)),
             QStringList{u"Acme/LineB"_s});
    QCOMPARE(m_server->get(base + u"/LineB/Members"_s).json().value("members"_L1).toArray(),
             QJsonArray{user(u"bob"_s)});

    // Move and describe at once.
    const Answer moved =
        m_server->put(base + u"/LineB"_s, {{"parent"_L1, "Plant2"_L1}, {"description"_L1, "C"_L1}});
    QVERIFY2(moved.status == 200, moved.body.constData());
    QCOMPARE(moved.json().value("parent"_L1).toString(), u"Plant2"_s);
    QCOMPARE(moved.json().value("description"_L1).toString(), u"C"_s);
    const Answer unit = m_server->get(base + u"/LineB"_s);
    QCOMPARE(unit.json().value("parent"_L1).toString(), u"Plant2"_s);

    // Refusals: a cycle, the root renamed or moved, nothing to change, a missing unit.
    QCOMPARE(m_server->put(base + u"/Plant1"_s, {{"parent"_L1, "Line1"_L1}}).status, 409);
    QCOMPARE(m_server->put(base + u"/Acme"_s, {{"name"_L1, "Root"_L1}}).status, 409);
    QCOMPARE(m_server->put(base + u"/Acme"_s, {{"parent"_L1, "Plant1"_L1}}).status, 409);
    QCOMPARE(m_server->put(base + u"/Acme"_s, {{"description"_L1, "top"_L1}}).status, 200);
    QCOMPARE(m_server->put(base + u"/LineB"_s, QJsonObject()).status, 400);
    QCOMPARE(m_server->put(base + u"/Ghost"_s, {{"description"_L1, "x"_L1}}).status, 404);
    QCOMPARE(m_server->put(base + u"/LineB"_s, {{"name"_L1, "Line1"_L1}}).status, 409);
    QCOMPARE(m_server->put(base + u"/LineB"_s, {{"parent"_L1, "Nowhere"_L1}}).status, 404);

    // Delete: not the root, not with children; the grants go with the unit.
    QCOMPARE(m_server->remove(base + u"/Acme"_s).status, 409);
    QCOMPARE(m_server->remove(base + u"/Plant1"_s).status, 409);
    QCOMPARE(m_server->remove(base + u"/LineB"_s).status, 204);
    QCOMPARE(m_server->remove(base + u"/LineB"_s).status, 404);
    QCOMPARE(strings(m_server->get(u"/api/Things/Pump7/Visibility"_s).json().value("units"_L1)),
             QStringList());
    QCOMPARE(m_server->get(base).json().value("items"_L1).toArray().size(), 4);
}

void TestSecurityRest::unitMembersAndVisible()
{
    const QString members = u"/api/Organizations/Acme/Units/Plant2/Members"_s;
    const Answer empty = m_server->get(members);
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.json().value("unit"_L1).toString(), u"Acme/Plant2"_s);
    const QString v0 = empty.json().value("version"_L1).toString();
    const QJsonArray list{group(u"Operators"_s), user(u"alice"_s)};
    const Answer put = m_server->put(members, {{"members"_L1, list}, {"version"_L1, v0}});
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(put.json().value("members"_L1).toArray().size(), 2);
    QCOMPARE(m_server->put(members, {{"members"_L1, QJsonArray()}, {"version"_L1, v0}}).status,
             409);
    const Answer ghost = m_server->put(members, membersBody({user(u"ghost"_s)}));
    QCOMPARE(ghost.status, 404);
    QVERIFY2(ghost.errorMessage().contains(u"ghost"_s), qPrintable(ghost.errorMessage()));
    QCOMPARE(m_server->put(members, {{"members"_L1, QJsonArray{u"alice"_s}}}).status, 400);
    QCOMPARE(m_server->get(members).json().value("members"_L1).toArray().size(), 2);
    QCOMPARE(m_server->get(u"/api/Organizations/Acme/Units/Ghost/Members"_s).status, 404);
    QCOMPARE(putMembers(members, {}), 200);

    // Boiler1 is granted to Acme/Line1: seen through Line1, Plant1 and the
    // root above it, not through Plant2 beside it.
    const auto visible = [this](const QString &unit) {
        return m_server->get(u"/api/Organizations/Acme/Units/%1/Visible"_s.arg(unit));
    };
    const Answer line1 = visible(u"Line1"_s);
    QCOMPARE(line1.status, 200);
    const QJsonObject expected{{"entity"_L1, "Things/Boiler1"_L1},
                               {"grantedOn"_L1, "Things/Boiler1"_L1},
                               {"unit"_L1, "Acme/Line1"_L1}};
    QVERIFY2(line1.json().value("items"_L1).toArray().contains(expected), line1.body.constData());
    QVERIFY(visible(u"Plant1"_s).json().value("items"_L1).toArray().contains(expected));
    QVERIFY(visible(u"Acme"_s).json().value("items"_L1).toArray().contains(expected));
    QVERIFY(!visible(u"Plant2"_s).json().value("items"_L1).toArray().contains(expected));
    // Instance visibility of Pump (Acme/Plant2) shows the Things built from it.
    QVERIFY2(visible(u"Plant2"_s)
                 .json()
                 .value("items"_L1)
                 .toArray()
                 .contains(QJsonObject{{"entity"_L1, "Things/Pump7"_L1},
                                       {"grantedOn"_L1, "ThingTemplates/Pump (instance)"_L1},
                                       {"unit"_L1, "Acme/Plant2"_L1}}),
             visible(u"Plant2"_s).body.constData());
    QCOMPARE(visible(u"Ghost"_s).status, 404);
}

void TestSecurityRest::groupMembers()
{
    const QString path = u"/api/Groups/Operators/Members"_s;
    const Answer read = m_server->get(path);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json().value("members"_L1).toArray(), QJsonArray{group(u"NightShift"_s)});
    const QString v0 = read.json().value("version"_L1).toString();
    const QJsonArray next{group(u"NightShift"_s), user(u"alice"_s)};
    const Answer put = m_server->put(path, {{"members"_L1, next}, {"version"_L1, v0}});
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(m_server->get(u"/api/Groups/Operators"_s).json().value("members"_L1).toArray().size(),
             2);
    QCOMPARE(m_server->put(path, {{"members"_L1, QJsonArray()}, {"version"_L1, v0}}).status, 409);
    // NightShift inside Operators: Operators inside NightShift is a cycle.
    const Answer cycle = m_server->put(u"/api/Groups/NightShift/Members"_s,
                                       membersBody({user(u"bob"_s), group(u"Operators"_s)}));
    QCOMPARE(cycle.status, 409);
    QCOMPARE(
        m_server->get(u"/api/Groups/NightShift/Members"_s).json().value("members"_L1).toArray(),
        QJsonArray{user(u"bob"_s)});
    QCOMPARE(putMembers(path, {user(u"ghost"_s)}), 404);
    QCOMPARE(m_server->get(u"/api/Groups/Ghosts/Members"_s).status, 404);
    // The Administrator stays in Administrators.
    QCOMPARE(putMembers(u"/api/Groups/Administrators/Members"_s, {user(u"alice"_s)}), 409);
    // Joining Administrators takes effect on the next request, and so does leaving.
    QCOMPARE(as(kBob, "GET", u"/api/Collections/Things/Permissions"_s).status, 403);
    QCOMPARE(putMembers(u"/api/Groups/Administrators/Members"_s,
                        {user(u"Administrator"_s), user(u"bob"_s)}),
             200);
    QCOMPARE(as(kBob, "GET", u"/api/Collections/Things/Permissions"_s).status, 200);
    QCOMPARE(putMembers(u"/api/Groups/Administrators/Members"_s, {user(u"Administrator"_s)}), 200);
    QCOMPARE(as(kBob, "GET", u"/api/Collections/Things/Permissions"_s).status, 403);
    // Not an administrator: may not change members.
    QCOMPARE(as(kAlice, "PUT", path, membersBody({})).status / 100, 4);
    QCOMPARE(putMembers(path, {group(u"NightShift"_s)}), 200);
}

void TestSecurityRest::exportAndImport()
{
    QCOMPARE(putRules(u"/api/ThingTemplates/Pump/Permissions"_s,
                      {rule(group(u"Operators"_s), u"Read"_s)})
                 .status,
             200);
    QCOMPARE(m_server->put(u"/api/ThingTemplates/Pump/Visibility"_s, unitsBody({u"Acme/Plant1"_s}))
                 .status,
             200);
    const Answer exported = m_server->get(u"/api/ThingTemplates/Pump/Security"_s);
    QCOMPARE(exported.status, 200);
    const QJsonObject document = exported.json();
    QCOMPARE(document.value("format"_L1).toString(), u"bulwark-security/1"_s);
    QCOMPARE(document.value("entity"_L1).toString(), u"ThingTemplates/Pump"_s);
    QCOMPARE(document.value("rules"_L1).toArray().size(), 1);
    QCOMPARE(strings(document.value("visibility"_L1)), QStringList{u"Acme/Plant1"_s});
    QCOMPARE(document.value("instanceRules"_L1).toArray().size(), 2);
    QCOMPARE(strings(document.value("instanceVisibility"_L1)), QStringList{u"Acme/Plant2"_s});
    QCOMPARE(document.value("principals"_L1).toArray(), QJsonArray{group(u"Operators"_s)});
    QCOMPARE(strings(document.value("units"_L1)),
             (QStringList{u"Acme/Plant1"_s, u"Acme/Plant2"_s}));
    // A Thing's export has no instance parts.
    const QJsonObject thing = m_server->get(u"/api/Things/Boiler1/Security"_s).json();
    QVERIFY(thing.contains("rules"_L1));
    QVERIFY(!thing.contains("instanceRules"_L1));

    // Onto another template: everything exists here, so all of it applies.
    const Answer imported = m_server->put(u"/api/ThingTemplates/Pump2/Security"_s, document);
    QVERIFY2(imported.status == 200, imported.body.constData());
    QCOMPARE(imported.json().value("applied"_L1).toObject(),
             (QJsonObject{{"rules"_L1, 1},
                          {"visibility"_L1, 1},
                          {"instanceRules"_L1, 2},
                          {"instanceVisibility"_L1, 1}}));
    QCOMPARE(imported.json().value("skipped"_L1).toArray(), QJsonArray());
    const QJsonObject copy = m_server->get(u"/api/ThingTemplates/Pump2/Security"_s).json();
    for (const auto field : {"rules"_L1, "visibility"_L1, "instanceRules"_L1,
                             "instanceVisibility"_L1, "principals"_L1, "units"_L1})
        QCOMPARE(copy.value(field), document.value(field));
    QCOMPARE(copy.value("entity"_L1).toString(), u"ThingTemplates/Pump2"_s);

    // A template's document does not fit a Thing; a wrong format is refused.
    QCOMPARE(m_server->put(u"/api/Things/Boiler1/Security"_s, document).status, 400);
    QJsonObject wrongFormat = document;
    wrongFormat.insert("format"_L1, "other/2"_L1);
    QCOMPARE(m_server->put(u"/api/ThingTemplates/Pump2/Security"_s, wrongFormat).status, 400);
}

void TestSecurityRest::importWithMissingReferences()
{
    const QString path = u"/api/Things/Boiler1/Security"_s;
    QCOMPARE(
        putRules(u"/api/Things/Boiler1/Permissions"_s, {rule(user(u"bob"_s), u"Update"_s)}).status,
        200);
    const QJsonObject before = m_server->get(path).json();
    const QJsonObject document{
        {"format"_L1, "bulwark-security/1"_L1},
        {"entity"_L1, "Things/Elsewhere"_L1},
        {"rules"_L1,
         QJsonArray{rule(group(u"Ghosts"_s), u"Read"_s),
                    rule(group(u"Ghosts"_s), u"PropertyRead"_s), rule(user(u"alice"_s), u"Read"_s),
                    rule(user(u"alice"_s), u"PropertyRead"_s, u"Allow"_s, u"pressure"_s)}},
        {"visibility"_L1, QJsonArray{u"Acme/Line1"_s, u"Globex/Lab"_s}}};
    const Answer refused = m_server->put(path, document);
    QCOMPARE(refused.status, 409);
    QCOMPARE(refused.errorCode(), u"missing-references"_s);
    const QJsonArray missing =
        refused.json().value("error"_L1).toObject().value("missing"_L1).toArray();
    QCOMPARE(missing,
             (QJsonArray{group(u"Ghosts"_s),
                         QJsonObject{{"type"_L1, "Member"_L1}, {"name"_L1, "pressure"_L1}},
                         QJsonObject{{"type"_L1, "Unit"_L1}, {"name"_L1, "Globex/Lab"_L1}}}));
    QVERIFY2(refused.errorMessage().contains(u"Group 'Ghosts'"_s) &&
                 refused.errorMessage().contains(u"skipMissing=true"_s),
             qPrintable(refused.errorMessage()));
    QCOMPARE(m_server->get(path).json(), before); // nothing written

    const Answer skipped = m_server->put(path + u"?skipMissing=true"_s, document);
    QVERIFY2(skipped.status == 200, skipped.body.constData());
    QCOMPARE(skipped.json().value("applied"_L1).toObject(),
             (QJsonObject{{"rules"_L1, 1}, {"visibility"_L1, 1}}));
    QCOMPARE(
        skipped.json().value("skipped"_L1).toArray(),
        (QJsonArray{
            QJsonObject{{"type"_L1, "Group"_L1}, {"name"_L1, "Ghosts"_L1}, {"rules"_L1, 2}},
            QJsonObject{{"type"_L1, "Member"_L1}, {"name"_L1, "pressure"_L1}, {"rules"_L1, 1}},
            QJsonObject{{"type"_L1, "Unit"_L1}, {"name"_L1, "Globex/Lab"_L1}, {"grants"_L1, 1}}}));
    const QJsonObject after = m_server->get(path).json();
    QCOMPARE(after.value("rules"_L1).toArray(), QJsonArray{rule(user(u"alice"_s), u"Read"_s)});
    QCOMPARE(strings(after.value("visibility"_L1)), QStringList{u"Acme/Line1"_s});
    // The audit record of the import says what it left out.
    const QString entity = path.mid(QStringLiteral("/api/").size());
    const Answer audited = m_server->get(u"/api/Audit?entity="_s + entity + u"&limit=1"_s);
    QCOMPARE(audited.status, 200);
    const QJsonObject record = audited.json().value("items"_L1).toArray().at(0).toObject();
    QCOMPARE(record.value("details"_L1).toObject().value("skipped"_L1).toArray(),
             skipped.json().value("skipped"_L1).toArray());
    QCOMPARE(m_server->put(path + u"?skipMissing=maybe"_s, document).status, 400);
}

void TestSecurityRest::explain()
{
    const auto ask = [this](const QString &query, std::optional<Credentials> who = std::nullopt) {
        Request request("GET", u"/api/Permissions/explain?"_s + query);
        if (who)
            return m_server->request(request.withCredentials(*who));
        return m_server->request(request);
    };
    // bob (through NightShift) sees Pump through Acme/Plant1, and Pump7
    // through Pump's instance visibility Acme/Plant2; alice is in neither.
    for (const auto &unit : {u"Plant1"_s, u"Plant2"_s})
        QCOMPARE(putMembers(u"/api/Organizations/Acme/Units/%1/Members"_s.arg(unit),
                            {group(u"NightShift"_s)}),
                 200);
    // alice sees Boiler1 through Acme/Line1 and has an entity rule Read (the import above).
    const Answer aliceRead = ask(u"user=alice&entity=Things/Boiler1&permission=Read"_s);
    QVERIFY2(aliceRead.status == 200, aliceRead.body.constData());
    const QJsonObject a = aliceRead.json();
    QCOMPARE(a.value("user"_L1).toString(), u"alice"_s);
    QCOMPARE(a.value("entity"_L1).toString(), u"Things/Boiler1"_s);
    QCOMPARE(a.value("decision"_L1).toString(), u"allow"_s);
    QCOMPARE(a.value("visibility"_L1).toObject().value("visible"_L1).toBool(), true);
    QCOMPARE(a.value("resolution"_L1).toObject().value("level"_L1).toString(), u"entity"_s);
    QVERIFY(!a.value("message"_L1).toString().isEmpty());
    // alice herself gets the same answer; about bob she gets 403 before any lookup.
    QCOMPARE(ask(u"user=alice&entity=Things/Boiler1&permission=Read"_s, kAlice).json(), a);
    QCOMPARE(ask(u"entity=Things/Boiler1&permission=Read"_s, kAlice).json(), a);
    QCOMPARE(ask(u"user=bob&entity=Things/Boiler1&permission=Read"_s, kAlice).status, 403);
    QCOMPARE(ask(u"user=nobody&entity=Things/Nothing&permission=Read"_s, kAlice).status, 403);
    // An entity alice cannot see: 404 for her, an explained deny for an administrator.
    const Answer hidden = ask(u"entity=Things/Pump7&permission=Read"_s, kAlice);
    const QString why = differsFromMissing(
        hidden, u"Pump7"_s, ask(u"entity=Things/Pump8&permission=Read"_s, kAlice), u"Pump8"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    const Answer adminHidden = ask(u"user=alice&entity=Things/Pump7&permission=Read"_s);
    QCOMPARE(adminHidden.status, 200);
    QCOMPARE(adminHidden.json().value("decision"_L1).toString(), u"deny"_s);
    QCOMPARE(adminHidden.json().value("visibility"_L1).toObject().value("visible"_L1).toBool(true),
             false);
    // The Administrator: allowed at level administrator.
    const Answer admin = ask(u"user=Administrator&entity=Things/Pump7&permission=Delete"_s);
    QCOMPARE(admin.json().value("decision"_L1).toString(), u"allow"_s);
    QCOMPARE(admin.json().value("resolution"_L1).toObject().value("level"_L1).toString(),
             u"administrator"_s);
    // Create: from a template (instance rule Operators Create on Pump), or without one.
    const Answer fromPump = ask(u"user=bob&entity=ThingTemplates/Pump&permission=Create"_s);
    QCOMPARE(fromPump.status, 200);
    QCOMPARE(fromPump.json().value("decision"_L1).toString(), u"allow"_s);
    const Answer bare = ask(u"user=bob&entity=Things&permission=Create"_s);
    QCOMPARE(bare.status, 200);
    QCOMPARE(bare.json().value("entity"_L1).toString(), u"Things"_s);
    QCOMPARE(bare.json().value("decision"_L1).toString(), u"deny"_s);
    // A member: E1's Service1 is allowed by Pump's instance rule.
    const Answer member =
        ask(u"user=bob&entity=Things/Pump7&permission=ServiceInvoke&member=Service1"_s);
    QCOMPARE(member.status, 200);
    QCOMPARE(member.json().value("member"_L1).toString(), u"Service1"_s);
    QCOMPARE(member.json().value("decision"_L1).toString(), u"allow"_s);

    // Refusals.
    QCOMPARE(ask(u"user=ghost&entity=Things/Boiler1&permission=Read"_s).status, 404);
    QCOMPARE(ask(u"user=bob&entity=Things/Ghost&permission=Read"_s).status, 404);
    const Answer noPermission = ask(u"user=bob&entity=Things/Boiler1"_s);
    QCOMPARE(noPermission.status, 400);
    QVERIFY2(noPermission.errorMessage().contains(u"PropertyRead"_s),
             qPrintable(noPermission.errorMessage()));
    QCOMPARE(ask(u"user=bob&entity=Things/Boiler1&permission=Fly"_s).status, 400);
    QCOMPARE(ask(u"user=bob&entity=Things/Pump7&permission=ServiceInvoke&member=Nope"_s).status,
             404);
    QCOMPARE(ask(u"user=bob&entity=Things/Pump7&permission=ServiceInvoke&member=speed"_s).status,
             400);
    QCOMPARE(ask(u"user=bob&entity=Things/Boiler1&permission=Create"_s).status, 400);
    QCOMPARE(ask(u"user=bob&entity=Things&permission=Read"_s).status, 400);
    QCOMPARE(ask(u"user=bob&entity=Nowhere/x&permission=Read"_s).status, 404);
}

void TestSecurityRest::effective()
{
    // E1: Things collection denies ServiceInvoke to Operators, Pump's
    // instance rules allow Service1, Pump7 allows Service2. bob is in
    // Operators through NightShift, and sees Pump7 and Boiler1 through
    // Acme/Line1; alice is there too.
    QCOMPARE(putRules(u"/api/Collections/Things/Permissions"_s,
                      {rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Deny"_s)})
                 .status,
             200);
    QCOMPARE(putRules(u"/api/Things/Pump7/Permissions"_s,
                      {rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service2"_s)})
                 .status,
             200);
    QCOMPARE(m_server->put(u"/api/Things/Pump7/Visibility"_s, unitsBody({u"Acme/Line1"_s})).status,
             200);
    QCOMPARE(putMembers(u"/api/Organizations/Acme/Units/Line1/Members"_s,
                        {user(u"alice"_s), group(u"NightShift"_s)}),
             200);
    const Answer answer =
        m_server->get(u"/api/Permissions/effective?user=bob&entity=Things/Pump7"_s);
    QVERIFY2(answer.status == 200, answer.body.constData());
    const QJsonObject e = answer.json();
    QCOMPARE(e.value("user"_L1).toString(), u"bob"_s);
    QCOMPARE(e.value("entity"_L1).toString(), u"Things/Pump7"_s);
    QCOMPARE(e.value("visibility"_L1).toObject().value("visible"_L1).toBool(), true);
    const QJsonArray permissions = e.value("permissions"_L1).toArray();
    for (const auto &p : {u"Read"_s, u"Update"_s, u"Delete"_s, u"PropertyRead"_s})
        QVERIFY2(decisionOf(permissions, p) != u"(absent)"_s, qPrintable(p));
    QCOMPARE(decisionOf(permissions, u"Create"_s), u"(absent)"_s);
    QCOMPARE(decisionOf(permissions, u"ServiceInvoke"_s), u"deny"_s);
    QVERIFY(permissions.at(0)["resolution"_L1].isObject());
    const auto service = [&e](const QString &name) {
        return decisionOf(memberOf(e, name).value("permissions"_L1).toArray(), u"ServiceInvoke"_s);
    };
    QCOMPARE(service(u"Service1"_s), u"allow"_s);
    QCOMPARE(service(u"Service2"_s), u"allow"_s);
    QCOMPARE(service(u"Service3"_s), u"deny"_s);
    QCOMPARE(memberOf(e, u"Service1"_s).value("kind"_L1).toString(), u"service"_s);
    const QJsonArray speed = memberOf(e, u"speed"_s).value("permissions"_L1).toArray();
    QCOMPARE(memberOf(e, u"speed"_s).value("kind"_L1).toString(), u"property"_s);
    QCOMPARE(speed.size(), 2);
    QCOMPARE(decisionOf(speed, u"PropertyWrite"_s), u"deny"_s);
    QCOMPARE(memberOf(e, u"Alarm"_s).value("permissions"_L1).toArray().size(), 2);

    // bob about himself sees the same; alice about bob is refused; a template
    // lists Create; a collection alone answers Create.
    QCOMPARE(as(kBob, "GET", u"/api/Permissions/effective?entity=Things/Pump7"_s).json(), e);
    QCOMPARE(as(kAlice, "GET", u"/api/Permissions/effective?user=bob&entity=Things/Pump7"_s).status,
             403);
    QCOMPARE(as(kBob, "GET", u"/api/Permissions/effective?entity=Things/Boiler1"_s).status, 200);
    QCOMPARE(as(kBob, "GET", u"/api/Permissions/effective?entity=Users/alice"_s).status, 404);
    QCOMPARE(as(kAlice, "GET", u"/api/Permissions/effective?entity=Users/alice"_s).status, 200);
    const QJsonObject pump =
        m_server->get(u"/api/Permissions/effective?user=bob&entity=ThingTemplates/Pump"_s).json();
    QCOMPARE(decisionOf(pump.value("permissions"_L1).toArray(), u"Create"_s), u"allow"_s);
    QVERIFY(!pump.contains("members"_L1));
    const QJsonObject things =
        m_server->get(u"/api/Permissions/effective?user=bob&entity=Things"_s).json();
    QCOMPARE(things.value("permissions"_L1).toArray().size(), 1);
    QCOMPARE(decisionOf(things.value("permissions"_L1).toArray(), u"Create"_s), u"deny"_s);
    QCOMPARE(m_server->get(u"/api/Permissions/effective?user=ghost&entity=Things/Pump7"_s).status,
             404);
    QCOMPARE(m_server->request({"POST", u"/api/Permissions/effective"_s, "{}", "application/json"})
                 .status,
             405);
}

QTEST_GUILESS_MAIN(TestSecurityRest)
#include "tst_security_rest.moc"
