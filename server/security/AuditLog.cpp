#include "AuditLog.h"

namespace Bulwark {

Result<QString> verifyAudit(const ServerConfig &)
{
    return makeError(ErrorCode::Internal, QStringLiteral("The audit log is not built yet."));
}

} // namespace Bulwark
