// What the edge SDK, C API and agent tests set up alike on the server: a
// Thing's typed members, the Reset service, a device user in Plant/Hall who
// sees its Things and holds the permissions given, and an application key.
#pragma once

#include "AccessFixture.h"

namespace BulwarkTest {

// {"name": name, "baseType": baseType}, an entry of a Thing's "properties".
inline QJsonObject typedProperty(const QString &name, const QString &baseType)
{
    return {{"name"_L1, name}, {"baseType"_L1, baseType}};
}

// Reset(level INTEGER) -> STRING, the service the devices answer.
inline QJsonObject resetService()
{
    return {{"name"_L1, "Reset"_L1},
            {"inputs"_L1, QJsonArray{typedProperty(u"level"_s, u"INTEGER"_s)}},
            {"output"_L1, "STRING"_L1}};
}

// A Thing's members: these properties and services, and events of these names.
inline QJsonObject thingMembers(const QJsonArray &properties, const QJsonArray &services,
                                const QStringList &events)
{
    QJsonArray eventList;
    for (const QString &event : events)
        eventList.append(QJsonObject{{"name"_L1, event}});
    return {{"properties"_L1, properties}, {"services"_L1, services}, {"events"_L1, eventList}};
}

// The device's user, a member of unit Plant/Hall, which sees each of things;
// on each, the user holds permissions (Read lets it bind them).
inline void makeDeviceUser(RestSetup &setup, const QString &name, const QString &password,
                           const QStringList &things, const QStringList &permissions)
{
    setup.makeUser(name, password);
    setup.makeOrganization(u"Plant"_s, {{u"Hall"_s, u"Plant"_s}});
    setup.setUnitMembers(u"Plant/Hall"_s, {user(name)});
    QList<QJsonObject> rules;
    for (const QString &permission : permissions)
        rules.append(rule(user(name), permission));
    for (const QString &thing : things) {
        setup.setVisibility(u"Things/"_s + thing + u"/Visibility"_s, {u"Plant/Hall"_s});
        setup.setRules(u"Things/"_s + thing + u"/Permissions"_s, rules);
    }
}

// A new application key of user: its secret, or empty when the server refused.
[[nodiscard]] inline QByteArray makeAppKey(const HeadlessServer &server, const QString &name,
                                           const QString &user)
{
    const Answer key =
        server.post(u"/api/ApplicationKeys"_s, {{"name"_L1, name}, {"user"_L1, user}});
    if (key.status != 201)
        return {};
    return key.json().value("secret"_L1).toString().toLatin1();
}

} // namespace BulwarkTest
