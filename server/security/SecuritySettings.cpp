#include "SecuritySettings.h"

#include "core/ConfigFile.h"
#include "edge/EdgeSettings.h"
#include "files/FileSettings.h"
#include "net/HttpSettings.h"

#include <QSettings>
#include <QStringList>

namespace Bulwark {

namespace {

struct IntKey
{
    const char *name;
    int *target;
    int minimum;
    int maximum;
};

} // namespace

Result<SecuritySettings> SecuritySettings::load(QSettings &file)
{
    SecuritySettings s;
    constexpr int day = 24 * 60 * 60;
    const IntKey ints[] = {
        {"passwords/argon2_memory_kib", &s.passwords.argonMemoryKiB, 8 * 1024, 4 * 1024 * 1024},
        {"passwords/argon2_iterations", &s.passwords.argonIterations, 1, 100},
        {"passwords/argon2_parallelism", &s.passwords.argonParallelism, 1, 64},
        {"passwords/minimum_length", &s.passwords.minimumLength, 8, 128},
        {"passwords/maximum_length", &s.passwords.maximumLength, 128, 4096},
        {"sessions/idle_timeout_seconds", &s.sessions.idleTimeoutSeconds, 5, 30 * day},
        {"sessions/lifetime_seconds", &s.sessions.lifetimeSeconds, 5, 365 * day},
        {"sessions/basic_cache_seconds", &s.sessions.basicCacheSeconds, 0, 3600},
        {"lockout/threshold", &s.lockout.threshold, 0, 1000},
        {"lockout/window_seconds", &s.lockout.windowSeconds, 1, 30 * day},
        {"lockout/duration_seconds", &s.lockout.durationSeconds, 0, 365 * day},
        {"lockout/address_threshold", &s.lockout.addressThreshold, 0, 100000},
        {"lockout/address_window_seconds", &s.lockout.addressWindowSeconds, 1, day},
        {"appkeys/default_lifetime_seconds", &s.appKeys.defaultLifetimeSeconds, 60, 10 * 365 * day},
        {"appkeys/maximum_lifetime_seconds", &s.appKeys.maximumLifetimeSeconds, 60, 10 * 365 * day},
    };
    QStringList known{QStringLiteral("passwords/reject_common"),
                      QStringLiteral("masterkey/source")};
    for (const IntKey &key : ints) {
        const QString name = QString::fromLatin1(key.name);
        known << name;
        auto value = ConfigFile::boundedInt(file, name, key.minimum, key.maximum);
        if (!value)
            return value.error();
        if (*value)
            *key.target = **value;
    }
    if (file.contains(QStringLiteral("passwords/reject_common"))) {
        const QString value =
            file.value(QStringLiteral("passwords/reject_common")).toString().trimmed().toLower();
        if (value != u"true" && value != u"false")
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("In the configuration file, passwords/reject_common "
                                            "must be true or false."));
        s.passwords.rejectCommon = value == u"true";
    }
    if (file.contains(QStringLiteral("masterkey/source"))) {
        const QString value =
            file.value(QStringLiteral("masterkey/source")).toString().trimmed().toLower();
        if (value == u"auto")
            s.masterKeySource = MasterKeySource::Automatic;
        else if (value == u"keychain")
            s.masterKeySource = MasterKeySource::Keychain;
        else if (value == u"file")
            s.masterKeySource = MasterKeySource::File;
        else
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("In the configuration file, masterkey/source must be "
                                            "auto, keychain or file."));
    }
    if (s.appKeys.defaultLifetimeSeconds > s.appKeys.maximumLifetimeSeconds)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("In the configuration file, "
                                        "appkeys/default_lifetime_seconds is longer than "
                                        "appkeys/maximum_lifetime_seconds."));
    known << EdgeSettings::keys(); // read by EdgeSettings::load
    known << FileSettings::keys(); // read by FileSettings::load
    known << HttpSettings::keys(); // read by HttpSettings::load
    for (const QString &key : file.allKeys()) {
        if (!known.contains(key))
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("The configuration file sets '%1', which Bulwark does "
                                            "not know; see docs/operations.md for the keys.")
                                 .arg(key.left(64)));
    }
    return s;
}

} // namespace Bulwark
