// The base types of property values, and the one place where a JSON value
// is checked against a type and brought to its stored form.
#pragma once

#include "Result.h"

#include <QJsonValue>

#include <optional>

namespace Bulwark {

enum class BaseType
{
    String,
    Number,
    Integer,
    Boolean,
    DateTime,
    Json,
    Password
};

namespace BaseTypes {

[[nodiscard]] QString name(BaseType type); // "STRING", …
[[nodiscard]] std::optional<BaseType> fromName(const QString &name);
[[nodiscard]] QString allNames(); // "STRING, NUMBER, …" for error messages

// The largest integer a JSON number carries exactly (2^53 - 1).
inline constexpr qint64 MaximumSafeInteger = (qint64(1) << 53) - 1;
inline constexpr qsizetype MaximumStringLength = 1 << 20;

// Checks value against type and returns its normalized form: DATETIME
// becomes UTC ISO 8601 with milliseconds, INTEGER an integral double.
// null is accepted for every type and means "no value".
[[nodiscard]] Result<QJsonValue> check(BaseType type, const QJsonValue &value, const QString &what);

} // namespace BaseTypes
} // namespace Bulwark
