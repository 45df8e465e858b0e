#include "LocalHttp.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>

Q_LOGGING_CATEGORY(lcLocalHttp, "bulwark.edge.agent.http")

namespace BulwarkEdge::Agent {

using namespace Qt::StringLiterals;
using Request = const QHttpServerRequest &;
using Responder = QHttpServerResponder &&;

namespace {

// The longest a long poll may wait, and a local request's largest body.
constexpr int kMaximumWaitSeconds = 60;
constexpr qsizetype kMaximumBody = 1024 * 1024;

QString tr(const char *text)
{
    return QCoreApplication::translate("LocalHttp", text);
}

void write(QHttpServerResponder &responder, const LocalReply &reply)
{
    const QByteArray body = reply.body.isEmpty()
                                ? QByteArray()
                                : QJsonDocument(reply.body).toJson(QJsonDocument::Compact);
    responder.writeStatusLine(QHttpServerResponder::StatusCode(reply.status));
    if (!body.isEmpty())
        responder.writeHeader("Content-Type", "application/json");
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    responder.writeHeader("Cache-Control", "no-store");
    responder.writeBody(body);
}

// Answers the local program once the backend has, if it is still connected.
LocalBackend::Done answerWhenDone(Responder responder)
{
    auto shared = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QTcpSocket> socket = shared->socket();
    return [shared, socket](const LocalReply &reply) {
        if (socket)
            write(*shared, reply);
    };
}

QByteArray header(Request request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// True for "localhost", "127.0.0.1", "[::1]", with or without a port.
bool isLoopbackHost(const QByteArray &hostHeader)
{
    QString host = QString::fromLatin1(hostHeader).trimmed();
    if (host.startsWith(u'[')) {
        const qsizetype close = host.indexOf(u']');
        if (close < 0)
            return false;
        host = host.mid(1, close - 1);
    } else if (host.count(u':') == 1) {
        host = host.left(host.indexOf(u':'));
    }
    if (host.compare("localhost"_L1, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// The request body as a JSON object; an empty body is {} when allowed.
std::optional<QJsonObject> jsonObject(Request request, bool emptyAllowed, LocalReply &error)
{
    const QByteArray body = request.body();
    if (body.trimmed().isEmpty() && emptyAllowed)
        return QJsonObject();
    if (body.size() > kMaximumBody) {
        error = errorReply(413, u"too-large"_s, tr("The request body is larger than 1 MiB."));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        error = errorReply(400, u"bad-request"_s,
                           tr("The body must be one JSON object%1.")
                               .arg(parseError.error != QJsonParseError::NoError
                                        ? tr(": %1 at offset %2")
                                              .arg(parseError.errorString())
                                              .arg(parseError.offset)
                                        : QString()));
        return std::nullopt;
    }
    return document.object();
}

} // namespace

struct LocalHttp::Pending
{
    QString id;
    QString thing;
    QJsonObject request; // as local programs receive it
    bool delivered = false;
    AnswerFunction answer;
    std::unique_ptr<QTimer> timer;
};

struct LocalHttp::Waiter
{
    Waiter(QString waitingFor, QHttpServerResponder &&waiting)
        : thing(std::move(waitingFor))
        , responder(std::move(waiting))
        , socket(responder.socket())
    {}

    QString thing;
    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;
    std::unique_ptr<QTimer> timer;
};

LocalHttp::LocalHttp(LocalBackend &backend, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
{
    registerRoutes();
}

LocalHttp::~LocalHttp()
{
    // Whoever still waits for an answer hears that nobody will give one.
    auto pending = std::move(m_pending);
    for (auto &[id, entry] : pending)
        entry->answer({false, {}, u"unavailable"_s, tr("The bulwark-edge agent is stopping.")});
}

QString LocalHttp::listen(const QHostAddress &address, quint16 port)
{
    if (!address.isLoopback())
        return tr("Refusing to serve the local interface on %1: it has no sign-in, so it is only "
                  "served on a loopback address (127.0.0.1 or ::1).")
            .arg(address.toString());
    const quint16 bound = m_http.listen(address, port);
    if (bound == 0) {
        const auto servers = m_http.servers();
        const QString reason =
            servers.isEmpty() ? tr("unknown error") : servers.last()->errorString();
        return tr("Cannot listen on %1 port %2: %3.").arg(address.toString()).arg(port).arg(reason);
    }
    m_port = bound;
    return {};
}

LocalReply errorReply(int status, const QString &code, const QString &message)
{
    return {status, {{"error"_L1, QJsonObject{{"code"_L1, code}, {"message"_L1, message}}}}};
}

std::optional<LocalReply> LocalHttp::refusal(Request request,
                                             QHttpServerRequest::Method allowed) const
{
    // A browser adds Origin to cross-origin writes; local programs do not.
    if (!header(request, "Origin").isEmpty())
        return errorReply(403, u"forbidden-origin"_s,
                          tr("Requests from web pages (with an Origin header) are refused: the "
                             "local interface is for programs on this machine."));
    const QByteArray host = header(request, "Host");
    if (!host.isEmpty() && !isLoopbackHost(host))
        return errorReply(403, u"forbidden-host"_s,
                          tr("The Host header must name this machine (localhost, 127.0.0.1 or "
                             "[::1]), not \"%1\".")
                              .arg(QString::fromLatin1(host.left(256))));
    if (request.method() != allowed) {
        const char *name = allowed == QHttpServerRequest::Method::Get   ? "GET"
                           : allowed == QHttpServerRequest::Method::Put ? "PUT"
                                                                        : "POST";
        return errorReply(405, u"method-not-allowed"_s,
                          tr("Use %1 here.").arg(QString::fromLatin1(name)));
    }
    return std::nullopt;
}

std::optional<LocalReply> LocalHttp::unknownThing(const QString &thing) const
{
    if (m_backend.hasThing(thing))
        return std::nullopt;
    return errorReply(404, u"not-found"_s,
                      tr("Thing '%1' is not in the agent's configuration.").arg(thing));
}

void LocalHttp::registerRoutes()
{
    using Method = QHttpServerRequest::Method;
    m_http.route(u"/status"_s, [this](Request request, Responder responder) {
        if (auto refused = refusal(request, Method::Get))
            return write(responder, *refused);
        QJsonObject status = m_backend.status();
        status.insert("pendingRequests"_L1, pendingCount());
        write(responder, {200, status});
    });
    m_http.route(u"/things/<arg>/properties/<arg>"_s,
                 [this](const QString &thing, const QString &property, Request request,
                        Responder responder) {
                     if (auto refused = refusal(request, Method::Put))
                         return write(responder, *refused);
                     handleProperty(thing, property, request, std::move(responder));
                 });
    m_http.route(u"/things/<arg>/events/<arg>"_s, [this](const QString &thing, const QString &event,
                                                         Request request, Responder responder) {
        if (auto refused = refusal(request, Method::Post))
            return write(responder, *refused);
        handleEvent(thing, event, request, std::move(responder));
    });
    m_http.route(u"/things/<arg>/requests"_s,
                 [this](const QString &thing, Request request, Responder responder) {
                     if (auto refused = refusal(request, Method::Get))
                         return write(responder, *refused);
                     handlePoll(thing, request, std::move(responder));
                 });
    m_http.route(u"/things/<arg>/requests/<arg>"_s, [this](const QString &thing, const QString &id,
                                                           Request request, Responder responder) {
        if (auto refused = refusal(request, Method::Post))
            return write(responder, *refused);
        handleAnswer(thing, id, request, std::move(responder));
    });
    m_http.setMissingHandler([](Request request, Responder responder) {
        write(responder,
              errorReply(404, u"not-found"_s,
                         tr("There is nothing at %1. The agent serves GET /status, PUT "
                            "/things/{thing}/properties/{property}, POST "
                            "/things/{thing}/events/{event}, GET /things/{thing}/requests and "
                            "POST /things/{thing}/requests/{id} (docs/edge-agent.md).")
                             .arg(request.url().path().left(256))));
    });
}

void LocalHttp::handleProperty(const QString &thing, const QString &property, Request request,
                               Responder responder)
{
    if (auto refused = unknownThing(thing))
        return write(responder, *refused);
    LocalReply error;
    const auto body = jsonObject(request, false, error);
    if (!body)
        return write(responder, error);
    if (!body->contains("value"_L1))
        return write(responder, errorReply(400, u"bad-request"_s,
                                           tr("The body must be {\"value\": …} (optionally with "
                                              "\"time\" and \"quality\").")));
    const QJsonValue time = body->value("time"_L1);
    const QJsonValue quality = body->value("quality"_L1);
    if ((!time.isUndefined() && !time.isString()) ||
        (!quality.isUndefined() && !quality.isString()))
        return write(responder,
                     errorReply(400, u"bad-request"_s,
                                tr("\"time\" (ISO 8601 with a zone) and \"quality\" (good, "
                                   "uncertain or bad) must be strings.")));
    m_backend.setProperty(thing, property, body->value("value"_L1), time.toString(),
                          quality.toString(), answerWhenDone(std::move(responder)));
}

void LocalHttp::handleEvent(const QString &thing, const QString &event, Request request,
                            Responder responder)
{
    if (auto refused = unknownThing(thing))
        return write(responder, *refused);
    LocalReply error;
    const auto data = jsonObject(request, true, error);
    if (!data)
        return write(responder, error);
    m_backend.fireEvent(thing, event, *data, answerWhenDone(std::move(responder)));
}

void LocalHttp::handlePoll(const QString &thing, Request request, Responder responder)
{
    if (auto refused = unknownThing(thing))
        return write(responder, *refused);
    int wait = 0;
    const QUrlQuery query = request.query();
    if (query.hasQueryItem(u"wait"_s)) {
        bool ok = false;
        wait = query.queryItemValue(u"wait"_s).toInt(&ok);
        if (!ok || wait < 0 || wait > kMaximumWaitSeconds)
            return write(
                responder,
                errorReply(
                    400, u"bad-request"_s,
                    tr("wait must be a number of seconds from 0 to %1.").arg(kMaximumWaitSeconds)));
    }
    const QJsonArray ready = takeUndelivered(thing);
    if (!ready.isEmpty() || wait == 0)
        return write(responder, {200, {{"requests"_L1, ready}}});

    auto waiter = std::make_unique<Waiter>(thing, std::move(responder));
    waiter->timer = std::make_unique<QTimer>();
    waiter->timer->setSingleShot(true);
    Waiter *raw = waiter.get();
    connect(waiter->timer.get(), &QTimer::timeout, this, [this, raw] {
        const auto it = std::find_if(m_waiters.begin(), m_waiters.end(),
                                     [raw](const auto &w) { return w.get() == raw; });
        if (it == m_waiters.end())
            return;
        std::unique_ptr<Waiter> done = std::move(*it);
        m_waiters.erase(it);
        if (done->socket)
            write(done->responder, {200, {{"requests"_L1, QJsonArray()}}});
    });
    waiter->timer->start(wait * 1000);
    m_waiters.push_back(std::move(waiter));
}

void LocalHttp::handleAnswer(const QString &thing, const QString &id, Request request,
                             Responder responder)
{
    bool numeric = false;
    const quint64 key = id.toULongLong(&numeric);
    const auto it = numeric ? m_pending.find(key) : m_pending.end();
    if (it == m_pending.end() || it->second->thing != thing)
        return write(responder,
                     errorReply(404, u"not-found"_s,
                                tr("There is no open request %1 for Thing '%2': it was answered "
                                   "already, or it timed out and the platform was told so.")
                                    .arg(id.left(64), thing)));
    LocalReply error;
    const auto body = jsonObject(request, true, error);
    if (!body)
        return write(responder, error);
    RequestAnswer answer;
    const QJsonValue refusal = body->value("error"_L1);
    if (refusal.isUndefined()) {
        answer.ok = true;
        answer.result = *body;
    } else if (refusal.isString() && !refusal.toString().isEmpty()) {
        answer.errorCode = u"bad-request"_s;
        answer.errorMessage = refusal.toString();
    } else if (refusal.isObject() && !refusal["message"_L1].toString().isEmpty()) {
        answer.errorCode = refusal["code"_L1].toString(u"bad-request"_s);
        answer.errorMessage = refusal["message"_L1].toString();
    } else {
        return write(responder, errorReply(400, u"bad-request"_s,
                                           tr("\"error\" must be a message, or an object with "
                                              "\"message\" (and optionally \"code\").")));
    }
    std::unique_ptr<Pending> pending = std::move(it->second);
    m_pending.erase(it);
    qCInfo(lcLocalHttp).noquote() << "Request" << id << "for" << thing << "answered"
                                  << (answer.ok ? "with a result" : "with an error");
    pending->answer(answer);
    write(responder, {200, {{"answered"_L1, id}}});
}

void LocalHttp::enqueue(const QString &thing, QJsonObject request, int timeoutSeconds,
                        AnswerFunction answer)
{
    auto pending = std::make_unique<Pending>();
    const quint64 key = m_nextId++;
    pending->id = QString::number(key);
    pending->thing = thing;
    request.insert("id"_L1, pending->id);
    request.insert("thing"_L1, thing);
    request.insert(
        "deadline"_L1,
        QDateTime::currentDateTimeUtc().addSecs(timeoutSeconds).toString(Qt::ISODateWithMs));
    pending->request = request;
    pending->answer = std::move(answer);
    pending->timer = std::make_unique<QTimer>();
    pending->timer->setSingleShot(true);
    const QString id = pending->id;
    connect(pending->timer.get(), &QTimer::timeout, this, [this, key] { expire(key); });
    pending->timer->start(timeoutSeconds * 1000);
    qCInfo(lcLocalHttp).noquote() << "Request" << id << "for" << thing
                                  << "queued:" << request.value("type"_L1).toString();
    m_pending.emplace(key, std::move(pending));
    deliver(thing);
}

void LocalHttp::expire(quint64 key)
{
    const auto it = m_pending.find(key);
    if (it == m_pending.end())
        return;
    std::unique_ptr<Pending> pending = std::move(it->second);
    m_pending.erase(it);
    const int seconds = pending->timer->interval() / 1000;
    const QString &id = pending->id;
    const QString message =
        pending->delivered
            ? tr("The local program that took request %1 did not answer within %2 s.")
                  .arg(id)
                  .arg(seconds)
            : tr("No local program collected request %1 within %2 s (nobody polls GET "
                 "/things/%3/requests on the bulwark-edge agent).")
                  .arg(id)
                  .arg(seconds)
                  .arg(pending->thing);
    qCWarning(lcLocalHttp).noquote() << message;
    pending->answer({false, {}, u"unavailable"_s, message});
}

QJsonArray LocalHttp::takeUndelivered(const QString &thing)
{
    QJsonArray requests;
    for (auto &[key, pending] : m_pending) {
        if (pending->thing == thing && !pending->delivered) {
            pending->delivered = true;
            requests.append(pending->request);
        }
    }
    return requests;
}

void LocalHttp::deliver(const QString &thing)
{
    for (auto it = m_waiters.begin(); it != m_waiters.end();) {
        if ((*it)->thing != thing) {
            ++it;
            continue;
        }
        std::unique_ptr<Waiter> waiter = std::move(*it);
        it = m_waiters.erase(it);
        // A poller that hung up gets nothing: the request waits for the next.
        if (!waiter->socket || waiter->socket->state() != QAbstractSocket::ConnectedState)
            continue;
        write(waiter->responder, {200, {{"requests"_L1, takeUndelivered(thing)}}});
        return;
    }
}

} // namespace BulwarkEdge::Agent
