#include "security/Crypto.h"
#include "security/FileCipher.h"

#include <QCryptographicHash>
#include <QTest>

using namespace Bulwark;

namespace {

constexpr int SmallChunk = 1024;

// A deterministic, non-repeating plaintext (so a swapped chunk differs).
QByteArray testData(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    quint32 x = 0x9e3779b9u ^ quint32(size);
    for (qsizetype i = 0; i < size; ++i) {
        x = x * 1664525u + 1013904223u;
        data[i] = char(x >> 24);
    }
    return data;
}

struct SealedFile
{
    QList<QByteArray> chunks; // the last one is the final chunk
    QByteArray md5;
    QByteArray sha256;
};

SealedFile sealFile(const FileKey &key, const QByteArray &transferId, const QByteArray &data,
                    int chunkSize)
{
    SealedFile file;
    auto sealer = FileSealer::create(key, transferId, chunkSize);
    if (!sealer)
        qFatal("%s", qPrintable(sealer.error().message));
    qsizetype offset = 0;
    while (true) {
        const bool last = data.size() - offset <= chunkSize;
        auto chunk = sealer->seal(data.mid(offset, chunkSize),
                                  last ? ChunkPosition::Final : ChunkPosition::Middle);
        if (!chunk)
            qFatal("%s", qPrintable(chunk.error().message));
        file.chunks.append(*chunk);
        offset += chunkSize;
        if (last)
            break;
    }
    file.md5 = sealer->md5();
    file.sha256 = sealer->sha256();
    return file;
}

ChunkPosition positionOf(const QList<QByteArray> &chunks, qsizetype i)
{
    return i == chunks.size() - 1 ? ChunkPosition::Final : ChunkPosition::Middle;
}

// Opens the chunks in the given order with the given claimed positions; returns
// the first error message, or the empty string when everything opened and
// finish() passed.
QString openAll(const FileKey &key, const QByteArray &transferId,
                const QList<QPair<QByteArray, ChunkPosition>> &stream, int chunkSize)
{
    auto opener = FileOpener::create(key, transferId, chunkSize);
    if (!opener)
        return opener.error().message;
    for (const auto &[chunk, position] : stream) {
        auto plaintext = opener->open(chunk, position);
        if (!plaintext)
            return plaintext.error().message;
    }
    const Status done = opener->finish();
    return done ? QString() : done.error().message;
}

QList<QPair<QByteArray, ChunkPosition>> inOrder(const QList<QByteArray> &chunks)
{
    QList<QPair<QByteArray, ChunkPosition>> stream;
    for (qsizetype i = 0; i < chunks.size(); ++i)
        stream.append({chunks[i], positionOf(chunks, i)});
    return stream;
}

} // namespace

class TestFileCipher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nonceLayout()
    {
        const QByteArray prefix = QByteArray::fromHex("a0a1a2a3a4a5a6");
        QCOMPARE(fileChunkNonce(prefix, 0, ChunkPosition::Middle).toHex(),
                 QByteArray("a0a1a2a3a4a5a60000000000"));
        QCOMPARE(fileChunkNonce(prefix, 0x01020304, ChunkPosition::Final).toHex(),
                 QByteArray("a0a1a2a3a4a5a60102030401"));
        QCOMPARE(fileChunkNonce(prefix, 0xffffffffu, ChunkPosition::Middle).toHex(),
                 QByteArray("a0a1a2a3a4a5a6ffffffff00"));
    }

    void keys()
    {
        const FileKey a = FileKey::generate();
        const FileKey b = FileKey::generate();
        QCOMPARE(a.key.size(), FileKeySize);
        QCOMPARE(a.noncePrefix.size(), FileNoncePrefixSize);
        QVERIFY(a.key != b.key);
        QVERIFY(a.noncePrefix != b.noncePrefix);
        QVERIFY(FileKey::fromBytes(a.key, a.noncePrefix).ok());
        auto bad = FileKey::fromBytes(a.key.left(16), a.noncePrefix);
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(u"got 16 and 7 bytes"),
                 qPrintable(bad.error().message));
        QVERIFY(!FileKey::fromBytes(a.key, a.noncePrefix + "x").ok());
        QVERIFY(!FileSealer::create(a, {}, 0).ok());
        QVERIFY(!FileOpener::create(a, {}, MaximumFileChunkSize + 1).ok());
    }

    // Computed independently with Python's `cryptography` (AESGCM, OpenSSL
    // underneath but a separate code path: no STREAM logic, nonce built by
    // hand as prefix || (5).to_bytes(4, "big") || b"\x01").
    void knownAnswer()
    {
        const FileKey key{QByteArray::fromHex("000102030405060708090a0b0c0d0e0f"
                                              "101112131415161718191a1b1c1d1e1f"),
                          QByteArray::fromHex("a0a1a2a3a4a5a6")};
        const QByteArray transferId("transfer-42");
        const QByteArray plaintext("The quick brown fox jumps over the lazy dog");
        const QByteArray expected = QByteArray::fromHex(
            "0ad19b0c453b6ad78a0e450fa703732ab22914eea053dda85b0427c363f65ea2054d126f1f4898c1b8"
            "10bd260c9e3af9af9123b3872223bd61f852");
        auto sealer = FileSealer::create(key, transferId, 64);
        QVERIFY(sealer.ok());
        QList<QByteArray> chunks;
        for (int i = 0; i < 5; ++i) {
            auto chunk = sealer->seal(testData(64), ChunkPosition::Middle);
            QVERIFY(chunk.ok());
            chunks.append(*chunk);
        }
        auto last = sealer->seal(plaintext, ChunkPosition::Final);
        QVERIFY(last.ok());
        QCOMPARE(last->toHex(), expected.toHex());

        auto opener = FileOpener::create(key, transferId, 64);
        QVERIFY(opener.ok());
        for (const QByteArray &chunk : chunks)
            QVERIFY(opener->open(chunk, ChunkPosition::Middle).ok());
        auto opened = opener->open(expected, ChunkPosition::Final);
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        QCOMPARE(*opened, plaintext);

        // An empty file without a transfer id: one empty final chunk, the tag only.
        auto empty = FileSealer::create(key, {}, 64);
        QVERIFY(empty.ok());
        auto tagOnly = empty->seal({}, ChunkPosition::Final);
        QVERIFY(tagOnly.ok());
        QCOMPARE(tagOnly->toHex(), QByteArray("4d34eaed9250e09e52907c89588102a2"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("chunkSize");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("chunks");
        QTest::newRow("empty") << SmallChunk << 0 << 1;
        QTest::newRow("one byte") << SmallChunk << 1 << 1;
        QTest::newRow("chunk - 1") << SmallChunk << SmallChunk - 1 << 1;
        QTest::newRow("one chunk exactly") << SmallChunk << SmallChunk << 1;
        QTest::newRow("chunk + 1") << SmallChunk << SmallChunk + 1 << 2;
        QTest::newRow("many chunks") << SmallChunk << 37 * SmallChunk + 123 << 38;
        QTest::newRow("two chunks exactly") << SmallChunk << 2 * SmallChunk << 2;
        QTest::newRow("10 MiB, default chunk") << DefaultFileChunkSize << 10 * 1024 * 1024 << 40;
    }

    void roundTrip()
    {
        QFETCH(int, chunkSize);
        QFETCH(int, size);
        QFETCH(int, chunks);
        const QByteArray data = testData(size);
        const FileKey key = FileKey::generate();
        const SealedFile file = sealFile(key, "t1", data, chunkSize);
        QCOMPARE(file.chunks.size(), chunks);
        for (qsizetype i = 0; i < file.chunks.size(); ++i)
            QCOMPARE(file.chunks[i].size(),
                     qMin<qsizetype>(chunkSize, size - i * chunkSize) + FileChunkTagSize);

        auto opener = FileOpener::create(key, "t1", chunkSize);
        QVERIFY(opener.ok());
        QByteArray received;
        for (qsizetype i = 0; i < file.chunks.size(); ++i) {
            auto plaintext = opener->open(file.chunks[i], positionOf(file.chunks, i));
            QVERIFY2(plaintext.ok(),
                     qPrintable(plaintext.ok() ? QString() : plaintext.error().message));
            received += *plaintext;
        }
        QVERIFY(opener->finish().ok());
        QVERIFY(opener->isFinished());
        QCOMPARE(opener->chunksOpened(), quint32(chunks));
        QCOMPARE(received, data);

        const QByteArray md5 = QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex();
        const QByteArray sha = QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
        QCOMPARE(file.md5, md5);
        QCOMPARE(file.sha256, sha);
        QCOMPARE(opener->md5(), md5);
        QCOMPARE(opener->sha256(), sha);
    }

    void digestsOnlyWhenFinished()
    {
        const FileKey key = FileKey::generate();
        auto sealer = FileSealer::create(key, {}, 4);
        QVERIFY(sealer.ok());
        QVERIFY(sealer->seal("abcd", ChunkPosition::Middle).ok());
        QVERIFY(sealer->md5().isEmpty());
        QVERIFY(sealer->sha256().isEmpty());
        QVERIFY(!sealer->isFinished());
    }

    void sealerRefusesMisuse()
    {
        const FileKey key = FileKey::generate();
        auto sealer = FileSealer::create(key, {}, 4);
        QVERIFY(sealer.ok());
        auto shortMiddle = sealer->seal("abc", ChunkPosition::Middle);
        QVERIFY(!shortMiddle);
        QVERIFY(shortMiddle.error().message.contains(u"must hold exactly 4 bytes"));
        auto tooBig = sealer->seal("abcde", ChunkPosition::Final);
        QVERIFY(!tooBig);
        QVERIFY(tooBig.error().message.contains(u"more than the chunk size"));
        QVERIFY(sealer->seal("ab", ChunkPosition::Final).ok());
        auto after = sealer->seal("cd", ChunkPosition::Final);
        QVERIFY(!after);
        QVERIFY(after.error().message.contains(u"already sealed"));
        QCOMPARE(sealer->chunksSealed(), quint32(1));
    }

    void rejected_data()
    {
        QTest::addColumn<QByteArray>("attack");
        QTest::addColumn<QByteArray>("expected");
        const auto row = [](const char *name, const char *attack, const char *expected) {
            QTest::newRow(name) << QByteArray(attack) << QByteArray(expected);
        };
        row("flipped byte", "flip", "Chunk 2 failed its integrity check: its bytes were altered");
        row("flipped tag bit", "flipTag",
            "Chunk 4 failed its integrity check: its bytes were altered");
        row("dropped chunk", "drop", "Chunk 2 is missing: chunk 3 arrived in its place");
        row("swapped chunks", "swap", "Chunk 2 is missing: chunk 3 arrived in its place");
        row("replayed chunk", "replay", "Chunk 1 arrived again where chunk 2 was expected");
        row("truncated stream", "truncate",
            "ended after 3 chunks without its final chunk: the file was truncated");
        row("spliced from another key", "otherKey",
            "Chunk 2 failed its integrity check: its bytes were altered, or it "
            "belongs to another transfer");
        row("spliced, same key, other prefix", "otherPrefix", "Chunk 2 failed its integrity check");
        row("spliced, same key and prefix, other transfer id", "otherTransferId",
            "Chunk 2 failed its integrity check");
        row("last flag forged on a middle chunk", "forgeLast",
            "Chunk 2 was announced as the final chunk but was sealed as a "
            "middle one");
        row("final chunk announced as middle", "hideLast",
            "Chunk 4 was sealed as the final chunk but was announced as a "
            "middle one");
        row("data after the final chunk", "after", "Data arrived after the final chunk (chunk 4)");
        row("chunk shorter than a tag", "tiny",
            "Chunk 2 is 5 bytes, too short to hold its 16-byte authentication tag");
        row("chunk longer than the chunk size", "huge",
            "Chunk 2 is 1041 bytes, more than the chunk size of 1024");
    }

    void rejected()
    {
        QFETCH(QByteArray, attack);
        QFETCH(QByteArray, expected);
        const FileKey key = FileKey::generate();
        const QByteArray data = testData(4 * SmallChunk + 100); // chunks 0..4, 4 is final
        const SealedFile file = sealFile(key, "t1", data, SmallChunk);
        QCOMPARE(file.chunks.size(), 5);
        auto stream = inOrder(file.chunks);

        // The same plaintext sealed by other transfers, for splicing.
        FileKey otherPrefix = key;
        otherPrefix.noncePrefix[0] = char(otherPrefix.noncePrefix[0] ^ 0x80);

        if (attack == "flip") {
            stream[2].first[100] = char(stream[2].first[100] ^ 0x01);
        } else if (attack == "flipTag") {
            QByteArray &last = stream[4].first;
            last[last.size() - 1] = char(last[last.size() - 1] ^ 0x40);
        } else if (attack == "drop") {
            stream.removeAt(2);
        } else if (attack == "swap") {
            stream.swapItemsAt(2, 3);
        } else if (attack == "replay") {
            stream[2] = stream[1];
        } else if (attack == "truncate") {
            stream = stream.mid(0, 3);
        } else if (attack == "otherKey") {
            stream[2].first = sealFile(FileKey::generate(), "t1", data, SmallChunk).chunks[2];
        } else if (attack == "otherPrefix") {
            stream[2].first = sealFile(otherPrefix, "t1", data, SmallChunk).chunks[2];
        } else if (attack == "otherTransferId") {
            stream[2].first = sealFile(key, "t2", data, SmallChunk).chunks[2];
        } else if (attack == "forgeLast") {
            stream[2].second = ChunkPosition::Final;
        } else if (attack == "hideLast") {
            stream[4].second = ChunkPosition::Middle;
        } else if (attack == "after") {
            stream.append({file.chunks[3], ChunkPosition::Middle});
        } else if (attack == "tiny") {
            stream[2].first = stream[2].first.left(5);
        } else if (attack == "huge") {
            stream[2].first.append('x');
        } else {
            QFAIL("unknown attack");
        }
        const QString message = openAll(key, "t1", stream, SmallChunk);
        QVERIFY2(message.contains(QString::fromUtf8(expected)), qPrintable(message));
        // The untouched stream opens, so the failure is the attack's doing.
        QCOMPARE(openAll(key, "t1", inOrder(file.chunks), SmallChunk), QString());
    }

    void failedTransferStaysFailed()
    {
        const FileKey key = FileKey::generate();
        const SealedFile file = sealFile(key, {}, testData(3 * SmallChunk), SmallChunk);
        auto opener = FileOpener::create(key, {}, SmallChunk);
        QVERIFY(opener.ok());
        QVERIFY(!opener->open(file.chunks[1], ChunkPosition::Middle).ok());
        // The right chunk after a rejected one is refused too.
        auto next = opener->open(file.chunks[0], ChunkPosition::Middle);
        QVERIFY(!next);
        QVERIFY2(next.error().message.contains(u"already failed"),
                 qPrintable(next.error().message));
        const Status done = opener->finish();
        QVERIFY(!done);
        QVERIFY(done.error().message.contains(u"Chunk 0 is missing"));
        QVERIFY(opener->md5().isEmpty());
    }

    // Resuming: each side feeds back the chunks it kept, and the stream
    // continues as if it had never stopped.
    void resume_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("kept");
        QTest::newRow("nothing kept") << 5 * SmallChunk + 7 << 0;
        QTest::newRow("one kept") << 5 * SmallChunk + 7 << 1;
        QTest::newRow("all but the final") << 5 * SmallChunk + 7 << 5;
        QTest::newRow("exact multiple, all but the final") << 4 * SmallChunk << 3;
    }

    void resume()
    {
        QFETCH(int, size);
        QFETCH(int, kept);
        const QByteArray data = testData(size);
        const FileKey key = FileKey::generate();
        const SealedFile whole = sealFile(key, "t2", data, SmallChunk);

        // The sender resumes after `kept` chunks: it absorbs them and seals
        // the rest, which are the very chunks of the uninterrupted stream.
        auto sealer = FileSealer::create(key, "t2", SmallChunk);
        QVERIFY(sealer.ok());
        for (int i = 0; i < kept; ++i)
            QVERIFY(sealer->absorb(data.mid(qsizetype(i) * SmallChunk, SmallChunk)).ok());
        QCOMPARE(sealer->chunksSealed(), quint32(kept));
        QList<QByteArray> rest;
        for (qsizetype i = kept; i < whole.chunks.size(); ++i) {
            const bool last = i == whole.chunks.size() - 1;
            auto chunk = sealer->seal(data.mid(i * SmallChunk, SmallChunk),
                                      last ? ChunkPosition::Final : ChunkPosition::Middle);
            QVERIFY(chunk.ok());
            QCOMPARE(*chunk, whole.chunks[i]);
            rest.append(*chunk);
        }
        QCOMPARE(sealer->md5(), whole.md5);
        QCOMPARE(sealer->sha256(), whole.sha256);

        // The receiver kept the same chunks: absorbs them, opens the rest,
        // and its digests cover the whole file.
        auto opener = FileOpener::create(key, "t2", SmallChunk);
        QVERIFY(opener.ok());
        for (int i = 0; i < kept; ++i)
            QVERIFY(opener->absorb(data.mid(qsizetype(i) * SmallChunk, SmallChunk)).ok());
        QCOMPARE(opener->chunksOpened(), quint32(kept));
        for (qsizetype i = 0; i < rest.size(); ++i)
            QVERIFY(opener
                        ->open(rest[i],
                               i == rest.size() - 1 ? ChunkPosition::Final : ChunkPosition::Middle)
                        .ok());
        QVERIFY(opener->finish().ok());
        QCOMPARE(opener->md5(), QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex());
        QCOMPARE(opener->sha256(), whole.sha256);
    }

    void resumeContinuesTheCounter()
    {
        const QByteArray data = testData(3 * SmallChunk);
        const FileKey key = FileKey::generate();
        const SealedFile whole = sealFile(key, "t3", data, SmallChunk);
        auto opener = FileOpener::create(key, "t3", SmallChunk);
        QVERIFY(opener.ok());
        QVERIFY(opener->absorb(data.left(SmallChunk)).ok());
        // Chunk 0 again after absorbing it: a replay, refused.
        auto replay = opener->open(whole.chunks[0], ChunkPosition::Middle);
        QVERIFY(!replay);
        QVERIFY2(replay.error().message.contains(u"chunk 0") ||
                     replay.error().message.contains(u"Chunk 0"),
                 qPrintable(replay.error().message));
        // The failed opener refuses to absorb as well.
        QVERIFY(!opener->absorb(data.mid(SmallChunk, SmallChunk)).ok());
    }

    void absorbedBytesAreHashed()
    {
        // A receiver that absorbs something other than what the sender
        // held ends with other digests: the final check catches it.
        const QByteArray data = testData(2 * SmallChunk + 5);
        const FileKey key = FileKey::generate();
        const SealedFile whole = sealFile(key, "t4", data, SmallChunk);
        auto opener = FileOpener::create(key, "t4", SmallChunk);
        QVERIFY(opener.ok());
        QByteArray wrong = data.left(SmallChunk);
        wrong[10] = char(wrong[10] ^ 1);
        QVERIFY(opener->absorb(wrong).ok());
        QVERIFY(opener->open(whole.chunks[1], ChunkPosition::Middle).ok());
        QVERIFY(opener->open(whole.chunks[2], ChunkPosition::Final).ok());
        QVERIFY(opener->finish().ok());
        QVERIFY(opener->md5() != whole.md5);
        QVERIFY(opener->sha256() != whole.sha256);
    }

    void absorbRefusesMisuse()
    {
        const FileKey key = FileKey::generate();
        auto sealer = FileSealer::create(key, {}, 4);
        QVERIFY(sealer.ok());
        auto partial = sealer->absorb("abc");
        QVERIFY(!partial);
        QVERIFY2(partial.error().message.contains(u"only whole middle chunks"),
                 qPrintable(partial.error().message));
        QCOMPARE(sealer->chunksSealed(), quint32(0));
        QVERIFY(sealer->seal("ab", ChunkPosition::Final).ok());
        auto afterFinal = sealer->absorb("abcd");
        QVERIFY(!afterFinal);
        QVERIFY(afterFinal.error().message.contains(u"final chunk was already"));

        auto opener = FileOpener::create(key, {}, 4);
        QVERIFY(opener.ok());
        QVERIFY(!opener->absorb("abcde").ok());
        QCOMPARE(opener->chunksOpened(), quint32(0));
    }
};

QTEST_GUILESS_MAIN(TestFileCipher)
#include "tst_filecipher.moc"
