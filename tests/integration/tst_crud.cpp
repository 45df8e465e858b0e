// Create, read, update and delete over REST for every collection, and the
// request pipeline's refusals: names, methods, media type, size, JSON, paths.
#include "HeadlessServer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSslSocket>
#include <QTest>

using namespace BulwarkTest;

namespace {

QJsonObject propertyDefinition(const QString &name, const QString &baseType)
{
    return {{"name"_L1, name}, {"baseType"_L1, baseType}};
}

// name -> inheritedFrom ("" when declared by the entity itself).
QMap<QString, QString> propertyOrigins(const QJsonObject &entity)
{
    QMap<QString, QString> origins;
    for (const QJsonValue &p : entity.value("properties"_L1).toArray())
        origins.insert(p["name"_L1].toString(), p["inheritedFrom"_L1].toString());
    return origins;
}

QStringList itemNames(const Answer &answer)
{
    QStringList names;
    for (const QJsonValue &item : answer.json().value("items"_L1).toArray())
        names << item["name"_L1].toString();
    return names;
}

} // namespace

class TestCrud final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void things();
    void thingTemplates();
    void users();
    void groups();
    void organizations();
    void invalidNames_data();
    void invalidNames();
    void wrongMethods_data();
    void wrongMethods();
    void unsupportedMediaType();
    void bodyTooLarge();
    void hugeBodyIsCutOff();
    void invalidJson_data();
    void invalidJson();
    void unknownPaths_data();
    void unknownPaths();

private:
    std::unique_ptr<HeadlessServer> m_server;
};

void TestCrud::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestCrud::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestCrud::things()
{
    const Answer created =
        m_server->post(u"/api/Things"_s, {{"name"_L1, "Pump1"_L1}, {"description"_L1, "Main"_L1}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.header("Location"), QByteArray("/api/Things/Pump1"));
    QCOMPARE(created.json().value("name"_L1).toString(), u"Pump1"_s);
    QCOMPARE(created.json().value("description"_L1).toString(), u"Main"_s);
    QVERIFY(created.json().value("template"_L1).isNull());
    QVERIFY(!created.json().value("created"_L1).toString().isEmpty());

    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, "Pump1"_L1}}).status, 409);
    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, "Pump1"_L1}}).errorCode(),
             u"conflict"_s);
    QVERIFY(itemNames(m_server->get(u"/api/Things"_s)).contains(u"Pump1"_s));

    const Answer updated = m_server->put(u"/api/Things/Pump1"_s, {{"description"_L1, "Spare"_L1}});
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json().value("description"_L1).toString(), u"Spare"_s);
    QCOMPARE(m_server->get(u"/api/Things/Pump1"_s).json().value("description"_L1).toString(),
             u"Spare"_s);
    // Renaming through PUT is refused; updating a missing Thing is 404.
    QCOMPARE(m_server->put(u"/api/Things/Pump1"_s, {{"name"_L1, "Pump2"_L1}}).status, 400);
    QCOMPARE(m_server->put(u"/api/Things/Ghost"_s, {{"description"_L1, "x"_L1}}).status, 404);

    QCOMPARE(m_server->remove(u"/api/Things/Pump1"_s).status, 204);
    const Answer gone = m_server->get(u"/api/Things/Pump1"_s);
    QCOMPARE(gone.status, 404);
    QCOMPARE(gone.errorCode(), u"not-found"_s);
    QCOMPARE(m_server->remove(u"/api/Things/Pump1"_s).status, 404);
    QVERIFY(!itemNames(m_server->get(u"/api/Things"_s)).contains(u"Pump1"_s));
}

void TestCrud::thingTemplates()
{
    QJsonObject sensorProperty = propertyDefinition(u"temperature"_s, u"NUMBER"_s);
    sensorProperty.insert("defaultValue"_L1, 20.5);
    const Answer sensor =
        m_server->post(u"/api/ThingTemplates"_s,
                       {{"name"_L1, "Sensor"_L1}, {"properties"_L1, QJsonArray{sensorProperty}}});
    QCOMPARE(sensor.status, 201);
    QCOMPARE(propertyOrigins(sensor.json()), (QMap<QString, QString>{{u"temperature"_s, {}}}));

    const Answer derived = m_server->post(
        u"/api/ThingTemplates"_s,
        {{"name"_L1, "HumiditySensor"_L1},
         {"baseTemplate"_L1, "Sensor"_L1},
         {"properties"_L1, QJsonArray{propertyDefinition(u"humidity"_s, u"NUMBER"_s)}}});
    QCOMPARE(derived.status, 201);
    QCOMPARE(derived.json().value("baseTemplate"_L1).toString(), u"Sensor"_s);
    QCOMPARE(propertyOrigins(derived.json()),
             (QMap<QString, QString>{{u"humidity"_s, {}}, {u"temperature"_s, u"Sensor"_s}}));
    QCOMPARE(m_server->post(u"/api/ThingTemplates"_s, {{"name"_L1, "Sensor"_L1}}).status, 409);
    QCOMPARE(m_server
                 ->post(u"/api/ThingTemplates"_s,
                        {{"name"_L1, "Orphan"_L1}, {"baseTemplate"_L1, "NoSuchBase"_L1}})
                 .status,
             404);

    const Answer thing = m_server->post(
        u"/api/Things"_s,
        {{"name"_L1, "Probe1"_L1},
         {"template"_L1, "HumiditySensor"_L1},
         {"properties"_L1, QJsonArray{propertyDefinition(u"label"_s, u"STRING"_s)}}});
    QCOMPARE(thing.status, 201);
    QCOMPARE(thing.json().value("template"_L1).toString(), u"HumiditySensor"_s);
    const QMap<QString, QString> expected{
        {u"label"_s, {}}, {u"humidity"_s, u"HumiditySensor"_s}, {u"temperature"_s, u"Sensor"_s}};
    QCOMPARE(propertyOrigins(thing.json()), expected);
    QCOMPARE(propertyOrigins(m_server->get(u"/api/Things/Probe1"_s).json()), expected);
    // The inherited default comes along.
    for (const QJsonValue &p : thing.json().value("properties"_L1).toArray()) {
        if (p["name"_L1] == u"temperature"_s)
            QCOMPARE(p["defaultValue"_L1].toDouble(), 20.5);
    }
    // A Thing may not redeclare what its template declares.
    const Answer clash = m_server->post(
        u"/api/Things"_s,
        {{"name"_L1, "Probe2"_L1},
         {"template"_L1, "Sensor"_L1},
         {"properties"_L1, QJsonArray{propertyDefinition(u"temperature"_s, u"STRING"_s)}}});
    QCOMPARE(clash.status, 409);

    // Templates in use cannot go.
    const Answer usedByThing = m_server->remove(u"/api/ThingTemplates/HumiditySensor"_s);
    QCOMPARE(usedByThing.status, 409);
    QCOMPARE(usedByThing.errorCode(), u"conflict"_s);
    QCOMPARE(m_server->remove(u"/api/ThingTemplates/Sensor"_s).status, 409);
    QCOMPARE(m_server->remove(u"/api/Things/Probe1"_s).status, 204);
    QCOMPARE(m_server->remove(u"/api/ThingTemplates/HumiditySensor"_s).status, 204);
    QCOMPARE(m_server->remove(u"/api/ThingTemplates/Sensor"_s).status, 204);
    QCOMPARE(m_server->get(u"/api/ThingTemplates/Sensor"_s).status, 404);
}

void TestCrud::users()
{
    const QString secret = u"tundra-velvet-orbit-42"_s;
    const Answer created =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "alice"_L1}, {"password"_L1, secret}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.header("Location"), QByteArray("/api/Users/alice"));
    QCOMPARE(created.json().value("enabled"_L1).toBool(), true);
    QVERIFY(!created.json().contains("password"_L1));
    QVERIFY(!created.body.contains(secret.toUtf8()));

    const Answer fetched = m_server->get(u"/api/Users/alice"_s);
    QCOMPARE(fetched.status, 200);
    QVERIFY(!fetched.json().contains("password"_L1));
    const Answer list = m_server->get(u"/api/Users"_s);
    QCOMPARE(itemNames(list), (QStringList{kAdministrator, u"alice"_s}));
    QVERIFY(!list.body.contains("password"));
    QVERIFY(!list.body.contains("argon2"));

    const Answer shortPassword =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "bob"_L1}, {"password"_L1, "elevenchars"_L1}});
    QCOMPARE(shortPassword.status, 400);
    QCOMPARE(shortPassword.errorCode(), u"bad-request"_s);
    QCOMPARE(m_server->get(u"/api/Users/bob"_s).status, 404);
    QCOMPARE(m_server->post(u"/api/Users"_s, {{"name"_L1, "alice"_L1}}).status, 409);

    const Answer disabled = m_server->put(u"/api/Users/alice"_s, {{"enabled"_L1, false}});
    QCOMPARE(disabled.status, 200);
    QCOMPARE(disabled.json().value("enabled"_L1).toBool(), false);
    QCOMPARE(m_server->remove(u"/api/Users/Administrator"_s).status, 409);
    QCOMPARE(m_server->remove(u"/api/Users/alice"_s).status, 204);
    QCOMPARE(m_server->get(u"/api/Users/alice"_s).status, 404);
}

void TestCrud::groups()
{
    const QJsonObject admin{{"type"_L1, "User"_L1}, {"name"_L1, kAdministrator}};
    const Answer operators = m_server->post(
        u"/api/Groups"_s, {{"name"_L1, "Operators"_L1}, {"members"_L1, QJsonArray{admin}}});
    QCOMPARE(operators.status, 201);
    QCOMPARE(operators.json().value("members"_L1).toArray(), QJsonArray{admin});

    const QJsonObject operatorsMember{{"type"_L1, "Group"_L1}, {"name"_L1, "Operators"_L1}};
    const Answer staff = m_server->post(
        u"/api/Groups"_s, {{"name"_L1, "Staff"_L1}, {"members"_L1, QJsonArray{operatorsMember}}});
    QCOMPARE(staff.status, 201);
    QCOMPARE(m_server->get(u"/api/Groups/Staff"_s).json().value("members"_L1).toArray(),
             QJsonArray{operatorsMember});

    // Operators inside Staff inside Operators: a cycle.
    const QJsonObject staffMember{{"type"_L1, "Group"_L1}, {"name"_L1, "Staff"_L1}};
    const Answer cycle =
        m_server->put(u"/api/Groups/Operators"_s, {{"members"_L1, QJsonArray{admin, staffMember}}});
    QCOMPARE(cycle.status, 409);
    QCOMPARE(cycle.errorCode(), u"conflict"_s);
    QCOMPARE(m_server->get(u"/api/Groups/Operators"_s).json().value("members"_L1).toArray(),
             QJsonArray{admin});
    const Answer self =
        m_server->put(u"/api/Groups/Staff"_s, {{"members"_L1, QJsonArray{staffMember}}});
    QCOMPARE(self.status, 409);

    const QJsonObject nobody{{"type"_L1, "User"_L1}, {"name"_L1, "nobody"_L1}};
    const Answer unknown = m_server->post(
        u"/api/Groups"_s, {{"name"_L1, "Ghosts"_L1}, {"members"_L1, QJsonArray{nobody}}});
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), u"not-found"_s);
    QCOMPARE(m_server->get(u"/api/Groups/Ghosts"_s).status, 404);
    QCOMPARE(m_server->post(u"/api/Groups"_s, {{"name"_L1, "Staff"_L1}}).status, 409);
    QCOMPARE(m_server->remove(u"/api/Groups/Staff"_s).status, 204);
    QCOMPARE(m_server->remove(u"/api/Groups/Staff"_s).status, 404);
}

void TestCrud::organizations()
{
    const QJsonArray units{
        QJsonObject{{"name"_L1, "EMEA"_L1}, {"parent"_L1, "Sales"_L1}},
        QJsonObject{{"name"_L1, "Sales"_L1}, {"parent"_L1, "Acme"_L1}},
    };
    const Answer created =
        m_server->post(u"/api/Organizations"_s, {{"name"_L1, "Acme"_L1}, {"units"_L1, units}});
    QCOMPARE(created.status, 201);
    QMap<QString, QJsonValue> parents;
    for (const QJsonValue &unit :
         m_server->get(u"/api/Organizations/Acme"_s).json().value("units"_L1).toArray())
        parents.insert(unit["name"_L1].toString(), unit["parent"_L1]);
    QCOMPARE(parents.size(), 3);
    QVERIFY(parents.value(u"Acme"_s).isNull());
    QCOMPARE(parents.value(u"Sales"_s).toString(), u"Acme"_s);
    QCOMPARE(parents.value(u"EMEA"_s).toString(), u"Sales"_s);

    const Answer orphan = m_server->post(
        u"/api/Organizations"_s,
        {{"name"_L1, "Beta"_L1},
         {"units"_L1,
          QJsonArray{QJsonObject{{"name"_L1, "Ops"_L1}, {"parent"_L1, "Nowhere"_L1}}}}});
    QCOMPARE(orphan.status, 400);
    QCOMPARE(orphan.errorCode(), u"bad-request"_s);
    QCOMPARE(m_server->get(u"/api/Organizations/Beta"_s).status, 404);
    QCOMPARE(m_server->post(u"/api/Organizations"_s, {{"name"_L1, "Acme"_L1}}).status, 409);
    QCOMPARE(m_server->remove(u"/api/Organizations/Acme"_s).status, 204);
    QCOMPARE(m_server->get(u"/api/Organizations/Acme"_s).status, 404);
}

void TestCrud::invalidNames_data()
{
    QTest::addColumn<QString>("collection");
    QTest::addColumn<QJsonValue>("name");
    const QStringList collections{u"Things"_s, u"ThingTemplates"_s, u"Users"_s, u"Groups"_s,
                                  u"Organizations"_s};
    for (const QString &collection : collections) {
        const QByteArray tag = collection.toLatin1();
        QTest::addRow("%s: space", tag.constData()) << collection << QJsonValue(u"bad name"_s);
        QTest::addRow("%s: empty", tag.constData()) << collection << QJsonValue(QString());
        QTest::addRow("%s: 200 chars", tag.constData())
            << collection << QJsonValue(QString(200, u'a'));
        QTest::addRow("%s: leading dot", tag.constData()) << collection << QJsonValue(u".hidden"_s);
        QTest::addRow("%s: slash", tag.constData()) << collection << QJsonValue(u"a/b"_s);
    }
}

void TestCrud::invalidNames()
{
    QFETCH(QString, collection);
    QFETCH(QJsonValue, name);
    QJsonObject body{{"name"_L1, name}};
    if (collection == u"Users")
        body.insert("password"_L1, kAdminPassword);
    const Answer answer = m_server->post(u"/api/"_s + collection, body);
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.errorCode(), u"invalid-name"_s);
}

void TestCrud::wrongMethods_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("allow");
    QTest::newRow("PATCH Things") << QByteArray("PATCH") << u"/api/Things"_s
                                  << QByteArray("GET, POST");
    QTest::newRow("DELETE Things")
        << QByteArray("DELETE") << u"/api/Things"_s << QByteArray("GET, POST");
    QTest::newRow("DELETE ThingTemplates")
        << QByteArray("DELETE") << u"/api/ThingTemplates"_s << QByteArray("GET, POST");
    QTest::newRow("DELETE Users") << QByteArray("DELETE") << u"/api/Users"_s
                                  << QByteArray("GET, POST");
    QTest::newRow("PATCH Groups") << QByteArray("PATCH") << u"/api/Groups"_s
                                  << QByteArray("GET, POST");
    QTest::newRow("DELETE Organizations")
        << QByteArray("DELETE") << u"/api/Organizations"_s << QByteArray("GET, POST");
    QTest::newRow("PATCH a Thing")
        << QByteArray("PATCH") << u"/api/Things/X"_s << QByteArray("GET, PUT, DELETE");
    QTest::newRow("DELETE health") << QByteArray("DELETE") << u"/api/health"_s << QByteArray("GET");
    QTest::newRow("DELETE properties")
        << QByteArray("DELETE") << u"/api/Things/X/Properties"_s << QByteArray("GET");
}

void TestCrud::wrongMethods()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, allow);
    const Answer answer = m_server->request({verb, path});
    QCOMPARE(answer.status, 405);
    QCOMPARE(answer.header("Allow"), allow);
    QCOMPARE(answer.errorCode(), u"method-not-allowed"_s);
}

void TestCrud::unsupportedMediaType()
{
    const QByteArray body = jsonBody({{"name"_L1, "Typed"_L1}});
    for (const QByteArray &type :
         {QByteArray(), QByteArray("text/plain"), QByteArray("application/xml")}) {
        const Answer answer = m_server->request({"POST", u"/api/Things"_s, body, type});
        QCOMPARE(answer.status, 415);
        QCOMPARE(answer.errorCode(), u"unsupported-media-type"_s);
    }
    // A charset parameter is fine.
    const Answer withCharset =
        m_server->request({"POST", u"/api/Things"_s, body, "application/json; charset=utf-8"});
    QCOMPARE(withCharset.status, 201);
    QCOMPARE(m_server->get(u"/api/Things/Typed"_s).status, 200);
}

void TestCrud::bodyTooLarge()
{
    // Valid JSON, one byte over 1 MiB.
    const QByteArray prefix = R"({"name":"Big","description":")";
    const QByteArray suffix = R"("})";
    const qsizetype fill = 1024 * 1024 + 1 - prefix.size() - suffix.size();
    const QByteArray body = prefix + QByteArray(fill, 'x') + suffix;
    QCOMPARE(body.size(), 1024 * 1024 + 1);
    const Answer answer = m_server->request({"POST", u"/api/Things"_s, body, "application/json"});
    QCOMPARE(answer.status, 413);
    QCOMPARE(answer.errorCode(), u"payload-too-large"_s);
    QCOMPARE(m_server->get(u"/api/Things/Big"_s).status, 404);
}

void TestCrud::hugeBodyIsCutOff()
{
    // Announces 64 MiB and sends 8 MiB without credentials: the server must
    // answer 413 and close long before the body is complete, instead of
    // buffering it (it would wait for all 64 MiB before answering).
    RawConnection raw(*m_server);
    QVERIFY(raw.waitForEncrypted());
    QSslSocket &socket = raw.socket;
    const QByteArray &received = raw.received;
    socket.write("POST /api/Things HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Content-Type: application/json\r\nContent-Length: 67108864\r\n\r\n");
    const QByteArray chunk(256 * 1024, 'x');
    for (int i = 0; i < 32 && socket.state() == QAbstractSocket::ConnectedState; ++i) {
        socket.write(chunk);
        socket.waitForBytesWritten(2000);
        QCoreApplication::processEvents();
    }
    QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState ||
                                 received.contains("payload-too-large"),
                             10000);
    QVERIFY2(received.startsWith("HTTP/1.1 413"), received.left(200).constData());
    QVERIFY(received.contains("payload-too-large"));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 10000);
    // Others are still served.
    QCOMPARE(m_server->get(u"/api/health"_s).status, 200);
}

void TestCrud::invalidJson_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("truncated") << QByteArray(R"({"name":"Broken")");
    QTest::newRow("not json") << QByteArray("name=Broken");
    QTest::newRow("array") << QByteArray(R"([{"name":"Broken"}])");
    QTest::newRow("empty") << QByteArray();
}

void TestCrud::invalidJson()
{
    QFETCH(QByteArray, body);
    const Answer answer = m_server->request({"POST", u"/api/Things"_s, body, "application/json"});
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.errorCode(), u"bad-request"_s);
}

void TestCrud::unknownPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("unknown collection") << u"/api/Widgets"_s;
    QTest::newRow("unknown collection item") << u"/api/Widgets/W1"_s;
    QTest::newRow("outside /api") << u"/index.html"_s;
    QTest::newRow("root") << u"/"_s;
    QTest::newRow("too deep") << u"/api/Things/X/Properties/p/extra"_s;
}

void TestCrud::unknownPaths()
{
    QFETCH(QString, path);
    const Answer answer = m_server->get(path);
    QCOMPARE(answer.status, 404);
    QCOMPARE(answer.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(answer.errorCode(), u"not-found"_s);
}

QTEST_GUILESS_MAIN(TestCrud)
#include "tst_crud.moc"
