// REST for file transfers (docs/rest-api.md "Transfers"): start a transfer
// between a repository and a device, list and follow them, cancel, retry.
#pragma once

#include "ApiTypes.h"

namespace Bulwark {
class FileRepositories;
class TransferManager;
} // namespace Bulwark

namespace Bulwark::Routes {

// arguments: [Transfers], [Transfers, id] or [Transfers, id, Cancel|Retry].
// Called on the I/O thread (the transfers live there).
[[nodiscard]] Result<RoutePlan> transfers(const ApiRequest &request,
                                          const Access::AccessModel &access,
                                          FileRepositories &repositories,
                                          TransferManager &transfers);

} // namespace Bulwark::Routes
