// One Qt SQL connection to SQLite or PostgreSQL, opened from a database URL,
// with the schema brought to this binary's version at open. A Database is
// used only on the thread that opened it (Qt SQL connections are per thread).
#pragma once

#include "core/Result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

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
    [[nodiscard]] Status migrate(int target = -1);

private:
    Database(Backend backend, QString connectionName);

    Backend m_backend;
    QString m_connectionName;
    QSqlDatabase m_db;
};

namespace Migrations {
[[nodiscard]] int latestVersion();
}

} // namespace Bulwark
