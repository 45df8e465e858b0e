// The REST routes that manage authorization (docs/rest-api.md, "Permissions
// and visibility"): rules, visibility lists, export and import of an
// entity's security, organization units and their members, group members,
// and the explain/effective questions. Like every route they only plan
// storage work; ApiServer authenticates, runs and answers. Each change
// lists its AccessChange so the model follows it once committed.
#pragma once

#include "ApiTypes.h"

namespace Bulwark::Routes {

// arguments: [collection, name, part] with part one of Permissions,
// InstancePermissions, Visibility, InstanceVisibility, Security;
// or ["Collections", collection, Permissions|Visibility].
[[nodiscard]] Result<RoutePlan> entitySecurity(const ApiRequest &request,
                                               const Access::AccessModel &access);

// arguments: [organization, "Units"], [organization, "Units", unit],
// [organization, "Units", unit, "Members" | "Visible"].
[[nodiscard]] Result<RoutePlan> organizationUnits(const ApiRequest &request,
                                                  const Access::AccessModel &access);

// arguments: ["Groups", group, "Members"].
[[nodiscard]] Result<RoutePlan> groupMembers(const ApiRequest &request,
                                             const Access::AccessModel &access);

// arguments: ["Permissions", "explain" | "effective"]; the query carries the rest.
[[nodiscard]] Result<RoutePlan> permissionQuery(const ApiRequest &request,
                                                const Access::AccessModel &access);

} // namespace Bulwark::Routes
