// Entity and member names: one rule for every kind, checked everywhere a
// name enters the system, so that names are safe in URLs, logs and SQL.
#pragma once

#include "Result.h"

namespace Bulwark::Names {

inline constexpr int MaximumLength = 128;

// kind is the user-facing noun ("Thing", "property", …) used in the message.
[[nodiscard]] Status validate(const QString &kind, const QString &name);

} // namespace Bulwark::Names
