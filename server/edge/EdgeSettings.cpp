#include "EdgeSettings.h"

#include "core/ConfigFile.h"

#include <QSettings>
#include <QStringList>

namespace Bulwark {

namespace {
struct Key
{
    const char *name;
    int EdgeSettings::*target;
    int minimum;
    int maximum;
};
constexpr Key kKeys[] = {
    {"edge/write_timeout_seconds", &EdgeSettings::writeTimeoutSeconds, 1, 3600},
    {"edge/invoke_timeout_seconds", &EdgeSettings::invokeTimeoutSeconds, 1, 3600},
    {"edge/messages_per_second", &EdgeSettings::messagesPerSecond, 1, 1000000},
    {"edge/burst", &EdgeSettings::burst, 1, 1000000},
    {"edge/ping_interval_seconds", &EdgeSettings::pingIntervalSeconds, 1, 3600},
};
} // namespace

QStringList EdgeSettings::keys()
{
    QStringList names;
    for (const Key &key : kKeys)
        names << QString::fromLatin1(key.name);
    return names;
}

Result<EdgeSettings> EdgeSettings::load(QSettings &file)
{
    EdgeSettings settings;
    for (const Key &key : kKeys) {
        auto value =
            ConfigFile::boundedInt(file, QString::fromLatin1(key.name), key.minimum, key.maximum);
        if (!value)
            return value.error();
        if (*value)
            settings.*key.target = **value;
    }
    if (settings.burst < settings.messagesPerSecond)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("In the configuration file, edge/burst must be at least "
                                        "edge/messages_per_second."));
    return settings;
}

} // namespace Bulwark
