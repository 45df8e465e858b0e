// The audit log's REST routes, for administrators only:
//   GET /api/Audit?from=&to=&actor=&entity=&category=&outcome=&offset=&limit=
//   GET /api/Audit/Verify
#pragma once

#include "ApiTypes.h"

namespace Bulwark {
class AuditLog;
}

namespace Bulwark::Routes {

// Times are ISO 8601 with a zone; entity matches the entity and everything
// below it ("Things/Pump1" also finds "Things/Pump1/Properties/speed");
// newest first; limit defaults to 100, at most 1000. Answers
// {"items":[…], "total":N, "offset":O, "limit":L}.
[[nodiscard]] Result<RoutePlan> audit(const ApiRequest &request, const AuditLog &log);
// {"intact":…, "checked":…, "firstBadId":…, "message":…}
[[nodiscard]] Result<RoutePlan> auditVerify(const ApiRequest &request, const AuditLog &log);

} // namespace Bulwark::Routes
