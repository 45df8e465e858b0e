// Application keys over REST against the real server: the secret shown once,
// use through the appKey header and Authorization: Bearer with exactly the
// key user's rights, the IP allowlist, disabled and expired keys, who may see
// and manage which keys, the audit record of a use from a new address, and
// keys going with their user.
#include "HeadlessServer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QSslSocket>
#include <QTest>
#include <QUrlQuery>

using namespace BulwarkTest;

namespace {

// Passwords the policy accepts: long, no dictionary words, no user names.
const QString kServicePassword = u"Tq9-vWx4-Lm7z-Rb2k"_s;
const QString kOtherPassword = u"Hj3%kPz8-Qv6!nRw2"_s;
const Credentials kService{u"svc"_s, kServicePassword};

enum class Via
{
    AppKeyHeader,
    Bearer,
};

Request withKey(Request request, const QByteArray &secret, Via via = Via::AppKeyHeader)
{
    if (via == Via::Bearer)
        return request.withBearer(secret);
    return request.withCredentials(std::nullopt).withHeader("appKey", secret);
}

QStringList namesOf(const Answer &list)
{
    QStringList names;
    for (const QJsonValue &item : list.json().value("items"_L1).toArray())
        names << item.toObject().value("name"_L1).toString();
    return names;
}

} // namespace

Q_DECLARE_METATYPE(Via)

class TestAppKeysRest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void createShowsSecretOnce();
    void keyActsAsItsUser_data();
    void keyActsAsItsUser();
    void useIsRecorded();
    void sharedKeyIsAuditedOncePerAddress();
    void wrongSecretsAreRefused();
    void allowlistRefusesOtherAddresses();
    void disabledKeyIsRefused();
    void keyOfDisabledUserIsRefused();
    void expiredKeyIsRefused();
    void keyCannotManageKeys();
    void usersSeeOnlyTheirOwnKeys();
    void expiryIsBounded();
    void deletingUserDeletesKeys();

private:
    // Creates a key as the Administrator; the secret, or empty on failure.
    QByteArray createKey(const QJsonObject &fields, Answer *answer = nullptr);

    std::unique_ptr<HeadlessServer> m_server;
    QByteArray m_secret; // of "svc-key", acting as svc
};

void TestAppKeysRest::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const Answer user =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "svc"_L1}, {"password"_L1, kServicePassword}});
    QVERIFY2(user.status == 201, user.body.constData());
    QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, "Pump"_L1}}).status, 201);
}

void TestAppKeysRest::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

QByteArray TestAppKeysRest::createKey(const QJsonObject &fields, Answer *answer)
{
    const Answer created = m_server->post(u"/api/ApplicationKeys"_s, fields);
    if (answer)
        *answer = created;
    if (created.status != 201)
        qWarning().noquote() << "Creating a key answered" << created.status << created.body;
    return created.json().value("secret"_L1).toString().toLatin1();
}

void TestAppKeysRest::createShowsSecretOnce()
{
    const QDateTime before = QDateTime::currentDateTimeUtc();
    Answer created;
    m_secret = createKey({{"name"_L1, "svc-key"_L1},
                          {"description"_L1, "for the pump script"_L1},
                          {"user"_L1, "svc"_L1},
                          {"expiresInSeconds"_L1, 3600},
                          {"ipAllowlist"_L1, QJsonArray{u"127.0.0.0/8"_s, u"::1"_s}}},
                         &created);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.header("Location"), QByteArray("/api/ApplicationKeys/svc-key"));
    QVERIFY(created.header("Cache-Control").contains("no-store"));
    // 256 bits, base64url, prefixed.
    static const QRegularExpression secretShape(u"^bwk_[A-Za-z0-9_-]{43}$"_s);
    QVERIFY2(secretShape.match(QString::fromLatin1(m_secret)).hasMatch(), m_secret.constData());
    const QJsonObject key = created.json();
    QCOMPARE(key.value("name"_L1).toString(), u"svc-key"_s);
    QCOMPARE(key.value("user"_L1).toString(), u"svc"_s);
    QCOMPARE(key.value("enabled"_L1).toBool(false), true);
    QCOMPARE(key.value("expired"_L1).toBool(true), false);
    QVERIFY(key.value("lastUsed"_L1).isNull());
    QVERIFY(!key.value("note"_L1).toString().isEmpty());
    const QDateTime expires =
        QDateTime::fromString(key.value("expires"_L1).toString(), Qt::ISODateWithMs);
    QVERIFY(expires >= before.addSecs(3600 - 60));
    QVERIFY(expires <= QDateTime::currentDateTimeUtc().addSecs(3600 + 60));
    QCOMPARE(key.value("ipAllowlist"_L1).toArray().size(), 2);

    // Never again: not the key, not the list.
    const Answer fetched = m_server->get(u"/api/ApplicationKeys/svc-key"_s);
    QCOMPARE(fetched.status, 200);
    QVERIFY(!fetched.json().contains("secret"_L1));
    QVERIFY(!fetched.body.contains(m_secret));
    QVERIFY(!fetched.body.contains(m_secret.mid(4)));
    QCOMPARE(fetched.json().value("user"_L1).toString(), u"svc"_s);
    const Answer list = m_server->get(u"/api/ApplicationKeys"_s);
    QCOMPARE(list.status, 200);
    QVERIFY(namesOf(list).contains(u"svc-key"_s));
    QVERIFY(!list.body.contains(m_secret.mid(4)));
    for (const QJsonValue &item : list.json().value("items"_L1).toArray())
        QVERIFY(!item.toObject().contains("secret"_L1));

    // The client does not choose the secret, nor a duplicate name.
    const Answer chosen =
        m_server->post(u"/api/ApplicationKeys"_s,
                       {{"name"_L1, "chosen"_L1}, {"secret"_L1, QString::fromLatin1(m_secret)}});
    QCOMPARE(chosen.status, 400);
    QCOMPARE(m_server->post(u"/api/ApplicationKeys"_s, {{"name"_L1, "svc-key"_L1}}).status, 409);
    // Nor a key for a user that does not exist.
    const Answer nobody = m_server->post(u"/api/ApplicationKeys"_s,
                                         {{"name"_L1, "ghost"_L1}, {"user"_L1, "nobody"_L1}});
    QCOMPARE(nobody.status, 400);
    QVERIFY2(nobody.errorMessage().contains(u"nobody"_s), qPrintable(nobody.errorMessage()));
}

void TestAppKeysRest::keyActsAsItsUser_data()
{
    QTest::addColumn<Via>("via");
    QTest::newRow("appKey header") << Via::AppKeyHeader;
    QTest::newRow("Authorization: Bearer") << Via::Bearer;
}

void TestAppKeysRest::keyActsAsItsUser()
{
    QFETCH(Via, via);
    QVERIFY(!m_secret.isEmpty());
    const Answer info = m_server->request(withKey({"GET", u"/api/auth/session"_s}, m_secret, via));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value("user"_L1).toString(), u"svc"_s);
    QCOMPARE(info.json().value("method"_L1).toString(), u"appkey"_s);
    QCOMPARE(info.json().value("appKey"_L1).toString(), u"svc-key"_s);
    QCOMPARE(info.json().value("administrator"_L1).toBool(true), false);

    // svc's rights, no more: its own user, but not the things nor the users.
    const Answer self = m_server->request(withKey({"GET", u"/api/Users/svc"_s}, m_secret, via));
    QCOMPARE(self.status, 200);
    // Nothing is granted to svc: the Thing does not exist for it, lists show
    // only its own user.
    const Answer things = m_server->request(withKey({"GET", u"/api/Things"_s}, m_secret, via));
    QCOMPARE(things.status, 200);
    QVERIFY(things.json().value("items"_L1).toArray().isEmpty());
    QCOMPARE(m_server->request(withKey({"GET", u"/api/Things/Pump"_s}, m_secret, via)).status, 404);
    const Answer users = m_server->request(withKey({"GET", u"/api/Users"_s}, m_secret, via));
    QCOMPARE(users.json().value("items"_L1).toArray().size(), 1);
    QCOMPARE(m_server->request(withKey({"GET", u"/api/Audit"_s}, m_secret, via)).status, 403);
    const Answer write = m_server->request(withKey(
        {"POST", u"/api/Things"_s, jsonBody({{"name"_L1, "Minted"_L1}}), "application/json"},
        m_secret, via));
    QCOMPARE(write.status, 403);
    QCOMPARE(m_server->get(u"/api/Things/Minted"_s).status, 404);
    // An app key has no session to end, and cannot change the password.
    QCOMPARE(m_server->request(withKey({"POST", u"/api/auth/logout"_s}, m_secret, via)).status,
             400);
    const Answer password = m_server->request(withKey(
        {"POST", u"/api/auth/password"_s,
         jsonBody({{"currentPassword"_L1, kServicePassword}, {"newPassword"_L1, kOtherPassword}}),
         "application/json"},
        m_secret, via));
    QCOMPARE(password.status, 403);
}

void TestAppKeysRest::useIsRecorded()
{
    QVERIFY(!m_secret.isEmpty());
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, m_secret)).status, 200);
    const Answer key = m_server->get(u"/api/ApplicationKeys/svc-key"_s);
    QCOMPARE(key.status, 200);
    QCOMPARE(key.json().value("lastAddress"_L1).toString(), u"127.0.0.1"_s);
    const QDateTime lastUsed =
        QDateTime::fromString(key.json().value("lastUsed"_L1).toString(), Qt::ISODateWithMs);
    QVERIFY2(lastUsed.isValid(), key.body.constData());
    QVERIFY(qAbs(lastUsed.secsTo(QDateTime::currentDateTimeUtc())) < 600);

    // The first use from 127.0.0.1 is in the audit log, once.
    QUrlQuery query;
    query.addQueryItem(u"category"_s, u"appkey"_s);
    query.addQueryItem(u"entity"_s, u"ApplicationKeys/svc-key"_s);
    const Answer audit = m_server->get(u"/api/Audit?"_s + query.toString(QUrl::FullyEncoded));
    QVERIFY2(audit.status == 200, audit.body.constData());
    int fromNewAddress = 0;
    for (const QJsonValue &value : audit.json().value("items"_L1).toArray()) {
        const QJsonObject record = value.toObject();
        if (record.value("action"_L1).toString() != u"use-from-new-address")
            continue;
        ++fromNewAddress;
        QCOMPARE(record.value("actor"_L1).toString(), u"svc"_s);
        QCOMPARE(record.value("source"_L1).toString(), u"127.0.0.1"_s);
        QCOMPARE(record.value("outcome"_L1).toString(), u"success"_s);
        QCOMPARE(record.value("entity"_L1).toString(), u"ApplicationKeys/svc-key"_s);
    }
    QVERIFY2(fromNewAddress == 1, audit.body.constData());
    // The secret never reaches the audit log.
    const Answer all = m_server->get(u"/api/Audit?limit=1000"_s);
    QCOMPARE(all.status, 200);
    QVERIFY(!all.body.contains(m_secret.mid(4)));
}

void TestAppKeysRest::sharedKeyIsAuditedOncePerAddress()
{
    // Devices behind two addresses share the key and alternate: each
    // address is audited once, not every switch between them.
    QVERIFY(!m_secret.isEmpty());
    const auto useFrom = [this](const QString &from) {
        QSslSocket socket;
        socket.setSslConfiguration(m_server->sslConfiguration());
        if (!socket.bind(QHostAddress(from)))
            return 0;
        socket.connectToHostEncrypted(u"127.0.0.1"_s, m_server->port());
        if (!socket.waitForEncrypted(kTimeoutMs))
            return 0;
        socket.write("GET /api/auth/session HTTP/1.1\r\nHost: 127.0.0.1\r\nappKey: " + m_secret +
                     "\r\n\r\n");
        QByteArray answer;
        while (!answer.contains("\r\n\r\n") && socket.waitForReadyRead(kTimeoutMs))
            answer += socket.readAll();
        return answer.mid(9, 3).toInt();
    };
    for (int round = 0; round < 4; ++round) {
        QCOMPARE(useFrom(u"127.0.0.2"_s), 200);
        QCOMPARE(useFrom(u"127.0.0.3"_s), 200);
    }
    QUrlQuery query;
    query.addQueryItem(u"category"_s, u"appkey"_s);
    query.addQueryItem(u"entity"_s, u"ApplicationKeys/svc-key"_s);
    const Answer audit = m_server->get(u"/api/Audit?"_s + query.toString(QUrl::FullyEncoded));
    QVERIFY2(audit.status == 200, audit.body.constData());
    QMap<QString, int> perAddress;
    for (const QJsonValue &value : audit.json().value("items"_L1).toArray()) {
        const QJsonObject record = value.toObject();
        if (record.value("action"_L1).toString() == u"use-from-new-address")
            ++perAddress[record.value("source"_L1).toString()];
    }
    QCOMPARE(perAddress.value(u"127.0.0.2"_s), 1);
    QCOMPARE(perAddress.value(u"127.0.0.3"_s), 1);
    // The stored last use follows the newly seen address.
    const Answer key = m_server->get(u"/api/ApplicationKeys/svc-key"_s);
    QVERIFY(key.json().value("lastAddress"_L1).toString().startsWith(u"127.0.0."_s));
}

void TestAppKeysRest::wrongSecretsAreRefused()
{
    QVERIFY(!m_secret.isEmpty());
    QByteArray altered = m_secret;
    altered[altered.size() - 1] = altered.endsWith('A') ? 'B' : 'A';
    for (const QByteArray &secret :
         {altered, QByteArray("bwk_short"), QByteArray("not-a-key"), QByteArray(m_secret + "x")}) {
        const Answer answer = m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret));
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.errorCode(), u"unauthorized"_s);
        const Answer bearer =
            m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret, Via::Bearer));
        QCOMPARE(bearer.status, 401);
    }
}

void TestAppKeysRest::allowlistRefusesOtherAddresses()
{
    const QByteArray secret = createKey({{"name"_L1, "far-away"_L1},
                                         {"user"_L1, "svc"_L1},
                                         {"expiresInSeconds"_L1, 3600},
                                         {"ipAllowlist"_L1, QJsonArray{u"10.0.0.0/8"_s}}});
    QVERIFY(!secret.isEmpty());
    const Answer refused = m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret));
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.errorMessage().contains(u"address"_s), qPrintable(refused.errorMessage()));
    QVERIFY2(refused.errorMessage().contains(u"far-away"_s), qPrintable(refused.errorMessage()));
    // A refused use is not a use.
    QVERIFY(m_server->get(u"/api/ApplicationKeys/far-away"_s).json().value("lastUsed"_L1).isNull());

    // Widened to loopback, the same key works.
    const Answer widened =
        m_server->put(u"/api/ApplicationKeys/far-away"_s,
                      {{"ipAllowlist"_L1, QJsonArray{u"10.0.0.0/8"_s, u"127.0.0.1"_s}}});
    QVERIFY2(widened.status == 200, widened.body.constData());
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 200);

    // A malformed allowlist entry is refused with the entry named.
    const Answer malformed = m_server->put(u"/api/ApplicationKeys/far-away"_s,
                                           {{"ipAllowlist"_L1, QJsonArray{u"10.0.0.0/33"_s}}});
    QCOMPARE(malformed.status, 400);
    QVERIFY2(malformed.errorMessage().contains(u"10.0.0.0/33"_s),
             qPrintable(malformed.errorMessage()));
}

void TestAppKeysRest::disabledKeyIsRefused()
{
    const QByteArray secret = createKey(
        {{"name"_L1, "switchable"_L1}, {"user"_L1, "svc"_L1}, {"expiresInSeconds"_L1, 3600}});
    QVERIFY(!secret.isEmpty());
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 200);
    QCOMPARE(m_server->put(u"/api/ApplicationKeys/switchable"_s, {{"enabled"_L1, false}}).status,
             200);
    const Answer refused = m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret));
    QCOMPARE(refused.status, 401);
    QVERIFY2(refused.errorMessage().contains(u"disabled"_s), qPrintable(refused.errorMessage()));
    QCOMPARE(m_server->put(u"/api/ApplicationKeys/switchable"_s, {{"enabled"_L1, true}}).status,
             200);
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 200);
}

void TestAppKeysRest::keyOfDisabledUserIsRefused()
{
    const Answer user =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "robot"_L1}, {"password"_L1, kOtherPassword}});
    QCOMPARE(user.status, 201);
    const QByteArray secret = createKey(
        {{"name"_L1, "robot-key"_L1}, {"user"_L1, "robot"_L1}, {"expiresInSeconds"_L1, 3600}});
    QVERIFY(!secret.isEmpty());
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 200);
    QCOMPARE(m_server->put(u"/api/Users/robot"_s, {{"enabled"_L1, false}}).status, 200);
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 401);
    QCOMPARE(m_server->put(u"/api/Users/robot"_s, {{"enabled"_L1, true}}).status, 200);
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 200);
}

void TestAppKeysRest::expiredKeyIsRefused()
{
    constexpr qint64 lifetimeMs = 3000;
    QElapsedTimer clock;
    clock.start();
    const QByteArray secret = createKey(
        {{"name"_L1, "short-lived"_L1}, {"user"_L1, "svc"_L1}, {"expiresInSeconds"_L1, 3}});
    QVERIFY(!secret.isEmpty());
    const qint64 createdBy = clock.elapsed(); // the key was made before this
    // Timing bounds from the client's clock: the key was made after the
    // clock started and before the answer came.
    bool refused = false;
    while (!refused && clock.elapsed() < 30000) {
        const qint64 sent = clock.elapsed();
        const Answer answer = m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret));
        const qint64 received = clock.elapsed();
        if (received < lifetimeMs - 500) {
            QCOMPARE(answer.status, 200);
        } else if (sent > createdBy + lifetimeMs + 1000) {
            QCOMPARE(answer.status, 401);
            QVERIFY2(answer.errorMessage().contains(u"expired"_s),
                     qPrintable(answer.errorMessage()));
            QVERIFY2(answer.errorMessage().contains(u"short-lived"_s),
                     qPrintable(answer.errorMessage()));
            refused = true;
        } else {
            QVERIFY(answer.status == 200 || answer.status == 401);
        }
        if (!refused)
            QTest::qWait(500);
    }
    QVERIFY(refused);
    const Answer key = m_server->get(u"/api/ApplicationKeys/short-lived"_s);
    QCOMPARE(key.status, 200);
    QCOMPARE(key.json().value("expired"_L1).toBool(false), true);
    // Prolonging it through the API (as the Administrator) is possible.
    QCOMPARE(
        m_server->put(u"/api/ApplicationKeys/short-lived"_s, {{"expiresInSeconds"_L1, 600}}).status,
        200);
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 200);
}

void TestAppKeysRest::keyCannotManageKeys()
{
    QVERIFY(!m_secret.isEmpty());
    // Else a key could mint a key without its expiry or allowlist.
    const Answer mint =
        m_server->request(withKey({"POST", u"/api/ApplicationKeys"_s,
                                   jsonBody({{"name"_L1, "minted"_L1}}), "application/json"},
                                  m_secret));
    QCOMPARE(mint.status, 403);
    QVERIFY2(mint.errorMessage().contains(u"application key"_s, Qt::CaseInsensitive),
             qPrintable(mint.errorMessage()));
    QCOMPARE(m_server->get(u"/api/ApplicationKeys/minted"_s).status, 404);
    const Answer prolong =
        m_server->request(withKey({"PUT", u"/api/ApplicationKeys/svc-key"_s,
                                   jsonBody({{"expiresInSeconds"_L1, 999999}}), "application/json"},
                                  m_secret, Via::Bearer));
    QCOMPARE(prolong.status, 403);
    QCOMPARE(
        m_server->request(withKey({"DELETE", u"/api/ApplicationKeys/svc-key"_s}, m_secret)).status,
        403);
    QCOMPARE(m_server->get(u"/api/ApplicationKeys/svc-key"_s).status, 200);
    // Reading its own keys is fine.
    const Answer own = m_server->request(withKey({"GET", u"/api/ApplicationKeys"_s}, m_secret));
    QCOMPARE(own.status, 200);
    QVERIFY(namesOf(own).contains(u"svc-key"_s));
}

void TestAppKeysRest::usersSeeOnlyTheirOwnKeys()
{
    QVERIFY(!createKey({{"name"_L1, "admin-key"_L1}, {"expiresInSeconds"_L1, 3600}}).isEmpty());
    QCOMPARE(m_server->get(u"/api/ApplicationKeys/admin-key"_s).json().value("user"_L1).toString(),
             kAdministrator);

    // svc makes one for itself, with Basic.
    const Answer own = m_server->request(
        Request("POST", u"/api/ApplicationKeys"_s,
                jsonBody({{"name"_L1, "svc-own"_L1}, {"expiresInSeconds"_L1, 600}}),
                "application/json")
            .withCredentials(kService));
    QCOMPARE(own.status, 201);
    QCOMPARE(own.json().value("user"_L1).toString(), u"svc"_s);
    // … but not for anyone else.
    const Answer forAdmin = m_server->request(
        Request("POST", u"/api/ApplicationKeys"_s,
                jsonBody({{"name"_L1, "svc-for-admin"_L1}, {"user"_L1, kAdministrator}}),
                "application/json")
            .withCredentials(kService));
    QCOMPARE(forAdmin.status, 403);

    const Answer list =
        m_server->request(Request("GET", u"/api/ApplicationKeys"_s).withCredentials(kService));
    QCOMPARE(list.status, 200);
    const QStringList names = namesOf(list);
    QVERIFY(names.contains(u"svc-own"_s));
    QVERIFY(names.contains(u"svc-key"_s));
    QVERIFY(!names.contains(u"admin-key"_s));
    for (const QJsonValue &item : list.json().value("items"_L1).toArray())
        QCOMPARE(item.toObject().value("user"_L1).toString(), u"svc"_s);
    const Answer asked = m_server->request(
        Request("GET", u"/api/ApplicationKeys?user=Administrator"_s).withCredentials(kService));
    QCOMPARE(asked.status, 200);
    QVERIFY(namesOf(asked).isEmpty());

    // Someone else's key looks exactly like a missing one.
    const Answer other = m_server->request(
        Request("GET", u"/api/ApplicationKeys/admin-key"_s).withCredentials(kService));
    const Answer missing = m_server->request(
        Request("GET", u"/api/ApplicationKeys/no-such-key"_s).withCredentials(kService));
    QCOMPARE(other.status, 404);
    QCOMPARE(missing.status, 404);
    QCOMPARE(other.errorCode(), missing.errorCode());
    QCOMPARE(m_server
                 ->request(Request("PUT", u"/api/ApplicationKeys/admin-key"_s,
                                   jsonBody({{"enabled"_L1, false}}), "application/json")
                               .withCredentials(kService))
                 .status,
             404);
    QCOMPARE(
        m_server
            ->request(
                Request("DELETE", u"/api/ApplicationKeys/admin-key"_s).withCredentials(kService))
            .status,
        404);
    const Answer still = m_server->get(u"/api/ApplicationKeys/admin-key"_s);
    QCOMPARE(still.status, 200);
    QCOMPARE(still.json().value("enabled"_L1).toBool(false), true);

    // Its own it may manage.
    QCOMPARE(m_server
                 ->request(
                     Request("DELETE", u"/api/ApplicationKeys/svc-own"_s).withCredentials(kService))
                 .status,
             204);
    QCOMPARE(m_server->get(u"/api/ApplicationKeys/svc-own"_s).status, 404);
    // The Administrator sees everyone's, and can filter by user.
    const Answer all = m_server->get(u"/api/ApplicationKeys"_s);
    QVERIFY(namesOf(all).contains(u"admin-key"_s));
    QVERIFY(namesOf(all).contains(u"svc-key"_s));
    const Answer filtered = m_server->get(u"/api/ApplicationKeys?user=svc"_s);
    QVERIFY(namesOf(filtered).contains(u"svc-key"_s));
    QVERIFY(!namesOf(filtered).contains(u"admin-key"_s));
}

void TestAppKeysRest::expiryIsBounded()
{
    // Default: 24 hours, as in ThingWorx.
    const QDateTime before = QDateTime::currentDateTimeUtc();
    Answer defaulted;
    QVERIFY(!createKey({{"name"_L1, "defaulted"_L1}}, &defaulted).isEmpty());
    const QDateTime expires =
        QDateTime::fromString(defaulted.json().value("expires"_L1).toString(), Qt::ISODateWithMs);
    QVERIFY(expires >= before.addSecs(24 * 3600 - 60));
    QVERIFY(expires <= QDateTime::currentDateTimeUtc().addSecs(24 * 3600 + 60));

    // Beyond the maximum (365 days by default): refused, naming the limit.
    const Answer tooLong =
        m_server->post(u"/api/ApplicationKeys"_s,
                       {{"name"_L1, "forever"_L1}, {"expiresInSeconds"_L1, 365 * 86400 + 1}});
    QCOMPARE(tooLong.status, 400);
    QCOMPARE(tooLong.errorCode(), u"bad-request"_s);
    QVERIFY2(tooLong.errorMessage().contains(u"365 days"_s), qPrintable(tooLong.errorMessage()));
    QVERIFY2(tooLong.errorMessage().contains(u"appkeys/maximum_lifetime_seconds"_s),
             qPrintable(tooLong.errorMessage()));
    QCOMPARE(m_server->get(u"/api/ApplicationKeys/forever"_s).status, 404);
    const Answer farDate = m_server->post(
        u"/api/ApplicationKeys"_s,
        {{"name"_L1, "forever"_L1},
         {"expires"_L1, QDateTime::currentDateTimeUtc().addYears(2).toString(Qt::ISODate)}});
    QCOMPARE(farDate.status, 400);
    QVERIFY2(farDate.errorMessage().contains(u"365 days"_s), qPrintable(farDate.errorMessage()));
    // Prolonging past it is refused as well.
    const Answer prolonged =
        m_server->put(u"/api/ApplicationKeys/defaulted"_s, {{"expiresInSeconds"_L1, 400 * 86400}});
    QCOMPARE(prolonged.status, 400);
    // At the maximum, accepted; and nonsense is refused.
    QVERIFY(!createKey({{"name"_L1, "a-year"_L1}, {"expiresInSeconds"_L1, 365 * 86400}}).isEmpty());
    QCOMPARE(
        m_server
            ->post(u"/api/ApplicationKeys"_s, {{"name"_L1, "never"_L1}, {"expiresInSeconds"_L1, 0}})
            .status,
        400);
    QCOMPARE(m_server
                 ->post(u"/api/ApplicationKeys"_s,
                        {{"name"_L1, "past"_L1}, {"expires"_L1, "2001-01-01T00:00:00Z"_L1}})
                 .status,
             400);
}

void TestAppKeysRest::deletingUserDeletesKeys()
{
    const Answer user =
        m_server->post(u"/api/Users"_s, {{"name"_L1, "temp"_L1}, {"password"_L1, kOtherPassword}});
    QCOMPARE(user.status, 201);
    const QByteArray secret = createKey(
        {{"name"_L1, "temp-key"_L1}, {"user"_L1, "temp"_L1}, {"expiresInSeconds"_L1, 3600}});
    QVERIFY(!secret.isEmpty());
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 200);

    QCOMPARE(m_server->remove(u"/api/Users/temp"_s).status, 204);
    QCOMPARE(m_server->get(u"/api/ApplicationKeys/temp-key"_s).status, 404);
    QVERIFY(!namesOf(m_server->get(u"/api/ApplicationKeys"_s)).contains(u"temp-key"_s));
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 401);
    // A new user of the same name does not inherit the key.
    QCOMPARE(
        m_server->post(u"/api/Users"_s, {{"name"_L1, "temp"_L1}, {"password"_L1, kOtherPassword}})
            .status,
        201);
    QCOMPARE(m_server->request(withKey({"GET", u"/api/auth/session"_s}, secret)).status, 401);
}

QTEST_GUILESS_MAIN(TestAppKeysRest)
#include "tst_appkeys_rest.moc"
