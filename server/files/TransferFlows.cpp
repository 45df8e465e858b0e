// The two directions a file moves in: repository -> device (the platform
// seals and sends, the device acknowledges) and device -> repository (the
// device sends, the platform opens, writes and acknowledges). Disk and
// crypto run on the file thread, in order; answers come back here.
#include "TransferManager_p.h"

#include "api/EventHub.h"
#include "core/EntityJson.h"
#include "edge/EdgeEndpoint.h"
#include "security/Access.h"
#include "storage/EntityStore.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QJsonDocument>
#include <QtEndian>

namespace Bulwark {

using namespace Qt::StringLiterals;
using namespace TransferDetail;

// ---- Asking the device ---------------------------------------------------

void TransferManager::askDevice(Transfer &t, const QJsonObject &message, TransferState state,
                                std::function<void(Transfer &, const DeviceAnswer &)> answered)
{
    const QUuid id = t.id;
    const int attempt = t.attempt;
    m_edge.requestSession(
        t.session, message, m_edge.settings().invokeTimeoutSeconds * 1000,
        [this, id, attempt, state, type = message.value(Wire::Type).toString(),
         answered = std::move(answered)](DeviceAnswer answer) {
            Transfer *t = lookup(id);
            if (!t || t->attempt != attempt || t->state != state)
                return;
            switch (answer.outcome) {
            case DeviceAnswer::Outcome::NotConnected:
                interrupt(*t, u"device not connected"_s);
                postSchedule();
                return;
            case DeviceAnswer::Outcome::TimedOut:
                fail(*t, u"device-timeout"_s,
                     u"The device did not answer %1: %2"_s.arg(type, answer.message));
                return;
            case DeviceAnswer::Outcome::Refused:
            case DeviceAnswer::Outcome::Done:
                answered(*t, answer);
                return;
            }
        });
}

void TransferManager::deviceRefused(Transfer &t, const DeviceAnswer &answer, const QString &what)
{
    const QString &path = t.toDevice() ? t.spec.target.path : t.spec.source.path;
    fail(t, answer.code.isEmpty() ? u"device-refused"_s : answer.code,
         u"The device refused to %1 '%2': %3"_s.arg(what, path, answer.message), std::nullopt,
         false);
}

// ---- Repository -> device ------------------------------------------------

void TransferManager::startDownload(Transfer &t)
{
    const QUuid id = t.id;
    const int attempt = t.attempt;
    auto pipe = t.pipe;
    FileRepositories *repositories = &m_repositories;
    const TransferSide source = t.spec.source;
    onFileThread([this, id, attempt, pipe, repositories, source]() {
        Status opened;
        if (!pipe->reader) {
            auto reader = repositories->openRead(source.repositoryId, source.path);
            if (reader)
                pipe->reader = std::move(*reader);
            else
                opened = reader.error();
        }
        const qint64 size = pipe->reader ? pipe->reader->size() : -1;
        QMetaObject::invokeMethod(
            this,
            [this, id, attempt, opened, size]() {
                Transfer *t = lookup(id);
                if (!t || t->attempt != attempt || t->state != TransferState::Running)
                    return;
                if (!opened) {
                    fail(*t, edgeErrorCode(opened.error(), EdgeCodes::Files),
                         opened.error().message, std::nullopt, false);
                    return;
                }
                t->size = size;
                save(*t);
                const QJsonObject message{
                    {Wire::Type, "file.receive"_L1},
                    {Wire::Thing, t->spec.target.thing},
                    {"transfer"_L1, t->idText},
                    {"path"_L1, t->spec.target.path},
                    {"size"_L1, size},
                    {"chunkSize"_L1, t->chunkSize},
                    {"key"_L1, QString::fromLatin1(t->key.key.toBase64())},
                    {"noncePrefix"_L1, QString::fromLatin1(t->key.noncePrefix.toBase64())},
                    {"overwrite"_L1, t->spec.overwrite}};
                askDevice(
                    *t, message, TransferState::Running,
                    [this, id, attempt](Transfer &t, const DeviceAnswer &answer) {
                        if (answer.outcome == DeviceAnswer::Outcome::Refused) {
                            deviceRefused(t, answer, u"receive"_s);
                            return;
                        }
                        const QJsonValue next = answer.result.value("nextChunk"_L1);
                        const qint64 k = next.toInteger(-1);
                        if (!next.isDouble() || k < 0 || k >= qint64(totalChunks(t))) {
                            fail(t, u"bad-request"_s,
                                 u"The device answered file.receive with nextChunk %1; it must "
                                 "be a whole number from 0 to %2 (the chunks it kept before "
                                 "the final one)."_s.arg(next.toVariant().toString().left(32))
                                     .arg(totalChunks(t) - 1));
                            return;
                        }
                        t.verified = quint32(k);
                        t.requested = quint32(k);
                        t.sent = quint32(k);
                        t.runStartBytes = qMin<qint64>(k * t.chunkSize, t.size);
                        progressed(t);
                        // A fresh sealer that has seen the chunks the device kept.
                        auto pipe = t.pipe;
                        const FileKey key = t.key;
                        const QByteArray aad = t.idText.toLatin1();
                        const int chunkSize = t.chunkSize;
                        onFileThread([this, id, attempt, pipe, key, aad, chunkSize, k]() {
                            auto sealer = FileSealer::create(key, aad, chunkSize);
                            Status ready = sealer ? Status{} : Status{sealer.error()};
                            if (sealer) {
                                pipe->sealer.emplace(std::move(*sealer));
                                for (qint64 i = 0; ready && i < k && pipe->reader; ++i) {
                                    auto chunk = pipe->reader->read(i * chunkSize, chunkSize);
                                    ready = chunk ? pipe->sealer->absorb(*chunk)
                                                  : Status{chunk.error()};
                                }
                            }
                            if (ready)
                                return;
                            QMetaObject::invokeMethod(
                                this,
                                [this, id, attempt, ready]() {
                                    Transfer *t = lookup(id);
                                    if (t && t->attempt == attempt)
                                        fail(*t, u"unavailable"_s, ready.error().message);
                                },
                                Qt::QueuedConnection);
                        });
                        pump(t);
                    });
            },
            Qt::QueuedConnection);
    });
}

void TransferManager::pump(Transfer &t)
{
    const quint32 total = totalChunks(t);
    const int window = windowChunks(t);
    while (t.state == TransferState::Running && t.requested < total &&
           t.requested - t.verified < quint32(window)) {
        const quint32 index = t.requested++;
        const bool final = index + 1 == total;
        const QUuid id = t.id;
        const int attempt = t.attempt;
        const int chunkSize = t.chunkSize;
        const QByteArray rawId = t.id.toRfc4122();
        auto pipe = t.pipe;
        onFileThread([this, id, attempt, pipe, index, final, chunkSize, rawId]() {
            if (!pipe->sealer || !pipe->reader)
                return; // the transfer ended, or its sealer could not be made (reported)
            Result<QByteArray> plaintext = pipe->reader->read(qint64(index) * chunkSize, chunkSize);
            Result<QByteArray> sealed =
                plaintext ? pipe->sealer->seal(*plaintext,
                                               final ? ChunkPosition::Final : ChunkPosition::Middle)
                          : Result<QByteArray>(plaintext.error());
            QByteArray frame;
            QByteArray md5, sha256;
            if (sealed) {
                frame.reserve(FrameHeaderSize + sealed->size());
                frame.append(rawId);
                char counter[4];
                qToBigEndian(index, counter);
                frame.append(counter, 4);
                frame.append(char(final ? 1 : 0));
                frame.append(*sealed);
                if (final) {
                    md5 = pipe->sealer->md5();
                    sha256 = pipe->sealer->sha256();
                }
            } else {
                pipe->sealer.reset(); // nothing more goes out of this attempt
            }
            const Status status = sealed ? Status{} : Status{sealed.error()};
            QMetaObject::invokeMethod(
                this,
                [this, id, attempt, status, frame, final, md5, sha256]() {
                    Transfer *t = lookup(id);
                    if (!t || t->attempt != attempt || t->state != TransferState::Running)
                        return;
                    if (!status) {
                        fail(
                            *t, u"unavailable"_s,
                            u"Reading '%1' from repository '%2' failed: %3"_s.arg(
                                t->spec.source.path, t->spec.source.thing, status.error().message));
                        return;
                    }
                    if (!m_edge.sendBinaryToSession(t->session, frame))
                        return; // the session is ending: sessionEnded() follows
                    ++t->sent;
                    if (final) {
                        t->md5 = md5;
                        t->sha256 = sha256;
                        sendComplete(*t);
                    }
                },
                Qt::QueuedConnection);
        });
    }
}

bool TransferManager::ackArrived(quint64 session, const QUuid &id, qint64 verified)
{
    Transfer *t = lookup(id);
    if (!t || !t->toDevice() || t->session != session)
        return false;
    if (verified < t->verified || verified > qint64(t->sent))
        return true; // stale or impossible: nothing to learn from it
    t->verified = quint32(verified);
    t->durable = t->verified; // the device acknowledges what it wrote
    progressed(*t);
    checkpoint(*t);
    pump(*t);
    return true;
}

void TransferManager::sendComplete(Transfer &t)
{
    t.state = TransferState::Verifying;
    save(t);
    publish(t);
    askDevice(t,
              {{Wire::Type, "file.complete"_L1},
               {"transfer"_L1, t.idText},
               {"size"_L1, t.size},
               {"md5"_L1, QString::fromLatin1(t.md5)},
               {"sha256"_L1, QString::fromLatin1(t.sha256)}},
              TransferState::Verifying, [this](Transfer &t, const DeviceAnswer &answer) {
                  if (answer.outcome == DeviceAnswer::Outcome::Refused) {
                      std::optional<Check> check;
                      const QString m = answer.message;
                      if (m.contains(u"MD5"_s))
                          check = Check::Md5;
                      else if (m.contains(u"SHA-256"_s))
                          check = Check::Sha256;
                      else if (m.contains(u"ize"_s))
                          check = Check::Size;
                      else if (m.contains(u"runcat"_s) || m.contains(u"chunk"_s))
                          check = Check::Chunks;
                      fail(t, answer.code.isEmpty() ? u"verification-failed"_s : answer.code,
                           u"The device did not accept the file: %1"_s.arg(m), check, false);
                      return;
                  }
                  const QJsonObject r = answer.result;
                  if (r.value("size"_L1).toInteger(-1) != t.size ||
                      r.value("md5"_L1).toString() != QString::fromLatin1(t.md5) ||
                      r.value("sha256"_L1).toString() != QString::fromLatin1(t.sha256)) {
                      fail(
                          t, u"verification-failed"_s,
                          u"The device accepted the file but reported size %1, MD5 %2, SHA-256 %3; "
                          "the platform sent %4 bytes, MD5 %5, SHA-256 %6."_s.arg(
                              QString::number(r.value("size"_L1).toInteger(-1)),
                              r.value("md5"_L1).toString().left(64),
                              r.value("sha256"_L1).toString().left(64), QString::number(t.size),
                              QString::fromLatin1(t.md5), QString::fromLatin1(t.sha256)),
                          std::nullopt, false);
                      return;
                  }
                  t.verified = totalChunks(t);
                  t.bytes = t.size;
                  t.checkChunks = t.checkSize = t.checkMd5 = t.checkSha256 = u"ok"_s;
                  t.state = TransferState::Done;
                  ended(t);
              });
}

// ---- Device -> repository ------------------------------------------------

void TransferManager::startUpload(Transfer &t)
{
    if (t.fromDisk && t.size >= 0)
        resumeUploadFromDisk(t);
    else
        sendFileSend(t);
}

void TransferManager::resumeUploadFromDisk(Transfer &t)
{
    const QUuid id = t.id;
    const int attempt = t.attempt;
    auto pipe = t.pipe;
    FileRepositories *repositories = &m_repositories;
    const TransferSide target = t.spec.target;
    const qint64 size = t.size;
    const int chunkSize = t.chunkSize;
    const QString staging = t.idText;
    const auto overwrite =
        t.spec.overwrite ? FileRepositories::Overwrite::Yes : FileRepositories::Overwrite::No;
    const FileKey key = t.key;
    const QByteArray md5 = t.md5, sha256 = t.sha256;
    onFileThread([this, id, attempt, pipe, repositories, target, size, chunkSize, staging,
                  overwrite, key, md5, sha256]() {
        pipe->release(false); // an earlier attempt's writer: the staging file stays
        Status ready;
        std::optional<StoredFile> committed;
        // Verifying when the server stopped: the file may have been renamed
        // into place just before. The same size and digests are the proof.
        if (!md5.isEmpty() && !sha256.isEmpty()) {
            auto stat = repositories->stat(target.repositoryId, target.path);
            if (stat && stat->size == size && stat->md5 == md5 && stat->sha256 == sha256)
                committed = *stat;
        }
        if (!committed) {
            auto writer =
                repositories->beginWrite(target.repositoryId, target.path, size, chunkSize, staging,
                                         overwrite, FileRepositories::Digests::Caller);
            if (writer) {
                pipe->writer = std::move(*writer);
                auto opener = FileOpener::create(key, staging.toLatin1(), chunkSize);
                if (opener) {
                    pipe->opener.emplace(std::move(*opener));
                    pipe->written = 0;
                    // The chunks kept on disk are opened (checked) and hashed once,
                    // here; one that does not open ends what is kept.
                    const quint32 kept = pipe->writer->chunksKept();
                    for (quint32 i = 0; ready && i < kept; ++i) {
                        auto chunk = pipe->writer->keptChunk(i);
                        if (!chunk || !pipe->opener->absorb(*chunk)) {
                            ready = pipe->writer->keepOnly(i);
                            break;
                        }
                        pipe->written += chunk->size();
                    }
                    // What a crash left may not have reached the disk yet:
                    // durable only once synced.
                    if (ready)
                        ready = pipe->writer->sync();
                    pipe->durable = ready ? pipe->opener->chunksOpened() : 0;
                } else {
                    ready = opener.error();
                }
            } else {
                ready = writer.error();
            }
        }
        const quint32 kept = pipe->opener ? pipe->opener->chunksOpened() : 0;
        const qint64 written = pipe->written;
        if (!ready)
            pipe->release(false);
        QMetaObject::invokeMethod(
            this,
            [this, id, attempt, ready, committed, kept, written]() {
                Transfer *t = lookup(id);
                if (!t || t->attempt != attempt || t->state != TransferState::Running)
                    return;
                if (!ready) {
                    fail(*t, edgeErrorCode(ready.error(), EdgeCodes::Files), ready.error().message);
                    return;
                }
                t->fromDisk = false;
                if (committed) {
                    qCInfo(lcTransfers).noquote()
                        << "Transfer" << t->idText << "was committed before the restart";
                    t->bytes = committed->size;
                    t->durable = totalChunks(*t);
                    t->checkChunks = t->checkSize = t->checkMd5 = t->checkSha256 = u"ok"_s;
                    t->state = TransferState::Done;
                    ended(*t);
                    return;
                }
                t->requested = t->verified = t->durable = t->savedDurable = kept;
                t->bytes = written;
                t->runStartBytes = written;
                sendFileSend(*t);
            },
            Qt::QueuedConnection);
    });
}

void TransferManager::sendFileSend(Transfer &t)
{
    const QUuid id = t.id;
    const QJsonObject message{{Wire::Type, "file.send"_L1},
                              {Wire::Thing, t.spec.source.thing},
                              {"transfer"_L1, t.idText},
                              {"path"_L1, t.spec.source.path},
                              {"chunkSize"_L1, t.chunkSize},
                              {"key"_L1, QString::fromLatin1(t.key.key.toBase64())},
                              {"noncePrefix"_L1, QString::fromLatin1(t.key.noncePrefix.toBase64())},
                              {"fromChunk"_L1, qint64(t.requested)}};
    askDevice(
        t, message, TransferState::Running, [this, id](Transfer &t, const DeviceAnswer &answer) {
            if (answer.outcome == DeviceAnswer::Outcome::Refused) {
                deviceRefused(t, answer, u"send"_s);
                return;
            }
            const QJsonValue sizeValue = answer.result.value("size"_L1);
            const qint64 size = sizeValue.toInteger(-1);
            if (!sizeValue.isDouble() || size < 0) {
                fail(t, u"bad-request"_s,
                     u"The device answered file.send without a valid \"size\" (a whole number "
                     "of bytes)."_s);
                return;
            }
            if (t.size >= 0) {
                if (size != t.size)
                    fail(t, u"conflict"_s,
                         u"'%1' on the device changed since the transfer started: it had %2 "
                         "bytes, now %3. Retry the transfer."_s.arg(t.spec.source.path)
                             .arg(t.size)
                             .arg(size));
                return; // resumed: the device sends from fromChunk on
            }
            if (size > settings().maxFileSizeBytes()) {
                fail(t, u"too-large"_s,
                     TooLargePrefix +
                         u"'%1' has %2 bytes; repositories take files of at most %3 MiB "
                         "([files] max_file_size_mb)."_s.arg(t.spec.source.path)
                             .arg(size)
                             .arg(settings().maxFileSizeMb));
                return;
            }
            t.size = size;
            // Chunks are acknowledged once the size is saved: a restart then
            // resumes the staging file (beginWrite needs the size). Not
            // saved, nothing is acknowledged: the transfer fails (retry it).
            save(t, [this, id](const Status &status) {
                Transfer *t = lookup(id);
                if (!t || isFinal(t->state))
                    return;
                if (!status) {
                    fail(*t, edgeErrorCode(status.error(), EdgeCodes::Files),
                         u"The transfer could not be saved, so no chunk was acknowledged: %1 "
                         "Then retry the transfer."_s.arg(status.error().message));
                    return;
                }
                t->sizeSaved = true;
                if (t->session != 0 && t->verified > 0)
                    m_edge.sendToSession(t->session, {{Wire::Type, "file.ack"_L1},
                                                      {"transfer"_L1, t->idText},
                                                      {"verified"_L1, qint64(t->verified)}});
            });
            publish(t);
            auto pipe = t.pipe;
            FileRepositories *repositories = &m_repositories;
            const TransferSide target = t.spec.target;
            const int chunkSize = t.chunkSize;
            const QString staging = t.idText;
            const auto overwrite = t.spec.overwrite ? FileRepositories::Overwrite::Yes
                                                    : FileRepositories::Overwrite::No;
            const FileKey key = t.key;
            onFileThread([this, id, pipe, repositories, target, size, chunkSize, staging, overwrite,
                          key]() {
                // The opener hashes what it opens; the writer hashes
                // nothing (Digests::Caller): each byte is hashed once.
                auto writer =
                    repositories->beginWrite(target.repositoryId, target.path, size, chunkSize,
                                             staging, overwrite, FileRepositories::Digests::Caller);
                Status ready = writer ? Status{} : Status{writer.error()};
                if (writer) {
                    pipe->writer = std::move(*writer);
                    // The device sends from chunk 0 (fromChunk): anything
                    // a staging file of this id held goes.
                    ready = pipe->writer->keepOnly(0);
                    auto opener = FileOpener::create(key, staging.toLatin1(), chunkSize);
                    if (opener)
                        pipe->opener.emplace(std::move(*opener));
                    else if (ready)
                        ready = opener.error();
                }
                if (ready)
                    return;
                pipe->failed = true;
                QMetaObject::invokeMethod(
                    this,
                    [this, id, ready]() {
                        if (Transfer *t = lookup(id))
                            fail(*t, edgeErrorCode(ready.error(), EdgeCodes::Files),
                                 ready.error().message);
                    },
                    Qt::QueuedConnection);
            });
        });
}

TransferManager::FrameOutcome TransferManager::chunkArrived(quint64 session, const QUuid &id,
                                                            quint32 index, bool final,
                                                            const QByteArray &sealed)
{
    Transfer *t = lookup(id);
    if (!t)
        return FrameOutcome::Unknown;
    if (t->session != session || t->toDevice() || t->state != TransferState::Running) {
        // Frames already on their way when the transfer ended here.
        if (t->lastSession == session && t->session != session)
            return FrameOutcome::Dropped;
        return FrameOutcome::Unknown;
    }
    if (t->size < 0)
        return FrameOutcome::Unknown; // before its file.send was answered
    const quint32 total = totalChunks(*t);
    if (t->finalSeen) {
        fail(*t, u"verification-failed"_s, u"Chunk %1 arrived after the final chunk."_s.arg(index),
             Check::Chunks);
        return FrameOutcome::Taken;
    }
    if (index != t->requested) {
        fail(*t, u"verification-failed"_s,
             u"Chunk %1 arrived where %2 was expected: chunks were dropped or reordered."_s
                 .arg(index)
                 .arg(t->requested),
             Check::Chunks);
        return FrameOutcome::Taken;
    }
    if (index >= total) {
        fail(*t, u"verification-failed"_s,
             u"Chunk %1 goes beyond the announced size of %2 bytes (%3 chunks)."_s.arg(index)
                 .arg(t->size)
                 .arg(total),
             Check::Size);
        return FrameOutcome::Taken;
    }
    if (t->requested - t->verified >= quint32(windowChunks(*t))) {
        fail(*t, u"bad-request"_s,
             u"The device sent chunk %1 with %2 chunks unacknowledged: the window is %2 "
             "chunks (wait for file.ack)."_s.arg(index)
                 .arg(windowChunks(*t)));
        return FrameOutcome::Taken;
    }
    ++t->requested;
    if (final)
        t->finalSeen = true;
    auto pipe = t->pipe;
    const QUuid transferId = id;
    const quint32 window = quint32(windowChunks(*t));
    onFileThread([this, transferId, pipe, sealed, final, index, window]() {
        if (pipe->failed || !pipe->opener || !pipe->writer)
            return;
        const ChunkPosition position = final ? ChunkPosition::Final : ChunkPosition::Middle;
        auto plaintext = pipe->opener->open(sealed, position);
        Status status = plaintext ? Status{} : Status{plaintext.error()};
        bool authentication = !plaintext;
        if (plaintext) {
            status = pipe->writer->append(*plaintext, position);
            if (status)
                pipe->written += plaintext->size();
            // A checkpoint every window of chunks: on disk for good, then
            // saved as the point a restart resumes from.
            const quint32 opened = pipe->opener->chunksOpened();
            if (status && (final || opened - pipe->durable >= window)) {
                status = pipe->writer->sync();
                if (status)
                    pipe->durable = opened;
            }
        }
        if (!status) {
            pipe->failed = true;
            QMetaObject::invokeMethod(
                this,
                [this, transferId, status, authentication, index]() {
                    Transfer *t = lookup(transferId);
                    if (!t)
                        return;
                    if (authentication)
                        fail(*t, u"verification-failed"_s,
                             u"Chunk %1 failed authentication: %2"_s.arg(index).arg(
                                 status.error().message),
                             Check::Chunks);
                    else
                        fail(*t, edgeErrorCode(status.error(), EdgeCodes::Files),
                             status.error().message);
                },
                Qt::QueuedConnection);
            return;
        }
        const quint32 verified = pipe->opener->chunksOpened();
        const qint64 written = pipe->written;
        const quint32 durable = pipe->durable;
        QMetaObject::invokeMethod(
            this,
            [this, transferId, verified, written, durable]() {
                chunkWritten(transferId, verified, written, durable);
            },
            Qt::QueuedConnection);
    });
    return FrameOutcome::Taken;
}

void TransferManager::chunkWritten(const QUuid &id, quint32 verified, qint64 bytes, quint32 durable)
{
    Transfer *t = lookup(id);
    if (!t || isFinal(t->state))
        return;
    t->verified = verified;
    t->bytes = bytes;
    t->durable = qMax(t->durable, durable);
    progressed(*t);
    checkpoint(*t);
    // Acknowledged also once file.complete came (verifying): the final
    // chunk's acknowledgement is owed either way.
    if (t->session != 0 && t->sizeSaved)
        m_edge.sendToSession(t->session, {{Wire::Type, "file.ack"_L1},
                                          {"transfer"_L1, t->idText},
                                          {"verified"_L1, qint64(verified)}});
}

void TransferManager::completeArrived(quint64 session, const QUuid &id, const QJsonObject &message,
                                      CompleteAnswer answer)
{
    Transfer *t = lookup(id);
    if (!t || t->toDevice() || t->session != session) {
        answer(
            {}, u"not-found"_s,
            u"This session is not sending transfer %1."_s.arg(id.toString(QUuid::WithoutBraces)));
        return;
    }
    if (t->state != TransferState::Running) {
        answer({}, u"conflict"_s,
               u"Transfer %1 is %2, not running."_s.arg(t->idText, stateName(t->state)));
        return;
    }
    const QJsonValue sizeValue = message.value("size"_L1);
    const QString md5 = message.value("md5"_L1).toString();
    const QString sha256 = message.value("sha256"_L1).toString();
    if (!sizeValue.isDouble() || sizeValue.toInteger(-1) < 0 || !isLowerHex(md5, 32) ||
        !isLowerHex(sha256, 64)) {
        answer({}, u"bad-request"_s,
               u"Send file.complete as {\"transfer\", \"size\": bytes, \"md5\": 32 lowercase hex "
               "digits, \"sha256\": 64 lowercase hex digits}."_s);
        return;
    }
    const qint64 size = sizeValue.toInteger();
    t->state = TransferState::Verifying;
    // The expected digests are saved before the file can be committed: a
    // restart in between finds the file in place and knows it is this one.
    t->md5 = md5.toLatin1();
    t->sha256 = sha256.toLatin1();
    publish(*t);
    auto pipe = t->pipe;
    save(*t, [this, id, pipe, size, md5, sha256, answer](const Status &status) {
        Transfer *t = lookup(id);
        if (t && !status) {
            // Not committed: a restart could not tell the file is this one.
            const QString code = edgeErrorCode(status.error(), EdgeCodes::Files);
            const QString message =
                u"The file was not committed: the expected digests could not be saved. %1 "
                "Then retry the transfer."_s.arg(status.error().message);
            answer({}, code, message);
            t->md5.clear();
            t->sha256.clear();
            fail(*t, code, message, std::nullopt, false);
        } else if (t) {
            commitUpload(id, pipe, size, md5, sha256, answer);
        } else {
            answer({}, u"not-found"_s,
                   u"Transfer %1 ended meanwhile."_s.arg(id.toString(QUuid::WithoutBraces)));
        }
    });
}

void TransferManager::commitUpload(const QUuid &id, const std::shared_ptr<Pipe> &pipe, qint64 size,
                                   const QString &md5, const QString &sha256,
                                   const CompleteAnswer &answer)
{
    onFileThread([this, id, pipe, size, md5, sha256, answer]() {
        struct Outcome
        {
            std::optional<Check> check;
            QString message;
            StoredFile stored;
        };
        Outcome outcome;
        const auto failWith = [&](Check check, QString text) {
            outcome.check = check;
            outcome.message = std::move(text);
        };
        if (pipe->failed || !pipe->opener || !pipe->writer) {
            failWith(Check::Chunks,
                     u"The transfer had already failed: a chunk was rejected or could not be "
                     "written."_s);
        } else if (!pipe->opener->isFinished()) {
            failWith(Check::Chunks,
                     u"Truncated: the final chunk never arrived (%1 chunks verified)."_s.arg(
                         pipe->opener->chunksOpened()));
        } else if (pipe->written != size) {
            failWith(Check::Size, u"Size mismatch: expected %1 bytes, received %2."_s.arg(size).arg(
                                      pipe->written));
        } else if (QString::fromLatin1(pipe->opener->md5()) != md5) {
            failWith(Check::Md5, u"MD5 mismatch: expected %1, computed %2."_s.arg(
                                     md5, QString::fromLatin1(pipe->opener->md5())));
        } else if (QString::fromLatin1(pipe->opener->sha256()) != sha256) {
            failWith(Check::Sha256, u"SHA-256 mismatch: expected %1, computed %2."_s.arg(
                                        sha256, QString::fromLatin1(pipe->opener->sha256())));
        } else {
            auto stored = pipe->writer->commit(md5.toLatin1(), sha256.toLatin1());
            if (stored) {
                outcome.stored = *stored;
                pipe->writer.reset(); // committed: nothing to abandon
            } else {
                const QString m = stored.error().message;
                failWith(m.startsWith(u"MD5"_s)       ? Check::Md5
                         : m.startsWith(u"SHA-256"_s) ? Check::Sha256
                                                      : Check::Size,
                         m);
            }
        }
        if (outcome.check) {
            pipe->failed = true;
            if (pipe->writer)
                pipe->writer->abandon();
            pipe->writer.reset();
        }
        QMetaObject::invokeMethod(
            this,
            [this, id, outcome, answer]() {
                Transfer *t = lookup(id);
                if (outcome.check) {
                    answer({}, u"verification-failed"_s, outcome.message);
                    if (t) {
                        t->md5.clear(); // what the device claimed, not what was stored
                        t->sha256.clear();
                        fail(*t, u"verification-failed"_s, outcome.message, outcome.check, false);
                    }
                    return;
                }
                answer({{"size"_L1, outcome.stored.size},
                        {"md5"_L1, QString::fromLatin1(outcome.stored.md5)},
                        {"sha256"_L1, QString::fromLatin1(outcome.stored.sha256)}},
                       {}, {});
                if (!t || isFinal(t->state))
                    return;
                t->md5 = outcome.stored.md5;
                t->sha256 = outcome.stored.sha256;
                t->bytes = outcome.stored.size;
                t->checkChunks = t->checkSize = t->checkMd5 = t->checkSha256 = u"ok"_s;
                t->state = TransferState::Done;
                ended(*t);
            },
            Qt::QueuedConnection);
    });
}

void TransferManager::cancelArrived(quint64 session, const QUuid &id, const QString &reason)
{
    Transfer *t = lookup(id);
    if (!t || t->session != session || isFinal(t->state))
        return;
    fail(*t, u"cancelled"_s,
         u"The device cancelled the transfer: %1"_s.arg(reason.isEmpty() ? u"it gave no reason"_s
                                                                         : reason.left(1024)),
         std::nullopt, false);
}

} // namespace Bulwark
