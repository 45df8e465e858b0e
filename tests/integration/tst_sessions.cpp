// Sessions over REST against the real server: sign-in, the bearer token and
// the __Host- cookie (with its CSRF token for writes), logout, timeouts,
// sessions ending when a user is disabled or its password changes, changing
// one's own password, and what a non-administrator may do.
#include "HeadlessServer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkCookie>
#include <QTest>
#include <QWebSocket>

using namespace BulwarkTest;

namespace {

const QByteArray kCookieName = "__Host-bulwark_session";

// Passwords the policy accepts: long, no dictionary words, no user names.
const QString kUserPassword = u"Tq9-vWx4-Lm7z-Rb2k"_s;
const QString kOtherPassword = u"Hj3%kPz8-Qv6!nRw2"_s;

struct Session
{
    QByteArray token;
    QByteArray csrfToken;
    QJsonObject answer;
};

Request loginRequest(const QString &user, const QString &password)
{
    return Request("POST", u"/api/auth/login"_s,
                   jsonBody({{"user"_L1, user}, {"password"_L1, password}}), "application/json")
        .withCredentials(std::nullopt);
}

// Signs in; on failure, token is empty and answer holds the error.
Session signIn(const HeadlessServer &server, const QString &user, const QString &password)
{
    const Answer answer = server.request(loginRequest(user, password));
    Session session;
    session.answer = answer.json();
    if (answer.status == 200) {
        session.token = answer.json().value("token"_L1).toString().toLatin1();
        session.csrfToken = answer.json().value("csrfToken"_L1).toString().toLatin1();
    }
    return session;
}

Request withCookie(Request request, const QByteArray &token)
{
    return request.withCredentials(std::nullopt).withHeader("Cookie", kCookieName + '=' + token);
}

// The attributes of a Set-Cookie header: name=value first, then the
// attributes by lower-case name (a flag maps to an empty value).
struct SetCookie
{
    QByteArray name;
    QByteArray value;
    QMap<QByteArray, QByteArray> attributes;
};

SetCookie parseSetCookie(const QByteArray &header)
{
    SetCookie cookie;
    const QList<QByteArray> parts = header.split(';');
    const QByteArray first = parts.value(0).trimmed();
    cookie.name = first.left(first.indexOf('='));
    cookie.value = first.mid(first.indexOf('=') + 1);
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray part = parts.at(i).trimmed();
        const qsizetype eq = part.indexOf('=');
        cookie.attributes.insert((eq < 0 ? part : part.left(eq)).toLower(),
                                 eq < 0 ? QByteArray() : part.mid(eq + 1));
    }
    return cookie;
}

QString sessionUser(const HeadlessServer &server, const QByteArray &token, int *status)
{
    const Answer answer = server.request(Request("GET", u"/api/auth/session"_s).withBearer(token));
    *status = answer.status;
    return answer.json().value("user"_L1).toString();
}

int statusWithToken(const HeadlessServer &server, const QByteArray &token,
                    const QString &path = u"/api/auth/session"_s)
{
    return server.request(Request("GET", path).withBearer(token)).status;
}

} // namespace

class TestSessions final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void loginGivesTokenAndCookie();
    void bearerTokenSignsIn();
    void cookieReadsWithoutCsrfToken();
    void cookieWritesNeedCsrfToken_data();
    void cookieWritesNeedCsrfToken();
    void bearerWritesNeedNoCsrfToken();
    void logoutEndsSession();
    void cookieLogoutNeedsCsrfToken();
    void logoutWithBasicIsRefused();
    void failedLoginsLookAlike();
    void loginBodyIsChecked();
    void disablingUserEndsSessions();
    void passwordResetEndsSessions();
    void changeOwnPassword();
    void credentialsInUrlAreRefused_data();
    void credentialsInUrlAreRefused();
    void nonAdministratorSession();
    void basicKeepsWorking();
    void crossSiteWritesAreRefused();
    void idleTimeout();
    void absoluteLifetime();

private:
    void createUser(const QString &name, const QString &password);

    std::unique_ptr<HeadlessServer> m_server;
};

void TestSessions::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestSessions::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestSessions::createUser(const QString &name, const QString &password)
{
    const Answer created =
        m_server->post(u"/api/Users"_s, {{"name"_L1, name}, {"password"_L1, password}});
    QVERIFY2(created.status == 201, created.body.constData());
}

void TestSessions::loginGivesTokenAndCookie()
{
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const Answer answer = m_server->request(loginRequest(kAdministrator, kAdminPassword));
    QCOMPARE(answer.status, 200);
    const QJsonObject json = answer.json();
    QCOMPARE(json.value("user"_L1).toString(), kAdministrator);
    QCOMPARE(json.value("administrator"_L1).toBool(false), true);
    QCOMPARE(json.value("idleTimeoutSeconds"_L1).toInt(), 30 * 60);

    // At least 256 bits from the CSPRNG (43 base64url characters), prefixed.
    const QString token = json.value("token"_L1).toString();
    static const QRegularExpression tokenShape(u"^bws_[A-Za-z0-9_-]{43,}$"_s);
    QVERIFY2(tokenShape.match(token).hasMatch(), qPrintable(token));
    const QString csrf = json.value("csrfToken"_L1).toString();
    static const QRegularExpression csrfShape(u"^[A-Za-z0-9_-]{43,}$"_s);
    QVERIFY2(csrfShape.match(csrf).hasMatch(), qPrintable(csrf));
    QVERIFY(!token.contains(csrf));

    // Absolute lifetime: 12 hours by default.
    const QDateTime expires =
        QDateTime::fromString(json.value("expires"_L1).toString(), Qt::ISODateWithMs);
    QVERIFY2(expires.isValid(), qPrintable(json.value("expires"_L1).toString()));
    QVERIFY(expires >= before.addSecs(12 * 3600 - 60));
    QVERIFY(expires <= QDateTime::currentDateTimeUtc().addSecs(12 * 3600 + 60));

    // The cookie a browser keeps: host-only, secure, not for scripts, not
    // sent by other sites.
    const SetCookie cookie = parseSetCookie(answer.header("Set-Cookie"));
    QCOMPARE(cookie.name, kCookieName);
    QCOMPARE(cookie.value, token.toLatin1());
    QVERIFY(cookie.attributes.contains("secure"));
    QVERIFY(cookie.attributes.contains("httponly"));
    QCOMPARE(cookie.attributes.value("samesite").toLower(), QByteArray("strict"));
    QCOMPARE(cookie.attributes.value("path"), QByteArray("/"));
    QVERIFY(!cookie.attributes.contains("domain"));
    // Qt's own parser agrees.
    const auto parsed = QNetworkCookie::parseCookies(answer.header("Set-Cookie"));
    QCOMPARE(parsed.size(), 1);
    QVERIFY(parsed.first().isSecure());
    QVERIFY(parsed.first().isHttpOnly());
    QCOMPARE(parsed.first().sameSitePolicy(), QNetworkCookie::SameSite::Strict);
    QVERIFY(parsed.first().domain().isEmpty());

    // Two sign-ins, two different sessions.
    const Session second = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!second.token.isEmpty());
    QVERIFY(second.token != token.toLatin1());
    QVERIFY(second.csrfToken != csrf.toLatin1());
}

void TestSessions::bearerTokenSignsIn()
{
    const Session session = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!session.token.isEmpty());
    const Answer things =
        m_server->request(Request("GET", u"/api/Things"_s).withBearer(session.token));
    QCOMPARE(things.status, 200);
    QVERIFY(things.json().value("items"_L1).isArray());

    const Answer info =
        m_server->request(Request("GET", u"/api/auth/session"_s).withBearer(session.token));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value("user"_L1).toString(), kAdministrator);
    QCOMPARE(info.json().value("method"_L1).toString(), u"session"_s);
    QCOMPARE(info.json().value("administrator"_L1).toBool(false), true);

    // A made-up token of the right shape is refused.
    QCOMPARE(statusWithToken(*m_server, "bws_" + QByteArray(43, 'A'), u"/api/Things"_s), 401);
}

void TestSessions::cookieReadsWithoutCsrfToken()
{
    const Session session = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!session.token.isEmpty());
    QCOMPARE(m_server->request(withCookie({"GET", u"/api/Things"_s}, session.token)).status, 200);
    const Answer info =
        m_server->request(withCookie({"GET", u"/api/auth/session"_s}, session.token));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value("method"_L1).toString(), u"cookie"_s);
    QCOMPARE(info.json().value("user"_L1).toString(), kAdministrator);

    // Among other cookies, as a browser sends it.
    const Answer among =
        m_server->request(Request("GET", u"/api/auth/session"_s)
                              .withCredentials(std::nullopt)
                              .withHeader("Cookie", "theme=dark; " + kCookieName + '=' +
                                                        session.token + "; lang=en"));
    QCOMPARE(among.status, 200);
    QCOMPARE(among.json().value("method"_L1).toString(), u"cookie"_s);

    // A cookie of another name is not a session.
    const Answer other =
        m_server->request(Request("GET", u"/api/Things"_s)
                              .withCredentials(std::nullopt)
                              .withHeader("Cookie", "bulwark_session=" + session.token));
    QCOMPARE(other.status, 401);
}

void TestSessions::cookieWritesNeedCsrfToken_data()
{
    QTest::addColumn<QByteArray>("csrfHeader"); // "-": none; "=": the right one
    QTest::addColumn<bool>("allowed");
    QTest::newRow("no token") << QByteArray("-") << false;
    QTest::newRow("empty token") << QByteArray("") << false;
    QTest::newRow("wrong token") << QByteArray("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                                 << false;
    QTest::newRow("session token as CSRF token") << QByteArray("session") << false;
    QTest::newRow("right token") << QByteArray("=") << true;
}

void TestSessions::cookieWritesNeedCsrfToken()
{
    QFETCH(QByteArray, csrfHeader);
    QFETCH(bool, allowed);
    const Session session = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!session.token.isEmpty());
    const auto withCsrf = [&](Request request) {
        request = withCookie(std::move(request), session.token);
        if (csrfHeader == "=")
            return request.withHeader("X-CSRF-Token", session.csrfToken);
        if (csrfHeader == "session")
            return request.withHeader("X-CSRF-Token", session.token);
        if (csrfHeader != "-")
            return request.withHeader("X-CSRF-Token", csrfHeader);
        return request;
    };
    const QString name = u"Csrf%1"_s.arg(QString::fromLatin1(QTest::currentDataTag())).remove(u' ');
    const QString path = u"/api/Things/"_s + name;
    // The thing exists for PUT and DELETE however POST fared.
    const auto check = [&](const Answer &answer, int success) {
        if (allowed) {
            QVERIFY2(answer.status == success, answer.body.constData());
        } else {
            QCOMPARE(answer.status, 403);
            QCOMPARE(answer.errorCode(), u"forbidden"_s);
            QVERIFY2(answer.errorMessage().contains(u"X-CSRF-Token"_s),
                     qPrintable(answer.errorMessage()));
        }
    };

    const Answer created = m_server->request(
        withCsrf({"POST", u"/api/Things"_s, jsonBody({{"name"_L1, name}}), "application/json"}));
    check(created, 201);
    QCOMPARE(m_server->get(path).status, allowed ? 200 : 404);
    if (!allowed)
        QCOMPARE(m_server->post(u"/api/Things"_s, {{"name"_L1, name}}).status, 201);

    const Answer updated = m_server->request(
        withCsrf({"PUT", path, jsonBody({{"description"_L1, "changed"_L1}}), "application/json"}));
    check(updated, 200);
    QCOMPARE(m_server->get(path).json().value("description"_L1).toString(),
             allowed ? u"changed"_s : QString());

    const Answer removed = m_server->request(withCsrf({"DELETE", path}));
    check(removed, 204);
    QCOMPARE(m_server->get(path).status, allowed ? 404 : 200);
    if (!allowed)
        QCOMPARE(m_server->remove(path).status, 204);
}

void TestSessions::bearerWritesNeedNoCsrfToken()
{
    // A bearer token is never sent by a browser on its own: no CSRF token.
    const Session session = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!session.token.isEmpty());
    const Answer created =
        m_server->request(Request("POST", u"/api/Things"_s,
                                  jsonBody({{"name"_L1, "BearerThing"_L1}}), "application/json")
                              .withBearer(session.token));
    QCOMPARE(created.status, 201);
    QCOMPARE(
        m_server->request(Request("DELETE", u"/api/Things/BearerThing"_s).withBearer(session.token))
            .status,
        204);
}

void TestSessions::logoutEndsSession()
{
    const Session session = signIn(*m_server, kAdministrator, kAdminPassword);
    const Session other = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!session.token.isEmpty());
    QCOMPARE(statusWithToken(*m_server, session.token), 200);

    const Answer logout =
        m_server->request(Request("POST", u"/api/auth/logout"_s).withBearer(session.token));
    QCOMPARE(logout.status, 204);
    // The browser is told to drop the cookie.
    const SetCookie cleared = parseSetCookie(logout.header("Set-Cookie"));
    QCOMPARE(cleared.name, kCookieName);
    QVERIFY(cleared.value.isEmpty());
    QCOMPARE(cleared.attributes.value("max-age"), QByteArray("0"));
    QCOMPARE(cleared.attributes.value("path"), QByteArray("/"));
    QVERIFY(cleared.attributes.contains("secure"));

    // Ended on the server: neither as bearer nor as cookie.
    QCOMPARE(statusWithToken(*m_server, session.token, u"/api/Things"_s), 401);
    const Answer info =
        m_server->request(Request("GET", u"/api/auth/session"_s).withBearer(session.token));
    QCOMPARE(info.status, 401);
    QCOMPARE(info.errorCode(), u"unauthorized"_s);
    QCOMPARE(m_server->request(withCookie({"GET", u"/api/Things"_s}, session.token)).status, 401);
    // A second logout has nothing to end.
    QCOMPARE(
        m_server->request(Request("POST", u"/api/auth/logout"_s).withBearer(session.token)).status,
        401);
    // Only that session ended.
    QCOMPARE(statusWithToken(*m_server, other.token), 200);
}

void TestSessions::cookieLogoutNeedsCsrfToken()
{
    // Otherwise another site could sign the user out.
    const Session session = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!session.token.isEmpty());
    const Answer refused =
        m_server->request(withCookie({"POST", u"/api/auth/logout"_s}, session.token));
    QCOMPARE(refused.status, 403);
    QCOMPARE(statusWithToken(*m_server, session.token), 200);
    const Answer logout =
        m_server->request(withCookie({"POST", u"/api/auth/logout"_s}, session.token)
                              .withHeader("X-CSRF-Token", session.csrfToken));
    QCOMPARE(logout.status, 204);
    QCOMPARE(statusWithToken(*m_server, session.token), 401);
}

void TestSessions::logoutWithBasicIsRefused()
{
    const Answer answer = m_server->request({"POST", u"/api/auth/logout"_s});
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.errorCode(), u"bad-request"_s);
    QVERIFY2(answer.errorMessage().contains(u"basic"_s, Qt::CaseInsensitive),
             qPrintable(answer.errorMessage()));
    // Basic still works afterwards.
    QCOMPARE(m_server->get(u"/api/Things"_s).status, 200);
}

void TestSessions::failedLoginsLookAlike()
{
    createUser(u"harriet"_s, kUserPassword);
    const Answer wrongPassword = m_server->request(loginRequest(u"harriet"_s, kOtherPassword));
    const Answer unknownUser = m_server->request(loginRequest(u"nobody-here"_s, kOtherPassword));
    QCOMPARE(wrongPassword.status, 401);
    QCOMPARE(unknownUser.status, 401);
    QCOMPARE(wrongPassword.body, unknownUser.body);
    QCOMPARE(wrongPassword.errorCode(), u"unauthorized"_s);
    QVERIFY(!wrongPassword.errorMessage().isEmpty());
    QVERIFY(wrongPassword.header("Set-Cookie").isEmpty());
    QVERIFY(unknownUser.header("Set-Cookie").isEmpty());
    QVERIFY(!wrongPassword.json().contains("token"_L1));
    // The same with Basic.
    const Answer basicWrong =
        m_server->request(Request("GET", u"/api/Things"_s)
                              .withCredentials(Credentials{u"harriet"_s, kOtherPassword}));
    const Answer basicUnknown =
        m_server->request(Request("GET", u"/api/Things"_s)
                              .withCredentials(Credentials{u"nobody-here"_s, kOtherPassword}));
    QCOMPARE(basicWrong.status, 401);
    QCOMPARE(basicUnknown.status, 401);
    QCOMPARE(basicWrong.body, basicUnknown.body);
    // The right password still signs in (one failure is far from a lockout).
    QVERIFY(!signIn(*m_server, u"harriet"_s, kUserPassword).token.isEmpty());
}

void TestSessions::loginBodyIsChecked()
{
    const Answer missing =
        m_server->request(Request("POST", u"/api/auth/login"_s,
                                  jsonBody({{"user"_L1, kAdministrator}}), "application/json")
                              .withCredentials(std::nullopt));
    QCOMPARE(missing.status, 400);
    QVERIFY2(missing.errorMessage().contains(u"password"_s), qPrintable(missing.errorMessage()));
    const Answer get =
        m_server->request(Request("GET", u"/api/auth/login"_s).withCredentials(std::nullopt));
    QCOMPARE(get.status, 405);
}

void TestSessions::disablingUserEndsSessions()
{
    createUser(u"dora"_s, kUserPassword);
    const Session first = signIn(*m_server, u"dora"_s, kUserPassword);
    const Session second = signIn(*m_server, u"dora"_s, kUserPassword);
    const Session admin = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!first.token.isEmpty());
    QVERIFY(!second.token.isEmpty());
    int status = 0;
    QCOMPARE(sessionUser(*m_server, first.token, &status), u"dora"_s);
    QCOMPARE(status, 200);
    // Basic remembered before the change.
    const Credentials dora{u"dora"_s, kUserPassword};
    QCOMPARE(m_server->request(Request("GET", u"/api/auth/session"_s).withCredentials(dora)).status,
             200);

    const Answer disabled = m_server->put(u"/api/Users/dora"_s, {{"enabled"_L1, false}});
    QCOMPARE(disabled.status, 200);
    QCOMPARE(statusWithToken(*m_server, first.token), 401);
    QCOMPARE(statusWithToken(*m_server, second.token), 401);
    QCOMPARE(m_server->request(Request("GET", u"/api/auth/session"_s).withCredentials(dora)).status,
             401);
    QCOMPARE(m_server->request(loginRequest(u"dora"_s, kUserPassword)).status, 401);
    // Other users' sessions go on.
    QCOMPARE(statusWithToken(*m_server, admin.token), 200);

    QCOMPARE(m_server->put(u"/api/Users/dora"_s, {{"enabled"_L1, true}}).status, 200);
    // Enabling again does not bring the old sessions back.
    QCOMPARE(statusWithToken(*m_server, first.token), 401);
    QVERIFY(!signIn(*m_server, u"dora"_s, kUserPassword).token.isEmpty());
}

void TestSessions::passwordResetEndsSessions()
{
    createUser(u"erin"_s, kUserPassword);
    const Session session = signIn(*m_server, u"erin"_s, kUserPassword);
    QVERIFY(!session.token.isEmpty());
    const Credentials oldBasic{u"erin"_s, kUserPassword};
    QCOMPARE(
        m_server->request(Request("GET", u"/api/Users/erin"_s).withCredentials(oldBasic)).status,
        200);

    const Answer reset = m_server->put(u"/api/Users/erin"_s, {{"password"_L1, kOtherPassword}});
    QVERIFY2(reset.status == 200, reset.body.constData());
    QCOMPARE(statusWithToken(*m_server, session.token), 401);
    // The remembered Basic check went with the old password.
    QCOMPARE(
        m_server->request(Request("GET", u"/api/Users/erin"_s).withCredentials(oldBasic)).status,
        401);
    QCOMPARE(m_server
                 ->request(Request("GET", u"/api/Users/erin"_s)
                               .withCredentials(Credentials{u"erin"_s, kOtherPassword}))
                 .status,
             200);
    QVERIFY(!signIn(*m_server, u"erin"_s, kOtherPassword).token.isEmpty());
}

void TestSessions::changeOwnPassword()
{
    createUser(u"frank"_s, kUserPassword);
    const Session session = signIn(*m_server, u"frank"_s, kUserPassword);
    const Session elsewhere = signIn(*m_server, u"frank"_s, kUserPassword);
    QVERIFY(!session.token.isEmpty());
    const auto change = [&](const QString &current, const QString &next) {
        return m_server->request(
            Request("POST", u"/api/auth/password"_s,
                    jsonBody({{"currentPassword"_L1, current}, {"newPassword"_L1, next}}),
                    "application/json")
                .withBearer(session.token));
    };

    const Answer wrongCurrent = change(kOtherPassword, u"Zx4-Qm8v-Pn2w-Ky6t"_s);
    QCOMPARE(wrongCurrent.status, 401);
    QCOMPARE(statusWithToken(*m_server, session.token), 200);

    const Answer tooShort = change(kUserPassword, u"Zx4-Qm8v"_s);
    QCOMPARE(tooShort.status, 400);
    QVERIFY2(tooShort.errorMessage().contains(u"at least 12"_s),
             qPrintable(tooShort.errorMessage()));
    const Answer common = change(kUserPassword, u"Password2024!"_s);
    QCOMPARE(common.status, 400);
    QVERIFY2(common.errorMessage().contains(u"common"_s), qPrintable(common.errorMessage()));
    const Answer withName = change(kUserPassword, u"frank-Zx4-Qm8v-Pn2w"_s);
    QCOMPARE(withName.status, 400);
    QVERIFY2(withName.errorMessage().contains(u"user name"_s), qPrintable(withName.errorMessage()));
    const Answer missing = m_server->request(Request("POST", u"/api/auth/password"_s,
                                                     jsonBody({{"newPassword"_L1, kOtherPassword}}),
                                                     "application/json")
                                                 .withBearer(session.token));
    QCOMPARE(missing.status, 400);
    QVERIFY2(missing.errorMessage().contains(u"currentPassword"_s),
             qPrintable(missing.errorMessage()));
    // Refusals changed nothing.
    QCOMPARE(statusWithToken(*m_server, session.token), 200);

    const Answer changed = change(kUserPassword, kOtherPassword);
    QVERIFY2(changed.status == 204, changed.body.constData());
    // Every session of the user ends, including the one that changed it.
    QCOMPARE(statusWithToken(*m_server, session.token), 401);
    QCOMPARE(statusWithToken(*m_server, elsewhere.token), 401);
    QCOMPARE(m_server->request(loginRequest(u"frank"_s, kUserPassword)).status, 401);
    const Session again = signIn(*m_server, u"frank"_s, kOtherPassword);
    QVERIFY(!again.token.isEmpty());
    QCOMPARE(statusWithToken(*m_server, again.token), 200);
}

void TestSessions::credentialsInUrlAreRefused_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("named");
    QTest::newRow("appKey") << u"appKey=bwk_x"_s << u"appKey"_s;
    QTest::newRow("appkey") << u"appkey=bwk_x"_s << u"appkey"_s;
    QTest::newRow("token") << u"token=bws_x"_s << u"token"_s;
    QTest::newRow("access_token") << u"limit=1&access_token=x"_s << u"access_token"_s;
}

void TestSessions::credentialsInUrlAreRefused()
{
    QFETCH(QString, query);
    QFETCH(QString, named);
    // Refused even with valid credentials in the headers.
    const Answer answer = m_server->get(u"/api/Things"_s);
    QCOMPARE(answer.status, 200);
    QNetworkAccessManager network;
    QUrl url = m_server->url(u"/api/Things"_s);
    url.setQuery(query);
    Request request("GET", u"/api/Things"_s);
    QNetworkRequest networkRequest = m_server->networkRequest(request);
    networkRequest.setUrl(url);
    std::unique_ptr<QNetworkReply> reply(network.get(networkRequest));
    SignalWaiter waiter;
    waiter.wakeOn(reply.get(), &QNetworkReply::finished);
    QVERIFY(waiter.waitFor([&] { return reply->isFinished(); }));
    const Answer refused = HeadlessServer::answerOf(*reply);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorCode(), u"bad-request"_s);
    QVERIFY2(refused.errorMessage().contains(u"URL"_s), qPrintable(refused.errorMessage()));
    QVERIFY2(refused.errorMessage().contains(named), qPrintable(refused.errorMessage()));
    QVERIFY2(refused.errorMessage().contains(u"header"_s), qPrintable(refused.errorMessage()));
}

void TestSessions::nonAdministratorSession()
{
    createUser(u"gina"_s, kUserPassword);
    const Answer login = m_server->request(loginRequest(u"gina"_s, kUserPassword));
    QCOMPARE(login.status, 200);
    QCOMPARE(login.json().value("administrator"_L1).toBool(true), false);
    const QByteArray token = login.json().value("token"_L1).toString().toLatin1();

    const Answer self = m_server->request(Request("GET", u"/api/Users/gina"_s).withBearer(token));
    QCOMPARE(self.status, 200);
    QCOMPARE(self.json().value("name"_L1).toString(), u"gina"_s);
    QVERIFY(!self.json().contains("password"_L1));

    // Default deny: nothing is granted, so lists show only what is one's own,
    // and someone else's user does not exist for gina.
    const Answer things = m_server->request(Request("GET", u"/api/Things"_s).withBearer(token));
    QCOMPARE(things.status, 200);
    QVERIFY(things.json().value("items"_L1).toArray().isEmpty());
    const Answer users = m_server->request(Request("GET", u"/api/Users"_s).withBearer(token));
    QCOMPARE(users.status, 200);
    const QJsonArray listed = users.json().value("items"_L1).toArray();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.at(0).toObject().value("name"_L1).toString(), u"gina"_s);
    const Answer otherUser =
        m_server->request(Request("GET", u"/api/Users/Administrator"_s).withBearer(token));
    QCOMPARE(otherUser.status, 404);
    const Answer missing =
        m_server->request(Request("GET", u"/api/Users/NoSuchUser"_s).withBearer(token));
    QCOMPARE(otherUser.json().value("error"_L1).toObject().value("message"_L1).toString(),
             missing.json()
                 .value("error"_L1)
                 .toObject()
                 .value("message"_L1)
                 .toString()
                 .replace(u"NoSuchUser"_s, u"Administrator"_s));
    // Reading oneself is not writing oneself.
    const Answer promote = m_server->request(
        Request("PUT", u"/api/Users/gina"_s, jsonBody({{"enabled"_L1, true}}), "application/json")
            .withBearer(token));
    QCOMPARE(promote.status, 403);

    const Answer info = m_server->request(Request("GET", u"/api/auth/session"_s).withBearer(token));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value("user"_L1).toString(), u"gina"_s);
    QCOMPARE(info.json().value("method"_L1).toString(), u"session"_s);
    QCOMPARE(info.json().value("administrator"_L1).toBool(true), false);
}

void TestSessions::basicKeepsWorking()
{
    const Session session = signIn(*m_server, kAdministrator, kAdminPassword);
    QVERIFY(!session.token.isEmpty());
    // Basic on every request, before and after sign-ins and sign-outs.
    for (int i = 0; i < 5; ++i) {
        const Answer info = m_server->get(u"/api/auth/session"_s);
        QCOMPARE(info.status, 200);
        QCOMPARE(info.json().value("method"_L1).toString(), u"basic"_s);
        QCOMPARE(m_server->get(u"/api/Things"_s).status, 200);
    }
    QCOMPARE(
        m_server->request(Request("POST", u"/api/auth/logout"_s).withBearer(session.token)).status,
        204);
    QCOMPARE(m_server->get(u"/api/Things"_s).status, 200);
    // Basic wins over a stale cookie sent alongside.
    const Answer both =
        m_server->request(Request("GET", u"/api/auth/session"_s)
                              .withHeader("Cookie", kCookieName + '=' + session.token));
    QCOMPARE(both.status, 200);
    QCOMPARE(both.json().value("method"_L1).toString(), u"basic"_s);
}

// A page of another site cannot make a browser write with the credentials it
// holds (remembered Basic, like a cookie): a foreign Origin or a cross-site
// fetch is refused before anything else; reads and same-origin writes go on.
void TestSessions::crossSiteWritesAreRefused()
{
    const QByteArray host = m_server->url(u"/"_s).authority().toLatin1();
    const QJsonObject thing{{"name"_L1, "FromElsewhere"_L1}};
    const Answer foreign =
        m_server->request(Request("POST", u"/api/Things"_s, jsonBody(thing), "application/json")
                              .withHeader("Origin", "https://evil.example"));
    QCOMPARE(foreign.status, 403);
    QCOMPARE(foreign.errorCode(), u"forbidden-origin"_s);
    const Answer emptyBody = m_server->request(
        Request("POST", u"/api/Users/Administrator/Unlock"_s).withHeader("Origin", "null"));
    QCOMPARE(emptyBody.status, 403);
    const Answer fetched = m_server->request(Request("DELETE", u"/api/Things/FromElsewhere"_s)
                                                 .withHeader("Sec-Fetch-Site", "cross-site"));
    QCOMPARE(fetched.status, 403);
    QCOMPARE(m_server->get(u"/api/Things/FromElsewhere"_s).status, 404);
    // The server's own pages, and clients that send no Origin, may write.
    const Answer same =
        m_server->request(Request("POST", u"/api/Things"_s, jsonBody(thing), "application/json")
                              .withHeader("Origin", "https://" + host)
                              .withHeader("Sec-Fetch-Site", "same-origin"));
    QCOMPARE(same.status, 201);
    QCOMPARE(m_server->remove(u"/api/Things/FromElsewhere"_s).status, 204);
    // Reads from anywhere are not writes.
    QCOMPARE(
        m_server
            ->request(Request("GET", u"/api/Things"_s).withHeader("Origin", "https://evil.example"))
            .status,
        200);
}

// Idle timeout 5 s: a session used every 2 s lives on past it; one left
// unused for 7 s has ended. Bounds come from the client's clock around each
// request, so a slow machine makes a check inconclusive, never wrong.
void TestSessions::idleTimeout()
{
    constexpr qint64 idleMs = 5000;
    HeadlessServer server;
    QVERIFY(server.writeConfig("[sessions]\nidle_timeout_seconds=5\n"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    QElapsedTimer clock;
    clock.start();
    const Answer login = server.request(loginRequest(kAdministrator, kAdminPassword));
    const qint64 loginAnswered = clock.elapsed();
    QCOMPARE(login.status, 200);
    QCOMPARE(login.json().value("idleTimeoutSeconds"_L1).toInt(), 5);
    const QByteArray token = login.json().value("token"_L1).toString().toLatin1();
    const Answer unusedLogin = server.request(loginRequest(kAdministrator, kAdminPassword));
    const QByteArray unused = unusedLogin.json().value("token"_L1).toString().toLatin1();
    const qint64 unusedMadeBy = clock.elapsed(); // made at or before this

    qint64 previousSent = 0; // the session was made after the clock started
    qint64 provenAge = 0;    // the session's age, at least, when last shown in use
    while (clock.elapsed() < 9000) {
        QTest::qWait(2000);
        const qint64 sent = clock.elapsed();
        const int status = statusWithToken(server, token, u"/api/Things"_s);
        const qint64 received = clock.elapsed();
        // At most received - previousSent went by without a use.
        if (received - previousSent < idleMs - 500) {
            QVERIFY2(status == 200, qPrintable(u"the session ended while in use, %1 ms after "
                                               "the previous use"_s.arg(received - previousSent)));
            provenAge = sent - loginAnswered;
        } else if (status != 200) {
            QSKIP("The machine is too slow to keep the session in use every 2 s.");
        }
        previousSent = sent;
    }
    QVERIFY2(provenAge > idleMs + 1000, "the session was never shown alive past its idle timeout");

    // The other session was left alone for longer than the idle timeout.
    const qint64 idleFor = clock.elapsed() - unusedMadeBy;
    QVERIFY(idleFor > 7000);
    const Answer ended = server.request(Request("GET", u"/api/Things"_s).withBearer(unused));
    QCOMPARE(ended.status, 401);
    QCOMPARE(ended.errorCode(), u"unauthorized"_s);
    QVERIFY2(ended.errorMessage().contains(u"timed out"_s), qPrintable(ended.errorMessage()));
    // The session in use ends too once left alone.
    QTest::qWait(7000);
    QCOMPARE(statusWithToken(server, token), 401);
    QCOMPARE(server.stop(), 0);
}

// Absolute lifetime 6 s: a session used every 2 s still ends after 6 s.
void TestSessions::absoluteLifetime()
{
    constexpr qint64 lifetimeMs = 6000;
    HeadlessServer server;
    QVERIFY(server.writeConfig("[sessions]\nlifetime_seconds=6\n"));
    QVERIFY2(server.start(), qPrintable(server.errorString()));

    QElapsedTimer clock;
    clock.start();
    const Answer login = server.request(loginRequest(kAdministrator, kAdminPassword));
    const qint64 loginAnswered = clock.elapsed();
    QCOMPARE(login.status, 200);
    const QByteArray token = login.json().value("token"_L1).toString().toLatin1();
    const QDateTime expires =
        QDateTime::fromString(login.json().value("expires"_L1).toString(), Qt::ISODateWithMs);
    QVERIFY(expires <= QDateTime::currentDateTimeUtc().addSecs(7));
    // The cookie does not outlive the session either.
    QCOMPARE(parseSetCookie(login.header("Set-Cookie")).attributes.value("max-age"),
             QByteArray("6"));
    // A live stream opened with the session ends with it too.
    QWebSocket stream;
    stream.setSslConfiguration(server.sslConfiguration());
    QNetworkRequest upgrade(server.url(u"/api/events"_s, u"wss"_s));
    upgrade.setRawHeader("Authorization", "Bearer " + token);
    bool streamClosed = false;
    QObject::connect(&stream, &QWebSocket::disconnected, &stream, [&] { streamClosed = true; });
    stream.open(upgrade);
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), QAbstractSocket::ConnectedState, kTimeoutMs);

    bool ended = false;
    bool usedAfterStart = false;
    while (!ended && clock.elapsed() < 30000) {
        QTest::qWait(2000);
        const qint64 sent = clock.elapsed();
        const int status = statusWithToken(server, token, u"/api/Things"_s);
        const qint64 received = clock.elapsed();
        if (received < lifetimeMs - 500) {
            // Certainly younger than its lifetime.
            QCOMPARE(status, 200);
            usedAfterStart = true;
        } else if (sent - loginAnswered > lifetimeMs + 500) {
            // Certainly older.
            QCOMPARE(status, 401);
            ended = true;
        } else {
            QVERIFY(status == 200 || status == 401);
        }
    }
    QVERIFY(usedAfterStart);
    QVERIFY(ended);
    QCOMPARE(statusWithToken(server, token), 401);
    QTRY_VERIFY_WITH_TIMEOUT(streamClosed, 10000);
    QCOMPARE(stream.closeReason(), u"credentials expired"_s);
    // Signing in again gives a fresh session.
    const Answer again = server.request(loginRequest(kAdministrator, kAdminPassword));
    QCOMPARE(again.status, 200);
    QCOMPARE(statusWithToken(server, again.json().value("token"_L1).toString().toLatin1()), 200);
    QCOMPARE(server.stop(), 0);
}

QTEST_GUILESS_MAIN(TestSessions)
#include "tst_sessions.moc"
