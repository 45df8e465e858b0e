// The security knobs an operator may turn, with the defaults a new server
// gets. Read from the [passwords], [sessions], [lockout], [appkeys] and
// [masterkey] sections of the optional configuration file (--config).
#pragma once

#include "core/Result.h"

#include <QString>

class QSettings;

namespace Bulwark {

struct PasswordSettings
{
    // Argon2id, OWASP's first recommended set (19 MiB, 2 passes, 1 lane).
    int argonMemoryKiB = 19456;
    int argonIterations = 2;
    int argonParallelism = 1;
    int minimumLength = 12;
    int maximumLength = 1024; // at least 128 is always accepted
    bool rejectCommon = true; // cracklib dictionary through libpwquality
};

struct SessionSettings
{
    int idleTimeoutSeconds = 30 * 60;
    int lifetimeSeconds = 12 * 60 * 60;
    int basicCacheSeconds = 5 * 60; // remembered HTTP Basic verifications
};

struct LockoutSettings
{
    int threshold = 5; // failures within the window lock the account; 0: never
    int windowSeconds = 5 * 60;
    int durationSeconds = 15 * 60; // 0: until an administrator unlocks
    // Per client address, across all accounts: failures within the window
    // after which that address is refused for the window (429).
    int addressThreshold = 20;
    int addressWindowSeconds = 60;
};

struct AppKeySettings
{
    int defaultLifetimeSeconds = 24 * 60 * 60;
    int maximumLifetimeSeconds = 365 * 24 * 60 * 60;
};

enum class MasterKeySource
{
    Automatic, // an existing key file, else the keychain, else a new key file
    Keychain,  // the OS keychain only (QtKeychain / Secret Service)
    File,      // the key file only
};

struct SecuritySettings
{
    PasswordSettings passwords;
    SessionSettings sessions;
    LockoutSettings lockout;
    AppKeySettings appKeys;
    MasterKeySource masterKeySource = MasterKeySource::Automatic;

    // Reads what the file sets over the defaults; refuses unknown keys and
    // values out of range with a message naming the key.
    [[nodiscard]] static Result<SecuritySettings> load(QSettings &file);
};

} // namespace Bulwark
