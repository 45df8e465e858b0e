// What a new password must satisfy before it is hashed: a length in Unicode
// code points (NFC) between the configured minimum and maximum (128 is always
// accepted), and, when configured, not common: libpwquality's palindrome and
// user-name checks and cracklib's dictionary of Debian (cracklib-runtime),
// also applied to the word left after stripping digits and symbols from both
// ends ("Summer2024!!"). Refusals are BadRequest with a reason a user can act
// on; a missing dictionary is an Internal error naming the package.
#pragma once

#include "core/Result.h"

#include <QString>

namespace Bulwark {
struct PasswordSettings;
}

namespace Bulwark::PasswordPolicy {

inline constexpr int AlwaysAcceptedLength = 128;
// Debian's packed cracklib dictionary (package cracklib-runtime).
inline constexpr const char *DictionaryPath = "/var/cache/cracklib/cracklib_dict";

// Thread-safe (cracklib is not: its calls are serialised here).
[[nodiscard]] Status check(const QString &password, const QString &userName,
                           const PasswordSettings &settings);

} // namespace Bulwark::PasswordPolicy
