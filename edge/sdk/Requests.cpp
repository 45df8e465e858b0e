// EdgeClient's requests: the platform's property writes and service calls
// handed to the device's handlers and answered through Reply, and events.
#include "EdgeClientPrivate.h"

namespace BulwarkEdge {

using namespace Qt::StringLiterals;

namespace {

// The handler for name, else the Thing's catch-all (registered under "").
template <typename Handler>
Handler handlerFor(const QHash<QString, Handler> &handlers, const QString &name)
{
    return handlers.value(name, handlers.value(QString()));
}

// A null handler removes the one registered under name.
template <typename Handler>
void setHandler(QHash<QString, Handler> &handlers, const QString &name, const Handler &handler)
{
    if (handler)
        handlers.insert(name, handler);
    else
        handlers.remove(name);
}

} // namespace

void EdgeClientPrivate::onPlatformRequest(const QJsonObject &message)
{
    auto state = std::make_shared<Reply::State>();
    state->client = q;
    state->session = session;
    state->id = message.value("id"_L1);
    state->thing = message.value("thing"_L1).toString();
    const bool isWrite = message.value("type"_L1).toString() == u"write"_s;
    state->kind = isWrite ? Reply::State::Kind::Write : Reply::State::Kind::Invoke;
    state->name = message.value(isWrite ? "property"_L1 : "service"_L1).toString();
    state->requested = message.value("value"_L1);
    const Reply reply{state};
    auto thing = things.find(state->thing);
    if (isWrite) {
        WriteHandler handler;
        if (thing != things.end())
            handler = handlerFor(thing->second.writeHandlers, state->name);
        if (!handler) {
            reply.fail(ErrorCode::Unsupported,
                       u"Property '%1' of Thing '%2' cannot be written from the platform on this "
                       "device."_s.arg(state->name, state->thing));
            return;
        }
        handler(WriteRequest{state->thing, state->name, state->requested}, reply);
        return;
    }
    ServiceHandler handler;
    if (thing != things.end())
        handler = handlerFor(thing->second.serviceHandlers, state->name);
    if (!handler) {
        reply.fail(ErrorCode::Unsupported, u"Service '%1' of Thing '%2' is not implemented on "
                                           "this device."_s.arg(state->name, state->thing));
        return;
    }
    handler(ServiceRequest{state->thing, state->name, message.value("parameters"_L1).toObject()},
            reply);
}

void EdgeClientPrivate::answerLater(const std::shared_ptr<Reply::State> &reply, bool ok,
                                    const QJsonValue &value, ErrorCode code, const QString &message)
{
    const QPointer<EdgeClient> client = reply->client;
    if (!client)
        return;
    QMetaObject::invokeMethod(client.data(), [client, reply, ok, value, code, message] {
        if (client)
            client->d->answer(reply, ok, value, code, message);
    });
}

void EdgeClientPrivate::answer(const std::shared_ptr<Reply::State> &reply, bool ok,
                               const QJsonValue &value, ErrorCode code, const QString &message)
{
    const auto &state = reply;
    if (state->session != session || !socket ||
        socket->state() != QAbstractSocket::ConnectedState) {
        qCInfo(lcEdgeSdk).noquote() << "dropping the answer to" << state->id.toVariant().toString()
                                    << "of an earlier session";
        return;
    }
    if (!ok) {
        sendError(state->id, code, message);
        return;
    }
    if (state->kind == Reply::State::Kind::Write) {
        const QJsonValue applied = value.isNull() || value.isUndefined() ? state->requested : value;
        QJsonObject result;
        if (!(value.isNull() || value.isUndefined()))
            result.insert("value"_L1, value);
        sendResult(state->id, result);
        PropertyState &property = this->property(state->thing, state->name);
        property.current = applied;
        property.lastPushed = applied; // the server stores it
        Q_EMIT q->propertyWritten(state->thing, state->name, applied);
        return;
    }
    QJsonObject result;
    if (!(value.isNull() || value.isUndefined()))
        result.insert("output"_L1, value);
    sendResult(state->id, result);
}

// ---------------------------------------------------------------- Reply

Reply::Reply() = default;

Reply::Reply(std::shared_ptr<State> state)
    : m_state(std::move(state))
{}

void Reply::succeed(const QJsonValue &value) const
{
    if (!m_state || m_state->answered.exchange(true))
        return;
    EdgeClientPrivate::answerLater(m_state, true, value, ErrorCode::BadRequest, QString());
}

void Reply::fail(ErrorCode code, const QString &message) const
{
    if (!m_state || m_state->answered.exchange(true))
        return;
    EdgeClientPrivate::answerLater(m_state, false, QJsonValue(), code, message);
}

bool Reply::isAnswered() const
{
    return m_state && m_state->answered.load();
}

void EdgeClient::fireEvent(const QString &thing, const QString &event, const QJsonObject &data,
                           const Completion &done, const QDateTime &time)
{
    const auto it = d->things.find(thing);
    if (d->state != State::Connected || it == d->things.end() || !it->second.bound) {
        const Error error{ErrorCode::Unavailable,
                          u"Event '%1' of Thing '%2' was not sent: the Thing is not bound to a "
                          "connected server (events are not queued)."_s.arg(event, thing)};
        qCWarning(lcEdgeSdk).noquote() << error.message;
        if (done)
            done(&error);
        return;
    }
    QJsonObject message{
        {"type"_L1, "event"_L1},
        {"thing"_L1, thing},
        {"event"_L1, event},
        {"time"_L1, isoTime(time.isValid() ? time : QDateTime::currentDateTimeUtc())}};
    if (!data.isEmpty())
        message.insert("data"_L1, data);
    d->request(message, [this, done, thing, event](const QJsonObject &reply) {
        if (reply.value("type"_L1).toString() == u"result"_s) {
            if (done)
                done(nullptr);
            return;
        }
        Error error = EdgeClientPrivate::errorOf(reply);
        error.message = u"Event '%1' of Thing '%2': %3"_s.arg(event, thing, error.message);
        qCWarning(lcEdgeSdk).noquote() << error.message;
        if (done)
            done(&error);
    });
}

void EdgeClient::setWriteHandler(const QString &thing, const QString &property,
                                 const WriteHandler &handler)
{
    setHandler(d->things[thing].writeHandlers, property, handler);
}

void EdgeClient::setServiceHandler(const QString &thing, const QString &service,
                                   const ServiceHandler &handler)
{
    setHandler(d->things[thing].serviceHandlers, service, handler);
}

} // namespace BulwarkEdge
