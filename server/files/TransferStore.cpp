// Transfers in the database (table file_transfers, schema version 7): saved
// at their checkpoints, reloaded at start so that a restart, even a crash,
// interrupts a transfer instead of ending it. The transfer key is never
// stored: a resumed transfer gets a fresh one (docs/protocol.md "Resuming").
#include "TransferManager_p.h"

#include "storage/Database.h"
#include "storage/EntityStore.h"
#include "storage/Sql_p.h"
#include "storage/StorageThread.h"

#include <QJsonDocument>

#include <algorithm>

namespace Bulwark {

using namespace Qt::StringLiterals;
using namespace TransferDetail;

namespace {

const QString kToDevice = u"to-device"_s;
const QString kToRepository = u"to-repository"_s;

constexpr const char *kUpsert =
    "INSERT INTO file_transfers (id, direction, source_thing, source_path, source_repository, "
    "target_thing, target_path, target_repository, overwrite, requested_by, state, chunk_size, "
    "size, chunks_durable, bytes_durable, md5, sha256, checks, resumes, error_code, "
    "error_message, created, started, finished) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET state = excluded.state, chunk_size = excluded.chunk_size, "
    "size = excluded.size, chunks_durable = excluded.chunks_durable, "
    "bytes_durable = excluded.bytes_durable, md5 = excluded.md5, sha256 = excluded.sha256, "
    "checks = excluded.checks, resumes = excluded.resumes, error_code = excluded.error_code, "
    "error_message = excluded.error_message, started = excluded.started, "
    "finished = excluded.finished";

constexpr const char *kSelect =
    "SELECT id, direction, source_thing, source_path, source_repository, target_thing, "
    "target_path, target_repository, overwrite, requested_by, state, chunk_size, size, "
    "chunks_durable, bytes_durable, md5, sha256, checks, resumes, error_code, error_message, "
    "created, started, finished FROM file_transfers ORDER BY created, id";

QVariant timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(Sql::toText(time)) : QVariant();
}

qint64 bytesOf(qint64 chunks, int chunkSize, qint64 size)
{
    return size < 0 ? 0 : qMin<qint64>(chunks * chunkSize, size);
}

} // namespace

void TransferManager::save(const Transfer &t, std::function<void(const Status &)> then)
{
    if (m_stopped) {
        if (then)
            then(makeError(ErrorCode::Unavailable,
                           u"Bulwark is stopping and saves nothing more; try again once it "
                           "has restarted."_s));
        return;
    }
    const QJsonObject checks{{"chunks"_L1, t.checkChunks},
                             {"size"_L1, t.checkSize},
                             {"md5"_L1, t.checkMd5},
                             {"sha256"_L1, t.checkSha256}};
    const QVariantList values{
        t.idText,
        t.toDevice() ? kToDevice : kToRepository,
        t.spec.source.thing,
        t.spec.source.path,
        t.spec.source.repositoryId,
        t.spec.target.thing,
        t.spec.target.path,
        t.spec.target.repositoryId,
        t.spec.overwrite ? 1 : 0,
        t.spec.requestedBy,
        stateName(t.state),
        t.chunkSize,
        t.size,
        qint64(t.durable),
        t.state == TransferState::Done ? t.size : bytesOf(t.durable, t.chunkSize, t.size),
        QString::fromLatin1(t.md5),
        QString::fromLatin1(t.sha256),
        QString::fromUtf8(QJsonDocument(checks).toJson(QJsonDocument::Compact)),
        t.resumes,
        t.errorCode,
        t.errorMessage,
        Sql::toText(t.created),
        timeOrNull(t.started),
        timeOrNull(t.finished)};
    const QString idText = t.idText;
    m_storage.run<Status>(
        [values](EntityStore &store) -> Status {
            auto q = Sql::run(store.database().connection(), QString::fromLatin1(kUpsert), values);
            return q ? Status{} : Status{q.error()};
        },
        this,
        [idText, then = std::move(then)](Status status) {
            // Unless then decides otherwise the transfer goes on: at worst a
            // restart resumes it from an older checkpoint.
            if (!status)
                qCWarning(lcTransfers).noquote() << "Cannot save the state of transfer" << idText
                                                 << ":" << status.error().message;
            if (then)
                then(status);
        });
}

void TransferManager::checkpoint(Transfer &t)
{
    const quint32 total = totalChunks(t);
    if (t.durable <= t.savedDurable)
        return;
    if (t.durable - t.savedDurable < quint32(windowChunks(t)) && t.durable < total)
        return;
    t.savedDurable = t.durable;
    save(t);
}

void TransferManager::removeSaved(const QList<QUuid> &ids)
{
    if (ids.isEmpty() || m_stopped)
        return;
    QVariantList values;
    QStringList marks;
    for (const QUuid &id : ids) {
        values.append(id.toString(QUuid::WithoutBraces));
        marks.append(u"?"_s);
    }
    const QString sql = u"DELETE FROM file_transfers WHERE id IN (%1)"_s.arg(marks.join(u','));
    m_storage.run<Status>(
        [sql, values](EntityStore &store) -> Status {
            auto q = Sql::run(store.database().connection(), sql, values);
            return q ? Status{} : Status{q.error()};
        },
        this,
        [](Status status) {
            if (!status)
                qCWarning(lcTransfers).noquote()
                    << "Cannot forget finished transfers:" << status.error().message;
        });
}

void TransferManager::load()
{
    QList<std::shared_ptr<Transfer>> loaded;
    QList<QUuid> forgotten;
    const Status status = m_storage.runBlocking([&](EntityStore &store) -> Status {
        QSqlDatabase &db = store.database().connection();
        auto q = Sql::run(db, kSelect);
        if (!q)
            return q.error();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        while (q->next()) {
            auto t = std::make_shared<Transfer>();
            t->id = QUuid::fromString(q->value(0).toString());
            const qsizetype state = stateNames().indexOf(q->value(10).toString());
            const bool toDevice = q->value(1).toString() == kToDevice;
            if (t->id.isNull() || state < 0) {
                qCWarning(lcTransfers).noquote()
                    << "Ignoring the saved transfer" << q->value(0).toString().left(64)
                    << "(unreadable id or state)";
                continue;
            }
            t->idText = t->id.toString(QUuid::WithoutBraces);
            t->spec.source = {q->value(2).toString(), q->value(3).toString(),
                              q->value(4).toString()};
            t->spec.target = {q->value(5).toString(), q->value(6).toString(),
                              q->value(7).toString()};
            if (toDevice == t->spec.target.isRepository() ||
                t->spec.source.isRepository() == t->spec.target.isRepository()) {
                qCWarning(lcTransfers).noquote()
                    << "Ignoring the saved transfer" << t->idText << "(its sides do not agree)";
                continue;
            }
            t->spec.overwrite = q->value(8).toInt() != 0;
            t->spec.requestedBy = q->value(9).toString();
            t->state = TransferState(state);
            t->chunkSize = q->value(11).toInt();
            if (t->chunkSize < 1 || t->chunkSize > MaximumFileChunkSize)
                t->chunkSize = DefaultFileChunkSize;
            t->size = q->value(12).toLongLong();
            t->durable = quint32(qBound<qint64>(0, q->value(13).toLongLong(), UINT32_MAX));
            t->savedDurable = t->durable;
            t->bytes = q->value(14).toLongLong();
            t->md5 = q->value(15).toString().toLatin1();
            t->sha256 = q->value(16).toString().toLatin1();
            const QJsonObject checks = QJsonDocument::fromJson(q->value(17).toByteArray()).object();
            t->checkChunks = checks.value("chunks"_L1).toString(pending());
            t->checkSize = checks.value("size"_L1).toString(pending());
            t->checkMd5 = checks.value("md5"_L1).toString(pending());
            t->checkSha256 = checks.value("sha256"_L1).toString(pending());
            t->resumes = q->value(18).toInt();
            t->errorCode = q->value(19).toString();
            t->errorMessage = q->value(20).toString();
            t->saved = true;
            t->sizeSaved = t->size >= 0;
            t->created = Sql::fromText(q->value(21));
            t->started = Sql::fromText(q->value(22));
            t->finished = Sql::fromText(q->value(23));
            if (!isFinal(t->state)) {
                // Interrupted by the restart: waits for its device again, as
                // after a lost connection, with a fresh key.
                t->everRan = t->started.isValid();
                t->state = TransferState::Queued;
                t->interruption = u"server-restart"_s;
                t->waiting = u"device not connected"_s;
                t->waitingSince = now;
                t->key = FileKey::generate();
                t->fromDisk = !toDevice;
                if (toDevice) {
                    // The device says what it kept (nextChunk) when it binds.
                    t->bytes = bytesOf(t->durable, t->chunkSize, t->size);
                }
            }
            loaded.append(t);
        }
        // Only the newest MaximumKept finished transfers are remembered.
        qsizetype finishedCount = std::count_if(loaded.cbegin(), loaded.cend(),
                                                [](const auto &t) { return isFinal(t->state); });
        for (qsizetype i = 0; finishedCount > MaximumKept && i < loaded.size();) {
            if (isFinal(loaded.at(i)->state)) {
                forgotten.append(loaded.takeAt(i)->id);
                --finishedCount;
            } else {
                ++i;
            }
        }
        return {};
    });
    if (!status) {
        qCWarning(lcTransfers).noquote()
            << "Cannot reload the saved transfers; unfinished ones are not resumed:"
            << status.error().message;
    }
    QSet<QString> resumed;
    for (const auto &t : std::as_const(loaded)) {
        m_transfers.insert(t->id, t);
        m_order.append(t->id);
        if (!isFinal(t->state)) {
            qCInfo(lcTransfers).noquote()
                << "Transfer" << t->idText << "was interrupted by a restart; it resumes once"
                << t->device() << "is connected";
            if (!t->toDevice())
                resumed.insert(t->idText);
        }
    }
    // Staging files of transfers that do not resume (ended, forgotten, or
    // a REST upload cut short) are never completed: they go. Not when the
    // reload failed: which transfers resume is then unknown.
    if (status)
        m_repositories.removeStagingExcept(resumed);
    removeSaved(forgotten);
}

} // namespace Bulwark
