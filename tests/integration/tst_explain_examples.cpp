// The worked examples E1-E8 of docs/security-model.md ("Authorization
// model"), each built through the REST API of a real server of its own and
// checked through GET /api/Permissions/explain: the decision, the deciding
// level, holder, rule and principal chain, and the visibility with the unit
// and group it came through, as the document states them; where the example
// states HTTP answers (E5, E7, E8), those too.
#include "AccessFixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QUrlQuery>

using namespace BulwarkTest;

namespace {

const QString kPassword = u"copper-harbor-lantern-93"_s;

// Names explain answers with (docs/security-model.md, "Explaining a decision").
const QString kCollectionLevel = u"collection"_s;
const QString kTemplateLevel = u"template"_s;
const QString kTemplateMemberLevel = u"template-member"_s;
const QString kEntityLevel = u"entity"_s;
const QString kMemberLevel = u"member"_s;
const QString kNoRuleLevel = u"none"_s;
const QString kAdministratorLevel = u"administrator"_s;

QString instanceHolder(const QString &templateName)
{
    return u"ThingTemplates/%1 (instance)"_s.arg(templateName);
}

QString text(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isUndefined())
        return u"(absent)"_s;
    return QString::fromUtf8(
        QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).chopped(1).mid(1));
}

// The first place where got does not have what want states: every field of
// an object in want must be in got with the same value (got may have more);
// a null in want means absent or null; arrays must have the same length and
// match element by element. Empty when got has it all.
QString firstDifference(const QJsonValue &got, const QJsonValue &want, const QString &where = {})
{
    if (want.isObject()) {
        if (!got.isObject())
            return u"%1: expected an object, got %2"_s.arg(where, text(got));
        const QJsonObject have = got.toObject();
        const QJsonObject wanted = want.toObject();
        for (auto it = wanted.begin(); it != wanted.end(); ++it) {
            const QString path = where + u'.' + it.key();
            if (it.value().isNull()) {
                if (!have.value(it.key()).isNull() && !have.value(it.key()).isUndefined())
                    return u"%1: expected absent, got %2"_s.arg(path, text(have.value(it.key())));
                continue;
            }
            if (!have.contains(it.key()))
                return u"%1: missing (expected %2)"_s.arg(path, text(it.value()));
            const QString difference = firstDifference(have.value(it.key()), it.value(), path);
            if (!difference.isEmpty())
                return difference;
        }
        return {};
    }
    if (want.isArray()) {
        const QJsonArray have = got.toArray();
        const QJsonArray wanted = want.toArray();
        if (!got.isArray() || have.size() != wanted.size())
            return u"%1: expected %2, got %3"_s.arg(where, text(want), text(got));
        for (qsizetype i = 0; i < wanted.size(); ++i) {
            const QString difference =
                firstDifference(have.at(i), wanted.at(i), u"%1[%2]"_s.arg(where).arg(i));
            if (!difference.isEmpty())
                return difference;
        }
        return {};
    }
    if (got != want)
        return u"%1: expected %2, got %3"_s.arg(where, text(want), text(got));
    return {};
}

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("test JSON does not parse: %s in %s", qPrintable(error.errorString()), json);
    return document.object();
}

} // namespace

// Checks an explain answer against what the document states.
#define EXPECT_EXPLAIN(answer, wanted)                                                             \
    do {                                                                                           \
        const QJsonObject explained_ = (answer);                                                   \
        const QString difference_ = firstDifference(explained_, (wanted));                         \
        QVERIFY2(difference_.isEmpty(),                                                            \
                 qPrintable(difference_ + u"\n  in "_s + text(explained_)));                       \
    } while (false)

class TestExplainExamples final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void e1ThingWorxExample();
    void e2DenyBeatsAllowWithinALevel();
    void e3NestedGroups();
    void e3SecondRowAsDocumented();
    void e4TemplateChainAndCreate();
    void e5UnitHierarchy();
    void e6SeveralOrganizations();
    void e7CollectionAndInstanceVisibility();
    void e8AdministratorsAndDefaultDeny();

private:
    // Set-up through REST as the Administrator: SETUP_DONE checks it.
    [[nodiscard]] RestSetup &setup() { return *m_setup; }
    void buildE3();
    void buildE7();

    // explain asked by the Administrator; an answer that is not 200 is an
    // object {"status":…, "body":…} so that the comparison shows it.
    [[nodiscard]] QJsonObject explain(const QString &asker, const QString &entity,
                                      const QString &permission, const QString &member = {}) const;
    [[nodiscard]] Answer as(const QString &asker, const QByteArray &verb, const QString &path,
                            const std::optional<QJsonObject> &body = std::nullopt) const;
    [[nodiscard]] QStringList thingsListedFor(const QString &asker) const;

    std::unique_ptr<HeadlessServer> m_server;
    std::unique_ptr<RestSetup> m_setup;
};

// Every set-up call so far answered as expected.
#define SETUP_DONE() QVERIFY2(m_setup->failures().isEmpty(), qPrintable(m_setup->report()))

void TestExplainExamples::init()
{
    m_server = std::make_unique<HeadlessServer>();
    m_setup = std::make_unique<RestSetup>(*m_server, kPassword);
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestExplainExamples::cleanup()
{
    QCOMPARE(m_server->stop(), 0);
    m_setup.reset();
    m_server.reset();
}

QJsonObject TestExplainExamples::explain(const QString &asker, const QString &entity,
                                         const QString &permission, const QString &member) const
{
    QUrlQuery query;
    query.addQueryItem(u"user"_s, asker);
    query.addQueryItem(u"entity"_s, entity);
    query.addQueryItem(u"permission"_s, permission);
    if (!member.isEmpty())
        query.addQueryItem(u"member"_s, member);
    const Answer answer =
        m_server->get(u"/api/Permissions/explain?"_s + query.toString(QUrl::FullyEncoded));
    if (answer.status != 200)
        return {{"status"_L1, answer.status}, {"body"_L1, QString::fromUtf8(answer.body)}};
    return answer.json();
}

Answer TestExplainExamples::as(const QString &asker, const QByteArray &verb, const QString &path,
                               const std::optional<QJsonObject> &body) const
{
    return requestAs(*m_server, {asker, kPassword}, verb, path, body);
}

QStringList TestExplainExamples::thingsListedFor(const QString &asker) const
{
    return BulwarkTest::thingsListedFor(*m_server, {asker, kPassword});
}

// ---- E1 -------------------------------------------------------------------

void TestExplainExamples::e1ThingWorxExample()
{
    setup().makeUsers({u"alice"_s});
    setup().makeGroup(u"Operators"_s, {user(u"alice"_s)});
    setup().makeOrganization(u"Works"_s, {{u"Ops"_s, u"Works"_s}});
    setup().setUnitMembers(u"Works/Ops"_s, {user(u"alice"_s)});
    QJsonArray services;
    for (const QString &service : {u"Service1"_s, u"Service2"_s, u"Service3"_s})
        services.append(QJsonObject{{"name"_L1, service}});
    setup().makeTemplate(u"Pump"_s, {}, {{"services"_L1, services}});
    setup().makeThing(u"Pump7"_s, u"Pump"_s);
    setup().setVisibility(u"Things/Pump7/Visibility"_s, {u"Works/Ops"_s});
    setup().setRules(u"Collections/Things/Permissions"_s,
                     {rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Deny"_s)});
    setup().setRules(u"ThingTemplates/Pump/InstancePermissions"_s,
                     {rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service1"_s)});
    setup().setRules(u"Things/Pump7/Permissions"_s,
                     {rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service2"_s)});
    SETUP_DONE();

    const auto resolution = [](const char *decision, const QString &level, const QString &holder,
                               const QJsonObject &deciding) {
        return QJsonObject{
            {"decision"_L1, QLatin1StringView(decision)},
            {"visibility"_L1, QJsonObject{{"visible"_L1, true}}},
            {"resolution"_L1,
             QJsonObject{{"level"_L1, level},
                         {"holder"_L1, holder},
                         {"rule"_L1, deciding},
                         {"principalPath"_L1, QJsonArray{"alice"_L1, "Operators"_L1}}}}};
    };
    EXPECT_EXPLAIN(
        explain(u"alice"_s, u"Things/Pump7"_s, u"ServiceInvoke"_s, u"Service1"_s),
        resolution("allow", kTemplateMemberLevel, instanceHolder(u"Pump"_s),
                   rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service1"_s)));
    EXPECT_EXPLAIN(
        explain(u"alice"_s, u"Things/Pump7"_s, u"ServiceInvoke"_s, u"Service2"_s),
        resolution("allow", kMemberLevel, u"Things/Pump7"_s,
                   rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Allow"_s, u"Service2"_s)));
    EXPECT_EXPLAIN(explain(u"alice"_s, u"Things/Pump7"_s, u"ServiceInvoke"_s, u"Service3"_s),
                   resolution("deny", kCollectionLevel, u"Things"_s,
                              rule(group(u"Operators"_s), u"ServiceInvoke"_s, u"Deny"_s)));
}

// ---- E2 -------------------------------------------------------------------

void TestExplainExamples::e2DenyBeatsAllowWithinALevel()
{
    setup().makeUsers({u"alice"_s});
    setup().makeGroup(u"Operators"_s, {user(u"alice"_s)});
    setup().makeGroup(u"Contractors"_s, {user(u"alice"_s)});
    setup().makeOrganization(u"Works"_s, {{u"Ops"_s, u"Works"_s}});
    setup().setUnitMembers(u"Works/Ops"_s, {user(u"alice"_s)});
    setup().makeThing(
        u"Boiler1"_s, {},
        {{"properties"_L1,
          QJsonArray{QJsonObject{{"name"_L1, "setpoint"_L1}, {"baseType"_L1, "NUMBER"_L1}},
                     QJsonObject{{"name"_L1, "mode"_L1}, {"baseType"_L1, "STRING"_L1}}}}});
    setup().setVisibility(u"Things/Boiler1/Visibility"_s, {u"Works/Ops"_s});
    setup().setRules(u"Collections/Things/Permissions"_s,
                     {rule(user(u"alice"_s), u"PropertyWrite"_s, u"Allow"_s)});
    setup().setRules(u"Things/Boiler1/Permissions"_s,
                     {rule(group(u"Operators"_s), u"PropertyWrite"_s, u"Allow"_s),
                      rule(user(u"alice"_s), u"PropertyWrite"_s, u"Allow"_s),
                      rule(group(u"Contractors"_s), u"PropertyWrite"_s, u"Deny"_s),
                      rule(user(u"alice"_s), u"PropertyWrite"_s, u"Allow"_s, u"setpoint"_s)});
    SETUP_DONE();

    // mode: the entity step decides; its Deny (through Contractors) beats both Allows.
    const QJsonObject mode =
        explain(u"alice"_s, u"Things/Boiler1"_s, u"PropertyWrite"_s, u"mode"_s);
    EXPECT_EXPLAIN(
        mode,
        (QJsonObject{
            {"decision"_L1, "deny"_L1},
            {"resolution"_L1,
             QJsonObject{{"level"_L1, kEntityLevel},
                         {"holder"_L1, "Things/Boiler1"_L1},
                         {"rule"_L1, rule(group(u"Contractors"_s), u"PropertyWrite"_s, u"Deny"_s)},
                         {"principalPath"_L1, QJsonArray{"alice"_L1, "Contractors"_L1}}}}}));
    // The other matching rules of the step: both Allows, in any order.
    QStringList others;
    for (const QJsonValue other :
         mode.value("resolution"_L1).toObject().value("otherMatches"_L1).toArray())
        others.append(text(other));
    others.sort();
    QStringList expectedOthers{text(rule(group(u"Operators"_s), u"PropertyWrite"_s, u"Allow"_s)),
                               text(rule(user(u"alice"_s), u"PropertyWrite"_s, u"Allow"_s))};
    expectedOthers.sort();
    QCOMPARE(others, expectedOthers);

    // setpoint: the member override decides, for that member only.
    EXPECT_EXPLAIN(explain(u"alice"_s, u"Things/Boiler1"_s, u"PropertyWrite"_s, u"setpoint"_s),
                   (QJsonObject{{"decision"_L1, "allow"_L1},
                                {"resolution"_L1,
                                 QJsonObject{{"level"_L1, kMemberLevel},
                                             {"holder"_L1, "Things/Boiler1"_L1},
                                             {"rule"_L1, rule(user(u"alice"_s), u"PropertyWrite"_s,
                                                              u"Allow"_s, u"setpoint"_s)},
                                             {"principalPath"_L1, QJsonArray{"alice"_L1}}}}}));

    // And the server enforces it.
    QCOMPARE(as(u"alice"_s, "PUT", u"/api/Things/Boiler1/Properties/setpoint"_s,
                QJsonObject{{"value"_L1, 42}})
                 .status,
             200);
    const Answer denied = as(u"alice"_s, "PUT", u"/api/Things/Boiler1/Properties/mode"_s,
                             QJsonObject{{"value"_L1, "eco"_L1}});
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.errorCode(), u"forbidden"_s);
}

// ---- E3 -------------------------------------------------------------------

void TestExplainExamples::buildE3()
{
    setup().makeUsers({u"bob"_s, u"carol"_s});
    setup().makeGroup(u"NightShift"_s, {user(u"bob"_s)});
    setup().makeGroup(u"Operators"_s, {group(u"NightShift"_s), user(u"carol"_s)});
    setup().makeGroup(u"Staff"_s, {group(u"Operators"_s)});
    setup().makeOrganization(u"Works"_s, {{u"Ops"_s, u"Works"_s}});
    setup().setUnitMembers(u"Works/Ops"_s, {group(u"Operators"_s)});
    setup().makeTemplate(
        u"Sensor"_s, {},
        {{"properties"_L1,
          QJsonArray{QJsonObject{{"name"_L1, "temperature"_L1}, {"baseType"_L1, "NUMBER"_L1}}}}});
    for (const QString &thing : {u"Boiler1"_s, u"Boiler2"_s}) {
        setup().makeThing(thing, u"Sensor"_s);
        setup().setVisibility(u"Things/%1/Visibility"_s.arg(thing), {u"Works/Ops"_s});
    }
    setup().setRules(u"Collections/Things/Permissions"_s,
                     {rule(group(u"Staff"_s), u"Read"_s, u"Allow"_s)});
    setup().setRules(u"ThingTemplates/Sensor/InstancePermissions"_s,
                     {rule(group(u"Operators"_s), u"PropertyRead"_s, u"Allow"_s)});
    setup().setRules(u"Things/Boiler1/Permissions"_s,
                     {rule(group(u"NightShift"_s), u"PropertyRead"_s, u"Deny"_s)});
}

void TestExplainExamples::e3NestedGroups()
{
    buildE3();
    SETUP_DONE();

    // Adding Staff to NightShift would make a cycle.
    const Answer cycle =
        m_server->put(u"/api/Groups/NightShift/Members"_s,
                      {{"members"_L1, QJsonArray{user(u"bob"_s), group(u"Staff"_s)}}});
    QCOMPARE(cycle.status, 409);
    QCOMPARE(cycle.errorCode(), u"conflict"_s);

    EXPECT_EXPLAIN(
        explain(u"bob"_s, u"Things/Boiler1"_s, u"Read"_s),
        (QJsonObject{{"decision"_L1, "allow"_L1},
                     {"resolution"_L1,
                      QJsonObject{{"level"_L1, kCollectionLevel},
                                  {"holder"_L1, "Things"_L1},
                                  {"rule"_L1, rule(group(u"Staff"_s), u"Read"_s, u"Allow"_s)},
                                  {"principalPath"_L1, QJsonArray{"bob"_L1, "NightShift"_L1,
                                                                  "Operators"_L1, "Staff"_L1}}}}}));
    // The second row is checked word for word in e3SecondRowAsDocumented.
    EXPECT_EXPLAIN(
        explain(u"bob"_s, u"Things/Boiler2"_s, u"PropertyRead"_s, u"temperature"_s),
        (QJsonObject{
            {"decision"_L1, "allow"_L1},
            {"resolution"_L1,
             QJsonObject{
                 {"level"_L1, kTemplateLevel},
                 {"holder"_L1, instanceHolder(u"Sensor"_s)},
                 {"rule"_L1, rule(group(u"Operators"_s), u"PropertyRead"_s, u"Allow"_s)},
                 {"principalPath"_L1, QJsonArray{"bob"_L1, "NightShift"_L1, "Operators"_L1}}}}}));
    // carol is not in NightShift: the entity step is passed over.
    EXPECT_EXPLAIN(
        explain(u"carol"_s, u"Things/Boiler1"_s, u"PropertyRead"_s, u"temperature"_s),
        (QJsonObject{{"decision"_L1, "allow"_L1},
                     {"visibility"_L1,
                      QJsonObject{{"visible"_L1, true},
                                  {"through"_L1, "unit"_L1},
                                  {"memberVia"_L1, QJsonArray{"carol"_L1, "Operators"_L1}}}},
                     {"resolution"_L1,
                      QJsonObject{{"level"_L1, kTemplateLevel},
                                  {"holder"_L1, instanceHolder(u"Sensor"_s)},
                                  {"principalPath"_L1, QJsonArray{"carol"_L1, "Operators"_L1}}}}}));
    EXPECT_EXPLAIN(explain(u"bob"_s, u"Things/Boiler2"_s, u"PropertyWrite"_s, u"temperature"_s),
                   (QJsonObject{{"decision"_L1, "deny"_L1},
                                {"resolution"_L1, QJsonObject{{"level"_L1, kNoRuleLevel},
                                                              {"rule"_L1, QJsonValue::Null}}}}));

    // The server answers as explained.
    QCOMPARE(as(u"bob"_s, "GET", u"/api/Things/Boiler1"_s).status, 200);
    QCOMPARE(as(u"bob"_s, "GET", u"/api/Things/Boiler1/Properties/temperature"_s).status, 403);
    QCOMPARE(as(u"bob"_s, "GET", u"/api/Things/Boiler2/Properties/temperature"_s).status, 200);
    QCOMPARE(as(u"carol"_s, "GET", u"/api/Things/Boiler1/Properties/temperature"_s).status, 200);
    QCOMPARE(as(u"bob"_s, "PUT", u"/api/Things/Boiler2/Properties/temperature"_s,
                QJsonObject{{"value"_L1, 1}})
                 .status,
             403);
}

// The JSON that docs/security-model.md shows for E3's second row.
void TestExplainExamples::e3SecondRowAsDocumented()
{
    buildE3();
    SETUP_DONE();
    const QJsonObject documented = parse(
        R"({"user":"bob","entity":"Things/Boiler1","permission":"PropertyRead","member":"temperature",
 "decision":"deny",
 "visibility":{"visible":true,"through":"unit","organization":"Works","unit":"Ops",
               "grantedUnit":"Ops","grantedOn":"Things/Boiler1","memberVia":["bob","NightShift","Operators"]},
 "resolution":{"level":"entity","holder":"Things/Boiler1",
               "rule":{"principal":{"type":"Group","name":"NightShift"},"permission":"PropertyRead","effect":"Deny"},
               "principalPath":["bob","NightShift"],"otherMatches":[]},
 "message":"Denied: the rule NightShift PropertyRead Deny on Thing Boiler1 (level 2, entity) applies to bob through group NightShift."})");
    QJsonObject answered =
        explain(u"bob"_s, u"Things/Boiler1"_s, u"PropertyRead"_s, u"temperature"_s);
    const QString message = answered.take("message"_L1).toString();
    QJsonObject expected = documented;
    const QString documentedMessage = expected.take("message"_L1).toString();
    // Every field as documented, nothing more, nothing less; then the words.
    QVERIFY2(answered == expected,
             qPrintable(u"answered %1\ndocumented %2"_s.arg(text(answered), text(expected))));
    QCOMPARE(message, documentedMessage);
}

// ---- E4 -------------------------------------------------------------------

void TestExplainExamples::e4TemplateChainAndCreate()
{
    setup().makeUsers({u"dave"_s});
    setup().makeGroup(u"Operators"_s, {user(u"dave"_s)});
    setup().makeOrganization(u"Works"_s, {{u"Ops"_s, u"Works"_s}});
    setup().setUnitMembers(u"Works/Ops"_s, {user(u"dave"_s)});
    setup().makeTemplate(
        u"Sensor"_s, {},
        {{"properties"_L1,
          QJsonArray{QJsonObject{{"name"_L1, "temperature"_L1}, {"baseType"_L1, "NUMBER"_L1}}}}});
    setup().makeTemplate(u"TempSensor"_s, u"Sensor"_s);
    setup().makeTemplate(u"FastTempSensor"_s, u"TempSensor"_s);
    setup().makeThing(u"T1"_s, u"TempSensor"_s);
    for (const QString &name : {u"ThingTemplates/Sensor"_s, u"ThingTemplates/TempSensor"_s,
                                u"ThingTemplates/FastTempSensor"_s, u"Things/T1"_s})
        setup().setVisibility(name + u"/Visibility"_s, {u"Works/Ops"_s});
    setup().setRules(u"ThingTemplates/Sensor/InstancePermissions"_s,
                     {rule(group(u"Operators"_s), u"PropertyWrite"_s, u"Allow"_s)});
    setup().setRules(u"ThingTemplates/TempSensor/InstancePermissions"_s,
                     {rule(group(u"Operators"_s), u"PropertyWrite"_s, u"Deny"_s),
                      rule(group(u"Operators"_s), u"Create"_s, u"Allow"_s)});
    SETUP_DONE();

    const auto decided = [](const char *decision, const QString &level, const QString &holder) {
        QJsonObject resolution{{"level"_L1, level}};
        if (!holder.isEmpty())
            resolution.insert("holder"_L1, holder);
        return QJsonObject{{"decision"_L1, QLatin1StringView(decision)},
                           {"resolution"_L1, resolution}};
    };
    EXPECT_EXPLAIN(explain(u"dave"_s, u"Things/T1"_s, u"PropertyWrite"_s),
                   decided("deny", kTemplateLevel, instanceHolder(u"TempSensor"_s)));
    EXPECT_EXPLAIN(explain(u"dave"_s, u"Things/T1"_s, u"PropertyWrite"_s, u"temperature"_s),
                   decided("deny", kTemplateLevel, instanceHolder(u"TempSensor"_s)));
    EXPECT_EXPLAIN(explain(u"dave"_s, u"ThingTemplates/TempSensor"_s, u"Create"_s),
                   decided("allow", kTemplateLevel, instanceHolder(u"TempSensor"_s)));
    EXPECT_EXPLAIN(explain(u"dave"_s, u"ThingTemplates/FastTempSensor"_s, u"Create"_s),
                   decided("allow", kTemplateLevel, instanceHolder(u"TempSensor"_s)));
    EXPECT_EXPLAIN(explain(u"dave"_s, u"ThingTemplates/Sensor"_s, u"Create"_s),
                   decided("deny", kNoRuleLevel, {}));
    EXPECT_EXPLAIN(explain(u"dave"_s, u"Things"_s, u"Create"_s), decided("deny", kNoRuleLevel, {}));

    // The server builds as explained.
    const auto create = [this](const QString &name, const QString &templateName) {
        QJsonObject body{{"name"_L1, name}};
        if (!templateName.isEmpty())
            body.insert("template"_L1, templateName);
        return as(u"dave"_s, "POST", u"/api/Things"_s, body).status;
    };
    QCOMPARE(create(u"FromTemp"_s, u"TempSensor"_s), 201);
    QCOMPARE(create(u"FromFast"_s, u"FastTempSensor"_s), 201);
    QCOMPARE(create(u"FromSensor"_s, u"Sensor"_s), 403);
    QCOMPARE(create(u"Bare"_s, {}), 403);
    QCOMPARE(as(u"dave"_s, "PUT", u"/api/Things/T1/Properties/temperature"_s,
                QJsonObject{{"value"_L1, 1}})
                 .status,
             403); // T1 is visible; the nearest template denies
}

// ---- E5 -------------------------------------------------------------------

void TestExplainExamples::e5UnitHierarchy()
{
    const QStringList everyone{u"alice"_s, u"bob"_s, u"carol"_s, u"dave"_s, u"erin"_s, u"frank"_s};
    setup().makeUsers(everyone);
    setup().makeGroup(u"Staff"_s, users(everyone));
    setup().makeGroup(u"PlantManagers"_s, {user(u"frank"_s)});
    setup().makeOrganization(u"Acme"_s, {{u"Plant1"_s, u"Acme"_s},
                                         {u"Line1"_s, u"Plant1"_s},
                                         {u"Line2"_s, u"Plant1"_s},
                                         {u"Plant2"_s, u"Acme"_s}});
    setup().setUnitMembers(u"Acme/Acme"_s, {user(u"erin"_s)});
    setup().setUnitMembers(u"Acme/Plant1"_s, {group(u"PlantManagers"_s)});
    setup().setUnitMembers(u"Acme/Line1"_s, {user(u"alice"_s)});
    setup().setUnitMembers(u"Acme/Line2"_s, {user(u"bob"_s)});
    setup().setUnitMembers(u"Acme/Plant2"_s, {user(u"carol"_s)});
    // dave creates Boiler1 himself (a Create rule for him alone; it decides
    // nothing about reading).
    setup().setRules(u"Collections/Things/Permissions"_s,
                     {rule(group(u"Staff"_s), u"Read"_s, u"Allow"_s),
                      rule(user(u"dave"_s), u"Create"_s, u"Allow"_s)});
    SETUP_DONE();
    const Answer created =
        as(u"dave"_s, "POST", u"/api/Things"_s, QJsonObject{{"name"_L1, "Boiler1"_L1}});
    QVERIFY2(created.status == 201, created.body.constData());
    setup().setVisibility(u"Things/Boiler1/Visibility"_s, {u"Acme/Line1"_s});
    setup().setRules(u"Things/Boiler1/Permissions"_s,
                     {rule(user(u"bob"_s), u"Read"_s, u"Allow"_s)});
    SETUP_DONE();

    const auto throughUnit = [](const char *unit, const QJsonArray &via) {
        return QJsonObject{{"visible"_L1, true},           {"through"_L1, "unit"_L1},
                           {"organization"_L1, "Acme"_L1}, {"unit"_L1, QLatin1StringView(unit)},
                           {"grantedUnit"_L1, "Line1"_L1}, {"grantedOn"_L1, "Things/Boiler1"_L1},
                           {"memberVia"_L1, via}};
    };
    struct Row
    {
        QString user;
        QJsonObject visibility;
        int status;
    };
    const QList<Row> rows{
        {u"alice"_s, throughUnit("Line1", {"alice"_L1}), 200},
        {u"frank"_s, throughUnit("Plant1", {"frank"_L1, "PlantManagers"_L1}), 200},
        {u"erin"_s, throughUnit("Acme", {"erin"_L1}), 200},
        {u"bob"_s, {{"visible"_L1, false}}, 404},
        {u"carol"_s, {{"visible"_L1, false}}, 404},
        {u"dave"_s, {{"visible"_L1, true}, {"through"_L1, "creator"_L1}}, 200},
    };
    for (const Row &row : rows) {
        const bool visible = row.status == 200;
        QJsonObject wanted{{"decision"_L1, visible ? "allow"_L1 : "deny"_L1},
                           {"visibility"_L1, row.visibility}};
        if (visible)
            wanted.insert("resolution"_L1,
                          QJsonObject{{"level"_L1, kCollectionLevel}, {"holder"_L1, "Things"_L1}});
        EXPECT_EXPLAIN(explain(row.user, u"Things/Boiler1"_s, u"Read"_s), wanted);
        QCOMPARE(as(row.user, "GET", u"/api/Things/Boiler1"_s).status, row.status);
        QCOMPARE(thingsListedFor(row.user).contains(u"Boiler1"_s), visible);
    }
    // bob's own Read rule: what the rules alone decide is shown to the
    // administrator, but bob himself gets 404 (visibility comes first).
    EXPECT_EXPLAIN(
        explain(u"bob"_s, u"Things/Boiler1"_s, u"Read"_s),
        (QJsonObject{{"decision"_L1, "deny"_L1},
                     {"resolution"_L1, QJsonObject{{"level"_L1, kEntityLevel},
                                                   {"holder"_L1, "Things/Boiler1"_L1}}}}));
    QCOMPARE(as(u"bob"_s, "GET",
                u"/api/Permissions/explain?user=bob&entity=Things/Boiler1&permission=Read"_s)
                 .status,
             404);

    // Granted to Acme/Plant1 instead: frank and erin see it, alice and bob
    // (below Plant1) do not.
    setup().setVisibility(u"Things/Boiler1/Visibility"_s, {u"Acme/Plant1"_s});
    SETUP_DONE();
    QCOMPARE(as(u"frank"_s, "GET", u"/api/Things/Boiler1"_s).status, 200);
    QCOMPARE(as(u"erin"_s, "GET", u"/api/Things/Boiler1"_s).status, 200);
    QCOMPARE(as(u"alice"_s, "GET", u"/api/Things/Boiler1"_s).status, 404);
    QCOMPARE(as(u"bob"_s, "GET", u"/api/Things/Boiler1"_s).status, 404);
    EXPECT_EXPLAIN(explain(u"frank"_s, u"Things/Boiler1"_s, u"Read"_s),
                   (QJsonObject{{"visibility"_L1, QJsonObject{{"unit"_L1, "Plant1"_L1},
                                                              {"grantedUnit"_L1, "Plant1"_L1}}}}));
    EXPECT_EXPLAIN(explain(u"alice"_s, u"Things/Boiler1"_s, u"Read"_s),
                   (QJsonObject{{"visibility"_L1, QJsonObject{{"visible"_L1, false}}}}));
}

// ---- E6 -------------------------------------------------------------------

void TestExplainExamples::e6SeveralOrganizations()
{
    setup().makeUsers({u"alice"_s, u"gina"_s, u"max"_s});
    setup().makeGroup(u"Staff"_s, users({u"alice"_s, u"gina"_s, u"max"_s}));
    setup().makeOrganization(u"Acme"_s, {{u"Plant1"_s, u"Acme"_s}});
    setup().makeOrganization(u"Globex"_s, {{u"Lab"_s, u"Globex"_s}});
    setup().setUnitMembers(u"Acme/Plant1"_s, {user(u"alice"_s), user(u"max"_s)});
    setup().setUnitMembers(u"Globex/Lab"_s, {user(u"gina"_s), user(u"max"_s)});
    setup().setRules(u"Collections/Things/Permissions"_s,
                     {rule(group(u"Staff"_s), u"Read"_s, u"Allow"_s)});
    const QList<std::pair<QString, QStringList>> things{
        {u"A1"_s, {u"Acme/Plant1"_s}},
        {u"G1"_s, {u"Globex/Lab"_s}},
        {u"AG"_s, {u"Acme/Plant1"_s, u"Globex/Lab"_s}},
    };
    for (const auto &[thing, grants] : things) {
        setup().makeThing(thing, {});
        setup().setVisibility(u"Things/%1/Visibility"_s.arg(thing), grants);
    }
    SETUP_DONE();

    QCOMPARE(thingsListedFor(u"alice"_s), (QStringList{u"A1"_s, u"AG"_s}));
    QCOMPARE(thingsListedFor(u"gina"_s), (QStringList{u"AG"_s, u"G1"_s}));
    QCOMPARE(thingsListedFor(u"max"_s), (QStringList{u"A1"_s, u"AG"_s, u"G1"_s}));
    QCOMPARE(as(u"alice"_s, "GET", u"/api/Things/G1"_s).status, 404);
    QCOMPARE(as(u"gina"_s, "GET", u"/api/Things/A1"_s).status, 404);

    // max reads G1 through Globex, by the collection rule (not because of Globex).
    EXPECT_EXPLAIN(
        explain(u"max"_s, u"Things/G1"_s, u"Read"_s),
        (QJsonObject{{"decision"_L1, "allow"_L1},
                     {"visibility"_L1, QJsonObject{{"visible"_L1, true},
                                                   {"through"_L1, "unit"_L1},
                                                   {"organization"_L1, "Globex"_L1},
                                                   {"unit"_L1, "Lab"_L1},
                                                   {"grantedUnit"_L1, "Lab"_L1},
                                                   {"grantedOn"_L1, "Things/G1"_L1}}},
                     {"resolution"_L1,
                      QJsonObject{{"level"_L1, kCollectionLevel},
                                  {"holder"_L1, "Things"_L1},
                                  {"rule"_L1, rule(group(u"Staff"_s), u"Read"_s, u"Allow"_s)},
                                  {"principalPath"_L1, QJsonArray{"max"_L1, "Staff"_L1}}}}}));
    EXPECT_EXPLAIN(explain(u"max"_s, u"Things/A1"_s, u"Read"_s),
                   (QJsonObject{{"decision"_L1, "allow"_L1},
                                {"visibility"_L1, QJsonObject{{"organization"_L1, "Acme"_L1},
                                                              {"unit"_L1, "Plant1"_L1}}}}));
    EXPECT_EXPLAIN(explain(u"alice"_s, u"Things/G1"_s, u"Read"_s),
                   (QJsonObject{{"decision"_L1, "deny"_L1},
                                {"visibility"_L1, QJsonObject{{"visible"_L1, false}}}}));
}

// ---- E7 and E8 -------------------------------------------------------------

void TestExplainExamples::buildE7()
{
    const QStringList everyone{u"alice"_s, u"bob"_s, u"carol"_s, u"gina"_s};
    setup().makeUsers(everyone);
    setup().makeGroup(u"Staff"_s, users(everyone));
    setup().makeOrganization(u"Acme"_s, {{u"Plant1"_s, u"Acme"_s},
                                         {u"Line1"_s, u"Plant1"_s},
                                         {u"Line2"_s, u"Plant1"_s},
                                         {u"Plant2"_s, u"Acme"_s}});
    setup().makeOrganization(u"Globex"_s, {{u"Lab"_s, u"Globex"_s}});
    setup().setUnitMembers(u"Acme/Line1"_s, {user(u"alice"_s)});
    setup().setUnitMembers(u"Acme/Line2"_s, {user(u"bob"_s)});
    setup().setUnitMembers(u"Acme/Plant2"_s, {user(u"carol"_s)});
    setup().setUnitMembers(u"Globex/Lab"_s, {user(u"gina"_s)});
    const QJsonObject number{
        {"properties"_L1,
         QJsonArray{QJsonObject{{"name"_L1, "temperature"_L1}, {"baseType"_L1, "NUMBER"_L1}}}}};
    setup().makeTemplate(u"Sensor"_s, {}, number);
    setup().makeTemplate(
        u"Pump"_s, {},
        {{"properties"_L1,
          QJsonArray{QJsonObject{{"name"_L1, "rpm"_L1}, {"baseType"_L1, "INTEGER"_L1}}}}});
    setup().makeThing(u"Boiler1"_s, u"Sensor"_s);
    setup().makeThing(u"Pump7"_s, u"Pump"_s);
    setup().setVisibility(u"ThingTemplates/Sensor/InstanceVisibility"_s, {u"Acme/Line1"_s});
    setup().setVisibility(u"Collections/Things/Visibility"_s, {u"Acme/Plant2"_s});
    setup().setVisibility(u"Things/Boiler1/Visibility"_s, {u"Globex/Lab"_s});
    // Read on templates too, so that a 404 for a template is visibility's doing.
    setup().setRules(u"Collections/Things/Permissions"_s,
                     {rule(group(u"Staff"_s), u"Read"_s, u"Allow"_s)});
    setup().setRules(u"Collections/ThingTemplates/Permissions"_s,
                     {rule(group(u"Staff"_s), u"Read"_s, u"Allow"_s)});
}

void TestExplainExamples::e7CollectionAndInstanceVisibility()
{
    buildE7();
    SETUP_DONE();

    struct Row
    {
        QString user;
        QString thing;
        QString grantedOn; // empty: not visible
        QString unit;      // "Org/Unit" the grant names
    };
    const QList<Row> rows{
        {u"alice"_s, u"Boiler1"_s, instanceHolder(u"Sensor"_s), u"Acme/Line1"_s},
        {u"carol"_s, u"Boiler1"_s, u"Things"_s, u"Acme/Plant2"_s},
        {u"gina"_s, u"Boiler1"_s, u"Things/Boiler1"_s, u"Globex/Lab"_s},
        {u"bob"_s, u"Boiler1"_s, {}, {}},
        {u"alice"_s, u"Pump7"_s, {}, {}},
        {u"carol"_s, u"Pump7"_s, u"Things"_s, u"Acme/Plant2"_s},
        {u"gina"_s, u"Pump7"_s, {}, {}},
        {u"bob"_s, u"Pump7"_s, {}, {}},
    };
    for (const Row &row : rows) {
        const QString entity = u"Things/"_s + row.thing;
        QJsonObject visibility{{"visible"_L1, !row.grantedOn.isEmpty()}};
        if (!row.grantedOn.isEmpty()) {
            const QStringList unit = row.unit.split(u'/');
            visibility.insert("through"_L1, "unit"_L1);
            visibility.insert("organization"_L1, unit.at(0));
            visibility.insert("unit"_L1, unit.at(1));
            visibility.insert("grantedUnit"_L1, unit.at(1));
            visibility.insert("grantedOn"_L1, row.grantedOn);
        }
        const QString where = u"%1 on %2"_s.arg(row.user, row.thing);
        const QString difference = firstDifference(explain(row.user, entity, u"Read"_s),
                                                   QJsonObject{{"visibility"_L1, visibility}});
        QVERIFY2(difference.isEmpty(), qPrintable(where + u": "_s + difference));
        const int status = as(row.user, "GET", u"/api/Things/"_s + row.thing).status;
        QVERIFY2(status == (row.grantedOn.isEmpty() ? 404 : 200),
                 qPrintable(where + u": GET answered %1"_s.arg(status)));
    }

    // The template's instance visibility does not make the template visible.
    QCOMPARE(as(u"alice"_s, "GET", u"/api/ThingTemplates/Sensor"_s).status, 404);
    EXPECT_EXPLAIN(explain(u"alice"_s, u"ThingTemplates/Sensor"_s, u"Read"_s),
                   (QJsonObject{{"decision"_L1, "deny"_L1},
                                {"visibility"_L1, QJsonObject{{"visible"_L1, false}}}}));
}

void TestExplainExamples::e8AdministratorsAndDefaultDeny()
{
    buildE7();
    setup().makeUsers({u"erin"_s, u"norules"_s});
    setup().expect(
        m_server->put(u"/api/Groups/Administrators"_s,
                      {{"members"_L1, QJsonArray{user(kAdministrator), user(u"erin"_s)}}}),
        200, u"PUT Administrators"_s);
    // norules sees Boiler1 (Acme/Line1, through Sensor's instance visibility)
    // but is in no group and named by no rule.
    setup().setUnitMembers(u"Acme/Line1"_s, {user(u"alice"_s), user(u"norules"_s)});
    SETUP_DONE();

    const QJsonObject administrator{
        {"decision"_L1, "allow"_L1},
        {"visibility"_L1, QJsonObject{{"visible"_L1, true}, {"through"_L1, "administrator"_L1}}},
        {"resolution"_L1, QJsonObject{{"level"_L1, kAdministratorLevel}}}};
    for (const QString &permission : {u"Read"_s, u"Update"_s, u"Delete"_s, u"PropertyWrite"_s})
        EXPECT_EXPLAIN(explain(u"erin"_s, u"Things/Pump7"_s, permission), administrator);
    QCOMPARE(as(u"erin"_s, "GET", u"/api/Things/Pump7"_s).status, 200);
    QCOMPARE(
        as(u"erin"_s, "PUT", u"/api/Things/Pump7/Properties/rpm"_s, QJsonObject{{"value"_L1, 1500}})
            .status,
        200);
    QCOMPARE(thingsListedFor(u"erin"_s), (QStringList{u"Boiler1"_s, u"Pump7"_s}));
    // Her write is audited.
    const Answer audit = m_server->get(u"/api/Audit?actor=erin&entity=Things/Pump7"_s);
    QCOMPARE(audit.status, 200);
    QVERIFY2(audit.json().value("total"_L1).toInt() >= 1, audit.body.constData());

    // Default deny: 403 on every operation, absent from lists.
    EXPECT_EXPLAIN(explain(u"norules"_s, u"Things/Boiler1"_s, u"Read"_s),
                   (QJsonObject{{"decision"_L1, "deny"_L1},
                                {"visibility"_L1, QJsonObject{{"visible"_L1, true}}},
                                {"resolution"_L1, QJsonObject{{"level"_L1, kNoRuleLevel},
                                                              {"rule"_L1, QJsonValue::Null}}}}));
    const QList<std::tuple<QByteArray, QString, std::optional<QJsonObject>>> operations{
        {"GET", u"/api/Things/Boiler1"_s, std::nullopt},
        {"PUT", u"/api/Things/Boiler1"_s, QJsonObject{{"description"_L1, "mine"_L1}}},
        {"GET", u"/api/Things/Boiler1/Properties"_s, std::nullopt},
        {"GET", u"/api/Things/Boiler1/Properties/temperature"_s, std::nullopt},
        {"PUT", u"/api/Things/Boiler1/Properties/temperature"_s, QJsonObject{{"value"_L1, 3}}},
        {"DELETE", u"/api/Things/Boiler1"_s, std::nullopt},
    };
    for (const auto &[verb, path, body] : operations) {
        const Answer answer = as(u"norules"_s, verb, path, body);
        QVERIFY2(answer.status == 403,
                 qPrintable(u"%1 %2: %3 %4"_s.arg(QString::fromLatin1(verb), path)
                                .arg(answer.status)
                                .arg(QString::fromUtf8(answer.body))));
        QCOMPARE(answer.errorCode(), u"forbidden"_s);
    }
    QCOMPARE(thingsListedFor(u"norules"_s), QStringList{});
    QCOMPARE(m_server->get(u"/api/Things/Boiler1"_s).status, 200);
}

QTEST_GUILESS_MAIN(TestExplainExamples)
#include "tst_explain_examples.moc"
