// The core model: Things built from ThingTemplates (which may derive from
// one another), Users, Groups that nest, and Organizations with a tree of
// organizational units. Plain values; storage and JSON live elsewhere.
#pragma once

#include "BaseType.h"

#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace Bulwark {

struct PropertyDefinition
{
    QString name;
    QString description;
    BaseType baseType = BaseType::String;
    QJsonValue defaultValue = QJsonValue::Null;
    QString inheritedFrom; // template that declares it; empty when declared here
};

struct ServiceParameter
{
    QString name;
    BaseType baseType = BaseType::String;
};

struct ServiceDefinition
{
    QString name;
    QString description;
    QList<ServiceParameter> inputs;
    std::optional<BaseType> output;
    QString inheritedFrom;
};

struct EventDefinition
{
    QString name;
    QString description;
    QString inheritedFrom;
};

// What a Thing or template declares: properties, services and events.
struct Definitions
{
    QList<PropertyDefinition> properties;
    QList<ServiceDefinition> services;
    QList<EventDefinition> events;

    [[nodiscard]] const PropertyDefinition *property(const QString &name) const
    {
        for (const auto &p : properties) {
            if (p.name == name)
                return &p;
        }
        return nullptr;
    }
};

struct ThingTemplate
{
    QString name;
    QString description;
    QString baseTemplate; // empty: derives from nothing
    Definitions definitions;
    QDateTime created;
    QDateTime modified;
};

struct Thing
{
    QString name;
    QString description;
    QString templateName; // empty: no template
    Definitions definitions;
    QDateTime created;
    QDateTime modified;
};

struct User
{
    QString name;
    QString description;
    bool enabled = true;
    QDateTime created;
    QDateTime modified;
    QString authSource = QStringLiteral("local"); // "local" or a directory service's name
    // Read-only state kept by the sign-in checks.
    bool locked = false;   // locked out now
    QDateTime lockedUntil; // null while locked: until an administrator unlocks
    QDateTime lastLogin;
    QString lastLoginAddress;
};

inline constexpr auto LocalAuthSource = QLatin1StringView("local");

enum class MemberKind
{
    User,
    Group
};

struct GroupMember
{
    MemberKind kind = MemberKind::User;
    QString name;
    friend bool operator==(const GroupMember &, const GroupMember &) = default;
};

struct Group
{
    QString name;
    QString description;
    QList<GroupMember> members;
    QDateTime created;
    QDateTime modified;
};

struct OrganizationalUnit
{
    QString name;
    QString description;
    QString parent; // empty only for the root unit, which bears the organization's name
};

struct Organization
{
    QString name;
    QString description;
    QList<OrganizationalUnit> units; // root first, then each unit after its parent
    QDateTime created;
    QDateTime modified;
};

// A property's current value with the time it was set.
struct PropertyValue
{
    QJsonValue value = QJsonValue::Null;
    QDateTime time;
};

} // namespace Bulwark
