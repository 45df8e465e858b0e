// Application keys: secret format, address allowlists, the store (SQLite and
// a real PostgreSQL from BULWARK_TEST_POSTGRES_URL), sign-in checks with an
// explicit clock, and the REST routes' rules run against a real store.
#include "TestDatabases.h"
#include "api/AppKeyRoutes.h"
#include "security/AddressAllowlist.h"
#include "security/AppKeys.h"
#include "storage/AppKeyStore.h"
#include "storage/Database.h"
#include "storage/EntityStore.h"

#include <QJsonArray>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;
using namespace BulwarkTest;
using namespace Qt::StringLiterals;

class TestAppKeys : public QObject
{
    Q_OBJECT

private:
    TestDatabases m_databases;
    const QDateTime m_now = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

    std::unique_ptr<Database> freshDatabase()
    {
        auto db = m_databases.fresh(TestDatabases::Schema::Latest);
        EntityStore store(*db);
        for (const char *name : {"Administrator", "alice", "bob"}) {
            User user;
            user.name = QString::fromLatin1(name);
            user.created = user.modified = m_now;
            if (auto s = store.createUser(user, {}); !s)
                qFatal("%s", qPrintable(s.error().message));
        }
        return db;
    }

    ApplicationKey key(const QString &name, const QString &user) const
    {
        ApplicationKey k;
        k.name = name;
        k.description = QStringLiteral("for the %1 gateway").arg(name);
        k.user = user;
        k.expires = m_now.addDays(1);
        k.created = k.modified = m_now;
        return k;
    }

    static ApiRequest request(HttpMethod method, const QString &user, const QString &name = {},
                              const QJsonObject &body = {})
    {
        static const QHash<HttpMethod, QByteArray> names{{HttpMethod::Get, "GET"},
                                                         {HttpMethod::Post, "POST"},
                                                         {HttpMethod::Put, "PUT"},
                                                         {HttpMethod::Delete, "DELETE"}};
        ApiRequest r;
        r.method = method;
        r.methodName = names.value(method);
        r.arguments = {QStringLiteral("ApplicationKeys")};
        if (!name.isEmpty())
            r.arguments << name;
        r.path = QStringLiteral("/api/") + r.arguments.join(u'/');
        r.json = body;
        r.user = user;
        r.administrator = user == u"Administrator";
        r.authMethod = QStringLiteral("basic");
        r.remoteAddress = QHostAddress::LocalHost;
        return r;
    }

    // Runs the route's plan as the server would; a refusal before storage
    // becomes its error response.
    static ApiResponse run(EntityStore &store, const ApiRequest &r,
                           const AppKeySettings &settings = {})
    {
        auto plan = Routes::applicationKeys(r, settings);
        if (!plan)
            return ApiResponse::fromError(plan.error());
        if (plan->immediate)
            return *plan->immediate;
        return plan->work(store);
    }

    static QString errorMessage(const ApiResponse &r)
    {
        return r.body.object()
            .value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("message"))
            .toString();
    }

    static QStringList names(const ApiResponse &r)
    {
        QStringList out;
        for (const QJsonValue &v : r.body.object().value(QStringLiteral("items")).toArray())
            out << v.toObject().value(QStringLiteral("name")).toString();
        return out;
    }

private Q_SLOTS:
    void initTestCase_data() { TestDatabases::addBackendRows(); }

    void secretFormat()
    {
        const QString secret = AppKeys::newSecret();
        QVERIFY(secret.startsWith(u"bwk_"));
        QCOMPARE(secret.size(), 47);
        QVERIFY(AppKeys::looksLikeSecret(secret.toLatin1()));
        const QByteArray raw =
            QByteArray::fromBase64(secret.mid(4).toLatin1(),
                                   QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        QCOMPARE(raw.size(), 32); // 256 bits of entropy
        QSet<QString> seen;
        for (int i = 0; i < 200; ++i)
            seen.insert(AppKeys::newSecret());
        QCOMPARE(seen.size(), 200);
        QVERIFY(!AppKeys::looksLikeSecret("bwk_short"));
        QVERIFY(
            !AppKeys::looksLikeSecret(QByteArray(QByteArray("xyz_") + secret.mid(4).toLatin1())));
        QVERIFY(!AppKeys::looksLikeSecret(QByteArray(secret.left(46).toLatin1() + '+')));
        // Known answer: SHA-256("abc"), lower-case hex.
        QCOMPARE(AppKeys::secretHash("abc"),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void allowlist_data()
    {
        QTest::addColumn<QStringList>("entries");
        QTest::addColumn<QString>("client");
        QTest::addColumn<bool>("allowed");
        const QStringList mixed{QStringLiteral("192.0.2.7"), QStringLiteral("10.0.0.0/8"),
                                QStringLiteral("2001:db8::/32"), QStringLiteral("::1")};
        QTest::newRow("empty allows v4") << QStringList() << u"203.0.113.9"_s << true;
        QTest::newRow("empty allows v6") << QStringList() << u"2001:db8::1"_s << true;
        QTest::newRow("exact v4") << mixed << u"192.0.2.7"_s << true;
        QTest::newRow("neighbour v4") << mixed << u"192.0.2.8"_s << false;
        QTest::newRow("cidr v4 inside") << mixed << u"10.200.3.4"_s << true;
        QTest::newRow("cidr v4 outside") << mixed << u"11.0.0.1"_s << false;
        QTest::newRow("cidr v6 inside") << mixed << u"2001:db8:ffff::42"_s << true;
        QTest::newRow("cidr v6 outside") << mixed << u"2001:db9::1"_s << false;
        QTest::newRow("v6 loopback") << mixed << u"::1"_s << true;
        QTest::newRow("v4 loopback not listed") << mixed << u"127.0.0.1"_s << false;
        QTest::newRow("mapped v6 client, v4 entry") << mixed << u"::ffff:10.1.2.3"_s << true;
        QTest::newRow("mapped v6 client, exact v4") << mixed << u"::ffff:192.0.2.7"_s << true;
        QTest::newRow("mapped v6 client outside") << mixed << u"::ffff:192.0.2.9"_s << false;
        QTest::newRow("mapped entry, v4 client")
            << QStringList{u"::ffff:10.0.0.0/104"_s} << u"10.9.9.9"_s << true;
        QTest::newRow("mapped entry, other v4 client")
            << QStringList{u"::ffff:10.0.0.0/104"_s} << u"11.9.9.9"_s << false;
        QTest::newRow("host bits in range")
            << QStringList{u"10.1.2.3/8"_s} << u"10.200.0.1"_s << true;
        QTest::newRow("whole v4 internet")
            << QStringList{u"0.0.0.0/0"_s} << u"198.51.100.1"_s << true;
        QTest::newRow("whole v6 internet") << QStringList{u"::/0"_s} << u"2001:db8::1"_s << true;
        QTest::newRow("v6 unspecified only") << QStringList{u"::"_s} << u"0.0.0.0"_s << false;
        QTest::newRow("v4 any is not v6 any")
            << QStringList{u"0.0.0.0/0"_s} << u"2001:db8::1"_s << false;
    }

    void allowlist()
    {
        QFETCH(QStringList, entries);
        QFETCH(QString, client);
        QFETCH(bool, allowed);
        const auto ranges = AddressAllowlist::parse(entries);
        QVERIFY2(ranges.ok(), ranges.ok() ? "" : qPrintable(ranges.error().message));
        QCOMPARE(AddressAllowlist::allows(*ranges, QHostAddress(client)), allowed);
    }

    void allowlistRefuses_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::newRow("empty") << QString();
        QTest::newRow("word") << u"office"_s;
        QTest::newRow("v4 prefix too long") << u"10.0.0.0/33"_s;
        QTest::newRow("v6 prefix too long") << u"2001:db8::/129"_s;
        QTest::newRow("no prefix") << u"10.0.0.0/"_s;
        QTest::newRow("netmask") << u"10.0.0.0/255.0.0.0"_s;
        QTest::newRow("negative prefix") << u"10.0.0.0/-1"_s;
        QTest::newRow("bad octet") << u"10.0.0.256"_s;
        QTest::newRow("scoped") << u"fe80::1%eth0"_s;
        QTest::newRow("hostname") << u"gateway.example"_s;
        QTest::newRow("short mapped range") << u"::ffff:0.0.0.0/90"_s;
    }

    void allowlistRefuses()
    {
        QFETCH(QString, entry);
        const auto ranges = AddressAllowlist::parse({u"192.0.2.1"_s, entry});
        QVERIFY(!ranges.ok());
        QCOMPARE(ranges.error().code, ErrorCode::BadRequest);
        QVERIFY2(ranges.error().message.contains(QStringLiteral("'%1'").arg(entry)),
                 qPrintable(ranges.error().message));
    }

    void allowlistNormalized()
    {
        const auto ranges = AddressAllowlist::parse({u" 10.1.2.3/8 "_s, u"::ffff:10.0.0.0/104"_s,
                                                     u"2001:DB8::/32"_s, u"192.0.2.7"_s,
                                                     u"192.0.2.7/32"_s, u"::1"_s});
        QVERIFY(ranges.ok());
        QCOMPARE(AddressAllowlist::normalized(*ranges),
                 (QStringList{u"10.0.0.0/8"_s, u"10.0.0.0/8"_s, u"2001:db8::/32"_s, u"192.0.2.7"_s,
                              u"192.0.2.7"_s, u"::1"_s}));
    }

    void storeRoundTrip()
    {
        auto db = freshDatabase();
        AppKeyStore keys(*db);
        ApplicationKey k = key(u"gw1"_s, u"alice"_s);
        k.ipAllowlist = {u"10.0.0.0/8"_s, u"2001:db8::/32"_s};
        const QByteArray hash = AppKeys::secretHash("bwk_first");
        QVERIFY(keys.create(k, hash).ok());
        QVERIFY(keys.create(key(u"gw2"_s, u"bob"_s), AppKeys::secretHash("bwk_second")).ok());

        const Status duplicate = keys.create(k, AppKeys::secretHash("bwk_third"));
        QCOMPARE(duplicate.error().code, ErrorCode::Conflict);
        // The secret hash is unique too.
        QVERIFY(!keys.create(key(u"gw3"_s, u"bob"_s), hash).ok());

        auto got = keys.get(u"gw1"_s);
        QVERIFY(got.ok());
        QCOMPARE(got->description, k.description);
        QCOMPARE(got->user, u"alice"_s);
        QCOMPARE(got->expires, k.expires);
        QCOMPARE(got->ipAllowlist, k.ipAllowlist);
        QVERIFY(got->enabled);
        QVERIFY(!got->lastUsed.isValid());
        QVERIFY(got->lastAddress.isEmpty());
        QCOMPARE(got->created, m_now);
        QCOMPARE(keys.get(u"nothing"_s).error().code, ErrorCode::NotFound);

        QCOMPARE(keys.list()->size(), 2);
        QCOMPARE(keys.list(u"bob"_s)->size(), 1);
        QCOMPARE(keys.list(u"bob"_s)->first().name, u"gw2"_s);
        QVERIFY(keys.list(u"Administrator"_s)->isEmpty());

        auto found = keys.findBySecretHash(hash);
        QVERIFY(found.ok());
        QVERIFY(found->has_value());
        QCOMPARE((*found)->name, u"gw1"_s);
        QVERIFY(!keys.findBySecretHash(AppKeys::secretHash("bwk_unknown"))->has_value());
        QVERIFY(*keys.hasSecretHash(u"gw1"_s, hash));
        QVERIFY(!*keys.hasSecretHash(u"gw2"_s, hash));

        QVERIFY(keys.recordUse(u"gw1"_s, m_now.addSecs(5), u"10.1.1.1"_s).ok());
        got = keys.get(u"gw1"_s);
        QCOMPARE(got->lastUsed, m_now.addSecs(5));
        QCOMPARE(got->lastAddress, u"10.1.1.1"_s);

        // Update changes what it may, and never the user.
        ApplicationKey changed = *got;
        changed.description = u"renamed gateway"_s;
        changed.enabled = false;
        changed.ipAllowlist = {};
        changed.expires = m_now.addDays(7);
        changed.user = u"bob"_s;
        changed.modified = m_now.addSecs(60);
        QVERIFY(keys.update(changed).ok());
        got = keys.get(u"gw1"_s);
        QCOMPARE(got->description, u"renamed gateway"_s);
        QVERIFY(!got->enabled);
        QVERIFY(got->ipAllowlist.isEmpty());
        QCOMPARE(got->expires, m_now.addDays(7));
        QCOMPARE(got->user, u"alice"_s);
        QCOMPARE(got->modified, m_now.addSecs(60));
        QCOMPARE(got->lastAddress, u"10.1.1.1"_s);

        QVERIFY(keys.remove(u"gw1"_s).ok());
        QCOMPARE(keys.remove(u"gw1"_s).error().code, ErrorCode::NotFound);
        QVERIFY(!keys.findBySecretHash(hash)->has_value());

        // A key dies with its user.
        EntityStore store(*db);
        QVERIFY(store.deleteUser(u"bob"_s).ok());
        QVERIFY(keys.list()->isEmpty());
    }

    void authenticate()
    {
        auto db = freshDatabase();
        AppKeyStore keys(*db);
        const QString secret = AppKeys::newSecret();
        ApplicationKey k = key(u"gw"_s, u"alice"_s);
        k.ipAllowlist = {u"10.0.0.0/8"_s};
        QVERIFY(keys.create(k, AppKeys::secretHash(secret.toLatin1())).ok());
        const QHostAddress inside(u"10.0.0.5"_s);

        auto use = AppKeys::authenticate(*db, secret.toLatin1(), inside, m_now);
        QVERIFY2(use.ok(), use.ok() ? "" : qPrintable(use.error().message));
        QCOMPARE(use->key.user, u"alice"_s);
        QVERIFY(use->newAddress);
        QCOMPARE(keys.get(u"gw"_s)->lastUsed, m_now);
        QCOMPARE(keys.get(u"gw"_s)->lastAddress, u"10.0.0.5"_s);

        // Same address within a minute: no new write.
        use = AppKeys::authenticate(*db, secret.toLatin1(), inside, m_now.addSecs(30));
        QVERIFY(use.ok());
        QVERIFY(!use->newAddress);
        QCOMPARE(keys.get(u"gw"_s)->lastUsed, m_now);
        // A mapped IPv4 client counts as that IPv4 address.
        use = AppKeys::authenticate(*db, secret.toLatin1(), QHostAddress(u"::ffff:10.0.0.5"_s),
                                    m_now.addSecs(40));
        QVERIFY(use.ok());
        QVERIFY(!use->newAddress);
        // IPv6 loopback is not IPv4 0.0.0.1 (toIPv4Address would say so).
        QCOMPARE(AddressAllowlist::unmapped(QHostAddress(u"::1"_s)).toString(), u"::1"_s);
        QCOMPARE(AddressAllowlist::unmapped(QHostAddress(u"::ffff:10.0.0.5"_s)).toString(),
                 u"10.0.0.5"_s);
        // Another address is recorded at once.
        use = AppKeys::authenticate(*db, secret.toLatin1(), QHostAddress(u"10.0.0.6"_s),
                                    m_now.addSecs(45));
        QVERIFY(use->newAddress);
        QCOMPARE(keys.get(u"gw"_s)->lastAddress, u"10.0.0.6"_s);
        QCOMPARE(keys.get(u"gw"_s)->lastUsed, m_now.addSecs(45));

        const auto outside =
            AppKeys::authenticate(*db, secret.toLatin1(), QHostAddress(u"192.0.2.1"_s), m_now);
        QCOMPARE(outside.error().code, ErrorCode::Forbidden);

        const auto unknown =
            AppKeys::authenticate(*db, AppKeys::newSecret().toLatin1(), inside, m_now);
        QCOMPARE(unknown.error().code, ErrorCode::Unauthorized);
        QCOMPARE(AppKeys::authenticate(*db, "not a key", inside, m_now).error().code,
                 ErrorCode::Unauthorized);

        // Expiry with an explicit clock: valid one second before, refused at it.
        QVERIFY(AppKeys::authenticate(*db, secret.toLatin1(), inside, k.expires.addSecs(-1)).ok());
        const auto expired = AppKeys::authenticate(*db, secret.toLatin1(), inside, k.expires);
        QCOMPARE(expired.error().code, ErrorCode::Unauthorized);
        QVERIFY(expired.error().message.contains(u"expired"));
        QVERIFY(AppKeys::isExpired(k, k.expires));
        QVERIFY(!AppKeys::isExpired(k, k.expires.addMSecs(-1)));

        k.enabled = false;
        QVERIFY(keys.update(k).ok());
        const auto disabled = AppKeys::authenticate(*db, secret.toLatin1(), inside, m_now);
        QCOMPARE(disabled.error().code, ErrorCode::Unauthorized);
        QVERIFY(disabled.error().message.contains(u"disabled"));
    }

    void routeCreate()
    {
        auto db = freshDatabase();
        EntityStore store(*db);
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        ApiResponse r = run(store, request(HttpMethod::Post, u"alice"_s, {},
                                           {{u"name"_s, u"k1"_s},
                                            {u"description"_s, u"pump gateway"_s},
                                            {u"ipAllowlist"_s, QJsonArray{u"10.1.2.3/8"_s}}}));
        const QDateTime after = QDateTime::currentDateTimeUtc().addSecs(1);
        QCOMPARE(r.status, 201);
        const QJsonObject body = r.body.object();
        QCOMPARE(body.value(u"user"_s).toString(), u"alice"_s);
        QCOMPARE(body.value(u"expired"_s).toBool(), false);
        QCOMPARE(body.value(u"ipAllowlist"_s).toArray(), QJsonArray{u"10.0.0.0/8"_s});
        QVERIFY(body.value(u"note"_s).toString().contains(u"only this once"));
        const QString secret = body.value(u"secret"_s).toString();
        QVERIFY(AppKeys::looksLikeSecret(secret.toLatin1()));
        bool noStore = false;
        for (const auto &[name, value] : r.headers)
            noStore = noStore || (name == "Cache-Control" && value == "no-store");
        QVERIFY(noStore);
        // The default lifetime (24 h) from now.
        const QDateTime expires =
            QDateTime::fromString(body.value(u"expires"_s).toString(), Qt::ISODateWithMs);
        QVERIFY(expires >= before.addSecs(24 * 3600) && expires <= after.addSecs(24 * 3600));
        // Only the hash is kept, and it finds the key.
        auto found = AppKeyStore(*db).findBySecretHash(AppKeys::secretHash(secret.toLatin1()));
        QCOMPARE((*found)->name, u"k1"_s);
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(u"SELECT key_hash FROM application_keys"_s) && q.next());
        QVERIFY(!q.value(0).toString().contains(secret.mid(4)));
        // GET never shows the secret.
        r = run(store, request(HttpMethod::Get, u"alice"_s, u"k1"_s));
        QCOMPARE(r.status, 200);
        QVERIFY(!r.body.object().contains(u"secret"_s));

        // Administrators may make keys for others; others may not.
        r = run(store, request(HttpMethod::Post, u"alice"_s, {},
                               {{u"name"_s, u"k2"_s}, {u"user"_s, u"bob"_s}}));
        QCOMPARE(r.status, 403);
        r = run(store, request(HttpMethod::Post, u"Administrator"_s, {},
                               {{u"name"_s, u"k2"_s}, {u"user"_s, u"bob"_s}}));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.body.object().value(u"user"_s).toString(), u"bob"_s);
        r = run(store, request(HttpMethod::Post, u"Administrator"_s, {},
                               {{u"name"_s, u"k3"_s}, {u"user"_s, u"ghost"_s}}));
        QCOMPARE(r.status, 400);
        QVERIFY(errorMessage(r).contains(u"ghost"));
        r = run(store, request(HttpMethod::Post, u"alice"_s, {}, {{u"name"_s, u"k1"_s}}));
        QCOMPARE(r.status, 409);
        r = run(store, request(HttpMethod::Post, u"alice"_s, {}, {{u"name"_s, u"bad name"_s}}));
        QCOMPARE(r.status, 400);
        // A key cannot mint keys.
        ApiRequest byKey = request(HttpMethod::Post, u"alice"_s, {}, {{u"name"_s, u"k9"_s}});
        byKey.authMethod = u"appkey"_s;
        QCOMPARE(run(store, byKey).status, 403);
    }

    void routeLimits_data()
    {
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QString>("says");
        const QString far = QDateTime::currentDateTimeUtc().addDays(400).toString(Qt::ISODate);
        QTest::newRow("lifetime beyond maximum")
            << QJsonObject{{u"expiresInSeconds"_s, 3600 * 24 * 366}} << u"365 days"_s;
        QTest::newRow("expiry beyond maximum") << QJsonObject{{u"expires"_s, far}} << u"365 days"_s;
        QTest::newRow("expiry in the past")
            << QJsonObject{{u"expires"_s, u"2020-01-01T00:00:00Z"_s}} << u"past"_s;
        QTest::newRow("expiry without zone")
            << QJsonObject{{u"expires"_s, u"2099-01-01T00:00:00"_s}} << u"time zone"_s;
        QTest::newRow("zero lifetime")
            << QJsonObject{{u"expiresInSeconds"_s, 0}} << u"expiresInSeconds"_s;
        QTest::newRow("fractional lifetime")
            << QJsonObject{{u"expiresInSeconds"_s, 1.5}} << u"expiresInSeconds"_s;
        QTest::newRow("both expiries")
            << QJsonObject{{u"expiresInSeconds"_s, 60}, {u"expires"_s, far}} << u"not both"_s;
        QTest::newRow("bad allowlist entry")
            << QJsonObject{{u"ipAllowlist"_s, QJsonArray{u"10.0.0.1"_s, u"10.0.0.0/40"_s}}}
            << u"10.0.0.0/40"_s;
        QTest::newRow("allowlist not an array")
            << QJsonObject{{u"ipAllowlist"_s, u"10.0.0.1"_s}} << u"ipAllowlist"_s;
        QTest::newRow("secret given") << QJsonObject{{u"secret"_s, u"bwk_mine"_s}} << u"secret"_s;
        QTest::newRow("unknown field") << QJsonObject{{u"expiresIn"_s, 60}} << u"expiresIn"_s;
        QTest::newRow("enabled not bool") << QJsonObject{{u"enabled"_s, u"yes"_s}} << u"enabled"_s;
    }

    void routeLimits()
    {
        QFETCH(QJsonObject, body);
        QFETCH(QString, says);
        auto db = freshDatabase();
        EntityStore store(*db);
        body.insert(u"name"_s, u"limited"_s);
        const ApiResponse r = run(store, request(HttpMethod::Post, u"alice"_s, {}, body));
        QCOMPARE(r.status, 400);
        QVERIFY2(errorMessage(r).contains(says), qPrintable(errorMessage(r)));
        QVERIFY(AppKeyStore(*db).list()->isEmpty());
    }

    void routeLifetimeWithinLimit()
    {
        auto db = freshDatabase();
        EntityStore store(*db);
        AppKeySettings settings;
        settings.maximumLifetimeSeconds = 3600;
        settings.defaultLifetimeSeconds = 600;
        ApiResponse r = run(store,
                            request(HttpMethod::Post, u"alice"_s, {},
                                    {{u"name"_s, u"short"_s}, {u"expiresInSeconds"_s, 3600}}),
                            settings);
        QCOMPARE(r.status, 201);
        r = run(store,
                request(HttpMethod::Post, u"alice"_s, {},
                        {{u"name"_s, u"long"_s}, {u"expiresInSeconds"_s, 3601}}),
                settings);
        QCOMPARE(r.status, 400);
        QVERIFY2(errorMessage(r).contains(u"1 hours"), qPrintable(errorMessage(r)));
    }

    void routeVisibility()
    {
        auto db = freshDatabase();
        EntityStore store(*db);
        AppKeyStore keys(*db);
        QVERIFY(keys.create(key(u"a1"_s, u"alice"_s), AppKeys::secretHash("bwk_a1")).ok());
        QVERIFY(keys.create(key(u"a2"_s, u"alice"_s), AppKeys::secretHash("bwk_a2")).ok());
        QVERIFY(keys.create(key(u"b1"_s, u"bob"_s), AppKeys::secretHash("bwk_b1")).ok());

        QCOMPARE(names(run(store, request(HttpMethod::Get, u"alice"_s))),
                 (QStringList{u"a1"_s, u"a2"_s}));
        QCOMPARE(names(run(store, request(HttpMethod::Get, u"bob"_s))), QStringList{u"b1"_s});
        QCOMPARE(names(run(store, request(HttpMethod::Get, u"Administrator"_s))),
                 (QStringList{u"a1"_s, u"a2"_s, u"b1"_s}));
        ApiRequest filtered = request(HttpMethod::Get, u"Administrator"_s);
        filtered.query = QUrlQuery(u"user=bob"_s);
        QCOMPARE(names(run(store, filtered)), QStringList{u"b1"_s});
        filtered.user = u"alice"_s;
        filtered.administrator = false;
        QVERIFY(names(run(store, filtered)).isEmpty());

        // Someone else's key does not exist for a non-administrator.
        const ApiResponse missing = run(store, request(HttpMethod::Get, u"alice"_s, u"zz"_s));
        const ApiResponse foreign = run(store, request(HttpMethod::Get, u"alice"_s, u"b1"_s));
        QCOMPARE(foreign.status, 404);
        QCOMPARE(errorMessage(foreign), errorMessage(missing).replace(u"zz"_s, u"b1"_s));
        QCOMPARE(run(store, request(HttpMethod::Delete, u"alice"_s, u"b1"_s)).status, 404);
        QCOMPARE(run(store, request(HttpMethod::Put, u"alice"_s, u"b1"_s, {{u"enabled"_s, false}}))
                     .status,
                 404);
        QVERIFY(keys.get(u"b1"_s)->enabled);
        QCOMPARE(run(store, request(HttpMethod::Get, u"Administrator"_s, u"b1"_s)).status, 200);

        // Methods
        const ApiResponse post = run(store, request(HttpMethod::Post, u"alice"_s, u"a1"_s));
        QCOMPARE(post.status, 405);
        ApiRequest other = request(HttpMethod::Other, u"alice"_s);
        other.methodName = "PATCH";
        QCOMPARE(run(store, other).status, 405);

        // Deleting one's own key.
        QCOMPARE(run(store, request(HttpMethod::Delete, u"alice"_s, u"a2"_s)).status, 204);
        QCOMPARE(run(store, request(HttpMethod::Get, u"alice"_s, u"a2"_s)).status, 404);
        QCOMPARE(run(store, request(HttpMethod::Delete, u"Administrator"_s, u"b1"_s)).status, 204);
    }

    void routeUpdate()
    {
        auto db = freshDatabase();
        EntityStore store(*db);
        AppKeyStore keys(*db);
        const QString secret = AppKeys::newSecret();
        QVERIFY(keys.create(key(u"a1"_s, u"alice"_s), AppKeys::secretHash(secret.toLatin1())).ok());
        const QString expires =
            QDateTime::currentDateTimeUtc().addDays(30).toString(Qt::ISODateWithMs);
        ApiResponse r = run(store, request(HttpMethod::Put, u"alice"_s, u"a1"_s,
                                           {{u"description"_s, u"moved"_s},
                                            {u"enabled"_s, false},
                                            {u"ipAllowlist"_s, QJsonArray{u"::1"_s}},
                                            {u"expires"_s, expires},
                                            {u"user"_s, u"alice"_s},
                                            {u"secret"_s, secret}}));
        QCOMPARE(r.status, 200);
        auto got = keys.get(u"a1"_s);
        QCOMPARE(got->description, u"moved"_s);
        QVERIFY(!got->enabled);
        QCOMPARE(got->ipAllowlist, QStringList{u"::1"_s});
        QCOMPARE(got->expires, QDateTime::fromString(expires, Qt::ISODateWithMs));

        // Fields left out stay as they are.
        r = run(store, request(HttpMethod::Put, u"alice"_s, u"a1"_s, {{u"enabled"_s, true}}));
        QCOMPARE(r.status, 200);
        got = keys.get(u"a1"_s);
        QVERIFY(got->enabled);
        QCOMPARE(got->description, u"moved"_s);

        r = run(store, request(HttpMethod::Put, u"alice"_s, u"a1"_s, {{u"user"_s, u"bob"_s}}));
        QCOMPARE(r.status, 400);
        QVERIFY(errorMessage(r).contains(u"cannot change"));
        r = run(store, request(HttpMethod::Put, u"alice"_s, u"a1"_s,
                               {{u"secret"_s, AppKeys::newSecret()}}));
        QCOMPARE(r.status, 400);
        QVERIFY(errorMessage(r).contains(u"secret"));
        r = run(store, request(HttpMethod::Put, u"alice"_s, u"a1"_s,
                               {{u"expires"_s, u"2020-01-01T00:00:00Z"_s}}));
        QCOMPARE(r.status, 400);
        r = run(store, request(HttpMethod::Put, u"alice"_s, u"a1"_s, {{u"name"_s, u"a9"_s}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(keys.get(u"a1"_s)->user, u"alice"_s);
        ApiRequest byKey = request(HttpMethod::Put, u"alice"_s, u"a1"_s, {{u"enabled"_s, true}});
        byKey.authMethod = u"appkey"_s;
        QCOMPARE(run(store, byKey).status, 403);
    }
};

QTEST_GUILESS_MAIN(TestAppKeys)
#include "tst_appkeys.moc"
