// The C API: the platform's property writes and service calls handed to the
// host's handlers, and their answers through bulwark_edge_reply.
#include "ClientPrivate.h"
#include "EventLoop.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;
using namespace BulwarkEdge::C;

namespace {

// The request's answer when the handler gave none.
void answerUnanswered(bulwark_edge_reply &reply, const QString &what)
{
    if (!reply.answered)
        reply.reply.fail(BulwarkEdge::ErrorCode::Unsupported,
                         u"The device's handler for %1 returned without an answer."_s.arg(what));
}

bulwark_edge_error replyValue(bulwark_edge_reply *reply, const QJsonValue &value)
{
    if (!reply || reply->answered)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    reply->answered = true;
    reply->reply.succeed(value);
    return BULWARK_EDGE_OK;
}

} // namespace

extern "C" {

bulwark_edge_error bulwark_edge_set_write_handler(bulwark_edge_client *client, const char *thing,
                                                  const char *property,
                                                  bulwark_edge_write_fn handler, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    const QString thingName = QString::fromUtf8(thing);
    const QString propertyName = property ? QString::fromUtf8(property) : QString();
    BulwarkEdge::WriteHandler wrapped;
    if (handler) {
        wrapped = [handler, user_data](const BulwarkEdge::WriteRequest &request,
                                       const BulwarkEdge::Reply &reply) {
            bulwark_edge_reply answer{reply, false};
            handler(user_data, request.thing.toUtf8().constData(),
                    request.property.toUtf8().constData(), toJsonText(request.value).constData(),
                    &answer);
            answerUnanswered(answer, u"property '%1'"_s.arg(request.property));
        };
    }
    EventLoop::run([client, thingName, propertyName, wrapped] {
        client->sdk->setWriteHandler(thingName, propertyName, wrapped);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_service_handler(bulwark_edge_client *client, const char *thing,
                                                    const char *service,
                                                    bulwark_edge_service_fn handler,
                                                    void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    const QString thingName = QString::fromUtf8(thing);
    const QString serviceName = service ? QString::fromUtf8(service) : QString();
    BulwarkEdge::ServiceHandler wrapped;
    if (handler) {
        wrapped = [handler, user_data](const BulwarkEdge::ServiceRequest &request,
                                       const BulwarkEdge::Reply &reply) {
            bulwark_edge_reply answer{reply, false};
            const QByteArray parameters =
                QJsonDocument(request.parameters).toJson(QJsonDocument::Compact);
            handler(user_data, request.thing.toUtf8().constData(),
                    request.service.toUtf8().constData(), parameters.constData(), &answer);
            answerUnanswered(answer, u"service '%1'"_s.arg(request.service));
        };
    }
    EventLoop::run([client, thingName, serviceName, wrapped] {
        client->sdk->setServiceHandler(thingName, serviceName, wrapped);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_reply_json(bulwark_edge_reply *reply, const char *result_json)
{
    if (!reply)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    if (reply->answered)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    QJsonValue value;
    if (result_json) {
        QString error;
        if (!parseJsonValue(result_json, value, error))
            return BULWARK_EDGE_E_INVALID_ARGUMENT;
    }
    reply->answered = true;
    reply->reply.succeed(value);
    return BULWARK_EDGE_OK;
}

bulwark_edge_error bulwark_edge_reply_ok(bulwark_edge_reply *reply)
{
    return bulwark_edge_reply_json(reply, nullptr);
}

bulwark_edge_error bulwark_edge_reply_string(bulwark_edge_reply *reply, const char *result)
{
    if (!result)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    return replyValue(reply, QString::fromUtf8(result));
}

bulwark_edge_error bulwark_edge_reply_number(bulwark_edge_reply *reply, double result)
{
    return replyValue(reply, result);
}

bulwark_edge_error bulwark_edge_reply_bool(bulwark_edge_reply *reply, int result)
{
    return replyValue(reply, result != 0);
}

bulwark_edge_error bulwark_edge_reply_error(bulwark_edge_reply *reply, bulwark_edge_error code,
                                            const char *message)
{
    if (!reply || reply->answered)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    reply->answered = true;
    reply->reply.fail(toSdk(code), message && *message
                                       ? QString::fromUtf8(message)
                                       : QString::fromUtf8(bulwark_edge_strerror(code)));
    return BULWARK_EDGE_OK;
}

} // extern "C"
