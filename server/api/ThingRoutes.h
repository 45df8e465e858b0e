// The REST routes of each collection. Each turns a request into a plan of
// storage work; none authenticates or writes to a socket itself (that is
// ApiServer's one pipeline).
#pragma once

#include "ApiTypes.h"
#include "core/Entities.h"
#include "security/SecuritySettings.h"

namespace Bulwark {
class ConnectionRegistry;
class EdgeEndpoint;
class Vault;
} // namespace Bulwark

namespace Bulwark::Routes {

// Every route of an entity collection decides through access, in its
// storage work: visibility first (404, as for a missing entity), then the
// permission (403). Lists are filtered by visibility in the query, then by Read.
// arguments: [collection] or [collection, name]
// GET of one Thing includes its "connection" (connections may be null: none).
[[nodiscard]] Result<RoutePlan> things(const ApiRequest &request, const Access::AccessModel &access,
                                       const ConnectionRegistry *connections = nullptr);
[[nodiscard]] Result<RoutePlan> thingTemplates(const ApiRequest &request,
                                               const Access::AccessModel &access);
// arguments: [thing] or [thing, property]. A PUT to a Thing a device speaks
// for goes to that device (edge may be null: stored as is).
[[nodiscard]] Result<RoutePlan> thingProperties(const ApiRequest &request, const Vault &vault,
                                                const Access::AccessModel &access,
                                                EdgeEndpoint *edge = nullptr);
// EdgeRoutes.cpp. arguments: [thing, service]; POST {"parameters": {…}},
// answered by the device that speaks for the Thing.
[[nodiscard]] Result<RoutePlan> thingService(const ApiRequest &request,
                                             const Access::AccessModel &access, EdgeEndpoint &edge);
// arguments: [thing]; GET: the Thing's connection state (visibility + Read).
[[nodiscard]] Result<RoutePlan> thingConnection(const ApiRequest &request,
                                                const Access::AccessModel &access,
                                                const ConnectionRegistry &connections);
// arguments: [Connections]; GET: every connected Thing the caller may see
// and Read (the same decision as thingConnection), sorted by name, with the
// traffic of the session holding it. Built on the worker pool.
[[nodiscard]] Result<RoutePlan> connections(const ApiRequest &request,
                                            const Access::AccessModel &access,
                                            const ConnectionRegistry &connections);
[[nodiscard]] Result<RoutePlan> users(const ApiRequest &request,
                                      const PasswordSettings &passwordSettings,
                                      const Access::AccessModel &access);
// arguments: [Users, name]; json: {password}. The user's own password change.
[[nodiscard]] Result<RoutePlan> userPassword(const ApiRequest &request,
                                             const PasswordSettings &settings);
// json: {password, user?}: would the policy accept password for user (the
// caller when absent)? Only administrators may name another user (403
// before any work). The answer is the work to run on the worker pool:
// {"acceptable": true} or {"acceptable": false, "message": the refusal}.
[[nodiscard]] Result<std::function<ApiResponse()>> passwordCheck(const ApiRequest &request,
                                                                 const PasswordSettings &settings);
// arguments: [Users, name, action]: Unlock, EndSessions.
[[nodiscard]] Result<RoutePlan> userAction(const ApiRequest &request, const QString &action);
[[nodiscard]] Result<RoutePlan> groups(const ApiRequest &request,
                                       const Access::AccessModel &access);
[[nodiscard]] Result<RoutePlan> organizations(const ApiRequest &request,
                                              const Access::AccessModel &access);

// Shared by the route files.
// A Thing or template with its template chain's members merged in.
[[nodiscard]] Result<Thing> effectiveThing(EntityStore &store, const QString &name);
[[nodiscard]] Result<ThingTemplate> effectiveTemplate(EntityStore &store, const QString &name);
[[nodiscard]] RoutePlan methodNotAllowed(const ApiRequest &request, const char *allowed);
[[nodiscard]] QJsonObject entityEvent(QLatin1StringView type, QLatin1StringView collection,
                                      const QString &name);
[[nodiscard]] Status checkNameMatches(const ApiRequest &request, const QString &bodyName);
[[nodiscard]] QJsonObject withName(const ApiRequest &request);

// Authorization in storage work, for user: visible (else 404 with the body
// of a missing entity), then permission (else 403).
[[nodiscard]] Status authorize(const Access::AccessModel &access, const QString &user,
                               const Access::EntityRef &ref, Access::Permission permission,
                               const QString &member = {});
// Visible (else 404), then only administrators (else 403, saying what).
[[nodiscard]] Status administratorsOnlyOn(const Access::AccessModel &access, const QString &user,
                                          const Access::EntityRef &ref, const QString &what);
[[nodiscard]] Error administratorsOnly(const QString &what);

} // namespace Bulwark::Routes
