// A change of definitions through REST is what the very next edge message
// is checked against: the server keeps each Thing's effective definitions
// (its template chain merged in) between ingest transactions, and must
// forget them when the Thing, a template of its chain, or its choice of
// template changes.
#include "../common/AccessFixture.h"
#include "../common/WebSocketClient.h"

#include <QJsonArray>
#include <QTest>

using namespace BulwarkTest;

namespace {

QString errorCode(const QJsonObject &reply)
{
    return reply["error"_L1]["code"_L1].toString();
}

QJsonObject update(const QString &thing, const QString &property, const QJsonValue &value)
{
    return {{"type"_L1, "update"_L1},
            {"thing"_L1, thing},
            {"values"_L1, QJsonArray{QJsonObject{{"property"_L1, property}, {"value"_L1, value}}}}};
}

QJsonObject fire(const QString &thing, const QString &event)
{
    return {{"type"_L1, "event"_L1}, {"thing"_L1, thing}, {"event"_L1, event}};
}

QJsonObject properties(const QList<std::pair<QString, QString>> &declared)
{
    QJsonArray list;
    for (const auto &[name, type] : declared)
        list.append(QJsonObject{{"name"_L1, name}, {"baseType"_L1, type}});
    return {{"properties"_L1, list}};
}

int accepted(const QJsonObject &reply)
{
    return reply["result"_L1]["accepted"_L1].toInt(-1);
}

} // namespace

class TestEdgeDefinitions final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void templateChangeIsSeenByTheNextUpdate();
    void baseTemplateChangeIsSeenByTheNextUpdate();
    void thingChangesAreSeenByTheNextUpdate();
    void eventDeclarationsFollowTemplateChanges();

private:
    // The Administrator as a device with thing bound.
    [[nodiscard]] std::unique_ptr<WebSocketClient> device(const QString &thing)
    {
        auto socket = std::make_unique<WebSocketClient>(m_server->sslConfiguration());
        if (!socket->open(QNetworkRequest(m_server->url(u"/edge"_s, u"wss"_s))))
            return nullptr;
        const QJsonObject auth = socket->call(
            {{"type"_L1, "auth"_L1}, {"user"_L1, kAdministrator}, {"password"_L1, kAdminPassword}});
        if (!auth.contains("result"_L1))
            return nullptr;
        const QJsonObject bound =
            socket->call({{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{thing}}});
        if (bound["result"_L1]["bound"_L1].toArray().size() != 1)
            return nullptr;
        return socket;
    }
    void putTemplate(const QString &name, const QString &base, QJsonObject members)
    {
        members.insert("name"_L1, name);
        if (!base.isEmpty())
            members.insert("baseTemplate"_L1, base);
        const Answer answer = m_server->put(u"/api/ThingTemplates/"_s + name, members);
        QVERIFY2(answer.status == 200, answer.body.constData());
    }
    void putThing(const QString &name, const QString &templateName, QJsonObject members)
    {
        members.insert("name"_L1, name);
        if (!templateName.isEmpty())
            members.insert("template"_L1, templateName);
        const Answer answer = m_server->put(u"/api/Things/"_s + name, members);
        QVERIFY2(answer.status == 200, answer.body.constData());
    }

    std::unique_ptr<HeadlessServer> m_server;
};

void TestEdgeDefinitions::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, u"unused-password-for-setup-77"_s);
    setup.makeTemplate(u"Sensor"_s, {}, properties({{u"level"_s, u"NUMBER"_s}}));
    setup.makeThing(u"Tank1"_s, u"Sensor"_s);
    setup.makeTemplate(u"Device"_s, {}, properties({{u"serial"_s, u"INTEGER"_s}}));
    setup.makeTemplate(u"Pump"_s, u"Device"_s, properties({{u"flow"_s, u"NUMBER"_s}}));
    setup.makeThing(u"Pump1"_s, u"Pump"_s);
    setup.makeTemplate(u"Fan"_s, {}, properties({{u"speed"_s, u"NUMBER"_s}}));
    setup.makeThing(u"Fan1"_s, u"Fan"_s, properties({{u"own"_s, u"NUMBER"_s}}));
    setup.makeTemplate(u"Alarm"_s, {}, {});
    setup.makeThing(u"Alarm1"_s, u"Alarm"_s);
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
}

void TestEdgeDefinitions::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestEdgeDefinitions::templateChangeIsSeenByTheNextUpdate()
{
    auto dev = device(u"Tank1"_s);
    QVERIFY(dev);
    // Read once, so that what the server keeps is the old definition.
    QCOMPARE(accepted(dev->call(update(u"Tank1"_s, u"level"_s, 1.5))), 1);
    QCOMPARE(errorCode(dev->call(update(u"Tank1"_s, u"pressure"_s, 2))), u"not-found"_s);

    // A new property on the template: the next update may use it.
    putTemplate(u"Sensor"_s, {},
                properties({{u"level"_s, u"NUMBER"_s}, {u"pressure"_s, u"NUMBER"_s}}));
    QCOMPARE(accepted(dev->call(update(u"Tank1"_s, u"pressure"_s, 2))), 1);

    // A changed type: a number no longer fits, a string does.
    putTemplate(u"Sensor"_s, {},
                properties({{u"level"_s, u"STRING"_s}, {u"pressure"_s, u"NUMBER"_s}}));
    QCOMPARE(errorCode(dev->call(update(u"Tank1"_s, u"level"_s, 3))), u"type-mismatch"_s);
    QCOMPARE(accepted(dev->call(update(u"Tank1"_s, u"level"_s, u"high"_s))), 1);

    // A removed property is refused at once.
    putTemplate(u"Sensor"_s, {}, properties({{u"level"_s, u"STRING"_s}}));
    QCOMPARE(errorCode(dev->call(update(u"Tank1"_s, u"pressure"_s, 4))), u"not-found"_s);
    QCOMPARE(m_server->get(u"/api/Things/Tank1/Properties/level"_s).json()["value"_L1],
             QJsonValue(u"high"_s));
}

void TestEdgeDefinitions::baseTemplateChangeIsSeenByTheNextUpdate()
{
    auto dev = device(u"Pump1"_s);
    QVERIFY(dev);
    QCOMPARE(accepted(dev->call(update(u"Pump1"_s, u"serial"_s, 7))), 1);
    QCOMPARE(errorCode(dev->call(update(u"Pump1"_s, u"serial"_s, u"A-7"_s))), u"type-mismatch"_s);
    // Two links up the chain from the Thing: Pump1 -> Pump -> Device.
    putTemplate(u"Device"_s, {}, properties({{u"serial"_s, u"STRING"_s}}));
    QCOMPARE(accepted(dev->call(update(u"Pump1"_s, u"serial"_s, u"A-7"_s))), 1);
    // The middle template stops deriving from Device: serial is gone.
    putTemplate(u"Pump"_s, {}, properties({{u"flow"_s, u"NUMBER"_s}}));
    QCOMPARE(errorCode(dev->call(update(u"Pump1"_s, u"serial"_s, u"A-8"_s))), u"not-found"_s);
    QCOMPARE(accepted(dev->call(update(u"Pump1"_s, u"flow"_s, 12.5))), 1);
}

void TestEdgeDefinitions::thingChangesAreSeenByTheNextUpdate()
{
    auto dev = device(u"Fan1"_s);
    QVERIFY(dev);
    QCOMPARE(accepted(dev->call(update(u"Fan1"_s, u"speed"_s, 900))), 1);
    QCOMPARE(accepted(dev->call(update(u"Fan1"_s, u"own"_s, 1))), 1);
    // The Thing's own members change.
    putThing(u"Fan1"_s, u"Fan"_s, properties({{u"mine"_s, u"BOOLEAN"_s}}));
    QCOMPARE(errorCode(dev->call(update(u"Fan1"_s, u"own"_s, 2))), u"not-found"_s);
    QCOMPARE(accepted(dev->call(update(u"Fan1"_s, u"mine"_s, true))), 1);
    // The Thing moves to another template.
    putThing(u"Fan1"_s, u"Sensor"_s, properties({{u"mine"_s, u"BOOLEAN"_s}}));
    QCOMPARE(errorCode(dev->call(update(u"Fan1"_s, u"speed"_s, 901))), u"not-found"_s);
    QCOMPARE(accepted(dev->call(update(u"Fan1"_s, u"level"_s, u"low"_s))), 1);
}

void TestEdgeDefinitions::eventDeclarationsFollowTemplateChanges()
{
    auto dev = device(u"Alarm1"_s);
    QVERIFY(dev);
    QCOMPARE(errorCode(dev->call(fire(u"Alarm1"_s, u"Tripped"_s))), u"not-found"_s);
    putTemplate(u"Alarm"_s, {},
                {{"events"_L1, QJsonArray{QJsonObject{{"name"_L1, "Tripped"_L1}}}}});
    QCOMPARE(dev->call(fire(u"Alarm1"_s, u"Tripped"_s))["result"_L1]["delivered"_L1].toBool(),
             true);
    putTemplate(u"Alarm"_s, {}, {});
    QCOMPARE(errorCode(dev->call(fire(u"Alarm1"_s, u"Tripped"_s))), u"not-found"_s);
}

QTEST_GUILESS_MAIN(TestEdgeDefinitions)
#include "tst_edge_definitions.moc"
