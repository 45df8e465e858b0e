// The inside of TransferManager, shared by its two source files:
// TransferManager.cpp (the queue, its REST and edge entry points) and
// TransferFlows.cpp (the two directions a file moves in).
#pragma once

#include "TransferManager.h"
#include "files/FileRepository.h"

#include <QLoggingCategory>

#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcTransfers)

namespace Bulwark::TransferDetail {

using namespace Qt::StringLiterals;

inline constexpr int FrameHeaderSize = 21; // transfer id (16), chunk index (4), flags (1)

inline QString pending()
{
    return u"pending"_s;
}

inline bool isFinal(TransferState state)
{
    return state == TransferState::Done || state == TransferState::Failed ||
           state == TransferState::Cancelled;
}

inline bool isLowerHex(const QString &text, int length)
{
    if (text.size() != length)
        return false;
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
}

} // namespace Bulwark::TransferDetail

namespace Bulwark {

// What the file thread holds for one transfer; touched only there.
struct TransferManager::Pipe
{
    std::unique_ptr<RepositoryReader> reader;
    std::unique_ptr<RepositoryWriter> writer;
    std::optional<FileSealer> sealer;
    std::optional<FileOpener> opener;
    qint64 written = 0;  // plaintext bytes appended
    quint32 durable = 0; // chunks fsync'd in the staging file
    bool failed = false;

    void release(bool abandon)
    {
        if (writer && abandon)
            writer->abandon();
        writer.reset();
        reader.reset();
        sealer.reset();
        opener.reset();
    }
};

// What the I/O thread knows of one transfer.
struct TransferManager::Transfer
{
    QUuid id;
    QString idText; // 36 characters, lowercase: the AAD of every chunk
    TransferSpec spec;
    TransferState state = TransferState::Queued;
    FileKey key;
    int chunkSize = DefaultFileChunkSize;
    qint64 size = -1;      // unknown until the source says
    quint32 verified = 0;  // chunks verified and written by the receiver
    quint32 requested = 0; // download: chunks asked of the file thread; upload: chunks received
    quint32 sent = 0;      // download: frames sent this run
    quint32 durable = 0;   // chunks on the receiver's disk (fsync'd, or acknowledged by the device)
    quint32 savedDurable = 0; // durable as last saved to the database
    bool finalSeen = false;
    bool everRan = false;
    // Reloaded after a restart: an upload reopens its staging file (and
    // finds how much of it is usable) before asking the device for the rest.
    bool fromDisk = false;
    bool saved = false;     // in the database since its creation: it may start
    bool sizeSaved = false; // upload: the size is in the database (chunks may be acknowledged)
    int resumes = 0;
    QString interruption; // while queued again: "connection-lost" or "server-restart"
    QString waiting;
    QDateTime created, started, finished, waitingSince;
    QByteArray md5, sha256;
    QString checkChunks = TransferDetail::pending(), checkSize = TransferDetail::pending(),
            checkMd5 = TransferDetail::pending(), checkSha256 = TransferDetail::pending();
    QString errorCode, errorMessage;
    quint64 session = 0;     // carrying it now
    quint64 lastSession = 0; // carried it last (frames still in flight are dropped quietly)
    int attempt = 0;
    QElapsedTimer runClock;
    qint64 runStartBytes = 0;
    double bytesPerSecond = 0;
    qint64 publishedAt = -ProgressIntervalMs;
    qint64 bytes = 0;
    std::shared_ptr<Pipe> pipe = std::make_shared<Pipe>();

    [[nodiscard]] bool toDevice() const { return !spec.target.isRepository(); }
    [[nodiscard]] QString device() const
    {
        return toDevice() ? spec.target.thing : spec.source.thing;
    }
};

} // namespace Bulwark
