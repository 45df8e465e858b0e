// Writes the seed corpus of fuzz_chunk_frame: validly sealed transfers in the
// target's input format, and a few broken ones. Run once when ChunkFixture.h
// changes:  fuzz_chunk_seeds tests/fuzz/corpus/chunk_frame
#include "ChunkFixture.h"
#include "edge/EdgeDecode.h"

#include <QDir>
#include <QFile>
#include <QtEndian>

#include <cstdio>

using namespace Bulwark;
namespace Chunks = BulwarkFuzz::Chunks;

namespace {

QByteArray record(const QByteArray &frame)
{
    char length[2];
    qToBigEndian(quint16(frame.size()), length);
    return QByteArray(length, 2) + frame;
}

// The frames of a whole transfer of plaintext.
QList<QByteArray> transfer(const QByteArray &plaintext)
{
    auto sealer = FileSealer::create(Chunks::key(), Chunks::aad(), Chunks::ChunkSize);
    QList<QByteArray> frames;
    qsizetype at = 0;
    quint32 index = 0;
    do {
        const QByteArray part = plaintext.mid(at, Chunks::ChunkSize);
        at += part.size();
        const bool final = at >= plaintext.size() && part.size() < Chunks::ChunkSize;
        const bool last = final || (at >= plaintext.size() && part.isEmpty());
        auto sealed = sealer->seal(part, last ? ChunkPosition::Final : ChunkPosition::Middle);
        frames.append(EdgeDecode::chunkFrameHeader(Chunks::transfer(), index++, last) + *sealed);
        if (last)
            break;
    } while (true);
    return frames;
}

QByteArray records(const QList<QByteArray> &frames)
{
    QByteArray out;
    for (const QByteArray &frame : frames)
        out += record(frame);
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
        return 2;
    }
    const QString dir = QString::fromLocal8Bit(argv[1]);
    QDir().mkpath(dir);
    const auto write = [&](const char *name, const QByteArray &content) {
        QFile file(dir + u'/' + QLatin1StringView(name));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(content) != content.size())
            std::fprintf(stderr, "cannot write %s\n", name);
    };
    const QByteArray text = "Firmware image v2.1 for Pump1; the quick brown fox jumps over the "
                            "lazy dog, twice: the quick brown fox jumps over the lazy dog.";
    write("small-file", records(transfer("hello, device")));
    write("empty-file", records(transfer({})));
    write("three-chunks", records(transfer(text)));
    write("exact-chunk", records(transfer(text.first(Chunks::ChunkSize))));
    QList<QByteArray> frames = transfer(text);
    std::swap(frames[0], frames[1]);
    write("out-of-order", records(frames));
    frames = transfer(text);
    frames[1][20] = char(0x03);
    write("unknown-flags", records(frames));
    frames = transfer(text);
    frames[1][30] = char(frames[1][30] ^ 0x01);
    write("tampered", records(frames));
    frames = transfer(text);
    frames.removeLast();
    write("truncated-stream", records(frames));
    write("short-frame", record(QByteArray(20, '\x01')));
    return 0;
}
