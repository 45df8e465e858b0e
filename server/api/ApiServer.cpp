#include "ApiServer.h"

#include "ThingRoutes.h"
#include "api/EventHub.h"
#include "edge/EdgeEndpoint.h"
#include "net/TlsListener.h"
#include "security/Authenticator.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QElapsedTimer>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QMetaEnum>
#include <QPointer>
#include <QTcpSocket>
#include <QUuid>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcHttp, "bulwark.http")

namespace Bulwark {

namespace W = Wire;

struct ApiServer::Pending
{
    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;
    ApiRequest request;
    QElapsedTimer timer;
};

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
    case ErrorCode::InvalidName:
    case ErrorCode::TypeMismatch:
        return 400;
    case ErrorCode::Unauthorized:
        return 401;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::MethodNotAllowed:
        return 405;
    case ErrorCode::Conflict:
        return 409;
    case ErrorCode::PayloadTooLarge:
        return 413;
    case ErrorCode::UnsupportedMediaType:
        return 415;
    case ErrorCode::Internal:
        break;
    }
    return 500;
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
        return QStringLiteral("bad-request");
    case ErrorCode::InvalidName:
        return QStringLiteral("invalid-name");
    case ErrorCode::TypeMismatch:
        return QStringLiteral("type-mismatch");
    case ErrorCode::Unauthorized:
        return QStringLiteral("unauthorized");
    case ErrorCode::NotFound:
        return QStringLiteral("not-found");
    case ErrorCode::MethodNotAllowed:
        return QStringLiteral("method-not-allowed");
    case ErrorCode::Conflict:
        return QStringLiteral("conflict");
    case ErrorCode::PayloadTooLarge:
        return QStringLiteral("payload-too-large");
    case ErrorCode::UnsupportedMediaType:
        return QStringLiteral("unsupported-media-type");
    case ErrorCode::Internal:
        break;
    }
    return QStringLiteral("internal");
}

ApiResponse ApiResponse::fromError(const Error &error)
{
    QString message = error.message;
    if (error.code == ErrorCode::Internal) {
        // Internal details (driver messages, paths) go to the log, not to
        // the client; the reference ties the two together.
        const QString reference = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
        qCWarning(lcHttp).noquote() << "Internal error" << reference << ":" << error.message;
        message = QStringLiteral("The server could not complete the request (reference %1); "
                                 "its log has the details.")
                      .arg(reference);
    }
    ApiResponse r =
        json({{W::Error, QJsonObject{{W::Code, errorCodeName(error.code)}, {W::Message, message}}}},
             httpStatus(error.code));
    if (error.code == ErrorCode::Unauthorized)
        r.headers.append({QByteArray("WWW-Authenticate"),
                          QByteArray(R"(Basic realm="Bulwark", charset="UTF-8")")});
    return r;
}

ApiServer::ApiServer(StorageThread &storage, Authenticator &authenticator, const Vault &vault,
                     EventHub &events, EdgeEndpoint &edge, HealthInfo health, QObject *parent)
    : QObject(parent)
    , m_storage(storage)
    , m_authenticator(authenticator)
    , m_vault(vault)
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
    m_workers.waitForDone();
}

void ApiServer::registerRoutes()
{
    using Request = const QHttpServerRequest &;
    using Responder = QHttpServerResponder &&;
    // WebSocket endpoints: the route takes the responder and leaves it
    // unanswered when the upgrade may go ahead (Qt 6.4 then upgrades).
    m_http.route(QString(W::EventsPath), [this](Request request, Responder responder) {
        handleUpgrade(request, std::move(responder));
    });
    m_http.route(QString(W::EdgePath), [this](Request request, Responder responder) {
        handleUpgrade(request, std::move(responder));
    });
    m_http.route(QString(W::HealthPath), [this](Request request, Responder responder) {
        handle(RouteKind::Health, {}, request, std::move(responder));
    });
    m_http.route(QStringLiteral("/api/Things/<arg>/Properties"),
                 [this](const QString &thing, Request request, Responder responder) {
                     handle(RouteKind::Properties, {thing}, request, std::move(responder));
                 });
    m_http.route(QStringLiteral("/api/Things/<arg>/Properties/<arg>"),
                 [this](const QString &thing, const QString &property, Request request,
                        Responder responder) {
                     handle(RouteKind::Property, {thing, property}, request, std::move(responder));
                 });
    m_http.route(QStringLiteral("/api/<arg>"),
                 [this](const QString &collection, Request request, Responder responder) {
                     handle(RouteKind::Collection, {collection}, request, std::move(responder));
                 });
    m_http.route(QStringLiteral("/api/<arg>/<arg>"),
                 [this](const QString &collection, const QString &name, Request request,
                        Responder responder) {
                     handle(RouteKind::Entity, {collection, name}, request, std::move(responder));
                 });
    m_http.setMissingHandler([](Request request, Responder responder) {
        const ApiResponse r = ApiResponse::fromError(makeError(
            ErrorCode::NotFound, QStringLiteral("There is nothing at %1; the REST API lives "
                                                "under /api/ (see docs/rest-api.md).")
                                     .arg(request.url().path().left(256))));
        const QByteArray body = r.body.toJson(QJsonDocument::Compact);
        responder.writeStatusLine(QHttpServerResponder::StatusCode::NotFound);
        responder.writeHeader("Content-Type", "application/json");
        responder.writeHeader("Content-Length", QByteArray::number(body.size()));
        responder.writeBody(body);
    });
}

Status ApiServer::listen(const QHostAddress &address, quint16 port, const QSslConfiguration &tls)
{
    auto listener = std::make_unique<TlsListener>();
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

void ApiServer::handleUpgrade(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    auto answer = [&](const ApiResponse &r) {
        const QByteArray body = r.body.toJson(QJsonDocument::Compact);
        responder.writeStatusLine(QHttpServerResponder::StatusCode(r.status));
        for (const auto &[name, value] : r.headers)
            responder.writeHeader(name, value);
        responder.writeHeader("Content-Type", "application/json");
        responder.writeHeader("Content-Length", QByteArray::number(body.size()));
        responder.writeHeader("Cache-Control", "no-store");
        responder.writeHeader("X-Content-Type-Options", "nosniff");
        responder.writeBody(body);
    };
    if (request.value("Upgrade").toLower() != "websocket") {
        ApiResponse r = ApiResponse::fromError(
            makeError(ErrorCode::BadRequest,
                      QStringLiteral("%1 is a WebSocket endpoint: connect with wss://.")
                          .arg(request.url().path())));
        r.status = 426;
        r.body = QJsonDocument(QJsonObject{
            {W::Error, QJsonObject{{W::Code, QStringLiteral("upgrade-required")},
                                   {W::Message, QStringLiteral("%1 is a WebSocket endpoint: "
                                                               "connect with wss://.")
                                                    .arg(request.url().path())}}}});
        r.headers.append({QByteArray("Upgrade"), QByteArray("websocket")});
        answer(r);
        return;
    }
    const bool events = request.url().path() == W::EventsPath;
    if (events && request.value("Authorization").isEmpty()) {
        answer(ApiResponse::fromError(
            makeError(ErrorCode::Unauthorized,
                      QStringLiteral("Live events need credentials on the upgrade request."))));
        return;
    }
    // A browser page from another site must not ride on the user's
    // credentials (cross-site WebSocket hijacking): same origin only.
    const QByteArray origin = request.value("Origin");
    if (events && !origin.isEmpty() &&
        origin.toLower() != "https://" + request.value("Host").toLower()) {
        ApiResponse r = ApiResponse::fromError(makeError(
            ErrorCode::Unauthorized, QStringLiteral("WebSocket connections from another origin "
                                                    "are refused.")));
        r.status = 403;
        r.headers.clear();
        r.body = QJsonDocument(QJsonObject{
            {W::Error, QJsonObject{{W::Code, QStringLiteral("forbidden-origin")},
                                   {W::Message, QStringLiteral("WebSocket connections from "
                                                               "another origin are refused.")}}}});
        answer(r);
        return;
    }
    // Nothing written: QHttpServer hands the socket to its WebSocket server.
}

void ApiServer::acceptWebSockets()
{
    while (auto socket = m_http.nextPendingWebSocketConnection()) {
        const QString path = socket->requestUrl().path();
        QWebSocket *raw = socket.release();
        if (path == W::EventsPath)
            m_events.accept(raw);
        else
            m_edge.accept(raw);
    }
}

void ApiServer::handle(RouteKind kind, QStringList arguments, const QHttpServerRequest &request,
                       QHttpServerResponder &&responder)
{
    auto pending = std::make_shared<Pending>(Pending{std::move(responder), {}, {}, {}});
    pending->timer.start();
    pending->socket = pending->responder.socket();
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
    if (kind == RouteKind::Health && req.method != HttpMethod::Get) {
        send(pending, *Routes::methodNotAllowed(req, "GET").immediate);
        return;
    }
    const qint64 declared = req.header("content-length").toLongLong();
    if (req.body.size() > MaximumBodySize || declared > MaximumBodySize) {
        send(pending, ApiResponse::fromError(makeError(
                          ErrorCode::PayloadTooLarge,
                          QStringLiteral("The request body is larger than the %1 KiB limit.")
                              .arg(MaximumBodySize / 1024))));
        return;
    }
    if (req.method == HttpMethod::Post || req.method == HttpMethod::Put) {
        const QByteArray type = req.header("content-type").split(';').first().trimmed().toLower();
        if (type != "application/json") {
            send(pending, ApiResponse::fromError(
                              makeError(ErrorCode::UnsupportedMediaType,
                                        QStringLiteral("Send the body as JSON with Content-Type: "
                                                       "application/json."))));
            return;
        }
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(req.body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            send(pending, ApiResponse::fromError(makeError(
                              ErrorCode::BadRequest,
                              error.error != QJsonParseError::NoError
                                  ? QStringLiteral("The body is not valid JSON: %1 at offset %2.")
                                        .arg(error.errorString())
                                        .arg(error.offset)
                                  : QStringLiteral("The body must be a JSON object."))));
            return;
        }
        req.json = doc.object();
    }

    // 2. Health needs no credentials.
    if (kind == RouteKind::Health) {
        send(pending, ApiResponse::json({{W::Status, QStringLiteral("ok")},
                                         {W::Version, QStringLiteral(BULWARK_VERSION)},
                                         {W::Storage, m_health.storageBackend},
                                         {W::SchemaVersion, m_health.schemaVersion}}));
        return;
    }

    // 3. Authentication: every other route.
    const QByteArray authorization = req.header("authorization");
    if (authorization.isEmpty()) {
        send(pending, ApiResponse::fromError(
                          makeError(ErrorCode::Unauthorized,
                                    QStringLiteral("Sign in: send HTTP Basic credentials."))));
        return;
    }
    m_authenticator.verifyAuthorization(authorization, [this, pending, kind](Result<QString> user) {
        if (!user) {
            send(pending, ApiResponse::fromError(user.error()));
            return;
        }
        pending->request.user = *user;
        authorized(pending, kind);
    });
}

Result<RoutePlan> ApiServer::plan(RouteKind kind, const ApiRequest &request)
{
    if (kind == RouteKind::Properties || kind == RouteKind::Property)
        return Routes::thingProperties(request, m_vault);
    const QString collection = request.arguments.at(0);
    if (collection == W::Things)
        return Routes::things(request);
    if (collection == W::ThingTemplates)
        return Routes::thingTemplates(request);
    if (collection == W::Users)
        return Routes::users(request);
    if (collection == W::Groups)
        return Routes::groups(request);
    if (collection == W::Organizations)
        return Routes::organizations(request);
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("There is no collection '%1'. Collections: Things, "
                                    "ThingTemplates, Users, Groups, Organizations.")
                         .arg(collection.left(64)));
}

void ApiServer::authorized(std::shared_ptr<Pending> pending, RouteKind kind)
{
    auto routePlan = plan(kind, pending->request);
    if (!routePlan) {
        send(pending, ApiResponse::fromError(routePlan.error()));
        return;
    }
    if (routePlan->immediate) {
        send(pending, *routePlan->immediate);
        return;
    }
    if (!routePlan->prepare) {
        execute(std::move(pending), std::move(*routePlan));
        return;
    }
    QPointer<ApiServer> self(this);
    m_workers.start([self, pending, plan = std::move(*routePlan)]() mutable {
        Status prepared = plan.prepare();
        QMetaObject::invokeMethod(
            self, [self, pending, plan = std::move(plan), prepared]() mutable {
                if (!prepared)
                    self->send(pending, ApiResponse::fromError(prepared.error()));
                else
                    self->execute(std::move(pending), std::move(plan));
            });
    });
}

void ApiServer::execute(std::shared_ptr<Pending> pending, RoutePlan plan)
{
    m_storage.run<ApiResponse>(std::move(plan.work), this, [this, pending](ApiResponse response) {
        send(pending, response);
        for (const QString &user : response.credentialsChanged)
            m_authenticator.forgetUser(user);
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
    QHttpServerResponder &out = pending->responder;
    const QByteArray body =
        response.body.isEmpty() ? QByteArray() : response.body.toJson(QJsonDocument::Compact);
    out.writeStatusLine(QHttpServerResponder::StatusCode(response.status));
    if (!body.isEmpty())
        out.writeHeader("Content-Type", "application/json");
    if (response.status != 204)
        out.writeHeader("Content-Length", QByteArray::number(body.size()));
    out.writeHeader("Cache-Control", "no-store");
    out.writeHeader("X-Content-Type-Options", "nosniff");
    for (const auto &[name, value] : response.headers)
        out.writeHeader(name, value);
    out.writeBody(body);
}

} // namespace Bulwark
