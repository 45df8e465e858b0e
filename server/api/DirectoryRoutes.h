// REST routes of the DirectoryServices collection (LDAP delegation), for
// administrators only. The bind password is accepted on write and never
// answered: reads say "hasBindPassword" instead.
#pragma once

#include "ApiTypes.h"

namespace Bulwark {
class Vault;
}

namespace Bulwark::Routes {

// /api/DirectoryServices and /api/DirectoryServices/{name}.
// arguments: [collection] or [collection, name]. vault must outlive the plan.
[[nodiscard]] Result<RoutePlan> directoryServices(const ApiRequest &request, const Vault &vault);

// POST /api/DirectoryServices/{name}/Test with an optional body
// {"user": "…", "password": "…"}. arguments: [collection, name]. The
// storage work reads the configuration; the LDAP work runs in
// RoutePlan::afterStorage on the worker pool.
[[nodiscard]] Result<RoutePlan> directoryServiceTest(const ApiRequest &request, const Vault &vault);

} // namespace Bulwark::Routes
