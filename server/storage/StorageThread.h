// The storage thread: owns the only database connection and runs every
// read and write there, in order, so the server's I/O thread never waits on
// SQL or on fsync. Results come back as a queued call on the caller's thread.
#pragma once

#include "Database.h"
#include "EntityStore.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>

namespace Bulwark {

class StorageThread final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StorageThread)

public:
    explicit StorageThread(DatabaseUrl url, QObject *parent = nullptr);
    ~StorageThread() override; // finishes queued work, closes, joins

    // Opens the database, migrates it, then runs initialize there. Blocks the
    // caller: meant for start-up only.
    [[nodiscard]] Status open(const std::function<Status(EntityStore &)> &initialize);
    [[nodiscard]] QString backendName() const { return m_backendName; }
    [[nodiscard]] int schemaVersion() const { return m_schemaVersion; }

    // Runs work on the storage thread and waits for it: start-up only.
    [[nodiscard]] Status runBlocking(const std::function<Status(EntityStore &)> &work);

    // Runs work on the storage thread, then done(result) on context's thread.
    // context must outlive this StorageThread (it is joined first at shutdown).
    template <typename R>
    void run(std::function<R(EntityStore &)> work, QObject *context, std::function<void(R)> done)
    {
        post([this, work = std::move(work), context, done = std::move(done)]() mutable {
            auto result = std::make_shared<R>(work(*m_store));
            QMetaObject::invokeMethod(
                context, [done = std::move(done), result]() { done(std::move(*result)); },
                Qt::QueuedConnection);
        });
    }

    // Stops after the work queued so far; blocks until the thread has ended.
    void close();

private:
    void post(std::function<void()> task);
    void reconnectIfLost(); // on the storage thread, before each task

    // While PostgreSQL is lost, a reconnect is tried at most this often
    // (after the end of the last failed try); tasks in between fail at once.
    static constexpr qint64 ReconnectIntervalMs = 2000;

    DatabaseUrl m_url;
    QThread m_thread;
    QObject *m_worker = nullptr; // lives in m_thread
    std::unique_ptr<Database> m_database;
    std::unique_ptr<EntityStore> m_store;
    QString m_backendName;
    int m_schemaVersion = 0;
    bool m_connectionLost = false;     // storage thread only
    QElapsedTimer m_sinceReconnectTry; // storage thread only; monotonic
};

} // namespace Bulwark
