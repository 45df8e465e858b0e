// The REST routes of each collection. Each turns a request into a plan of
// storage work; none authenticates or writes to a socket itself (that is
// ApiServer's one pipeline).
#pragma once

#include "ApiTypes.h"
#include "security/SecuritySettings.h"

namespace Bulwark {
class Vault;
}

namespace Bulwark::Routes {

// arguments: [collection] or [collection, name]
[[nodiscard]] Result<RoutePlan> things(const ApiRequest &request);
[[nodiscard]] Result<RoutePlan> thingTemplates(const ApiRequest &request);
// arguments: [thing] or [thing, property]
[[nodiscard]] Result<RoutePlan> thingProperties(const ApiRequest &request, const Vault &vault);
[[nodiscard]] Result<RoutePlan> users(const ApiRequest &request,
                                      const PasswordSettings &passwordSettings);
// arguments: [Users, name]; json: {password}. The user's own password change.
[[nodiscard]] Result<RoutePlan> userPassword(const ApiRequest &request,
                                             const PasswordSettings &settings);
// arguments: [Users, name, action]: Unlock, EndSessions.
[[nodiscard]] Result<RoutePlan> userAction(const ApiRequest &request, const QString &action);
[[nodiscard]] Result<RoutePlan> groups(const ApiRequest &request);
[[nodiscard]] Result<RoutePlan> organizations(const ApiRequest &request);

// Shared by the route files.
[[nodiscard]] RoutePlan methodNotAllowed(const ApiRequest &request, const char *allowed);
[[nodiscard]] QJsonObject entityEvent(QLatin1StringView type, QLatin1StringView collection,
                                      const QString &name);
[[nodiscard]] Status checkNameMatches(const ApiRequest &request, const QString &bodyName);
[[nodiscard]] QJsonObject withName(const ApiRequest &request);

} // namespace Bulwark::Routes
