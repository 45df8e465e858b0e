// Offline commands of the bulwark binary that work on an existing
// installation: opening its database without ever creating one, and
// unlocking a locked-out account from the command line (the way back in
// when the only administrator is locked until unlocked).
#pragma once

#include "ServerConfig.h"
#include "core/Result.h"

#include <memory>

namespace Bulwark {

class StorageThread;

// The configured database, opened and migrated; an error that says so when
// there is none (a SQLite file that does not exist is not created).
[[nodiscard]] Result<std::unique_ptr<StorageThread>>
openExistingDatabase(const ServerConfig &config);

// bulwark --unlock-user NAME: ends a lockout, audited as done from the
// command line. Returns a line saying what was done.
[[nodiscard]] Result<QString> unlockUser(const ServerConfig &config, const QString &user);

} // namespace Bulwark
