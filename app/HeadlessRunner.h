// Runs the server without a GUI until SIGTERM or SIGINT, then stops it
// cleanly (queued writes finish) and returns the exit code.
#pragma once

#include "ServerConfig.h"

namespace Bulwark {

[[nodiscard]] int runHeadless(const ServerConfig &config);

} // namespace Bulwark
