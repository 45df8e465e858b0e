// The REST routes of file repositories (docs/rest-api.md "File
// repositories"): the repositories a user can see, and the files of a Thing:
// a repository's own (stored encrypted by FileRepositories), or a device's
// virtual directories (forwarded to the device as file.list / file.delete).
#pragma once

#include "ApiTypes.h"

namespace Bulwark {
class EdgeEndpoint;
class FileRepositories;
} // namespace Bulwark

namespace Bulwark::Routes {

// GET /api/FileRepositories: name, description, used bytes, quota of every
// repository the user may Read.
[[nodiscard]] Result<RoutePlan> fileRepositories(const ApiRequest &request,
                                                 const Access::AccessModel &access,
                                                 FileRepositories &files);
// arguments: [thing] for /api/Things/{thing}/Files (GET list, DELETE), or
// [thing, "Content"] for /api/Things/{thing}/Files/Content (GET, PUT).
// The file is named by the query item "path". edge may be null (no devices).
[[nodiscard]] Result<RoutePlan> thingFiles(const ApiRequest &request,
                                           const Access::AccessModel &access,
                                           FileRepositories &files, EdgeEndpoint *edge);

} // namespace Bulwark::Routes
