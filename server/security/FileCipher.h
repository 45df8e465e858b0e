// Per-transfer file encryption: the STREAM construction (Hoang, Reyhanitabar,
// Rogaway, Vizár, "Online Authenticated-Encryption and its Nonce-Reuse
// Misuse-Resistance", 2015) over AES-256-GCM. Every transfer has a fresh key
// and a 7-byte nonce prefix; chunk i is sealed under the 12-byte nonce
//     prefix (7) || big-endian uint32 i (4) || 0x01 if final else 0x00 (1)
// with the transfer id as additional data, and sent as ciphertext || 16-byte
// tag (the nonce is implicit, never sent). So a chunk moved to another place,
// taken from another transfer, or a stream cut short all fail to open.
// Every chunk but the final one holds exactly chunkSize bytes of plaintext;
// the final one 0..chunkSize (an empty file is one empty final chunk).
// Both ends also hash the plaintext (MD5 for ThingWorx compatibility, and
// SHA-256) so that the receiver can compare with the sender's digests.
#pragma once

#include "core/Result.h"

#include <QByteArray>

#include <memory>

namespace Bulwark {

inline constexpr int FileKeySize = 32;
inline constexpr int FileNoncePrefixSize = 7;
inline constexpr int FileChunkTagSize = 16;
inline constexpr int DefaultFileChunkSize = 256 * 1024;
inline constexpr int MaximumFileChunkSize = 16 * 1024 * 1024;

enum class ChunkPosition
{
    Middle, // more chunks follow
    Final,  // the last chunk of the stream
};

// The secret of one transfer, sent in the control message over the
// authenticated channel.
struct FileKey
{
    QByteArray key;         // FileKeySize random bytes
    QByteArray noncePrefix; // FileNoncePrefixSize random bytes

    [[nodiscard]] static FileKey generate(); // CSPRNG; cannot fail (Crypto::randomBytes)
    // For a key received from the peer: checks both sizes.
    [[nodiscard]] static Result<FileKey> fromBytes(const QByteArray &key,
                                                   const QByteArray &noncePrefix);
};

// The 12-byte GCM nonce of chunk `index`; public so the layout can be tested
// and written down in docs/protocol.md.
[[nodiscard]] QByteArray fileChunkNonce(const QByteArray &noncePrefix, quint32 index,
                                        ChunkPosition position);

// The sending end: seals chunks in order and hashes the plaintext.
class FileSealer final
{
public:
    // Fails on a key or prefix of the wrong size or a chunk size outside
    // 1..MaximumFileChunkSize. transferId (may be empty) is bound to every
    // chunk as additional data; the opener must be given the same one.
    [[nodiscard]] static Result<FileSealer> create(const FileKey &key, const QByteArray &transferId,
                                                   int chunkSize = DefaultFileChunkSize);
    FileSealer(FileSealer &&) noexcept;
    FileSealer &operator=(FileSealer &&) noexcept;
    ~FileSealer();

    // A Middle chunk must hold exactly chunkSize bytes, a Final one at most
    // chunkSize. Refuses anything once the final chunk is sealed.
    [[nodiscard]] Result<QByteArray> seal(const QByteArray &plaintext, ChunkPosition position);
    // Resuming: counts a middle chunk the receiver already holds (it is not
    // sent again) and hashes it, so that the digests cover the whole file.
    // Same size rules as seal() for a middle chunk.
    [[nodiscard]] Status absorb(const QByteArray &plaintext);

    [[nodiscard]] int chunkSize() const;
    [[nodiscard]] quint32 chunksSealed() const;
    [[nodiscard]] bool isFinished() const; // the final chunk was sealed
    // Lowercase hex of the whole plaintext; empty until isFinished().
    [[nodiscard]] QByteArray md5() const;
    [[nodiscard]] QByteArray sha256() const;

private:
    struct Private;
    explicit FileSealer(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

// The receiving end: opens chunks in order, says in words which check a
// rejected chunk failed, and hashes the verified plaintext. After a rejected
// chunk the opener refuses everything: the transfer has failed.
class FileOpener final
{
public:
    [[nodiscard]] static Result<FileOpener> create(const FileKey &key, const QByteArray &transferId,
                                                   int chunkSize = DefaultFileChunkSize);
    FileOpener(FileOpener &&) noexcept;
    FileOpener &operator=(FileOpener &&) noexcept;
    ~FileOpener();

    // position is what the sender's framing claims; a claim that does not
    // match what was sealed fails.
    [[nodiscard]] Result<QByteArray> open(const QByteArray &sealed, ChunkPosition position);
    // Resuming: feeds back, in order, a middle chunk that was opened and kept
    // in an earlier attempt of the same transfer, so that the counter and
    // the digests continue where they stopped. Must be exactly chunkSize bytes.
    [[nodiscard]] Status absorb(const QByteArray &plaintext);
    // Fails if the stream ended before its final chunk (truncation) or a
    // chunk was rejected.
    [[nodiscard]] Status finish() const;

    [[nodiscard]] int chunkSize() const;
    [[nodiscard]] quint32 chunksOpened() const;
    [[nodiscard]] bool isFinished() const; // the final chunk was opened
    // Lowercase hex of the verified plaintext; empty until isFinished().
    [[nodiscard]] QByteArray md5() const;
    [[nodiscard]] QByteArray sha256() const;

private:
    struct Private;
    explicit FileOpener(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace Bulwark
