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
    // failed over); Qt does not reconnect by itself. The first task after the
    // loss tries at once (a restart is usually over by then), later ones at
    // most every ReconnectIntervalMs: an unreachable host (a network
    // partition) blocks each try for up to connect_timeout (Database::open),
    // and the tasks in between must not wait for that. Until a try succeeds,
    // statements fail at once as Unavailable (Sql::failure), nothing is
    // acknowledged, and writes succeed again without a restart of Bulwark.
    if (!m_database || m_database->backend() != Backend::Postgres)
        return;
    QSqlDatabase &db = m_database->connection();
    if (db.isOpen())
        return;
    if (!m_connectionLost) {
        qCWarning(lcStorage,
                  "The connection to PostgreSQL is lost; writes are refused with 503 and "
                  "Bulwark tries to reconnect every %lld ms until it is back.",
                  static_cast<long long>(ReconnectIntervalMs));
        m_connectionLost = true;
    } else if (m_sinceReconnectTry.isValid() &&
               !m_sinceReconnectTry.hasExpired(ReconnectIntervalMs)) {
        return;
    }
    // Prepared statements die with the connection (Database::dropStatements).
    m_database->dropStatements();
    db.close();
    const bool opened = db.open();
    m_sinceReconnectTry.start(); // from the end of the try, however long it took
    if (!opened)
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
        m_worker,
        [&]() {
            reconnectIfLost();
            status = work(*m_store);
        },
        Qt::BlockingQueuedConnection);
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
