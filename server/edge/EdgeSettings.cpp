#include "EdgeSettings.h"

#include "core/ConfigFile.h"

#include <QSettings>
#include <QStringList>

namespace Bulwark {

namespace {
constexpr ConfigFile::IntKey<EdgeSettings> kKeys[] = {
    {"edge/write_timeout_seconds", &EdgeSettings::writeTimeoutSeconds, 1, 3600},
    {"edge/invoke_timeout_seconds", &EdgeSettings::invokeTimeoutSeconds, 1, 3600},
    {"edge/messages_per_second", &EdgeSettings::messagesPerSecond, 1, 1000000},
    {"edge/burst", &EdgeSettings::burst, 1, 1000000},
    {"edge/ping_interval_seconds", &EdgeSettings::pingIntervalSeconds, 1, 3600},
    {"edge/auth_timeout_seconds", &EdgeSettings::authTimeoutSeconds, 1, 600},
    // At least 1 MiB, so that a file chunk (at most 768 KiB) always fits.
    {"edge/max_message_kb", &EdgeSettings::maxMessageKb, 1024, 16384},
};
} // namespace

QStringList EdgeSettings::keys()
{
    return ConfigFile::keyNames(kKeys);
}

Result<EdgeSettings> EdgeSettings::load(QSettings &file)
{
    auto settings = ConfigFile::readInts(file, kKeys);
    if (settings && settings->burst < settings->messagesPerSecond)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("In the configuration file, edge/burst must be at least "
                                        "edge/messages_per_second."));
    return settings;
}

} // namespace Bulwark
