#include "TransfersModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QColor>
#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>

#include <cmath>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
// transferChanged arrives up to twice a second per running transfer; four
// batches a second keep the bars moving without repainting on every event.
constexpr int BatchIntervalMs = 250;

TransferInfo::Check checkFrom(const QJsonValue &value)
{
    const QString text = value.toString();
    if (text == "ok"_L1)
        return TransferInfo::Check::Ok;
    if (text == "mismatch"_L1 || text == "failed"_L1)
        return TransferInfo::Check::Failed;
    return TransferInfo::Check::Pending;
}

QDateTime timeFrom(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

QString checkMark(TransferInfo::Check check)
{
    switch (check) {
    case TransferInfo::Check::Ok:
        return u"✓"_s;
    case TransferInfo::Check::Failed:
        return u"✗"_s;
    case TransferInfo::Check::Pending:
        break;
    }
    return u"○"_s; // not checked yet
}

} // namespace

TransferInfo TransferInfo::fromJson(const QJsonObject &object)
{
    TransferInfo transfer;
    transfer.id = object.value("id"_L1).toString();
    transfer.state = object.value("state"_L1).toString();
    const QJsonObject source = object.value("source"_L1).toObject();
    transfer.sourceThing = source.value("thing"_L1).toString();
    transfer.sourcePath = source.value("path"_L1).toString();
    const QJsonObject target = object.value("target"_L1).toObject();
    transfer.targetThing = target.value("thing"_L1).toString();
    transfer.targetPath = target.value("path"_L1).toString();
    transfer.overwrite = object.value("overwrite"_L1).toBool();
    transfer.requestedBy = object.value("requestedBy"_L1).toString();
    const QJsonValue size = object.value("size"_L1);
    transfer.size = size.toInteger(-1); // -1: not known yet
    transfer.bytes = object.value("bytes"_L1).toInteger();
    transfer.chunkSize = object.value("chunkSize"_L1).toInteger();
    transfer.chunksVerified = object.value("chunksVerified"_L1).toInteger();
    transfer.bytesPerSecond = object.value("bytesPerSecond"_L1).toDouble();
    transfer.resumes = object.value("resumes"_L1).toInt();
    transfer.created = timeFrom(object.value(Wire::Created));
    transfer.started = timeFrom(object.value("started"_L1));
    transfer.finished = timeFrom(object.value("finished"_L1));
    transfer.waiting = object.value("waiting"_L1).toString();
    transfer.md5 = object.value("md5"_L1).toString();
    transfer.sha256 = object.value("sha256"_L1).toString();
    const QJsonObject verification = object.value("verification"_L1).toObject();
    transfer.chunksCheck = checkFrom(verification.value("chunks"_L1));
    transfer.sizeCheck = checkFrom(verification.value("size"_L1));
    transfer.md5Check = checkFrom(verification.value("md5"_L1));
    transfer.sha256Check = checkFrom(verification.value("sha256"_L1));
    const QJsonObject error = object.value("error"_L1).toObject();
    transfer.errorCode = error.value("code"_L1).toString();
    transfer.errorMessage = error.value("message"_L1).toString();
    return transfer;
}

bool TransferInfo::hasEnded() const
{
    return state == "done"_L1 || state == "failed"_L1 || state == "cancelled"_L1;
}

bool TransferInfo::canCancel() const
{
    // A verifying transfer ends in a moment; the server refuses to cancel it.
    return state == "queued"_L1 || state == "running"_L1;
}

bool TransferInfo::canRetry() const
{
    return state == "failed"_L1 || state == "cancelled"_L1;
}

int TransferInfo::percent() const
{
    if (state == "done"_L1)
        return 100;
    if (size < 0)
        return -1;
    if (size == 0)
        return 0;
    return int(qBound(qint64(0), bytes * 100 / size, qint64(100)));
}

qint64 TransferInfo::secondsLeft() const
{
    if (state != "running"_L1 || size < 0 || bytesPerSecond <= 0)
        return -1;
    return qint64(std::ceil(double(qMax<qint64>(0, size - bytes)) / bytesPerSecond));
}

qint64 TransferInfo::chunkCount() const
{
    if (size < 0 || chunkSize <= 0)
        return 0;
    return qMax<qint64>(1, (size + chunkSize - 1) / chunkSize);
}

QString TransferInfo::failedCheck() const
{
    if (state != "failed"_L1)
        return {};
    if (chunksCheck == Check::Failed)
        return QCoreApplication::translate("Bulwark::Models::TransfersModel",
                                           "chunk authentication");
    if (sizeCheck == Check::Failed)
        return QCoreApplication::translate("Bulwark::Models::TransfersModel", "size");
    if (md5Check == Check::Failed)
        return u"MD5"_s;
    if (sha256Check == Check::Failed)
        return u"SHA-256"_s;
    return errorCode.isEmpty()
               ? QCoreApplication::translate("Bulwark::Models::TransfersModel", "unknown error")
               : errorCode;
}

TransfersModel::TransfersModel(QObject *parent)
    : KeyedTableModel(parent)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(BatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &TransfersModel::applyPending);
}

TransfersModel::~TransfersModel() = default;

void TransfersModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_eventConnection);
    disconnect(m_resyncConnection);
    ++m_generation;
    m_client = client;
    m_events = events;
    m_requestRunning = false;
    m_refreshAgain = false;
    m_loaded = false;
    m_batchTimer.stop();
    m_pending.clear();
    m_changedWhileLoading.clear();
    replaceAll({});
    if (events) {
        m_eventConnection = connect(events, &EventStream::eventReceived, this,
                                    [this](const LiveEvent &event) { handleEvent(event); });
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &TransfersModel::refresh);
    }
    if (client)
        refresh();
}

void TransfersModel::handleEvent(const LiveEvent &event)
{
    if (event.type != Wire::EventTransferChanged)
        return;
    const QJsonObject object = event.raw.value("transfer"_L1).toObject();
    const QString id = object.value("id"_L1).toString();
    if (id.isEmpty())
        return;
    // Only the newest state of each transfer matters within one batch.
    m_pending.insert(id, object);
    if (m_requestRunning)
        m_changedWhileLoading.insert(id);
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void TransfersModel::applyTransfer(const QJsonObject &object)
{
    const TransferInfo transfer = TransferInfo::fromJson(object);
    if (transfer.id.isEmpty())
        return;
    if (m_requestRunning)
        m_changedWhileLoading.insert(transfer.id);
    // A live event about the same transfer that is waiting for its batch was
    // sent after this answer: it is the newer state.
    const auto pending = m_pending.constFind(transfer.id);
    if (pending != m_pending.cend()) {
        upsert(TransferInfo::fromJson(*pending));
        m_pending.erase(pending);
    } else {
        upsert(transfer);
    }
    Q_EMIT transfersChanged();
}

void TransfersModel::applyPending()
{
    if (m_pending.isEmpty())
        return;
    const QHash<QString, QJsonObject> pending = std::exchange(m_pending, {});
    for (const QJsonObject &object : pending)
        upsert(TransferInfo::fromJson(object));
    Q_EMIT transfersChanged();
}

void TransfersModel::upsert(const TransferInfo &transfer)
{
    const int row = rowOf(transfer.id);
    if (row >= 0) {
        if (m_rows.at(row) != transfer) {
            m_rows[row] = transfer;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        return;
    }
    // Newest first, as the server lists them.
    beginInsertRows({}, 0, 0);
    m_rows.prepend(transfer);
    endInsertRows();
}

void TransfersModel::refresh()
{
    if (!m_client)
        return;
    if (m_requestRunning) {
        m_refreshAgain = true;
        return;
    }
    m_requestRunning = true;
    m_changedWhileLoading.clear();
    const quint64 generation = m_generation;
    m_client->get(
        Wire::ApiPrefix + Wire::Transfers, this, [this, generation](const ApiResult &result) {
            if (generation != m_generation)
                return;
            m_requestRunning = false;
            if (result.isOk()) {
                QList<TransferInfo> transfers;
                const QJsonArray items = result.body.object().value(Wire::Items).toArray();
                transfers.reserve(items.size());
                for (const QJsonValue &item : items) {
                    TransferInfo transfer = TransferInfo::fromJson(item.toObject());
                    if (transfer.id.isEmpty())
                        continue;
                    // What changed meanwhile is newer than this list.
                    const int row =
                        m_changedWhileLoading.contains(transfer.id) ? rowOf(transfer.id) : -1;
                    transfers.append(row >= 0 ? m_rows.at(row) : transfer);
                }
                for (const QString &id : std::as_const(m_changedWhileLoading)) {
                    const int row = rowOf(id);
                    const bool listed =
                        std::any_of(transfers.cbegin(), transfers.cend(),
                                    [&id](const TransferInfo &t) { return t.id == id; });
                    if (row >= 0 && !listed)
                        transfers.prepend(m_rows.at(row));
                }
                m_changedWhileLoading.clear();
                replaceAll(transfers);
                m_loaded = true;
                Q_EMIT loaded();
                Q_EMIT transfersChanged();
            } else {
                Q_EMIT loadFailed(result.errorMessage);
            }
            if (std::exchange(m_refreshAgain, false))
                refresh();
        });
}

void TransfersModel::replaceAll(const QList<TransferInfo> &transfers)
{
    replaceRows(transfers);
}

QString TransfersModel::stateText(const QString &state)
{
    if (state == "queued"_L1)
        return tr("queued");
    if (state == "running"_L1)
        return tr("running");
    if (state == "verifying"_L1)
        return tr("verifying");
    if (state == "done"_L1)
        return tr("done");
    if (state == "failed"_L1)
        return tr("failed");
    if (state == "cancelled"_L1)
        return tr("cancelled");
    return state;
}

QString TransfersModel::verificationSummary(const TransferInfo &transfer)
{
    return tr("MD5 %1  SHA-256 %2  chunks %3")
        .arg(checkMark(transfer.md5Check), checkMark(transfer.sha256Check),
             checkMark(transfer.chunksCheck));
}

QString TransfersModel::formatBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString TransfersModel::formatSpeed(double bytesPerSecond)
{
    return tr("%1/s").arg(formatBytes(qint64(bytesPerSecond)));
}

QString TransfersModel::formatDuration(qint64 seconds)
{
    if (seconds < 60)
        return tr("%n s", nullptr, int(seconds));
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg(seconds % 3600 / 60);
}

int TransfersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TransfersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TransferInfo &transfer = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return transfer.id;
    case StateRole:
        return transfer.state;
    case ProgressRole:
        return transfer.percent();
    case BytesRole:
        return transfer.bytes;
    case SizeRole:
        return transfer.size;
    case SpeedRole:
        return transfer.bytesPerSecond;
    case FailedCheckRole:
        return transfer.failedCheck();
    case SortRole:
        switch (Column(index.column())) {
        case ProgressColumn:
            return transfer.percent();
        case BytesColumn:
            return transfer.bytes;
        case SpeedColumn:
            return transfer.bytesPerSecond;
        case TimeLeftColumn:
            return transfer.secondsLeft();
        case ResumesColumn:
            return transfer.resumes;
        case CreatedColumn:
            return transfer.created;
        default:
            return displayData(transfer, index.column());
        }
    case Qt::DisplayRole:
        return displayData(transfer, index.column());
    case Qt::ToolTipRole:
        if (index.column() == FileColumn)
            return tr("%1:%2 → %3:%4")
                .arg(transfer.sourceThing, transfer.sourcePath, transfer.targetThing,
                     transfer.targetPath);
        if (index.column() == StateColumn && !transfer.errorMessage.isEmpty())
            return transfer.errorMessage;
        if (index.column() == StateColumn && !transfer.waiting.isEmpty())
            return transfer.waiting;
        if (index.column() == CreatedColumn)
            return transfer.created.toString(Qt::ISODateWithMs);
        return displayData(transfer, index.column());
    case Qt::ForegroundRole:
        if (index.column() == StateColumn && transfer.state == "failed"_L1)
            return QColor(0xc6, 0x28, 0x28);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == BytesColumn || index.column() == SpeedColumn ||
            index.column() == TimeLeftColumn || index.column() == ResumesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant TransfersModel::displayData(const TransferInfo &transfer, int column) const
{
    switch (Column(column)) {
    case SourceColumn:
        return tr("%1 → %2").arg(transfer.sourceThing, transfer.targetThing);
    case FileColumn:
        return transfer.sourcePath == transfer.targetPath
                   ? transfer.sourcePath
                   : tr("%1 → %2").arg(transfer.sourcePath, transfer.targetPath);
    case StateColumn:
        return stateText(transfer.state);
    case ProgressColumn:
        return transfer.percent() < 0 ? QString() : tr("%1 %").arg(transfer.percent());
    case BytesColumn:
        if (transfer.size < 0)
            return formatBytes(transfer.bytes);
        return tr("%1 / %2").arg(formatBytes(transfer.bytes), formatBytes(transfer.size));
    case SpeedColumn:
        return transfer.state == "running"_L1 ? formatSpeed(transfer.bytesPerSecond) : QString();
    case TimeLeftColumn: {
        const qint64 seconds = transfer.secondsLeft();
        return seconds < 0 ? QString() : formatDuration(seconds);
    }
    case ResumesColumn:
        return transfer.resumes;
    case VerificationColumn:
        return verificationSummary(transfer);
    case CreatedColumn:
        return QLocale().toString(transfer.created.toLocalTime(), QLocale::ShortFormat);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TransfersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case SourceColumn:
        return tr("Source → target");
    case FileColumn:
        return tr("File");
    case StateColumn:
        return tr("State");
    case ProgressColumn:
        return tr("Progress");
    case BytesColumn:
        return tr("Bytes");
    case SpeedColumn:
        return tr("Speed");
    case TimeLeftColumn:
        return tr("Time left");
    case ResumesColumn:
        return tr("Resumes");
    case VerificationColumn:
        return tr("Verification");
    case CreatedColumn:
        return tr("Created");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
