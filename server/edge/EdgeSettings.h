// The [edge] section of the configuration file: limits and timeouts of the
// device protocol (docs/protocol.md, docs/operations.md).
#pragma once

#include "core/Result.h"

class QSettings;

namespace Bulwark {

struct EdgeSettings
{
    int writeTimeoutSeconds = 10;  // a REST property write awaiting the device
    int invokeTimeoutSeconds = 30; // a REST service call awaiting the device
    int messagesPerSecond = 200;   // token bucket: sustained rate per session
    int burst = 400;               // token bucket: its size
    int pingIntervalSeconds = 60;  // the server pings; 2 silent intervals close
    int authTimeoutSeconds = 15;   // a new connection must send auth within this
    int maxMessageKb = 1024;       // largest message or frame a device may send

    // Reads edge/* keys; others are left to their own sections.
    [[nodiscard]] static Result<EdgeSettings> load(QSettings &file);
    // The keys load() knows, for the unknown-key check.
    [[nodiscard]] static QStringList keys();
};

} // namespace Bulwark
