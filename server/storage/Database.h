// One Qt SQL connection to SQLite or PostgreSQL, opened from a database URL,
// with the schema brought to this binary's version at open. A Database is
// used only on the thread that opened it (Qt SQL connections are per thread).
#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>
#include <unordered_map>

namespace Bulwark {

enum class Backend
{
    Sqlite,
    Postgres
};

struct DatabaseUrl
{
    Backend backend = Backend::Sqlite;
    QString sqliteFile;
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString options; // libpq connect options, e.g. sslmode=require

    // "sqlite:", "sqlite:/path/file.db" or "postgresql://user:pass@host:port/db?sslmode=…".
    [[nodiscard]] static Result<DatabaseUrl> parse(const QString &url, const QString &dataDir);
};

class Database final
{
    Q_DISABLE_COPY_MOVE(Database)

public:
    ~Database();

    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const DatabaseUrl &url);

    [[nodiscard]] Backend backend() const { return m_backend; }
    [[nodiscard]] QString backendName() const;
    [[nodiscard]] QSqlDatabase &connection() { return m_db; }

    // The version recorded in the database; 0 for an empty database.
    [[nodiscard]] Result<int> schemaVersion();
    // Applies migrations up to target (default: the latest this binary knows),
    // each in its own transaction. Refuses a schema newer than the binary.
    // Drops the prepared statements (see takeStatement).
    [[nodiscard]] Status migrate(int target = -1);

    // Prepared statements, kept per connection: preparing costs a SQLite
    // compile or a PostgreSQL round trip, for statements run per value.
    // takeStatement hands out the kept statement for sql (constant text with
    // placeholders, never values), or null when none is kept (prepare one);
    // giveBackStatement keeps it for the next caller. While one is handed
    // out, a nested use of the same text gets none. Use Sql::cached
    // (Sql_p.h), which does all this.
    [[nodiscard]] std::unique_ptr<QSqlQuery> takeStatement(const QString &sql);
    void giveBackStatement(const QString &sql, std::unique_ptr<QSqlQuery> statement,
                           quint64 generation);
    // Forgets every kept statement. Call it whenever the connection is
    // closed or reopened (prepared statements do not survive it) or the
    // schema changes (migrate does); ones handed out are not taken back.
    void dropStatements();
    // Changes whenever what was read through this connection may no longer
    // hold for a reason other than a write through the stores (a migration,
    // dropStatements): caches built on reads compare it.
    [[nodiscard]] quint64 generation() const { return m_generation; }
    [[nodiscard]] qsizetype keptStatementCount() const
    {
        return static_cast<qsizetype>(m_statements.size());
    }

private:
    Database(Backend backend, QString connectionName);

    Backend m_backend;
    QString m_connectionName;
    QSqlDatabase m_db;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements;
    quint64 m_generation = 1;
};

namespace Migrations {
[[nodiscard]] int latestVersion();
}

} // namespace Bulwark
