#include "core/EntityJson.h"
#include "core/Inheritance.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Bulwark;

namespace {
QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}
} // namespace

class TestEntityJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void thingRoundTrip()
    {
        const auto thing = EntityJson::thingFromJson(parse(R"({
            "name": "Pump1", "description": "Main pump", "template": "PumpTemplate",
            "properties": [
                {"name": "speed", "baseType": "NUMBER", "defaultValue": 1.5},
                {"name": "secret", "baseType": "PASSWORD"}
            ],
            "services": [{"name": "Start", "inputs": [{"name": "rpm", "baseType": "INTEGER"}],
                          "output": "BOOLEAN"}],
            "events": [{"name": "Overheated"}]
        })"));
        QVERIFY2(thing.ok(), qPrintable(thing.ok() ? QString() : thing.error().message));
        QCOMPARE(thing->name, QStringLiteral("Pump1"));
        QCOMPARE(thing->templateName, QStringLiteral("PumpTemplate"));
        QCOMPARE(thing->definitions.properties.size(), 2);
        QCOMPARE(thing->definitions.properties.at(0).defaultValue.toDouble(), 1.5);
        QCOMPARE(thing->definitions.services.at(0).output, BaseType::Boolean);
        QCOMPARE(thing->definitions.services.at(0).inputs.at(0).baseType, BaseType::Integer);

        const QJsonObject json = EntityJson::toJson(*thing);
        const auto again = EntityJson::thingFromJson(json);
        QVERIFY(again.ok());
        QCOMPARE(EntityJson::toJson(*again), json);
    }

    void thingErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("no name") << QByteArray(R"({"description":"x"})")
                                 << int(ErrorCode::BadRequest) << QStringLiteral("'name'");
        QTest::newRow("bad name") << QByteArray(R"({"name":"a b"})") << int(ErrorCode::InvalidName)
                                  << QStringLiteral("position 2");
        QTest::newRow("unknown field") << QByteArray(R"({"name":"a","colour":"red"})")
                                       << int(ErrorCode::BadRequest) << QStringLiteral("'colour'");
        QTest::newRow("bad type")
            << QByteArray(R"({"name":"a","properties":[{"name":"p","baseType":"FLOAT"}]})")
            << int(ErrorCode::BadRequest) << QStringLiteral("STRING, NUMBER");
        QTest::newRow("duplicate property")
            << QByteArray(
                   R"({"name":"a","properties":[{"name":"p","baseType":"STRING"},{"name":"p","baseType":"NUMBER"}]})")
            << int(ErrorCode::BadRequest) << QStringLiteral("declared twice");
        QTest::newRow("bad default")
            << QByteArray(
                   R"({"name":"a","properties":[{"name":"p","baseType":"INTEGER","defaultValue":"x"}]})")
            << int(ErrorCode::TypeMismatch) << QStringLiteral("INTEGER");
        QTest::newRow("password default")
            << QByteArray(
                   R"({"name":"a","properties":[{"name":"p","baseType":"PASSWORD","defaultValue":"x"}]})")
            << int(ErrorCode::BadRequest) << QStringLiteral("PASSWORD");
        QTest::newRow("description type") << QByteArray(R"({"name":"a","description":5})")
                                          << int(ErrorCode::BadRequest) << QStringLiteral("string");
    }

    void thingErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, code);
        QFETCH(QString, messagePart);
        const auto thing = EntityJson::thingFromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!thing.ok());
        QCOMPARE(int(thing.error().code), code);
        QVERIFY2(thing.error().message.contains(messagePart), qPrintable(thing.error().message));
    }

    void organizationTree()
    {
        const auto org = EntityJson::organizationFromJson(parse(R"({
            "name": "Acme", "units": [
                {"name": "Plant2", "parent": "Europe"},
                {"name": "Europe", "parent": "Acme"},
                {"name": "Plant1", "parent": "Europe"}
            ]})"));
        QVERIFY2(org.ok(), qPrintable(org.ok() ? QString() : org.error().message));
        QStringList order;
        for (const auto &u : org->units)
            order << u.name;
        // Root first, every unit after its parent.
        QCOMPARE(order.size(), 4);
        QCOMPARE(order.first(), QStringLiteral("Acme"));
        QVERIFY(org->units.first().parent.isEmpty());
        for (const auto &u : org->units.mid(1))
            QVERIFY(order.indexOf(u.parent) < order.indexOf(u.name));
    }

    void organizationErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("unknown parent")
            << QByteArray(R"({"name":"Acme","units":[{"name":"A","parent":"Nowhere"}]})")
            << QStringLiteral("not a unit");
        QTest::newRow("cycle")
            << QByteArray(
                   R"({"name":"Acme","units":[{"name":"A","parent":"B"},{"name":"B","parent":"A"}]})")
            << QStringLiteral("cycle");
        QTest::newRow("second root") << QByteArray(R"({"name":"Acme","units":[{"name":"A"}]})")
                                     << QStringLiteral("needs a 'parent'");
        QTest::newRow("duplicate")
            << QByteArray(
                   R"({"name":"Acme","units":[{"name":"A","parent":"Acme"},{"name":"A","parent":"Acme"}]})")
            << QStringLiteral("declared twice");
    }

    void organizationErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, messagePart);
        const auto org = EntityJson::organizationFromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!org.ok());
        QVERIFY2(org.error().message.contains(messagePart), qPrintable(org.error().message));
    }

    void groupMembers()
    {
        const auto group = EntityJson::groupFromJson(parse(
            R"({"name":"Ops","members":[{"type":"User","name":"ann"},{"type":"Group","name":"Night"},{"type":"User","name":"ann"}]})"));
        QVERIFY(group.ok());
        QCOMPARE(group->members.size(), 2); // duplicates collapse
        QVERIFY(!EntityJson::groupFromJson(
                     parse(R"({"name":"Ops","members":[{"type":"Group","name":"Ops"}]})"))
                     .ok());
        QVERIFY(!EntityJson::groupFromJson(
                     parse(R"({"name":"Ops","members":[{"type":"Robot","name":"x"}]})"))
                     .ok());
    }

    void inheritance()
    {
        ThingTemplate base{QStringLiteral("Base"), {}, {}, {}, {}, {}};
        base.definitions.properties.append(
            {QStringLiteral("serial"), {}, BaseType::String, {}, {}});
        ThingTemplate pump{QStringLiteral("Pump"), {}, QStringLiteral("Base"), {}, {}, {}};
        pump.definitions.properties.append({QStringLiteral("speed"), {}, BaseType::Number, {}, {}});
        Definitions own;
        own.properties.append({QStringLiteral("location"), {}, BaseType::String, {}, {}});

        const auto merged = Inheritance::effective(QStringLiteral("Thing 'P1'"), own, {pump, base});
        QVERIFY(merged.ok());
        QCOMPARE(merged->properties.size(), 3);
        QCOMPARE(merged->property(QStringLiteral("location"))->inheritedFrom, QString());
        QCOMPARE(merged->property(QStringLiteral("speed"))->inheritedFrom, QStringLiteral("Pump"));
        QCOMPARE(merged->property(QStringLiteral("serial"))->inheritedFrom, QStringLiteral("Base"));

        own.properties.append({QStringLiteral("serial"), {}, BaseType::Integer, {}, {}});
        const auto clash = Inheritance::effective(QStringLiteral("Thing 'P1'"), own, {pump, base});
        QVERIFY(!clash.ok());
        QCOMPARE(clash.error().code, ErrorCode::Conflict);
        QVERIFY(clash.error().message.contains(QStringLiteral("ThingTemplate 'Base'")));
    }
};

QTEST_GUILESS_MAIN(TestEntityJson)
#include "tst_entityjson.moc"
