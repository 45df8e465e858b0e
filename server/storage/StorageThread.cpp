#include "StorageThread.h"

#include <QLoggingCategory>
#include <QSqlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcStorage)

namespace Bulwark {

StorageThread::StorageThread(DatabaseUrl url, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
{
    m_thread.setObjectName(QStringLiteral("bulwark-storage"));
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

StorageThread::~StorageThread()
{
    close();
}

void StorageThread::post(std::function<void()> task)
{
    QMetaObject::invokeMethod(
        m_worker,
        [this, task = std::move(task)]() {
            reconnectIfLost();
            task();
        },
        Qt::QueuedConnection);
}

void StorageThread::reconnectIfLost()
{
    // libpq marks the connection bad once PostgreSQL has gone (restarted,
    // failed over); Qt does not reconnect by itself. Each task tries once,
    // so writes succeed again as soon as the server is back, without a
    // restart of Bulwark. While it is down, statements fail as Unavailable.
    if (!m_database || m_database->backend() != Backend::Postgres)
        return;
    QSqlDatabase &db = m_database->connection();
    if (db.isOpen())
        return;
    if (!m_connectionLost) {
        qCWarning(lcStorage, "The connection to PostgreSQL is lost; writes are refused with "
                             "503 and Bulwark reconnects before each request until it is back.");
        m_connectionLost = true;
    }
    // Prepared statements die with the connection (Database::dropStatements).
    m_database->dropStatements();
    db.close();
    if (!db.open())
        return;
    QSqlQuery(db).exec(QStringLiteral("SET client_min_messages TO WARNING"));
    qCInfo(lcStorage, "Reconnected to PostgreSQL");
    m_connectionLost = false;
}

Status StorageThread::open(const std::function<Status(EntityStore &)> &initialize)
{
    Status status;
    QMetaObject::invokeMethod(
        m_worker,
        [&]() {
            auto db = Database::open(m_url);
            if (!db) {
                status = db.error();
                return;
            }
            m_database = std::move(*db);
            if (auto s = m_database->migrate(); !s) {
                status = s;
                return;
            }
            auto version = m_database->schemaVersion();
            m_schemaVersion = version ? *version : 0;
            m_backendName = m_database->backendName();
            m_store = std::make_unique<EntityStore>(*m_database);
            status = initialize(*m_store);
        },
        Qt::BlockingQueuedConnection);
    return status;
}

Status StorageThread::runBlocking(const std::function<Status(EntityStore &)> &work)
{
    if (!m_store)
        return makeError(ErrorCode::Internal, QStringLiteral("The database is not open."));
    Status status;
    QMetaObject::invokeMethod(
        m_worker, [&]() { status = work(*m_store); }, Qt::BlockingQueuedConnection);
    return status;
}

void StorageThread::close()
{
    if (!m_thread.isRunning())
        return;
    // Queued behind every pending task, so acknowledged work is not cut off.
    post([this]() {
        m_store.reset();
        m_database.reset();
        m_thread.quit();
    });
    m_thread.wait();
    qCInfo(lcStorage, "Storage closed");
}

} // namespace Bulwark
