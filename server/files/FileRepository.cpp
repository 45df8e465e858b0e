// Server-side file repositories: paths, limits, staging and resume, and
// reading back with every chunk verified. The format on disk is in
// RepositoryFormat_p.h.
#include "FileRepository.h"
#include "RepositoryFormat_p.h"

#include "security/Vault.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QScopeGuard>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

Q_LOGGING_CATEGORY(lcFiles, "bulwark.files")

namespace Bulwark {

using namespace RepositoryFormat;

namespace {

const QString kStagingDir = QStringLiteral(".staging");
constexpr qint64 MiB = 1024 * 1024;

QString mebibytes(qint64 bytes)
{
    return QString::number(double(bytes) / double(MiB), 'f', 1);
}

bool validRepoId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9-]{1,64}$"));
    return pattern.match(id).hasMatch();
}

Status checkRepoId(const QString &id)
{
    if (!validRepoId(id))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'%1' is not a repository id.").arg(id.left(80)));
    return {};
}

Status syncFile(int fd, const QString &what)
{
    if (::fsync(fd) != 0)
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("Cannot flush %1 to disk: %2").arg(what, qt_error_string()));
    return {};
}

void syncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

bool isSymLink(const QString &path)
{
    struct stat st;
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISLNK(st.st_mode);
}

// Every directory on the way to path that exists must be a directory.
Status checkParents(const QString &repoDir, const QString &path)
{
    const QStringList segments = path.split(u'/');
    QString current = repoDir;
    for (qsizetype i = 0; i + 1 < segments.size(); ++i) {
        current += u'/' + segments.at(i);
        const QFileInfo info(current);
        if (!info.exists())
            return {};
        if (!info.isDir())
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("'%1' is a file, so '%2' cannot be stored: a file "
                                            "cannot hold files.")
                                 .arg(QStringList(segments.mid(0, i + 1)).join(u'/'), path));
    }
    return {};
}

Error symlinkRefused(const QString &logical)
{
    return makeError(ErrorCode::Forbidden,
                     QStringLiteral("'%1' in the repository is a symbolic link, which could lead "
                                    "outside the repository: refused. Remove the link from the "
                                    "server's data directory.")
                         .arg(logical));
}

QByteArray hexOf(const QByteArray &raw)
{
    return raw.toHex();
}

// The plaintext size of the committed repository file at filePath; 0 when it
// cannot be read or is not a committed file (a replaced or deleted file frees
// only what it counted towards the quota).
qint64 committedSize(const QString &filePath)
{
    QFile f(filePath);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const auto h = decodePlain(f.read(PlainFieldsSize));
    return h && h->state == FileState::Committed ? h->size : 0;
}

} // namespace

Result<QString> checkRepositoryPath(const QString &path, RootPath root)
{
    const auto refuse = [&path](const QString &why) {
        return makeError(
            ErrorCode::BadRequest,
            QStringLiteral("The path '%1' is not valid: %2.").arg(path.left(200), why));
    };
    if (path.isEmpty()) {
        if (root == RootPath::Allow)
            return path;
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The path is empty: name a file, such as "
                                        "'firmware/v2.bin'."));
    }
    if (path.toUtf8().size() > 1024)
        return refuse(QStringLiteral("it is longer than 1024 bytes"));
    if (path.startsWith(u'/'))
        return refuse(QStringLiteral("it is absolute; paths are relative to the repository or "
                                     "directory, such as 'firmware/v2.bin'"));
    for (const QChar c : path) {
        if (c == u'\\')
            return refuse(QStringLiteral("it contains a backslash; separate directories with '/'"));
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Control)
            return refuse(QStringLiteral("it contains a control character"));
    }
    const QStringList segments = path.split(u'/');
    for (const QString &segment : segments) {
        if (segment.isEmpty())
            return refuse(QStringLiteral("it has an empty segment ('//' or a '/' at the end)"));
        if (segment == u"." || segment == u"..")
            return refuse(QStringLiteral("it contains '%1'; paths may not step outside or around "
                                         "directories")
                              .arg(segment));
        if (segment.toUtf8().size() > 255)
            return refuse(QStringLiteral("a segment is longer than 255 bytes"));
    }
    return path;
}

// ---------------------------------------------------------------------------

struct FileRepositories::Impl
{
    // Both under m_mutex.
    QHash<QString, qint64> usage;    // committed bytes per repository, once counted
    QHash<QString, qint64> reserved; // bytes of writers in progress per repository

    static Result<QString> resolve(const FileRepositories &self, const QString &repoId,
                                   const QString &path, RootPath root);
    // resolve() for a file or directory that must exist: NotFound otherwise.
    static Result<QString> resolveExisting(const FileRepositories &self, const QString &repoId,
                                           const QString &path);
    static qint64 countUsage(const QString &repoDir);
};

Result<QString> FileRepositories::Impl::resolve(const FileRepositories &self, const QString &repoId,
                                                const QString &path, RootPath root)
{
    if (auto s = checkRepoId(repoId); !s)
        return s.error();
    auto checked = checkRepositoryPath(path, root);
    if (!checked)
        return checked.error();
    const QString repoDir = self.m_root + u'/' + repoId;
    if (isSymLink(repoDir))
        return symlinkRefused(QStringLiteral("/"));
    if (path.isEmpty())
        return repoDir;
    const QStringList segments = path.split(u'/');
    if (segments.first() == kStagingDir)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The path '%1' is not valid: '.staging' is reserved for "
                                        "files being received.")
                             .arg(path.left(200)));
    // No component may be a symbolic link: the repository's files are all
    // the server follows, whatever was planted in its data directory.
    QString current = repoDir;
    QString logical;
    for (const QString &segment : segments) {
        current += u'/' + segment;
        logical += (logical.isEmpty() ? QString() : QStringLiteral("/")) + segment;
        if (isSymLink(current))
            return symlinkRefused(logical);
    }
    return current;
}

Result<QString> FileRepositories::Impl::resolveExisting(const FileRepositories &self,
                                                        const QString &repoId, const QString &path)
{
    auto resolved = resolve(self, repoId, path, RootPath::Refuse);
    if (resolved && !QFileInfo::exists(*resolved))
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("There is no file '%1' in this repository.").arg(path));
    return resolved;
}

qint64 FileRepositories::Impl::countUsage(const QString &repoDir)
{
    qint64 total = 0;
    QDirIterator it(repoDir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    const QString staging = repoDir + u'/' + kStagingDir + u'/';
    while (it.hasNext()) {
        const QString file = it.next();
        if (file.startsWith(staging))
            continue;
        total += committedSize(file);
    }
    return total;
}

FileRepositories::FileRepositories(QString rootDir, const Vault &vault, FileSettings settings)
    : m_root(QDir::cleanPath(std::move(rootDir)))
    , m_vault(vault)
    , m_settings(settings)
{
    QDir().mkpath(m_root);
    QFile::setPermissions(m_root,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_impl = std::make_unique<Impl>();
}

FileRepositories::~FileRepositories() = default;

// A writer: plaintext chunks in, sealed chunks appended to the staging file.
class StagingWriter final : public RepositoryWriter
{
public:
    StagingWriter(FileRepositories &repos, QString repoId, QString path, QString target,
                  QString stagingFile, Header header, FileSealer sealer,
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
        m_kept = kept;
        m_written = qint64(kept) * m_header.chunkSize;
        const qint64 end = HeaderSize + qint64(kept) * (m_header.chunkSize + FileChunkTagSize);
        if (!m_file.resize(end) || !m_file.seek(end))
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot prepare %1: %2").arg(m_stagingFile, m_file.errorString()));
        return {};
    }

    quint32 chunksKept() const override { return m_kept; }

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
        if (m_sealer.isFinished())
            return makeError(
                ErrorCode::BadRequest,
                QStringLiteral("The final chunk of '%1' was already written.").arg(m_path));
        if (m_written + plaintext.size() > m_header.size)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("Size mismatch: more than the announced %1 bytes of "
                                            "'%2' arrived.")
                                 .arg(m_header.size)
                                 .arg(m_path));
        auto sealed = m_sealer.seal(plaintext, position);
        if (!sealed)
            return sealed.error();
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
        if (!m_sealer.isFinished())
            return fail(QStringLiteral("Truncated: the final chunk never arrived."));
        if (m_written != m_header.size)
            return fail(QStringLiteral("Size mismatch: expected %1 bytes, received %2.")
                            .arg(m_header.size)
                            .arg(m_written));
        if (!md5.isEmpty() && md5.toLower() != m_sealer.md5())
            return fail(
                QStringLiteral("MD5 mismatch: expected %1, computed %2.")
                    .arg(QString::fromLatin1(md5.left(64)), QString::fromLatin1(m_sealer.md5())));
        if (!sha256.isEmpty() && sha256.toLower() != m_sealer.sha256())
            return fail(QStringLiteral("SHA-256 mismatch: expected %1, computed %2.")
                            .arg(QString::fromLatin1(sha256.left(128)),
                                 QString::fromLatin1(m_sealer.sha256())));

        Header final = m_header;
        final.state = FileState::Committed;
        final.md5 = QByteArray::fromHex(m_sealer.md5());
        final.sha256 = QByteArray::fromHex(m_sealer.sha256());
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
        stored.md5 = m_sealer.md5();
        stored.sha256 = m_sealer.sha256();
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
    FileSealer m_sealer;
    FileRepositories::Overwrite m_overwrite;
    QFile m_file;
    quint32 m_kept = 0;
    qint64 m_written = 0;
    bool m_done = false;
};

namespace {

// A committed file, verified chunk by chunk as it is read.
class StoredReader final : public RepositoryReader
{
public:
    StoredReader(QString filePath, QString logical, Header header)
        : m_file(filePath)
        , m_logical(std::move(logical))
        , m_header(std::move(header))
    {}

    Status open(const QString &repoId, QDateTime modified)
    {
        m_modified = std::move(modified);
        if (!m_file.open(QIODevice::ReadOnly))
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot open %1: %2").arg(m_file.fileName(), m_file.errorString()));
        if (m_file.size() != storedSize(m_header.size, m_header.chunkSize))
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The stored file '%1' was altered on disk (it is %2 "
                                            "bytes, its header says %3); restore it from a "
                                            "backup or store it again.")
                                 .arg(m_logical)
                                 .arg(m_file.size())
                                 .arg(storedSize(m_header.size, m_header.chunkSize)));
        return m_chunks.init(m_header.key, associatedData(repoId, m_logical));
    }

    qint64 size() const override { return m_header.size; }
    QByteArray md5() const override { return hexOf(m_header.md5); }
    QByteArray sha256() const override { return hexOf(m_header.sha256); }
    QDateTime modified() const override { return m_modified; }

    Result<QByteArray> read(qint64 offset, qint64 length) override
    {
        if (offset < 0 || length < 0 || offset > m_header.size)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("Cannot read %1 bytes at %2 of '%3' (%4 bytes).")
                                 .arg(length)
                                 .arg(offset)
                                 .arg(m_logical)
                                 .arg(m_header.size));
        length = qMin(length, m_header.size - offset);
        QByteArray out;
        out.reserve(length);
        const qint64 last = chunkCount(m_header.size, m_header.chunkSize) - 1;
        qint64 at = offset;
        while (qint64(out.size()) < length) {
            const qint64 index = at / m_header.chunkSize;
            if (index != m_cachedIndex) {
                const qint64 plainLength =
                    qMin<qint64>(m_header.chunkSize, m_header.size - index * m_header.chunkSize);
                if (!m_file.seek(HeaderSize + index * (m_header.chunkSize + FileChunkTagSize)))
                    return altered(index);
                const QByteArray sealed = m_file.read(plainLength + FileChunkTagSize);
                auto plain = m_chunks.open(
                    quint32(index), index == last ? ChunkPosition::Final : ChunkPosition::Middle,
                    sealed);
                if (!plain)
                    return altered(index);
                m_cached = *plain;
                m_cachedIndex = index;
            }
            const qint64 within = at - index * m_header.chunkSize;
            const qint64 take = qMin<qint64>(length - out.size(), m_cached.size() - within);
            out.append(m_cached.constData() + within, take);
            at += take;
        }
        return out;
    }

private:
    Error altered(qint64 index) const
    {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The stored file '%1' was altered on disk (chunk %2 does "
                                        "not open); restore it from a backup or store it again.")
                             .arg(m_logical)
                             .arg(index));
    }

    QFile m_file;
    QString m_logical;
    Header m_header;
    QDateTime m_modified;
    ChunkReader m_chunks;
    qint64 m_cachedIndex = -1;
    QByteArray m_cached;
};

} // namespace

Result<QList<RepositoryEntry>> FileRepositories::list(const QString &repoId,
                                                      const QString &dir) const
{
    auto resolved = Impl::resolve(*this, repoId, dir, RootPath::Allow);
    if (!resolved)
        return resolved.error();
    const QFileInfo info(*resolved);
    if (!info.exists()) {
        if (dir.isEmpty())
            return QList<RepositoryEntry>(); // a repository without files yet
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("There is no directory '%1' in this repository.").arg(dir));
    }
    if (!info.isDir())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'%1' is a file, not a directory: download it with "
                                        "Files/Content.")
                             .arg(dir));
    QList<RepositoryEntry> entries;
    const QFileInfoList found = QDir(*resolved).entryInfoList(
        QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
    for (const QFileInfo &entry : found) {
        if (dir.isEmpty() && entry.fileName() == kStagingDir)
            continue;
        if (entry.isSymLink()) {
            qCWarning(lcFiles).noquote() << "Not listing the symbolic link" << entry.filePath();
            continue;
        }
        RepositoryEntry e;
        e.name = entry.fileName();
        e.modified = entry.lastModified().toUTC();
        if (entry.isDir()) {
            e.directory = true;
        } else if (entry.isFile()) {
            QFile f(entry.filePath());
            std::optional<Header> h;
            if (f.open(QIODevice::ReadOnly))
                h = decodePlain(f.read(PlainFieldsSize));
            if (!h || h->state != FileState::Committed) {
                qCWarning(lcFiles).noquote()
                    << "Not listing" << entry.filePath() << ": not a repository file";
                continue;
            }
            e.size = h->size;
            e.md5 = hexOf(h->md5);
            e.sha256 = hexOf(h->sha256);
        } else {
            continue;
        }
        entries.append(e);
    }
    return entries;
}

Result<std::unique_ptr<RepositoryReader>> FileRepositories::openRead(const QString &repoId,
                                                                     const QString &path) const
{
    auto resolved = Impl::resolveExisting(*this, repoId, path);
    if (!resolved)
        return resolved.error();
    const QFileInfo info(*resolved);
    if (info.isDir())
        return makeError(
            ErrorCode::BadRequest,
            QStringLiteral("'%1' is a directory, not a file: list it with Files?path=.").arg(path));
    QFile f(*resolved);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot open %1: %2").arg(*resolved, f.errorString()));
    auto header =
        decodeHeader(m_vault, f.read(HeaderSize), sealContext(repoId, path), u'\'' + path + u'\'');
    if (!header)
        return header.error();
    if (header->state != FileState::Committed)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The stored file '%1' was altered on disk (it is marked "
                                        "as still being received).")
                             .arg(path));
    auto reader = std::make_unique<StoredReader>(*resolved, path, *header);
    if (auto s = reader->open(repoId, info.lastModified().toUTC()); !s)
        return s.error();
    return std::unique_ptr<RepositoryReader>(std::move(reader));
}

Result<StoredFile> FileRepositories::stat(const QString &repoId, const QString &path) const
{
    auto reader = openRead(repoId, path);
    if (!reader)
        return reader.error();
    StoredFile file;
    file.path = path;
    file.size = (*reader)->size();
    file.md5 = (*reader)->md5();
    file.sha256 = (*reader)->sha256();
    file.modified = (*reader)->modified();
    return file;
}

Status FileRepositories::remove(const QString &repoId, const QString &path)
{
    QMutexLocker lock(&m_mutex);
    auto resolved = Impl::resolveExisting(*this, repoId, path);
    if (!resolved)
        return resolved.error();
    const QFileInfo info(*resolved);
    if (info.isDir())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'%1' is a directory: delete the files in it (an empty "
                                        "directory goes with its last file).")
                             .arg(path));
    const qint64 size = committedSize(*resolved);
    if (!QFile::remove(*resolved))
        return makeError(ErrorCode::Internal, QStringLiteral("Cannot delete %1.").arg(*resolved));
    // Empty directories go with their last file.
    const QString repoDir = m_root + u'/' + repoId;
    QDir parent = info.dir();
    while (parent.absolutePath() != repoDir &&
           parent.isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)) {
        const QString name = parent.dirName();
        if (!parent.cdUp() || !parent.rmdir(name))
            break;
    }
    syncDirectory(info.absolutePath());
    if (Impl *impl = m_impl.get()) {
        if (auto used = impl->usage.find(repoId); used != impl->usage.end())
            *used -= size;
    }
    return {};
}

qint64 FileRepositories::usage(const QString &repoId) const
{
    if (!validRepoId(repoId))
        return 0;
    QMutexLocker lock(&m_mutex);
    Impl *impl = m_impl.get();
    if (auto used = impl->usage.constFind(repoId); used != impl->usage.cend())
        return *used;
    const qint64 total = Impl::countUsage(m_root + u'/' + repoId);
    impl->usage.insert(repoId, total);
    return total;
}

Status FileRepositories::removeRepository(const QString &repoId)
{
    if (auto s = checkRepoId(repoId); !s)
        return s;
    QMutexLocker lock(&m_mutex);
    const QString repoDir = m_root + u'/' + repoId;
    if (isSymLink(repoDir)) {
        QFile::remove(repoDir);
    } else if (QFileInfo::exists(repoDir) && !QDir(repoDir).removeRecursively()) {
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("Cannot delete the files of repository %1 in %2.").arg(repoId, repoDir));
    }
    m_impl.get()->usage.remove(repoId);
    return {};
}

Result<std::unique_ptr<RepositoryWriter>>
FileRepositories::beginWrite(const QString &repoId, const QString &path, qint64 size, int chunkSize,
                             const QString &stagingId, Overwrite overwrite)
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
            auto s = FileSealer::create(h->key, aad, chunkSize);
            if (s) {
                sealer.emplace(std::move(*s));
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
        file.close();
        auto s = FileSealer::create(fresh.key, aad, chunkSize);
        if (!s)
            return s.error();
        sealer.emplace(std::move(*s));
        header = fresh;
        kept = 0;
    }
    auto writer = std::make_unique<StagingWriter>(*this, repoId, path, *resolved, stagingFile,
                                                  *header, std::move(*sealer), overwrite);
    unreserve.dismiss(); // the writer releases it from now on
    if (auto s = writer->start(kept); !s) {
        writer->abandon();
        return s.error();
    }
    return std::unique_ptr<RepositoryWriter>(std::move(writer));
}

void FileRepositories::cleanStaging(std::chrono::minutes olderThan)
{
    const QDateTime limit =
        QDateTime::currentDateTimeUtc().addSecs(-std::chrono::seconds(olderThan).count());
    const QFileInfoList repos =
        QDir(m_root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    for (const QFileInfo &repo : repos) {
        const QFileInfoList parts = QDir(repo.filePath() + u'/' + kStagingDir)
                                        .entryInfoList({QStringLiteral("*.part")}, QDir::Files);
        for (const QFileInfo &part : parts) {
            if (part.lastModified().toUTC() < limit) {
                qCInfo(lcFiles).noquote() << "Deleting the stale staging file" << part.filePath();
                QFile::remove(part.filePath());
            }
        }
    }
}

void FileRepositories::removeOrphans(const QSet<QString> &known)
{
    const QFileInfoList repos =
        QDir(m_root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    for (const QFileInfo &repo : repos) {
        const QString id = repo.fileName();
        if (known.contains(id) || !validRepoId(id))
            continue;
        qCInfo(lcFiles).noquote() << "Deleting the files of the deleted repository" << id;
        if (auto s = removeRepository(id); !s)
            qCWarning(lcFiles).noquote() << s.error().message;
    }
}

} // namespace Bulwark
