// The C API: Things bound, property values, events and file transfers.
#include "ClientPrivate.h"
#include "EventLoop.h"

#include <QUuid>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace BulwarkEdge::C;

namespace {

bulwark_edge_error setValue(bulwark_edge_client *client, const char *thing, const char *property,
                            const QJsonValue &value)
{
    const QString thingName = QString::fromUtf8(thing);
    const QString propertyName = QString::fromUtf8(property);
    EventLoop::run([client, thingName, propertyName, value] {
        client->sdk->setPropertyValue(thingName, propertyName, value);
    });
    return succeed(client);
}

BulwarkEdge::TransferCompletion transferQueuedCallback(bulwark_edge_transfer_queued_fn queued,
                                                       void *userData)
{
    return [queued, userData](const QUuid &transfer, const BulwarkEdge::Error *error) {
        if (!queued)
            return;
        if (error) {
            queued(userData, nullptr, toC(error->code), error->message.toUtf8().constData());
            return;
        }
        queued(userData, transfer.toString(QUuid::WithoutBraces).toUtf8().constData(),
               BULWARK_EDGE_OK, nullptr);
    };
}

BulwarkEdge::OverwritePolicy overwritePolicy(int overwrite)
{
    return overwrite ? BulwarkEdge::OverwritePolicy::Replace
                     : BulwarkEdge::OverwritePolicy::KeepExisting;
}

} // namespace

extern "C" {

bulwark_edge_error bulwark_edge_bind_thing(bulwark_edge_client *client, const char *thing)
{
    return bulwark_edge_bind_thing_with_directories(client, thing, nullptr, 0);
}

bulwark_edge_error
bulwark_edge_bind_thing_with_directories(bulwark_edge_client *client, const char *thing,
                                         const bulwark_edge_directory *directories, size_t count)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    if (count > 0 && !directories)
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"directories is NULL but count is %1."_s.arg(count));
    QList<BulwarkEdge::VirtualDirectory> list;
    for (size_t i = 0; i < count; ++i) {
        if (!directories[i].name || !directories[i].local_root)
            return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                        u"directories[%1] has a NULL name or local_root."_s.arg(i));
        list.append(
            {QString::fromUtf8(directories[i].name), QString::fromUtf8(directories[i].local_root)});
    }
    const QString name = QString::fromUtf8(thing);
    EventLoop::run([client, name, list] { client->sdk->bindThing(name, list); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_unbind_thing(bulwark_edge_client *client, const char *thing)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    const QString name = QString::fromUtf8(thing);
    EventLoop::run([client, name] { client->sdk->unbindThing(name); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_property_number(bulwark_edge_client *client, const char *thing,
                                                    const char *property, double value)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    if (!std::isfinite(value))
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"The value of property '%1' is not a finite number."_s.arg(
                        QString::fromUtf8(property)));
    return setValue(client, thing, property, value);
}

bulwark_edge_error bulwark_edge_set_property_bool(bulwark_edge_client *client, const char *thing,
                                                  const char *property, int value)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    return setValue(client, thing, property, value != 0);
}

bulwark_edge_error bulwark_edge_set_property_string(bulwark_edge_client *client, const char *thing,
                                                    const char *property, const char *value)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    if (!value)
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT, u"The argument value is NULL."_s);
    return setValue(client, thing, property, QString::fromUtf8(value));
}

bulwark_edge_error bulwark_edge_set_property_json(bulwark_edge_client *client, const char *thing,
                                                  const char *property, const char *value_json)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    BULWARK_REQUIRE_STRING(client, value_json);
    QJsonValue value;
    QString error;
    if (!parseJsonValue(value_json, value, error))
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"The value of property '%1' is %2."_s.arg(QString::fromUtf8(property), error));
    return setValue(client, thing, property, value);
}

bulwark_edge_error bulwark_edge_fire_event(bulwark_edge_client *client, const char *thing,
                                           const char *event, const char *data_json,
                                           bulwark_edge_done_fn done, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, event);
    QJsonObject data;
    if (data_json && *data_json) {
        QJsonValue value;
        QString error;
        if (!parseJsonValue(data_json, value, error) || !value.isObject())
            return fail(
                client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                u"The data of event '%1' must be a JSON object%2."_s.arg(
                    QString::fromUtf8(event), error.isEmpty() ? QString() : u": "_s + error));
        data = value.toObject();
    }
    const QString thingName = QString::fromUtf8(thing);
    const QString eventName = QString::fromUtf8(event);
    BulwarkEdge::Completion completion = [done, user_data](const BulwarkEdge::Error *error) {
        if (!done)
            return;
        if (error)
            done(user_data, toC(error->code), error->message.toUtf8().constData());
        else
            done(user_data, BULWARK_EDGE_OK, nullptr);
    };
    EventLoop::run([client, thingName, eventName, data, completion] {
        client->sdk->fireEvent(thingName, eventName, data, completion);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_upload_file(bulwark_edge_client *client, const char *thing,
                                            const char *path, const char *repository,
                                            const char *repository_path, int overwrite,
                                            bulwark_edge_transfer_queued_fn queued, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, path);
    BULWARK_REQUIRE_STRING(client, repository);
    BULWARK_REQUIRE_STRING(client, repository_path);
    const BulwarkEdge::TransferCompletion completion = transferQueuedCallback(queued, user_data);
    const QString thingName = QString::fromUtf8(thing);
    const QString devicePath = QString::fromUtf8(path);
    const QString repositoryName = QString::fromUtf8(repository);
    const QString target = QString::fromUtf8(repository_path);
    const auto policy = overwritePolicy(overwrite);
    EventLoop::run([=] {
        client->sdk->uploadFile(thingName, devicePath, repositoryName, target, policy, completion);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_download_file(bulwark_edge_client *client, const char *thing,
                                              const char *repository, const char *repository_path,
                                              const char *path, int overwrite,
                                              bulwark_edge_transfer_queued_fn queued,
                                              void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, repository);
    BULWARK_REQUIRE_STRING(client, repository_path);
    BULWARK_REQUIRE_STRING(client, path);
    const BulwarkEdge::TransferCompletion completion = transferQueuedCallback(queued, user_data);
    const QString thingName = QString::fromUtf8(thing);
    const QString repositoryName = QString::fromUtf8(repository);
    const QString source = QString::fromUtf8(repository_path);
    const QString devicePath = QString::fromUtf8(path);
    const auto policy = overwritePolicy(overwrite);
    EventLoop::run([=] {
        client->sdk->downloadFile(thingName, repositoryName, source, devicePath, policy,
                                  completion);
    });
    return succeed(client);
}

} // extern "C"
