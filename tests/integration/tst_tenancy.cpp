// Tenant isolation through the real server, in the style of ThingsBoard's
// and Keycloak's suites (docs/security-model.md, "Visibility and
// organizations"): two organizations, users in each and one in both, all
// with the same collection rules, so that only visibility separates them.
// For every endpoint and verb that touches an entity, a user outside the
// entity's organizations gets 404 with the body a missing name gets, and the
// entity never appears in a list; changes of membership and rules take
// effect on the next request and on open /api/events streams.
//
//   Acme ── Plant1 (frank) ─┬─ Line1 (alice, max)     A1: Acme/Line1
//                           └─ Line2 (bob)            G1: Globex/Lab
//   Globex ── Lab (gina, max)                         AG: both
//   nobody: in Staff, in no unit
#include "AccessFixture.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QWebSocket>

using namespace BulwarkTest;

namespace {

const QString kPassword = u"copper-harbor-lantern-93"_s;
const QString kProperty = u"level"_s;
const QStringList kUsers{u"alice"_s, u"bob"_s, u"frank"_s, u"gina"_s, u"max"_s, u"nobody"_s};
const QString kLabTemplate = u"LabKit"_s; // visible to Globex/Lab only
// Each Thing and the units it is granted to.
const QList<std::pair<QString, QStringList>> kThings{
    {u"A1"_s, {u"Acme/Line1"_s}},
    {u"G1"_s, {u"Globex/Lab"_s}},
    {u"AG"_s, {u"Acme/Line1"_s, u"Globex/Lab"_s}},
};

// The path of a request about a Thing (name), asked by asker.
using PathFor = std::function<QString(const QString &name, const QString &asker)>;
// The body of a request about a Thing; empty: no body.
using BodyFor = std::function<QJsonObject(const QString &name)>;

// /api/Things/NAME + suffix.
PathFor thingPath(const QString &suffix = {})
{
    return [suffix](const QString &name, const QString &) -> QString {
        return u"/api/Things/"_s + name + suffix;
    };
}

// /api/Permissions/QUESTION?user=ASKER&entity=Things/NAME + rest: a question about oneself.
PathFor aboutOneself(const QString &question, const QString &rest = {})
{
    return [question, rest](const QString &name, const QString &asker) -> QString {
        return u"/api/Permissions/%1?user=%2&entity=Things/%3"_s.arg(question, asker, name) + rest;
    };
}

BodyFor always(const QJsonObject &body)
{
    return [body](const QString &) { return body; };
}

// A Thing's definition: the description and the one INTEGER property.
QJsonObject definition(const QString &description)
{
    QJsonObject body = withProperty(kProperty, u"INTEGER"_s);
    body.insert("description"_L1, description);
    return body;
}

// One request touching one entity, made for a given name (a Thing, or for
// the create probe a template) by a given user.
struct Probe
{
    const char *label;
    QByteArray verb;
    PathFor path;
    BodyFor body;      // empty: no body
    int insiderStatus; // what max (who sees everything) gets; 0: not asked
};

const QList<Probe> &probes()
{
    const QString property = u"/Properties/"_s + kProperty;
    static const QList<Probe> all{
        {"GET thing", "GET", thingPath(), {}, 200},
        {"PUT thing", "PUT", thingPath(), always(definition(u"changed by someone"_s)), 200},
        {"DELETE thing", "DELETE", thingPath(), {}, 0},
        {"GET properties", "GET", thingPath(u"/Properties"_s), {}, 200},
        {"GET property", "GET", thingPath(property), {}, 200},
        {"PUT property", "PUT", thingPath(property), always({{"value"_L1, 77}}), 200},
        {"GET permissions", "GET", thingPath(u"/Permissions"_s), {}, 200},
        {"PUT permissions", "PUT", thingPath(u"/Permissions"_s), always(rulesBody({})), 403},
        {"GET visibility", "GET", thingPath(u"/Visibility"_s), {}, 200},
        {"PUT visibility", "PUT", thingPath(u"/Visibility"_s), always(unitsBody({})), 403},
        {"GET security", "GET", thingPath(u"/Security"_s), {}, 200},
        {"PUT security", "PUT", thingPath(u"/Security"_s),
         [](const QString &name) {
             return QJsonObject{{"format"_L1, "bulwark-security/1"_L1},
                                {"entity"_L1, QString(u"Things/"_s + name)},
                                {"rules"_L1, QJsonArray{}},
                                {"visibility"_L1, QJsonArray{}},
                                {"principals"_L1, QJsonArray{}},
                                {"units"_L1, QJsonArray{}}};
         },
         403},
        {"explain Read about oneself",
         "GET",
         aboutOneself(u"explain"_s, u"&permission=Read"_s),
         {},
         200},
        {"explain PropertyRead of a member about oneself",
         "GET",
         aboutOneself(u"explain"_s, u"&permission=PropertyRead&member="_s + kProperty),
         {},
         200},
        {"effective about oneself", "GET", aboutOneself(u"effective"_s), {}, 200},
    };
    return all;
}

} // namespace

class TestTenancy final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void outsiderGetsTheMissingAnswer_data();
    void outsiderGetsTheMissingAnswer();
    void outsidersChangedNothing();
    void insiderIsAnswered_data();
    void insiderIsAnswered();
    void listsShowOnlyVisibleThings_data();
    void listsShowOnlyVisibleThings();
    void invisibleTemplateCannotBeBuiltFrom();
    void userWithoutUnitsSeesOnlyWhatItCreated();
    void insiderMayDelete();
    void removedMembershipTakesEffectAtOnce();
    void denyRuleTakesEffectAtOnce();
    void eventsReachOnlyThoseWhoSee();
    void eventsStopWhenVisibilityIsLost();

private:
    [[nodiscard]] Answer as(const QString &asker, const QByteArray &verb, const QString &path,
                            const std::optional<QJsonObject> &body = std::nullopt) const;
    [[nodiscard]] QStringList thingsListedFor(const QString &asker) const;
    // PUT the members of Globex/Lab (users by name); the status.
    [[nodiscard]] int setLabMembers(const QStringList &names) const;
    // The probe's request about a Thing, as asker.
    [[nodiscard]] std::function<Answer(const QString &thing)> asking(const QString &asker,
                                                                     const Probe &probe) const;
    [[nodiscard]] QNetworkRequest eventsRequest(const QString &asker) const;
    void writeLevel(const QString &thing, int value) const;

    std::unique_ptr<HeadlessServer> m_server;
};

// ---- set-up ---------------------------------------------------------------

void TestTenancy::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, kPassword);
    setup.makeOrganization(
        u"Acme"_s,
        {{u"Plant1"_s, u"Acme"_s}, {u"Line1"_s, u"Plant1"_s}, {u"Line2"_s, u"Plant1"_s}});
    setup.makeOrganization(u"Globex"_s, {{u"Lab"_s, u"Globex"_s}});
    setup.makeUsers(kUsers);
    setup.makeGroup(u"Staff"_s, users(kUsers));
    setup.setUnitMembers(u"Acme/Line1"_s, users({u"alice"_s, u"max"_s}));
    setup.setUnitMembers(u"Acme/Line2"_s, users({u"bob"_s}));
    setup.setUnitMembers(u"Acme/Plant1"_s, users({u"frank"_s}));
    setup.setUnitMembers(u"Globex/Lab"_s, users({u"gina"_s, u"max"_s}));

    // Staff may do everything to Things: only visibility separates them.
    QList<QJsonObject> rules;
    for (const QString &permission :
         {u"Read"_s, u"Update"_s, u"Delete"_s, u"Create"_s, u"PropertyRead"_s, u"PropertyWrite"_s})
        rules.append(rule(group(u"Staff"_s), permission));
    setup.setRules(u"Collections/Things/Permissions"_s, rules);

    for (const auto &[thing, grants] : kThings) {
        setup.makeThing(thing, {}, definition(u"original"_s));
        setup.put(u"/api/Things/%1/Properties/%2"_s.arg(thing, kProperty), {{"value"_L1, 1}});
        setup.setVisibility(u"Things/%1/Visibility"_s.arg(thing), grants);
    }
    setup.makeTemplate(kLabTemplate);
    setup.setVisibility(u"ThingTemplates/%1/Visibility"_s.arg(kLabTemplate), {u"Globex/Lab"_s});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
}

void TestTenancy::cleanupTestCase()
{
    const int code = m_server->stop();
    if (code != 0)
        qWarning("%s", qPrintable(m_server->log().right(6000)));
    QCOMPARE(code, 0);
}

Answer TestTenancy::as(const QString &asker, const QByteArray &verb, const QString &path,
                       const std::optional<QJsonObject> &body) const
{
    return requestAs(*m_server, {asker, kPassword}, verb, path, body);
}

QStringList TestTenancy::thingsListedFor(const QString &asker) const
{
    return BulwarkTest::thingsListedFor(*m_server, {asker, kPassword});
}

int TestTenancy::setLabMembers(const QStringList &names) const
{
    return m_server->put(unitPath(u"Globex/Lab"_s, u"/Members"_s), membersBody(users(names)))
        .status;
}

std::function<Answer(const QString &thing)> TestTenancy::asking(const QString &asker,
                                                                const Probe &probe) const
{
    return [this, asker, &probe](const QString &thing) {
        return as(asker, probe.verb, probe.path(thing, asker),
                  probe.body ? std::optional(probe.body(thing)) : std::nullopt);
    };
}

// ---- 404, the same as for a missing name ---------------------------------

void TestTenancy::outsiderGetsTheMissingAnswer_data()
{
    QTest::addColumn<int>("probe");
    QTest::addColumn<QString>("asker");
    QTest::addColumn<QString>("thing");
    // Each pair: a user none of whose units sees the Thing (E5, E6).
    const QList<std::pair<QString, QString>> outsiders{
        {u"alice"_s, u"G1"_s},  // other organization
        {u"frank"_s, u"G1"_s},  // other organization
        {u"gina"_s, u"A1"_s},   // other organization
        {u"bob"_s, u"A1"_s},    // sibling unit of the grant
        {u"bob"_s, u"AG"_s},    // sibling unit, and another organization
        {u"nobody"_s, u"AG"_s}, // no unit at all
    };
    for (qsizetype index = 0; index < probes().size(); ++index) {
        for (const auto &[asker, thing] : outsiders)
            QTest::addRow("%s: %s on %s", probes().at(index).label, qPrintable(asker),
                          qPrintable(thing))
                << int(index) << asker << thing;
    }
}

void TestTenancy::outsiderGetsTheMissingAnswer()
{
    QFETCH(int, probe);
    QFETCH(QString, asker);
    QFETCH(QString, thing);
    const Probe &p = probes().at(probe);
    const QString why = answersAsIfMissing(asking(asker, p), thing);
    QVERIFY2(why.isEmpty(), qPrintable(u"%1 %2 as %3: "_s.arg(QString::fromLatin1(p.verb),
                                                              p.path(thing, asker), asker) +
                                       why));
}

void TestTenancy::insiderIsAnswered_data()
{
    QTest::addColumn<int>("probe");
    QTest::addColumn<QString>("thing");
    for (qsizetype index = 0; index < probes().size(); ++index) {
        if (probes().at(index).insiderStatus == 0)
            continue;
        for (const QString &thing : {u"A1"_s, u"G1"_s, u"AG"_s})
            QTest::addRow("%s: max on %s", probes().at(index).label, qPrintable(thing))
                << int(index) << thing;
    }
}

// max is in both organizations: every probe above reaches the Thing (an
// administrator-only change answers 403, not 404).
void TestTenancy::insiderIsAnswered()
{
    QFETCH(int, probe);
    QFETCH(QString, thing);
    const Probe &p = probes().at(probe);
    const QString asker = u"max"_s;
    const Answer answer = asking(asker, p)(thing);
    QVERIFY2(answer.status == p.insiderStatus,
             qPrintable(u"%1 %2: %3 %4"_s.arg(QString::fromLatin1(p.verb), p.path(thing, asker))
                            .arg(answer.status)
                            .arg(QString::fromUtf8(answer.body))));
    if (p.insiderStatus == 403)
        QCOMPARE(answer.errorCode(), u"forbidden"_s);
}

// The 404s above must not have done their work behind the answer.
void TestTenancy::outsidersChangedNothing()
{
    for (const auto &[thing, grants] : kThings) {
        const Answer read = m_server->get(u"/api/Things/"_s + thing);
        QCOMPARE(read.status, 200);
        QCOMPARE(read.json().value("description"_L1).toString(), u"original"_s);
        const Answer value = m_server->get(u"/api/Things/%1/Properties/%2"_s.arg(thing, kProperty));
        QCOMPARE(value.status, 200);
        QCOMPARE(value.json().value("value"_L1).toInt(), 1);
        const Answer rules = m_server->get(u"/api/Things/%1/Permissions"_s.arg(thing));
        QCOMPARE(rules.status, 200);
        QCOMPARE(rules.json().value("rules"_L1).toArray(), QJsonArray{});
        const Answer visibility = m_server->get(u"/api/Things/%1/Visibility"_s.arg(thing));
        QCOMPARE(visibility.status, 200);
        QStringList listed;
        for (const QJsonValue unit : visibility.json().value("units"_L1).toArray())
            listed.append(unit.toString());
        listed.sort();
        QStringList sortedGrants = grants;
        sortedGrants.sort();
        QCOMPARE(listed, sortedGrants);
    }
}

// ---- lists ------------------------------------------------------------------

void TestTenancy::listsShowOnlyVisibleThings_data()
{
    QTest::addColumn<QString>("asker");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("alice (Acme/Line1)") << u"alice"_s << QStringList{u"A1"_s, u"AG"_s};
    QTest::newRow("frank (Acme/Plant1, parent of Line1)")
        << u"frank"_s << QStringList{u"A1"_s, u"AG"_s};
    QTest::newRow("bob (Acme/Line2, sibling of Line1)") << u"bob"_s << QStringList{};
    QTest::newRow("gina (Globex/Lab)") << u"gina"_s << QStringList{u"AG"_s, u"G1"_s};
    QTest::newRow("max (both)") << u"max"_s << QStringList{u"A1"_s, u"AG"_s, u"G1"_s};
    QTest::newRow("nobody (no unit)") << u"nobody"_s << QStringList{};
}

void TestTenancy::listsShowOnlyVisibleThings()
{
    QFETCH(QString, asker);
    QFETCH(QStringList, expected);
    QCOMPARE(thingsListedFor(asker), expected);
}

// ---- creating -----------------------------------------------------------------

void TestTenancy::invisibleTemplateCannotBeBuiltFrom()
{
    const auto aliceAsIfMissing = [this](const QByteArray &verb, const QString &path,
                                         const std::optional<QJsonObject> &body =
                                             std::nullopt) -> QString {
        const QString why = answersAsIfMissing(
            [&](const QString &name) { return as(u"alice"_s, verb, path.arg(name), body); },
            kLabTemplate);
        return why.isEmpty() ? why : QString::fromLatin1(verb) + u' ' + path + u": "_s + why;
    };
    // The template itself: a read answers as for a missing one.
    QString why = aliceAsIfMissing("GET", u"/api/ThingTemplates/%1"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));

    // Its rules, instance rules, visibility lists and security document.
    for (const QString &part : {u"Permissions"_s, u"InstancePermissions"_s, u"Visibility"_s,
                                u"InstanceVisibility"_s, u"Security"_s}) {
        why = aliceAsIfMissing("GET", u"/api/ThingTemplates/%1/"_s + part);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const bool isRules = part.endsWith(u"Permissions"_s);
        const QJsonObject body = isRules ? rulesBody({})
                                 : part == u"Security"_s
                                     ? QJsonObject{{"format"_L1, "bulwark-security/1"_L1}}
                                     : unitsBody({});
        const QString path = u"/api/ThingTemplates/%1/%2"_s.arg(kLabTemplate, part);
        QCOMPARE(as(u"alice"_s, "PUT", path, body).status, 404);
        // gina sees the template: reading needs Read on it (she has none: 403);
        // changing is for administrators (403).
        QCOMPARE(as(u"gina"_s, "PUT", path, body).status, 403);
    }

    // Building from it: 404 for the template, as if it did not exist.
    const auto buildAsAlice = [this](const QString &templateName) {
        return as(u"alice"_s, "POST", u"/api/Things"_s,
                  QJsonObject{{"name"_L1, "AliceKit"_L1}, {"template"_L1, templateName}});
    };
    why = answersAsIfMissing(buildAsAlice, kLabTemplate);
    QVERIFY2(why.isEmpty(), qPrintable(u"POST /api/Things from the template: "_s + why));
    QCOMPARE(m_server->get(u"/api/Things/AliceKit"_s).status, 404);

    // gina sees the template and may build from it (Staff has Create on
    // Things). Its instances are not made visible by the template's own
    // visibility: only gina, their creator, sees the new Thing.
    const Answer built = as(u"gina"_s, "POST", u"/api/Things"_s,
                            QJsonObject{{"name"_L1, "GinaKit"_L1}, {"template"_L1, kLabTemplate}});
    QVERIFY2(built.status == 201, built.body.constData());
    QCOMPARE(as(u"gina"_s, "GET", u"/api/Things/GinaKit"_s).status, 200);
    QCOMPARE(as(u"max"_s, "GET", u"/api/Things/GinaKit"_s).status, 404);
    QCOMPARE(as(u"alice"_s, "GET", u"/api/Things/GinaKit"_s).status, 404);
    QVERIFY(thingsListedFor(u"gina"_s).contains(u"GinaKit"_s));
    QVERIFY(!thingsListedFor(u"max"_s).contains(u"GinaKit"_s));
    QCOMPARE(m_server->remove(u"/api/Things/GinaKit"_s).status, 204);
}

void TestTenancy::userWithoutUnitsSeesOnlyWhatItCreated()
{
    QCOMPARE(thingsListedFor(u"nobody"_s), QStringList{});
    QJsonObject n1 = withProperty(kProperty, u"INTEGER"_s);
    n1.insert("name"_L1, "N1"_L1);
    const Answer created = as(u"nobody"_s, "POST", u"/api/Things"_s, n1);
    QVERIFY2(created.status == 201, created.body.constData());
    QCOMPARE(thingsListedFor(u"nobody"_s), QStringList{u"N1"_s});
    QCOMPARE(as(u"nobody"_s, "GET", u"/api/Things/N1"_s).status, 200);
    QCOMPARE(
        as(u"nobody"_s, "PUT", u"/api/Things/N1/Properties/level"_s, QJsonObject{{"value"_L1, 5}})
            .status,
        200);
    // Nobody else (but administrators) sees it: it has no visibility grant.
    for (const QString &other : {u"alice"_s, u"frank"_s, u"gina"_s, u"max"_s}) {
        QCOMPARE(as(other, "GET", u"/api/Things/N1"_s).status, 404);
        QVERIFY(!thingsListedFor(other).contains(u"N1"_s));
    }
    QCOMPARE(m_server->get(u"/api/Things/N1"_s).status, 200);
}

void TestTenancy::insiderMayDelete()
{
    // A Thing of its own for this: max (both organizations) deletes one
    // granted to Globex/Lab; gina's delete of one granted to Acme/Line1 is 404.
    for (const QString &thing : {u"DelG"_s, u"DelA"_s})
        QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, thing}}).status, 201);
    QCOMPARE(m_server->put(u"/api/Things/DelG/Visibility"_s, unitsBody({u"Globex/Lab"_s})).status,
             200);
    QCOMPARE(m_server->put(u"/api/Things/DelA/Visibility"_s, unitsBody({u"Acme/Line1"_s})).status,
             200);
    QCOMPARE(as(u"gina"_s, "DELETE", u"/api/Things/DelA"_s).status, 404);
    QCOMPARE(m_server->get(u"/api/Things/DelA"_s).status, 200);
    QCOMPARE(as(u"max"_s, "DELETE", u"/api/Things/DelG"_s).status, 204);
    QCOMPARE(m_server->get(u"/api/Things/DelG"_s).status, 404);
    QCOMPARE(as(u"alice"_s, "DELETE", u"/api/Things/DelA"_s).status, 204);
}

// ---- changes take effect on the next request ----------------------------------

void TestTenancy::removedMembershipTakesEffectAtOnce()
{
    QCOMPARE(as(u"max"_s, "GET", u"/api/Things/G1"_s).status, 200);
    QCOMPARE(setLabMembers({u"gina"_s}), 200);
    const QString why = answersAsIfMissing(
        [this](const QString &name) { return as(u"max"_s, "GET", u"/api/Things/"_s + name); },
        u"G1"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(as(u"max"_s, "GET", u"/api/Things/AG"_s).status, 200); // still through Acme/Line1
    QCOMPARE(thingsListedFor(u"max"_s), (QStringList{u"A1"_s, u"AG"_s}));
    QCOMPARE(as(u"gina"_s, "GET", u"/api/Things/G1"_s).status, 200);

    QCOMPARE(setLabMembers({u"gina"_s, u"max"_s}), 200);
    QCOMPARE(as(u"max"_s, "GET", u"/api/Things/G1"_s).status, 200);
}

void TestTenancy::denyRuleTakesEffectAtOnce()
{
    QCOMPARE(as(u"max"_s, "GET", u"/api/Things/AG"_s).status, 200);
    const QJsonArray deny{rule(user(u"max"_s), u"Read"_s, u"Deny"_s)};
    QCOMPARE(m_server->put(u"/api/Things/AG/Permissions"_s, {{"rules"_L1, deny}}).status, 200);
    const Answer denied = as(u"max"_s, "GET", u"/api/Things/AG"_s);
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.errorCode(), u"forbidden"_s);
    // Visible but without Read: not listed (security-model.md, "What each
    // permission governs").
    QCOMPARE(thingsListedFor(u"max"_s), (QStringList{u"A1"_s, u"G1"_s}));
    QCOMPARE(as(u"alice"_s, "GET", u"/api/Things/AG"_s).status, 200);

    QCOMPARE(m_server->put(u"/api/Things/AG/Permissions"_s, rulesBody({})).status, 200);
    QCOMPARE(as(u"max"_s, "GET", u"/api/Things/AG"_s).status, 200);
}

// ---- live events ----------------------------------------------------------------

namespace {

// A live-event subscriber that records what it receives.
class Subscriber final
{
public:
    explicit Subscriber(const QSslConfiguration &tls)
    {
        m_socket.setSslConfiguration(tls);
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &text) {
                             m_messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
                         });
    }
    Q_DISABLE_COPY_MOVE(Subscriber)

    // True once the server said hello.
    [[nodiscard]] bool open(const QNetworkRequest &request)
    {
        m_socket.open(request);
        return waitFor([this] { return !m_messages.isEmpty(); }) &&
               m_messages.first().value("type"_L1).toString() == "hello"_L1;
    }

    [[nodiscard]] bool waitFor(const std::function<bool()> &condition)
    {
        SignalWaiter waiter;
        waiter.wakeOn(&m_socket, &QWebSocket::textMessageReceived);
        waiter.wakeOn(&m_socket, &QWebSocket::disconnected);
        return waiter.waitFor([&] {
            return condition() || m_socket.state() == QAbstractSocket::UnconnectedState;
        }) && condition();
    }

    // Waits for the propertyChanged of thing with value; the changes received
    // before it, as "thing=value".
    [[nodiscard]] std::optional<QStringList> changesUpTo(const QString &thing, int value)
    {
        const auto changes = [this] {
            QStringList seen;
            for (const QJsonObject &message : std::as_const(m_messages)) {
                if (message.value("type"_L1).toString() == "propertyChanged"_L1)
                    seen.append(u"%1=%2"_s.arg(message.value("thing"_L1).toString())
                                    .arg(message.value("value"_L1).toInt()));
            }
            return seen;
        };
        const QString sentinel = u"%1=%2"_s.arg(thing).arg(value);
        if (!waitFor([&] { return changes().contains(sentinel); }))
            return std::nullopt;
        return changes();
    }

    // Waits for an entity event ("entityUpdated Things/A1"); the entity
    // events of Things received up to it.
    [[nodiscard]] std::optional<QStringList> thingEventsUpTo(const QString &sentinel)
    {
        const auto events = [this] {
            QStringList seen;
            for (const QJsonObject &message : std::as_const(m_messages)) {
                if (message.value("type"_L1).toString().startsWith("entity"_L1) &&
                    message.value("collection"_L1).toString() == "Things"_L1)
                    seen.append(u"%1 Things/%2"_s.arg(message.value("type"_L1).toString(),
                                                      message.value("name"_L1).toString()));
            }
            return seen;
        };
        if (!waitFor([&] { return events().contains(sentinel); }))
            return std::nullopt;
        return events();
    }

    [[nodiscard]] QString state() const
    {
        return u"state %1, close code %2 (%3), %4 messages"_s.arg(int(m_socket.state()))
            .arg(int(m_socket.closeCode()))
            .arg(m_socket.closeReason())
            .arg(m_messages.size());
    }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
};

} // namespace

QNetworkRequest TestTenancy::eventsRequest(const QString &asker) const
{
    QNetworkRequest request(m_server->url(u"/api/events"_s, u"wss"_s));
    request.setRawHeader("Authorization", Credentials{asker, kPassword}.basicHeader());
    return request;
}

void TestTenancy::writeLevel(const QString &thing, int value) const
{
    const Answer answer = m_server->put(u"/api/Things/%1/Properties/%2"_s.arg(thing, kProperty),
                                        {{"value"_L1, value}});
    QVERIFY2(answer.status == 200, answer.body.constData());
}

void TestTenancy::eventsReachOnlyThoseWhoSee()
{
    Subscriber alice(m_server->sslConfiguration());
    QVERIFY2(alice.open(eventsRequest(u"alice"_s)), qPrintable(alice.state()));
    Subscriber gina(m_server->sslConfiguration());
    QVERIFY2(gina.open(eventsRequest(u"gina"_s)), qPrintable(gina.state()));

    // Events go out in the order of the changes: what is received before the
    // last change of a stream's own Things is all it will get of the others.
    writeLevel(u"G1"_s, 1001);
    writeLevel(u"A1"_s, 1002);
    writeLevel(u"AG"_s, 1003);
    writeLevel(u"G1"_s, 1004);
    const auto aliceGot = alice.changesUpTo(u"AG"_s, 1003);
    QVERIFY2(aliceGot, qPrintable(alice.state()));
    QCOMPARE(*aliceGot, (QStringList{u"A1=1002"_s, u"AG=1003"_s}));
    const auto ginaGot = gina.changesUpTo(u"G1"_s, 1004);
    QVERIFY2(ginaGot, qPrintable(gina.state()));
    QCOMPARE(*ginaGot, (QStringList{u"G1=1001"_s, u"AG=1003"_s, u"G1=1004"_s}));

    // Changes of the definitions too.
    for (const QString &thing : {u"G1"_s, u"A1"_s}) {
        const Answer updated = m_server->put(u"/api/Things/"_s + thing, definition(u"original"_s));
        QVERIFY2(updated.status == 200, updated.body.constData());
    }
    const auto aliceUpdates = alice.thingEventsUpTo(u"entityUpdated Things/A1"_s);
    QVERIFY2(aliceUpdates, qPrintable(alice.state()));
    QCOMPARE(*aliceUpdates, QStringList{u"entityUpdated Things/A1"_s});
}

void TestTenancy::eventsStopWhenVisibilityIsLost()
{
    Subscriber max(m_server->sslConfiguration());
    QVERIFY2(max.open(eventsRequest(u"max"_s)), qPrintable(max.state()));
    writeLevel(u"G1"_s, 2001);
    writeLevel(u"A1"_s, 2002);
    const auto before = max.changesUpTo(u"A1"_s, 2002);
    QVERIFY2(before, qPrintable(max.state()));
    QCOMPARE(*before, (QStringList{u"G1=2001"_s, u"A1=2002"_s}));

    // max leaves Globex/Lab: the open stream stops carrying G1 at once.
    QCOMPARE(setLabMembers({u"gina"_s}), 200);
    writeLevel(u"G1"_s, 2003);
    writeLevel(u"AG"_s, 2004); // still visible through Acme/Line1
    writeLevel(u"A1"_s, 2005);
    const auto after = max.changesUpTo(u"A1"_s, 2005);
    QVERIFY2(after, qPrintable(max.state()));
    QCOMPARE(*after, (QStringList{u"G1=2001"_s, u"A1=2002"_s, u"AG=2004"_s, u"A1=2005"_s}));

    // And losing PropertyRead (a Deny) stops it too, while the Thing stays visible.
    const QJsonArray deny{rule(user(u"max"_s), u"PropertyRead"_s, u"Deny"_s)};
    QCOMPARE(m_server->put(u"/api/Things/AG/Permissions"_s, {{"rules"_L1, deny}}).status, 200);
    writeLevel(u"AG"_s, 2006);
    writeLevel(u"A1"_s, 2007);
    const auto denied = max.changesUpTo(u"A1"_s, 2007);
    QVERIFY2(denied, qPrintable(max.state()));
    QCOMPARE(denied->mid(4), QStringList{u"A1=2007"_s});

    QCOMPARE(m_server->put(u"/api/Things/AG/Permissions"_s, rulesBody({})).status, 200);
    QCOMPARE(setLabMembers({u"gina"_s, u"max"_s}), 200);
}

QTEST_GUILESS_MAIN(TestTenancy)
#include "tst_tenancy.moc"
