// What FileRepository.cpp and RepositoryWriter.cpp share: helpers for paths
// and files on disk, and FileRepositories' private state. Private to
// server/files.
#pragma once

#include "FileRepository.h"
#include "RepositoryFormat_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcFiles)

namespace Bulwark {

namespace RepositoryDetail {

inline const QString kStagingDir = QStringLiteral(".staging");
inline constexpr qint64 MiB = 1024 * 1024;

inline QString mebibytes(qint64 bytes)
{
    return QString::number(double(bytes) / double(MiB), 'f', 1);
}

inline bool validRepoId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9-]{1,64}$"));
    return pattern.match(id).hasMatch();
}

inline Status checkRepoId(const QString &id)
{
    if (!validRepoId(id))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'%1' is not a repository id.").arg(id.left(80)));
    return {};
}

inline Status syncFile(int fd, const QString &what)
{
    if (::fsync(fd) != 0)
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("Cannot flush %1 to disk: %2").arg(what, qt_error_string()));
    return {};
}

inline void syncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

inline bool isSymLink(const QString &path)
{
    struct stat st;
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISLNK(st.st_mode);
}

// Every directory on the way to path that exists must be a directory.
inline Status checkParents(const QString &repoDir, const QString &path)
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

inline Error symlinkRefused(const QString &logical)
{
    return makeError(ErrorCode::Forbidden,
                     QStringLiteral("'%1' in the repository is a symbolic link, which could lead "
                                    "outside the repository: refused. Remove the link from the "
                                    "server's data directory.")
                         .arg(logical));
}

inline QByteArray hexOf(const QByteArray &raw)
{
    return raw.toHex();
}

// The plaintext size of the committed repository file at filePath; 0 when it
// cannot be read or is not a committed file (a replaced or deleted file frees
// only what it counted towards the quota).
inline qint64 committedSize(const QString &filePath)
{
    QFile f(filePath);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const auto h = RepositoryFormat::decodePlain(f.read(RepositoryFormat::PlainFieldsSize));
    return h && h->state == RepositoryFormat::FileState::Committed ? h->size : 0;
}

} // namespace RepositoryDetail

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

} // namespace Bulwark
