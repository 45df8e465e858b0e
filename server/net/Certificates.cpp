#include "Certificates.h"

#include "security/Crypto.h"

#include <QFile>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QSaveFile>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include <unistd.h>

Q_LOGGING_CATEGORY(lcTls, "bulwark.tls")

namespace Bulwark::Certificates {

namespace {

template <typename T, void (*Free)(T *)> struct Deleter
{
    void operator()(T *p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

Error failed(const char *step)
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("Could not make the self-signed TLS certificate (%1).")
                         .arg(QString::fromLatin1(step)));
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

bool addExtension(X509 *cert, int nid, const QByteArray &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.constData()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

Result<QByteArray> readFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("Cannot read the %1 %2: %3").arg(what, path, file.errorString()));
    return file.readAll();
}

} // namespace

Result<Identity> fromPem(const QByteArray &certPem, const QByteArray &keyPem,
                         const QString &certPath, const QString &keyPath)
{
    Identity id;
    const auto chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull())
        return makeError(ErrorCode::Internal,
                         QStringLiteral("%1 holds no PEM certificate.").arg(certPath));
    id.certificate = chain.first();
    for (auto algorithm : {QSsl::Ec, QSsl::Rsa}) {
        id.key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!id.key.isNull())
            break;
    }
    if (id.key.isNull())
        return makeError(
            ErrorCode::Internal,
            QStringLiteral("%1 holds no unencrypted PEM EC or RSA private key.").arg(keyPath));
    if (id.certificate.expiryDate() < QDateTime::currentDateTimeUtc())
        qCWarning(lcTls) << "The TLS certificate" << certPath << "expired on"
                         << id.certificate.expiryDate().toString(Qt::ISODate);
    return id;
}

Result<std::pair<QByteArray, QByteArray>>
makeSelfSigned(const QStringList &dnsNames, const QStringList &ipAddresses, int validDays)
{
    Key key(EVP_EC_gen("P-256"));
    if (!key)
        return failed("key");
    Cert cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return failed("certificate");

    const QByteArray serialBytes = Crypto::randomBytes(16);
    Bn serial(BN_bin2bn(reinterpret_cast<const unsigned char *>(serialBytes.constData()),
                        int(serialBytes.size()), nullptr));
    if (!serial)
        return failed("serial");
    BN_set_bit(serial.get(), 0);     // never zero
    BN_clear_bit(serial.get(), 127); // positive in 16 bytes
    if (!BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        return failed("serial");

    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(validDays) * 24 * 3600);
    X509_NAME *name = X509_get_subject_name(cert.get());
    const QByteArray cn = dnsNames.value(0, QStringLiteral("localhost")).toUtf8();
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("Bulwark self-signed"), -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_set_pubkey(cert.get(), key.get()) != 1)
        return failed("public key");

    QStringList san;
    for (const QString &dns : dnsNames)
        san << QStringLiteral("DNS:") + dns;
    for (const QString &ip : ipAddresses)
        san << QStringLiteral("IP:") + ip;
    if (!addExtension(cert.get(), NID_subject_alt_name, san.join(u',').toUtf8()) ||
        !addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
        !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature") ||
        !addExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
        !addExtension(cert.get(), NID_subject_key_identifier, "hash"))
        return failed("extensions");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return failed("signature");

    Bio certBio(BIO_new(BIO_s_mem()));
    Bio keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1)
        return failed("PEM");
    return std::pair{bioContents(certBio.get()), bioContents(keyBio.get())};
}

Result<std::pair<QByteArray, QByteArray>> makeLocalSelfSigned()
{
    QStringList dns{QStringLiteral("localhost")};
    const QString host = QHostInfo::localHostName();
    if (!host.isEmpty() && host != u"localhost")
        dns << host;
    return makeSelfSigned(dns, {QStringLiteral("127.0.0.1"), QStringLiteral("::1")}, 825);
}

Result<Identity> loadFiles(const QString &certFile, const QString &keyFile)
{
    if (certFile.isEmpty() || keyFile.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Give both --tls-cert and --tls-key, or neither (a "
                                        "self-signed certificate is then made)."));
    auto certPem = readFile(certFile, QStringLiteral("TLS certificate"));
    if (!certPem)
        return certPem.error();
    auto keyPem = readFile(keyFile, QStringLiteral("TLS private key"));
    if (!keyPem)
        return keyPem.error();
    return fromPem(*certPem, *keyPem, certFile, keyFile);
}

Status writeCertificate(const QString &path, const QByteArray &pem)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(pem) < 0 || !file.commit())
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

Status scrubFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot overwrite %1: %2").arg(path, file.errorString()));
    const QByteArray zeros(int(file.size()), '\0');
    if (!file.seek(0) || file.write(zeros) != zeros.size() || !file.flush() ||
        ::fsync(file.handle()) != 0)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot overwrite %1: %2").arg(path, file.errorString()));
    file.close();
    if (!file.remove())
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot remove %1: %2").arg(path, file.errorString()));
    return {};
}

QString fingerprint(const QSslCertificate &certificate)
{
    const QByteArray hex = certificate.digest(QCryptographicHash::Sha256).toHex().toUpper();
    QStringList pairs;
    for (qsizetype i = 0; i < hex.size(); i += 2)
        pairs << QString::fromLatin1(hex.mid(i, 2));
    return pairs.join(u':');
}

} // namespace Bulwark::Certificates
