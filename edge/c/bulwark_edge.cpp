// The C API over the C++ SDK (bulwark_edge.h). Each client owns an
// EdgeClient that lives on the shared loop thread (EventLoop); calls from
// host threads run there and wait for it, callbacks are made there.
#include "bulwark_edge.h"

#include "EventLoop.h"

#include <BulwarkEdge/EdgeClient.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

using namespace Qt::StringLiterals;
using BulwarkEdge::EdgeClient;
using BulwarkEdge::C::EventLoop;

struct bulwark_edge_client
{
    std::unique_ptr<EdgeClient> sdk; // made and deleted on the loop thread

    // Callbacks: set and read on the loop thread only.
    bulwark_edge_state_fn stateCallback = nullptr;
    void *stateData = nullptr;
    bulwark_edge_error_fn errorCallback = nullptr;
    void *errorData = nullptr;
    bulwark_edge_update_fn updateCallback = nullptr;
    void *updateData = nullptr;
    bulwark_edge_transfer_fn transferCallback = nullptr;
    void *transferData = nullptr;

    // What bulwark_edge_wait_connected() waits on.
    std::mutex mutex;
    std::condition_variable changed;
    bulwark_edge_state state = BULWARK_EDGE_STATE_DISCONNECTED;
    bool connectRequested = false;
    bulwark_edge_error lastFailure = BULWARK_EDGE_OK;
    std::string lastFailureMessage;
};

struct bulwark_edge_reply
{
    BulwarkEdge::Reply reply;
    bool answered = false;
};

namespace {

// The last error of each client (key nullptr: bulwark_edge_create), per thread.
thread_local std::unordered_map<const bulwark_edge_client *, std::string> t_lastErrors;

bulwark_edge_error fail(const bulwark_edge_client *client, bulwark_edge_error code,
                        const QString &message)
{
    t_lastErrors[client] = message.toStdString();
    return code;
}

bulwark_edge_error succeed(const bulwark_edge_client *client)
{
    t_lastErrors.erase(client);
    return BULWARK_EDGE_OK;
}

bulwark_edge_error toC(BulwarkEdge::ErrorCode code)
{
    using E = BulwarkEdge::ErrorCode;
    switch (code) {
    case E::BadRequest:
        return BULWARK_EDGE_E_BAD_REQUEST;
    case E::Unauthorized:
        return BULWARK_EDGE_E_UNAUTHORIZED;
    case E::Forbidden:
        return BULWARK_EDGE_E_FORBIDDEN;
    case E::NotFound:
        return BULWARK_EDGE_E_NOT_FOUND;
    case E::NotBound:
        return BULWARK_EDGE_E_NOT_BOUND;
    case E::TypeMismatch:
        return BULWARK_EDGE_E_TYPE_MISMATCH;
    case E::TooManyRequests:
        return BULWARK_EDGE_E_TOO_MANY_REQUESTS;
    case E::Unavailable:
        return BULWARK_EDGE_E_UNAVAILABLE;
    case E::Unsupported:
        return BULWARK_EDGE_E_UNSUPPORTED;
    case E::VerificationFailed:
        return BULWARK_EDGE_E_VERIFICATION_FAILED;
    case E::TooLarge:
        return BULWARK_EDGE_E_TOO_LARGE;
    case E::QuotaExceeded:
        return BULWARK_EDGE_E_QUOTA_EXCEEDED;
    case E::Exists:
        return BULWARK_EDGE_E_EXISTS;
    case E::Cancelled:
        return BULWARK_EDGE_E_CANCELLED;
    case E::Conflict:
        return BULWARK_EDGE_E_CONFLICT;
    case E::InvalidConfiguration:
        return BULWARK_EDGE_E_INVALID_CONFIGURATION;
    case E::ConnectionFailed:
        return BULWARK_EDGE_E_CONNECTION_FAILED;
    case E::TlsFailed:
        return BULWARK_EDGE_E_TLS_FAILED;
    case E::ProtocolViolation:
        return BULWARK_EDGE_E_PROTOCOL_VIOLATION;
    }
    return BULWARK_EDGE_E_INTERNAL;
}

// For refusals a host sends to the platform; the C-only codes have no wire
// equivalent and go as bad-request.
BulwarkEdge::ErrorCode toSdk(bulwark_edge_error code)
{
    using E = BulwarkEdge::ErrorCode;
    switch (code) {
    case BULWARK_EDGE_E_UNAUTHORIZED:
        return E::Unauthorized;
    case BULWARK_EDGE_E_FORBIDDEN:
        return E::Forbidden;
    case BULWARK_EDGE_E_NOT_FOUND:
        return E::NotFound;
    case BULWARK_EDGE_E_NOT_BOUND:
        return E::NotBound;
    case BULWARK_EDGE_E_TYPE_MISMATCH:
        return E::TypeMismatch;
    case BULWARK_EDGE_E_TOO_MANY_REQUESTS:
        return E::TooManyRequests;
    case BULWARK_EDGE_E_UNAVAILABLE:
        return E::Unavailable;
    case BULWARK_EDGE_E_UNSUPPORTED:
        return E::Unsupported;
    case BULWARK_EDGE_E_CONFLICT:
        return E::Conflict;
    case BULWARK_EDGE_E_EXISTS:
        return E::Exists;
    case BULWARK_EDGE_E_TOO_LARGE:
        return E::TooLarge;
    default:
        return E::BadRequest;
    }
}

bulwark_edge_state toC(EdgeClient::State state)
{
    switch (state) {
    case EdgeClient::State::Disconnected:
        return BULWARK_EDGE_STATE_DISCONNECTED;
    case EdgeClient::State::Connecting:
        return BULWARK_EDGE_STATE_CONNECTING;
    case EdgeClient::State::Authenticating:
        return BULWARK_EDGE_STATE_AUTHENTICATING;
    case EdgeClient::State::Connected:
        return BULWARK_EDGE_STATE_CONNECTED;
    case EdgeClient::State::Backoff:
        return BULWARK_EDGE_STATE_BACKOFF;
    }
    return BULWARK_EDGE_STATE_DISCONNECTED;
}

// Any JSON value from text (QJsonDocument alone takes only objects and arrays).
bool parseJsonValue(const char *text, QJsonValue &value, QString &error)
{
    QJsonParseError parseError;
    const QByteArray wrapped = "[" + QByteArray(text) + "]";
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &parseError);
    if (parseError.error != QJsonParseError::NoError || document.array().size() != 1) {
        error = u"not one JSON value: %1 at offset %2"_s.arg(
            parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                         : u"more than one value"_s,
            QString::number(std::max(0, parseError.offset - 1)));
        return false;
    }
    value = document.array().first();
    return true;
}

QByteArray toJsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

// Checks the handle and the named strings; the error names the first NULL.
#define BULWARK_REQUIRE_CLIENT(client)                                                             \
    if (!(client))                                                                                 \
    return fail(nullptr, BULWARK_EDGE_E_INVALID_ARGUMENT, u"The client is NULL."_s)
#define BULWARK_REQUIRE_STRING(client, string)                                                     \
    if (!(string) || !*(string))                                                                   \
    return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,                                           \
                u"The argument " #string " is NULL or empty."_s)

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

// The request's answer when the handler gave none.
void answerUnanswered(bulwark_edge_reply &reply, const QString &what)
{
    if (!reply.answered)
        reply.reply.fail(BulwarkEdge::ErrorCode::Unsupported,
                         u"The device's handler for %1 returned without an answer."_s.arg(what));
}

bulwark_edge_error setValue(bulwark_edge_client *client, const char *thing, const char *property,
                            const QJsonValue &value)
{
    const QString thingName = QString::fromUtf8(thing);
    const QString propertyName = QString::fromUtf8(property);
    EventLoop::run([client, thingName, propertyName, value] {
        client->sdk->setPropertyValue(thingName, propertyName, value);
    });
    return succeed(client);
}

BulwarkEdge::TransferCompletion transferQueuedCallback(bulwark_edge_transfer_queued_fn queued,
                                                       void *userData)
{
    return [queued, userData](const QUuid &transfer, const BulwarkEdge::Error *error) {
        if (!queued)
            return;
        if (error) {
            queued(userData, nullptr, toC(error->code), error->message.toUtf8().constData());
            return;
        }
        queued(userData, transfer.toString(QUuid::WithoutBraces).toUtf8().constData(),
               BULWARK_EDGE_OK, nullptr);
    };
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
    const auto it = t_lastErrors.find(client);
    return it == t_lastErrors.end() ? "" : it->second.c_str();
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
    t_lastErrors.erase(client);
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

bulwark_edge_error bulwark_edge_set_write_handler(bulwark_edge_client *client, const char *thing,
                                                  const char *property,
                                                  bulwark_edge_write_fn handler, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    const QString thingName = QString::fromUtf8(thing);
    const QString propertyName = property ? QString::fromUtf8(property) : QString();
    BulwarkEdge::WriteHandler wrapped;
    if (handler) {
        wrapped = [handler, user_data](const BulwarkEdge::WriteRequest &request,
                                       const BulwarkEdge::Reply &reply) {
            bulwark_edge_reply answer{reply, false};
            handler(user_data, request.thing.toUtf8().constData(),
                    request.property.toUtf8().constData(), toJsonText(request.value).constData(),
                    &answer);
            answerUnanswered(answer, u"property '%1'"_s.arg(request.property));
        };
    }
    EventLoop::run([client, thingName, propertyName, wrapped] {
        client->sdk->setWriteHandler(thingName, propertyName, wrapped);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_service_handler(bulwark_edge_client *client, const char *thing,
                                                    const char *service,
                                                    bulwark_edge_service_fn handler,
                                                    void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    const QString thingName = QString::fromUtf8(thing);
    const QString serviceName = service ? QString::fromUtf8(service) : QString();
    BulwarkEdge::ServiceHandler wrapped;
    if (handler) {
        wrapped = [handler, user_data](const BulwarkEdge::ServiceRequest &request,
                                       const BulwarkEdge::Reply &reply) {
            bulwark_edge_reply answer{reply, false};
            const QByteArray parameters =
                QJsonDocument(request.parameters).toJson(QJsonDocument::Compact);
            handler(user_data, request.thing.toUtf8().constData(),
                    request.service.toUtf8().constData(), parameters.constData(), &answer);
            answerUnanswered(answer, u"service '%1'"_s.arg(request.service));
        };
    }
    EventLoop::run([client, thingName, serviceName, wrapped] {
        client->sdk->setServiceHandler(thingName, serviceName, wrapped);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_reply_json(bulwark_edge_reply *reply, const char *result_json)
{
    if (!reply)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    if (reply->answered)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    QJsonValue value;
    if (result_json) {
        QString error;
        if (!parseJsonValue(result_json, value, error))
            return BULWARK_EDGE_E_INVALID_ARGUMENT;
    }
    reply->answered = true;
    reply->reply.succeed(value);
    return BULWARK_EDGE_OK;
}

bulwark_edge_error bulwark_edge_reply_ok(bulwark_edge_reply *reply)
{
    return bulwark_edge_reply_json(reply, nullptr);
}

namespace {
bulwark_edge_error replyValue(bulwark_edge_reply *reply, const QJsonValue &value)
{
    if (!reply || reply->answered)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    reply->answered = true;
    reply->reply.succeed(value);
    return BULWARK_EDGE_OK;
}
} // namespace

bulwark_edge_error bulwark_edge_reply_string(bulwark_edge_reply *reply, const char *result)
{
    if (!result)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    return replyValue(reply, QString::fromUtf8(result));
}

bulwark_edge_error bulwark_edge_reply_number(bulwark_edge_reply *reply, double result)
{
    return replyValue(reply, result);
}

bulwark_edge_error bulwark_edge_reply_bool(bulwark_edge_reply *reply, int result)
{
    return replyValue(reply, result != 0);
}

bulwark_edge_error bulwark_edge_reply_error(bulwark_edge_reply *reply, bulwark_edge_error code,
                                            const char *message)
{
    if (!reply || reply->answered)
        return BULWARK_EDGE_E_INVALID_ARGUMENT;
    reply->answered = true;
    reply->reply.fail(toSdk(code), message && *message
                                       ? QString::fromUtf8(message)
                                       : QString::fromUtf8(bulwark_edge_strerror(code)));
    return BULWARK_EDGE_OK;
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

bulwark_edge_error bulwark_edge_bind_thing(bulwark_edge_client *client, const char *thing)
{
    return bulwark_edge_bind_thing_with_directories(client, thing, nullptr, 0);
}

bulwark_edge_error
bulwark_edge_bind_thing_with_directories(bulwark_edge_client *client, const char *thing,
                                         const bulwark_edge_directory *directories, size_t count)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    if (count > 0 && !directories)
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"directories is NULL but count is %1."_s.arg(count));
    QList<BulwarkEdge::VirtualDirectory> list;
    for (size_t i = 0; i < count; ++i) {
        if (!directories[i].name || !directories[i].local_root)
            return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                        u"directories[%1] has a NULL name or local_root."_s.arg(i));
        list.append(
            {QString::fromUtf8(directories[i].name), QString::fromUtf8(directories[i].local_root)});
    }
    const QString name = QString::fromUtf8(thing);
    EventLoop::run([client, name, list] { client->sdk->bindThing(name, list); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_unbind_thing(bulwark_edge_client *client, const char *thing)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    const QString name = QString::fromUtf8(thing);
    EventLoop::run([client, name] { client->sdk->unbindThing(name); });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_set_property_number(bulwark_edge_client *client, const char *thing,
                                                    const char *property, double value)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    if (!std::isfinite(value))
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"The value of property '%1' is not a finite number."_s.arg(
                        QString::fromUtf8(property)));
    return setValue(client, thing, property, value);
}

bulwark_edge_error bulwark_edge_set_property_bool(bulwark_edge_client *client, const char *thing,
                                                  const char *property, int value)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    return setValue(client, thing, property, value != 0);
}

bulwark_edge_error bulwark_edge_set_property_string(bulwark_edge_client *client, const char *thing,
                                                    const char *property, const char *value)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    if (!value)
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT, u"The argument value is NULL."_s);
    return setValue(client, thing, property, QString::fromUtf8(value));
}

bulwark_edge_error bulwark_edge_set_property_json(bulwark_edge_client *client, const char *thing,
                                                  const char *property, const char *value_json)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, property);
    BULWARK_REQUIRE_STRING(client, value_json);
    QJsonValue value;
    QString error;
    if (!parseJsonValue(value_json, value, error))
        return fail(client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                    u"The value of property '%1' is %2."_s.arg(QString::fromUtf8(property), error));
    return setValue(client, thing, property, value);
}

bulwark_edge_error bulwark_edge_fire_event(bulwark_edge_client *client, const char *thing,
                                           const char *event, const char *data_json,
                                           bulwark_edge_done_fn done, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, event);
    QJsonObject data;
    if (data_json && *data_json) {
        QJsonValue value;
        QString error;
        if (!parseJsonValue(data_json, value, error) || !value.isObject())
            return fail(
                client, BULWARK_EDGE_E_INVALID_ARGUMENT,
                u"The data of event '%1' must be a JSON object%2."_s.arg(
                    QString::fromUtf8(event), error.isEmpty() ? QString() : u": "_s + error));
        data = value.toObject();
    }
    const QString thingName = QString::fromUtf8(thing);
    const QString eventName = QString::fromUtf8(event);
    BulwarkEdge::Completion completion = [done, user_data](const BulwarkEdge::Error *error) {
        if (!done)
            return;
        if (error)
            done(user_data, toC(error->code), error->message.toUtf8().constData());
        else
            done(user_data, BULWARK_EDGE_OK, nullptr);
    };
    EventLoop::run([client, thingName, eventName, data, completion] {
        client->sdk->fireEvent(thingName, eventName, data, completion);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_upload_file(bulwark_edge_client *client, const char *thing,
                                            const char *path, const char *repository,
                                            const char *repository_path, int overwrite,
                                            bulwark_edge_transfer_queued_fn queued, void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, path);
    BULWARK_REQUIRE_STRING(client, repository);
    BULWARK_REQUIRE_STRING(client, repository_path);
    const BulwarkEdge::TransferCompletion completion = transferQueuedCallback(queued, user_data);
    const QString thingName = QString::fromUtf8(thing);
    const QString devicePath = QString::fromUtf8(path);
    const QString repositoryName = QString::fromUtf8(repository);
    const QString target = QString::fromUtf8(repository_path);
    const auto policy = overwrite ? BulwarkEdge::OverwritePolicy::Replace
                                  : BulwarkEdge::OverwritePolicy::KeepExisting;
    EventLoop::run([=] {
        client->sdk->uploadFile(thingName, devicePath, repositoryName, target, policy, completion);
    });
    return succeed(client);
}

bulwark_edge_error bulwark_edge_download_file(bulwark_edge_client *client, const char *thing,
                                              const char *repository, const char *repository_path,
                                              const char *path, int overwrite,
                                              bulwark_edge_transfer_queued_fn queued,
                                              void *user_data)
{
    BULWARK_REQUIRE_CLIENT(client);
    BULWARK_REQUIRE_STRING(client, thing);
    BULWARK_REQUIRE_STRING(client, repository);
    BULWARK_REQUIRE_STRING(client, repository_path);
    BULWARK_REQUIRE_STRING(client, path);
    const BulwarkEdge::TransferCompletion completion = transferQueuedCallback(queued, user_data);
    const QString thingName = QString::fromUtf8(thing);
    const QString repositoryName = QString::fromUtf8(repository);
    const QString source = QString::fromUtf8(repository_path);
    const QString devicePath = QString::fromUtf8(path);
    const auto policy = overwrite ? BulwarkEdge::OverwritePolicy::Replace
                                  : BulwarkEdge::OverwritePolicy::KeepExisting;
    EventLoop::run([=] {
        client->sdk->downloadFile(thingName, repositoryName, source, devicePath, policy,
                                  completion);
    });
    return succeed(client);
}

} // extern "C"
