#include "Database.h"

#include "Migrations_p.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <cerrno>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcStorage, "bulwark.storage")

namespace Bulwark {

namespace {

// libpq options added unless the database URL sets them (docs/operations.md):
// how long opening a connection may take, and how long an open connection
// may go unanswered (unacknowledged data, or silence while idle) before it
// counts as lost, so that a network partition fails requests in seconds,
// not after TCP's minutes.
constexpr std::pair<const char *, int> PostgresDefaultOptions[] = {
    {"connect_timeout", 5},                               // seconds
    {"tcp_user_timeout", 30000},                          // milliseconds
    {"keepalives", 1},           {"keepalives_idle", 30}, // seconds
    {"keepalives_interval", 10},                          // seconds
    {"keepalives_count", 3},
};

QString describe(const QSqlError &error)
{
    // Without PostgreSQL's DETAIL, which can quote a whole failing row.
    QString text = error.text();
    if (const qsizetype detail = text.indexOf(QLatin1StringView("DETAIL")); detail >= 0)
        text.truncate(detail);
    text = text.trimmed();
    return text.isEmpty() ? QStringLiteral("unknown database error") : text;
}

Status exec(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("Database statement failed: %1").arg(describe(query.lastError())));
    return {};
}

// Faults (issue 7, engineer E): a SQLite file on a read-only mount, or one
// not writable, opens read-only and then fails at the first pragma with
// "unable to open database file". Say where, why and what to do.
Error sqliteSetupError(const QString &file, const Error &error)
{
    const QFileInfo info(file);
    for (const QString &path : {info.absoluteFilePath(), info.absolutePath()}) {
        if (::access(QFile::encodeName(path).constData(), W_OK) == 0)
            continue;
        const bool readOnlyMount = errno == EROFS;
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("The SQLite database %1 cannot be written: %2. Bulwark writes the "
                           "database file and the -wal and -shm files beside it; make %3 "
                           "writable, then start again.")
                .arg(file,
                     readOnlyMount ? QStringLiteral("its file system is mounted read-only")
                                   : QStringLiteral("%1 is not writable").arg(path),
                     readOnlyMount ? QStringLiteral("the file system") : path));
    }
    return makeError(
        error.code,
        QStringLiteral("Cannot use the SQLite database at %1: %2").arg(file, error.message));
}

} // namespace

Result<DatabaseUrl> DatabaseUrl::parse(const QString &text, const QString &dataDir)
{
    DatabaseUrl url;
    if (text.isEmpty() || text == u"sqlite:" || text == u"sqlite") {
        url.sqliteFile = QDir(dataDir).filePath(QStringLiteral("bulwark.db"));
        return url;
    }
    if (text.startsWith(u"sqlite:")) {
        url.sqliteFile = text.mid(7);
        if (url.sqliteFile.startsWith(u"//"))
            url.sqliteFile = url.sqliteFile.mid(2);
        if (QDir::isRelativePath(url.sqliteFile))
            url.sqliteFile = QDir(dataDir).filePath(url.sqliteFile);
        return url;
    }
    const QUrl parsed(text, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"postgresql" && parsed.scheme() != u"postgres")) {
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The database URL is not understood. Use sqlite: (the "
                                        "default), sqlite:/path/to/file.db or "
                                        "postgresql://user@host:port/database."));
    }
    url.backend = Backend::Postgres;
    url.host = parsed.host().isEmpty() ? QStringLiteral("localhost") : parsed.host();
    url.port = parsed.port(5432);
    url.user = parsed.userName(QUrl::FullyDecoded);
    url.password = parsed.password(QUrl::FullyDecoded);
    url.database = parsed.path(QUrl::FullyDecoded).mid(1);
    if (url.database.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The PostgreSQL URL names no database: add /DATABASE "
                                        "after the host."));
    QStringList options;
    const auto items = QUrlQuery(parsed).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items)
        options << key + u'=' + value;
    url.options = options.join(u';');
    return url;
}

Database::Database(Backend backend, QString connectionName)
    : m_backend(backend)
    , m_connectionName(std::move(connectionName))
{}

Database::~Database()
{
    // Statements must go before their connection does.
    dropStatements();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString Database::backendName() const
{
    return m_backend == Backend::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgresql");
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseUrl &url)
{
    static QAtomicInteger<int> counter;
    const QString name = QStringLiteral("bulwark-%1").arg(counter.fetchAndAddRelaxed(1));
    std::unique_ptr<Database> db(new Database(url.backend, name));

    if (url.backend == Backend::Sqlite) {
        db->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        if (!db->m_db.isValid())
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The Qt SQLite driver is missing: install the "
                                            "libqt6sql6-sqlite package."));
        db->m_db.setDatabaseName(url.sqliteFile);
        db->m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    } else {
        db->m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        if (!db->m_db.isValid())
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The Qt PostgreSQL driver is missing: install the "
                                            "libqt6sql6-psql package."));
        db->m_db.setHostName(url.host);
        db->m_db.setPort(url.port);
        db->m_db.setUserName(url.user);
        db->m_db.setPassword(url.password);
        db->m_db.setDatabaseName(url.database);
        // Faults (issue 7): without these, libpq waits for an unreachable
        // host (a network partition) as long as TCP does, minutes, and the
        // storage thread with it. An option the URL sets wins.
        QStringList options = url.options.split(u';', Qt::SkipEmptyParts);
        for (const auto &[name, value] : PostgresDefaultOptions) {
            const QString key = QString::fromLatin1(name);
            const bool set = std::any_of(options.cbegin(), options.cend(), [&](const QString &o) {
                return o.section(u'=', 0, 0).trimmed() == key;
            });
            if (!set)
                options.append(key + u'=' + QString::number(value));
        }
        db->m_db.setConnectOptions(options.join(u';'));
    }
    if (!db->m_db.open()) {
        const QString where =
            url.backend == Backend::Sqlite
                ? url.sqliteFile
                : QStringLiteral("%1:%2/%3").arg(url.host).arg(url.port).arg(url.database);
        return makeError(ErrorCode::Internal, QStringLiteral("Cannot open the database at %1: %2")
                                                  .arg(where, describe(db->m_db.lastError())));
    }

    if (url.backend == Backend::Sqlite) {
        // WAL lets readers run beside the writer; FULL syncs every commit so
        // that an acknowledged write survives a crash or power loss.
        for (const char *pragma :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
            if (auto s = exec(db->m_db, QString::fromLatin1(pragma)); !s)
                return sqliteSetupError(url.sqliteFile, s.error());
        }
    } else {
        if (auto s = exec(db->m_db, QStringLiteral("SET client_min_messages TO WARNING")); !s)
            return s.error();
    }
    return db;
}

namespace {
// More distinct constant statements than the stores have: a bound, not a working limit.
constexpr std::size_t MaximumKeptStatements = 256;
} // namespace

std::unique_ptr<QSqlQuery> Database::takeStatement(const QString &sql)
{
    const auto kept = m_statements.find(sql);
    if (kept == m_statements.end())
        return nullptr;
    std::unique_ptr<QSqlQuery> statement = std::move(kept->second);
    m_statements.erase(kept);
    return statement;
}

void Database::giveBackStatement(const QString &sql, std::unique_ptr<QSqlQuery> statement,
                                 quint64 generation)
{
    if (!statement || generation != m_generation || m_statements.size() >= MaximumKeptStatements)
        return;
    // Ends a read left part-way, so that no statement holds a snapshot open
    // (SQLite WAL checkpoints wait for readers) between uses.
    statement->finish();
    m_statements.try_emplace(sql, std::move(statement));
}

void Database::dropStatements()
{
    m_statements.clear();
    ++m_generation;
}

Result<int> Database::schemaVersion()
{
    if (auto s = exec(m_db, QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version "
                                           "(version INTEGER NOT NULL)"));
        !s)
        return s.error();
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")))
        return makeError(ErrorCode::Internal, describe(query.lastError()));
    return query.next() ? query.value(0).toInt() : 0;
}

Status Database::migrate(int target)
{
    const int latest = Migrations::latestVersion();
    if (target < 0)
        target = latest;
    // Statements prepared against the old schema may no longer fit it.
    dropStatements();
    auto current = schemaVersion();
    if (!current)
        return current.error();
    if (*current > latest)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("The database schema is version %1, newer than this "
                                        "Bulwark understands (up to %2). Run a newer Bulwark, or "
                                        "restore a backup made for this version.")
                             .arg(*current)
                             .arg(latest));
    for (const auto &migration : Migrations::all()) {
        if (migration.version <= *current || migration.version > target)
            continue;
        qCInfo(lcStorage, "Applying schema migration %d (%s)", migration.version,
               migration.description);
        if (!m_db.transaction())
            return makeError(ErrorCode::Internal, describe(m_db.lastError()));
        for (const char *sql : migration.statements) {
            if (auto s = exec(m_db, QString::fromUtf8(sql)); !s) {
                m_db.rollback();
                return makeError(ErrorCode::Internal,
                                 QStringLiteral("Schema migration %1 failed: %2")
                                     .arg(migration.version)
                                     .arg(s.error().message));
            }
        }
        QSqlQuery record(m_db);
        record.prepare(QStringLiteral("INSERT INTO schema_version (version) VALUES (?)"));
        record.addBindValue(migration.version);
        if (!record.exec() || !m_db.commit()) {
            const QString why = describe(record.lastError());
            m_db.rollback();
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Schema migration %1 failed: %2").arg(migration.version).arg(why));
        }
    }
    return {};
}

} // namespace Bulwark
