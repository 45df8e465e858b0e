// The C API over the C++ SDK (bulwark_edge.h). Each client owns an
// EdgeClient that lives on the shared loop thread (EventLoop); calls from
// host threads run there and wait for it, callbacks are made there. This
// file: error texts, clients made and destroyed, configuration, callbacks and
// the connection; Handlers.cpp: the platform's requests; Things.cpp: binds,
// values, events and files.
#include "ClientPrivate.h"
#include "EventLoop.h"

#include <QUuid>

#include <chrono>

using namespace Qt::StringLiterals;
using namespace BulwarkEdge::C;
using BulwarkEdge::EdgeClient;

namespace {

void setState(bulwark_edge_client *client, bulwark_edge_state state)
{
    {
        const std::lock_guard lock(client->mutex);
        client->state = state;
    }
    client->changed.notify_all();
}

void recordFailure(bulwark_edge_client *client, bulwark_edge_error code, const QString &message)
{
    {
        const std::lock_guard lock(client->mutex);
        client->lastFailure = code;
        client->lastFailureMessage = message.toStdString();
    }
    client->changed.notify_all();
}

void reportError(bulwark_edge_client *client, bulwark_edge_error code, const QString &thing,
                 const QString &message)
{
    if (!client->errorCallback)
        return;
    const QByteArray thingUtf8 = thing.toUtf8();
    const QByteArray messageUtf8 = message.toUtf8();
    client->errorCallback(client->errorData, code,
                          thing.isEmpty() ? nullptr : thingUtf8.constData(),
                          messageUtf8.constData());
}

void reportTransfer(bulwark_edge_client *client, bulwark_edge_transfer_event event,
                    const BulwarkEdge::TransferInfo &info, bulwark_edge_error code,
                    const QString &message)
{
    if (!client->transferCallback)
        return;
    const QByteArray id = info.id.toString(QUuid::WithoutBraces).toUtf8();
    const QByteArray thing = info.thing.toUtf8();
    const QByteArray path = info.path.toUtf8();
    const QByteArray localFile = info.localFile.toUtf8();
    const QByteArray md5 = info.md5.toUtf8();
    const QByteArray sha256 = info.sha256.toUtf8();
    const QByteArray messageUtf8 = message.toUtf8();
    bulwark_edge_transfer transfer;
    transfer.id = id.constData();
    transfer.to_device = info.direction == BulwarkEdge::TransferDirection::ToDevice ? 1 : 0;
    transfer.thing = thing.constData();
    transfer.path = path.constData();
    transfer.local_file = localFile.constData();
    transfer.size = double(info.size);
    transfer.bytes = double(info.bytes);
    transfer.md5 = md5.constData();
    transfer.sha256 = sha256.constData();
    client->transferCallback(client->transferData, event, &transfer, code,
                             message.isEmpty() ? nullptr : messageUtf8.constData());
}

// Runs on the loop thread once the client's EdgeClient exists.
void connectSignals(bulwark_edge_client *client)
{
    EdgeClient *sdk = client->sdk.get();
    QObject::connect(sdk, &EdgeClient::stateChanged, sdk, [client](EdgeClient::State state) {
        setState(client, toC(state));
        if (client->stateCallback)
            client->stateCallback(client->stateData, toC(state));
    });
    QObject::connect(sdk, &EdgeClient::errorOccurred, sdk,
                     [client](const BulwarkEdge::Error &error) {
                         recordFailure(client, toC(error.code), error.message);
                         reportError(client, toC(error.code), {}, error.message);
                     });
    QObject::connect(sdk, &EdgeClient::thingBindFailed, sdk,
                     [client](const QString &thing, const BulwarkEdge::Error &error) {
                         reportError(client, toC(error.code), thing, error.message);
                     });
    QObject::connect(sdk, &EdgeClient::updateRejected, sdk,
                     [client](const QString &thing, const BulwarkEdge::Error &error) {
                         reportError(client, toC(error.code), thing, error.message);
                     });
    QObject::connect(sdk, &EdgeClient::updateAcknowledged, sdk,
                     [client](const QString &thing, int accepted, int stale) {
                         if (client->updateCallback)
                             client->updateCallback(client->updateData, thing.toUtf8().constData(),
                                                    accepted, stale);
                     });
    QObject::connect(
        sdk, &EdgeClient::transferStarted, sdk, [client](const BulwarkEdge::TransferInfo &info) {
            reportTransfer(client, BULWARK_EDGE_TRANSFER_STARTED, info, BULWARK_EDGE_OK, {});
        });
    QObject::connect(
        sdk, &EdgeClient::transferProgress, sdk, [client](const BulwarkEdge::TransferInfo &info) {
            reportTransfer(client, BULWARK_EDGE_TRANSFER_PROGRESS, info, BULWARK_EDGE_OK, {});
        });
    QObject::connect(
        sdk, &EdgeClient::transferFinished, sdk, [client](const BulwarkEdge::TransferInfo &info) {
            reportTransfer(client, BULWARK_EDGE_TRANSFER_FINISHED, info, BULWARK_EDGE_OK, {});
        });
    QObject::connect(
        sdk, &EdgeClient::transferFailed, sdk,
        [client](const BulwarkEdge::TransferInfo &info, const BulwarkEdge::Error &error) {
            reportTransfer(client, BULWARK_EDGE_TRANSFER_FAILED, info, toC(error.code),
                           error.message);
        });
}

} // namespace

extern "C" {

const char *bulwark_edge_strerror(bulwark_edge_error code)
{
    switch (code) {
    case BULWARK_EDGE_OK:
        return "no error";
    case BULWARK_EDGE_E_INVALID_ARGUMENT:
        return "an argument is NULL or malformed";
    case BULWARK_EDGE_E_WRONG_THREAD:
        return "a blocking call was made from a callback";
    case BULWARK_EDGE_E_TIMEOUT:
        return "the wait timed out";
    case BULWARK_EDGE_E_NOT_CONNECTED:
        return "not connected";
    case BULWARK_EDGE_E_INTERNAL:
        return "internal error";
    case BULWARK_EDGE_E_BAD_REQUEST:
        return "the request was malformed";
    case BULWARK_EDGE_E_UNAUTHORIZED:
        return "the server refused the credentials";
    case BULWARK_EDGE_E_FORBIDDEN:
        return "not allowed";
    case BULWARK_EDGE_E_NOT_FOUND:
        return "not found";
    case BULWARK_EDGE_E_NOT_BOUND:
        return "the Thing is not bound";
    case BULWARK_EDGE_E_TYPE_MISMATCH:
        return "the value does not fit the property's type";
    case BULWARK_EDGE_E_TOO_MANY_REQUESTS:
        return "too many requests";
    case BULWARK_EDGE_E_UNAVAILABLE:
        return "unavailable; try again shortly";
    case BULWARK_EDGE_E_UNSUPPORTED:
        return "not supported";
    case BULWARK_EDGE_E_VERIFICATION_FAILED:
        return "a file failed verification";
    case BULWARK_EDGE_E_TOO_LARGE:
        return "too large";
    case BULWARK_EDGE_E_QUOTA_EXCEEDED:
        return "the repository's quota is exceeded";
    case BULWARK_EDGE_E_EXISTS:
        return "the target exists";
    case BULWARK_EDGE_E_CANCELLED:
        return "cancelled";
    case BULWARK_EDGE_E_CONFLICT:
        return "conflict";
    case BULWARK_EDGE_E_INVALID_CONFIGURATION:
        return "the configuration is invalid";
    case BULWARK_EDGE_E_CONNECTION_FAILED:
        return "the connection failed";
    case BULWARK_EDGE_E_TLS_FAILED:
        return "the server's certificate or the TLS handshake failed";
    case BULWARK_EDGE_E_PROTOCOL_VIOLATION:
        return "the server sent something unexpected";
    }
    return "unknown error code";
}

const char *bulwark_edge_error_name(bulwark_edge_error code)
{
    switch (code) {
    case BULWARK_EDGE_OK:
        return "ok";
    case BULWARK_EDGE_E_INVALID_ARGUMENT:
        return "invalid-argument";
    case BULWARK_EDGE_E_WRONG_THREAD:
        return "wrong-thread";
    case BULWARK_EDGE_E_TIMEOUT:
        return "timeout";
    case BULWARK_EDGE_E_NOT_CONNECTED:
        return "not-connected";
    case BULWARK_EDGE_E_INTERNAL:
        return "internal";
    case BULWARK_EDGE_E_BAD_REQUEST:
        return "bad-request";
    case BULWARK_EDGE_E_UNAUTHORIZED:
        return "unauthorized";
    case BULWARK_EDGE_E_FORBIDDEN:
        return "forbidden";
    case BULWARK_EDGE_E_NOT_FOUND:
        return "not-found";
    case BULWARK_EDGE_E_NOT_BOUND:
        return "not-bound";
    case BULWARK_EDGE_E_TYPE_MISMATCH:
        return "type-mismatch";
    case BULWARK_EDGE_E_TOO_MANY_REQUESTS:
        return "too-many-requests";
    case BULWARK_EDGE_E_UNAVAILABLE:
        return "unavailable";
    case BULWARK_EDGE_E_UNSUPPORTED:
        return "unsupported";
    case BULWARK_EDGE_E_VERIFICATION_FAILED:
        return "verification-failed";
    case BULWARK_EDGE_E_TOO_LARGE:
        return "too-large";
    case BULWARK_EDGE_E_QUOTA_EXCEEDED:
        return "quota-exceeded";
    case BULWARK_EDGE_E_EXISTS:
        return "exists";
    case BULWARK_EDGE_E_CANCELLED:
        return "cancelled";
    case BULWARK_EDGE_E_CONFLICT:
        return "conflict";
    case BULWARK_EDGE_E_INVALID_CONFIGURATION:
        return "invalid-configuration";
    case BULWARK_EDGE_E_CONNECTION_FAILED:
        return "connection-failed";
    case BULWARK_EDGE_E_TLS_FAILED:
        return "tls-failed";
    case BULWARK_EDGE_E_PROTOCOL_VIOLATION:
        return "protocol-violation";
    }
    return "unknown";
}

const char *bulwark_edge_last_error(const bulwark_edge_client *client)
{
    return lastError(client);
}

const char *bulwark_edge_version(void)
{
    return BULWARK_VERSION;
}

bulwark_edge_client *bulwark_edge_create(void)
{
    QString error;
    if (!EventLoop::acquire(error)) {
        fail(nullptr, BULWARK_EDGE_E_INTERNAL, error);
        return nullptr;
    }
    auto client = std::make_unique<bulwark_edge_client>();
    EventLoop::run([raw = client.get()] {
        raw->sdk = std::make_unique<EdgeClient>();
        connectSignals(raw);
    });
    succeed(nullptr);
    return client.release(); // owned by the host until bulwark_edge_destroy()
}

void bulwark_edge_destroy(bulwark_edge_client *client)
{
    if (!client)
        return;
    if (EventLoop::isLoopThread()) {
        // From a callback: the caller's own frames still use the client.
        fail(client, BULWARK_EDGE_E_WRONG_THREAD,
             u"bulwark_edge_destroy() may not be called from a callback."_s);
        return;
    }
    EventLoop::run([client] {
        client->sdk->disconnectFromServer();
        client->sdk.reset();
    });
    forgetErrors(client);
    std::unique_ptr<bulwark_edge_client> owned(client);
    EventLoop::release();
}

bulwark_edge_error bulwark_edge_set_server_url(bulwark_edge_client *client, const char *url)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, url);
    const QUrl parsed(QString::fromUtf8(url), QUrl::StrictMode);
    if (!parsed.isValid() || parsed.scheme() != "wss"_L1 || parsed.host().isEmpty())
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"The server URL must be wss://HOST:PORT/edge, not \"%1\"."_s.arg(
                        QString::fromUtf8(url).left(256)));
    EventLoop::run([client, parsed] { client->sdk->setServerUrl(parsed); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_app_key(bulwark_edge_client *client, const char *app_key)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, app_key);
    const QString key = QString::fromUtf8(app_key);
    EventLoop::run([client, key] { client->sdk->setAppKey(key); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_user_credentials(bulwark_edge_client *client, const char *user,
                                                     const char *password)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, user);
    BULWARK_REQUIRE_STRING(client, password);
    const QString name = QString::fromUtf8(user);
    const QString secret = QString::fromUtf8(password);
    EventLoop::run([client, name, secret] { client->sdk->setUserCredentials(name, secret); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_ca_file(bulwark_edge_client *client, const char *path)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, path);
    const QString file = QString::fromUtf8(path);
    EventLoop::run([client, file] { client->sdk->setCaFile(file); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_pinned_fingerprint(bulwark_edge_client *client,
                                                       const char *sha256_hex)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, sha256_hex);
    QString hex = QString::fromUtf8(sha256_hex);
    const QString digits = QString(hex).remove(u':');
    if (digits.size() != 64 ||
        QByteArray::fromHex(digits.toLatin1()).toHex() != digits.toLower().toLatin1())
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"The fingerprint must be a SHA-256 in hexadecimal (64 digits, ':' between "
                    "pairs allowed)."_s);
    EventLoop::run([client, hex] { client->sdk->setPinnedFingerprint(hex); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_insecure_skip_verification(bulwark_edge_client *client,
                                                               int insecure)
{
    BULWARK_REQUIRE_CLIENT(client);
    EventLoop::run([client, insecure] { client->sdk->setInsecureSkipVerification(insecure != 0); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_reconnect_delays(bulwark_edge_client *client, int minimum_ms,
                                                     int maximum_ms)
{
    BULWARK_REQUIRE_CLIENT(client);
    if (minimum_ms <= 0 || maximum_ms < minimum_ms)
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"The reconnection delays must be positive, the maximum at least the "
                    "minimum."_s);
    EventLoop::run([client, minimum_ms, maximum_ms] {
        client->sdk->setReconnectDelays(minimum_ms, maximum_ms);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_state_callback(bulwark_edge_client *client,
                                                   bulwark_edge_state_fn callback, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    EventLoop::run([=] {
        client->stateCallback = callback;
        client->stateData = user_data;
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_error_callback(bulwark_edge_client *client,
                                                   bulwark_edge_error_fn callback, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    EventLoop::run([=] {
        client->errorCallback = callback;
        client->errorData = user_data;
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_update_callback(bulwark_edge_client *client,
                                                    bulwark_edge_update_fn callback,
                                                    void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    EventLoop::run([=] {
        client->updateCallback = callback;
        client->updateData = user_data;
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_transfer_callback(bulwark_edge_client *client,
                                                      bulwark_edge_transfer_fn callback,
                                                      void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    EventLoop::run([=] {
        client->transferCallback = callback;
        client->transferData = user_data;
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_connect(bulwark_edge_client *client)
{
    BULWARK_REQUIRE_CLIENT(client);
    {
        const std::lock_guard lock(client->mutex);
        client->connectRequested = true;
        client->lastFailure = BULWARK_EDGE_OK;
        client->lastFailureMessage.clear();
    }
    EventLoop::run([client] { client->sdk->connectToServer(); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_disconnect(bulwark_edge_client *client)
{
    BULWARK_REQUIRE_CLIENT(client);
    {
        const std::lock_guard lock(client->mutex);
        client->connectRequested = false;
    }
    EventLoop::run([client] { client->sdk->disconnectFromServer(); });
    return succeed(client);
}

bulwark_edge_state bulwark_edge_get_state(bulwark_edge_client *client)
{
    if (!client)
        return BULWARK_EDGE_STATE_DISCONNECTED;
    const std::lock_guard lock(client->mutex);
    return client->state;
}

bulwark_edge_error bulwark_edge_wait_connected(bulwark_edge_client *client, int timeout_ms)
{
    BULWARK_REQUIRE_CLIENT(client);
    if (EventLoop::isLoopThread())
        return fail(client, BULWARK_EDGE_E_WRONG_THREAD,
                    u"bulwark_edge_wait_connected() may not be called from a callback: it would "
                    "wait for the thread it blocks."_s);
    if (timeout_ms < 0)
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT, u"timeout_ms is negative."_s);
    std::unique_lock lock(client->mutex);
    if (!client->connectRequested)
        return fail(client, BULWARK_EDGE_E_NOT_CONNECTED,
                    u"Call bulwark_edge_connect() before waiting for the connection."_s);
    const bool done =
        client->changed.wait_for(lock, std::chrono::milliseconds(timeout_ms), [client] {
            return client->state == BULWARK_EDGE_STATE_CONNECTED ||
                   (client->state == BULWARK_EDGE_STATE_DISCONNECTED &&
                    client->lastFailure != BULWARK_EDGE_OK);
        });
    if (!done) {
        const QString last = client->lastFailure == BULWARK_EDGE_OK
                                 ? QString()
                                 : u" The last attempt failed: %1"_s.arg(
                                       QString::fromStdString(client->lastFailureMessage));
        return fail(client, BULWARK_EDGE_E_TIMEOUT,
                    u"Not connected after %1 ms.%2"_s.arg(timeout_ms).arg(last));
    }
    if (client->state == BULWARK_EDGE_STATE_CONNECTED)
        return succeed(client);
    return fail(client, client->lastFailure, QString::fromStdString(client->lastFailureMessage));
}

} // extern "C"
