#include "ApiClient.h"

#include "CertificatePin.h"
#include "wire/Wire.h"

#include <QJsonParseError>
#include <QNetworkReply>
#include <QSslCertificate>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {

// Marks a reply that we aborted because the server's certificate is not the
// pinned one, so finish() can say so instead of "operation canceled".
constexpr char PinRefusedProperty[] = "bulwarkPinRefused";
constexpr int TransferTimeoutMs = 30000;

QSslCertificate peerOf(QNetworkReply *reply, const QList<QSslError> &errors)
{
    QSslCertificate peer = reply->sslConfiguration().peerCertificate();
    if (peer.isNull() && !errors.isEmpty())
        peer = errors.constFirst().certificate();
    return peer;
}

} // namespace

ApiClient::ApiClient(ServerEndpoint endpoint, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
{
    m_endpoint.pinnedFingerprint = CertificatePin::normalized(m_endpoint.pinnedFingerprint);
    // Keep-alive connections are verified once; the pin is the same for all.
    m_network.setAutoDeleteReplies(false);
}

ApiClient::~ApiClient() = default;

QUrl ApiClient::urlFor(const QString &path) const
{
    QUrl url = m_endpoint.baseUrl;
    // Paths and queries ("/api/Audit?actor=alice") come percent-encoded by
    // the caller (entityPath()): TolerantMode keeps their escapes as they
    // are, where the default would encode each '%' again (and the '?').
    const qsizetype queryStart = path.indexOf(u'?');
    if (queryStart < 0) {
        url.setPath(path, QUrl::TolerantMode);
        return url;
    }
    url.setPath(path.left(queryStart), QUrl::TolerantMode);
    url.setQuery(path.mid(queryStart + 1), QUrl::TolerantMode);
    return url;
}

QString ApiClient::entityPath(QLatin1StringView collection, const QString &name)
{
    return Wire::ApiPrefix + collection + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(name));
}

QNetworkRequest ApiClient::authorizedRequest(const QUrl &url) const
{
    return authorizedRequest(m_endpoint, url);
}

QNetworkRequest ApiClient::authorizedRequest(const ServerEndpoint &endpoint, const QUrl &url)
{
    QNetworkRequest request(url);
    request.setRawHeader("Authorization",
                         "Basic " + (endpoint.user + u':' + endpoint.password).toUtf8().toBase64());
    request.setSslConfiguration(
        CertificatePin::configurationFor(CertificatePin::normalized(endpoint.pinnedFingerprint)));
    // Credentials must never follow a redirect to another host.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(TransferTimeoutMs);
    return request;
}

void ApiClient::get(const QString &path, const QObject *context, Callback callback)
{
    send("GET", path, {}, context, std::move(callback));
}

void ApiClient::post(const QString &path, const QJsonObject &body, const QObject *context,
                     Callback callback)
{
    send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), context,
         std::move(callback));
}

void ApiClient::put(const QString &path, const QJsonObject &body, const QObject *context,
                    Callback callback)
{
    send("PUT", path, QJsonDocument(body).toJson(QJsonDocument::Compact), context,
         std::move(callback));
}

void ApiClient::remove(const QString &path, const QObject *context, Callback callback)
{
    send("DELETE", path, {}, context, std::move(callback));
}

void ApiClient::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                     const QObject *context, Callback callback)
{
    QNetworkRequest request = authorizedRequest(urlFor(path));
    request.setRawHeader("Accept", "application/json");
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    QNetworkReply *reply = m_network.sendCustomRequest(request, verb, body);
    guardPin(reply);
    // The reply is ours to delete whether or not the context still exists.
    connect(reply, &QNetworkReply::finished, this, [reply] { reply->deleteLater(); });
    connect(reply, &QNetworkReply::finished, context,
            [this, reply, callback = std::move(callback)] { finish(reply, callback); });
}

void ApiClient::guardPin(QNetworkReply *reply)
{
    const QString pin = m_endpoint.pinnedFingerprint;
    if (pin.isEmpty())
        return;
    connect(reply, &QNetworkReply::sslErrors, this, [reply, pin](const QList<QSslError> &errors) {
        if (CertificatePin::errorsConcernOnlyPinned(errors, peerOf(reply, errors), pin))
            reply->ignoreSslErrors(errors);
        else
            reply->setProperty(PinRefusedProperty, true);
    });
    // A certificate that validates against a CA never raises sslErrors; the
    // pin must hold for it too, and before any credentials are sent.
    connect(reply, &QNetworkReply::encrypted, this, [reply, pin] {
        if (CertificatePin::fingerprint(reply->sslConfiguration().peerCertificate()) != pin) {
            reply->setProperty(PinRefusedProperty, true);
            reply->abort();
        }
    });
}

void ApiClient::finish(QNetworkReply *reply, const Callback &callback)
{
    ApiResult result;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->property(PinRefusedProperty).toBool()) {
        result.errorCode = u"certificate"_s;
        result.errorMessage =
            tr("The server at %1 presented a certificate whose fingerprint does not match the "
               "trusted one. The connection was refused to protect your credentials.")
                .arg(m_endpoint.baseUrl.toDisplayString());
    } else if (status == 0) {
        result.errorCode = u"network"_s;
        result.errorMessage = tr("Cannot reach the server at %1: %2")
                                  .arg(m_endpoint.baseUrl.toDisplayString(), reply->errorString());
    } else {
        result = resultFrom(status, reply->readAll());
    }
    if (status == 401)
        Q_EMIT authenticationFailed(result.errorMessage);
    if (callback)
        callback(result);
}

ApiResult ApiClient::resultFrom(int httpStatus, const QByteArray &body)
{
    ApiResult result;
    result.httpStatus = httpStatus;
    QJsonParseError parseError;
    if (!body.isEmpty())
        result.body = QJsonDocument::fromJson(body, &parseError);
    if (httpStatus >= 200 && httpStatus < 300)
        return result;

    const QJsonObject error = result.body.object().value(Wire::Error).toObject();
    result.errorCode = error.value(Wire::Code).toString();
    result.errorMessage = error.value(Wire::Message).toString();
    if (result.errorMessage.isEmpty()) {
        switch (httpStatus) {
        case 401:
            result.errorMessage = tr("The user name or password was not accepted.");
            break;
        case 404:
            result.errorMessage = tr("The server does not know this item (it may have been "
                                     "deleted).");
            break;
        default:
            result.errorMessage =
                tr("The server refused the request (HTTP status %1).").arg(httpStatus);
        }
    }
    return result;
}

} // namespace Bulwark::Models
