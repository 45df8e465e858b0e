// The console's HTTPS client for the admin REST API. Every request carries
// HTTP Basic credentials and passes the certificate pin; results arrive
// asynchronously, so the GUI thread never waits on the network.
#pragma once

#include "ServerEndpoint.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>

#include <functional>

class QNetworkReply;

namespace Bulwark::Models {

// The outcome of one request: the parsed body on success, otherwise a message
// a user can act on (the server's own message where it sent one).
struct ApiResult
{
    int httpStatus = 0;   // 0 when no HTTP answer arrived (network or TLS failure)
    QJsonDocument body;   // parsed JSON body; null when empty or not JSON
    QString errorCode;    // the server's error.code, or "network" / "certificate"
    QString errorMessage; // empty on success

    [[nodiscard]] bool isOk() const { return errorMessage.isEmpty(); }
};

class ApiClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    using Callback = std::function<void(const ApiResult &)>;

    explicit ApiClient(ServerEndpoint endpoint, QObject *parent = nullptr);
    ~ApiClient() override;

    [[nodiscard]] const ServerEndpoint &endpoint() const { return m_endpoint; }

    // `path` is an absolute API path such as "/api/Things", optionally with a
    // percent-encoded query ("/api/Audit?actor=alice"). The callback runs
    // on this thread once the answer is in, unless `context` was destroyed.
    void get(const QString &path, const QObject *context, Callback callback);
    void post(const QString &path, const QJsonObject &body, const QObject *context,
              Callback callback);
    void put(const QString &path, const QJsonObject &body, const QObject *context,
             Callback callback);
    void remove(const QString &path, const QObject *context, Callback callback);

    // "/api/<collection>/<name>", the name percent-encoded.
    [[nodiscard]] static QString entityPath(QLatin1StringView collection, const QString &name);

    // A request to `url` with this client's credentials, pin-ready TLS settings
    // and no redirects; also used to open the live-event WebSocket.
    [[nodiscard]] QNetworkRequest authorizedRequest(const QUrl &url) const;
    [[nodiscard]] static QNetworkRequest authorizedRequest(const ServerEndpoint &endpoint,
                                                           const QUrl &url);
    [[nodiscard]] QUrl urlFor(const QString &path) const;

    // The user-readable message for an error body {"error":{"code","message"}}.
    [[nodiscard]] static ApiResult resultFrom(int httpStatus, const QByteArray &body);

Q_SIGNALS:
    // Any request was refused with 401: the stored password no longer works.
    void authenticationFailed(const QString &message);

private:
    void send(const QByteArray &verb, const QString &path, const QByteArray &body,
              const QObject *context, Callback callback);
    void guardPin(QNetworkReply *reply);
    void finish(QNetworkReply *reply, const Callback &callback);

    ServerEndpoint m_endpoint;
    QNetworkAccessManager m_network;
};

} // namespace Bulwark::Models
