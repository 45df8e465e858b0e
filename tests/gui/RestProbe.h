// Test helper: one REST call to a test server with its own network manager
// (independent of the console's client), pinned to the server's certificate.
#pragma once

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTest>

#include <memory>

struct RestAnswer
{
    int status = 0;
    QJsonDocument body;
};

inline RestAnswer restCall(const QByteArray &verb, const QUrl &url, const QString &user,
                           const QString &password, const QString &fingerprint,
                           const QByteArray &body = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setRawHeader("Authorization",
                         "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64());
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    std::unique_ptr<QNetworkReply> reply(network.sendCustomRequest(request, verb, body));
    QObject::connect(reply.get(), &QNetworkReply::sslErrors, reply.get(),
                     [&reply, fingerprint](const QList<QSslError> &errors) {
                         const QSslCertificate peer = reply->sslConfiguration().peerCertificate();
                         const QString digest = QString::fromLatin1(
                             peer.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
                         if (digest == fingerprint)
                             reply->ignoreSslErrors(errors);
                     });
    if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 15000))
        return {};
    RestAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = QJsonDocument::fromJson(reply->readAll());
    return answer;
}
