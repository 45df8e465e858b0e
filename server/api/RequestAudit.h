// The audit record of a REST request: who did what to which entity, with
// what outcome. Every write through ApiServer is recorded with it, in the
// same transaction as the write itself.
#pragma once

#include "ApiTypes.h"
#include "security/AuditLog.h"

namespace Bulwark {

[[nodiscard]] AuditRecord auditOf(const ApiRequest &request, const ApiResponse &response);

} // namespace Bulwark
