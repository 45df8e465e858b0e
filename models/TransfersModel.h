// The server's file-transfer queue as a table: loads GET /api/Transfers and
// follows the live event transferChanged. Every running transfer reports up
// to twice a second, so events are collected and applied in batches; after a
// gap in the live stream the whole queue is reloaded.
#pragma once

#include "KeyedTableModel.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace Bulwark::Models {

class ApiClient;
class EventStream;
struct LiveEvent;

// One transfer object (docs/protocol.md, "The transfer object").
struct TransferInfo
{
    enum class Check
    {
        Pending,
        Ok,
        Failed // "mismatch" for size and digests, "failed" for chunks
    };

    QString id;
    QString state; // queued, running, verifying, done, failed, cancelled
    QString sourceThing;
    QString sourcePath;
    QString targetThing;
    QString targetPath;
    bool overwrite = false;
    QString requestedBy;
    qint64 size = -1; // -1 until the source has told it
    qint64 bytes = 0;
    qint64 chunkSize = 0;
    qint64 chunksVerified = 0;
    double bytesPerSecond = 0;
    int resumes = 0;
    QDateTime created;
    QDateTime started;
    QDateTime finished;
    QString waiting;
    QString md5;
    QString sha256;
    Check chunksCheck = Check::Pending;
    Check sizeCheck = Check::Pending;
    Check md5Check = Check::Pending;
    Check sha256Check = Check::Pending;
    QString errorCode;
    QString errorMessage;

    [[nodiscard]] static TransferInfo fromJson(const QJsonObject &object);
    [[nodiscard]] bool hasEnded() const;
    [[nodiscard]] bool canCancel() const;
    [[nodiscard]] bool canRetry() const;
    // 0–100, or -1 while the size is unknown.
    [[nodiscard]] int percent() const;
    // Seconds until done at the current speed; -1 when it cannot be told.
    [[nodiscard]] qint64 secondsLeft() const;
    // The number of chunks the whole file has; 0 while the size is unknown.
    [[nodiscard]] qint64 chunkCount() const;
    // The check that failed, for "failed: <check>" (empty when none did).
    [[nodiscard]] QString failedCheck() const;

    friend bool operator==(const TransferInfo &, const TransferInfo &) = default;
};

class TransfersModel final : public KeyedTableModel<TransferInfo>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransfersModel)

public:
    enum Column
    {
        SourceColumn, // "Repo → Pump1"
        FileColumn,
        StateColumn,
        ProgressColumn, // painted by TransferProgressDelegate
        BytesColumn,
        SpeedColumn,
        TimeLeftColumn,
        ResumesColumn,
        VerificationColumn,
        CreatedColumn,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        StateRole,       // the state's wire name, whatever the column
        ProgressRole,    // 0–100, -1 while the size is unknown
        BytesRole,       // verified bytes
        SizeRole,        // qint64, -1 while unknown
        SpeedRole,       // bytes per second (double)
        FailedCheckRole, // what failed, for a failed transfer
        SortRole,        // raw values for proxies
    };

    explicit TransfersModel(QObject *parent = nullptr);
    ~TransfersModel() override;

    // Switches to another server (or none); clears and reloads.
    void setSource(ApiClient *client, EventStream *events);
    // Reloads at once; a request while one runs is done after it.
    void refresh();
    // Puts a transfer object the caller got from the server (POST, Cancel,
    // Retry) into the table at once, like a live event.
    void applyTransfer(const QJsonObject &object);

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] const TransferInfo &transferAt(int row) const { return m_rows.at(row); }

    [[nodiscard]] static QString stateText(const QString &state);
    [[nodiscard]] static QString verificationSummary(const TransferInfo &transfer);
    [[nodiscard]] static QString formatBytes(qint64 bytes);
    [[nodiscard]] static QString formatSpeed(double bytesPerSecond);
    [[nodiscard]] static QString formatDuration(qint64 seconds);

    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);
    // A batch of changes was applied (the details pane follows it).
    void transfersChanged();

private:
    [[nodiscard]] QString rowKey(const TransferInfo &row) const override { return row.id; }

    void handleEvent(const LiveEvent &event);
    void applyPending();
    void upsert(const TransferInfo &transfer);
    void replaceAll(const QList<TransferInfo> &transfers);
    [[nodiscard]] QVariant displayData(const TransferInfo &transfer, int column) const;

    QHash<QString, QJsonObject> m_pending; // id -> newest object not yet applied
    QSet<QString> m_changedWhileLoading;   // newer than the list being loaded
    QPointer<ApiClient> m_client;
    QPointer<EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QMetaObject::Connection m_resyncConnection;
    QTimer m_batchTimer;
    quint64 m_generation = 0;
    bool m_requestRunning = false;
    bool m_refreshAgain = false;
    bool m_loaded = false;
};

} // namespace Bulwark::Models
