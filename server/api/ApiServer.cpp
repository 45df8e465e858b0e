#include "ApiServer.h"

#include "AccessSync.h"
#include "AppKeyRoutes.h"
#include "AuditRoutes.h"
#include "DeviceStep.h"
#include "DirectoryRoutes.h"
#include "FileRoutes.h"
#include "RequestAudit.h"
#include "SecurityRoutes.h"
#include "ThingRoutes.h"
#include "TransferRoutes.h"
#include "api/EventHub.h"
#include "edge/EdgeEndpoint.h"
#include "files/FileRepository.h"
#include "net/TlsListener.h"
#include "security/AuditLog.h"
#include "security/Authenticator.h"
#include "security/Crypto.h"
#include "storage/EntityStore.h"
#include "storage/LoginStore.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QElapsedTimer>
#include <QHttpServerRouterRule>
#include <QJsonArray>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QPointer>
#include <QTcpSocket>
#include <QUrl>
#include <QWebSocket>

#include <map>

Q_LOGGING_CATEGORY(lcHttp, "bulwark.http")

namespace Bulwark {

using namespace Qt::StringLiterals;
namespace W = Wire;

namespace {
// Anyone may sign in: its body is held to what a sign-in needs.
constexpr qsizetype kMaximumLoginBody = 16 * 1024;
} // namespace

struct ApiServer::Pending
{
    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;
    ApiRequest request;
    QElapsedTimer timer;
    quint64 sequence = 0; // order of arrival on its connection
    Identity identity;
};

// Requests are answered asynchronously, but HTTP/1.1 answers a connection's
// requests in the order they came: answers that are ready early wait here.
struct ApiServer::Connection
{
    quint64 nextSequence = 0;
    quint64 nextToWrite = 0;
    std::map<quint64, std::pair<std::shared_ptr<Pending>, ApiResponse>> ready;
};

namespace {

void writeResponse(QHttpServerResponder &responder, const ApiResponse &r)
{
    const QByteArray body = !r.contentType.isEmpty() ? r.rawBody
                            : r.body.isEmpty()       ? QByteArray()
                                                     : r.body.toJson(QJsonDocument::Compact);
    responder.writeStatusLine(QHttpServerResponder::StatusCode(r.status));
    if (!r.contentType.isEmpty())
        responder.writeHeader("Content-Type", r.contentType);
    else if (!body.isEmpty())
        responder.writeHeader("Content-Type", "application/json");
    if (r.status != 204)
        responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    responder.writeHeader("X-Content-Type-Options", "nosniff");
    for (const auto &[name, value] : r.headers)
        responder.writeHeader(name, value);
    responder.writeBody(body);
}

// Why a request to a WebSocket endpoint may not be upgraded, or nothing.
// Decided before the upgrade: Qt 6.4 upgrades every request whose route
// matches, even one the route has answered, so a refusal must keep the
// route from matching (see UpgradeRule) and is answered by the missing
// handler, after which Qt closes the connection.
std::optional<ApiResponse> upgradeRefusal(const QHttpServerRequest &request)
{
    const QString path = request.url().path();
    // An upgrade as Qt's parser (and the socket's guard) sees one: the
    // Upgrade header and the upgrade token in Connection (RFC 9110 7.8).
    bool connectionUpgrade = false;
    for (const QByteArray &name : {QByteArray("Connection"), QByteArray("Proxy-Connection")}) {
        for (const QByteArray &token : request.value(name).split(','))
            connectionUpgrade = connectionUpgrade || token.trimmed().toLower() == "upgrade";
    }
    if (request.value("Upgrade").toLower() != "websocket" || !connectionUpgrade) {
        ApiResponse r = ApiResponse::failure(
            426, QStringLiteral("upgrade-required"),
            QStringLiteral("%1 is a WebSocket endpoint: connect with wss://.").arg(path));
        r.headers.append({QByteArray("Upgrade"), QByteArray("websocket")});
        return r;
    }
    if (path != W::EventsPath)
        return std::nullopt; // devices authenticate in the protocol itself
    Credentials credentials;
    credentials.authorization = request.value("Authorization");
    credentials.appKey = request.value("appKey");
    credentials.cookie = request.value("Cookie");
    if (credentials.isEmpty()) {
        return ApiResponse::fromError(
            makeError(ErrorCode::Unauthorized,
                      QStringLiteral("Live events need credentials on the upgrade request.")));
    }
    // A browser page from another site must not ride on the user's
    // credentials (cross-site WebSocket hijacking): same origin only.
    if (!isSameOrigin(request.value("Origin"), request.value("Host")))
        return ApiResponse::failure(403, QStringLiteral("forbidden-origin"),
                                    QStringLiteral("WebSocket connections from another origin are "
                                                   "refused."));
    return std::nullopt;
}

// The WebSocket endpoints' route: matches only upgrades that may go ahead.
class UpgradeRule final : public QHttpServerRouterRule
{
public:
    using QHttpServerRouterRule::QHttpServerRouterRule;

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const override
    {
        return QHttpServerRouterRule::matches(request, match) && !upgradeRefusal(request);
    }
};

// The REST routes: never a WebSocket upgrade, and never the WebSocket paths
// (which "/api/<arg>" would otherwise also match).
class RestRule final : public QHttpServerRouterRule
{
public:
    using QHttpServerRouterRule::QHttpServerRouterRule;

protected:
    bool matches(const QHttpServerRequest &request, QRegularExpressionMatch *match) const override
    {
        const QString path = request.url().path();
        return !request.value("Upgrade").toLower().contains("websocket") && path != W::EventsPath &&
               path != W::EdgePath && QHttpServerRouterRule::matches(request, match);
    }
};

} // namespace

bool isSameOrigin(const QByteArray &origin, const QByteArray &host)
{
    if (origin.isEmpty())
        return true; // not a browser
    // Compared as URLs: scheme, host (any case) and port (443 when left out,
    // on either side), so "https://Example:443" is "example".
    const QUrl from(QString::fromLatin1(origin), QUrl::StrictMode);
    const QUrl self(QStringLiteral("https://") + QString::fromLatin1(host), QUrl::StrictMode);
    return from.isValid() && self.isValid() && from.scheme() == u"https" &&
           from.userInfo().isEmpty() && (from.path().isEmpty() || from.path() == u"/") &&
           !from.host().isEmpty() && from.host().compare(self.host(), Qt::CaseInsensitive) == 0 &&
           from.port(443) == self.port(443);
}

ApiServer::ApiServer(StorageThread &storage, Authenticator &authenticator,
                     Access::AccessModel &access, const Vault &vault, const AuditLog &audit,
                     EventHub &events, EdgeEndpoint &edge, HealthInfo health, QObject *parent)
    : QObject(parent)
    , m_storage(storage)
    , m_authenticator(authenticator)
    , m_access(access)
    , m_vault(vault)
    , m_audit(audit)
    , m_events(events)
    , m_edge(edge)
    , m_health(std::move(health))
{
    m_workers.setObjectName(QStringLiteral("bulwark-workers"));
    m_workers.setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
    registerRoutes();
    connect(&m_http, &QAbstractHttpServer::newWebSocketConnection, this,
            &ApiServer::acceptWebSockets);
}

ApiServer::~ApiServer()
{
    m_workers.clear(); // queued work is for requests that will not be answered
    m_workers.waitForDone();
}

void ApiServer::registerRoutes()
{
    using Request = const QHttpServerRequest &;
    using Responder = QHttpServerResponder &&;
    // WebSocket endpoints: the route takes the responder and leaves it
    // unanswered when the upgrade may go ahead (Qt 6.4 then upgrades).
    // Nothing is written: QHttpServer hands the socket to its WebSocket server.
    const auto upgrade = [](Request, Responder responder) {
        TlsListener::markUpgraded(responder.socket());
    };
    m_http.route<UpgradeRule>(QString(W::EventsPath), upgrade);
    m_http.route<UpgradeRule>(QString(W::EdgePath), upgrade);
    m_http.route<RestRule>(QString(W::HealthPath), [this](Request request, Responder responder) {
        handle(RouteKind::Health, {}, request, std::move(responder));
    });
    const auto fixed = [this](QString path, RouteKind kind) {
        m_http.route<RestRule>(path, [this, kind](Request request, Responder responder) {
            handle(kind, {}, request, std::move(responder));
        });
    };
    fixed(QString(W::LoginPath), RouteKind::Login);
    fixed(QString(W::LogoutPath), RouteKind::Logout);
    fixed(QString(W::SessionPath), RouteKind::SessionInfo);
    fixed(QString(W::PasswordPath), RouteKind::ChangePassword);
    fixed(QString(W::PasswordCheckPath), RouteKind::PasswordCheck);
    m_http.route<RestRule>(QStringLiteral("/api/Things/<arg>/Properties"),
                           [this](const QString &thing, Request request, Responder responder) {
                               handle(RouteKind::Properties, {thing}, request,
                                      std::move(responder));
                           });
    m_http.route<RestRule>(
        QStringLiteral("/api/Things/<arg>/Properties/<arg>"),
        [this](const QString &thing, const QString &property, Request request,
               Responder responder) {
            handle(RouteKind::Property, {thing, property}, request, std::move(responder));
        });
    m_http.route<RestRule>(
        QStringLiteral("/api/Things/<arg>/Services/<arg>"),
        [this](const QString &thing, const QString &service, Request request, Responder responder) {
            handle(RouteKind::Service, {thing, service}, request, std::move(responder));
        });
    m_http.route<RestRule>(QStringLiteral("/api/Things/<arg>/Files"),
                           [this](const QString &thing, Request request, Responder responder) {
                               handle(RouteKind::Files, {thing}, request, std::move(responder));
                           });
    m_http.route<RestRule>(
        QStringLiteral("/api/Things/<arg>/Files/<arg>"),
        [this](const QString &thing, const QString &part, Request request, Responder responder) {
            handle(RouteKind::Files, {thing, part}, request, std::move(responder));
        });
    m_http.route<RestRule>(QStringLiteral("/api/Organizations/<arg>/Units/<arg>"),
                           [this](const QString &organization, const QString &unit, Request request,
                                  Responder responder) {
                               handle(RouteKind::Units, {organization, QString(W::UnitsPart), unit},
                                      request, std::move(responder));
                           });
    m_http.route<RestRule>(QStringLiteral("/api/Organizations/<arg>/Units/<arg>/<arg>"),
                           [this](const QString &organization, const QString &unit,
                                  const QString &part, Request request, Responder responder) {
                               handle(RouteKind::Units,
                                      {organization, QString(W::UnitsPart), unit, part}, request,
                                      std::move(responder));
                           });
    m_http.route<RestRule>(
        QStringLiteral("/api/<arg>/<arg>/<arg>"),
        [this](const QString &collection, const QString &name, const QString &action,
               Request request, Responder responder) {
            handle(RouteKind::Action, {collection, name, action}, request, std::move(responder));
        });
    m_http.route<RestRule>(QStringLiteral("/api/<arg>"),
                           [this](const QString &collection, Request request, Responder responder) {
                               handle(RouteKind::Collection, {collection}, request,
                                      std::move(responder));
                           });
    m_http.route<RestRule>(
        QStringLiteral("/api/<arg>/<arg>"), [this](const QString &collection, const QString &name,
                                                   Request request, Responder responder) {
            handle(RouteKind::Entity, {collection, name}, request, std::move(responder));
        });
    m_http.setMissingHandler([](Request request, Responder responder) {
        const QString path = request.url().path();
        if (path == W::EventsPath || path == W::EdgePath) {
            if (auto refusal = upgradeRefusal(request)) {
                writeResponse(responder, *refusal);
                return;
            }
        }
        writeResponse(responder,
                      ApiResponse::fromError(makeError(
                          ErrorCode::NotFound, QStringLiteral("There is nothing at %1; the REST "
                                                              "API lives under /api/ (see "
                                                              "docs/rest-api.md).")
                                                   .arg(path.left(256)))));
    });
}

Status ApiServer::listen(const QHostAddress &address, quint16 port, const QSslConfiguration &tls,
                         const HttpSettings &http)
{
    // Room for the headers beside the largest body a route accepts.
    constexpr qint64 headerAllowance = 64 * 1024;
    auto listener = std::make_unique<TlsListener>(MaximumBodySize + headerAllowance, http);
    // File uploads alone may be larger (files/rest_upload_limit_mb).
    if (m_files)
        listener->allowLargerRequests(
            "PUT", QRegularExpression(QStringLiteral("^/api/Things/[^/]+/Files/Content$")),
            m_files->settings().restUploadLimitBytes() + headerAllowance);
    listener->setSslConfiguration(tls);
    if (!listener->listen(address, port))
        return makeError(ErrorCode::Internal, QStringLiteral("Cannot listen on %1:%2: %3")
                                                  .arg(address.toString())
                                                  .arg(port)
                                                  .arg(listener->errorString()));
    m_listener = listener.release();
    m_http.bind(m_listener);
    return {};
}

quint16 ApiServer::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

void ApiServer::stopListening()
{
    if (m_listener)
        m_listener->close();
}

void ApiServer::acceptWebSockets()
{
    while (auto socket = m_http.nextPendingWebSocketConnection()) {
        const QString path = socket->requestUrl().path();
        QWebSocket *raw = socket.release();
        if (path == W::EventsPath) {
            m_events.accept(raw);
        } else if (path == W::EdgePath) {
            m_edge.accept(raw);
        } else {
            // Only the two WebSocket routes upgrade; anything else is a bug.
            raw->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("not found"));
            raw->deleteLater();
        }
    }
}

void ApiServer::handle(RouteKind kind, QStringList arguments, const QHttpServerRequest &request,
                       QHttpServerResponder &&responder)
{
    auto pending = std::make_shared<Pending>(Pending{std::move(responder), {}, {}, {}, 0, {}});
    pending->timer.start();
    pending->socket = pending->responder.socket();
    if (QTcpSocket *socket = pending->socket) {
        auto found = m_connections.find(socket);
        if (found == m_connections.end()) {
            found = m_connections.emplace(socket, Connection{});
            connect(socket, &QObject::destroyed, this,
                    [this, socket]() { m_connections.remove(socket); });
        }
        pending->sequence = found->nextSequence++;
    }
    ApiRequest &req = pending->request;
    req.arguments = std::move(arguments);
    req.path = request.url().path();
    req.query = request.query();
    req.remoteAddress = request.remoteAddress();
    req.body = request.body();
    for (const auto &[name, value] : request.headers())
        req.headers.append({name.toLower(), value});
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        req.method = HttpMethod::Get;
        req.methodName = "GET";
        break;
    case QHttpServerRequest::Method::Post:
        req.method = HttpMethod::Post;
        req.methodName = "POST";
        break;
    case QHttpServerRequest::Method::Put:
        req.method = HttpMethod::Put;
        req.methodName = "PUT";
        break;
    case QHttpServerRequest::Method::Delete:
        req.method = HttpMethod::Delete;
        req.methodName = "DELETE";
        break;
    default:
        req.method = HttpMethod::Other;
        req.methodName =
            QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(request.method()));
        req.methodName = req.methodName.toUpper();
        break;
    }

    // 1. Method, limits and media type, before anything costs work.
    const auto onlyMethod = [&](HttpMethod method, const char *name) {
        if (req.method == method)
            return false;
        send(pending, *Routes::methodNotAllowed(req, name).immediate);
        return true;
    };
    if (kind == RouteKind::Health && onlyMethod(HttpMethod::Get, "GET"))
        return;
    if ((kind == RouteKind::Login || kind == RouteKind::Logout ||
         kind == RouteKind::ChangePassword || kind == RouteKind::PasswordCheck) &&
        onlyMethod(HttpMethod::Post, "POST"))
        return;
    if (kind == RouteKind::SessionInfo && onlyMethod(HttpMethod::Get, "GET"))
        return;
    const qint64 declared = req.header("content-length").toLongLong();
    // A file upload's body is the file's bytes, up to files/rest_upload_limit_mb.
    const bool fileUpload = kind == RouteKind::Files && req.method == HttpMethod::Put;
    const qint64 bodyLimit =
        fileUpload && m_files ? m_files->settings().restUploadLimitBytes() : MaximumBodySize;
    if (req.body.size() > bodyLimit || declared > bodyLimit) {
        send(pending, ApiResponse::fromError(makeError(
                          ErrorCode::PayloadTooLarge,
                          QStringLiteral("The request body is larger than the %1 KiB limit.")
                              .arg(bodyLimit / 1024))));
        return;
    }
    if ((req.method == HttpMethod::Post || req.method == HttpMethod::Put) && !req.body.isEmpty() &&
        !fileUpload) {
        const QByteArray type = req.header("content-type").split(';').first().trimmed().toLower();
        if (type != "application/json") {
            send(pending, ApiResponse::fromError(
                              makeError(ErrorCode::UnsupportedMediaType,
                                        QStringLiteral("Send the body as JSON with Content-Type: "
                                                       "application/json."))));
            return;
        }
    }
    // A page of another site may make a browser send a write with whatever
    // credentials it holds (Basic it remembered, a cookie): writes carrying
    // a foreign Origin, or marked cross-site by the browser, are refused.
    // Clients that are not browsers send neither header.
    if (req.method != HttpMethod::Get) {
        const QByteArray origin = req.header("origin");
        const QByteArray site = req.header("sec-fetch-site").trimmed().toLower();
        if ((!origin.isEmpty() && !isSameOrigin(origin, req.header("host"))) ||
            site == "cross-site" || site == "same-site") {
            send(pending,
                 ApiResponse::failure(403, QStringLiteral("forbidden-origin"),
                                      QStringLiteral("Writes from a page of another site are "
                                                     "refused.")));
            return;
        }
    }
    // A secret in a URL ends up in logs, proxies and browser history.
    for (const auto &[key, value] : req.query.queryItems()) {
        const QString k = key.toLower();
        if (k == u"appkey" || k == u"app_key" || k == u"token" || k == u"access_token") {
            send(pending, ApiResponse::fromError(makeError(
                              ErrorCode::BadRequest,
                              QStringLiteral("Credentials are refused in the URL ('%1'): send an "
                                             "app key in the appKey header or as "
                                             "Authorization: Bearer, and treat the key as "
                                             "exposed.")
                                  .arg(key.left(32)))));
            return;
        }
    }

    // 2. Health needs no credentials; sign-in is how they are obtained.
    if (kind == RouteKind::Health) {
        send(pending, ApiResponse::json({{W::Status, QStringLiteral("ok")},
                                         {W::Version, QStringLiteral(BULWARK_VERSION)},
                                         {W::Storage, m_health.storageBackend},
                                         {W::SchemaVersion, m_health.schemaVersion}}));
        return;
    }
    if (kind == RouteKind::Login) {
        if (req.body.size() > kMaximumLoginBody) {
            send(pending, ApiResponse::fromError(
                              makeError(ErrorCode::PayloadTooLarge,
                                        QStringLiteral("A sign-in request is larger than %1 KiB.")
                                            .arg(kMaximumLoginBody / 1024))));
            return;
        }
        login(std::move(pending));
        return;
    }

    // 3. Authentication: every other route.
    Credentials credentials;
    credentials.authorization = req.header("authorization");
    credentials.appKey = req.header("appkey");
    credentials.cookie = req.header("cookie");
    credentials.address = req.remoteAddress;
    m_authenticator.authenticate(credentials, [this, pending, kind](Result<Identity> identity) {
        if (!identity) {
            send(pending, ApiResponse::fromError(identity.error()));
            return;
        }
        pending->identity = *identity;
        authenticated(pending, kind);
    });
}

namespace {

QString bodyString(const QJsonObject &body, QLatin1StringView field, QString &problem)
{
    const QJsonValue v = body.value(field);
    if (!v.isString() || v.toString().isEmpty())
        problem = QStringLiteral("'%1' must be a non-empty string.").arg(field);
    return v.toString();
}

Result<QJsonObject> parseBody(const ApiRequest &req)
{
    if (req.body.isEmpty())
        return QJsonObject();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(req.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorCode::BadRequest,
                         error.error != QJsonParseError::NoError
                             ? QStringLiteral("The body is not valid JSON: %1 at offset %2.")
                                   .arg(error.errorString())
                                   .arg(error.offset)
                             : QStringLiteral("The body must be a JSON object."));
    return doc.object();
}

QByteArray sessionCookie(const QByteArray &token, int maxAgeSeconds)
{
    return QByteArray(SessionCookieName.latin1()) + '=' + token +
           "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" +
           QByteArray::number(maxAgeSeconds);
}

} // namespace

void ApiServer::login(std::shared_ptr<Pending> pending)
{
    auto body = parseBody(pending->request);
    QString problem;
    const QString user = body ? bodyString(*body, W::User, problem) : QString();
    const QString password = body ? bodyString(*body, W::Password, problem) : QString();
    if (!body || !problem.isEmpty()) {
        send(pending,
             ApiResponse::fromError(body ? makeError(ErrorCode::BadRequest,
                                                     QStringLiteral("Sign in with {\"user\": …, "
                                                                    "\"password\": …}: %1")
                                                         .arg(problem))
                                         : body.error()));
        return;
    }
    const QHostAddress address = pending->request.remoteAddress;
    m_authenticator.verifyPassword(
        user, password, address, QStringLiteral("password"),
        [this, pending, address](Result<Identity> identity) {
            if (!identity) {
                send(pending, ApiResponse::fromError(identity.error()));
                return;
            }
            const auto made = m_authenticator.sessions().create(identity->user, address);
            const SessionSettings &settings = m_authenticator.settings().sessions;
            ApiResponse r = ApiResponse::json(
                {{W::User, identity->user},
                 {W::Token, QString::fromLatin1(made.token)},
                 {W::CsrfToken, QString::fromLatin1(made.session.csrfToken)},
                 {W::AppKeyExpires, made.session.expires.toString(Qt::ISODateWithMs)},
                 {W::IdleTimeoutSeconds, settings.idleTimeoutSeconds},
                 {W::Administrator, m_authenticator.isAdministrator(identity->user)}});
            r.headers.append(
                {QByteArray("Set-Cookie"), sessionCookie(made.token, settings.lifetimeSeconds)});
            pending->request.user = identity->user;
            send(pending, r);
        });
}

void ApiServer::authenticated(std::shared_ptr<Pending> pending, RouteKind kind)
{
    ApiRequest &req = pending->request;
    const Identity &identity = pending->identity;
    req.user = identity.user;
    req.authMethod = identity.method;
    req.appKey = identity.appKey;
    req.administrator = m_authenticator.isAdministrator(identity.user);
    // A browser sends the cookie on its own, also for a page of another site
    // (SameSite=Strict aside): a write must prove it came from our client.
    if (identity.method == u"cookie" && req.method != HttpMethod::Get) {
        if (!Crypto::constantTimeEquals(req.header("x-csrf-token"), identity.csrfToken)) {
            const ApiResponse r = ApiResponse::fromError(
                makeError(ErrorCode::Forbidden,
                          QStringLiteral("This request signed in with the session cookie, so it "
                                         "must carry the X-CSRF-Token header given at sign-in.")));
            auditOutside(pending, r);
            send(pending, r);
            return;
        }
    }
    switch (kind) {
    case RouteKind::Logout: {
        if (identity.sessionToken.isEmpty()) {
            send(pending, ApiResponse::fromError(makeError(
                              ErrorCode::BadRequest,
                              QStringLiteral("There is no session to end: this request signed in "
                                             "with %1.")
                                  .arg(identity.method))));
            return;
        }
        m_authenticator.endSession(identity.sessionToken);
        ApiResponse r = ApiResponse::noContent();
        r.headers.append({QByteArray("Set-Cookie"), sessionCookie(QByteArray(), 0)});
        AuditRecord record = auditOf(req, r);
        record.category = QString(Audit::Auth);
        record.action = QStringLiteral("logout");
        record.entity = u"Users/"_s + req.user;
        m_storage.run<Status>(
            [this, record](EntityStore &store) { return m_audit.append(store, record); }, this,
            [this, pending, r](Status s) {
                if (!s)
                    qCWarning(lcHttp).noquote() << "Could not audit a logout:" << s.error().message;
                send(pending, r);
            });
        return;
    }
    case RouteKind::SessionInfo: {
        QJsonObject info{{W::User, req.user},
                         {W::Method, req.authMethod},
                         {W::Administrator, req.administrator}};
        if (!req.appKey.isEmpty())
            info.insert(W::AppKey, req.appKey);
        send(pending, ApiResponse::json(info));
        return;
    }
    case RouteKind::ChangePassword:
        changePassword(std::move(pending));
        return;
    case RouteKind::PasswordCheck:
        checkPassword(std::move(pending));
        return;
    default:
        authorized(std::move(pending), kind);
        return;
    }
}

void ApiServer::changePassword(std::shared_ptr<Pending> pending)
{
    ApiRequest &req = pending->request;
    auto body = parseBody(req);
    QString problem;
    const QString current = body ? bodyString(*body, W::CurrentPassword, problem) : QString();
    const QString next = body ? bodyString(*body, W::NewPassword, problem) : QString();
    if (!body || !problem.isEmpty()) {
        send(pending,
             ApiResponse::fromError(
                 body ? makeError(ErrorCode::BadRequest, QStringLiteral("Change the password with "
                                                                        "{\"currentPassword\": …, "
                                                                        "\"newPassword\": …}: %1")
                                                             .arg(problem))
                      : body.error()));
        return;
    }
    if (req.authMethod == u"appkey") {
        send(pending, ApiResponse::fromError(makeError(
                          ErrorCode::Forbidden,
                          QStringLiteral("An app key cannot change its user's password."))));
        return;
    }
    // The current password is checked like a sign-in (and counts towards
    // lockout), so a stolen session cannot take over the account.
    m_authenticator.verifyPassword(
        req.user, current, req.remoteAddress, QStringLiteral("password-change"),
        [this, pending, next](Result<Identity> identity) {
            if (!identity) {
                const ApiResponse r = ApiResponse::fromError(identity.error());
                auditOutside(pending, r);
                send(pending, r);
                return;
            }
            ApiRequest &req = pending->request;
            req.arguments = {QString(W::Users), req.user};
            req.json = QJsonObject{{W::Name, req.user}, {W::Password, next}};
            auto plan = Routes::userPassword(req, m_authenticator.settings().passwords);
            if (!plan) {
                const ApiResponse r = ApiResponse::fromError(plan.error());
                auditOutside(pending, r);
                send(pending, r);
                return;
            }
            prepareAndExecute(pending, std::move(*plan));
        });
}

void ApiServer::checkPassword(std::shared_ptr<Pending> pending)
{
    ApiRequest &req = pending->request;
    auto body = parseBody(req);
    if (!body) {
        send(pending, ApiResponse::fromError(body.error()));
        return;
    }
    req.json = *body;
    auto work = Routes::passwordCheck(req, m_authenticator.settings().passwords);
    if (!work) {
        // A refusal is audited like any refused request (without the body);
        // a check itself changes nothing and is not.
        const ApiResponse r = ApiResponse::fromError(work.error());
        auditOutside(pending, r);
        send(pending, r);
        return;
    }
    // The policy (the dictionary) runs on the worker pool, as for a new password.
    QPointer<ApiServer> self(this);
    m_workers.start([self, pending, work = std::move(*work)]() {
        ApiResponse answer = work();
        QMetaObject::invokeMethod(
            self, [self, pending, answer = std::move(answer)]() { self->send(pending, answer); });
    });
}

Result<RoutePlan> ApiServer::plan(RouteKind kind, const ApiRequest &request)
{
    if (kind == RouteKind::Properties || kind == RouteKind::Property)
        return Routes::thingProperties(request, m_vault, m_access, &m_edge);
    if (kind == RouteKind::Service)
        return Routes::thingService(request, m_access, m_edge);
    if (kind == RouteKind::Units)
        return Routes::organizationUnits(request, m_access);
    if (kind == RouteKind::Files || request.arguments.at(0) == u"FileRepositories") {
        if (!m_files)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("This server has no file repositories set up."));
        if (kind == RouteKind::Files)
            return Routes::thingFiles(request, m_access, *m_files, &m_edge);
        return Routes::fileRepositories(request, m_access, *m_files);
    }
    if (request.arguments.at(0) == W::Transfers) {
        if (!m_files || !m_transfers)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("This server has no file transfers set up."));
        return Routes::transfers(request, m_access, *m_files, *m_transfers);
    }
    const QString collection = request.arguments.at(0);
    const QString name = request.arguments.value(1);
    const PasswordSettings &passwords = m_authenticator.settings().passwords;
    if (kind == RouteKind::Action) {
        const QString part = request.arguments.at(2);
        if (part == W::PermissionsPart || part == W::InstancePermissionsPart ||
            part == W::VisibilityPart || part == W::InstanceVisibilityPart ||
            part == W::SecurityPart)
            return Routes::entitySecurity(request, m_access);
        if (collection == W::Things && part == W::ConnectionPart) {
            ApiRequest connection = request;
            connection.arguments = QStringList{name};
            return Routes::thingConnection(connection, m_access, m_edge.connections());
        }
        if (collection == W::Groups && part == W::MembersPart)
            return Routes::groupMembers(request, m_access);
        if (collection == W::Organizations && part == W::UnitsPart) {
            ApiRequest units = request;
            units.arguments = QStringList{name, part};
            return Routes::organizationUnits(units, m_access);
        }
        const bool userAction =
            collection == W::Users && (part == W::UnlockAction || part == W::EndSessionsAction);
        const bool directoryTest = collection == W::DirectoryServices && part == W::DirectoryTest;
        if ((userAction || directoryTest) && request.method != HttpMethod::Post)
            return Routes::methodNotAllowed(request, "POST");
        if (userAction) {
            if (!request.administrator)
                return administratorsOnly();
            return Routes::userAction(request, part);
        }
        if (directoryTest)
            return Routes::directoryServiceTest(request, m_vault);
        return makeError(ErrorCode::NotFound, QStringLiteral("There is no action '%1' on %2.")
                                                  .arg(part.left(64), collection.left(64)));
    }
    if (collection == W::PermissionsCollection && kind == RouteKind::Entity)
        return Routes::permissionQuery(request, m_access);
    // Collections that decide per request who may do what.
    if (collection == W::ApplicationKeys)
        return Routes::applicationKeys(request, m_authenticator.settings().appKeys);
    if (collection == W::DirectoryServices)
        return Routes::directoryServices(request, m_vault);
    if (collection == W::Audit) {
        if (name == W::AuditVerify)
            return Routes::auditVerify(request, m_audit);
        return Routes::audit(request, m_audit);
    }
    if (collection == W::ConnectionsCollection)
        return Routes::connections(request, m_access, m_edge.connections());
    // The entities: every decision through the AccessModel, in the storage work.
    if (collection == W::Things)
        return Routes::things(request, m_access, &m_edge.connections());
    if (collection == W::ThingTemplates)
        return Routes::thingTemplates(request, m_access);
    if (collection == W::Users)
        return Routes::users(request, passwords, m_access);
    if (collection == W::Groups)
        return Routes::groups(request, m_access);
    if (collection == W::Organizations)
        return Routes::organizations(request, m_access);
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("There is no collection '%1'. Collections: Things, "
                                    "ThingTemplates, Users, Groups, Organizations, "
                                    "ApplicationKeys, DirectoryServices, Audit, Collections, "
                                    "Permissions.")
                         .arg(collection.left(64)));
}

Error ApiServer::administratorsOnly()
{
    return makeError(ErrorCode::Forbidden,
                     QStringLiteral("Only members of the Administrators group may do this."));
}

void ApiServer::authorized(std::shared_ptr<Pending> pending, RouteKind kind)
{
    // The body is parsed only for a signed-in user: nobody else can make the
    // I/O thread parse a megabyte of JSON.
    ApiRequest &req = pending->request;
    if ((req.method == HttpMethod::Post || req.method == HttpMethod::Put) &&
        kind != RouteKind::Files) {
        auto body = parseBody(req);
        if (!body) {
            send(pending, ApiResponse::fromError(body.error()));
            return;
        }
        req.json = *body;
    }
    auto routePlan = plan(kind, pending->request);
    if (!routePlan) {
        const ApiResponse r = ApiResponse::fromError(routePlan.error());
        auditOutside(pending, r);
        send(pending, r);
        return;
    }
    if (routePlan->immediate) {
        auditOutside(pending, *routePlan->immediate);
        send(pending, *routePlan->immediate);
        return;
    }
    prepareAndExecute(std::move(pending), std::move(*routePlan));
}

void ApiServer::prepareAndExecute(std::shared_ptr<Pending> pending, RoutePlan plan)
{
    if (!plan.prepare) {
        execute(std::move(pending), std::move(plan));
        return;
    }
    QPointer<ApiServer> self(this);
    m_workers.start([self, pending, plan = std::move(plan)]() mutable {
        Status prepared = plan.prepare();
        QMetaObject::invokeMethod(
            self, [self, pending, plan = std::move(plan), prepared]() mutable {
                if (!prepared) {
                    const ApiResponse r = ApiResponse::fromError(prepared.error());
                    self->auditOutside(pending, r);
                    self->send(pending, r);
                } else {
                    self->execute(std::move(pending), std::move(plan));
                }
            });
    });
}

void ApiServer::auditOutside(const std::shared_ptr<Pending> &pending, const ApiResponse &response)
{
    const ApiRequest &req = pending->request;
    if (req.method == HttpMethod::Get || req.user.isEmpty())
        return;
    const AuditRecord record = auditOf(req, response);
    m_storage.run<Status>(
        [this, record](EntityStore &store) { return m_audit.append(store, record); }, this,
        [](Status s) {
            if (!s)
                qCWarning(lcHttp).noquote()
                    << "Could not write an audit record:" << s.error().message;
        });
}

void ApiServer::execute(std::shared_ptr<Pending> pending, RoutePlan plan)
{
    // The route's storage work is one transaction with its audit record: an
    // error answer rolls back whatever it had written (and is audited on its
    // own), a success is answered once committed.
    const ApiRequest req = pending->request;
    const bool write = req.method != HttpMethod::Get;
    const QString collection = req.arguments.value(0);
    const bool principals = write && (collection == W::Users || collection == W::Groups);
    const AuditLog *audit = &m_audit;
    Access::AccessModel *access = &m_access;
    // A request a device answers is audited with the device's outcome, not
    // when the platform hands it over (unless it is refused before that).
    const bool deviceAnswers = static_cast<bool>(plan.throughDevice);
    // A deleted Thing may have been a file repository: its files go with it.
    FileRepositories *files =
        req.method == HttpMethod::Delete && collection == W::Things && req.arguments.size() == 2
            ? m_files
            : nullptr;
    StorageWork atomic = [work = std::move(plan.work), req, write, principals, audit, access,
                          deviceAnswers, files](EntityStore &store) {
        ApiResponse response;
        const Status status = store.inTransaction([&]() -> Status {
            response = work(store);
            if (response.status >= 400)
                return makeError(ErrorCode::Conflict, QStringLiteral("rolled back"));
            if (write && !deviceAnswers) {
                if (auto s = audit->append(store, auditOf(req, response)); !s)
                    return s;
            }
            if (principals) {
                auto admins = LoginStore(store.database()).administrators();
                if (!admins)
                    return admins.error();
                response.administrators = QStringList(admins->cbegin(), admins->cend());
                response.accessChanges.append(AccessChange::of(AccessChange::Kind::Principals));
            }
            return {};
        });
        if (!status && response.status < 400)
            response = ApiResponse::fromError(status.error());
        if (files && response.status < 400) {
            if (auto known = RepositoryCatalog::knownIds(store))
                files->removeOrphans(*known);
            else
                qCWarning(lcHttp).noquote() << "Could not list file repositories to remove "
                                               "a deleted one's files (they go at the next "
                                               "start):"
                                            << known.error().message;
        }
        // Committed: authorization follows before the next request's work.
        if (write)
            AccessSync::apply(*access, store,
                              status ? response.accessChanges : QList<AccessChange>());
        if (response.status >= 400 && write) {
            if (auto s = audit->append(store, auditOf(req, response)); !s)
                qCWarning(lcHttp).noquote()
                    << "Could not write an audit record:" << s.error().message;
        }
        return response;
    };
    auto after = std::move(plan.afterStorage);
    auto device = std::move(plan.throughDevice);
    // A changed or deleted app key ends the connections that signed in with it.
    const QString changedKey =
        collection == W::ApplicationKeys && req.arguments.size() > 1 &&
                (req.method == HttpMethod::Put || req.method == HttpMethod::Delete)
            ? req.arguments.at(1)
            : QString();
    m_storage.run<ApiResponse>(
        std::move(atomic), this,
        [this, pending, collection, after, device, changedKey](ApiResponse response) {
            if (device && response.status < 400) {
                // The answer comes from a device: the responder waits, the I/O thread does not.
                DeviceAudit record;
                if (pending->request.method != HttpMethod::Get)
                    record = [audit = &m_audit, req = pending->request](
                                 EntityStore &store, const ApiResponse &outcome) {
                        return audit->append(store, auditOf(req, outcome));
                    };
                runDeviceStep(
                    m_storage, m_events, this, device, response, std::move(record),
                    [this, pending](const ApiResponse &answer) { send(pending, answer); });
                return;
            }
            if (after && response.status < 400) {
                // Network work (an LDAP test) on the worker pool.
                QPointer<ApiServer> self(this);
                m_workers.start([self, pending, after, response]() {
                    ApiResponse answer = after(response);
                    QMetaObject::invokeMethod(
                        self, [self, pending, answer]() { self->send(pending, answer); });
                });
                return;
            }
            if (response.administrators)
                m_authenticator.setAdministrators(QSet<QString>(response.administrators->cbegin(),
                                                                response.administrators->cend()));
            for (const QString &user : response.credentialsChanged)
                m_authenticator.forgetUser(user);
            if (!changedKey.isEmpty() && response.status < 400)
                m_authenticator.appKeyChanged(changedKey);
            send(pending, response);
            for (const QJsonObject &event : response.events)
                m_events.publish(event);
        });
}

void ApiServer::send(const std::shared_ptr<Pending> &pending, const ApiResponse &response)
{
    const ApiRequest &req = pending->request;
    const auto elapsed = pending->timer.elapsed();
    if (response.status >= 500 || req.method != HttpMethod::Get)
        qCInfo(lcHttp).noquote() << req.methodName << req.path << response.status << elapsed << "ms"
                                 << (req.user.isEmpty() ? QStringLiteral("-") : req.user)
                                 << req.remoteAddress.toString();
    else
        qCDebug(lcHttp).noquote() << req.methodName << req.path << response.status << elapsed
                                  << "ms" << (req.user.isEmpty() ? QStringLiteral("-") : req.user)
                                  << req.remoteAddress.toString();
    // The client may have gone while the work ran.
    if (!pending->socket || !pending->socket->isOpen())
        return;
    auto connection = m_connections.find(pending->socket.data());
    if (connection == m_connections.end())
        return;
    // A throttled password check says when to come back.
    ApiResponse answer = response;
    if (answer.status == 429 &&
        std::none_of(answer.headers.cbegin(), answer.headers.cend(),
                     [](const auto &header) { return header.first == "Retry-After"; }))
        answer.headers.append(
            {QByteArray("Retry-After"),
             QByteArray::number(qMax(1, m_authenticator.throttledFor(req.remoteAddress)))});
    connection->ready.emplace(pending->sequence, std::pair{pending, answer});
    for (auto next = connection->ready.find(connection->nextToWrite);
         next != connection->ready.end(); next = connection->ready.find(connection->nextToWrite)) {
        writeResponse(next->second.first->responder, next->second.second);
        connection->ready.erase(next);
        ++connection->nextToWrite;
    }
}

} // namespace Bulwark
