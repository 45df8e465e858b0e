#include "FileCipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <limits>
#include <optional>

namespace Bulwark {

namespace {

struct CipherContextDeleter
{
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

struct DigestContextDeleter
{
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;

// How far either side of the expected chunk a rejected chunk is looked for,
// only to name the failure (reordered, dropped, replayed); the decision to
// reject never depends on it.
constexpr quint32 DiagnosisWindow = 32;

Error cipherError(const char *what)
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("File encryption failed (%1).").arg(QString::fromLatin1(what)));
}

const auto *bytes(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

Status checkParameters(const FileKey &key, int chunkSize)
{
    if (key.key.size() != FileKeySize || key.noncePrefix.size() != FileNoncePrefixSize)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("A file transfer key must be %1 bytes with a %2-byte nonce "
                                        "prefix; got %3 and %4 bytes.")
                             .arg(FileKeySize)
                             .arg(FileNoncePrefixSize)
                             .arg(key.key.size())
                             .arg(key.noncePrefix.size()));
    if (chunkSize < 1 || chunkSize > MaximumFileChunkSize)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("A file chunk size must be 1 to %1 bytes; got %2.")
                             .arg(MaximumFileChunkSize)
                             .arg(chunkSize));
    return {};
}

// One AES-256-GCM context keyed once per transfer; each chunk only sets its
// nonce, so the key schedule is not redone per chunk.
class ChunkCipher
{
public:
    Status init(const FileKey &key, const QByteArray &transferId, int encrypt)
    {
        m_prefix = key.noncePrefix;
        m_associatedData = transferId;
        m_encrypt = encrypt;
        m_ctx.reset(EVP_CIPHER_CTX_new());
        if (!m_ctx || EVP_CipherInit_ex(m_ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key.key),
                                        nullptr, encrypt) != 1)
            return cipherError("init");
        return {};
    }

    Result<QByteArray> seal(quint32 index, ChunkPosition position, const QByteArray &plaintext)
    {
        QByteArray out(plaintext.size() + FileChunkTagSize, Qt::Uninitialized);
        auto *o = reinterpret_cast<unsigned char *>(out.data());
        int len = 0;
        if (!start(index, position))
            return cipherError("nonce");
        if (EVP_EncryptUpdate(m_ctx.get(), o, &len, bytes(plaintext), int(plaintext.size())) != 1)
            return cipherError("update");
        int finalLen = 0;
        if (EVP_EncryptFinal_ex(m_ctx.get(), o + len, &finalLen) != 1)
            return cipherError("final");
        if (EVP_CIPHER_CTX_ctrl(m_ctx.get(), EVP_CTRL_GCM_GET_TAG, FileChunkTagSize,
                                o + plaintext.size()) != 1)
            return cipherError("tag");
        return out;
    }

    // The plaintext, or nothing when the chunk is not authentic under this
    // index and position. sealed holds at least the tag.
    std::optional<QByteArray> open(quint32 index, ChunkPosition position, const QByteArray &sealed)
    {
        const int textSize = int(sealed.size()) - FileChunkTagSize;
        QByteArray out(textSize, Qt::Uninitialized);
        auto *o = reinterpret_cast<unsigned char *>(out.data());
        int len = 0;
        QByteArray tag = sealed.right(FileChunkTagSize);
        if (!start(index, position) ||
            EVP_DecryptUpdate(m_ctx.get(), o, &len, bytes(sealed), textSize) != 1 ||
            EVP_CIPHER_CTX_ctrl(m_ctx.get(), EVP_CTRL_GCM_SET_TAG, FileChunkTagSize, tag.data()) !=
                1)
            return std::nullopt;
        int finalLen = 0;
        if (EVP_DecryptFinal_ex(m_ctx.get(), o + len, &finalLen) != 1)
            return std::nullopt;
        return out;
    }

private:
    bool start(quint32 index, ChunkPosition position)
    {
        const QByteArray nonce = fileChunkNonce(m_prefix, index, position);
        int len = 0;
        if (EVP_CipherInit_ex(m_ctx.get(), nullptr, nullptr, nullptr, bytes(nonce), m_encrypt) != 1)
            return false;
        return m_associatedData.isEmpty() ||
               EVP_CipherUpdate(m_ctx.get(), nullptr, &len, bytes(m_associatedData),
                                int(m_associatedData.size())) == 1;
    }

    CipherContext m_ctx;
    QByteArray m_prefix;
    QByteArray m_associatedData;
    int m_encrypt = 1;
};

// MD5 and SHA-256 of the plaintext, fed chunk by chunk.
class PlaintextDigests
{
public:
    Status init()
    {
        m_md5.reset(EVP_MD_CTX_new());
        m_sha256.reset(EVP_MD_CTX_new());
        if (!m_md5 || !m_sha256 || EVP_DigestInit_ex(m_md5.get(), EVP_md5(), nullptr) != 1 ||
            EVP_DigestInit_ex(m_sha256.get(), EVP_sha256(), nullptr) != 1)
            return cipherError("digest init");
        return {};
    }

    Status add(const QByteArray &data)
    {
        if (EVP_DigestUpdate(m_md5.get(), data.constData(), size_t(data.size())) != 1 ||
            EVP_DigestUpdate(m_sha256.get(), data.constData(), size_t(data.size())) != 1)
            return cipherError("digest update");
        return {};
    }

    Status finish()
    {
        auto hex = [](EVP_MD_CTX *ctx, QByteArray &out) {
            unsigned char digest[EVP_MAX_MD_SIZE];
            unsigned int length = 0;
            if (EVP_DigestFinal_ex(ctx, digest, &length) != 1)
                return false;
            out = QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex();
            return true;
        };
        if (!hex(m_md5.get(), md5) || !hex(m_sha256.get(), sha256))
            return cipherError("digest final");
        return {};
    }

    QByteArray md5;
    QByteArray sha256;

private:
    DigestContext m_md5;
    DigestContext m_sha256;
};

} // namespace

FileKey FileKey::generate()
{
    // RAND_bytes directly rather than Crypto::randomBytes: this file is also
    // linked into the edge SDK, which has no server crypto.
    auto random = [](int count) {
        QByteArray out(count, Qt::Uninitialized);
        if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1)
            qFatal("OpenSSL could not produce random bytes for a file transfer key.");
        return out;
    };
    return FileKey{random(FileKeySize), random(FileNoncePrefixSize)};
}

Result<FileKey> FileKey::fromBytes(const QByteArray &key, const QByteArray &noncePrefix)
{
    FileKey fileKey{key, noncePrefix};
    if (Status status = checkParameters(fileKey, DefaultFileChunkSize); !status)
        return status.error();
    return fileKey;
}

QByteArray fileChunkNonce(const QByteArray &noncePrefix, quint32 index, ChunkPosition position)
{
    QByteArray nonce = noncePrefix.left(FileNoncePrefixSize);
    nonce.append(char(index >> 24));
    nonce.append(char(index >> 16));
    nonce.append(char(index >> 8));
    nonce.append(char(index));
    nonce.append(position == ChunkPosition::Final ? '\x01' : '\x00');
    return nonce;
}

namespace {

// The state both ends of a stream start from: checked parameters, the
// cipher (encrypt 1 for the sealer, 0 for the opener) and the digests.
template <typename State>
Result<std::unique_ptr<State>> startStream(const FileKey &key, const QByteArray &transferId,
                                           int chunkSize, int encrypt)
{
    if (Status status = checkParameters(key, chunkSize); !status)
        return status.error();
    auto d = std::make_unique<State>();
    d->chunkSize = chunkSize;
    if (Status status = d->cipher.init(key, transferId, encrypt); !status)
        return status.error();
    if (Status status = d->digests.init(); !status)
        return status.error();
    return d;
}

// Resuming at either end: a middle chunk already held counts and is hashed.
template <typename State>
Status absorbChunk(State &d, const QByteArray &plaintext, const char *side)
{
    if (d.finished)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The final chunk was already %1; nothing may follow it.")
                             .arg(QString::fromLatin1(side)));
    if (plaintext.size() != d.chunkSize)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("A chunk kept from an earlier attempt holds %1 bytes; "
                                        "only whole middle chunks of %2 bytes can be resumed.")
                             .arg(plaintext.size())
                             .arg(d.chunkSize));
    if (d.next == std::numeric_limits<quint32>::max())
        return makeError(ErrorCode::PayloadTooLarge,
                         QStringLiteral("The file has too many chunks for one transfer."));
    if (Status status = d.digests.add(plaintext); !status)
        return status;
    ++d.next;
    return {};
}

} // namespace

// ---- FileSealer

struct FileSealer::Private
{
    ChunkCipher cipher;
    PlaintextDigests digests;
    int chunkSize = DefaultFileChunkSize;
    quint32 next = 0;
    bool finished = false;
};

FileSealer::FileSealer(std::unique_ptr<Private> d)
    : d(std::move(d))
{}
FileSealer::FileSealer(FileSealer &&) noexcept = default;
FileSealer &FileSealer::operator=(FileSealer &&) noexcept = default;
FileSealer::~FileSealer() = default;

Result<FileSealer> FileSealer::create(const FileKey &key, const QByteArray &transferId,
                                      int chunkSize)
{
    auto d = startStream<Private>(key, transferId, chunkSize, 1);
    if (!d)
        return d.error();
    return FileSealer(std::move(*d));
}

Result<QByteArray> FileSealer::seal(const QByteArray &plaintext, ChunkPosition position)
{
    if (d->finished)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The final chunk of this file was already sealed; nothing "
                                        "may follow it."));
    if (position == ChunkPosition::Middle && plaintext.size() != d->chunkSize)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Chunk %1 is a middle chunk of %2 bytes; every chunk but "
                                        "the final one must hold exactly %3 bytes.")
                             .arg(d->next)
                             .arg(plaintext.size())
                             .arg(d->chunkSize));
    if (plaintext.size() > d->chunkSize)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Chunk %1 holds %2 bytes, more than the chunk size of %3.")
                             .arg(d->next)
                             .arg(plaintext.size())
                             .arg(d->chunkSize));
    if (position == ChunkPosition::Middle && d->next == std::numeric_limits<quint32>::max())
        return makeError(ErrorCode::PayloadTooLarge,
                         QStringLiteral("The file has too many chunks for one transfer; use a "
                                        "larger chunk size."));
    auto sealed = d->cipher.seal(d->next, position, plaintext);
    if (!sealed)
        return sealed;
    if (Status status = d->digests.add(plaintext); !status)
        return status.error();
    ++d->next;
    if (position == ChunkPosition::Final) {
        d->finished = true;
        if (Status status = d->digests.finish(); !status)
            return status.error();
    }
    return sealed;
}

Status FileSealer::absorb(const QByteArray &plaintext)
{
    return absorbChunk(*d, plaintext, "sealed");
}

int FileSealer::chunkSize() const
{
    return d->chunkSize;
}

quint32 FileSealer::chunksSealed() const
{
    return d->next;
}

bool FileSealer::isFinished() const
{
    return d->finished;
}

QByteArray FileSealer::md5() const
{
    return d->digests.md5;
}

QByteArray FileSealer::sha256() const
{
    return d->digests.sha256;
}

// ---- FileOpener

struct FileOpener::Private
{
    ChunkCipher cipher;
    PlaintextDigests digests;
    int chunkSize = DefaultFileChunkSize;
    quint32 next = 0;
    bool finished = false;
    std::optional<Error> failure;

    Error reject(QString message)
    {
        failure = makeError(ErrorCode::BadRequest, std::move(message));
        return *failure;
    }

    // The chunk did not open as chunk `next` at the claimed position; find
    // out what it is, only to say so.
    Error diagnose(const QByteArray &sealed, ChunkPosition claimed)
    {
        const ChunkPosition other =
            claimed == ChunkPosition::Final ? ChunkPosition::Middle : ChunkPosition::Final;
        if (cipher.open(next, other, sealed)) {
            if (claimed == ChunkPosition::Final)
                return reject(QStringLiteral("Chunk %1 was announced as the final chunk but was "
                                             "sealed as a middle one: the last-chunk flag is "
                                             "wrong and the file would be truncated.")
                                  .arg(next));
            return reject(QStringLiteral("Chunk %1 was sealed as the final chunk but was "
                                         "announced as a middle one: the last-chunk flag is wrong.")
                              .arg(next));
        }
        const quint64 low = next > DiagnosisWindow ? next - DiagnosisWindow : 0;
        const quint64 high =
            std::min<quint64>(quint64(next) + DiagnosisWindow, std::numeric_limits<quint32>::max());
        for (quint64 index = low; index <= high; ++index) {
            if (index == next)
                continue;
            if (!cipher.open(index, ChunkPosition::Middle, sealed) &&
                !cipher.open(index, ChunkPosition::Final, sealed))
                continue;
            if (index > next)
                return reject(QStringLiteral("Chunk %1 is missing: chunk %2 arrived in its place, "
                                             "so chunks were dropped or reordered.")
                                  .arg(next)
                                  .arg(index));
            return reject(QStringLiteral("Chunk %1 arrived again where chunk %2 was expected: "
                                         "chunks were reordered or replayed.")
                              .arg(index)
                              .arg(next));
        }
        return reject(QStringLiteral("Chunk %1 failed its integrity check: its bytes were altered, "
                                     "or it belongs to another transfer.")
                          .arg(next));
    }
};

FileOpener::FileOpener(std::unique_ptr<Private> d)
    : d(std::move(d))
{}
FileOpener::FileOpener(FileOpener &&) noexcept = default;
FileOpener &FileOpener::operator=(FileOpener &&) noexcept = default;
FileOpener::~FileOpener() = default;

Result<FileOpener> FileOpener::create(const FileKey &key, const QByteArray &transferId,
                                      int chunkSize)
{
    auto d = startStream<Private>(key, transferId, chunkSize, 0);
    if (!d)
        return d.error();
    return FileOpener(std::move(*d));
}

Result<QByteArray> FileOpener::open(const QByteArray &sealed, ChunkPosition position)
{
    if (d->failure)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The transfer already failed (%1) and cannot go on.")
                             .arg(d->failure->message));
    if (d->finished)
        return d->reject(QStringLiteral("Data arrived after the final chunk (chunk %1): nothing "
                                        "may follow it.")
                             .arg(d->next - 1));
    if (sealed.size() < FileChunkTagSize)
        return d->reject(QStringLiteral("Chunk %1 is %2 bytes, too short to hold its %3-byte "
                                        "authentication tag.")
                             .arg(d->next)
                             .arg(sealed.size())
                             .arg(FileChunkTagSize));
    if (sealed.size() > qsizetype(d->chunkSize) + FileChunkTagSize)
        return d->reject(QStringLiteral("Chunk %1 is %2 bytes, more than the chunk size of %3 "
                                        "plus its tag.")
                             .arg(d->next)
                             .arg(sealed.size())
                             .arg(d->chunkSize));
    std::optional<QByteArray> plaintext = d->cipher.open(d->next, position, sealed);
    if (!plaintext)
        return d->diagnose(sealed, position);
    // Authentic, so our sealer made it; a different sealer could still break
    // the size rule that resuming at chunk * chunkSize relies on.
    if (position == ChunkPosition::Middle && plaintext->size() != d->chunkSize)
        return d->reject(QStringLiteral("Chunk %1 is a middle chunk of %2 bytes; every chunk but "
                                        "the final one must hold exactly %3 bytes.")
                             .arg(d->next)
                             .arg(plaintext->size())
                             .arg(d->chunkSize));
    if (Status status = d->digests.add(*plaintext); !status)
        return status.error();
    ++d->next;
    if (position == ChunkPosition::Final) {
        d->finished = true;
        if (Status status = d->digests.finish(); !status)
            return status.error();
    }
    return std::move(*plaintext);
}

Status FileOpener::absorb(const QByteArray &plaintext)
{
    if (d->failure)
        return *d->failure;
    return absorbChunk(*d, plaintext, "opened");
}

Status FileOpener::finish() const
{
    if (d->failure)
        return *d->failure;
    if (!d->finished)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The transfer ended after %1 chunks without its final "
                                        "chunk: the file was truncated.")
                             .arg(d->next));
    return {};
}

int FileOpener::chunkSize() const
{
    return d->chunkSize;
}

quint32 FileOpener::chunksOpened() const
{
    return d->next;
}

bool FileOpener::isFinished() const
{
    return d->finished;
}

QByteArray FileOpener::md5() const
{
    return d->digests.md5;
}

QByteArray FileOpener::sha256() const
{
    return d->digests.sha256;
}

} // namespace Bulwark
