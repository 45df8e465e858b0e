// Server-side file repositories (docs/rest-api.md "File repositories",
// edge protocol version 2). A repository is a Thing whose template chain
// includes the built-in ThingTemplate FileRepository; its files live under
// DATA-DIR/repositories/<repository id>/<logical path>, each encrypted at
// rest: a header (magic, a per-file key sealed by the Vault and bound to the
// repository id and path, plaintext size, MD5, SHA-256) followed by the
// STREAM ciphertext (FileCipher) of the plaintext under that key.
//
// Every class here does blocking disk I/O and crypto: call it from a worker
// or the storage thread, never from the I/O thread. FileRepositories is
// thread-safe; a writer or reader belongs to one thread at a time.
#pragma once

#include "core/Result.h"
#include "files/FileSettings.h"
#include "security/FileCipher.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QString>

#include <chrono>
#include <memory>

namespace Bulwark {

class EntityStore;
class Vault;

// The built-in ThingTemplate a repository Thing derives from.
inline const QString FileRepositoryTemplate = QStringLiteral("FileRepository");

struct RepositoryEntry
{
    QString name;
    bool directory = false;
    qint64 size = 0;    // plaintext bytes; 0 for a directory
    QDateTime modified; // UTC
    QByteArray md5;     // lowercase hex; empty for a directory
    QByteArray sha256;  // lowercase hex; empty for a directory
};

struct StoredFile
{
    QString path; // logical path, normalised
    qint64 size = 0;
    QByteArray md5;     // lowercase hex
    QByteArray sha256;  // lowercase hex
    QDateTime modified; // UTC
};

// Checks a logical path (edge-files.md "Path") and returns it unchanged when
// valid; the error (BadRequest) says which rule it breaks. The empty path
// (the root) is valid only with RootPath::Allow.
enum class RootPath
{
    Refuse,
    Allow,
};
[[nodiscard]] Result<QString> checkRepositoryPath(const QString &path, RootPath root);

// Error messages for limits start with these, so the REST layer and the edge
// protocol can tell them apart (both are ErrorCode::PayloadTooLarge):
inline const QString TooLargePrefix = QStringLiteral("Too large: "); // edge "too-large"
inline const QString QuotaExceededPrefix =
    QStringLiteral("Quota exceeded: "); // edge "quota-exceeded"
// ... and an existing target without overwrite is ErrorCode::Conflict with this:
inline const QString ExistsPrefix = QStringLiteral("Exists: "); // edge "exists"

// Writes one file into a repository: plaintext chunks in, encrypted staging
// file on disk, renamed into place by commit(). Destroying a writer that was
// not committed keeps its staging file (so a transfer can resume it);
// abandon() deletes it.
class RepositoryWriter
{
public:
    virtual ~RepositoryWriter() = default;
    // Whole chunks already in the staging file from an earlier attempt with
    // the same staging id (resume); append() continues after them.
    [[nodiscard]] virtual quint32 chunksKept() const = 0;
    // The plaintext of kept chunk i (< chunksKept()), to re-hash
    // (FileOpener::absorb) so the final digests cover the whole file.
    [[nodiscard]] virtual Result<QByteArray> keptChunk(quint32 index) const = 0;
    // Every chunk but the final one must be exactly chunkSize bytes; the
    // final one at most chunkSize. Refuses data beyond the announced size
    // (the limits were checked against it by beginWrite).
    [[nodiscard]] virtual Status append(const QByteArray &plaintextChunk,
                                        ChunkPosition position) = 0;
    // Flushes what was appended to disk (fsync): a checkpoint after which
    // the chunks written so far survive a crash. append() alone does not.
    [[nodiscard]] virtual Status sync() = 0;
    // Resuming with fewer kept chunks than chunksKept() (a kept chunk that
    // did not open): the staging file is cut after `chunks`. Before any
    // append() only, and only for a writer begun with Digests::Caller.
    [[nodiscard]] virtual Status keepOnly(quint32 chunks) = 0;
    // After the final chunk: checks the size and the digests (lowercase hex;
    // an empty digest is not checked) against what was written, fsyncs and
    // renames into place (then fsyncs the directory). With Digests::Caller
    // the writer hashes nothing: both digests must be given, and are what
    // the caller computed over exactly the plaintext it appended. On failure the staging file is
    // deleted; a failed check is BadRequest (and only that is) with a message starting
    // "Truncated"/"Size mismatch"/"MD5 mismatch"/"SHA-256 mismatch"; a target
    // made meanwhile is Conflict with ExistsPrefix.
    [[nodiscard]] virtual Result<StoredFile> commit(const QByteArray &md5,
                                                    const QByteArray &sha256) = 0;
    virtual void abandon() = 0; // deletes the staging file
};

// Reads one stored file, verifying it: read() fails (Internal, saying the
// stored file was altered) as soon as a chunk does not open.
class RepositoryReader
{
public:
    virtual ~RepositoryReader() = default;
    [[nodiscard]] virtual qint64 size() const = 0;
    [[nodiscard]] virtual QByteArray md5() const = 0;    // lowercase hex, from the header
    [[nodiscard]] virtual QByteArray sha256() const = 0; // lowercase hex, from the header
    [[nodiscard]] virtual QDateTime modified() const = 0;
    // Plaintext bytes [offset, offset + length) (fewer at the end of the file).
    [[nodiscard]] virtual Result<QByteArray> read(qint64 offset, qint64 length) = 0;
};

// All repositories of one server. repoId is the stable id of the repository
// Thing (RepositoryCatalog::repositoryId, a UUID); never its name.
class FileRepositories final
{
public:
    // rootDir: DATA-DIR/repositories (created when missing).
    FileRepositories(QString rootDir, const Vault &vault, FileSettings settings);
    ~FileRepositories();
    Q_DISABLE_COPY_MOVE(FileRepositories)

    [[nodiscard]] const FileSettings &settings() const { return m_settings; }
    [[nodiscard]] QString rootDir() const { return m_root; }

    // Entries of directory dir ("" = the root of the repository), sorted by
    // name; .staging is never listed. NotFound if dir does not exist.
    [[nodiscard]] Result<QList<RepositoryEntry>> list(const QString &repoId,
                                                      const QString &dir) const;
    // A file's size and digests (from its header, not re-hashed).
    [[nodiscard]] Result<StoredFile> stat(const QString &repoId, const QString &path) const;
    // Removes a file (not a directory); empty parent directories go too.
    [[nodiscard]] Status remove(const QString &repoId, const QString &path);
    // Plaintext bytes of all committed files of the repository (the quota counts these).
    [[nodiscard]] qint64 usage(const QString &repoId) const;
    // Deletes everything of the repository (when its Thing is deleted).
    [[nodiscard]] Status removeRepository(const QString &repoId);

    // Starts writing `path`: checks the path, size against max_file_size_mb
    // (PayloadTooLarge, TooLargePrefix) and against the quota minus current
    // usage (PayloadTooLarge, QuotaExceededPrefix), and that path does not
    // exist unless overwrite (Conflict, ExistsPrefix) and is not a directory.
    // stagingId names the staging file (a transfer id; any [A-Za-z0-9-]
    // string); an existing staging file of that id written with the same
    // path, size and chunk size is resumed (see chunksKept()), any other is
    // replaced.
    enum class Overwrite
    {
        No,
        Yes,
    };
    // Who hashes the plaintext: the writer (Compute, e.g. a REST upload), or
    // the caller that already does (Caller: a transfer's FileOpener hashes
    // what it opens, and a resumed staging file is re-hashed by the caller
    // reading keptChunk(); the writer then neither hashes nor re-reads it).
    enum class Digests
    {
        Compute,
        Caller,
    };
    [[nodiscard]] Result<std::unique_ptr<RepositoryWriter>>
    beginWrite(const QString &repoId, const QString &path, qint64 size, int chunkSize,
               const QString &stagingId, Overwrite overwrite, Digests digests = Digests::Compute);
    // Deletes staging files whose id is not in keep (at start: those of
    // transfers that are not resumed).
    void removeStagingExcept(const QSet<QString> &keep);
    [[nodiscard]] Result<std::unique_ptr<RepositoryReader>> openRead(const QString &repoId,
                                                                     const QString &path) const;
    // Deletes staging files not modified for olderThan (at start: the resume window).
    void cleanStaging(std::chrono::minutes olderThan);
    // Deletes the files of repositories whose id is not in known (their
    // Things were deleted). At start, and after a repository Thing is deleted.
    void removeOrphans(const QSet<QString> &known);

private:
    struct Impl;
    friend class StagingWriter;
    QString m_root;
    const Vault &m_vault;
    FileSettings m_settings;
    mutable QMutex m_mutex;       // serialises commits, removals and quota checks
    std::unique_ptr<Impl> m_impl; // usage and reservations, under m_mutex
};

// Which Things are repositories, and their ids. Storage thread only (they
// read and write the database through store; call inside the route's
// transaction). A repository id is a random UUID (lowercase, no braces)
// kept in the file_repositories table, made on first use: a Thing deleted
// and created again under the same name starts with no files.
namespace RepositoryCatalog {

struct RepositoryThing
{
    QString thing; // the Thing's name
    QString description;
    QString id; // empty until first used
};

// Whether thing's template chain includes FileRepository (NotFound if no such Thing).
[[nodiscard]] Result<bool> isRepository(EntityStore &store, const QString &thing);
// The id of repository thing, made on first use. NotFound if there is no
// such Thing; BadRequest ("... is not a file repository") if it is not one.
[[nodiscard]] Result<QString> repositoryId(EntityStore &store, const QString &thing);
// Every repository Thing, by name (authorization is the caller's job).
[[nodiscard]] Result<QList<RepositoryThing>> list(EntityStore &store);
// Every id in the table (for FileRepositories::removeOrphans).
[[nodiscard]] Result<QSet<QString>> knownIds(EntityStore &store);

} // namespace RepositoryCatalog

} // namespace Bulwark
