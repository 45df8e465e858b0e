// Unit-test fixture for code that must work on both databases: a test's
// global data rows ("sqlite", and "postgresql" when the test command gives
// a throw-away PostgreSQL in BULWARK_TEST_POSTGRES_URL, which CI must), and a
// new, empty database of the current row's backend.
#pragma once

#include "storage/Database.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace BulwarkTest {

class TestDatabases final
{
public:
    // Call from initTestCase_data().
    static void addBackendRows()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        if (!qEnvironmentVariableIsEmpty("BULWARK_TEST_POSTGRES_URL"))
            QTest::newRow("postgresql") << QStringLiteral("postgresql");
        else if (!qEnvironmentVariableIsEmpty("CI"))
            qFatal("CI must provide BULWARK_TEST_POSTGRES_URL (run through .ci/dev.sh test)");
        else
            qWarning("BULWARK_TEST_POSTGRES_URL is not set: PostgreSQL rows are skipped");
    }

    enum class Schema
    {
        Empty,
        Latest
    };

    // A new database of the row's backend: a new SQLite file, or the shared
    // PostgreSQL database with its schema dropped.
    [[nodiscard]] std::unique_ptr<Bulwark::Database> fresh(Schema schema = Schema::Empty)
    {
        QFETCH_GLOBAL(QString, backend);
        Bulwark::DatabaseUrl url;
        if (backend == u"sqlite")
            url = *Bulwark::DatabaseUrl::parse(QStringLiteral("sqlite:test%1.db").arg(++m_counter),
                                               m_dir.path());
        else
            url =
                *Bulwark::DatabaseUrl::parse(qEnvironmentVariable("BULWARK_TEST_POSTGRES_URL"), {});
        auto db = Bulwark::Database::open(url);
        if (!db)
            qFatal("%s", qPrintable(db.error().message));
        if (backend == u"postgresql") {
            QSqlQuery q((*db)->connection());
            if (!q.exec(QStringLiteral("DROP SCHEMA public CASCADE")) ||
                !q.exec(QStringLiteral("CREATE SCHEMA public")))
                qFatal("cannot reset the PostgreSQL schema");
        }
        if (schema == Schema::Latest) {
            if (auto s = (*db)->migrate(); !s)
                qFatal("%s", qPrintable(s.error().message));
        }
        return std::move(*db);
    }

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
};

} // namespace BulwarkTest
