#include "EdgeEndpoint.h"

#include "api/EventHub.h"
#include "core/EntityJson.h"
#include "files/FileRepository.h"
#include "files/TransferManager.h"
#include "security/Access.h"
#include "security/Authenticator.h"
#include "wire/Wire.h"

#include <QJsonArray>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcEdge, "bulwark.edge")

namespace Bulwark {

using namespace Qt::StringLiterals;

namespace {

// What every refused app key is told on the edge.
const QString InvalidAppKeyMessage = u"The application key is not valid."_s;

} // namespace

QString edgeErrorCode(const Error &error, EdgeCodes codes)
{
    const bool files = codes == EdgeCodes::Files;
    if (files && error.message.startsWith(QuotaExceededPrefix))
        return u"quota-exceeded"_s;
    if (files && error.message.startsWith(TooLargePrefix))
        return u"too-large"_s;
    if (files && error.message.startsWith(ExistsPrefix))
        return u"exists"_s;
    switch (error.code) {
    case ErrorCode::NotFound:
        return u"not-found"_s;
    case ErrorCode::Forbidden:
        return u"forbidden"_s;
    case ErrorCode::TypeMismatch:
        return u"type-mismatch"_s;
    case ErrorCode::BadRequest:
    case ErrorCode::InvalidName:
        return u"bad-request"_s;
    case ErrorCode::Conflict:
        return files ? u"conflict"_s : u"unavailable"_s;
    case ErrorCode::PayloadTooLarge:
        return files ? u"too-large"_s : u"unavailable"_s;
    default:
        return u"unavailable"_s;
    }
}

EdgeEndpoint::EdgeEndpoint(Authenticator &authenticator, const Access::AccessModel &access,
                           StorageThread &storage, const Vault &vault, EventHub &events,
                           EdgeSettings settings, QObject *parent)
    : QObject(parent)
    , m_authenticator(authenticator)
    , m_access(access)
    , m_storage(storage)
    , m_events(events)
    , m_settings(settings)
    , m_ingest(storage, access, vault, events)
{
    m_clock.start();
    // One timer for every session: a ping each interval, and a session that
    // was silent (no message, no pong) for two intervals is closed.
    m_keepAlive = new QTimer(this);
    connect(m_keepAlive, &QTimer::timeout, this, &EdgeEndpoint::keepAlive);
    m_keepAlive->start(m_settings.pingIntervalSeconds * 1000);
    // A changed password, a disabled or deleted user: their sessions end.
    connect(&m_authenticator, &Authenticator::credentialsChanged, this,
            [this](const QString &user) {
                const auto sessions = m_sessions;
                for (auto it = sessions.cbegin(); it != sessions.cend(); ++it) {
                    if (it->user == user)
                        it.key()->close(QWebSocketProtocol::CloseCodePolicyViolated,
                                        QStringLiteral("credentials changed"));
                }
            });
    connect(&m_authenticator, &Authenticator::expiryCheck, this, [this]() {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto sessions = m_sessions;
        for (auto it = sessions.cbegin(); it != sessions.cend(); ++it) {
            if (it->expires.isValid() && it->expires <= now)
                it.key()->close(QWebSocketProtocol::CloseCodePolicyViolated,
                                QStringLiteral("credentials expired"));
        }
    });
    connect(&m_authenticator, &Authenticator::appKeyEnded, this, [this](const QString &name) {
        const auto sessions = m_sessions;
        for (auto it = sessions.cbegin(); it != sessions.cend(); ++it) {
            if (!name.isEmpty() && it->appKey == name)
                it.key()->close(QWebSocketProtocol::CloseCodePolicyViolated,
                                QStringLiteral("app key changed"));
        }
    });
}

void EdgeEndpoint::accept(QWebSocket *socket)
{
    socket->setParent(this);
    // Qt buffers a whole frame before it checks the message size: bound both.
    const quint64 maximum = quint64(m_settings.maxMessageKb) * 1024;
    socket->setMaxAllowedIncomingFrameSize(maximum);
    socket->setMaxAllowedIncomingMessageSize(maximum);
    Session session;
    session.authDeadline = new QTimer(socket);
    session.authDeadline->setSingleShot(true);
    connect(session.authDeadline, &QTimer::timeout, socket, [socket]() {
        qCInfo(lcEdge) << "Edge connection from" << socket->peerAddress().toString()
                       << "did not authenticate in time";
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                      QStringLiteral("authentication timeout"));
    });
    session.authDeadline->start(m_settings.authTimeoutSeconds * 1000);
    session.id = m_nextSession++;
    session.remoteAddress = socket->peerAddress().toString();
    session.heardAt = m_clock.elapsed();
    session.traffic = std::make_shared<ConnectionRegistry::Traffic>();
    m_sessions.insert(socket, session);
    m_socketsById.insert(session.id, socket);
    connect(socket, &QWebSocket::pong, this, [this, socket]() {
        const auto s = m_sessions.find(socket);
        if (s != m_sessions.end())
            s->heardAt = m_clock.elapsed();
    });

    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &text) { onMessage(socket, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, this,
            [this, socket](const QByteArray &frame) {
                const auto session = m_sessions.constFind(socket);
                if (session == m_sessions.cend() || session->user.isEmpty()) {
                    replyError(socket, QJsonValue(), u"unauthorized"_s,
                               u"Authenticate first with {\"type\":\"auth\",…}."_s);
                    socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                                  QStringLiteral("authenticate first"));
                    return;
                }
                onBinary(socket, frame);
            });
    connect(socket, &QWebSocket::disconnected, this, [this, socket]() {
        sessionEnded(socket);
        socket->deleteLater();
    });
}

EdgeEndpoint::~EdgeEndpoint()
{
    // Sockets are children; their sessions end without telling anyone.
    for (auto it = m_requests.begin(); it != m_requests.end(); ++it)
        delete it->deadline;
    m_requests.clear();
}

void EdgeEndpoint::sessionEnded(QWebSocket *socket)
{
    const auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    Session session = *it;
    m_sessions.erase(it);
    m_socketsById.remove(session.id);
    const QStringList things = session.bound;
    for (const QString &thing : things)
        unbound(session, thing);
    if (m_transfers)
        m_transfers->sessionEnded(session.id);
    // Requests that session had not answered: its device is gone.
    QStringList orphans;
    for (auto r = m_requests.cbegin(); r != m_requests.cend(); ++r) {
        if (r->socket == socket || !r->socket)
            orphans << r.key();
    }
    for (const QString &id : std::as_const(orphans))
        finishRequest(id, DeviceAnswer{DeviceAnswer::Outcome::NotConnected,
                                       {},
                                       u"The device disconnected before it answered."_s,
                                       {}});
}

void EdgeEndpoint::bound(Session &session, const QString &thing)
{
    if (session.bound.contains(thing))
        return;
    session.bound.append(thing);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_connections.set(thing,
                      ConnectionRegistry::Connection{now, session.remoteAddress, session.user,
                                                     session.id, session.traffic});
    session.traffic->touch(now);
    publishConnection(thing);
}

void EdgeEndpoint::unbound(Session &session, const QString &thing)
{
    session.bound.removeAll(thing);
    // Its transfers on this session wait for the Thing to be bound again.
    if (session.directories.remove(thing) > 0 && m_transfers)
        m_transfers->thingUnbound(thing, session.id);
    if (!m_connections.remove(thing, session.id))
        return; // another session holds it
    // Another session that bound it too speaks for it from now on.
    for (const Session &other : std::as_const(m_sessions)) {
        if (other.id != session.id && other.bound.contains(thing)) {
            m_connections.set(thing, ConnectionRegistry::Connection{QDateTime::currentDateTimeUtc(),
                                                                    other.remoteAddress, other.user,
                                                                    other.id, other.traffic});
            break;
        }
    }
    publishConnection(thing);
}

void EdgeEndpoint::publishConnection(const QString &thing)
{
    const QJsonObject state = m_connections.toJson(thing);
    QJsonObject event{{Wire::Type, Wire::EventConnectionChanged},
                      {Wire::Thing, thing},
                      {Wire::Connected, state.value(Wire::Connected)}};
    if (state.value(Wire::Connected).toBool()) {
        event.insert(Wire::Since, state.value(Wire::Since));
        event.insert(Wire::RemoteAddress, state.value(Wire::RemoteAddress));
    }
    m_events.publish(event);
}

void EdgeEndpoint::keepAlive()
{
    const qint64 now = m_clock.elapsed();
    const qint64 silentLimit = 2LL * m_settings.pingIntervalSeconds * 1000;
    const auto sessions = m_sessions;
    for (auto it = sessions.cbegin(); it != sessions.cend(); ++it) {
        if (it->user.isEmpty())
            continue; // the authentication deadline applies
        if (now - it->heardAt >= silentLimit) {
            qCInfo(lcEdge) << "Closing the silent edge session of" << it->user << "from"
                           << it->remoteAddress;
            it.key()->close(QWebSocketProtocol::CloseCodePolicyViolated,
                            QStringLiteral("keepalive timeout"));
            continue;
        }
        it.key()->ping();
    }
}

bool EdgeEndpoint::withinRate(QWebSocket *socket, Session &session, const QJsonValue &id)
{
    const qint64 now = m_clock.elapsed();
    session.tokens =
        qMin<double>(m_settings.burst, session.tokens + (now - session.refilledAt) *
                                                            m_settings.messagesPerSecond / 1000.0);
    session.refilledAt = now;
    // "Over the limit" lasts while refusals keep coming less than a second
    // apart: a flood still gets a message through each time a token
    // refills, and that must not reset the 10 s.
    const bool quietSinceRefusal = session.refusedAt < 0 || now - session.refusedAt >= 1000;
    if (session.tokens >= 1) {
        session.tokens -= 1;
        if (quietSinceRefusal)
            session.overSince = -1;
        return true;
    }
    if (session.overSince < 0 || quietSinceRefusal)
        session.overSince = now;
    session.refusedAt = now;
    if (now - session.overSince >= RateLimitCloseMs) {
        qCInfo(lcEdge) << "Closing the edge session of" << session.user << "from"
                       << session.remoteAddress << ": over its rate limit for 10 s";
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                      QStringLiteral("rate limit exceeded"));
        return false;
    }
    replyError(socket, id, u"too-many-requests"_s,
               u"This session sends more than %1 messages per second (bursts of %2); this "
               "message was not handled. Slow down: a session over the limit for 10 s is "
               "closed."_s.arg(m_settings.messagesPerSecond)
                   .arg(m_settings.burst));
    return false;
}

void EdgeEndpoint::onMessage(QWebSocket *socket, const QString &text)
{
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return;
    const QByteArray utf8 = text.toUtf8();
    session->traffic->received(utf8.size());
    auto decoded = EdgeDecode::textMessage(utf8);
    if (!decoded) {
        if (session->user.isEmpty()) {
            // Before authentication only an auth message is acceptable.
            replyError(socket, QJsonValue(), u"unauthorized"_s,
                       u"Authenticate first with {\"type\":\"auth\",…}."_s);
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("authenticate first"));
            return;
        }
        if (!withinRate(socket, *session, QJsonValue()))
            return;
        replyError(socket, QJsonValue(), u"bad-request"_s, decoded.error().message);
        return;
    }
    const QJsonObject message = decoded->message;
    const QJsonValue id = decoded->id;
    const QString type = decoded->type;

    if (session->user.isEmpty()) {
        if (type != u"auth") {
            replyError(socket, id, u"unauthorized"_s,
                       u"Authenticate first with {\"type\":\"auth\",…}."_s);
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          QStringLiteral("authenticate first"));
            return;
        }
        if (session->authenticating) {
            replyError(socket, id, u"bad-request"_s, u"Authentication is already under way."_s);
            return;
        }
        session->authenticating = true;
        QPointer<QWebSocket> guard(socket);
        const QString appKey = message.value("appKey"_L1).toString();
        const bool byKey = !appKey.isEmpty();
        auto answered = [this, guard, id, byKey](Result<Identity> identity) {
            if (!guard)
                return;
            auto s = m_sessions.find(guard);
            if (s == m_sessions.end())
                return;
            s->authenticating = false;
            if (!identity) {
                // Only the user-facing refusal text goes out; anything
                // else (a storage failure) stays in the server's log.
                const ErrorCode code = identity.error().code;
                // Every refused app key (unknown, disabled, expired, not
                // from this address) answers alike on the edge; the reason
                // is in the server's log and the audit record.
                if (byKey && (code == ErrorCode::Unauthorized || code == ErrorCode::Forbidden)) {
                    qCInfo(lcEdge).noquote()
                        << "Refused an edge sign-in from" << guard->peerAddress().toString()
                        << "by app key:" << identity.error().message;
                    replyError(guard, id, u"unauthorized"_s, InvalidAppKeyMessage);
                    guard->close(QWebSocketProtocol::CloseCodePolicyViolated,
                                 QStringLiteral("authentication failed"));
                    return;
                }
                const bool refused = code == ErrorCode::Unauthorized ||
                                     code == ErrorCode::Unavailable ||
                                     code == ErrorCode::TooManyRequests;
                if (!refused)
                    qCWarning(lcEdge) << "Edge sign-in failed:" << identity.error().message;
                replyError(guard, id,
                           code == ErrorCode::Unavailable       ? u"unavailable"_s
                           : code == ErrorCode::TooManyRequests ? u"too-many-requests"_s
                                                                : u"unauthorized"_s,
                           refused ? identity.error().message
                                   : u"The server could not check the credentials; try "
                                     "again later."_s);
                guard->close(QWebSocketProtocol::CloseCodePolicyViolated,
                             QStringLiteral("authentication failed"));
                return;
            }
            s->user = identity->user;
            s->appKey = identity->appKey;
            s->checkedGeneration = m_access.generation();
            s->expires = identity->expires;
            s->authDeadline->stop();
            s->tokens = m_settings.burst;
            s->refilledAt = m_clock.elapsed();
            qCInfo(lcEdge) << "Edge session of" << identity->user << "from"
                           << guard->peerAddress().toString() << "by" << identity->method;
            reply(guard, id,
                  {{"user"_L1, identity->user}, {"protocol"_L1, Wire::EdgeProtocolVersion}});
        };
        if (byKey)
            m_authenticator.verifyAppKey(appKey.toUtf8(), socket->peerAddress(),
                                         std::move(answered));
        else
            m_authenticator.verifyPassword(message.value("user"_L1).toString(),
                                           message.value("password"_L1).toString(),
                                           socket->peerAddress(), u"edge"_s, std::move(answered));
        return;
    }

    session->heardAt = m_clock.elapsed();
    session->traffic->touch(QDateTime::currentDateTimeUtc());
    // A receiver's acknowledgements are flow control, bounded by the window
    // the platform keeps: they do not count against the rate limit.
    if (type == u"file.ack" && m_transfers &&
        m_transfers->ackArrived(session->id,
                                QUuid::fromString(message.value("transfer"_L1).toString()),
                                message.value("verified"_L1).toInteger(-1)))
        return;
    if (!withinRate(socket, *session, id))
        return;
    // A change of rules, memberships or visibility since the last message
    // applies before this one is handled.
    recheckBindings(socket, *session);
    if (type == u"ping") {
        reply(socket, id, {{"pong"_L1, true}});
        return;
    }
    if (type == u"bind" || type == u"unbind") {
        bind(socket, *session, id, message, type == u"unbind");
        return;
    }
    if (type == u"update") {
        update(socket, *session, id, message);
        return;
    }
    if (type == u"event") {
        fireEvent(socket, *session, id, message);
        return;
    }
    if ((type == u"result" || type == u"error") && id.isString() &&
        id.toString().startsWith(u"p-")) {
        platformReply(socket, id.toString(), type, message);
        return;
    }
    if (fileMessage(socket, *session, id, type, message))
        return;
    replyError(socket, id, u"unsupported"_s,
               u"Message type '%1' is not supported by protocol version %2."_s.arg(type.left(64))
                   .arg(Wire::EdgeProtocolVersion));
}

void EdgeEndpoint::bind(QWebSocket *socket, Session &session, const QJsonValue &id,
                        const QJsonObject &message, bool unbind)
{
    const QJsonValue things = message.value("things"_L1);
    const QJsonArray names = things.toArray();
    if (!things.isArray() || names.isEmpty() ||
        std::any_of(names.cbegin(), names.cend(),
                    [](const QJsonValue &v) { return !v.isString() || v.toString().isEmpty(); })) {
        replyError(socket, id, u"bad-request"_s,
                   u"Name the Things as {\"type\":\"%1\",\"things\":[\"Boiler1\",…]}."_s.arg(
                       unbind ? u"unbind"_s : u"bind"_s));
        return;
    }
    QStringList directories;
    if (!unbind) {
        auto declared = declaredDirectories(message);
        if (!declared) {
            replyError(socket, id, u"bad-request"_s, declared.error().message);
            return;
        }
        directories = *declared;
    }
    if (!unbind && session.bound.size() + names.size() > MaximumBoundThings) {
        replyError(socket, id, u"bad-request"_s,
                   u"A session speaks for at most %1 Things; it has %2 bound. Open another "
                   "session for more."_s.arg(MaximumBoundThings)
                       .arg(session.bound.size()));
        return;
    }
    // Each Thing is answered on its own: a device binding several learns
    // which failed and why, in the same words as the REST API (an invisible
    // Thing is not-found, exactly like one that does not exist).
    QJsonArray results;
    for (const QJsonValue &value : names) {
        const QString name = value.toString();
        QJsonObject result{{"thing"_L1, name}};
        if (unbind) {
            result.insert("bound"_L1, false);
            unbound(session, name);
            results.append(result);
            continue;
        }
        const Access::EntityRef ref{QString(Wire::Things), name};
        const Status allowed = m_access.require(session.user, ref, Access::Permission::Read);
        if (!allowed) {
            result.insert("bound"_L1, false);
            result.insert("error"_L1, bindRefusal(session, ref, allowed.error()));
        } else if (!directories.isEmpty() &&
                   !m_access.require(session.user, ref, Access::Permission::ServiceInvoke)) {
            // Files move to and from a device's directories as service
            // calls do: a session that may not take them declares none.
            result.insert("bound"_L1, false);
            result.insert(
                "error"_L1,
                QJsonObject{{"code"_L1, u"forbidden"_s},
                            {"message"_L1,
                             u"Declaring file directories for Thing '%1' needs ServiceInvoke on "
                             "it. Bind it without directories, or ask an administrator for "
                             "that permission."_s.arg(name)}});
        } else {
            result.insert("bound"_L1, true);
            bound(session, name);
            if (!directories.isEmpty())
                session.directories.insert(name, directories);
            else if (session.directories.remove(name) > 0 && m_transfers)
                m_transfers->thingUnbound(name, session.id);
        }
        results.append(result);
    }
    QJsonObject answer{{"things"_L1, results},
                       {"bound"_L1, QJsonArray::fromStringList(session.bound)}};
    if (!directories.isEmpty())
        answer.insert("directories"_L1, QJsonArray::fromStringList(directories));
    reply(socket, id, answer);
    // Transfers waiting for these Things may start (after the reply, so the
    // device hears of its bind before the first file message).
    if (!directories.isEmpty() && m_transfers) {
        for (const QJsonValue &value : names)
            m_transfers->deviceAvailable(value.toString());
    }
}

QJsonObject EdgeEndpoint::bindRefusal(const Session &session, const Access::EntityRef &ref,
                                      const Error &why)
{
    // Unknown, invisible, or visible without Read: a device is told the
    // same, so that a key cannot be used to map what exists. The operator
    // finds the reason here (and through GET /api/Permissions/explain).
    if (why.code != ErrorCode::NotFound)
        qCInfo(lcEdge).noquote() << "Refused to bind" << ref.name << "for" << session.user << "from"
                                 << session.remoteAddress << ":" << why.message;
    return {{"code"_L1, u"not-found"_s}, {"message"_L1, Access::notFound(ref).message}};
}

void EdgeEndpoint::recheckBindings(QWebSocket *socket, Session &session)
{
    const quint64 generation = m_access.generation();
    if (generation == session.checkedGeneration)
        return;
    session.checkedGeneration = generation;
    const QStringList bound = session.bound;
    for (const QString &name : bound) {
        const Access::EntityRef ref{QString(Wire::Things), name};
        const Status allowed = m_access.require(session.user, ref, Access::Permission::Read);
        if (allowed) {
            // Still bound, but its directories only while ServiceInvoke stays.
            if (session.directories.contains(name) &&
                !m_access.require(session.user, ref, Access::Permission::ServiceInvoke)) {
                session.directories.remove(name);
                if (m_transfers)
                    m_transfers->thingUnbound(name, session.id);
            }
            continue;
        }
        unbound(session, name);
        qCInfo(lcEdge).noquote() << "Unbound" << name << "from the edge session of" << session.user
                                 << "after an authorization change";
        const QJsonObject notice{{"type"_L1, "unbound"_L1},
                                 {"thing"_L1, name},
                                 {"error"_L1, bindRefusal(session, ref, allowed.error())}};
        send(socket, notice);
    }
}

void EdgeEndpoint::send(QWebSocket *socket, const QJsonObject &message)
{
    const QByteArray utf8 = QJsonDocument(message).toJson(QJsonDocument::Compact);
    socket->sendTextMessage(QString::fromUtf8(utf8));
    countSent(socket, utf8.size());
}

void EdgeEndpoint::countSent(QWebSocket *socket, qsizetype bytes)
{
    const auto session = m_sessions.constFind(socket);
    if (session != m_sessions.cend())
        session->traffic->sent(bytes);
}

void EdgeEndpoint::reply(QWebSocket *socket, const QJsonValue &id, const QJsonObject &result)
{
    send(socket, {{"id"_L1, id}, {"type"_L1, "result"_L1}, {"result"_L1, result}});
}

void EdgeEndpoint::replyError(QWebSocket *socket, const QJsonValue &id, const QString &code,
                              const QString &text)
{
    send(socket, {{"id"_L1, id},
                  {"type"_L1, "error"_L1},
                  {"error"_L1, QJsonObject{{"code"_L1, code}, {"message"_L1, text}}}});
}

void EdgeEndpoint::closeAll()
{
    const auto sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopping"));
}

} // namespace Bulwark
