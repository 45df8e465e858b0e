// Writing a file into a repository: the staging file, resumed or fresh,
// sealed chunk by chunk, then checked and renamed into place (commit).
#include "RepositoryDisk_p.h"
#include "RepositoryFormat_p.h"

#include "security/Vault.h"

#include <QMutexLocker>
#include <QRegularExpression>
#include <QScopeGuard>

#include <cstdio>

namespace Bulwark {

using namespace RepositoryFormat;
using namespace RepositoryDetail;

// A writer: plaintext chunks in, sealed chunks appended to the staging file.
class StagingWriter final : public RepositoryWriter
{
public:
    // sealer empty: FileRepositories::Digests::Caller (chunks sealed by
    // m_chunks, nothing hashed here).
    StagingWriter(FileRepositories &repos, QString repoId, QString path, QString target,
                  QString stagingFile, Header header, std::optional<FileSealer> sealer,
                  FileRepositories::Overwrite overwrite)
        : m_repos(repos)
        , m_repoId(std::move(repoId))
        , m_path(std::move(path))
        , m_target(std::move(target))
        , m_stagingFile(std::move(stagingFile))
        , m_header(std::move(header))
        , m_sealer(std::move(sealer))
        , m_overwrite(overwrite)
        , m_file(m_stagingFile)
    {}

    ~StagingWriter() override
    {
        if (!m_done)
            release(); // the staging file stays for a resume
    }

    Status start(quint32 kept)
    {
        if (!m_file.open(QIODevice::ReadWrite))
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot open %1: %2").arg(m_stagingFile, m_file.errorString()));
        if (!m_sealer) {
            if (auto s = m_chunks.init(m_header.key, associatedData(m_repoId, m_path)); !s)
                return s;
        }
        return cutAfter(kept);
    }

    quint32 chunksKept() const override { return m_kept; }

    Status keepOnly(quint32 chunks) override
    {
        if (m_sealer || chunks > m_kept || m_next != m_kept)
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("The staging file of '%1' cannot be cut back now.").arg(m_path));
        return cutAfter(chunks);
    }

    Status sync() override
    {
        if (m_done)
            return {};
        if (!m_file.flush())
            return makeError(ErrorCode::Internal, QStringLiteral("Cannot write %1 (is the disk "
                                                                 "full?): %2")
                                                      .arg(m_stagingFile, m_file.errorString()));
        return syncFile(m_file.handle(), m_stagingFile);
    }

    Result<QByteArray> keptChunk(quint32 index) const override
    {
        if (index >= m_kept)
            return makeError(
                ErrorCode::BadRequest,
                QStringLiteral("Chunk %1 is not kept (%2 are).").arg(index).arg(m_kept));
        return readKept(m_file, m_header, m_repoId, m_path, index);
    }

    static Result<QByteArray> readKept(const QFile &openFile, const Header &header,
                                       const QString &repoId, const QString &path, quint32 index)
    {
        QFile file(openFile.fileName());
        if (!file.open(QIODevice::ReadOnly) ||
            !file.seek(HeaderSize + qint64(index) * (header.chunkSize + FileChunkTagSize)))
            return makeError(ErrorCode::Internal,
                             QStringLiteral("Cannot read %1.").arg(openFile.fileName()));
        const QByteArray sealed = file.read(header.chunkSize + FileChunkTagSize);
        ChunkReader reader;
        if (auto s = reader.init(header.key, associatedData(repoId, path)); !s)
            return s.error();
        auto plain = reader.open(index, ChunkPosition::Middle, sealed);
        if (!plain || plain->size() != header.chunkSize)
            return makeError(ErrorCode::Internal,
                             QStringLiteral("Kept chunk %1 of the staging file for '%2' does not "
                                            "open: it was altered on disk.")
                                 .arg(index)
                                 .arg(path));
        return *plain;
    }

    Status append(const QByteArray &plaintext, ChunkPosition position) override
    {
        if (m_done)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("The write of '%1' has ended.").arg(m_path));
        if (isFinished())
            return makeError(
                ErrorCode::BadRequest,
                QStringLiteral("The final chunk of '%1' was already written.").arg(m_path));
        if (m_written + plaintext.size() > m_header.size)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("Size mismatch: more than the announced %1 bytes of "
                                            "'%2' arrived.")
                                 .arg(m_header.size)
                                 .arg(m_path));
        const Result<QByteArray> sealed =
            m_sealer ? m_sealer->seal(plaintext, position) : sealChunk(plaintext, position);
        if (!sealed)
            return sealed.error();
        ++m_next;
        if (position == ChunkPosition::Final)
            m_finished = true;
        if (m_file.write(*sealed) != sealed->size())
            return makeError(ErrorCode::Internal,
                             QStringLiteral("Cannot write %1 (is the disk full?): %2")
                                 .arg(m_stagingFile, m_file.errorString()));
        m_written += plaintext.size();
        return {};
    }

    Result<StoredFile> commit(const QByteArray &md5, const QByteArray &sha256) override
    {
        if (m_done)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("The write of '%1' has ended.").arg(m_path));
        const auto fail = [this](const QString &message) {
            abandon();
            return makeError(ErrorCode::BadRequest, message);
        };
        if (!isFinished())
            return fail(QStringLiteral("Truncated: the final chunk never arrived."));
        if (m_written != m_header.size)
            return fail(QStringLiteral("Size mismatch: expected %1 bytes, received %2.")
                            .arg(m_header.size)
                            .arg(m_written));
        if (!m_sealer) {
            static const QRegularExpression md5Hex(QStringLiteral("^[0-9a-f]{32}$"));
            static const QRegularExpression sha256Hex(QStringLiteral("^[0-9a-f]{64}$"));
            if (!md5Hex.match(QString::fromLatin1(md5)).hasMatch() ||
                !sha256Hex.match(QString::fromLatin1(sha256)).hasMatch())
                return fail(QStringLiteral("Digests missing: '%1' is committed with its MD5 and "
                                           "SHA-256 as 32 and 64 lowercase hex digits.")
                                .arg(m_path));
        }
        const QByteArray computedMd5 = m_sealer ? m_sealer->md5() : md5;
        const QByteArray computedSha256 = m_sealer ? m_sealer->sha256() : sha256;
        if (!md5.isEmpty() && md5.toLower() != computedMd5)
            return fail(
                QStringLiteral("MD5 mismatch: expected %1, computed %2.")
                    .arg(QString::fromLatin1(md5.left(64)), QString::fromLatin1(computedMd5)));
        if (!sha256.isEmpty() && sha256.toLower() != computedSha256)
            return fail(QStringLiteral("SHA-256 mismatch: expected %1, computed %2.")
                            .arg(QString::fromLatin1(sha256.left(128)),
                                 QString::fromLatin1(computedSha256)));

        Header final = m_header;
        final.state = FileState::Committed;
        final.md5 = QByteArray::fromHex(computedMd5);
        final.sha256 = QByteArray::fromHex(computedSha256);
        auto header = encodeHeader(m_repos.m_vault, final, sealContext(m_repoId, m_path));
        if (!header) {
            abandon();
            return header.error();
        }
        if (!m_file.seek(0) || m_file.write(*header) != header->size() || !m_file.flush()) {
            const Error error = makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot write %1: %2").arg(m_stagingFile, m_file.errorString()));
            abandon();
            return error;
        }
        if (auto s = syncFile(m_file.handle(), m_stagingFile); !s) {
            abandon();
            return s.error();
        }
        m_file.close();

        QMutexLocker lock(&m_repos.m_mutex);
        FileRepositories::Impl *impl = m_repos.m_impl.get();
        // Checked again: another write may have made the target meanwhile.
        auto target = FileRepositories::Impl::resolve(m_repos, m_repoId, m_path, RootPath::Refuse);
        if (!target) {
            lock.unlock();
            abandon();
            return target.error();
        }
        const QFileInfo info(*target);
        if (info.isDir() || (info.exists() && m_overwrite == FileRepositories::Overwrite::No)) {
            lock.unlock();
            abandon();
            return makeError(ErrorCode::Conflict,
                             ExistsPrefix + (info.isDir() ? QStringLiteral("'%1' is a directory.")
                                                          : QStringLiteral("'%1' already exists in "
                                                                           "the repository; "
                                                                           "overwrite to replace "
                                                                           "it."))
                                                .arg(m_path));
        }
        const qint64 replaced = info.exists() ? committedSize(*target) : 0;
        const QString parent = info.absolutePath();
        if (!QDir().mkpath(parent)) {
            lock.unlock();
            abandon();
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("Cannot make the directory for '%1': a file has the "
                                            "name of one of its directories.")
                                 .arg(m_path));
        }
        if (std::rename(QFile::encodeName(m_stagingFile).constData(),
                        QFile::encodeName(*target).constData()) != 0) {
            const Error error =
                makeError(ErrorCode::Internal, QStringLiteral("Cannot move %1 into place as %2: %3")
                                                   .arg(m_stagingFile, *target, qt_error_string()));
            lock.unlock();
            abandon();
            return error;
        }
        syncDirectory(parent);
        m_done = true;
        if (impl) {
            impl->reserved[m_repoId] -= m_header.size;
            if (auto used = impl->usage.find(m_repoId); used != impl->usage.end())
                *used += m_header.size - replaced;
        }
        StoredFile stored;
        stored.path = m_path;
        stored.size = m_header.size;
        stored.md5 = computedMd5;
        stored.sha256 = computedSha256;
        stored.modified = QFileInfo(*target).lastModified().toUTC();
        return stored;
    }

    void abandon() override
    {
        if (m_done)
            return;
        m_file.close();
        QFile::remove(m_stagingFile);
        release();
    }

private:
    bool isFinished() const { return m_sealer ? m_sealer->isFinished() : m_finished; }

    // Digests::Caller: seals chunk m_next (nothing hashed).
    Result<QByteArray> sealChunk(const QByteArray &plaintext, ChunkPosition position)
    {
        if ((position == ChunkPosition::Middle && plaintext.size() != m_header.chunkSize) ||
            plaintext.size() > m_header.chunkSize)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("Chunk %1 of '%2' holds %3 bytes; every chunk but the "
                                            "final one holds exactly %4, the final one at most "
                                            "that.")
                                 .arg(m_next)
                                 .arg(m_path)
                                 .arg(plaintext.size())
                                 .arg(m_header.chunkSize));
        auto chunk = m_chunks.seal(m_next, position, plaintext);
        if (!chunk)
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot encrypt chunk %1 of '%2'.").arg(m_next).arg(m_path));
        return *chunk;
    }

    // Keeps the first `kept` whole chunks of the staging file, drops the rest.
    Status cutAfter(quint32 kept)
    {
        m_kept = kept;
        m_next = kept;
        m_written = qint64(kept) * m_header.chunkSize;
        const qint64 end = HeaderSize + qint64(kept) * (m_header.chunkSize + FileChunkTagSize);
        if (!m_file.resize(end) || !m_file.seek(end))
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot prepare %1: %2").arg(m_stagingFile, m_file.errorString()));
        return {};
    }

    void release()
    {
        m_done = true;
        QMutexLocker lock(&m_repos.m_mutex);
        if (FileRepositories::Impl *impl = m_repos.m_impl.get())
            impl->reserved[m_repoId] -= m_header.size;
    }

    FileRepositories &m_repos;
    QString m_repoId;
    QString m_path;
    QString m_target;
    QString m_stagingFile;
    Header m_header;
    std::optional<FileSealer> m_sealer; // Digests::Compute
    ChunkWriter m_chunks;               // Digests::Caller
    quint32 m_next = 0;                 // Digests::Caller: the next chunk's index
    bool m_finished = false;            // Digests::Caller: the final chunk was written
    FileRepositories::Overwrite m_overwrite;
    QFile m_file;
    quint32 m_kept = 0;
    qint64 m_written = 0;
    bool m_done = false;
};

Result<std::unique_ptr<RepositoryWriter>>
FileRepositories::beginWrite(const QString &repoId, const QString &path, qint64 size, int chunkSize,
                             const QString &stagingId, Overwrite overwrite, Digests digests)
{
    auto resolved = Impl::resolve(*this, repoId, path, RootPath::Refuse);
    if (!resolved)
        return resolved.error();
    if (size < 0)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The size of '%1' cannot be negative.").arg(path));
    if (chunkSize < 1 || chunkSize > MaximumFileChunkSize)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("A chunk size must be 1 to %1 bytes; got %2.")
                             .arg(MaximumFileChunkSize)
                             .arg(chunkSize));
    if (!validRepoId(stagingId))
        return makeError(
            ErrorCode::BadRequest,
            QStringLiteral("'%1' cannot name a staging file.").arg(stagingId.left(80)));
    if (size > m_settings.maxFileSizeBytes())
        return makeError(ErrorCode::PayloadTooLarge,
                         TooLargePrefix +
                             QStringLiteral("'%1' is %2 MiB; this server stores files of at most "
                                            "%3 MiB (files/max_file_size_mb).")
                                 .arg(path, mebibytes(size))
                                 .arg(m_settings.maxFileSizeMb));
    const QString repoDir = m_root + u'/' + repoId;
    const QString stagingDir = repoDir + u'/' + kStagingDir;
    const QString stagingFile = stagingDir + u'/' + stagingId + QStringLiteral(".part");
    {
        QMutexLocker lock(&m_mutex);
        const QFileInfo target(*resolved);
        if (target.isDir())
            return makeError(ErrorCode::Conflict,
                             ExistsPrefix + QStringLiteral("'%1' is a directory.").arg(path));
        if (auto s = checkParents(repoDir, path); !s)
            return s.error();
        qint64 replaced = 0;
        if (target.exists()) {
            if (overwrite == Overwrite::No)
                return makeError(ErrorCode::Conflict,
                                 ExistsPrefix +
                                     QStringLiteral("'%1' already exists in the repository; "
                                                    "overwrite to replace it.")
                                         .arg(path));
            replaced = committedSize(*resolved);
        }
        Impl *impl = m_impl.get();
        if (!impl->usage.contains(repoId))
            impl->usage.insert(repoId, Impl::countUsage(repoDir));
        const qint64 used = impl->usage.value(repoId) + impl->reserved.value(repoId);
        if (used - replaced + size > m_settings.repositoryQuotaBytes())
            return makeError(ErrorCode::PayloadTooLarge,
                             QuotaExceededPrefix +
                                 QStringLiteral("storing '%1' (%2 MiB) would bring the repository "
                                                "to %3 MiB of its %4 MiB quota "
                                                "(files/repository_quota_mb); delete files or "
                                                "ask an administrator to raise the quota.")
                                     .arg(path, mebibytes(size), mebibytes(used - replaced + size))
                                     .arg(m_settings.repositoryQuotaMb));
        impl->reserved[repoId] += size;
    }
    auto unreserve = qScopeGuard([this, &repoId, size]() {
        QMutexLocker lock(&m_mutex);
        m_impl.get()->reserved[repoId] -= size;
    });

    if (!QDir().mkpath(stagingDir))
        return makeError(ErrorCode::Internal, QStringLiteral("Cannot create %1.").arg(stagingDir));
    if (isSymLink(stagingDir) || isSymLink(stagingFile))
        return symlinkRefused(kStagingDir);

    const SealContext where = sealContext(repoId, path);
    const QByteArray aad = associatedData(repoId, path);
    // Resume: a staging file of this id, for this path, size and chunk size.
    std::optional<Header> header;
    quint32 kept = 0;
    std::optional<FileSealer> sealer;
    if (QFile existing(stagingFile); existing.open(QIODevice::ReadOnly)) {
        auto h = decodeHeader(m_vault, existing.read(HeaderSize), where, stagingFile);
        if (h && h->state == FileState::Staging && h->size == size && h->chunkSize == chunkSize) {
            const qint64 whole =
                (existing.size() - HeaderSize) / (qint64(chunkSize) + FileChunkTagSize);
            const qint64 usable = qMin(whole, chunkCount(size, chunkSize) - 1);
            if (digests == Digests::Caller) {
                // The caller opens (and so checks) and hashes the kept chunks
                // through keptChunk(), cutting back with keepOnly().
                header = *h;
                kept = quint32(usable);
            } else if (auto created = FileSealer::create(h->key, aad, chunkSize); created) {
                sealer.emplace(std::move(*created));
                for (qint64 i = 0; i < usable; ++i) {
                    auto plain = StagingWriter::readKept(existing, *h, repoId, path, quint32(i));
                    if (!plain || !sealer->absorb(*plain))
                        break;
                    ++kept;
                }
                header = *h;
                if (kept != usable) {
                    // Damaged in the middle: start over rather than trust any of it.
                    kept = 0;
                    header.reset();
                    sealer.reset();
                }
            }
        }
    }
    if (!header) {
        Header fresh;
        fresh.state = FileState::Staging;
        fresh.chunkSize = chunkSize;
        fresh.size = size;
        fresh.key = FileKey::generate();
        auto encoded = encodeHeader(m_vault, fresh, where);
        if (!encoded)
            return encoded.error();
        QFile file(stagingFile);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(*encoded) != encoded->size())
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot write %1: %2").arg(stagingFile, file.errorString()));
        if (digests == Digests::Caller && !file.flush())
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot write %1: %2").arg(stagingFile, file.errorString()));
        file.close();
        if (digests == Digests::Compute) {
            auto s = FileSealer::create(fresh.key, aad, chunkSize);
            if (!s)
                return s.error();
            sealer.emplace(std::move(*s));
        }
        header = fresh;
        kept = 0;
    }
    auto writer = std::make_unique<StagingWriter>(*this, repoId, path, *resolved, stagingFile,
                                                  *header, std::move(sealer), overwrite);
    unreserve.dismiss(); // the writer releases it from now on
    if (auto s = writer->start(kept); !s) {
        writer->abandon();
        return s.error();
    }
    return std::unique_ptr<RepositoryWriter>(std::move(writer));
}

} // namespace Bulwark
