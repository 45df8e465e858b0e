// The TLS policy as a client sees it on the wire: TLS 1.2 with ECDHE AEAD
// suites and TLS 1.3 only. The TLS 1.1 client is first shown to work against
// a permissive in-test server, so that its refusal by Bulwark means something.
#include "HeadlessServer.h"

#include <QSslCipher>
#include <QSslKey>

#include "net/Certificates.h"
#include <QSslServer>
#include <QSslSocket>
#include <QTest>

using namespace BulwarkTest;

namespace {

struct Handshake
{
    bool encrypted = false;
    QSsl::SslProtocol protocol = QSsl::UnknownProtocol;
    QString cipher;
    QString keyExchange;
    QAbstractSocket::SocketError error = QAbstractSocket::UnknownSocketError;
    QList<QSslError> sslErrors;
};

Handshake handshake(quint16 port, const QSslConfiguration &configuration)
{
    QSslSocket socket;
    socket.setSslConfiguration(configuration);
    Handshake result;
    bool failed = false;
    QObject::connect(&socket, &QSslSocket::errorOccurred, &socket,
                     [&](QAbstractSocket::SocketError error) {
                         if (!failed)
                             result.error = error;
                         failed = true;
                     });
    QObject::connect(&socket, &QSslSocket::sslErrors, &socket,
                     [&](const QList<QSslError> &errors) { result.sslErrors = errors; });
    SignalWaiter waiter;
    waiter.wakeOn(&socket, &QSslSocket::encrypted);
    waiter.wakeOn(&socket, &QSslSocket::errorOccurred);
    waiter.wakeOn(&socket, &QSslSocket::disconnected);
    socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
    if (!waiter.waitFor([&] {
            return socket.isEncrypted() || failed ||
                   socket.state() == QAbstractSocket::UnconnectedState;
        }))
        return result;
    result.encrypted = socket.isEncrypted();
    result.protocol = socket.sessionProtocol();
    result.cipher = socket.sessionCipher().name();
    result.keyExchange = socket.sessionCipher().keyExchangeMethod();
    socket.abort();
    return result;
}

// Trusts only `certificate`; OpenSSL's default policy otherwise.
QSslConfiguration clientConfiguration(const QSslCertificate &certificate)
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates({certificate});
    return configuration;
}

// TLS 1.1 is deprecated in Qt 6 (hence the warning pragmas) and refused by
// OpenSSL 3 at its default security level; level 0 lets this client try.
QSslConfiguration tls11Client(const QSslCertificate &certificate)
{
    QSslConfiguration configuration = clientConfiguration(certificate);
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    configuration.setProtocol(QSsl::TlsV1_1);
    QT_WARNING_POP
    configuration.setBackendConfigurationOption("CipherString",
                                                QByteArrayLiteral("DEFAULT:@SECLEVEL=0"));
    configuration.setBackendConfigurationOption("MinProtocol", QByteArrayLiteral("TLSv1.1"));
    configuration.setBackendConfigurationOption("MaxProtocol", QByteArrayLiteral("TLSv1.1"));
    return configuration;
}

bool isTls11(QSsl::SslProtocol protocol)
{
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    const bool tls11 = protocol == QSsl::TlsV1_1;
    QT_WARNING_POP
    return tls11;
}

} // namespace

class TestTls final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void tls11ClientWorksAgainstPermissiveServer();
    void tls11IsRefused();
    void tls12UsesEcdheAead();
    void tls12WithoutAeadIsRefused();
    void tls13Works();
    void untrustedCertificateIsReported();
    void plainHttpGetsNoAnswer();

private:
    std::unique_ptr<HeadlessServer> m_server;
};

void TestTls::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestTls::cleanupTestCase()
{
    QCOMPARE(m_server->stop(), 0);
}

void TestTls::tls11ClientWorksAgainstPermissiveServer()
{
    // A throwaway server that allows TLS 1.0+, with a key pair made the way
    // Bulwark makes its own (whose private key never leaves the database).
    const auto pair = Bulwark::Certificates::makeLocalSelfSigned();
    QVERIFY(pair.ok());
    const QSslCertificate certificate(pair->first, QSsl::Pem);
    const QSslKey key(pair->second, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    QVERIFY(!certificate.isNull());
    QVERIFY(!key.isNull());
    QSslConfiguration permissive = QSslConfiguration::defaultConfiguration();
    permissive.setLocalCertificate(certificate);
    permissive.setPrivateKey(key);
    permissive.setPeerVerifyMode(QSslSocket::VerifyNone);
    permissive.setProtocol(QSsl::AnyProtocol);
    permissive.setBackendConfigurationOption("CipherString",
                                             QByteArrayLiteral("DEFAULT:@SECLEVEL=0"));
    permissive.setBackendConfigurationOption("MinProtocol", QByteArrayLiteral("TLSv1"));
    QSslServer legacyServer;
    legacyServer.setSslConfiguration(permissive);
    QVERIFY(legacyServer.listen(QHostAddress::LocalHost, 0));

    const Handshake result = handshake(legacyServer.serverPort(), tls11Client(certificate));
    QVERIFY2(result.encrypted, qPrintable(u"error %1"_s.arg(int(result.error))));
    QVERIFY(isTls11(result.protocol));
}

void TestTls::tls11IsRefused()
{
    const Handshake result = handshake(m_server->port(), tls11Client(m_server->certificate()));
    QVERIFY(!result.encrypted);
    QCOMPARE(result.error, QAbstractSocket::SslHandshakeFailedError);
}

void TestTls::tls12UsesEcdheAead()
{
    QSslConfiguration configuration = clientConfiguration(m_server->certificate());
    configuration.setProtocol(QSsl::TlsV1_2);
    const Handshake result = handshake(m_server->port(), configuration);
    QVERIFY2(result.encrypted, qPrintable(u"error %1"_s.arg(int(result.error))));
    QVERIFY(result.sslErrors.isEmpty());
    QCOMPARE(result.protocol, QSsl::TlsV1_2);
    // The server's key is ECDSA P-256: its AEAD suites with ECDHE.
    const QStringList aead{u"ECDHE-ECDSA-AES128-GCM-SHA256"_s, u"ECDHE-ECDSA-AES256-GCM-SHA384"_s,
                           u"ECDHE-ECDSA-CHACHA20-POLY1305"_s};
    QVERIFY2(aead.contains(result.cipher), qPrintable(result.cipher));
    QCOMPARE(result.keyExchange, u"ECDH"_s);
}

void TestTls::tls12WithoutAeadIsRefused()
{
    // A TLS 1.2 client that offers only CBC suites (with ECDHE) finds no
    // common cipher.
    QSslConfiguration configuration = clientConfiguration(m_server->certificate());
    configuration.setProtocol(QSsl::TlsV1_2);
    configuration.setBackendConfigurationOption(
        "CipherString",
        QByteArrayLiteral(
            "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA"));
    const Handshake result = handshake(m_server->port(), configuration);
    QVERIFY(!result.encrypted);
    QCOMPARE(result.error, QAbstractSocket::SslHandshakeFailedError);
}

void TestTls::tls13Works()
{
    QSslConfiguration configuration = clientConfiguration(m_server->certificate());
    configuration.setProtocol(QSsl::TlsV1_3);
    const Handshake result = handshake(m_server->port(), configuration);
    QVERIFY2(result.encrypted, qPrintable(u"error %1"_s.arg(int(result.error))));
    QCOMPARE(result.protocol, QSsl::TlsV1_3);
    QVERIFY2(result.cipher.startsWith(u"TLS_AES_"_s) ||
                 result.cipher.startsWith(u"TLS_CHACHA20_"_s),
             qPrintable(result.cipher));
}

void TestTls::untrustedCertificateIsReported()
{
    // Without the pinned certificate the self-signed one does not verify:
    // the pinning in the other tests is what makes them pass.
    const Handshake result = handshake(m_server->port(), QSslConfiguration::defaultConfiguration());
    QVERIFY(!result.encrypted);
    QVERIFY(!result.sslErrors.isEmpty());
}

void TestTls::plainHttpGetsNoAnswer()
{
    QNetworkAccessManager network;
    std::unique_ptr<QNetworkReply> reply(
        network.get(QNetworkRequest(m_server->url(u"/api/health"_s, u"http"_s))));
    SignalWaiter waiter;
    waiter.wakeOn(reply.get(), &QNetworkReply::finished);
    QVERIFY(waiter.waitFor([&reply] { return reply->isFinished(); }));
    QVERIFY(reply->error() != QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
