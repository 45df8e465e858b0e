// Edge protocol version 2 binary chunk frames (docs/protocol.md, "Binary
// frames"): the header as the server decodes it (EdgeDecode::chunkFrame),
// then the sealed chunks opened in order by a FileOpener as the receiving
// end does (the server's TransferManager and the SDK alike). The input is a
// sequence of frames (see ChunkFixture.h). What the opener verifies must be
// exactly what a FileSealer would have sent for that plaintext.
#include "ChunkFixture.h"
#include "FuzzCheck.h"
#include "edge/EdgeDecode.h"

#include <QList>
#include <QtEndian>

#include <cstddef>
#include <cstdint>

using namespace Bulwark;
namespace Chunks = BulwarkFuzz::Chunks;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    BulwarkFuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    auto opener = FileOpener::create(Chunks::key(), Chunks::aad(), Chunks::ChunkSize);
    FUZZ_CHECK(bool(opener));
    QList<QByteArray> plaintexts;
    QList<QByteArray> accepted; // the sealed chunks the opener verified
    bool failed = false;
    qsizetype at = 0;
    while (at + 2 <= input.size()) {
        const qsizetype length = qFromBigEndian<quint16>(input.constData() + at);
        const QByteArray frame = input.mid(at + 2, length);
        at += 2 + length;
        const auto decoded = EdgeDecode::chunkFrame(frame);
        if (!decoded) {
            FUZZ_CHECK(!decoded.error().message.isEmpty());
            continue;
        }
        FUZZ_CHECK(
            EdgeDecode::chunkFrameHeader(decoded->transfer, decoded->index, decoded->final) ==
            frame.first(EdgeDecode::ChunkHeaderSize));
        FUZZ_CHECK(decoded->sealed == frame.mid(EdgeDecode::ChunkHeaderSize));
        FUZZ_CHECK(decoded->sealed.size() >= FileChunkTagSize);
        // The receiver takes only the next chunk of a transfer it receives.
        if (failed || decoded->transfer != Chunks::transfer() ||
            decoded->index != opener->chunksOpened())
            continue;
        auto plaintext = opener->open(decoded->sealed, decoded->final ? ChunkPosition::Final
                                                                      : ChunkPosition::Middle);
        if (!plaintext) {
            FUZZ_CHECK(!plaintext.error().message.isEmpty());
            failed = true;
            continue;
        }
        FUZZ_CHECK(plaintext->size() <= Chunks::ChunkSize);
        FUZZ_CHECK(decoded->final || plaintext->size() == Chunks::ChunkSize);
        plaintexts.append(*plaintext);
        accepted.append(decoded->sealed);
    }
    if (failed) {
        FUZZ_CHECK(!opener->finish());
        return 0;
    }
    if (!opener->finish()) {
        FUZZ_CHECK(!opener->isFinished());
        return 0;
    }
    // A complete stream: sealing its plaintext again gives the same chunks.
    auto sealer = FileSealer::create(Chunks::key(), Chunks::aad(), Chunks::ChunkSize);
    FUZZ_CHECK(bool(sealer));
    for (qsizetype i = 0; i < plaintexts.size(); ++i) {
        const bool last = i + 1 == plaintexts.size();
        auto sealed =
            sealer->seal(plaintexts.at(i), last ? ChunkPosition::Final : ChunkPosition::Middle);
        FUZZ_CHECK(bool(sealed));
        FUZZ_CHECK(*sealed == accepted.at(i));
    }
    FUZZ_CHECK(sealer->sha256() == opener->sha256());
    FUZZ_CHECK(sealer->md5() == opener->md5());
    return 0;
}
