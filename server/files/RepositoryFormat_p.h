// The at-rest format of repository files (FileRepository.cpp); private to
// server/files.
//
// Layout of one file:
//
//   offset  size
//   0       5    magic "BWRF1"
//   5       1    state: 0 staging, 1 committed
//   6       4    chunk size, big-endian
//   10      8    plaintext size, big-endian
//   18      16   MD5 of the plaintext (zero while staging)
//   34      32   SHA-256 of the plaintext (zero while staging)
//   66      2    length n of the sealed text, big-endian
//   68      n    Vault-sealed (repository_files, key, "<repo id>/<path>"):
//                key, nonce prefix, and the fields above again
//   …       …    zero padding up to HeaderSize
//   512     …    the STREAM chunks (FileCipher) of the plaintext, each
//                chunk size + 16 bytes but the final one
//
// The plain copies of size and digests serve listings and the quota
// without the vault; the sealed copy is the authority, and a reader refuses
// a file whose plain fields disagree with it. The chunks are sealed with
// "<repo id>/<path>" as additional data, so a file moved or copied to another
// path on disk does not open.
#pragma once

#include "core/Result.h"
#include "security/FileCipher.h"
#include "security/Vault.h"

#include <QByteArray>
#include <QString>
#include <QtEndian>

#include <openssl/evp.h>

#include <optional>

namespace Bulwark::RepositoryFormat {

inline constexpr qint64 HeaderSize = 512;
inline constexpr int PlainFieldsSize = 66; // through the SHA-256
inline constexpr int Md5Size = 16;
inline constexpr int Sha256Size = 32;
inline const QByteArray kMagic("BWRF1");
inline const QByteArray kPayloadTag("BWRF1 key");
inline const QString kPurpose = QStringLiteral("repository_files");

enum class FileState : quint8
{
    Staging = 0,
    Committed = 1,
};

struct Header
{
    FileState state = FileState::Staging;
    int chunkSize = 0;
    qint64 size = 0;
    QByteArray md5;    // raw, Md5Size bytes
    QByteArray sha256; // raw, Sha256Size bytes
    FileKey key;
};

inline qint64 chunkCount(qint64 size, int chunkSize)
{
    return size == 0 ? 1 : (size + chunkSize - 1) / chunkSize;
}

inline qint64 storedSize(qint64 size, int chunkSize)
{
    return HeaderSize + size + chunkCount(size, chunkSize) * FileChunkTagSize;
}

inline SealContext sealContext(const QString &repoId, const QString &path)
{
    return SealContext{kPurpose, QStringLiteral("key"), repoId + u'/' + path};
}

inline QByteArray associatedData(const QString &repoId, const QString &path)
{
    return (repoId + u'/' + path).toUtf8();
}

inline QByteArray plainFields(const Header &h)
{
    QByteArray out;
    out.reserve(PlainFieldsSize);
    out.append(kMagic);
    out.append(char(h.state));
    char buffer[8];
    qToBigEndian(quint32(h.chunkSize), buffer);
    out.append(buffer, 4);
    qToBigEndian(quint64(h.size), buffer);
    out.append(buffer, 8);
    out.append(h.md5.isEmpty() ? QByteArray(Md5Size, '\0') : h.md5);
    out.append(h.sha256.isEmpty() ? QByteArray(Sha256Size, '\0') : h.sha256);
    return out;
}

inline Result<QByteArray> encodeHeader(const Vault &vault, const Header &h,
                                       const SealContext &where)
{
    const QByteArray fields = plainFields(h);
    const QByteArray payload = kPayloadTag + h.key.key + h.key.noncePrefix + fields;
    auto sealed = vault.seal(payload, where);
    if (!sealed)
        return sealed.error();
    const QByteArray text = sealed->toLatin1();
    if (PlainFieldsSize + 2 + text.size() > HeaderSize)
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("A repository file header does not fit in %1 bytes.").arg(HeaderSize));
    QByteArray out = fields;
    char length[2];
    qToBigEndian(quint16(text.size()), length);
    out.append(length, 2).append(text);
    out.append(QByteArray(HeaderSize - out.size(), '\0'));
    return out;
}

// The plain fields only (no vault): for listings and the quota.
inline std::optional<Header> decodePlain(const QByteArray &bytes)
{
    if (bytes.size() < PlainFieldsSize || !bytes.startsWith(kMagic))
        return std::nullopt;
    const auto *p = reinterpret_cast<const uchar *>(bytes.constData());
    Header h;
    if (p[5] > 1)
        return std::nullopt;
    h.state = FileState(p[5]);
    h.chunkSize = int(qFromBigEndian<quint32>(p + 6));
    h.size = qint64(qFromBigEndian<quint64>(p + 10));
    h.md5 = bytes.mid(18, Md5Size);
    h.sha256 = bytes.mid(34, Sha256Size);
    if (h.chunkSize < 1 || h.chunkSize > MaximumFileChunkSize || h.size < 0)
        return std::nullopt;
    return h;
}

// The whole header, checked: it opens under the vault for this place, and
// its plain fields are the sealed ones. what names the file in errors.
inline Result<Header> decodeHeader(const Vault &vault, const QByteArray &bytes,
                                   const SealContext &where, const QString &what)
{
    const auto altered = [&what](const QString &detail) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The stored file %1 was altered on disk (%2); restore it "
                                        "from a backup or store it again.")
                             .arg(what, detail));
    };
    auto plain = decodePlain(bytes);
    if (!plain)
        return altered(QStringLiteral("it does not start with a valid repository file header"));
    if (bytes.size() < PlainFieldsSize + 2)
        return altered(QStringLiteral("its header is cut short"));
    const auto *p = reinterpret_cast<const uchar *>(bytes.constData());
    const int length = qFromBigEndian<quint16>(p + PlainFieldsSize);
    if (PlainFieldsSize + 2 + length > bytes.size())
        return altered(QStringLiteral("its header is cut short"));
    auto opened = vault.open(QString::fromLatin1(bytes.mid(PlainFieldsSize + 2, length)), where);
    if (!opened)
        return altered(QStringLiteral("its key does not open for this repository and path: "
                                      "changed, or moved from another place"));
    const QByteArray &payload = *opened;
    const qsizetype expected =
        kPayloadTag.size() + FileKeySize + FileNoncePrefixSize + PlainFieldsSize;
    if (payload.size() != expected || !payload.startsWith(kPayloadTag))
        return altered(QStringLiteral("its sealed header has the wrong layout"));
    qsizetype at = kPayloadTag.size();
    plain->key.key = payload.mid(at, FileKeySize);
    at += FileKeySize;
    plain->key.noncePrefix = payload.mid(at, FileNoncePrefixSize);
    at += FileNoncePrefixSize;
    if (payload.mid(at) != bytes.left(PlainFieldsSize))
        return altered(QStringLiteral("its size or digests differ from the sealed ones"));
    return *plain;
}

// Opens chunk i of a stored file directly (random access), with the same
// nonce layout and additional data as FileSealer.
class ChunkReader
{
public:
    ~ChunkReader()
    {
        if (m_ctx)
            EVP_CIPHER_CTX_free(m_ctx);
    }

    Status init(const FileKey &key, QByteArray associatedData)
    {
        m_prefix = key.noncePrefix;
        m_aad = std::move(associatedData);
        m_ctx = EVP_CIPHER_CTX_new();
        if (!m_ctx ||
            EVP_DecryptInit_ex(m_ctx, EVP_aes_256_gcm(), nullptr,
                               reinterpret_cast<const uchar *>(key.key.constData()), nullptr) != 1)
            return makeError(ErrorCode::Internal, QStringLiteral("Cannot set up AES-256-GCM."));
        return {};
    }

    std::optional<QByteArray> open(quint32 index, ChunkPosition position, const QByteArray &sealed)
    {
        if (sealed.size() < FileChunkTagSize)
            return std::nullopt;
        const QByteArray nonce = fileChunkNonce(m_prefix, index, position);
        const int cipherLength = int(sealed.size()) - FileChunkTagSize;
        QByteArray out(cipherLength, Qt::Uninitialized);
        int written = 0;
        int last = 0;
        const auto *in = reinterpret_cast<const uchar *>(sealed.constData());
        auto *o = reinterpret_cast<uchar *>(out.data());
        QByteArray tag = sealed.right(FileChunkTagSize);
        if (EVP_DecryptInit_ex(m_ctx, nullptr, nullptr, nullptr,
                               reinterpret_cast<const uchar *>(nonce.constData())) != 1 ||
            (!m_aad.isEmpty() &&
             EVP_DecryptUpdate(m_ctx, nullptr, &written,
                               reinterpret_cast<const uchar *>(m_aad.constData()),
                               int(m_aad.size())) != 1) ||
            (cipherLength > 0 && EVP_DecryptUpdate(m_ctx, o, &written, in, cipherLength) != 1) ||
            EVP_CIPHER_CTX_ctrl(m_ctx, EVP_CTRL_GCM_SET_TAG, FileChunkTagSize, tag.data()) != 1 ||
            EVP_DecryptFinal_ex(m_ctx, o + (cipherLength > 0 ? written : 0), &last) != 1)
            return std::nullopt;
        return out;
    }

private:
    EVP_CIPHER_CTX *m_ctx = nullptr;
    QByteArray m_prefix;
    QByteArray m_aad;
};

// Seals chunk i of a file being written (the counterpart of ChunkReader),
// without hashing: for a writer whose caller already hashes the plaintext
// (a transfer's FileOpener), so that nothing is hashed twice. Same nonce
// layout, additional data and output (ciphertext || tag) as FileSealer.
class ChunkWriter
{
public:
    ChunkWriter() = default;
    ChunkWriter(const ChunkWriter &) = delete;
    ChunkWriter &operator=(const ChunkWriter &) = delete;
    ~ChunkWriter()
    {
        if (m_ctx)
            EVP_CIPHER_CTX_free(m_ctx);
    }

    Status init(const FileKey &key, QByteArray associatedData)
    {
        m_prefix = key.noncePrefix;
        m_aad = std::move(associatedData);
        m_ctx = EVP_CIPHER_CTX_new();
        if (!m_ctx ||
            EVP_EncryptInit_ex(m_ctx, EVP_aes_256_gcm(), nullptr,
                               reinterpret_cast<const uchar *>(key.key.constData()), nullptr) != 1)
            return makeError(ErrorCode::Internal, QStringLiteral("Cannot set up AES-256-GCM."));
        return {};
    }

    std::optional<QByteArray> seal(quint32 index, ChunkPosition position,
                                   const QByteArray &plaintext)
    {
        const QByteArray nonce = fileChunkNonce(m_prefix, index, position);
        QByteArray out(plaintext.size() + FileChunkTagSize, Qt::Uninitialized);
        auto *o = reinterpret_cast<uchar *>(out.data());
        int written = 0;
        int last = 0;
        if (EVP_EncryptInit_ex(m_ctx, nullptr, nullptr, nullptr,
                               reinterpret_cast<const uchar *>(nonce.constData())) != 1 ||
            (!m_aad.isEmpty() &&
             EVP_EncryptUpdate(m_ctx, nullptr, &written,
                               reinterpret_cast<const uchar *>(m_aad.constData()),
                               int(m_aad.size())) != 1))
            return std::nullopt;
        written = 0;
        if (!plaintext.isEmpty() &&
            EVP_EncryptUpdate(m_ctx, o, &written,
                              reinterpret_cast<const uchar *>(plaintext.constData()),
                              int(plaintext.size())) != 1)
            return std::nullopt;
        if (EVP_EncryptFinal_ex(m_ctx, o + written, &last) != 1 ||
            EVP_CIPHER_CTX_ctrl(m_ctx, EVP_CTRL_GCM_GET_TAG, FileChunkTagSize,
                                o + plaintext.size()) != 1)
            return std::nullopt;
        return out;
    }

private:
    EVP_CIPHER_CTX *m_ctx = nullptr;
    QByteArray m_prefix;
    QByteArray m_aad;
};

} // namespace Bulwark::RepositoryFormat
