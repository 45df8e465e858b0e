// Small helpers over QSqlQuery: prepare, bind, run, and turn a driver error
// into a Result whose message says what failed.
#pragma once

#include "core/Result.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace Bulwark::Sql {

// The driver's message without PostgreSQL's DETAIL part, which can quote a
// whole failing row (a password hash, a sealed value) into the log.
inline QString describe(const QSqlError &error)
{
    const QString text = error.text();
    const qsizetype detail = text.indexOf(QLatin1StringView("DETAIL"));
    return (detail >= 0 ? text.left(detail) : text).trimmed();
}

// Prepares sql (placeholders only, never values), binds values in order and
// runs it. Also for statements built at run time (a condition with a
// variable number of placeholders).
inline Result<QSqlQuery> run(QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return makeError(ErrorCode::Internal, QStringLiteral("The database refused a statement: %1")
                                                  .arg(describe(query.lastError())));
    for (const QVariant &v : values) {
        // A null QString inside a valid QVariant would bind as SQL NULL;
        // only nullable() (an invalid-valued QVariant) means NULL.
        if (v.typeId() == QMetaType::QString && !v.isNull() && v.toString().isNull())
            query.addBindValue(QStringLiteral(""));
        else
            query.addBindValue(v);
    }
    if (!query.exec())
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("A database statement failed: %1").arg(describe(query.lastError())));
    return query;
}

inline Result<QSqlQuery> run(QSqlDatabase &db, const char *sql,
                             std::initializer_list<QVariant> values = {})
{
    return run(db, QString::fromUtf8(sql), QVariantList(values));
}

inline QString toText(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

inline QDateTime fromText(const QVariant &text)
{
    return QDateTime::fromString(text.toString(), Qt::ISODateWithMs);
}

// A string column that may be NULL.
inline QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

} // namespace Bulwark::Sql
