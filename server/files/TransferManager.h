// The file transfer engine (edge protocol version 2, docs/protocol.md
// "Version 2: files"): a queue of transfers between a repository and a
// device's virtual directories, each with its own key, its state
// (queued, running, verifying, done, failed, cancelled), progress and speed.
// The manager lives on the I/O thread with the edge sessions and only moves
// small messages there: opening, sealing, reading and writing chunks runs on
// one dedicated thread, in order per transfer, and at most a window of chunks
// per transfer is in flight, so memory per transfer is bounded.
// Each transfer's state is also kept in the database (TransferStore.cpp,
// table file_transfers) at its checkpoints: created, started, interrupted,
// every window of chunks made durable, verifying, ended. A transfer
// interrupted by a lost connection or by a restart of the server (even a
// crash) resumes from the chunks its receiver holds when the device binds
// again (within the resume window); nothing partial is ever visible.
#pragma once

#include "core/Result.h"
#include "files/FileSettings.h"
#include "security/FileCipher.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QThread>
#include <QUuid>

#include <functional>
#include <memory>

class QTimer;

namespace Bulwark {

struct DeviceAnswer;
class EdgeEndpoint;
class EntityStore;
class EventHub;
class FileRepositories;
class StorageThread;
namespace Access {
class AccessModel;
}

// One side of a transfer: a Thing and a logical path. repositoryId is set
// (the Thing's stable id) when the Thing is a repository.
struct TransferSide
{
    QString thing;
    QString path;
    QString repositoryId; // empty: a device Thing's virtual directories
    [[nodiscard]] bool isRepository() const { return !repositoryId.isEmpty(); }
};

// A transfer a user asked for, resolved and authorized (see resolve()).
struct TransferSpec
{
    TransferSide source;
    TransferSide target;
    bool overwrite = false;
    QString requestedBy;
};

enum class TransferState
{
    Queued,
    Running,
    Verifying,
    Done,
    Failed,
    Cancelled,
};

class TransferManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferManager)

public:
    TransferManager(FileRepositories &repositories, StorageThread &storage,
                    const Access::AccessModel &access, EdgeEndpoint &edge, EventHub &events,
                    QObject *parent = nullptr);
    ~TransferManager() override;

    // Finishes the disk work under way and joins the file thread.
    void stop();

    // On the storage thread: checks both sides (paths, visibility, that one
    // side is a repository), the user's permissions (Read on a source
    // repository, Update on a target repository, ServiceInvoke on a device
    // Thing) and the repository file (exists as a source; absent as a target
    // unless overwrite). Errors name the check that failed; an invisible
    // Thing is not-found exactly like a missing one.
    [[nodiscard]] static Result<TransferSpec>
    resolve(EntityStore &store, const Access::AccessModel &access,
            const FileRepositories &repositories, const QString &user, const QJsonObject &source,
            const QJsonObject &target, bool overwrite);

    // ---- I/O thread ----
    // Queues a resolved transfer; done gets its object once it is saved in
    // the database (an accepted transfer survives a crash), or at once
    // TooManyRequests when its device already has MaximumPendingPerDevice
    // waiting or running. It may start only after done was called. When it
    // cannot be saved it is dropped and done gets the storage error
    // (Unavailable, saying what to do).
    void create(const TransferSpec &spec, std::function<void(Result<QJsonObject>)> done);
    // resolve() on the storage thread, then create(); done on this thread.
    void request(const QString &user, const QJsonObject &source, const QJsonObject &target,
                 bool overwrite, std::function<void(Result<QJsonObject>)> done);
    // The transfer object, for who may see it (requester, administrators,
    // Read on both Things); anything else is NotFound.
    [[nodiscard]] Result<QJsonObject> find(const QString &user, const QUuid &id) const;
    // Newest first; state filters when not empty.
    [[nodiscard]] QJsonArray list(const QString &user, const QString &state) const;
    // Requester or administrator; Conflict once finished. done gets the
    // cancelled transfer once that is saved (or the storage error).
    void cancel(const QString &user, const QUuid &id,
                std::function<void(Result<QJsonObject>)> done);
    // A failed or cancelled transfer as a new one (same sides); the spec to resolve again.
    [[nodiscard]] Result<QPair<QJsonObject, QJsonObject>>
    retrySides(const QString &user, const QUuid &id, bool *overwrite) const;

    // ---- From the edge endpoint (I/O thread) ----
    // A session bound thing declaring directories: waiting transfers may go.
    void deviceAvailable(const QString &thing);
    // A session ended or unbound thing: its running transfers wait for it.
    void sessionEnded(quint64 session);
    void thingUnbound(const QString &thing, quint64 session);
    enum class FrameOutcome
    {
        Taken,   // handled (possibly failing the transfer, which the device is told)
        Dropped, // for a transfer that just ended on this session: ignored quietly
        Unknown, // no such transfer receiving on this session: a protocol error
    };
    [[nodiscard]] FrameOutcome chunkArrived(quint64 session, const QUuid &transfer, quint32 index,
                                            bool final, const QByteArray &sealed);
    // Returns false when transfer is not one this session sends.
    bool ackArrived(quint64 session, const QUuid &transfer, qint64 verified);
    // file.complete from a device sending: answer is called once, with the
    // result or an error (code, message).
    using CompleteAnswer =
        std::function<void(const QJsonObject &result, const QString &code, const QString &message)>;
    void completeArrived(quint64 session, const QUuid &transfer, const QJsonObject &message,
                         CompleteAnswer answer);
    void cancelArrived(quint64 session, const QUuid &transfer, const QString &reason);

    [[nodiscard]] const FileSettings &settings() const;
    [[nodiscard]] static QString stateName(TransferState state);
    // Every state's name, in the order of TransferState.
    [[nodiscard]] static const QStringList &stateNames();

    static constexpr int Window = 8;                       // chunks sent, not acknowledged
    static constexpr qint64 WindowBytes = 4 * 1024 * 1024; // ... and at most these bytes
    static constexpr int MaximumKept = 1000;               // finished transfers remembered
    static constexpr int MaximumPendingPerDevice = 100;    // queued or running per device
    static constexpr qint64 ProgressIntervalMs = 500;      // live events of progress

private:
    struct Transfer;
    struct Pipe;
    enum class Check
    {
        Chunks,
        Size,
        Md5,
        Sha256,
    };

    [[nodiscard]] Transfer *lookup(const QUuid &id);
    [[nodiscard]] bool maySee(const QString &user, const Transfer &transfer) const;
    [[nodiscard]] QJsonObject toJson(const Transfer &transfer) const;
    void publish(const Transfer &transfer);
    void progressed(Transfer &transfer);
    void schedule();
    // schedule() from the event loop, once however often asked: never
    // recursively from inside a transfer's end or start.
    void postSchedule();
    void start(Transfer &transfer, quint64 session);
    void startDownload(Transfer &transfer); // repository -> device
    void startUpload(Transfer &transfer);   // device -> repository
    // Upload: asks the device for the file from the chunk after those held.
    void sendFileSend(Transfer &transfer);
    // Upload reloaded after a restart: reopens the staging file on the file
    // thread (or finds the file committed already), then sendFileSend().
    void resumeUploadFromDisk(Transfer &transfer);
    void pump(Transfer &transfer); // download: keep the window full
    void sendComplete(Transfer &transfer);
    // Sends message to the transfer's device; when the transfer is still at
    // this attempt and in state, a lost device interrupts it, no answer in
    // time fails it (device-timeout), and answered gets a refusal or a result.
    void askDevice(Transfer &transfer, const QJsonObject &message, TransferState state,
                   std::function<void(Transfer &, const DeviceAnswer &)> answered);
    // Fails the transfer with the device's refusal to `what` ("send",
    // "receive") its file; its code, or device-refused.
    void deviceRefused(Transfer &transfer, const DeviceAnswer &answer, const QString &what);
    void chunkWritten(const QUuid &id, quint32 verified, qint64 bytes, quint32 durable);
    // Upload: on the file thread, checks what was received against what
    // file.complete says and commits the file; answers, then ends it.
    void commitUpload(const QUuid &id, const std::shared_ptr<Pipe> &pipe, qint64 size,
                      const QString &md5, const QString &sha256, const CompleteAnswer &answer);
    // ---- The database (TransferStore.cpp) ----
    // Saves the transfer's state (queued on the storage thread, in order);
    // then, if given, runs on this thread once it is written, or could not
    // be (the status says which; a failure is logged here).
    void save(const Transfer &transfer, std::function<void(const Status &)> then = {});
    // Saves when durable chunks advanced by a window (or all are durable).
    void checkpoint(Transfer &transfer);
    void removeSaved(const QList<QUuid> &ids);
    // At construction (start-up): reloads the transfers kept, unfinished
    // ones queued again, and deletes staging files no transfer resumes.
    void load();
    void interrupt(Transfer &transfer, const QString &waiting);
    // Ends a transfer: failed (code, message; check marks the verification
    // that failed) or cancelled; tells the device, abandons the staging file.
    void fail(Transfer &transfer, const QString &code, const QString &message,
              std::optional<Check> check = std::nullopt, bool tellDevice = true);
    // saved, if given, runs once the end is saved (or could not be).
    void finishCancelled(Transfer &transfer, const QString &reason,
                         std::function<void(const Status &)> saved = {});
    void ended(Transfer &transfer, std::function<void(const Status &)> saved = {});
    void checkWaiting();
    // Runs task on the file thread (in order), then back(...) here.
    void onFileThread(std::function<void()> task);
    [[nodiscard]] quint32 totalChunks(const Transfer &transfer) const;
    [[nodiscard]] int windowChunks(const Transfer &transfer) const;

    FileRepositories &m_repositories;
    StorageThread &m_storage;
    const Access::AccessModel &m_access;
    EdgeEndpoint &m_edge;
    EventHub &m_events;
    QThread m_thread;
    QObject *m_fileContext = nullptr; // lives in m_thread
    QHash<QUuid, std::shared_ptr<Transfer>> m_transfers;
    QList<QUuid> m_order; // creation order
    bool m_schedulePosted = false;
    bool m_stopped = false;
    QTimer *m_waitingTimer = nullptr;
};

} // namespace Bulwark
