// REST routes of application keys: /api/ApplicationKeys[/{name}].
// Administrators see and manage every key; other users only their own, and
// someone else's key does not exist for them (404). The secret is answered
// once, by the POST that makes the key.
#pragma once

#include "ApiTypes.h"
#include "security/SecuritySettings.h"

namespace Bulwark::Routes {

// arguments: [collection] or [collection, name]
[[nodiscard]] Result<RoutePlan> applicationKeys(const ApiRequest &request,
                                                const AppKeySettings &settings);

} // namespace Bulwark::Routes
