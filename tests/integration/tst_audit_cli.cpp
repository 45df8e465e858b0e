// `bulwark --verify-audit` end to end: a data directory made in-process with
// the real storage, vault and audit log, checked by the real binary
// ($BULWARK_BINARY), then tampered with straight through SQLite.
#include "security/AuditLog.h"
#include "security/Secrets.h"
#include "security/Vault.h"
#include "storage/StorageThread.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;
using namespace Qt::StringLiterals;

namespace {

constexpr int kRecords = 4;

struct Outcome
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestAuditCli : public QObject
{
    Q_OBJECT

private:
    static ServerConfig config(const QString &dataDir)
    {
        ServerConfig c;
        c.dataDir = dataDir;
        // The key file, not whatever keychain the test machine has; the
        // binary reads the same choice from DATA-DIR/bulwark.conf.
        c.security.masterKeySource = MasterKeySource::File;
        return c;
    }

    // A data directory with a database, a master key and kRecords records.
    static void makeDataDir(const QString &dataDir)
    {
        QFile conf(QDir(dataDir).filePath(u"bulwark.conf"_s));
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("[masterkey]\nsource=file\n");
        conf.close();

        const ServerConfig c = config(dataDir);
        auto url = DatabaseUrl::parse(c.databaseUrl, c.dataDir);
        QVERIFY(url.ok());
        StorageThread storage(*url);
        const Status opened = storage.open([](EntityStore &) -> Status { return {}; });
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
        auto vault = openVault(c, storage, true);
        QVERIFY2(vault.ok(), vault.ok() ? "" : qPrintable(vault.error().message));
        auto key = (*vault)->macKey(u"audit-head"_s);
        QVERIFY(key.ok());
        const AuditLog log(*key);
        const Status appended = storage.runBlocking([&log](EntityStore &store) -> Status {
            for (int i = 1; i <= kRecords; ++i) {
                AuditRecord r;
                r.actor = u"Administrator"_s;
                r.source = u"127.0.0.1"_s;
                r.category = Audit::UserCategory;
                r.action = u"create"_s;
                r.entity = u"Users/user%1"_s.arg(i);
                r.outcome = Audit::Success;
                if (auto s = log.append(store, r); !s)
                    return s;
            }
            return {};
        });
        QVERIFY2(appended.ok(), appended.ok() ? "" : qPrintable(appended.error().message));
        storage.close();
    }

    static Outcome verify(const QString &dataDir)
    {
        QProcess process;
        process.start(qEnvironmentVariable("BULWARK_BINARY"),
                      {u"--verify-audit"_s, u"--data-dir"_s, dataDir});
        Outcome o;
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished();
            o.err = u"bulwark --verify-audit did not finish"_s;
            return o;
        }
        o.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        o.out = QString::fromUtf8(process.readAllStandardOutput());
        o.err = QString::fromUtf8(process.readAllStandardError());
        return o;
    }

    static void tamper(const QString &dataDir, const QString &sql)
    {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tamper"_s);
            db.setDatabaseName(QDir(dataDir).filePath(u"bulwark.db"_s));
            QVERIFY(db.open());
            for (const QString &statement : sql.split(u';')) {
                QSqlQuery q(db);
                QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
                QVERIFY(q.numRowsAffected() > 0);
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(u"tamper"_s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("BULWARK_BINARY")),
                 "BULWARK_BINARY must name the built bulwark binary");
    }

    void intactChain()
    {
        QTemporaryDir dir;
        makeDataDir(dir.path());
        const Outcome o = verify(dir.path());
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QVERIFY2(o.out.contains(u"intact"), qPrintable(o.out));
        QVERIFY2(o.out.contains(u"%1 records checked"_s.arg(kRecords)), qPrintable(o.out));
    }

    void detectsTampering_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QStringList>("says");
        QTest::newRow("edited record") << u"UPDATE audit_log SET actor = 'mallory' WHERE id = 2"_s
                                       << QStringList{u"record 2"_s, u"edited"_s};
        QTest::newRow("deleted record")
            << u"DELETE FROM audit_log WHERE id = 3"_s << QStringList{u"Record 3"_s, u"missing"_s};
        QTest::newRow("newest removed")
            << u"DELETE FROM audit_log WHERE id = %1"_s.arg(kRecords)
            << QStringList{u"Record %1"_s.arg(kRecords), u"newest records were removed"_s};
        QTest::newRow("reordered")
            << u"UPDATE audit_log SET id = -1 WHERE id = 1;UPDATE audit_log SET id = 1 WHERE id = 4;UPDATE audit_log SET id = 4 WHERE id = -1"_s
            << QStringList{u"Record 1"_s, u"reordered"_s};
        QTest::newRow("wiped, head and all")
            << u"DELETE FROM audit_log;DELETE FROM settings WHERE name = 'audit.head'"_s
            << QStringList{u"empty"_s, u"deleted"_s};
    }

    void detectsTampering()
    {
        QFETCH(QString, sql);
        QFETCH(QStringList, says);
        QTemporaryDir dir;
        makeDataDir(dir.path());
        tamper(dir.path(), sql);
        const Outcome o = verify(dir.path());
        qInfo().noquote() << "bulwark said:" << o.err.trimmed().replace(u'\n', u" | "_s);
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(!o.out.contains(u"intact"), qPrintable(o.out));
        for (const QString &phrase : says)
            QVERIFY2(o.err.contains(phrase), qPrintable(o.err));
    }

    void missingDatabase()
    {
        QTemporaryDir dir;
        const Outcome o = verify(dir.path());
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.err.contains(u"no database"), qPrintable(o.err));
        // Checking must not leave an empty database behind.
        QVERIFY(!QFile::exists(QDir(dir.path()).filePath(u"bulwark.db"_s)));
    }
};

QTEST_GUILESS_MAIN(TestAuditCli)
#include "tst_audit_cli.moc"
