// Property values of every base type over REST: round trips, type checks,
// and PASSWORD values that are neither returned nor stored in plain text.
#include "HeadlessServer.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace BulwarkTest;

namespace {

const QString kThing = u"Station"_s;
const QString kSecret = u"Zq8-unguessable-Secret-Value"_s;
const QString kPlainMarker = u"plain-text-marker-4711"_s;

QString propertyPath(const QString &property)
{
    return u"/api/Things/%1/Properties/%2"_s.arg(kThing, property);
}

// All bytes SQLite may hold for the database: main file, WAL and journal.
QByteArray databaseBytes(const QString &dataDir)
{
    QByteArray bytes;
    for (const QString &suffix : {u""_s, u"-wal"_s, u"-journal"_s}) {
        QFile file(QDir(dataDir).filePath(u"bulwark.db"_s + suffix));
        if (file.open(QIODevice::ReadOnly))
            bytes += file.readAll();
    }
    return bytes;
}

} // namespace

class TestProperties final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void roundTrip_data();
    void roundTrip();
    void typeMismatch_data();
    void typeMismatch();
    void passwordIsNeverReturned();
    void passwordIsEncryptedAtRest();
    void unknownProperty();
    void badValueBody();
    void listsAllProperties();

private:
    std::unique_ptr<HeadlessServer> m_server;
};

void TestProperties::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QJsonArray properties;
    const QStringList types{u"STRING"_s,   u"NUMBER"_s, u"INTEGER"_s, u"BOOLEAN"_s,
                            u"DATETIME"_s, u"JSON"_s,   u"PASSWORD"_s};
    for (const QString &type : types)
        properties.append(QJsonObject{{"name"_L1, type.toLower()}, {"baseType"_L1, type}});
    properties.append(QJsonObject{
        {"name"_L1, "withDefault"_L1}, {"baseType"_L1, "INTEGER"_L1}, {"defaultValue"_L1, 7}});
    const Answer created =
        m_server->post(u"/api/Things"_s, {{"name"_L1, kThing}, {"properties"_L1, properties}});
    QCOMPARE(created.status, 201);
}

void TestProperties::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestProperties::roundTrip_data()
{
    QTest::addColumn<QString>("property");
    QTest::addColumn<QJsonValue>("sent");
    QTest::addColumn<QJsonValue>("stored");
    QTest::newRow("STRING") << u"string"_s << QJsonValue(kPlainMarker) << QJsonValue(kPlainMarker);
    QTest::newRow("STRING unicode")
        << u"string"_s << QJsonValue(u"Grüße ☃"_s) << QJsonValue(u"Grüße ☃"_s);
    QTest::newRow("NUMBER") << u"number"_s << QJsonValue(-3.25) << QJsonValue(-3.25);
    QTest::newRow("INTEGER") << u"integer"_s << QJsonValue(42) << QJsonValue(42);
    QTest::newRow("INTEGER 2^53") << u"integer"_s << QJsonValue(9007199254740991LL)
                                  << QJsonValue(9007199254740991LL);
    QTest::newRow("BOOLEAN") << u"boolean"_s << QJsonValue(true) << QJsonValue(true);
    QTest::newRow("DATETIME UTC") << u"datetime"_s << QJsonValue(u"2026-11-26T14:30:00Z"_s)
                                  << QJsonValue(u"2026-11-26T14:30:00.000Z"_s);
    QTest::newRow("DATETIME offset")
        << u"datetime"_s << QJsonValue(u"2026-11-26T14:30:00.250+01:00"_s)
        << QJsonValue(u"2026-11-26T13:30:00.250Z"_s);
    const QJsonObject object{{"a"_L1, QJsonArray{1, 2}}, {"b"_L1, "c"_L1}};
    QTest::newRow("JSON object") << u"json"_s << QJsonValue(object) << QJsonValue(object);
    QTest::newRow("JSON array") << u"json"_s << QJsonValue(QJsonArray{true, u"x"_s})
                                << QJsonValue(QJsonArray{true, u"x"_s});
    QTest::newRow("null clears") << u"number"_s << QJsonValue(QJsonValue::Null)
                                 << QJsonValue(QJsonValue::Null);
}

void TestProperties::roundTrip()
{
    QFETCH(QString, property);
    QFETCH(QJsonValue, sent);
    QFETCH(QJsonValue, stored);
    const Answer put = m_server->put(propertyPath(property), {{"value"_L1, sent}});
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json().value("value"_L1), stored);
    QCOMPARE(put.json().value("name"_L1).toString(), property);
    QCOMPARE(put.json().value("baseType"_L1).toString(), property.toUpper());
    QVERIFY(!put.json().value("time"_L1).toString().isEmpty());

    const Answer get = m_server->get(propertyPath(property));
    QCOMPARE(get.status, 200);
    QCOMPARE(get.json().value("value"_L1), stored);
    QCOMPARE(get.json().value("time"_L1), put.json().value("time"_L1));
}

void TestProperties::typeMismatch_data()
{
    QTest::addColumn<QString>("property");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("string into INTEGER") << u"integer"_s << QJsonValue(u"12"_s);
    QTest::newRow("1.5 into INTEGER") << u"integer"_s << QJsonValue(1.5);
    QTest::newRow("2^53 into INTEGER") << u"integer"_s << QJsonValue(9007199254740993.0 * 2);
    QTest::newRow("string into NUMBER") << u"number"_s << QJsonValue(u"3.5"_s);
    QTest::newRow("number into BOOLEAN") << u"boolean"_s << QJsonValue(1);
    QTest::newRow("number into STRING") << u"string"_s << QJsonValue(5);
    QTest::newRow("DATETIME without zone") << u"datetime"_s << QJsonValue(u"2026-11-26T14:30:00"_s);
    QTest::newRow("DATETIME garbage") << u"datetime"_s << QJsonValue(u"yesterday"_s);
    QTest::newRow("JSON scalar number") << u"json"_s << QJsonValue(5);
    QTest::newRow("JSON scalar string") << u"json"_s << QJsonValue(u"{}"_s);
    QTest::newRow("object into PASSWORD") << u"password"_s << QJsonValue(QJsonObject{});
}

void TestProperties::typeMismatch()
{
    QFETCH(QString, property);
    QFETCH(QJsonValue, value);
    const QJsonValue before = m_server->get(propertyPath(property)).json().value("value"_L1);
    const Answer answer = m_server->put(propertyPath(property), {{"value"_L1, value}});
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.errorCode(), u"type-mismatch"_s);
    // The refused value changed nothing.
    QCOMPARE(m_server->get(propertyPath(property)).json().value("value"_L1), before);
}

void TestProperties::passwordIsNeverReturned()
{
    const Answer unset = m_server->get(propertyPath(u"password"_s));
    QCOMPARE(unset.status, 200);
    QVERIFY(unset.json().value("value"_L1).isNull());
    QCOMPARE(unset.json().value("isSet"_L1), QJsonValue(false));

    const Answer put = m_server->put(propertyPath(u"password"_s), {{"value"_L1, kSecret}});
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json().value("value"_L1).toString(), u"********"_s); // a mask, never the value
    QCOMPARE(put.json().value("isSet"_L1), QJsonValue(true));
    QCOMPARE(put.json().value("baseType"_L1).toString(), u"PASSWORD"_s);
    QVERIFY(!put.body.contains(kSecret.toUtf8()));

    const Answer get = m_server->get(propertyPath(u"password"_s));
    QCOMPARE(get.status, 200);
    QCOMPARE(get.json().value("value"_L1).toString(), u"********"_s);
    QCOMPARE(get.json().value("isSet"_L1), QJsonValue(true));
    QVERIFY(!get.body.contains(kSecret.toUtf8()));

    const Answer list = m_server->get(u"/api/Things/%1/Properties"_s.arg(kThing));
    QCOMPARE(list.status, 200);
    QVERIFY(!list.body.contains(kSecret.toUtf8()));
    QCOMPARE(list.json().value("values"_L1).toObject().value("password"_L1).toString(),
             u"********"_s);
    QVERIFY(!m_server->get(u"/api/Things/"_s + kThing).body.contains(kSecret.toUtf8()));
    // Sending the mask back (a form that round-trips a read) changes nothing.
    const Answer mask = m_server->put(propertyPath(u"password"_s), {{"value"_L1, u"********"_s}});
    QCOMPARE(mask.status, 400);
    QVERIFY(mask.errorMessage().contains(u"mask"));
}

void TestProperties::passwordIsEncryptedAtRest()
{
    QCOMPARE(m_server->put(propertyPath(u"password"_s), {{"value"_L1, kSecret}}).status, 200);
    QCOMPARE(m_server->put(propertyPath(u"string"_s), {{"value"_L1, kPlainMarker}}).status, 200);
    const QByteArray bytes = databaseBytes(m_server->dataDir());
    // The plain STRING is there, so these are the bytes the values went to...
    QVERIFY(bytes.contains(kPlainMarker.toUtf8()));
    // ...and the PASSWORD is not, in UTF-8, UTF-16 or base64.
    QVERIFY(!bytes.contains(kSecret.toUtf8()));
    const QByteArray utf16(reinterpret_cast<const char *>(kSecret.utf16()), kSecret.size() * 2);
    QVERIFY(!bytes.contains(utf16));
    QVERIFY(!bytes.contains(kSecret.toUtf8().toBase64()));
}

void TestProperties::unknownProperty()
{
    const Answer get = m_server->get(propertyPath(u"nonexistent"_s));
    QCOMPARE(get.status, 404);
    QCOMPARE(get.errorCode(), u"not-found"_s);
    QCOMPARE(m_server->put(propertyPath(u"nonexistent"_s), {{"value"_L1, 1}}).status, 404);
    QCOMPARE(m_server->get(u"/api/Things/NoSuchThing/Properties/string"_s).status, 404);
    QCOMPARE(m_server->get(u"/api/Things/NoSuchThing/Properties"_s).status, 404);
}

void TestProperties::badValueBody()
{
    // The value goes in {"value": …}; anything else is refused.
    const Answer noValue = m_server->put(propertyPath(u"integer"_s), {{"val"_L1, 1}});
    QCOMPARE(noValue.status, 400);
    QCOMPARE(noValue.errorCode(), u"bad-request"_s);
    const Answer extra =
        m_server->put(propertyPath(u"integer"_s), {{"value"_L1, 1}, {"unit"_L1, "m"_L1}});
    QCOMPARE(extra.status, 400);
    const Answer post = m_server->request(
        {"POST", propertyPath(u"integer"_s), jsonBody({{"value"_L1, 1}}), "application/json"});
    QCOMPARE(post.status, 405);
    QCOMPARE(post.header("Allow"), QByteArray("GET, PUT"));
}

void TestProperties::listsAllProperties()
{
    QCOMPARE(m_server->put(propertyPath(u"integer"_s), {{"value"_L1, 99}}).status, 200);
    const Answer answer = m_server->get(u"/api/Things/%1/Properties"_s.arg(kThing));
    QCOMPARE(answer.status, 200);
    const QJsonObject values = answer.json().value("values"_L1).toObject();
    const QJsonArray items = answer.json().value("items"_L1).toArray();
    QStringList names = values.keys();
    names.sort();
    QCOMPARE(names, (QStringList{u"boolean"_s, u"datetime"_s, u"integer"_s, u"json"_s, u"number"_s,
                                 u"password"_s, u"string"_s, u"withDefault"_s}));
    QCOMPARE(items.size(), 8);
    QCOMPARE(values.value("integer"_L1), QJsonValue(99));
    QCOMPARE(values.value("string"_L1), QJsonValue(kPlainMarker));
    // An unset property shows its default.
    QCOMPARE(values.value("withDefault"_L1), QJsonValue(7));
    for (const QJsonValue &item : items) {
        const QString name = item["name"_L1].toString();
        QCOMPARE(item["value"_L1], values.value(name));
        if (name == u"withDefault")
            QCOMPARE(item["baseType"_L1].toString(), u"INTEGER"_s);
        else
            QCOMPARE(item["baseType"_L1].toString(), name.toUpper());
        QCOMPARE(item.toObject().contains("isSet"_L1), name == u"password");
    }
}

QTEST_GUILESS_MAIN(TestProperties)
#include "tst_properties.moc"
