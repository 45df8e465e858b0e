// The device side of file transfer (edge protocol version 2): listing and
// deleting in virtual directories, receiving into a staging file renamed
// into place only after verification (resuming from verified chunks kept
// earlier), sending with a window of unacknowledged chunks, cancelling, and
// transfers the device starts itself.
#include "EdgeClientPrivate.h"
#include "FilePaths.h"

#include "security/FileCipher.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QStorageInfo>
#include <QtEndian>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace BulwarkEdge {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMinimumChunkSize = 4096;
constexpr int kMaximumChunkSize = 786432;
constexpr int kMaximumUnacknowledged = 8;
constexpr qint64 kMaximumUnacknowledgedBytes = 4 * 1024 * 1024;
constexpr int kFrameHeaderSize = 21;
constexpr int kMaximumListing = 2000; // keeps the answer well under the 1 MiB message limit
const QString kStagingSuffix = u".bulwark-part"_s;

quint32 chunkCountOf(qint64 size, int chunkSize)
{
    return size <= 0 ? 1 : quint32((size + chunkSize - 1) / chunkSize);
}

QByteArray frameHeader(const QUuid &id, quint32 index, bool final)
{
    QByteArray header = id.toRfc4122();
    char be[4];
    qToBigEndian(index, be);
    header.append(be, 4);
    header.append(char(final ? 1 : 0));
    return header;
}

// fsync of a file's directory, so that a rename survives a power cut.
void syncDirectory(const QString &directory)
{
    const int fd = ::open(QFile::encodeName(directory).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

struct TransferRequest
{
    const EdgeClientPrivate::ThingState *thing = nullptr;
    QString thingName;
    QString path; // as the platform gave it
    QUuid id;
    QByteArray idText;
    int chunkSize = 0;
    Bulwark::FileKey key;
};

// The fields file.receive and file.send share, for a Thing bound with
// directories; error for a person otherwise.
std::variant<TransferRequest, Error> transferRequest(const EdgeClientPrivate &client,
                                                     const QJsonObject &message)
{
    TransferRequest request;
    request.thingName = message.value("thing"_L1).toString();
    Error error;
    request.thing = client.filesThing(request.thingName, &error);
    if (!request.thing)
        return error;
    const QString idText = message.value("transfer"_L1).toString().toLower();
    request.id = QUuid::fromString(idText);
    if (request.id.isNull() || idText.size() != 36)
        return Error{ErrorCode::BadRequest, u"'transfer' must be a UUID string."_s};
    request.idText = idText.toLatin1();
    request.chunkSize = message.value("chunkSize"_L1).toInt(-1);
    if (request.chunkSize < kMinimumChunkSize || request.chunkSize > kMaximumChunkSize)
        return Error{ErrorCode::BadRequest,
                     u"'chunkSize' must be between %1 and %2."_s.arg(kMinimumChunkSize)
                         .arg(kMaximumChunkSize)};
    const auto key = Bulwark::FileKey::fromBytes(
        QByteArray::fromBase64(message.value("key"_L1).toString().toLatin1()),
        QByteArray::fromBase64(message.value("noncePrefix"_L1).toString().toLatin1()));
    if (!key)
        return Error{ErrorCode::BadRequest, key.error().message};
    request.key = key.value();
    request.path = message.value("path"_L1).toString();
    return request;
}

// file.receive and file.send: the shared fields, or nothing when the error
// was answered.
std::optional<TransferRequest> acceptTransfer(EdgeClientPrivate &client, const QJsonValue &id,
                                              const QJsonObject &message)
{
    auto parsed = transferRequest(client, message);
    if (const auto *failure = std::get_if<Error>(&parsed)) {
        client.sendError(id, failure->code, failure->message);
        return std::nullopt;
    }
    return std::get<TransferRequest>(std::move(parsed));
}

// A new transfer with the request's id, replacing an earlier attempt.
std::unique_ptr<Transfer> startTransfer(std::map<QUuid, std::unique_ptr<Transfer>> &transfers,
                                        const TransferRequest &request)
{
    transfers.erase(request.id);
    auto transfer = std::make_unique<Transfer>();
    transfer->idText = request.idText;
    transfer->chunkSize = request.chunkSize;
    return transfer;
}

} // namespace

Transfer::Transfer() = default;
Transfer::~Transfer() = default;

const EdgeClientPrivate::ThingState *EdgeClientPrivate::filesThing(const QString &thing,
                                                                   Error *error) const
{
    const auto it = things.find(thing);
    if (it == things.end() || !it->second.declared || !it->second.bound) {
        *error = Error{ErrorCode::NotBound, u"This device has not bound Thing '%1'."_s.arg(thing)};
        return nullptr;
    }
    if (it->second.directories.isEmpty()) {
        *error = Error{ErrorCode::NotFound,
                       u"Thing '%1' has no directories on this device."_s.arg(thing)};
        return nullptr;
    }
    return &it->second;
}

void EdgeClientPrivate::onFileRequest(const QString &type, const QJsonObject &message)
{
    const QJsonValue id = message.value("id"_L1);
    if (type == u"file.ack"_s)
        onFileAck(message);
    else if (type == u"file.cancel"_s)
        onFileCancel(message);
    else if (type == u"file.list"_s)
        onFileList(id, message);
    else if (type == u"file.delete"_s)
        onFileDelete(id, message);
    else if (type == u"file.receive"_s)
        onFileReceive(id, message);
    else if (type == u"file.send"_s)
        onFileSend(id, message);
    else if (type == u"file.complete"_s)
        onFileComplete(id, message);
    else if (!id.isNull() && !id.isUndefined())
        sendError(id, ErrorCode::Unsupported,
                  u"This device does not support '%1' requests."_s.arg(type));
}

void EdgeClientPrivate::onFileList(const QJsonValue &id, const QJsonObject &message)
{
    Error error;
    const ThingState *thing = filesThing(message.value("thing"_L1).toString(), &error);
    if (!thing)
        return sendError(id, error.code, error.message);
    const QString path = message.value("path"_L1).toString();
    QJsonArray entries;
    if (path.isEmpty()) {
        for (const VirtualDirectory &directory : thing->directories) {
            entries.append(QJsonObject{
                {"name"_L1, directory.name},
                {"type"_L1, "directory"_L1},
                {"size"_L1, 0},
                {"modified"_L1, isoTime(QFileInfo(directory.localRoot).lastModified())}});
        }
        return sendResult(id, {{"entries"_L1, entries}});
    }
    const auto resolved = FilePaths::resolve(thing->directories, path, FilePaths::Target::Existing);
    if (const auto *failure = std::get_if<Error>(&resolved))
        return sendError(id, failure->code, failure->message);
    const auto &where = std::get<FilePaths::Resolved>(resolved);
    const QFileInfo info(where.local);
    if (!info.isDir())
        return sendError(id, ErrorCode::BadRequest,
                         u"'%1' is a file, not a directory."_s.arg(path));
    const QFileInfoList list =
        QDir(where.local)
            .entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                           QDir::Name);
    bool truncated = false;
    for (const QFileInfo &entry : list) {
        if (entry.fileName().startsWith(u'.') && entry.fileName().endsWith(kStagingSuffix))
            continue; // a transfer in progress
        if (!FilePaths::isInside(where.root, entry.canonicalFilePath()))
            continue; // a link leading outside, or dangling: never served
        if (!entry.isDir() && !entry.isFile())
            continue;
        if (entries.size() >= kMaximumListing) {
            truncated = true;
            break;
        }
        entries.append(QJsonObject{{"name"_L1, entry.fileName()},
                                   {"type"_L1, entry.isDir() ? "directory"_L1 : "file"_L1},
                                   {"size"_L1, entry.isDir() ? 0 : double(entry.size())},
                                   {"modified"_L1, isoTime(entry.lastModified())}});
    }
    QJsonObject result{{"entries"_L1, entries}};
    if (truncated)
        result.insert("truncated"_L1, true);
    sendResult(id, result);
}

void EdgeClientPrivate::onFileDelete(const QJsonValue &id, const QJsonObject &message)
{
    Error error;
    const ThingState *thing = filesThing(message.value("thing"_L1).toString(), &error);
    if (!thing)
        return sendError(id, error.code, error.message);
    const QString path = message.value("path"_L1).toString();
    const auto resolved = FilePaths::resolve(thing->directories, path, FilePaths::Target::Existing);
    if (const auto *failure = std::get_if<Error>(&resolved))
        return sendError(id, failure->code, failure->message);
    const auto &where = std::get<FilePaths::Resolved>(resolved);
    const QFileInfo info(where.local);
    if (!info.isFile() || info.isSymLink())
        return sendError(id, ErrorCode::BadRequest,
                         u"'%1' is not a file: only files can be deleted."_s.arg(path));
    QFile file(where.local);
    if (!file.remove())
        return sendError(id, ErrorCode::Forbidden,
                         u"'%1' could not be deleted: %2."_s.arg(path, file.errorString()));
    qCInfo(lcEdgeSdk).noquote() << "deleted" << where.local << "at the platform's request";
    sendResult(id, {});
}

void EdgeClientPrivate::onFileReceive(const QJsonValue &id, const QJsonObject &message)
{
    const auto accepted = acceptTransfer(*this, id, message);
    if (!accepted)
        return;
    const TransferRequest &request = *accepted;
    const QString &path = request.path;
    const double sizeValue = message.value("size"_L1).toDouble(-1);
    if (!(sizeValue >= 0) || sizeValue > 9.0e15)
        return sendError(id, ErrorCode::BadRequest, u"'size' must be a number of bytes."_s);
    const qint64 size = qint64(sizeValue);
    const bool overwrite = message.value("overwrite"_L1).toBool();

    const auto resolved =
        FilePaths::resolve(request.thing->directories, path, FilePaths::Target::NewFile);
    if (const auto *failure = std::get_if<Error>(&resolved))
        return sendError(id, failure->code, failure->message);
    const auto &where = std::get<FilePaths::Resolved>(resolved);
    if (where.isRoot)
        return sendError(id, ErrorCode::BadRequest,
                         u"'%1' names a directory; give a file path inside it."_s.arg(path));
    const QFileInfo target(where.local);
    if (target.isDir())
        return sendError(id, ErrorCode::Exists, u"'%1' is a directory on the device."_s.arg(path));
    if ((target.exists() || target.isSymLink()) && !overwrite)
        return sendError(id, ErrorCode::Exists,
                         u"'%1' already exists on the device; transfer with overwrite to replace "
                         "it."_s.arg(path));
    const QString parent = target.absolutePath();
    if (!QDir().mkpath(parent))
        return sendError(id, ErrorCode::Forbidden,
                         u"The device cannot create the directory for '%1'."_s.arg(path));

    auto transfer = startTransfer(transfers, request); // a re-issued transfer replaces the old
    transfer->chunkCount = chunkCountOf(size, request.chunkSize);
    transfer->overwrite = overwrite;
    transfer->stagingPath = parent + u"/."_s + target.fileName() + u'.' +
                            QString::fromLatin1(request.idText) + kStagingSuffix;
    transfer->file = std::make_unique<QFile>(transfer->stagingPath);
    if (!transfer->file->open(QIODevice::ReadWrite))
        return sendError(
            id, ErrorCode::Forbidden,
            u"The device cannot write '%1': %2."_s.arg(path, transfer->file->errorString()));

    // Resume: keep the whole middle chunks verified in an earlier attempt.
    // They are read back and hashed a few at a time (absorbStaged), so that a
    // large kept prefix does not stall the event loop; the reply follows.
    transfer->kept = quint32(std::min<qint64>(transfer->file->size() / request.chunkSize,
                                              qint64(transfer->chunkCount) - 1));
    transfer->key = request.key;
    auto opener = Bulwark::FileOpener::create(request.key, request.idText, request.chunkSize);
    if (!opener)
        return sendError(id, ErrorCode::BadRequest, opener.error().message);
    transfer->opener = std::make_unique<Bulwark::FileOpener>(std::move(opener.value()));
    transfer->file->seek(0);
    transfer->replyId = id;
    transfer->info = TransferInfo{request.id,
                                  TransferDirection::ToDevice,
                                  request.thingName,
                                  path,
                                  where.local,
                                  size,
                                  0,
                                  QString(),
                                  QString()};
    transfers[request.id] = std::move(transfer);
    absorbStaged(request.id);
}

void EdgeClientPrivate::absorbStaged(const QUuid &id)
{
    constexpr int chunksPerTurn = 16;
    const auto it = transfers.find(id);
    if (it == transfers.end() || !it->second->opener || it->second->replyId.isUndefined())
        return;
    Transfer &transfer = *it->second;
    for (int n = 0; n < chunksPerTurn && transfer.opener->chunksOpened() < transfer.kept; ++n) {
        const QByteArray chunk = transfer.file->read(transfer.chunkSize);
        if (chunk.size() != transfer.chunkSize || !transfer.opener->absorb(chunk)) {
            transfer.kept = 0; // start over
            auto fresh =
                Bulwark::FileOpener::create(transfer.key, transfer.idText, transfer.chunkSize);
            transfer.opener = std::make_unique<Bulwark::FileOpener>(std::move(fresh.value()));
            break;
        }
    }
    if (transfer.opener->chunksOpened() < transfer.kept) {
        const quint64 absorbSession = session;
        QTimer::singleShot(0, q, [this, id, absorbSession] {
            if (absorbSession == session)
                absorbStaged(id);
        });
        return;
    }
    const QJsonValue replyId = std::exchange(transfer.replyId, QJsonValue(QJsonValue::Undefined));
    const QString path = transfer.info.path;
    const qint64 keptBytes = qint64(transfer.kept) * transfer.chunkSize;
    if (!transfer.file->resize(keptBytes) || !transfer.file->seek(keptBytes)) {
        const QString why = transfer.file->errorString();
        transfers.erase(it);
        return sendError(replyId, ErrorCode::Forbidden,
                         u"The device cannot write '%1': %2."_s.arg(path, why));
    }
    const QStorageInfo storage(QFileInfo(transfer.info.localFile).absolutePath());
    if (storage.isValid() && storage.bytesAvailable() >= 0 &&
        storage.bytesAvailable() < transfer.info.size - keptBytes) {
        const qint64 size = transfer.info.size;
        transfer.file->remove();
        transfers.erase(it);
        return sendError(replyId, ErrorCode::TooLarge,
                         u"The device has %1 bytes free where '%2' goes, but the file has %3."_s
                             .arg(storage.bytesAvailable())
                             .arg(path)
                             .arg(size));
    }
    transfer.info.bytes = keptBytes;
    qCInfo(lcEdgeSdk).noquote() << "receiving" << path << "(" << transfer.info.size
                                << "bytes ) transfer" << transfer.idText << "from chunk"
                                << transfer.kept;
    sendResult(replyId, {{"nextChunk"_L1, double(transfer.kept)}});
    Q_EMIT q->transferStarted(transfer.info);
}

void EdgeClientPrivate::onBinaryMessage(const QByteArray &frame)
{
    if (frame.size() < kFrameHeaderSize + Bulwark::FileChunkTagSize) {
        qCWarning(lcEdgeSdk) << "dropping a binary frame of" << frame.size()
                             << "bytes: too short for a file chunk";
        return;
    }
    const QUuid id = QUuid::fromRfc4122(QByteArrayView(frame).first(16));
    const quint32 index = qFromBigEndian<quint32>(frame.constData() + 16);
    const quint8 flags = quint8(frame.at(20));
    const auto it = transfers.find(id);
    if (it == transfers.end() || !it->second->opener || !it->second->replyId.isUndefined()) {
        qCWarning(lcEdgeSdk).noquote() << "dropping a chunk of transfer" << id.toString()
                                       << ": this device is not receiving it";
        return;
    }
    Transfer &transfer = *it->second;
    if (flags & ~quint8(1))
        return failTransfer(id, ErrorCode::BadRequest,
                            u"chunk %1 has unknown flags %2"_s.arg(index).arg(flags), true);
    const quint32 expected = transfer.opener->chunksOpened();
    if (index != expected)
        return failTransfer(id, ErrorCode::VerificationFailed,
                            u"chunk %1 arrived where %2 was expected"_s.arg(index).arg(expected),
                            true);
    auto plaintext = transfer.opener->open(frame.mid(kFrameHeaderSize),
                                           (flags & 1) ? Bulwark::ChunkPosition::Final
                                                       : Bulwark::ChunkPosition::Middle);
    if (!plaintext)
        return failTransfer(id, ErrorCode::VerificationFailed, plaintext.error().message, true);
    if (transfer.info.bytes + plaintext->size() > transfer.info.size)
        return failTransfer(
            id, ErrorCode::VerificationFailed,
            u"more data than the announced %1 bytes arrived"_s.arg(transfer.info.size), true);
    if (transfer.file->write(*plaintext) != plaintext->size())
        return failTransfer(
            id, ErrorCode::TooLarge,
            u"the device could not write the file: %1"_s.arg(transfer.file->errorString()), true);
    transfer.info.bytes += plaintext->size();
    send({{"type"_L1, "file.ack"_L1},
          {"transfer"_L1, QString::fromLatin1(transfer.idText)},
          {"verified"_L1, double(transfer.opener->chunksOpened())}});
    Q_EMIT q->transferProgress(transfer.info);
}

void EdgeClientPrivate::onFileComplete(const QJsonValue &id, const QJsonObject &message)
{
    const QUuid transferId = QUuid::fromString(message.value("transfer"_L1).toString());
    const auto it = transfers.find(transferId);
    if (transferId.isNull() || it == transfers.end() || !it->second->opener)
        return sendError(id, ErrorCode::NotFound,
                         u"This device is not receiving transfer '%1'."_s.arg(
                             message.value("transfer"_L1).toString()));
    Transfer &transfer = *it->second;
    // Out of range (or not a number) is -1: it then matches no real size.
    const double sizeValue = message.value("size"_L1).toDouble(-1);
    const qint64 size = sizeValue >= 0 && sizeValue <= 9.0e15 ? qint64(sizeValue) : -1;
    const QString md5 = message.value("md5"_L1).toString().toLower();
    const QString sha256 = message.value("sha256"_L1).toString().toLower();
    QString failure;
    if (!transfer.opener->isFinished())
        failure = u"truncated: the final chunk never arrived"_s;
    else if (size != transfer.info.bytes || size != transfer.info.size)
        failure =
            u"size mismatch: expected %1 bytes, received %2"_s.arg(size).arg(transfer.info.bytes);
    else if (md5 != QString::fromLatin1(transfer.opener->md5()))
        failure = u"MD5 mismatch: expected %1, computed %2"_s.arg(
            md5, QString::fromLatin1(transfer.opener->md5()));
    else if (sha256 != QString::fromLatin1(transfer.opener->sha256()))
        failure = u"SHA-256 mismatch: expected %1, computed %2"_s.arg(
            sha256, QString::fromLatin1(transfer.opener->sha256()));
    if (!failure.isEmpty()) {
        sendError(id, ErrorCode::VerificationFailed, failure);
        return failTransfer(transferId, ErrorCode::VerificationFailed, failure, false);
    }
    QString writeFailure;
    if (!transfer.file->flush() || ::fsync(transfer.file->handle()) != 0)
        writeFailure = u"the device could not write the file to disk"_s;
    transfer.file->close();
    const QFileInfo target(transfer.info.localFile);
    if (writeFailure.isEmpty() && !transfer.overwrite && (target.exists() || target.isSymLink()))
        writeFailure =
            u"'%1' appeared on the device meanwhile; not replaced"_s.arg(transfer.info.path);
    if (writeFailure.isEmpty() &&
        std::rename(QFile::encodeName(transfer.stagingPath).constData(),
                    QFile::encodeName(transfer.info.localFile).constData()) != 0)
        writeFailure = u"the device could not move the file into place: %1"_s.arg(
            QString::fromLocal8Bit(std::strerror(errno)));
    if (!writeFailure.isEmpty()) {
        sendError(id, ErrorCode::Conflict, writeFailure);
        return failTransfer(transferId, ErrorCode::Conflict, writeFailure, false);
    }
    syncDirectory(target.absolutePath());
    transfer.info.md5 = QString::fromLatin1(transfer.opener->md5());
    transfer.info.sha256 = QString::fromLatin1(transfer.opener->sha256());
    sendResult(id, {{"size"_L1, double(size)},
                    {"md5"_L1, transfer.info.md5},
                    {"sha256"_L1, transfer.info.sha256}});
    const TransferInfo info = transfer.info;
    transfers.erase(it);
    qCInfo(lcEdgeSdk).noquote() << "received" << info.localFile << "sha256" << info.sha256;
    Q_EMIT q->transferFinished(info);
}

void EdgeClientPrivate::onFileSend(const QJsonValue &id, const QJsonObject &message)
{
    const auto accepted = acceptTransfer(*this, id, message);
    if (!accepted)
        return;
    const TransferRequest &request = *accepted;
    const QString &path = request.path;
    const auto resolved =
        FilePaths::resolve(request.thing->directories, path, FilePaths::Target::Existing);
    if (const auto *failure = std::get_if<Error>(&resolved))
        return sendError(id, failure->code, failure->message);
    const auto &where = std::get<FilePaths::Resolved>(resolved);
    if (!QFileInfo(where.local).isFile())
        return sendError(id, ErrorCode::BadRequest, u"'%1' is not a file."_s.arg(path));

    auto transfer = startTransfer(transfers, request);
    transfer->file = std::make_unique<QFile>(where.local);
    if (!transfer->file->open(QIODevice::ReadOnly))
        return sendError(
            id, ErrorCode::Forbidden,
            u"The device cannot read '%1': %2."_s.arg(path, transfer->file->errorString()));
    const qint64 size = transfer->file->size();
    transfer->chunkCount = chunkCountOf(size, request.chunkSize);
    const double fromValue = message.value("fromChunk"_L1).toDouble(0);
    if (!(fromValue >= 0) || fromValue != std::floor(fromValue) ||
        fromValue > double(transfer->chunkCount) - 1)
        return sendError(
            id, ErrorCode::BadRequest,
            u"'fromChunk' %1 is beyond the last middle chunk of '%2' (%3 chunks)."_s.arg(fromValue)
                .arg(path)
                .arg(transfer->chunkCount));
    const quint32 from = quint32(fromValue);
    auto sealer = Bulwark::FileSealer::create(request.key, request.idText, request.chunkSize);
    if (!sealer)
        return sendError(id, ErrorCode::BadRequest, sealer.error().message);
    transfer->sealer = std::make_unique<Bulwark::FileSealer>(std::move(sealer.value()));
    for (quint32 i = 0; i < from; ++i) {
        const QByteArray chunk = transfer->file->read(request.chunkSize);
        if (chunk.size() != request.chunkSize || !transfer->sealer->absorb(chunk))
            return sendError(id, ErrorCode::Conflict,
                             u"'%1' changed since the transfer started."_s.arg(path));
    }
    transfer->acknowledged = from;
    transfer->info = TransferInfo{
        request.id, TransferDirection::FromDevice,    request.thingName, path,     where.local,
        size,       qint64(from) * request.chunkSize, QString(),         QString()};
    const TransferInfo info = transfer->info;
    transfers[request.id] = std::move(transfer);
    qCInfo(lcEdgeSdk).noquote() << "sending" << path << "(" << size << "bytes ) transfer"
                                << request.idText << "from chunk" << from;
    sendResult(id, {{"size"_L1, double(size)}});
    Q_EMIT q->transferStarted(info);
    pumpSending(request.id);
}

void EdgeClientPrivate::pumpSending(const QUuid &id)
{
    const auto it = transfers.find(id);
    if (it == transfers.end() || !it->second->sealer)
        return;
    Transfer &transfer = *it->second;
    const int window = int(std::clamp<qint64>(kMaximumUnacknowledgedBytes / transfer.chunkSize, 1,
                                              kMaximumUnacknowledged));
    while (!transfer.sealer->isFinished() &&
           transfer.sealer->chunksSealed() - transfer.acknowledged < quint32(window)) {
        const quint32 index = transfer.sealer->chunksSealed();
        const bool final = index + 1 == transfer.chunkCount;
        const qint64 expected =
            final ? transfer.info.size - qint64(index) * transfer.chunkSize : transfer.chunkSize;
        const QByteArray plaintext = transfer.file->read(expected);
        if (plaintext.size() != expected)
            return failTransfer(id, ErrorCode::Conflict,
                                u"'%1' changed while it was being sent (it is shorter now)"_s.arg(
                                    transfer.info.path),
                                true);
        auto sealed = transfer.sealer->seal(plaintext, final ? Bulwark::ChunkPosition::Final
                                                             : Bulwark::ChunkPosition::Middle);
        if (!sealed)
            return failTransfer(id, ErrorCode::ProtocolViolation, sealed.error().message, true);
        sendBinary(frameHeader(id, index, final) + *sealed);
    }
    if (!transfer.sealer->isFinished() || transfer.completeSent)
        return;
    transfer.completeSent = true;
    transfer.info.md5 = QString::fromLatin1(transfer.sealer->md5());
    transfer.info.sha256 = QString::fromLatin1(transfer.sealer->sha256());
    const quint64 transferSession = session;
    request({{"type"_L1, "file.complete"_L1},
             {"transfer"_L1, QString::fromLatin1(transfer.idText)},
             {"size"_L1, double(transfer.info.size)},
             {"md5"_L1, transfer.info.md5},
             {"sha256"_L1, transfer.info.sha256}},
            [this, id, transferSession](const QJsonObject &reply) {
                if (transferSession != session)
                    return;
                const auto found = transfers.find(id);
                if (found == transfers.end())
                    return;
                if (reply.value("type"_L1).toString() != u"result"_s) {
                    const Error error = errorOf(reply);
                    return failTransfer(id, error.code, error.message, false);
                }
                TransferInfo info = found->second->info;
                info.bytes = info.size;
                transfers.erase(found);
                qCInfo(lcEdgeSdk).noquote() << "sent" << info.localFile << "sha256" << info.sha256;
                Q_EMIT q->transferFinished(info);
            });
}

void EdgeClientPrivate::onFileAck(const QJsonObject &message)
{
    const QUuid id = QUuid::fromString(message.value("transfer"_L1).toString());
    const auto it = transfers.find(id);
    if (it == transfers.end() || !it->second->sealer)
        return;
    Transfer &transfer = *it->second;
    const double verified = message.value("verified"_L1).toDouble(-1);
    if (!(verified >= transfer.acknowledged) || verified > transfer.sealer->chunksSealed())
        return;
    transfer.acknowledged = quint32(verified);
    transfer.info.bytes =
        std::min<qint64>(transfer.info.size, qint64(transfer.acknowledged) * transfer.chunkSize);
    Q_EMIT q->transferProgress(transfer.info);
    pumpSending(id);
}

void EdgeClientPrivate::onFileCancel(const QJsonObject &message)
{
    const QUuid id = QUuid::fromString(message.value("transfer"_L1).toString());
    if (transfers.find(id) == transfers.end())
        return;
    failTransfer(
        id, ErrorCode::Cancelled,
        u"The platform cancelled the transfer: %1"_s.arg(message.value("reason"_L1).toString()),
        false);
}

void EdgeClientPrivate::failTransfer(const QUuid &id, ErrorCode code, const QString &message,
                                     bool tellPeer)
{
    const auto it = transfers.find(id);
    if (it == transfers.end())
        return;
    std::unique_ptr<Transfer> transfer = std::move(it->second);
    transfers.erase(it);
    if (tellPeer)
        send({{"type"_L1, "file.cancel"_L1},
              {"transfer"_L1, QString::fromLatin1(transfer->idText)},
              {"reason"_L1, message}});
    if (transfer->file)
        transfer->file->close();
    if (!transfer->stagingPath.isEmpty())
        QFile::remove(transfer->stagingPath); // no partial file is ever left behind
    qCWarning(lcEdgeSdk).noquote() << "transfer" << QString::fromLatin1(transfer->idText) << "of"
                                   << transfer->info.path << "failed:" << message;
    Q_EMIT q->transferFailed(transfer->info, Error{code, message});
}

// The session ended: the platform re-issues the transfers after the next
// bind; a receiving transfer keeps its staging file to resume from.
void EdgeClientPrivate::interruptTransfers()
{
    auto interrupted = std::exchange(transfers, {});
    for (auto &[id, transfer] : interrupted) {
        if (transfer->file)
            transfer->file->close();
        Q_EMIT q->transferFailed(
            transfer->info,
            Error{ErrorCode::ConnectionFailed,
                  u"Interrupted: the connection was lost. The platform resumes the transfer "
                  "once the device is connected again."_s});
    }
}

void EdgeClientPrivate::removeStaleStaging(const QList<VirtualDirectory> &directories)
{
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-24 * 3600);
    for (const VirtualDirectory &directory : directories) {
        QDirIterator it(directory.localRoot, {u".*"_s + kStagingSuffix},
                        QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QFileInfo info(it.next());
            if (info.lastModified() < cutoff && QFile::remove(info.filePath()))
                qCInfo(lcEdgeSdk).noquote() << "removed stale staging file" << info.filePath();
        }
    }
}

// ---------------------------------------------------------------- EdgeClient

namespace {

void transferCall(EdgeClientPrivate *d, const QJsonObject &message, const TransferCompletion &done)
{
    if (!d->isConnected()) {
        const Error error{ErrorCode::Unavailable,
                          u"Not connected to the server: start the transfer once connected."_s};
        if (done)
            done(QUuid(), &error);
        return;
    }
    d->request(message, [done](const QJsonObject &reply) {
        if (reply.value("type"_L1).toString() != u"result"_s) {
            const Error error = EdgeClientPrivate::errorOf(reply);
            if (done)
                done(QUuid(), &error);
            return;
        }
        const QUuid id = QUuid::fromString(reply.value("result"_L1)["transfer"_L1].toString());
        if (id.isNull()) {
            const Error error{ErrorCode::ProtocolViolation,
                              u"The server's answer names no transfer."_s};
            if (done)
                done(QUuid(), &error);
            return;
        }
        if (done)
            done(id, nullptr);
    });
}

} // namespace

void EdgeClient::uploadFile(const QString &thing, const QString &path, const QString &repository,
                            const QString &repositoryPath, OverwritePolicy overwrite,
                            const TransferCompletion &done)
{
    transferCall(d.get(),
                 {{"type"_L1, "file.upload"_L1},
                  {"thing"_L1, thing},
                  {"path"_L1, path},
                  {"repository"_L1, repository},
                  {"target"_L1, repositoryPath},
                  {"overwrite"_L1, overwrite == OverwritePolicy::Replace}},
                 done);
}

void EdgeClient::downloadFile(const QString &thing, const QString &repository,
                              const QString &repositoryPath, const QString &path,
                              OverwritePolicy overwrite, const TransferCompletion &done)
{
    transferCall(d.get(),
                 {{"type"_L1, "file.download"_L1},
                  {"thing"_L1, thing},
                  {"repository"_L1, repository},
                  {"path"_L1, repositoryPath},
                  {"target"_L1, path},
                  {"overwrite"_L1, overwrite == OverwritePolicy::Replace}},
                 done);
}

void EdgeClient::queryTransfer(const QUuid &transfer, const StatusCompletion &done)
{
    if (!d->isConnected()) {
        const Error error{ErrorCode::Unavailable, u"Not connected to the server."_s};
        if (done)
            done(QJsonObject(), &error);
        return;
    }
    d->request(
        {{"type"_L1, "file.status"_L1}, {"transfer"_L1, transfer.toString(QUuid::WithoutBraces)}},
        [done](const QJsonObject &reply) {
            if (!done)
                return;
            if (reply.value("type"_L1).toString() != u"result"_s) {
                const Error error = EdgeClientPrivate::errorOf(reply);
                done(QJsonObject(), &error);
                return;
            }
            done(reply.value("result"_L1).toObject(), nullptr);
        });
}

void EdgeClient::cancelTransfer(const QUuid &transfer, const QString &reason)
{
    d->failTransfer(transfer, ErrorCode::Cancelled, reason, true);
}

} // namespace BulwarkEdge
