// Databases for the tests that check what a server left behind: SQLite's
// integrity check on a database file, and a PostgreSQL database of a test's
// own on the server of BULWARK_TEST_POSTGRES_URL (dropped at the end).
#pragma once

#include "HeadlessServer.h"

#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace BulwarkTest {

using namespace Qt::StringLiterals;

// "ok", or what SQLite's integrity check found; the file is opened read-only.
[[nodiscard]] inline QString sqliteIntegrity(const QString &file)
{
    const QString connection = u"bulwark-test-integrity"_s;
    QString verdict;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(file);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open()) {
            verdict = u"cannot open %1: %2"_s.arg(file, db.lastError().text());
        } else {
            QSqlQuery query(db);
            QStringList lines;
            if (!query.exec(u"PRAGMA integrity_check"_s))
                lines.append(u"PRAGMA integrity_check failed: "_s + query.lastError().text());
            while (query.next())
                lines.append(query.value(0).toString());
            verdict = lines.join(u'\n');
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return verdict;
}

// A database of its own on the PostgreSQL server of url (dropped by
// dropPostgresDatabase), or, when the role may not create one, url's own
// database with its schema emptied. The URL to give the server, or an error.
struct PostgresTarget
{
    QString url;
    QString createdDatabase; // empty: the schema of url's database was reset
    QString error;
};

[[nodiscard]] inline QSqlDatabase postgresConnection(const QUrl &url, const QString &name,
                                                     const QString &database)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    db.setHostName(url.host().isEmpty() ? u"localhost"_s : url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName(QUrl::FullyDecoded));
    db.setPassword(url.password(QUrl::FullyDecoded));
    db.setDatabaseName(database);
    return db;
}

[[nodiscard]] inline PostgresTarget preparePostgres(const QString &urlText, const QString &prefix)
{
    const QUrl url(urlText);
    PostgresTarget target;
    const QString connection = u"bulwark-test-setup"_s;
    {
        QSqlDatabase db = postgresConnection(url, connection, url.path().mid(1));
        if (!db.open()) {
            target.error =
                u"cannot connect to BULWARK_TEST_POSTGRES_URL: "_s + db.lastError().text();
        } else {
            const QString name = prefix + u"_%1"_s.arg(QRandomGenerator::global()->generate(), 8,
                                                       16, QLatin1Char('0'));
            QSqlQuery query(db);
            if (query.exec(u"CREATE DATABASE %1"_s.arg(name))) {
                QUrl own = url;
                own.setPath(u"/"_s + name);
                target.url = own.toString();
                target.createdDatabase = name;
            } else if (query.exec(u"DROP SCHEMA public CASCADE"_s) &&
                       query.exec(u"CREATE SCHEMA public"_s)) {
                target.url = urlText;
            } else {
                target.error =
                    u"cannot create a database nor reset the schema: "_s + query.lastError().text();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return target;
}

inline void dropPostgresDatabase(const QString &urlText, const QString &name)
{
    const QUrl url(urlText);
    const QString connection = u"bulwark-test-drop"_s;
    {
        QSqlDatabase db = postgresConnection(url, connection, url.path().mid(1));
        if (db.open()) {
            QSqlQuery query(db);
            if (!query.exec(u"DROP DATABASE %1"_s.arg(name)))
                qWarning("could not drop the test database %s: %s", qPrintable(name),
                         qPrintable(query.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
}

// A test's PostgreSQL run: its server on a database of its own on
// BULWARK_TEST_POSTGRES_URL, stopped and the database dropped when this ends
// (declare it after the server). Use BULWARK_REQUIRE_POSTGRES first.
class PostgresForTest final
{
public:
    explicit PostgresForTest(HeadlessServer &server)
        : m_server(server)
        , m_url(qEnvironmentVariable("BULWARK_TEST_POSTGRES_URL"))
    {}
    ~PostgresForTest()
    {
        if (!m_target.createdDatabase.isEmpty()) {
            (void)m_server.stop();
            dropPostgresDatabase(m_url, m_target.createdDatabase);
        }
    }
    Q_DISABLE_COPY_MOVE(PostgresForTest)

    [[nodiscard]] bool configured() const { return !m_url.isEmpty(); }
    // Makes the database (named prefix_…) and points the server at it;
    // empty on success, else what went wrong.
    [[nodiscard]] QString prepare(const QString &prefix)
    {
        m_target = preparePostgres(m_url, prefix);
        if (m_target.error.isEmpty())
            m_server.setExtraArguments({u"--database"_s, m_target.url});
        return m_target.error;
    }

private:
    HeadlessServer &m_server;
    QString m_url;
    PostgresTarget m_target;
};

// Skips a PostgreSQL run without BULWARK_TEST_POSTGRES_URL; under CI, fails.
#define BULWARK_REQUIRE_POSTGRES(postgres)                                                         \
    do {                                                                                           \
        if (!(postgres).configured()) {                                                            \
            if (!qEnvironmentVariableIsEmpty("CI"))                                                \
                QFAIL("CI must provide BULWARK_TEST_POSTGRES_URL (run through .ci/dev.sh test)");  \
            QSKIP("BULWARK_TEST_POSTGRES_URL is not set (.ci/dev.sh test starts a throw-away "     \
                  "PostgreSQL and sets it): the PostgreSQL run is skipped");                       \
        }                                                                                          \
    } while (false)

} // namespace BulwarkTest
