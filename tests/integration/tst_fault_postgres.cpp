// PostgreSQL faults (issue 7; docs/operations.md, "Faults and recovery"):
// the test runs a throw-away PostgreSQL cluster of its own (initdb and
// pg_ctl from /usr/lib/postgresql/*/bin, as the postgres user when run as
// root, as .ci/dev.sh does), points the real server at it, and while a
// device on /edge and a REST client write:
//  - stops PostgreSQL (immediate, as a crash would) and starts it again:
//    while it is down, writes are refused (REST 503, edge `unavailable`,
//    both saying the database cannot be reached), reads of what needs no
//    database go on; once it is back, writes succeed without a restart of
//    Bulwark, every acknowledged value is there and no refused one;
//  - restarts it while the server is idle: at most the first write after it
//    is refused, then writes succeed;
//  - makes it unreachable (a listener on its port that never answers, as a
//    network partition would look to libpq): every write is still answered
//    (503; connect_timeout bounds each reconnect and the storage thread
//    tries at most every 2 s, failing the tasks in between at once), the
//    server answers /api/health between them, and writes succeed once
//    PostgreSQL is back;
//  - makes it read-only (default_transaction_read_only, reloaded): writes are
//    refused naming a read-only database, reads go on; writable again,
//    writes succeed.
#include "FaultFixture.h"

#include <QDir>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>

#include <algorithm>

#include <unistd.h>

using namespace BulwarkTest;

namespace {

// One PostgreSQL cluster in a temporary directory, removed at the end.
class PostgresCluster final
{
public:
    PostgresCluster()
    {
        const QStringList versions =
            QDir(u"/usr/lib/postgresql"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QStringList bins;
        for (const QString &version : versions) {
            if (QFile::exists(u"/usr/lib/postgresql/%1/bin/initdb"_s.arg(version)))
                bins.append(u"/usr/lib/postgresql/%1/bin"_s.arg(version));
        }
        if (bins.isEmpty()) {
            m_missing = u"PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)"_s;
            return;
        }
        std::sort(bins.begin(), bins.end(), [](const QString &a, const QString &b) {
            return a.section(u'/', 4, 4).toDouble() < b.section(u'/', 4, 4).toDouble();
        });
        m_bin = bins.last();
        m_password = QString::number(QRandomGenerator::global()->generate64(), 36) + u"Pg7"_s;
        m_error = initialize();
    }
    ~PostgresCluster()
    {
        if (m_started)
            (void)pgCtl({u"-m"_s, u"immediate"_s, u"-w"_s, u"stop"_s});
    }
    Q_DISABLE_COPY_MOVE(PostgresCluster)

    [[nodiscard]] QString missing() const { return m_missing; }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] QString password() const { return m_password; }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString url() const
    {
        return u"postgresql://bulwark:%1@127.0.0.1:%2/bulwark"_s.arg(m_password).arg(m_port);
    }

    [[nodiscard]] QString start()
    {
        const QString e =
            pgCtl({u"-l"_s, m_dir.filePath(u"server.log"_s), u"-w"_s, u"-o"_s,
                   u"-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off"_s.arg(m_port).arg(
                       m_dir.path()),
                   u"start"_s});
        m_started = e.isEmpty();
        return e;
    }
    // mode: "immediate" (as a crash) or "fast".
    [[nodiscard]] QString stop(const QString &mode)
    {
        const QString e = pgCtl({u"-m"_s, mode, u"-w"_s, u"stop"_s});
        if (e.isEmpty())
            m_started = false;
        return e;
    }

    // Runs sql as the superuser on a connection of the test's own.
    [[nodiscard]] QString execute(const QString &sql) const
    {
        const QString name = u"fault-postgres-admin"_s;
        QString error;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
            db.setHostName(u"127.0.0.1"_s);
            db.setPort(m_port);
            db.setUserName(u"bulwark"_s);
            db.setPassword(m_password);
            db.setDatabaseName(u"postgres"_s);
            if (!db.open()) {
                error = db.lastError().text();
            } else {
                QSqlQuery query(db);
                if (!query.exec(sql))
                    error = query.lastError().text();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return error;
    }

private:
    QString initialize()
    {
        if (!m_dir.isValid())
            return u"no temporary directory"_s;
        // PostgreSQL refuses to run as root: then it runs as `postgres`.
        if (::geteuid() == 0) {
            m_runAs = {u"-u"_s, u"postgres"_s, u"--"_s};
            if (QString e = runCommand(u"chown"_s, {u"postgres:"_s, m_dir.path()}); !e.isEmpty())
                return e;
        }
        QFile pwfile(m_dir.filePath(u"pwfile"_s));
        if (!pwfile.open(QIODevice::WriteOnly) || pwfile.write(m_password.toUtf8() + '\n') < 0)
            return u"cannot write the password file"_s;
        pwfile.close();
        if (!m_runAs.isEmpty()) {
            if (QString e = runCommand(u"chown"_s, {u"postgres:"_s, pwfile.fileName()});
                !e.isEmpty())
                return e;
        }
        {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0))
                return u"no free loopback port"_s;
            m_port = probe.serverPort();
        }
        if (QString e = as(m_bin + u"/initdb"_s,
                           {u"-D"_s, m_dir.filePath(u"data"_s), u"-U"_s, u"bulwark"_s,
                            u"--pwfile="_s + pwfile.fileName(), u"--auth-host=scram-sha-256"_s,
                            u"--auth-local=scram-sha-256"_s, u"-E"_s, u"UTF8"_s});
            !e.isEmpty())
            return e;
        if (QString e = start(); !e.isEmpty())
            return e;
        return execute(u"CREATE DATABASE bulwark"_s);
    }

    QString as(const QString &program, const QStringList &arguments) const
    {
        if (m_runAs.isEmpty())
            return runCommand(program, arguments, 60000);
        return runCommand(u"runuser"_s, m_runAs + QStringList{program} + arguments, 60000);
    }
    QString pgCtl(const QStringList &arguments) const
    {
        return as(m_bin + u"/pg_ctl"_s,
                  QStringList{u"-D"_s, m_dir.filePath(u"data"_s)} + arguments);
    }

    QTemporaryDir m_dir;
    QString m_bin;
    QStringList m_runAs;
    QString m_password;
    QString m_missing;
    QString m_error;
    quint16 m_port = 0;
    bool m_started = false;
};

// Event-loop pause between polls (bounded loops only).
void pause(int ms)
{
    QTest::qWait(ms);
}

// Once PostgreSQL is back, the storage thread reconnects at its next try
// (at most every 2 s): writes until one is accepted (bounded); the last answer.
Answer writeUntilAccepted(const HeadlessServer &server, WriteLedger &ledger)
{
    Answer answer;
    for (int i = 0; i < 60 && answer.status != 200; ++i) {
        answer = restWrite(server, ledger);
        if (answer.status != 200)
            pause(250);
    }
    return answer;
}

} // namespace

class FaultPostgresTest final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void restartMidRun();
    void restartWhileIdle();
    void unreachable();
    void readOnly();
    void cleanupTestCase();

private:
    std::unique_ptr<PostgresCluster> m_cluster;
    std::unique_ptr<HeadlessServer> m_server;
    std::unique_ptr<FaultDevice> m_device;
    WriteLedger m_rest{kRestThing};
    WriteLedger m_edge{kFaultThing};
};

void FaultPostgresTest::initTestCase()
{
    m_cluster = std::make_unique<PostgresCluster>();
    if (!m_cluster->missing().isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(m_cluster->missing()));
        QSKIP(qPrintable(m_cluster->missing()));
    }
    QVERIFY2(m_cluster->error().isEmpty(), qPrintable(m_cluster->error()));
    m_server = std::make_unique<HeadlessServer>();
    m_server->setExtraArguments({u"--database"_s, m_cluster->url()});
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    const QString scene = makeFaultThing(*m_server);
    QVERIFY2(scene.isEmpty(), qPrintable(scene));
    m_device = std::make_unique<FaultDevice>(*m_server);
    const QString opened = m_device->open();
    QVERIFY2(opened.isEmpty(), qPrintable(opened));
}

void FaultPostgresTest::restartMidRun()
{
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(restWrite(*m_server, m_rest).status, 200);
        QCOMPARE(m_device->update(m_edge).value("type"_L1).toString(), u"result"_s);
    }

    // PostgreSQL goes away as in a crash, between two writes.
    QVERIFY2(m_cluster->stop(u"immediate"_s).isEmpty(), "pg_ctl stop failed");
    for (int i = 0; i < 3; ++i) {
        const Answer refused = restWrite(*m_server, m_rest);
        QVERIFY2(refused.status == 503,
                 qPrintable(u"%1 %2"_s.arg(refused.status).arg(QString::fromUtf8(refused.body))));
        QCOMPARE(refused.errorCode(), u"unavailable"_s);
        QVERIFY2(refused.errorMessage().contains(u"cannot be reached"_s),
                 qPrintable(refused.errorMessage()));
        const QJsonObject edgeRefused = m_device->update(m_edge);
        QCOMPARE(errorCodeOf(edgeRefused), u"unavailable"_s);
        QVERIFY2(errorMessageOf(edgeRefused).contains(u"cannot be reached"_s),
                 qPrintable(QString::fromUtf8(jsonBody(edgeRefused))));
    }
    // The server itself is still there for what needs no database, and the
    // device stays connected.
    QCOMPARE(m_server->get(u"/api/health"_s).status, 200);
    QCOMPARE(m_device->client().socket().state(), QAbstractSocket::ConnectedState);

    // Back: writes succeed again without a restart of Bulwark.
    QVERIFY2(m_cluster->start().isEmpty(), "pg_ctl start failed");
    const Answer again = writeUntilAccepted(*m_server, m_rest);
    QVERIFY2(again.status == 200,
             qPrintable(u"%1 %2"_s.arg(again.status).arg(QString::fromUtf8(again.body))));
    const QJsonObject edgeAgain = m_device->update(m_edge);
    QVERIFY2(edgeAgain.value("type"_L1) == "result"_L1,
             qPrintable(QString::fromUtf8(jsonBody(edgeAgain))));
    const QString stored = m_rest.checkStored(*m_server) + m_edge.checkStored(*m_server);
    QVERIFY2(stored.isEmpty(), qPrintable(stored));
    QVERIFY2(m_server->log().contains(u"Reconnected to PostgreSQL"_s), qPrintable(m_server->log()));
}

void FaultPostgresTest::restartWhileIdle()
{
    // A restart the server does not see coming: its connection looks open
    // until it is used, so the first write may be refused; the next is not.
    QVERIFY2(m_cluster->stop(u"fast"_s).isEmpty(), "pg_ctl stop failed");
    QVERIFY2(m_cluster->start().isEmpty(), "pg_ctl start failed");
    int refused = 0;
    for (int i = 0; i < 3; ++i) {
        const Answer answer = restWrite(*m_server, m_rest);
        if (answer.status == 200)
            break;
        QCOMPARE(answer.status, 503);
        ++refused;
    }
    QVERIFY2(refused <= 1, "more than one write was refused after PostgreSQL was back");
    const QJsonObject edge = m_device->update(m_edge);
    QVERIFY2(edge.value("type"_L1) == "result"_L1, qPrintable(QString::fromUtf8(jsonBody(edge))));
    const QString stored = m_rest.checkStored(*m_server) + m_edge.checkStored(*m_server);
    QVERIFY2(stored.isEmpty(), qPrintable(stored));
}

void FaultPostgresTest::unreachable()
{
    QCOMPARE(restWrite(*m_server, m_rest).status, 200);
    QVERIFY2(m_cluster->stop(u"immediate"_s).isEmpty(), "pg_ctl stop failed");
    // In PostgreSQL's place, a listener that takes connections and never
    // answers: libpq's connect waits for the server's first message, as it
    // would for a host behind a partition, until connect_timeout.
    auto blackHole = std::make_unique<QTcpServer>();
    QVERIFY2(blackHole->listen(QHostAddress::LocalHost, m_cluster->port()),
             qPrintable(blackHole->errorString()));

    // Every write is answered (a reconnect try may hold one for up to
    // connect_timeout; the request waits longer than that), and the server
    // answers what needs no database between them.
    QNetworkAccessManager network;
    for (int i = 0; i < 8; ++i) {
        const double value = m_rest.next++;
        std::unique_ptr<QNetworkReply> reply = m_server->send(
            network,
            {"PUT", u"/api/Things/%1/Properties/%2"_s.arg(kRestThing, kFaultProperty),
             jsonBody({{"value"_L1, value}}), "application/json"},
            20000);
        SignalWaiter waiter(25000);
        waiter.wakeOn(reply.get(), &QNetworkReply::finished);
        QVERIFY2(waiter.waitFor([&reply] { return reply->isFinished(); }),
                 "a write was not answered while PostgreSQL was unreachable");
        const Answer refused = HeadlessServer::answerOf(*reply);
        QVERIFY2(refused.status == 503,
                 qPrintable(u"%1 %2 %3"_s.arg(refused.status)
                                .arg(refused.networkError, QString::fromUtf8(refused.body))));
        m_rest.refused.insert(value);
        QVERIFY2(refused.errorMessage().contains(u"cannot be reached"_s),
                 qPrintable(refused.errorMessage()));
        QCOMPARE(m_server->get(u"/api/health"_s).status, 200);
    }
    QCOMPARE(m_device->client().socket().state(), QAbstractSocket::ConnectedState);

    // Back: writes succeed again without a restart of Bulwark.
    blackHole.reset();
    QVERIFY2(m_cluster->start().isEmpty(), "pg_ctl start failed");
    const Answer again = writeUntilAccepted(*m_server, m_rest);
    QVERIFY2(again.status == 200,
             qPrintable(u"%1 %2"_s.arg(again.status).arg(QString::fromUtf8(again.body))));
    const QJsonObject edgeAgain = m_device->update(m_edge);
    QVERIFY2(edgeAgain.value("type"_L1) == "result"_L1,
             qPrintable(QString::fromUtf8(jsonBody(edgeAgain))));
    const QString stored = m_rest.checkStored(*m_server) + m_edge.checkStored(*m_server);
    QVERIFY2(stored.isEmpty(), qPrintable(stored));
}

void FaultPostgresTest::readOnly()
{
    QVERIFY(m_cluster->execute(u"ALTER SYSTEM SET default_transaction_read_only = on"_s).isEmpty());
    QVERIFY(m_cluster->execute(u"SELECT pg_reload_conf()"_s).isEmpty());
    // The reload reaches the server's connection at its next statement, a
    // moment later: write until a write is refused (bounded).
    Answer refused;
    for (int i = 0; i < 50 && refused.status != 503; ++i) {
        const Answer answer = restWrite(*m_server, m_rest);
        QVERIFY2(answer.status == 200 || answer.status == 503,
                 qPrintable(u"%1 %2"_s.arg(answer.status).arg(QString::fromUtf8(answer.body))));
        if (answer.status == 503)
            refused = answer;
        else
            pause(100);
    }
    QCOMPARE(refused.status, 503);
    QVERIFY2(refused.errorMessage().contains(u"read-only"_s), qPrintable(refused.errorMessage()));
    const QJsonObject edgeRefused = m_device->update(m_edge);
    QCOMPARE(errorCodeOf(edgeRefused), u"unavailable"_s);
    QVERIFY2(errorMessageOf(edgeRefused).contains(u"read-only"_s),
             qPrintable(QString::fromUtf8(jsonBody(edgeRefused))));
    // Reads go on.
    const QString whileReadOnly = m_rest.checkStored(*m_server) + m_edge.checkStored(*m_server);
    QVERIFY2(whileReadOnly.isEmpty(), qPrintable(whileReadOnly));

    QVERIFY(m_cluster->execute(u"ALTER SYSTEM RESET default_transaction_read_only"_s).isEmpty());
    QVERIFY(m_cluster->execute(u"SELECT pg_reload_conf()"_s).isEmpty());
    Answer accepted;
    for (int i = 0; i < 50 && accepted.status != 200; ++i) {
        accepted = restWrite(*m_server, m_rest);
        if (accepted.status != 200)
            pause(100);
    }
    QCOMPARE(accepted.status, 200);
    QCOMPARE(m_device->update(m_edge).value("type"_L1).toString(), u"result"_s);
    const QString stored = m_rest.checkStored(*m_server) + m_edge.checkStored(*m_server);
    QVERIFY2(stored.isEmpty(), qPrintable(stored));

    // The log says what happened and holds no password.
    const QString log = m_server->log();
    QVERIFY2(log.contains(u"read-only"_s), qPrintable(log));
    QVERIFY(!log.contains(m_cluster->password()));
    QVERIFY(!log.contains(kAdminPassword));
}

void FaultPostgresTest::cleanupTestCase()
{
    m_device.reset();
    if (m_server)
        QCOMPARE(m_server->stop(), 0);
    m_server.reset();
    m_cluster.reset();
}

QTEST_GUILESS_MAIN(FaultPostgresTest)
#include "tst_fault_postgres.moc"
