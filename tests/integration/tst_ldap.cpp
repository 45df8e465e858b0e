// LDAP delegation against a real slapd over StartTLS and ldaps:// with a
// test CA: search-then-bind, groups and mapping, injection, TLS and
// failure modes, the DirectoryStore with its sealed password, and the
// DirectoryServices routes.
#include "Slapd.h"

#include "api/DirectoryRoutes.h"
#include "security/Ldap.h"
#include "security/Vault.h"
#include "storage/Database.h"
#include "storage/DirectoryStore.h"
#include "storage/EntityStore.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTcpServer>
#include <QtConcurrent>

#include <memory>

using namespace Bulwark;
using namespace BulwarkTest;
using namespace Qt::StringLiterals;

namespace {

const QString kOperators = u"Operators"_s;
const QString kViewers = u"Viewers"_s;

QStringList normalized(const QStringList &dns)
{
    QStringList out;
    for (const QString &dn : dns)
        out << Ldap::normalizeDn(dn);
    out.sort();
    return out;
}

// Runs a blocking call on another thread and waits, bounded, for it.
template <typename T> std::optional<T> bounded(std::function<T()> call, int timeoutMs = 30000)
{
    QFuture<T> future = QtConcurrent::run(std::move(call));
    QDeadlineTimer deadline(timeoutMs);
    while (!future.isFinished() && !deadline.hasExpired())
        QTest::qWait(20);
    if (!future.isFinished())
        return std::nullopt;
    return future.result();
}

} // namespace

class TestLdap final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void authenticatesWithGroupsAndMapping();
    void groupMappingComparesDnsNotText();
    void failuresLookAlike();
    void injectionDoesNotAuthenticate_data();
    void injectionDoesNotAuthenticate();
    void emptyPasswordIsRefusedWithoutContact();
    void plainLdapAlwaysUsesStartTls();
    void ldapsWorks();
    void wrongCaIsACertificateError();
    void closedPortIsUnavailable();
    void silentServerTimesOut_data();
    void silentServerTimesOut();
    void disabledServiceIsUnavailable();
    void serviceAccountRefused();
    void testConnectionInWords();
    void validateRejectsBadSettings_data();
    void validateRejectsBadSettings();

    void storeSealsThePassword();
    void routes();

private:
    [[nodiscard]] DirectoryConfig config() const;
    [[nodiscard]] std::unique_ptr<Database> openDatabase();

    std::unique_ptr<Slapd> m_slapd;
    QTemporaryDir m_dir;
};

void TestLdap::initTestCase()
{
    BULWARK_REQUIRE_SLAPD();
    QVERIFY(m_dir.isValid());
    m_slapd = std::make_unique<Slapd>();
    QVERIFY2(m_slapd->error().isEmpty(), qPrintable(m_slapd->error()));
}

DirectoryConfig TestLdap::config() const
{
    DirectoryConfig c;
    c.name = u"corp"_s;
    c.url = m_slapd->url();
    c.caFile = m_slapd->caFile();
    c.bindDn = Slapd::serviceDn;
    c.bindPassword = Slapd::servicePassword;
    c.userBase = Slapd::baseDn;
    c.groupBase = Slapd::groupsDn;
    c.groupMapping = {{Slapd::operatorsDn, kOperators}, {Slapd::viewersDn, kViewers}};
    c.timeoutSeconds = 5;
    return c;
}

void TestLdap::authenticatesWithGroupsAndMapping()
{
    QVERIFY(Ldap::validate(config()).ok());
    auto alice = Ldap::authenticate(config(), u"alice"_s, Slapd::alicePassword);
    QVERIFY2(alice.ok(), qPrintable(alice ? QString() : alice.error().message));
    QCOMPARE(Ldap::normalizeDn(alice->dn), Ldap::normalizeDn(u"uid=alice,"_s + Slapd::peopleDn));
    QCOMPARE(normalized(alice->directoryGroups), normalized({Slapd::operatorsDn}));
    QCOMPARE(alice->platformGroups, QStringList{kOperators});

    auto bob = Ldap::authenticate(config(), u"bob"_s, Slapd::bobPassword);
    QVERIFY(bob.ok());
    QCOMPARE(bob->platformGroups, QStringList{kViewers});

    auto carol = Ldap::authenticate(config(), u"carol"_s, Slapd::carolPassword);
    QVERIFY(carol.ok());
    QVERIFY(carol->directoryGroups.isEmpty());
    QVERIFY(carol->platformGroups.isEmpty());

    // The DN "cn=Smith\, Dave,…" holds a backslash and a comma: the group
    // filter only finds the group when {dn} is escaped as a filter value.
    auto dave = Ldap::authenticate(config(), u"dave"_s, Slapd::davePassword);
    QVERIFY2(dave.ok(), qPrintable(dave ? QString() : dave.error().message));
    QCOMPARE(dave->platformGroups, QStringList{kOperators});

    // No group base: no groups, still signed in.
    DirectoryConfig noGroups = config();
    noGroups.groupBase.clear();
    noGroups.groupMapping.clear();
    auto plain = Ldap::authenticate(noGroups, u"alice"_s, Slapd::alicePassword);
    QVERIFY(plain.ok());
    QVERIFY(plain->directoryGroups.isEmpty());
}

void TestLdap::groupMappingComparesDnsNotText()
{
    DirectoryConfig c = config();
    c.groupMapping = {{u"CN=Operators, OU=Groups, DC=Example, DC=Test"_s, kOperators}};
    auto alice = Ldap::authenticate(c, u"alice"_s, Slapd::alicePassword);
    QVERIFY(alice.ok());
    QCOMPARE(alice->platformGroups, QStringList{kOperators});
}

void TestLdap::failuresLookAlike()
{
    auto wrongPassword = Ldap::authenticate(config(), u"alice"_s, u"not-her-password"_s);
    auto unknownUser = Ldap::authenticate(config(), u"mallory"_s, u"whatever-password"_s);
    // Two entries have uid=twin: ambiguous, so nobody signs in as either.
    auto ambiguous = Ldap::authenticate(config(), u"twin"_s, Slapd::twinPassword);
    // Another user's password is not alice's.
    auto otherPassword = Ldap::authenticate(config(), u"alice"_s, Slapd::bobPassword);
    for (const auto *result : {&wrongPassword, &unknownUser, &ambiguous, &otherPassword}) {
        QVERIFY(!result->ok());
        QCOMPARE(result->error().code, ErrorCode::Unauthorized);
        QCOMPARE(result->error().message, wrongPassword.error().message);
    }
    QVERIFY(!wrongPassword.error().message.contains(u"alice"_s));
    // The twin is found when the search base narrows it to one entry.
    DirectoryConfig people = config();
    people.userBase = Slapd::peopleDn;
    QVERIFY(Ldap::authenticate(people, u"twin"_s, Slapd::twinPassword).ok());
}

void TestLdap::injectionDoesNotAuthenticate_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    const QStringList passwords = {Slapd::alicePassword, Slapd::bobPassword, u"x"_s};
    for (const QString &user : {u"*)(uid=*))(|(uid=*"_s, u"*"_s, u"a*"_s, u"alice)(|(uid=*"_s,
                                u"*)(|(objectClass=*"_s, u"alice\\"_s, u"ALICE*"_s, u"alice)"_s}) {
        for (const QString &password : passwords)
            QTest::addRow("%s / %s", qPrintable(user), qPrintable(password.left(5)))
                << user << password;
    }
}

void TestLdap::injectionDoesNotAuthenticate()
{
    QFETCH(QString, user);
    QFETCH(QString, password);
    auto result = Ldap::authenticate(config(), user, password);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Unauthorized);
}

void TestLdap::emptyPasswordIsRefusedWithoutContact()
{
    // Nothing listens on this port: talking to it would be Unavailable.
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    DirectoryConfig c = config();
    c.url = u"ldap://127.0.0.1:%1"_s.arg(closedPort);
    for (const QString &user : {u"alice"_s, u""_s}) {
        auto result = Ldap::authenticate(c, user, QString());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Unauthorized);
    }
    // Against the real server too: an empty password never becomes an
    // (anonymous, successful) bind.
    auto real = Ldap::authenticate(config(), u"alice"_s, QString());
    QVERIFY(!real.ok());
    QCOMPARE(real.error().code, ErrorCode::Unauthorized);
}

void TestLdap::plainLdapAlwaysUsesStartTls()
{
    // The server refuses simple binds without TLS ...
    DirectoryConfig insecure = config();
    insecure.insecure = true;
    auto refused = Ldap::authenticate(insecure, u"alice"_s, Slapd::alicePassword);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::Unavailable);
    QVERIFY2(refused.error().message.contains(u"the directory refused the service account"_s,
                                              Qt::CaseInsensitive),
             qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(u"Confidentiality"_s, Qt::CaseInsensitive),
             qPrintable(refused.error().message));
    // ... and the same ldap:// URL without "insecure" signs in: StartTLS ran.
    QVERIFY(Ldap::authenticate(config(), u"alice"_s, Slapd::alicePassword).ok());
    const auto steps = Ldap::testSteps(config());
    QVERIFY(steps.size() >= 2);
    QCOMPARE(steps.at(1).step, u"tls"_s);
    QVERIFY(steps.at(1).ok);
    QVERIFY2(steps.at(1).message.contains(u"StartTLS"_s), qPrintable(steps.at(1).message));
}

void TestLdap::ldapsWorks()
{
    DirectoryConfig c = config();
    c.url = m_slapd->ldapsUrl();
    auto alice = Ldap::authenticate(c, u"alice"_s, Slapd::alicePassword);
    QVERIFY2(alice.ok(), qPrintable(alice ? QString() : alice.error().message));
    QCOMPARE(alice->platformGroups, QStringList{kOperators});
}

void TestLdap::wrongCaIsACertificateError()
{
    for (const QString &url : {m_slapd->url(), m_slapd->ldapsUrl()}) {
        DirectoryConfig c = config();
        c.url = url;
        c.caFile = m_slapd->otherCaFile();
        auto result = Ldap::authenticate(c, u"alice"_s, Slapd::alicePassword);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Unavailable);
        QVERIFY2(result.error().message.contains(u"certificate"_s),
                 qPrintable(url + u": "_s + result.error().message));
        QVERIFY2(result.error().message.contains(u"TLS"_s), qPrintable(result.error().message));
    }
}

void TestLdap::closedPortIsUnavailable()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    DirectoryConfig c = config();
    c.url = u"ldap://127.0.0.1:%1"_s.arg(closedPort);
    auto result = bounded<Result<DirectoryLogin>>(
        [c]() { return Ldap::authenticate(c, u"alice"_s, Slapd::alicePassword); });
    QVERIFY2(result.has_value(), "authenticate did not return against a closed port");
    QVERIFY(!result->ok());
    QCOMPARE(result->error().code, ErrorCode::Unavailable);
    QVERIFY2(result->error().message.contains(u"Cannot connect"_s),
             qPrintable(result->error().message));
    QVERIFY(result->error().message.contains(c.url));
}

void TestLdap::silentServerTimesOut_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::newRow("StartTLS") << u"ldap"_s;
    QTest::newRow("ldaps") << u"ldaps"_s;
}

void TestLdap::silentServerTimesOut()
{
    // The kernel accepts connections into the backlog; nobody ever answers.
    QFETCH(QString, scheme);
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    DirectoryConfig c = config();
    c.url = u"%1://127.0.0.1:%2"_s.arg(scheme).arg(silent.serverPort());
    c.timeoutSeconds = 1;
    auto result = bounded<Result<DirectoryLogin>>(
        [c]() { return Ldap::authenticate(c, u"alice"_s, Slapd::alicePassword); });
    QVERIFY2(result.has_value(), "authenticate hung against a silent server");
    QVERIFY(!result->ok());
    QCOMPARE(result->error().code, ErrorCode::Unavailable);
    QVERIFY2(result->error().message.contains(u"did not answer"_s),
             qPrintable(result->error().message));
}

void TestLdap::disabledServiceIsUnavailable()
{
    DirectoryConfig c = config();
    c.enabled = false;
    auto result = Ldap::authenticate(c, u"alice"_s, Slapd::alicePassword);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Unavailable);
    QVERIFY(result.error().message.contains(u"disabled"_s));
}

void TestLdap::serviceAccountRefused()
{
    DirectoryConfig c = config();
    c.bindPassword = u"not-the-service-password"_s;
    auto result = Ldap::authenticate(c, u"alice"_s, Slapd::alicePassword);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Unavailable);
    QVERIFY2(result.error().message.contains(u"the directory refused the service account"_s,
                                             Qt::CaseInsensitive),
             qPrintable(result.error().message));
    QVERIFY(!result.error().message.contains(c.bindPassword));
}

void TestLdap::testConnectionInWords()
{
    auto ok = Ldap::testConnection(config());
    QVERIFY2(ok.ok(), qPrintable(ok ? QString() : ok.error().message));
    QVERIFY2(ok->contains(u"StartTLS"_s) && ok->contains(Slapd::serviceDn) &&
                 ok->contains(Slapd::baseDn),
             qPrintable(*ok));

    DirectoryConfig badBase = config();
    badBase.userBase = u"ou=nowhere,dc=example,dc=test"_s;
    auto missing = Ldap::testConnection(badBase);
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().message.contains(u"ou=nowhere"_s) &&
                 missing.error().message.contains(u"does not exist"_s),
             qPrintable(missing.error().message));

    const auto login = Ldap::testSteps(config(), u"alice"_s, Slapd::alicePassword);
    QStringList names;
    for (const auto &step : login) {
        names << step.step;
        QVERIFY2(step.ok, qPrintable(step.step + u": "_s + step.message));
    }
    QCOMPARE(names, (QStringList{u"connect"_s, u"tls"_s, u"bind"_s, u"search"_s, u"login"_s,
                                 u"groups"_s}));
    QVERIFY2(login.last().message.contains(kOperators), qPrintable(login.last().message));

    const auto wrong = Ldap::testSteps(config(), u"alice"_s, u"wrong-password"_s);
    QCOMPARE(wrong.last().step, u"login"_s);
    QVERIFY(!wrong.last().ok);
    QVERIFY2(wrong.last().message.contains(u"refused the password"_s),
             qPrintable(wrong.last().message));
}

void TestLdap::validateRejectsBadSettings_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("http url") << u"url"_s << u"http://127.0.0.1:389"_s << u"ldaps://"_s;
    QTest::newRow("ldapi url") << u"url"_s << u"ldapi:///"_s << u"ldapi"_s;
    QTest::newRow("two urls") << u"url"_s << u"ldap://a ldap://b"_s << u"one URL"_s;
    QTest::newRow("no placeholder") << u"userFilter"_s << u"(uid=alice)"_s << u"{user}"_s;
    QTest::newRow("unbalanced") << u"userFilter"_s << u"(uid={user}"_s << u"balanced"_s;
    QTest::newRow("group filter") << u"groupFilter"_s << u"(member=x)"_s << u"{dn}"_s;
    QTest::newRow("bad base") << u"userBase"_s << u"not a dn"_s << u"not a valid DN"_s;
    QTest::newRow("bad bind dn") << u"bindDn"_s << u"=x"_s << u"not a valid DN"_s;
    QTest::newRow("no base") << u"userBase"_s << u""_s << u"missing"_s;
    QTest::newRow("timeout 0") << u"timeout"_s << u"0"_s << u"1 to 60"_s;
    QTest::newRow("timeout 61") << u"timeout"_s << u"61"_s << u"1 to 60"_s;
    QTest::newRow("ca missing") << u"caFile"_s << u"/nonexistent/ca.pem"_s << u"CA file"_s;
    QTest::newRow("ldaps insecure") << u"insecure"_s << u"ldaps://127.0.0.1:636"_s << u"insecure"_s;
    QTest::newRow("bad name") << u"name"_s << u"a b"_s << u"name"_s;
    QTest::newRow("bad mapping") << u"mapping"_s << u"not a dn"_s << u"not a valid DN"_s;
}

void TestLdap::validateRejectsBadSettings()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, mentions);
    DirectoryConfig c = config();
    if (field == u"url")
        c.url = value;
    else if (field == u"userFilter")
        c.userFilter = value;
    else if (field == u"groupFilter")
        c.groupFilter = value;
    else if (field == u"userBase")
        c.userBase = value;
    else if (field == u"bindDn")
        c.bindDn = value;
    else if (field == u"timeout")
        c.timeoutSeconds = value.toInt();
    else if (field == u"caFile")
        c.caFile = value;
    else if (field == u"name")
        c.name = value;
    else if (field == u"mapping")
        c.groupMapping = {{value, kOperators}};
    else if (field == u"insecure") {
        c.url = value;
        c.insecure = true;
    }
    const Status status = Ldap::validate(c);
    QVERIFY(!status.ok());
    QVERIFY2(status.error().message.contains(mentions), qPrintable(status.error().message));
}

std::unique_ptr<Database> TestLdap::openDatabase()
{
    static int counter = 0;
    auto url = DatabaseUrl::parse(u"sqlite:%1/db%2.sqlite"_s.arg(m_dir.path()).arg(++counter),
                                  m_dir.path());
    if (!url)
        return nullptr;
    auto db = Database::open(*url);
    if (!db) {
        qWarning() << db.error().message;
        return nullptr;
    }
    if (auto s = (*db)->migrate(); !s) {
        qWarning() << s.error().message;
        return nullptr;
    }
    return std::move(*db);
}

void TestLdap::storeSealsThePassword()
{
    auto db = openDatabase();
    QVERIFY(db);
    const Vault vault({{u"directory_services"_s, Vault::newKey()}});
    DirectoryStore store(*db, vault);

    DirectoryService service{config(), true, QDateTime::currentDateTimeUtc(),
                             QDateTime::currentDateTimeUtc()};
    service.config.description = u"Corporate directory"_s;
    QVERIFY(store.create(service).ok());
    auto duplicate = store.create(service);
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, ErrorCode::Conflict);

    QSqlQuery raw(db->connection());
    QVERIFY(raw.exec(u"SELECT bind_password, settings FROM directory_services"_s));
    QVERIFY(raw.next());
    const QString sealed = raw.value(0).toString();
    QVERIFY(!sealed.isEmpty());
    QVERIFY(!sealed.contains(Slapd::servicePassword));
    QVERIFY(!raw.value(1).toString().contains(Slapd::servicePassword));
    QVERIFY(raw.value(1).toString().contains(Slapd::serviceDn));

    auto listed = store.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QVERIFY(listed->first().hasBindPassword);
    QVERIFY(listed->first().config.bindPassword.isEmpty());

    auto loaded = store.get(u"corp"_s);
    QVERIFY(loaded.ok());
    QCOMPARE(loaded->config.bindPassword, Slapd::servicePassword);
    QCOMPARE(loaded->config.description, u"Corporate directory"_s);
    QCOMPARE(loaded->config.groupMapping, config().groupMapping);
    QCOMPARE(loaded->config.userFilter, config().userFilter);
    // What the store gives back signs in.
    QVERIFY(Ldap::authenticate(loaded->config, u"alice"_s, Slapd::alicePassword).ok());

    // Update without a password keeps the old one.
    DirectoryService changed = *loaded;
    changed.config.bindPassword.clear();
    changed.config.timeoutSeconds = 7;
    QVERIFY(store.update(changed).ok());
    auto kept = store.get(u"corp"_s);
    QVERIFY(kept.ok());
    QCOMPARE(kept->config.timeoutSeconds, 7);
    QCOMPARE(kept->config.bindPassword, Slapd::servicePassword);
    changed.config.bindPassword = u"a-new-service-password"_s;
    QVERIFY(store.update(changed).ok());
    QCOMPARE(store.get(u"corp"_s)->config.bindPassword, u"a-new-service-password"_s);

    // A sealed password copied into another row does not open there.
    DirectoryService other = service;
    other.config.name = u"other"_s;
    QVERIFY(store.create(other).ok());
    QSqlQuery copy(db->connection());
    QVERIFY(copy.prepare(u"UPDATE directory_services SET bind_password = "
                         "(SELECT bind_password FROM directory_services WHERE name = 'corp') "
                         "WHERE name = 'other'"_s));
    QVERIFY(copy.exec());
    auto moved = store.get(u"other"_s);
    QVERIFY(!moved.ok());
    QVERIFY(!moved.error().message.contains(u"a-new-service-password"_s));

    QVERIFY(store.remove(u"corp"_s).ok());
    QCOMPARE(store.get(u"corp"_s).error().code, ErrorCode::NotFound);
    QCOMPARE(store.remove(u"corp"_s).error().code, ErrorCode::NotFound);

    // Nothing in the database file holds a password in clear.
    db.reset();
    for (const QString &name : QDir(m_dir.path()).entryList(QDir::Files)) {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(!bytes.contains(Slapd::servicePassword.toUtf8()), qPrintable(name));
        QVERIFY2(!bytes.contains("a-new-service-password"), qPrintable(name));
    }
}

void TestLdap::routes()
{
    auto db = openDatabase();
    QVERIFY(db);
    EntityStore entities(*db);
    const Vault vault({{u"directory_services"_s, Vault::newKey()}});

    auto request = [](HttpMethod method, QStringList arguments, QJsonObject json = {}) {
        ApiRequest r;
        r.method = method;
        r.methodName = method == HttpMethod::Get    ? "GET"
                       : method == HttpMethod::Post ? "POST"
                       : method == HttpMethod::Put  ? "PUT"
                                                    : "DELETE";
        r.path = u"/api/"_s + arguments.join(u'/');
        r.arguments = std::move(arguments);
        r.json = std::move(json);
        r.user = u"Administrator"_s;
        r.administrator = true;
        return r;
    };
    auto runPlan = [&entities](const Result<RoutePlan> &plan) {
        if (!plan)
            return ApiResponse::fromError(plan.error());
        if (plan->immediate)
            return *plan->immediate;
        if (plan->prepare) {
            if (auto s = plan->prepare(); !s)
                return ApiResponse::fromError(s.error());
        }
        ApiResponse response = plan->work(entities);
        if (plan->afterStorage && response.status < 400)
            response = plan->afterStorage(response);
        return response;
    };
    const QStringList collection{u"DirectoryServices"_s};
    const QStringList item{u"DirectoryServices"_s, u"corp"_s};

    const DirectoryConfig c = config();
    QJsonObject body = DirectoryStore::settingsToJson(c);
    body.insert(u"name"_s, c.name);
    body.insert(u"description"_s, u"Corporate"_s);
    body.insert(u"bindPassword"_s, c.bindPassword);

    // Administrators only.
    ApiRequest notAdmin = request(HttpMethod::Get, collection);
    notAdmin.administrator = false;
    QCOMPARE(runPlan(Routes::directoryServices(notAdmin, vault)).status, 403);
    ApiRequest notAdminTest = request(HttpMethod::Post, item);
    notAdminTest.administrator = false;
    QCOMPARE(runPlan(Routes::directoryServiceTest(notAdminTest, vault)).status, 403);

    // Create: 201, no password in the answer.
    QJsonObject noPassword = body;
    noPassword.remove(u"bindPassword"_s);
    QCOMPARE(
        runPlan(Routes::directoryServices(request(HttpMethod::Post, collection, noPassword), vault))
            .status,
        400);
    ApiResponse created =
        runPlan(Routes::directoryServices(request(HttpMethod::Post, collection, body), vault));
    QCOMPARE(created.status, 201);
    QVERIFY(!created.body.toJson().contains(Slapd::servicePassword.toUtf8()));
    QVERIFY(!created.body.object().contains(u"bindPassword"_s));
    QCOMPARE(created.body.object().value(u"hasBindPassword"_s), QJsonValue(true));
    QCOMPARE(created.body.object().value(u"url"_s).toString(), c.url);

    // Validation errors are 400 with the reason.
    QJsonObject badFilter = body;
    badFilter.insert(u"name"_s, u"bad"_s);
    badFilter.insert(u"userFilter"_s, u"(uid=alice)"_s);
    ApiResponse bad =
        runPlan(Routes::directoryServices(request(HttpMethod::Post, collection, badFilter), vault));
    QCOMPARE(bad.status, 400);
    QVERIFY2(bad.body.toJson().contains("{user}"), bad.body.toJson().constData());
    QJsonObject typo = body;
    typo.insert(u"bindPasword"_s, u"x"_s);
    ApiResponse unknown =
        runPlan(Routes::directoryServices(request(HttpMethod::Post, collection, typo), vault));
    QCOMPARE(unknown.status, 400);
    QVERIFY(unknown.body.toJson().contains("bindPasword"));

    // Read back: list and one.
    ApiResponse list =
        runPlan(Routes::directoryServices(request(HttpMethod::Get, collection), vault));
    QCOMPARE(list.status, 200);
    QCOMPARE(list.body.object().value(u"items"_s).toArray().size(), 1);
    QVERIFY(!list.body.toJson().contains(Slapd::servicePassword.toUtf8()));
    ApiResponse one = runPlan(Routes::directoryServices(request(HttpMethod::Get, item), vault));
    QCOMPARE(one.status, 200);
    QCOMPARE(one.body.object().value(u"description"_s).toString(), u"Corporate"_s);

    // Update without a password keeps it: the test still signs in.
    QJsonObject update = one.body.object(); // as a client would send it back
    update.insert(u"timeoutSeconds"_s, 9);
    ApiResponse updated =
        runPlan(Routes::directoryServices(request(HttpMethod::Put, item, update), vault));
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.body.object().value(u"timeoutSeconds"_s).toInt(), 9);

    ApiResponse tested = runPlan(Routes::directoryServiceTest(
        request(HttpMethod::Post, item,
                {{u"user"_s, u"alice"_s}, {u"password"_s, Slapd::alicePassword}}),
        vault));
    QCOMPARE(tested.status, 200);
    const QJsonObject result = tested.body.object();
    QVERIFY2(result.value(u"ok"_s).toBool(), tested.body.toJson().constData());
    const QJsonArray steps = result.value(u"steps"_s).toArray();
    QCOMPARE(steps.size(), 6);
    QCOMPARE(steps.at(0).toObject().value(u"step"_s).toString(), u"connect"_s);
    QVERIFY(!steps.at(0).toObject().value(u"message"_s).toString().isEmpty());
    QVERIFY(!tested.body.toJson().contains(Slapd::servicePassword.toUtf8()));
    QVERIFY(!tested.body.toJson().contains(Slapd::alicePassword.toUtf8()));

    ApiResponse wrong = runPlan(Routes::directoryServiceTest(
        request(HttpMethod::Post, item, {{u"user"_s, u"alice"_s}, {u"password"_s, u"nope"_s}}),
        vault));
    QCOMPARE(wrong.status, 200);
    QCOMPARE(wrong.body.object().value(u"ok"_s), QJsonValue(false));

    ApiResponse missing = runPlan(Routes::directoryServiceTest(
        request(HttpMethod::Post, {u"DirectoryServices"_s, u"nothing"_s}), vault));
    QCOMPARE(missing.status, 404);

    QCOMPARE(runPlan(Routes::directoryServices(request(HttpMethod::Delete, item), vault)).status,
             204);
    QCOMPARE(runPlan(Routes::directoryServices(request(HttpMethod::Get, item), vault)).status, 404);
}

QTEST_GUILESS_MAIN(TestLdap)
#include "tst_ldap.moc"
