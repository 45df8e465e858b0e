// The transfer the chunk frame target receives: a fixed key, nonce prefix,
// transfer id and a small chunk size, so that the seed corpus
// (fuzz_chunk_seeds) can hold validly sealed frames for the fuzzer to mutate.
// Input format: records of a 2-byte big-endian length and one binary frame.
#pragma once

#include "security/FileCipher.h"

#include <QByteArray>
#include <QUuid>

namespace BulwarkFuzz::Chunks {

inline constexpr int ChunkSize = 64;

inline QUuid transfer()
{
    return QUuid(QStringLiteral("6f1c0a52-3b7d-4e8a-9c21-5d0e7f4b2a10"));
}
// The additional data of every chunk: the id's 36-character lowercase form.
inline QByteArray aad()
{
    return transfer().toString(QUuid::WithoutBraces).toLatin1();
}
inline Bulwark::FileKey key()
{
    QByteArray key(Bulwark::FileKeySize, '\0');
    for (int i = 0; i < key.size(); ++i)
        key[i] = char(i + 1);
    auto made = Bulwark::FileKey::fromBytes(key, QByteArray(Bulwark::FileNoncePrefixSize, '\x5a'));
    return made ? *made : Bulwark::FileKey{};
}

} // namespace BulwarkFuzz::Chunks
