// Interim declaration; the audit work replaces this file.
#pragma once

#include "ServerConfig.h"
#include "core/Result.h"

namespace Bulwark {

// bulwark --verify-audit: checks the audit chain of the configured database.
[[nodiscard]] Result<QString> verifyAudit(const ServerConfig &config);

} // namespace Bulwark
