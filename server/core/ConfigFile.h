// Reading values from the configuration file (bulwark.conf) with one set of
// rules and one wording for what is wrong, whatever section they belong to.
#pragma once

#include "Result.h"

#include <QSettings>
#include <QStringList>

#include <cstddef>
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

// A whole-number key of the settings struct S: its name, the member it sets
// and its bounds. A section lists its keys in one table.
template <typename S> struct IntKey
{
    const char *name;
    int S::*target;
    int minimum;
    int maximum;
};

// The names in keys, for the unknown-key check.
template <typename S, std::size_t N> [[nodiscard]] QStringList keyNames(const IntKey<S> (&keys)[N])
{
    QStringList names;
    for (const IntKey<S> &key : keys)
        names << QString::fromLatin1(key.name);
    return names;
}

// A default S with each of keys that the file sets read into it (boundedInt).
template <typename S, std::size_t N>
[[nodiscard]] Result<S> readInts(QSettings &file, const IntKey<S> (&keys)[N])
{
    S settings;
    for (const IntKey<S> &key : keys) {
        auto value = boundedInt(file, QString::fromLatin1(key.name), key.minimum, key.maximum);
        if (!value)
            return value.error();
        if (*value)
            settings.*key.target = **value;
    }
    return settings;
}

} // namespace Bulwark::ConfigFile
