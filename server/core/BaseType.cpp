#include "BaseType.h"

#include <QDateTime>
#include <QStringList>

#include <array>
#include <cmath>
#include <utility>

namespace Bulwark::BaseTypes {

namespace {
constexpr std::array<std::pair<BaseType, const char *>, 7> kNames{{
    {BaseType::String, "STRING"},
    {BaseType::Number, "NUMBER"},
    {BaseType::Integer, "INTEGER"},
    {BaseType::Boolean, "BOOLEAN"},
    {BaseType::DateTime, "DATETIME"},
    {BaseType::Json, "JSON"},
    {BaseType::Password, "PASSWORD"},
}};

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

Error mismatch(const QString &what, BaseType type, const QJsonValue &value, const QString &expected)
{
    return makeError(ErrorCode::TypeMismatch,
                     QStringLiteral("%1 is of type %2 and needs %3, but got %4.")
                         .arg(what, name(type), expected, jsonTypeName(value)));
}
} // namespace

QString name(BaseType type)
{
    for (const auto &[t, n] : kNames) {
        if (t == type)
            return QString::fromLatin1(n);
    }
    return {};
}

std::optional<BaseType> fromName(const QString &name)
{
    for (const auto &[t, n] : kNames) {
        if (name == QLatin1StringView(n))
            return t;
    }
    return std::nullopt;
}

QString allNames()
{
    QStringList names;
    for (const auto &entry : kNames)
        names << QString::fromLatin1(entry.second);
    return names.join(QStringLiteral(", "));
}

Result<QJsonValue> check(BaseType type, const QJsonValue &value, const QString &what)
{
    if (value.isNull())
        return QJsonValue(QJsonValue::Null);
    if (value.isUndefined())
        return makeError(ErrorCode::BadRequest, QStringLiteral("%1 has no value.").arg(what));

    switch (type) {
    case BaseType::String:
    case BaseType::Password:
        if (!value.isString())
            return mismatch(what, type, value, QStringLiteral("a string"));
        if (value.toString().size() > MaximumStringLength)
            return makeError(ErrorCode::TypeMismatch,
                             QStringLiteral("%1 is longer than %2 characters.")
                                 .arg(what)
                                 .arg(MaximumStringLength));
        return value;
    case BaseType::Number:
        if (!value.isDouble() || !std::isfinite(value.toDouble()))
            return mismatch(what, type, value, QStringLiteral("a finite number"));
        return value;
    case BaseType::Integer: {
        if (!value.isDouble())
            return mismatch(what, type, value, QStringLiteral("an integer"));
        const double d = value.toDouble();
        if (!std::isfinite(d) || std::trunc(d) != d)
            return makeError(ErrorCode::TypeMismatch,
                             QStringLiteral("%1 is of type INTEGER, but %2 is not a whole number.")
                                 .arg(what)
                                 .arg(d));
        if (std::fabs(d) > double(MaximumSafeInteger))
            return makeError(
                ErrorCode::TypeMismatch,
                QStringLiteral("%1 is of type INTEGER and must lie between -%2 and %2.")
                    .arg(what)
                    .arg(MaximumSafeInteger));
        return QJsonValue(qint64(d));
    }
    case BaseType::Boolean:
        if (!value.isBool())
            return mismatch(what, type, value, QStringLiteral("true or false"));
        return value;
    case BaseType::DateTime: {
        if (!value.isString())
            return mismatch(what, type, value, QStringLiteral("an ISO 8601 date and time string"));
        const QString text = value.toString();
        const QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!dt.isValid())
            return makeError(ErrorCode::TypeMismatch,
                             QStringLiteral("%1 is of type DATETIME, but '%2' is not an ISO 8601 "
                                            "date and time such as 2026-11-26T14:30:00Z.")
                                 .arg(what, text.left(64)));
        if (dt.timeSpec() == Qt::LocalTime)
            return makeError(ErrorCode::TypeMismatch,
                             QStringLiteral("%1 is of type DATETIME, but '%2' has no time zone: "
                                            "add Z or an offset such as +01:00.")
                                 .arg(what, text.left(64)));
        return QJsonValue(dt.toUTC().toString(Qt::ISODateWithMs));
    }
    case BaseType::Json:
        if (!value.isObject() && !value.isArray())
            return mismatch(what, type, value, QStringLiteral("a JSON object or array"));
        return value;
    }
    return makeError(ErrorCode::Internal, QStringLiteral("Unknown base type."));
}

} // namespace Bulwark::BaseTypes
