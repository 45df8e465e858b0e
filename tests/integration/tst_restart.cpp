// Data, certificate and the Administrator password survive a SIGTERM and a
// start on the same data directory; BULWARK_ADMIN_PASSWORD only counts at the
// very first start.
#include "HeadlessServer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace BulwarkTest;

namespace {
const QString kSecret = u"restart-Secret-Value-77"_s;
const QString kOtherPassword = u"a-different-admin-password"_s;
} // namespace

class TestRestart final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void createData();
    void restartKeepsData();
    void adminPasswordFromFirstStartStays();
    void missingMasterKeyIsRefused();

private:
    std::unique_ptr<HeadlessServer> m_server;
    QString m_fingerprint;
};

void TestRestart::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY(m_server->log().contains(u"Created the Administrator user"_s));
    m_fingerprint = m_server->fingerprint();
}

void TestRestart::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestRestart::createData()
{
    const QJsonArray templateProperties{
        QJsonObject{{"name"_L1, "serial"_L1}, {"baseType"_L1, "STRING"_L1}}};
    QCOMPARE(m_server
                 ->post(u"/api/ThingTemplates"_s,
                        {{"name"_L1, "Meter"_L1}, {"properties"_L1, templateProperties}})
                 .status,
             201);
    const QJsonArray properties{
        QJsonObject{{"name"_L1, "reading"_L1}, {"baseType"_L1, "NUMBER"_L1}},
        QJsonObject{{"name"_L1, "apiKey"_L1}, {"baseType"_L1, "PASSWORD"_L1}}};
    QCOMPARE(m_server
                 ->post(u"/api/Things"_s, {{"name"_L1, "Meter1"_L1},
                                           {"description"_L1, "Basement"_L1},
                                           {"template"_L1, "Meter"_L1},
                                           {"properties"_L1, properties}})
                 .status,
             201);
    QCOMPARE(m_server->put(u"/api/Things/Meter1/Properties/reading"_s, {{"value"_L1, 12.5}}).status,
             200);
    QCOMPARE(
        m_server->put(u"/api/Things/Meter1/Properties/serial"_s, {{"value"_L1, "SN-1"_L1}}).status,
        200);
    QCOMPARE(
        m_server->put(u"/api/Things/Meter1/Properties/apiKey"_s, {{"value"_L1, kSecret}}).status,
        200);
    QCOMPARE(m_server
                 ->post(u"/api/Users"_s,
                        {{"name"_L1, "carol"_L1}, {"password"_L1, "marble-quiet-harbor-7"_L1}})
                 .status,
             201);
    const QJsonArray members{QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "carol"_L1}}};
    QCOMPARE(m_server->post(u"/api/Groups"_s, {{"name"_L1, "Readers"_L1}, {"members"_L1, members}})
                 .status,
             201);
    QCOMPARE(m_server->stop(), 0);
}

void TestRestart::restartKeepsData()
{
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    // Same certificate, no second Administrator.
    QCOMPARE(m_server->fingerprint(), m_fingerprint);
    QVERIFY(!m_server->log().contains(u"Created the Administrator user"_s));

    const Answer thing = m_server->get(u"/api/Things/Meter1"_s);
    QCOMPARE(thing.status, 200);
    QCOMPARE(thing.json().value("description"_L1).toString(), u"Basement"_s);
    QCOMPARE(thing.json().value("template"_L1).toString(), u"Meter"_s);
    const Answer values = m_server->get(u"/api/Things/Meter1/Properties"_s);
    QCOMPARE(values.status, 200);
    const QJsonObject map = values.json().value("values"_L1).toObject();
    QCOMPARE(map.value("reading"_L1), QJsonValue(12.5));
    QCOMPARE(map.value("serial"_L1), QJsonValue(u"SN-1"_s));
    const Answer apiKey = m_server->get(u"/api/Things/Meter1/Properties/apiKey"_s);
    QCOMPARE(apiKey.json().value("isSet"_L1), QJsonValue(true));
    QCOMPARE(apiKey.json().value("value"_L1).toString(), u"********"_s); // a mask, never the value

    QCOMPARE(m_server->get(u"/api/Users/carol"_s).status, 200);
    const QJsonArray members{QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "carol"_L1}}};
    QCOMPARE(m_server->get(u"/api/Groups/Readers"_s).json().value("members"_L1).toArray(), members);
    // The built-in group exists once.
    const Answer groups = m_server->get(u"/api/Groups"_s);
    QCOMPARE(groups.json().value("items"_L1).toArray().size(), 2);
    QCOMPARE(m_server->stop(), 0);
}

void TestRestart::adminPasswordFromFirstStartStays()
{
    m_server->setAdminPassword(kOtherPassword);
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    QVERIFY(!m_server->log().contains(u"Created the Administrator user"_s));
    // The password of the first start still signs in...
    QCOMPARE(m_server->get(u"/api/Things/Meter1"_s).status, 200);
    // ...and the new environment variable does not.
    const Answer other =
        m_server->request(Request("GET", u"/api/Things/Meter1"_s)
                              .withCredentials(Credentials{kAdministrator, kOtherPassword}));
    QCOMPARE(other.status, 401);
    QCOMPARE(other.errorCode(), u"unauthorized"_s);
}

void TestRestart::missingMasterKeyIsRefused()
{
    // With data encrypted under it, a lost key file must stop the start, not
    // be silently replaced by a new key that opens nothing.
    QCOMPARE(m_server->stop(), 0);
    const QString key = m_server->dataDir() + u"/master.key"_s;
    const QString aside = m_server->dataDir() + u"/master.key.aside"_s;
    QVERIFY(QFile::rename(key, aside));
    QVERIFY(!m_server->start());
    QVERIFY2(m_server->log().contains(u"master key file"_s) &&
                 m_server->log().contains(u"is missing"_s),
             qPrintable(m_server->log()));
    QVERIFY(!QFile::exists(key));

    // Restored, everything opens again, the secret included.
    QVERIFY(QFile::rename(aside, key));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const Answer secret = m_server->get(u"/api/Things/Meter1/Properties/apiKey"_s);
    QCOMPARE(secret.status, 200);
    QCOMPARE(secret.json().value("isSet"_L1).toBool(), true);
}

QTEST_GUILESS_MAIN(TestRestart)
#include "tst_restart.moc"
