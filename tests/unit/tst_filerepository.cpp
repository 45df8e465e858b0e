// FileRepositories on a real directory: paths, traversal and planted
// symbolic links, limits, staging and resume, verification, tampering on
// disk, and that no plaintext ever reaches the disk.
#include "files/FileRepository.h"
#include "security/Vault.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Bulwark;

namespace {

constexpr int Chunk = 1024;
const QString Repo = QStringLiteral("1b4e28ba-2fa1-11d2-883f-0016d3cca427");

QByteArray testData(qsizetype size, quint32 seed = 1)
{
    QByteArray data(size, Qt::Uninitialized);
    quint32 x = 0x9e3779b9u ^ quint32(size) ^ (seed * 2654435761u);
    for (qsizetype i = 0; i < size; ++i) {
        x = x * 1664525u + 1013904223u;
        data[i] = char(x >> 24);
    }
    return data;
}

QByteArray md5Of(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex();
}

QByteArray sha256Of(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

Vault makeVault()
{
    return Vault(QHash<QString, QByteArray>{{QStringLiteral("repository_files"), Vault::newKey()}});
}

// Appends data in chunks of Chunk bytes, the last one Final.
Status appendAll(RepositoryWriter &writer, const QByteArray &data, qsizetype from = 0)
{
    for (qsizetype at = from;; at += Chunk) {
        const bool last = data.size() - at <= Chunk;
        if (auto s = writer.append(data.mid(at, Chunk),
                                   last ? ChunkPosition::Final : ChunkPosition::Middle);
            !s)
            return s;
        if (last)
            return {};
    }
}

Result<StoredFile> store(FileRepositories &repos, const QString &path, const QByteArray &data,
                         FileRepositories::Overwrite overwrite = FileRepositories::Overwrite::No,
                         const QString &repo = Repo)
{
    auto writer = repos.beginWrite(repo, path, data.size(), Chunk,
                                   QStringLiteral("s-") + QString::number(qHash(path)), overwrite);
    if (!writer)
        return writer.error();
    if (auto s = appendAll(**writer, data); !s)
        return s.error();
    return (*writer)->commit(md5Of(data), sha256Of(data));
}

Result<QByteArray> load(FileRepositories &repos, const QString &path)
{
    auto reader = repos.openRead(Repo, path);
    if (!reader)
        return reader.error();
    return (*reader)->read(0, (*reader)->size());
}

QString message(const Error &e)
{
    return e.message;
}

} // namespace

class TestFileRepository : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Vault m_vault = makeVault();

    QString root() const { return m_dir.filePath(QStringLiteral("repositories")); }
    QString repoDir() const { return root() + u'/' + Repo; }

    std::unique_ptr<FileRepositories> fresh(FileSettings settings = {})
    {
        QDir(root()).removeRecursively();
        return std::make_unique<FileRepositories>(root(), m_vault, settings);
    }

private Q_SLOTS:
    void pathRules_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("problem"); // empty: valid
        QTest::newRow("file") << "a.bin"
                              << "";
        QTest::newRow("nested") << "firmware/v2/a.bin"
                                << "";
        QTest::newRow("spaces and unicode") << "logs/année 2026.txt"
                                            << "";
        QTest::newRow("hidden file") << ".profile"
                                     << "";
        QTest::newRow("empty") << ""
                               << "empty";
        QTest::newRow("absolute") << "/etc/passwd"
                                  << "absolute";
        QTest::newRow("dot dot") << "../x"
                                 << "'..'";
        QTest::newRow("dot dot inside") << "a/../../x"
                                        << "'..'";
        QTest::newRow("dot") << "a/./b"
                             << "'.'";
        QTest::newRow("empty segment") << "a//b"
                                       << "empty segment";
        QTest::newRow("trailing slash") << "a/"
                                        << "empty segment";
        QTest::newRow("backslash") << "a\\b"
                                   << "backslash";
        QTest::newRow("nul") << QStringLiteral("a") + QChar(0) + u"b" << "control";
        QTest::newRow("newline") << "a\nb"
                                 << "control";
        QTest::newRow("long segment") << QString(256, u'x') << "255 bytes";
        QTest::newRow("long path") << QStringList(6, QString(200, u'x')).join(u'/') << "1024";
    }

    void pathRules()
    {
        QFETCH(QString, path);
        QFETCH(QString, problem);
        auto checked = checkRepositoryPath(path, RootPath::Refuse);
        if (problem.isEmpty()) {
            QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().message));
            QCOMPARE(*checked, path);
        } else {
            QVERIFY(!checked);
            QCOMPARE(checked.error().code, ErrorCode::BadRequest);
            QVERIFY2(checked.error().message.contains(problem),
                     qPrintable(checked.error().message));
        }
    }

    void rootOnlyWhereAllowed()
    {
        QVERIFY(checkRepositoryPath(QString(), RootPath::Allow).ok());
        QVERIFY(!checkRepositoryPath(QString(), RootPath::Refuse).ok());
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("size");
        QTest::newRow("empty") << 0;
        QTest::newRow("one byte") << 1;
        QTest::newRow("one chunk") << Chunk;
        QTest::newRow("chunk + 1") << Chunk + 1;
        QTest::newRow("many chunks") << 17 * Chunk + 300;
    }

    void roundTrip()
    {
        QFETCH(int, size);
        auto repos = fresh();
        const QByteArray data = testData(size);
        auto stored = store(*repos, QStringLiteral("dir/sub/file.bin"), data);
        QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
        QCOMPARE(stored->size, qint64(size));
        QCOMPARE(stored->md5, md5Of(data));
        QCOMPARE(stored->sha256, sha256Of(data));

        auto reader = repos->openRead(Repo, QStringLiteral("dir/sub/file.bin"));
        QVERIFY(reader.ok());
        QCOMPARE((*reader)->size(), qint64(size));
        QCOMPARE((*reader)->md5(), md5Of(data));
        QCOMPARE((*reader)->sha256(), sha256Of(data));
        auto all = (*reader)->read(0, size + 100);
        QVERIFY(all.ok());
        QCOMPARE(*all, data);
        // Random access, across chunk boundaries.
        if (size > 2 * Chunk) {
            auto middle = (*reader)->read(Chunk - 10, Chunk + 20);
            QVERIFY(middle.ok());
            QCOMPARE(*middle, data.mid(Chunk - 10, Chunk + 20));
            auto tail = (*reader)->read(size - 5, 100);
            QVERIFY(tail.ok());
            QCOMPARE(*tail, data.right(5));
        }

        auto stat = repos->stat(Repo, QStringLiteral("dir/sub/file.bin"));
        QVERIFY(stat.ok());
        QCOMPARE(stat->sha256, sha256Of(data));
        QCOMPARE(repos->usage(Repo), qint64(size));
    }

    void listing()
    {
        auto repos = fresh();
        QVERIFY(repos->list(Repo, {}).ok()); // a repository without files
        QCOMPARE(repos->list(Repo, {})->size(), 0);
        const QByteArray a = testData(100, 1);
        const QByteArray b = testData(3000, 2);
        QVERIFY(store(*repos, QStringLiteral("b.bin"), b).ok());
        QVERIFY(store(*repos, QStringLiteral("a.txt"), a).ok());
        QVERIFY(store(*repos, QStringLiteral("logs/x.log"), a).ok());
        // An unfinished write: its staging file is never listed.
        auto pending = repos->beginWrite(Repo, QStringLiteral("c.bin"), 5000, Chunk,
                                         QStringLiteral("t-1"), FileRepositories::Overwrite::No);
        QVERIFY(pending.ok());
        QVERIFY((*pending)->append(b.left(Chunk), ChunkPosition::Middle).ok());

        auto entries = repos->list(Repo, {});
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 3);
        QCOMPARE(entries->at(0).name, QStringLiteral("a.txt"));
        QCOMPARE(entries->at(0).size, qint64(100));
        QCOMPARE(entries->at(0).md5, md5Of(a));
        QCOMPARE(entries->at(0).sha256, sha256Of(a));
        QVERIFY(!entries->at(0).directory);
        QCOMPARE(entries->at(1).name, QStringLiteral("b.bin"));
        QCOMPARE(entries->at(2).name, QStringLiteral("logs"));
        QVERIFY(entries->at(2).directory);
        auto logs = repos->list(Repo, QStringLiteral("logs"));
        QVERIFY(logs.ok());
        QCOMPARE(logs->size(), 1);

        auto missing = repos->list(Repo, QStringLiteral("nothing"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        auto file = repos->list(Repo, QStringLiteral("a.txt"));
        QVERIFY(!file);
        QVERIFY(message(file.error()).contains(u"is a file"));
        auto staging = repos->list(Repo, QStringLiteral(".staging"));
        QVERIFY(!staging);
        QVERIFY(message(staging.error()).contains(u"reserved"));
        QCOMPARE(repos->usage(Repo), qint64(200 + 3000));
    }

    void plaintextNeverOnDisk()
    {
        auto repos = fresh();
        QByteArray secret;
        while (secret.size() < 5 * Chunk)
            secret += "TOP-SECRET-PLAINTEXT-MARKER ";
        QVERIFY(store(*repos, QStringLiteral("secret.txt"), secret).ok());
        // And a staging file that was left behind.
        {
            auto writer =
                repos->beginWrite(Repo, QStringLiteral("left.txt"), secret.size(), Chunk,
                                  QStringLiteral("left"), FileRepositories::Overwrite::No);
            QVERIFY(writer.ok());
            QVERIFY((*writer)->append(secret.left(Chunk), ChunkPosition::Middle).ok());
        }
        int files = 0;
        QDirIterator it(root(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(!bytes.contains("SECRET-PLAINTEXT"), qPrintable(f.fileName()));
            QVERIFY(!bytes.contains("MARKER"));
            ++files;
        }
        QCOMPARE(files, 2);
        QCOMPARE(*load(*repos, QStringLiteral("secret.txt")), secret);
    }

    void traversalRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("dot dot") << "../other/x";
        QTest::newRow("deep dot dot") << "a/../../../etc/passwd";
        QTest::newRow("absolute") << "/etc/passwd";
        QTest::newRow("staging") << ".staging/x.part";
    }

    void traversalRefused()
    {
        QFETCH(QString, path);
        auto repos = fresh();
        auto writer = repos->beginWrite(Repo, path, 1, Chunk, QStringLiteral("t"),
                                        FileRepositories::Overwrite::Yes);
        QVERIFY(!writer);
        QCOMPARE(writer.error().code, ErrorCode::BadRequest);
        QVERIFY(!repos->openRead(Repo, path).ok());
        QVERIFY(!repos->remove(Repo, path).ok());
        QVERIFY(!repos->list(Repo, path).ok());
        // Repository ids are names of directories, never paths.
        QVERIFY(!repos->list(QStringLiteral("../x"), {}).ok());
        QVERIFY(!repos->list(QStringLiteral("a/b"), {}).ok());
    }

    void plantedSymlinksRefused()
    {
        auto repos = fresh();
        QVERIFY(store(*repos, QStringLiteral("real.bin"), testData(10)).ok());
        QTemporaryDir outside;
        QFile secret(outside.filePath(QStringLiteral("secret.txt")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("outside");
        secret.close();
        // A directory link and a file link planted in the repository.
        QVERIFY(QFile::link(outside.path(), repoDir() + QStringLiteral("/escape")));
        QVERIFY(QFile::link(secret.fileName(), repoDir() + QStringLiteral("/file-link")));

        auto write = repos->beginWrite(Repo, QStringLiteral("escape/new.bin"), 1, Chunk,
                                       QStringLiteral("t"), FileRepositories::Overwrite::No);
        QVERIFY(!write);
        QCOMPARE(write.error().code, ErrorCode::Forbidden);
        QVERIFY2(message(write.error()).contains(u"symbolic link"),
                 qPrintable(message(write.error())));
        QVERIFY(!QFileInfo::exists(outside.filePath(QStringLiteral("new.bin"))));

        auto read = repos->openRead(Repo, QStringLiteral("escape/secret.txt"));
        QVERIFY(!read);
        QVERIFY(message(read.error()).contains(u"symbolic link"));
        QVERIFY(!repos->openRead(Repo, QStringLiteral("file-link")).ok());
        QVERIFY(!repos->list(Repo, QStringLiteral("escape")).ok());
        auto removed = repos->remove(Repo, QStringLiteral("file-link"));
        QVERIFY(!removed);
        QVERIFY(secret.exists());
        // Listings leave links out.
        auto entries = repos->list(Repo, {});
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->at(0).name, QStringLiteral("real.bin"));

        // A link in place of the repository's own directory.
        const QString other = QStringLiteral("22222222-2fa1-11d2-883f-0016d3cca427");
        QVERIFY(QFile::link(outside.path(), root() + u'/' + other));
        auto linked = repos->list(other, {});
        QVERIFY(!linked);
        QCOMPARE(linked.error().code, ErrorCode::Forbidden);
    }

    void maximumFileSize()
    {
        FileSettings settings;
        settings.maxFileSizeMb = 1;
        auto repos = fresh(settings);
        auto tooLarge = repos->beginWrite(Repo, QStringLiteral("big.bin"), 1024 * 1024 + 1, Chunk,
                                          QStringLiteral("t"), FileRepositories::Overwrite::No);
        QVERIFY(!tooLarge);
        QCOMPARE(tooLarge.error().code, ErrorCode::PayloadTooLarge);
        QVERIFY(message(tooLarge.error()).startsWith(TooLargePrefix));
        QVERIFY2(message(tooLarge.error()).contains(u"files/max_file_size_mb"),
                 qPrintable(message(tooLarge.error())));
        QVERIFY(repos
                    ->beginWrite(Repo, QStringLiteral("ok.bin"), 1024 * 1024, Chunk,
                                 QStringLiteral("t"), FileRepositories::Overwrite::No)
                    .ok());
    }

    void quota()
    {
        FileSettings settings;
        settings.repositoryQuotaMb = 1;
        auto repos = fresh(settings);
        const QByteArray first = testData(700 * 1024, 1);
        QVERIFY(store(*repos, QStringLiteral("first.bin"), first).ok());
        QCOMPARE(repos->usage(Repo), qint64(first.size()));

        auto over = repos->beginWrite(Repo, QStringLiteral("second.bin"), 400 * 1024, Chunk,
                                      QStringLiteral("t"), FileRepositories::Overwrite::No);
        QVERIFY(!over);
        QCOMPARE(over.error().code, ErrorCode::PayloadTooLarge);
        QVERIFY(message(over.error()).startsWith(QuotaExceededPrefix));
        QVERIFY2(message(over.error()).contains(u"files/repository_quota_mb"),
                 qPrintable(message(over.error())));

        // Replacing a file counts only the difference.
        QVERIFY(store(*repos, QStringLiteral("first.bin"), testData(900 * 1024, 2),
                      FileRepositories::Overwrite::Yes)
                    .ok());
        QCOMPARE(repos->usage(Repo), qint64(900 * 1024));
        QVERIFY(repos->remove(Repo, QStringLiteral("first.bin")).ok());
        QCOMPARE(repos->usage(Repo), qint64(0));

        // Writes in progress hold their share: two at once cannot overbook.
        auto a = repos->beginWrite(Repo, QStringLiteral("a.bin"), 600 * 1024, Chunk,
                                   QStringLiteral("a"), FileRepositories::Overwrite::No);
        QVERIFY(a.ok());
        auto b = repos->beginWrite(Repo, QStringLiteral("b.bin"), 600 * 1024, Chunk,
                                   QStringLiteral("b"), FileRepositories::Overwrite::No);
        QVERIFY(!b);
        QVERIFY(message(b.error()).startsWith(QuotaExceededPrefix));
        (*a)->abandon();
        QVERIFY(repos
                    ->beginWrite(Repo, QStringLiteral("b.bin"), 600 * 1024, Chunk,
                                 QStringLiteral("b"), FileRepositories::Overwrite::No)
                    .ok());

        // Counted again from disk by a new instance (after a restart).
        QVERIFY(store(*repos, QStringLiteral("c.bin"), testData(1000)).ok());
        FileRepositories again(root(), m_vault, settings);
        QCOMPARE(again.usage(Repo), qint64(1000));
    }

    void existingTarget()
    {
        auto repos = fresh();
        QVERIFY(store(*repos, QStringLiteral("a/b.bin"), testData(10)).ok());
        auto exists = store(*repos, QStringLiteral("a/b.bin"), testData(20));
        QVERIFY(!exists);
        QCOMPARE(exists.error().code, ErrorCode::Conflict);
        QVERIFY(message(exists.error()).startsWith(ExistsPrefix));
        auto directory =
            store(*repos, QStringLiteral("a"), testData(20), FileRepositories::Overwrite::Yes);
        QVERIFY(!directory);
        QVERIFY(message(directory.error()).contains(u"is a directory"));
        auto underFile = store(*repos, QStringLiteral("a/b.bin/c"), testData(20));
        QVERIFY(!underFile);
        QCOMPARE(underFile.error().code, ErrorCode::Conflict);
        QVERIFY2(message(underFile.error()).contains(u"'a/b.bin' is a file"),
                 qPrintable(message(underFile.error())));
        QVERIFY(
            store(*repos, QStringLiteral("a/b.bin"), testData(20), FileRepositories::Overwrite::Yes)
                .ok());
        QCOMPARE(*load(*repos, QStringLiteral("a/b.bin")), testData(20));
    }

    void verificationFailures()
    {
        auto repos = fresh();
        const QByteArray data = testData(3 * Chunk + 1);
        const QString staging = repoDir() + QStringLiteral("/.staging/v.part");
        const auto begin = [&]() {
            return repos->beginWrite(Repo, QStringLiteral("v.bin"), data.size(), Chunk,
                                     QStringLiteral("v"), FileRepositories::Overwrite::No);
        };
        {
            auto writer = begin();
            QVERIFY(writer.ok());
            QVERIFY(appendAll(**writer, data).ok());
            auto wrong = (*writer)->commit(md5Of("other"), sha256Of(data));
            QVERIFY(!wrong);
            QCOMPARE(wrong.error().code, ErrorCode::BadRequest);
            QVERIFY2(message(wrong.error())
                         .startsWith(QStringLiteral("MD5 mismatch: expected ") +
                                     QString::fromLatin1(md5Of("other"))),
                     qPrintable(message(wrong.error())));
            QVERIFY(!QFileInfo::exists(staging));
        }
        {
            auto writer = begin();
            QVERIFY(writer.ok());
            QVERIFY(appendAll(**writer, data).ok());
            auto wrong = (*writer)->commit(md5Of(data), sha256Of("other"));
            QVERIFY(!wrong);
            QVERIFY(message(wrong.error()).startsWith(u"SHA-256 mismatch"));
        }
        {
            auto writer = begin();
            QVERIFY(writer.ok());
            QVERIFY((*writer)->append(data.left(Chunk), ChunkPosition::Middle).ok());
            auto truncated = (*writer)->commit({}, {});
            QVERIFY(!truncated);
            QVERIFY(message(truncated.error()).startsWith(u"Truncated"));
            QVERIFY(!QFileInfo::exists(staging));
        }
        {
            auto writer = begin();
            QVERIFY(writer.ok());
            QVERIFY(appendAll(**writer, data.left(2 * Chunk + 1)).ok()); // final too early
            auto shortFile = (*writer)->commit({}, {});
            QVERIFY(!shortFile);
            QVERIFY2(message(shortFile.error()).startsWith(u"Size mismatch"),
                     qPrintable(message(shortFile.error())));
        }
        {
            auto writer = repos->beginWrite(Repo, QStringLiteral("v.bin"), 10, Chunk,
                                            QStringLiteral("w"), FileRepositories::Overwrite::No);
            QVERIFY(writer.ok());
            auto tooMuch = (*writer)->append(data.left(11), ChunkPosition::Final);
            QVERIFY(!tooMuch);
            QVERIFY(message(tooMuch.error()).contains(u"more than the announced 10 bytes"));
            (*writer)->abandon();
        }
        QVERIFY(!QFileInfo::exists(repoDir() + QStringLiteral("/v.bin")));
        QCOMPARE(repos->usage(Repo), qint64(0));
    }

    void stagingResume()
    {
        auto repos = fresh();
        const QByteArray data = testData(6 * Chunk + 77);
        const auto begin = [&](qint64 size, const QString &id) {
            return repos->beginWrite(Repo, QStringLiteral("r/resumed.bin"), size, Chunk, id,
                                     FileRepositories::Overwrite::No);
        };
        {
            auto first = begin(data.size(), QStringLiteral("transfer-1"));
            QVERIFY(first.ok());
            QCOMPARE((*first)->chunksKept(), quint32(0));
            for (int i = 0; i < 3; ++i)
                QVERIFY((*first)->append(data.mid(i * Chunk, Chunk), ChunkPosition::Middle).ok());
            // Half a chunk reached the disk when the connection dropped.
        }
        {
            QFile part(repoDir() + QStringLiteral("/.staging/transfer-1.part"));
            QVERIFY(part.open(QIODevice::Append));
            part.write(QByteArray(500, 'x'));
        }
        auto second = begin(data.size(), QStringLiteral("transfer-1"));
        QVERIFY(second.ok());
        QCOMPARE((*second)->chunksKept(), quint32(3));
        for (quint32 i = 0; i < 3; ++i) {
            auto kept = (*second)->keptChunk(i);
            QVERIFY(kept.ok());
            QCOMPARE(*kept, data.mid(i * Chunk, Chunk));
        }
        QVERIFY(!(*second)->keptChunk(3).ok());
        QVERIFY(appendAll(**second, data, 3 * Chunk).ok());
        auto stored = (*second)->commit(md5Of(data), sha256Of(data));
        QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
        QCOMPARE(*load(*repos, QStringLiteral("r/resumed.bin")), data);
        QVERIFY(!QFileInfo::exists(repoDir() + QStringLiteral("/.staging/transfer-1.part")));

        // Another size, another staging id, or a damaged staging file start over.
        QVERIFY(repos->remove(Repo, QStringLiteral("r/resumed.bin")).ok());
        {
            auto w = begin(data.size(), QStringLiteral("transfer-2"));
            QVERIFY(w.ok());
            for (int i = 0; i < 2; ++i)
                QVERIFY((*w)->append(data.mid(i * Chunk, Chunk), ChunkPosition::Middle).ok());
        }
        QCOMPARE((*begin(data.size() + 1, QStringLiteral("transfer-2")))->chunksKept(), quint32(0));
        {
            auto w = begin(data.size(), QStringLiteral("transfer-3"));
            QVERIFY(w.ok());
            for (int i = 0; i < 2; ++i)
                QVERIFY((*w)->append(data.mid(i * Chunk, Chunk), ChunkPosition::Middle).ok());
        }
        {
            QFile part(repoDir() + QStringLiteral("/.staging/transfer-3.part"));
            QVERIFY(part.open(QIODevice::ReadWrite));
            QVERIFY(part.seek(512 + Chunk + 16 + 5)); // inside chunk 1
            part.write("!");
        }
        auto damaged = begin(data.size(), QStringLiteral("transfer-3"));
        QVERIFY(damaged.ok());
        QCOMPARE((*damaged)->chunksKept(), quint32(0));
        QVERIFY(appendAll(**damaged, data).ok());
        QVERIFY((*damaged)->commit(md5Of(data), sha256Of(data)).ok());
        QCOMPARE(*load(*repos, QStringLiteral("r/resumed.bin")), data);
    }

    // Digests::Caller (a transfer, whose opener already hashes): the writer
    // hashes nothing, records the digests it is given, checkpoints with
    // sync(), and a resumed staging file is checked by the caller reading
    // keptChunk() and cut back with keepOnly() at the first damaged chunk.
    void callerDigestsAndResume()
    {
        auto repos = fresh();
        const QByteArray data = testData(5 * Chunk + 33, 7);
        const auto begin = [&](const QString &id) {
            return repos->beginWrite(Repo, QStringLiteral("c/caller.bin"), data.size(), Chunk, id,
                                     FileRepositories::Overwrite::No,
                                     FileRepositories::Digests::Caller);
        };
        {
            auto first = begin(QStringLiteral("caller-1"));
            QVERIFY(first.ok());
            for (int i = 0; i < 4; ++i)
                QVERIFY((*first)->append(data.mid(i * Chunk, Chunk), ChunkPosition::Middle).ok());
            QVERIFY((*first)->sync().ok());
            // A chunk of the wrong size is refused.
            QVERIFY(!(*first)->append(data.left(10), ChunkPosition::Middle).ok());
        }
        {
            QFile part(repoDir() + QStringLiteral("/.staging/caller-1.part"));
            QVERIFY(part.open(QIODevice::ReadWrite));
            QVERIFY(part.seek(512 + 2 * (Chunk + 16) + 9)); // inside chunk 2
            part.write("!");
        }
        auto second = begin(QStringLiteral("caller-1"));
        QVERIFY(second.ok());
        // Whole chunks are offered; the caller finds chunk 2 damaged.
        QCOMPARE((*second)->chunksKept(), quint32(4));
        QVERIFY((*second)->keptChunk(0).ok());
        QVERIFY((*second)->keptChunk(1).ok());
        QVERIFY(!(*second)->keptChunk(2).ok());
        QVERIFY((*second)->keepOnly(2).ok());
        QCOMPARE((*second)->chunksKept(), quint32(2));
        QVERIFY(!(*second)->keepOnly(3).ok()); // never more than kept
        QVERIFY(appendAll(**second, data, 2 * Chunk).ok());
        // The digests must be given (lowercase hex), and are what is recorded.
        {
            auto other = begin(QStringLiteral("caller-2"));
            QVERIFY(other.ok());
            QVERIFY(appendAll(**other, data).ok());
            QVERIFY(!(*other)->commit({}, {}).ok());
        }
        auto stored = (*second)->commit(md5Of(data), sha256Of(data));
        QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
        QCOMPARE(stored->md5, md5Of(data));
        QCOMPARE(stored->sha256, sha256Of(data));
        QCOMPARE(*load(*repos, QStringLiteral("c/caller.bin")), data);
        auto stat = repos->stat(Repo, QStringLiteral("c/caller.bin"));
        QVERIFY(stat.ok());
        QCOMPARE(stat->sha256, sha256Of(data));

        // Staging files of no resumed transfer go; the others stay.
        QVERIFY(repos->remove(Repo, QStringLiteral("c/caller.bin")).ok());
        for (const QString &id : {QStringLiteral("keep-me"), QStringLiteral("drop-me")}) {
            auto w = begin(id);
            QVERIFY(w.ok());
            QVERIFY((*w)->append(data.left(Chunk), ChunkPosition::Middle).ok());
        }
        repos->removeStagingExcept({QStringLiteral("keep-me")});
        QVERIFY(QFileInfo::exists(repoDir() + QStringLiteral("/.staging/keep-me.part")));
        QVERIFY(!QFileInfo::exists(repoDir() + QStringLiteral("/.staging/drop-me.part")));
    }

    void tamperedFilesFailClearly()
    {
        auto repos = fresh();
        const QByteArray data = testData(4 * Chunk + 9);
        QVERIFY(store(*repos, QStringLiteral("t.bin"), data).ok());
        const QString file = repoDir() + QStringLiteral("/t.bin");
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray original = f.readAll();
        f.close();
        const auto rewrite = [&](const QByteArray &bytes, const QString &to) {
            QFile out(to);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(bytes);
        };

        // A byte of content changed: the header opens, the chunk does not.
        QByteArray changed = original;
        changed[512 + 2 * (Chunk + 16) + 3] = char(changed[512 + 2 * (Chunk + 16) + 3] ^ 0x01);
        rewrite(changed, file);
        auto reader = repos->openRead(Repo, QStringLiteral("t.bin"));
        QVERIFY(reader.ok());
        QVERIFY((*reader)->read(0, Chunk).ok()); // chunk 0 is intact
        auto bad = (*reader)->read(0, data.size());
        QVERIFY(!bad);
        QVERIFY2(message(bad.error()).contains(u"'t.bin' was altered on disk (chunk 2"),
                 qPrintable(message(bad.error())));

        // The plain size or digest in the header changed.
        changed = original;
        changed[17] = char(changed[17] ^ 0x01); // last byte of the size
        rewrite(changed, file);
        auto header = repos->openRead(Repo, QStringLiteral("t.bin"));
        QVERIFY(!header);
        QVERIFY2(message(header.error()).contains(u"altered on disk"),
                 qPrintable(message(header.error())));
        changed = original;
        changed[20] = char(changed[20] ^ 0x01); // inside the MD5
        rewrite(changed, file);
        QVERIFY(!repos->openRead(Repo, QStringLiteral("t.bin")).ok());

        // Cut short.
        rewrite(original.left(original.size() - 10), file);
        auto cut = repos->openRead(Repo, QStringLiteral("t.bin"));
        QVERIFY(!cut);
        QVERIFY(message(cut.error()).contains(u"altered on disk"));

        // Moved to another path (or another repository) on disk.
        rewrite(original, file);
        QVERIFY(repos->openRead(Repo, QStringLiteral("t.bin")).ok());
        rewrite(original, repoDir() + QStringLiteral("/moved.bin"));
        auto moved = repos->openRead(Repo, QStringLiteral("moved.bin"));
        QVERIFY(!moved);
        QVERIFY2(message(moved.error()).contains(u"moved from another place"),
                 qPrintable(message(moved.error())));

        // Another vault (another installation's keys) cannot open it.
        Vault other = makeVault();
        FileRepositories foreign(root(), other, {});
        QVERIFY(!foreign.openRead(Repo, QStringLiteral("t.bin")).ok());
        // Not a repository file at all.
        rewrite("plain text", repoDir() + QStringLiteral("/plain.txt"));
        QVERIFY(!repos->openRead(Repo, QStringLiteral("plain.txt")).ok());
    }

    void removeAndCleanUp()
    {
        auto repos = fresh();
        QVERIFY(store(*repos, QStringLiteral("a/b/c.bin"), testData(10)).ok());
        QVERIFY(store(*repos, QStringLiteral("a/d.bin"), testData(20)).ok());
        auto dir = repos->remove(Repo, QStringLiteral("a"));
        QVERIFY(!dir);
        QVERIFY(message(dir.error()).contains(u"is a directory"));
        QVERIFY(repos->remove(Repo, QStringLiteral("a/b/c.bin")).ok());
        QVERIFY(!QFileInfo::exists(repoDir() + QStringLiteral("/a/b"))); // emptied: gone
        QVERIFY(QFileInfo::exists(repoDir() + QStringLiteral("/a")));
        auto again = repos->remove(Repo, QStringLiteral("a/b/c.bin"));
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::NotFound);
        QCOMPARE(repos->usage(Repo), qint64(20));

        // Stale staging files go; recent ones stay (a transfer may resume).
        {
            auto w = repos->beginWrite(Repo, QStringLiteral("s.bin"), 5000, Chunk,
                                       QStringLiteral("old"), FileRepositories::Overwrite::No);
            QVERIFY(w.ok());
            auto v = repos->beginWrite(Repo, QStringLiteral("s2.bin"), 5000, Chunk,
                                       QStringLiteral("new"), FileRepositories::Overwrite::No);
            QVERIFY(v.ok());
        }
        QFile old(repoDir() + QStringLiteral("/.staging/old.part"));
        QVERIFY(old.open(QIODevice::ReadWrite));
        QVERIFY(old.setFileTime(QDateTime::currentDateTimeUtc().addSecs(-2 * 3600),
                                QFileDevice::FileModificationTime));
        old.close();
        repos->cleanStaging(std::chrono::minutes(60));
        QVERIFY(!QFileInfo::exists(old.fileName()));
        QVERIFY(QFileInfo::exists(repoDir() + QStringLiteral("/.staging/new.part")));

        // Repositories whose Thing is gone lose their files.
        const QString other = QStringLiteral("33333333-2fa1-11d2-883f-0016d3cca427");
        QVERIFY(store(*repos, QStringLiteral("x.bin"), testData(5), FileRepositories::Overwrite::No,
                      other)
                    .ok());
        repos->removeOrphans({Repo});
        QVERIFY(!QFileInfo::exists(root() + u'/' + other));
        QVERIFY(QFileInfo::exists(repoDir() + QStringLiteral("/a/d.bin")));
        QVERIFY(repos->removeRepository(Repo).ok());
        QVERIFY(!QFileInfo::exists(repoDir()));
        QCOMPARE(repos->usage(Repo), qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestFileRepository)
#include "tst_filerepository.moc"
