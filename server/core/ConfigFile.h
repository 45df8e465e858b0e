// Reading values from the configuration file (bulwark.conf) with one set of
// rules and one wording for what is wrong, whatever section they belong to.
#pragma once

#include "Result.h"

#include <QSettings>

#include <optional>

namespace Bulwark::ConfigFile {

// The whole number under name, from minimum to maximum; nullopt when the
// file does not set it.
[[nodiscard]] inline Result<std::optional<int>> boundedInt(QSettings &file, const QString &name,
                                                           int minimum, int maximum)
{
    if (!file.contains(name))
        return std::optional<int>();
    bool ok = false;
    const int value = file.value(name).toString().trimmed().toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("In the configuration file, %1 must be a whole number "
                                        "from %2 to %3; it is '%4'.")
                             .arg(name)
                             .arg(minimum)
                             .arg(maximum)
                             .arg(file.value(name).toString().left(64)));
    return std::optional<int>(value);
}

} // namespace Bulwark::ConfigFile
