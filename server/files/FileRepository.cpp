// Server-side file repositories: paths, listings, usage, removal, and
// reading back with every chunk verified. Writing (staging, resume, commit)
// is in RepositoryWriter.cpp; the format on disk in RepositoryFormat_p.h.
#include "RepositoryDisk_p.h"
#include "RepositoryFormat_p.h"

#include "security/Vault.h"

#include <QDirIterator>
#include <QMutexLocker>

#include <functional>

Q_LOGGING_CATEGORY(lcFiles, "bulwark.files")

namespace Bulwark {

using namespace RepositoryFormat;
using namespace RepositoryDetail;

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

// Deletes the staging files of every repository under root that doomed() picks.
static void removeStagingFiles(const QString &root, const char *why,
                               const std::function<bool(const QFileInfo &)> &doomed)
{
    const QFileInfoList repos =
        QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    for (const QFileInfo &repo : repos) {
        const QFileInfoList parts = QDir(repo.filePath() + u'/' + kStagingDir)
                                        .entryInfoList({QStringLiteral("*.part")}, QDir::Files);
        for (const QFileInfo &part : parts) {
            if (doomed(part)) {
                qCInfo(lcFiles).noquote() << "Deleting the" << why << part.filePath();
                QFile::remove(part.filePath());
            }
        }
    }
}

void FileRepositories::cleanStaging(std::chrono::minutes olderThan)
{
    const QDateTime limit =
        QDateTime::currentDateTimeUtc().addSecs(-std::chrono::seconds(olderThan).count());
    removeStagingFiles(m_root, "stale staging file",
                       [&](const QFileInfo &part) { return part.lastModified().toUTC() < limit; });
}

void FileRepositories::removeStagingExcept(const QSet<QString> &keep)
{
    removeStagingFiles(
        m_root, "staging file of no unfinished transfer",
        [&](const QFileInfo &part) { return !keep.contains(part.completeBaseName()); });
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
