#include "HttpSettings.h"

#include "core/ConfigFile.h"

#include <QSettings>
#include <QStringList>

namespace Bulwark {

namespace {
constexpr ConfigFile::IntKey<HttpSettings> kKeys[] = {
    {"http/request_timeout_seconds", &HttpSettings::requestTimeoutSeconds, 1, 3600},
    {"http/idle_timeout_seconds", &HttpSettings::idleTimeoutSeconds, 1, 86400},
    {"http/max_header_kb", &HttpSettings::maxHeaderKb, 4, 1024},
    {"http/max_connections_per_address", &HttpSettings::maxConnectionsPerAddress, 0, 1000000},
};
} // namespace

QStringList HttpSettings::keys()
{
    return ConfigFile::keyNames(kKeys);
}

Result<HttpSettings> HttpSettings::load(QSettings &file)
{
    return ConfigFile::readInts(file, kKeys);
}

} // namespace Bulwark
