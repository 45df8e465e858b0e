// What a device sends about the Things it speaks for (update, event), and
// the requests the platform sends it (write, invoke) with their replies.
#include "EdgeEndpoint.h"

#include "api/EventHub.h"
#include "api/ThingRoutes.h"
#include "core/EntityJson.h"
#include "security/Access.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>
#include <QWebSocket>

Q_DECLARE_LOGGING_CATEGORY(lcEdge)

namespace Bulwark {

using namespace Qt::StringLiterals;
namespace W = Wire;

namespace {

// A storage failure is logged; the device gets words it can act on.
QString edgeMessage(const Error &error)
{
    if (edgeErrorCode(error, EdgeCodes::Version1) != u"unavailable")
        return error.message;
    qCWarning(lcEdge).noquote() << "Edge message failed in storage:" << error.message;
    // Unavailable says what the operator must fix (a full disk, a read-only
    // database, PostgreSQL gone): the device may log it. Anything else stays
    // in the server's log.
    if (error.code == ErrorCode::Unavailable)
        return error.message + u" Nothing was stored; send it again."_s;
    return u"The server could not store this just now; nothing was stored. Send it again."_s;
}

} // namespace

bool EdgeEndpoint::requireBound(QWebSocket *socket, const Session &session, const QJsonValue &id,
                                const QString &thing)
{
    if (thing.isEmpty()) {
        replyError(socket, id, u"bad-request"_s,
                   u"Name the Thing in 'thing' (a Thing this session has bound)."_s);
        return false;
    }
    if (session.bound.contains(thing))
        return true;
    replyError(socket, id, u"not-bound"_s,
               u"This session has not bound Thing '%1': send {\"type\":\"bind\",\"things\":"
               "[\"%1\"]} first."_s.arg(thing.left(128)));
    return false;
}

void EdgeEndpoint::update(QWebSocket *socket, Session &session, const QJsonValue &id,
                          const QJsonObject &message)
{
    const QString thing = message.value(W::Thing).toString();
    if (!requireBound(socket, session, id, thing))
        return;
    auto values = EdgeDecode::updateValues(message, QDateTime::currentDateTimeUtc());
    if (!values) {
        replyError(socket, id, u"bad-request"_s, values.error().message);
        return;
    }
    IngestBatch batch{session.user, thing, std::move(*values)};
    QPointer<QWebSocket> guard(socket);
    m_ingest.submit(std::move(batch), [this, guard, id](Result<IngestCounts> counts) {
        if (!guard)
            return;
        if (!counts) {
            replyError(guard, id, edgeErrorCode(counts.error(), EdgeCodes::Version1),
                       edgeMessage(counts.error()));
            return;
        }
        reply(guard, id, {{"accepted"_L1, counts->accepted}, {"stale"_L1, counts->stale}});
    });
}

void EdgeEndpoint::fireEvent(QWebSocket *socket, Session &session, const QJsonValue &id,
                             const QJsonObject &message)
{
    const QString thing = message.value(W::Thing).toString();
    if (!requireBound(socket, session, id, thing))
        return;
    const QString event = message.value(W::Event).toString();
    const QJsonValue data = message.value(W::Data);
    if (event.isEmpty() || !(data.isUndefined() || data.isNull() || data.isObject())) {
        replyError(socket, id, u"bad-request"_s,
                   u"Fire an event as {\"type\":\"event\",\"thing\":\"…\",\"event\":\"…\","
                   "\"data\":{…}}: 'event' names it, 'data' is an optional object."_s);
        return;
    }
    if (data.isObject() &&
        QJsonDocument(data.toObject()).toJson(QJsonDocument::Compact).size() > MaximumEventData) {
        replyError(socket, id, u"bad-request"_s,
                   u"The event's 'data' is larger than %1 KiB."_s.arg(MaximumEventData / 1024));
        return;
    }
    auto time = EdgeDecode::deviceTime(message.value(W::Time), u"The event"_s,
                                       QDateTime::currentDateTimeUtc());
    if (!time) {
        replyError(socket, id, u"bad-request"_s, time.error().message);
        return;
    }
    // The event must be declared (definitions live in storage) and the
    // user may fire it (EventInvoke): decided on the storage thread.
    const QString user = session.user;
    const Access::AccessModel *access = &m_access;
    QPointer<QWebSocket> guard(socket);
    const QJsonObject published{{W::Type, W::EventThingEvent},
                                {W::Thing, thing},
                                {W::Event, event},
                                {W::Data, data.isObject() ? data : QJsonValue(QJsonObject())},
                                {W::Time, EntityJson::timestamp(*time)}};
    m_storage.run<Status>(
        [thing, event, user, access](EntityStore &store) -> Status {
            auto effective = Routes::effectiveThing(store, thing);
            if (!effective)
                return effective.error();
            const auto &events = effective->definitions.events;
            if (std::none_of(events.cbegin(), events.cend(),
                             [&](const EventDefinition &e) { return e.name == event; }))
                return makeError(ErrorCode::NotFound,
                                 u"Thing '%1' declares no event '%2'."_s.arg(thing, event));
            return access->require(user, {QString(W::Things), thing},
                                   Access::Permission::EventInvoke, event);
        },
        this,
        [this, guard, id, published](Status allowed) {
            if (!allowed) {
                if (guard)
                    replyError(guard, id, edgeErrorCode(allowed.error(), EdgeCodes::Version1),
                               edgeMessage(allowed.error()));
                return;
            }
            if (guard)
                reply(guard, id, {{"delivered"_L1, true}});
            m_events.publish(published);
        });
}

void EdgeEndpoint::requestDevice(const QString &thing, QJsonObject message, int timeoutMs,
                                 std::function<void(DeviceAnswer)> done)
{
    // The session that most recently bound it speaks for it.
    QWebSocket *socket = nullptr;
    const QJsonObject state = m_connections.toJson(thing);
    if (state.value(W::Connected).toBool()) {
        for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
            if (it->bound.contains(thing) && (!socket || it->id > m_sessions.value(socket).id))
                socket = it.key();
        }
    }
    if (!socket) {
        done(DeviceAnswer{DeviceAnswer::Outcome::NotConnected,
                          {},
                          u"No device is connected for Thing '%1'."_s.arg(thing),
                          {}});
        return;
    }
    sendRequest(socket, std::move(message), timeoutMs, std::move(done));
}

void EdgeEndpoint::sendRequest(QWebSocket *socket, QJsonObject message, int timeoutMs,
                               std::function<void(DeviceAnswer)> done)
{
    const QString id = u"p-%1"_s.arg(m_nextRequest++);
    message.insert("id"_L1, id);
    auto *deadline = new QTimer(this);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this, [this, id, timeoutMs]() {
        finishRequest(
            id, DeviceAnswer{DeviceAnswer::Outcome::TimedOut,
                             {},
                             u"The device did not answer within %1 s."_s.arg(timeoutMs / 1000.0),
                             {}});
    });
    deadline->start(timeoutMs);
    m_requests.insert(id, PlatformRequest{socket, deadline, std::move(done)});
    send(socket, message);
}

void EdgeEndpoint::platformReply(QWebSocket *socket, const QString &id, const QString &type,
                                 const QJsonObject &message)
{
    const auto request = m_requests.constFind(id);
    // Answered too late (timed out), never asked, or asked of another
    // session: only the session the request went to may answer it.
    if (request == m_requests.cend() || request->socket != socket)
        return;
    if (type == u"result") {
        finishRequest(
            id, DeviceAnswer{
                    DeviceAnswer::Outcome::Done, message.value("result"_L1).toObject(), {}, {}});
        return;
    }
    const QJsonObject error = message.value("error"_L1).toObject();
    QString text = error.value(W::Message).toString().left(1024);
    if (text.isEmpty())
        text = error.value(W::Code).toString().left(128);
    if (text.isEmpty())
        text = u"The device refused without saying why."_s;
    finishRequest(id, DeviceAnswer{DeviceAnswer::Outcome::Refused,
                                   {},
                                   text,
                                   error.value(W::Code).toString().left(64)});
}

void EdgeEndpoint::finishRequest(const QString &id, DeviceAnswer answer)
{
    auto request = m_requests.take(id);
    if (!request.done)
        return;
    if (request.deadline)
        request.deadline->deleteLater();
    request.done(std::move(answer));
}

} // namespace Bulwark
