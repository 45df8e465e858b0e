// Small helpers over QSqlQuery: prepare, bind, run, and turn a driver error
// into a Result whose message says what failed.
#pragma once

#include "Database.h"
#include "core/Result.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

namespace Bulwark::Sql {

// The driver's message without PostgreSQL's DETAIL part, which can quote a
// whole failing row (a password hash, a sealed value) into the log.
inline QString describe(const QSqlError &error)
{
    const QString text = error.text();
    const qsizetype detail = text.indexOf(QLatin1StringView("DETAIL"));
    return (detail >= 0 ? text.left(detail) : text).trimmed();
}

// A failure the operator can fix while Bulwark runs (a full disk, a
// read-only database, PostgreSQL gone) is Unavailable (503, "try again")
// with what to do; anything else is Internal. context says what failed.
// The driver's text (without DETAIL) goes to the log, never a value.
inline Error failure(const QSqlError &error, const QString &context)
{
    const QString code = error.nativeErrorCode();
    const QString text = describe(error);
    const QString lower = text.toLower();
    bool isNumber = false;
    // SQLite's result codes have at most four digits; PostgreSQL's SQLSTATE five.
    const int sqliteCode = code.toInt(&isNumber) & 0xff; // the primary SQLite result code
    const bool sqlite = isNumber && code.size() <= 4;
    QString why;
    if ((sqlite && sqliteCode == 13) || code == u"53100" || lower.contains(u"disk is full") ||
        lower.contains(u"no space left"))
        why = QStringLiteral("The database cannot be written: the disk is full. Free space on "
                             "the volume that holds the database; writes resume without a "
                             "restart.");
    else if ((sqlite && sqliteCode == 8) || code == u"25006" ||
             lower.contains(u"readonly database"))
        why = QStringLiteral("The database cannot be written: it is read-only. Make it writable "
                             "again (the file system, the file, or PostgreSQL's "
                             "default_transaction_read_only); writes resume without a restart.");
    else if (sqlite && sqliteCode == 10)
        why = QStringLiteral("The database cannot be written: the storage reported an I/O "
                             "error. Check the disk and the system log.");
    // No driver error at all: Qt refused the call because the connection
    // is not open (PostgreSQL is down and the reconnect failed).
    else if (error.type() == QSqlError::NoError || error.type() == QSqlError::ConnectionError ||
             code.startsWith(u"08") || code.startsWith(u"57P") ||
             lower.contains(u"server closed the connection") ||
             lower.contains(u"no connection to the server") ||
             lower.contains(u"terminating connection"))
        why = QStringLiteral("The database server cannot be reached. Bulwark reconnects by "
                             "itself once PostgreSQL is back; try again shortly.");
    if (why.isEmpty())
        return makeError(ErrorCode::Internal, QStringLiteral("%1: %2").arg(context, text));
    qCWarning(lcStorage).noquote() << context << "-" << why << "(" << text << ")";
    return makeError(ErrorCode::Unavailable, why);
}

// Prepares sql (placeholders only, never values), binds values in order and
// runs it. Also for statements built at run time (a condition with a
// variable number of placeholders).
inline Result<QSqlQuery> run(QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return failure(query.lastError(), QStringLiteral("The database refused a statement"));
    for (const QVariant &v : values) {
        // A null QString inside a valid QVariant would bind as SQL NULL;
        // only nullable() (an invalid-valued QVariant) means NULL.
        if (v.typeId() == QMetaType::QString && !v.isNull() && v.toString().isNull())
            query.addBindValue(QStringLiteral(""));
        else
            query.addBindValue(v);
    }
    if (!query.exec())
        return failure(query.lastError(), QStringLiteral("A database statement failed"));
    return query;
}

inline Result<QSqlQuery> run(QSqlDatabase &db, const char *sql,
                             std::initializer_list<QVariant> values = {})
{
    return run(db, QString::fromUtf8(sql), QVariantList(values));
}

// A statement kept prepared by its Database (Database::takeStatement), run
// with this use's values. Read its rows before the next use of the same
// text; it is given back for reuse when this handle goes, unless it failed.
class Statement final
{
public:
    Statement(Database &database, QString sql, std::unique_ptr<QSqlQuery> query)
        : m_database(&database)
        , m_sql(std::move(sql))
        , m_query(std::move(query))
        , m_generation(database.generation())
    {}
    Statement(Statement &&other) noexcept = default;
    Statement &operator=(Statement &&other) = delete;
    Q_DISABLE_COPY(Statement)
    ~Statement()
    {
        if (m_query && m_keep)
            m_database->giveBackStatement(m_sql, std::move(m_query), m_generation);
    }

    [[nodiscard]] QSqlQuery &query() { return *m_query; }
    [[nodiscard]] const QSqlQuery &query() const { return *m_query; }
    bool next() { return m_query->next(); }
    [[nodiscard]] QVariant value(int index) const { return m_query->value(index); }
    [[nodiscard]] int numRowsAffected() const { return m_query->numRowsAffected(); }
    // Not kept: a statement that failed may be one the connection lost.
    void discard() { m_keep = false; }

private:
    Database *m_database;
    QString m_sql;
    std::unique_ptr<QSqlQuery> m_query;
    quint64 m_generation;
    bool m_keep = true;
};

// As run, for a constant statement run often: prepared once per connection
// and kept (Database::takeStatement).
inline Result<Statement> cached(Database &database, const QString &sql, const QVariantList &values)
{
    std::unique_ptr<QSqlQuery> query = database.takeStatement(sql);
    const bool kept = query != nullptr;
    if (!query) {
        query = std::make_unique<QSqlQuery>(database.connection());
        query->setForwardOnly(true);
        if (!query->prepare(sql))
            return failure(query->lastError(), QStringLiteral("The database refused a statement"));
    }
    Statement statement(database, sql, std::move(query));
    QSqlQuery &q = statement.query();
    int position = 0;
    for (const QVariant &v : values) {
        // As in run: only nullable() (an invalid-valued QVariant) means NULL.
        if (v.typeId() == QMetaType::QString && !v.isNull() && v.toString().isNull())
            q.bindValue(position++, QStringLiteral(""));
        else
            q.bindValue(position++, v);
    }
    if (!q.exec()) {
        statement.discard();
        // PostgreSQL forgot the kept statements: the connection was opened
        // again without Database::dropStatements. Only this use fails.
        if (kept && q.lastError().nativeErrorCode() == u"26000")
            database.dropStatements();
        return failure(q.lastError(), QStringLiteral("A database statement failed"));
    }
    return statement;
}

inline Result<Statement> cached(Database &database, const char *sql,
                                std::initializer_list<QVariant> values = {})
{
    return cached(database, QString::fromUtf8(sql), QVariantList(values));
}

// The rows of either kind of query, for helpers that read both.
inline const QSqlQuery &rowsOf(const QSqlQuery &query)
{
    return query;
}
inline const QSqlQuery &rowsOf(const Statement &statement)
{
    return statement.query();
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
