// The [http] section of the configuration file: how long a client may take
// to send a request, how large its headers may be, and how many connections
// one address may hold (docs/operations.md "Network").
#pragma once

#include "core/Result.h"

class QSettings;

namespace Bulwark {

struct HttpSettings
{
    int requestTimeoutSeconds = 60;      // a request must be answered within this of its first byte
    int idleTimeoutSeconds = 120;        // an HTTP connection with no traffic is closed
    int maxHeaderKb = 32;                // request line and headers of one request
    int maxConnectionsPerAddress = 1024; // open connections from one peer address; 0: no limit

    // Reads http/* keys; others are left to their own sections.
    [[nodiscard]] static Result<HttpSettings> load(QSettings &file);
    // The keys load() knows, for the unknown-key check.
    [[nodiscard]] static QStringList keys();
};

} // namespace Bulwark
