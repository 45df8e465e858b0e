// JSON form of the core entities, as the REST API and the docs show it.
// Parsing validates everything a client can get wrong and says what.
#pragma once

#include "Entities.h"

#include <QJsonObject>

namespace Bulwark::EntityJson {

inline constexpr qsizetype MaximumDescriptionLength = 4096;

[[nodiscard]] Result<Definitions> definitionsFromJson(const QJsonObject &object,
                                                      const QString &owner);
[[nodiscard]] Result<Thing> thingFromJson(const QJsonObject &object);
[[nodiscard]] Result<ThingTemplate> templateFromJson(const QJsonObject &object);
[[nodiscard]] Result<User> userFromJson(const QJsonObject &object);
[[nodiscard]] Result<Group> groupFromJson(const QJsonObject &object);
[[nodiscard]] Result<Organization> organizationFromJson(const QJsonObject &object);

[[nodiscard]] QJsonObject toJson(const Definitions &definitions);
[[nodiscard]] QJsonObject toJson(const Thing &thing);
[[nodiscard]] QJsonObject toJson(const ThingTemplate &thingTemplate);
[[nodiscard]] QJsonObject toJson(const User &user);
[[nodiscard]] QJsonObject toJson(const Group &group);
[[nodiscard]] QJsonObject toJson(const Organization &organization);
[[nodiscard]] QJsonObject summaryJson(const Thing &thing);

[[nodiscard]] QString timestamp(const QDateTime &time); // UTC ISO 8601 with ms

} // namespace Bulwark::EntityJson
