// The Bulwark edge SDK: a device or gateway connects to a Bulwark server over
// wss://HOST:PORT/edge (docs/protocol.md "Edge protocol"), binds the Things it
// speaks for, pushes their property values, fires their events, answers the
// platform's property writes and service calls, and serves the files of its
// virtual directories (edge protocol version 2, docs/protocol.md).
//
// Everything is asynchronous: no call blocks; results arrive through signals
// and callbacks, in the thread the EdgeClient lives in. Call the EdgeClient
// from that thread only (Reply, below, may be answered from any thread).
// Logging goes to the category "bulwark.edge.sdk" (QT_LOGGING_RULES).
// docs/edge-sdk.md has a minimal example.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUuid>

#include <functional>
#include <memory>

#if defined(BULWARK_EDGE_SDK_BUILD)
#define BULWARK_EDGE_EXPORT Q_DECL_EXPORT
#else
#define BULWARK_EDGE_EXPORT Q_DECL_IMPORT
#endif

namespace BulwarkEdge {

// The edge protocol's error codes (docs/protocol.md) plus the SDK's own
// (the last four), which never go on the wire.
enum class ErrorCode
{
    BadRequest,         // "bad-request"
    Unauthorized,       // "unauthorized"
    Forbidden,          // "forbidden"
    NotFound,           // "not-found"
    NotBound,           // "not-bound"
    TypeMismatch,       // "type-mismatch"
    TooManyRequests,    // "too-many-requests"
    Unavailable,        // "unavailable"
    Unsupported,        // "unsupported"
    VerificationFailed, // "verification-failed"
    TooLarge,           // "too-large"
    QuotaExceeded,      // "quota-exceeded"
    Exists,             // "exists"
    Cancelled,          // "cancelled"
    Conflict,           // "conflict"
    // SDK only:
    InvalidConfiguration, // a setting is missing or wrong; nothing was tried
    ConnectionFailed,     // the server could not be reached, or the connection dropped
    TlsFailed,            // certificate verification or the TLS handshake failed
    ProtocolViolation,    // the server sent something the SDK cannot understand
};

// "bad-request" for ErrorCode::BadRequest, ...; the SDK-only codes map to
// "invalid-configuration", "connection-failed", "tls-failed", "protocol-violation".
[[nodiscard]] BULWARK_EDGE_EXPORT QString errorCodeName(ErrorCode code);
// The inverse; an unknown name gives ErrorCode::ProtocolViolation.
[[nodiscard]] BULWARK_EDGE_EXPORT ErrorCode errorCodeFromName(const QString &name);

// An error with a message a person can act on (what went wrong, what to do).
struct Error
{
    ErrorCode code = ErrorCode::ConnectionFailed;
    QString message;
};

enum class Quality
{
    Good,
    Uncertain,
    Bad,
};

// One property value of an `update` message.
struct PropertyValue
{
    QString property;
    QJsonValue value; // null stores "no value"
    QDateTime time;   // invalid: stamped with the current time when handed to the SDK
    Quality quality = Quality::Good;
};

// When a property's value is pushed to the server.
enum class PushPolicy
{
    OnChange, // when it differs from the last value pushed (by at least the threshold, for numbers)
    Always,   // every value set or scanned
    Never,    // kept locally (propertyValue()) but never pushed
};

// Supplies a property's current value on each scan.
using ValueProvider = std::function<QJsonValue()>;

struct PropertyOptions
{
    PushPolicy push = PushPolicy::OnChange;
    // OnChange, numeric values: a value is pushed only when it differs from
    // the last pushed one by at least this much (a deadband); a smaller
    // change is not sent. 0: any change is pushed. Non-numeric values: any
    // change. Must be >= 0.
    double threshold = 0.0;
    // > 0: the provider is called every scanIntervalMs milliseconds while
    // connected, and its value goes through the push policy as if set with
    // setPropertyValue(). 0: no scanning (values come from setPropertyValue()).
    int scanIntervalMs = 0;
    ValueProvider provider; // required when scanIntervalMs > 0
};

// A virtual directory of a bound Thing: the platform sees `name` as the
// first path segment; files live under localRoot on the device.
struct VirtualDirectory
{
    QString name;      // a single path segment: no '/', '\\', control characters, "." or ".."
    QString localRoot; // an existing local directory
};

// What the updates that cannot be sent go through while offline.
enum class QueuePolicy
{
    DropOldest, // when full, the oldest queued value is dropped for the new one
    DropNewest, // when full, the new value is dropped
    // A new value replaces the queued value of the same property (so the
    // queue holds at most one value per property: the latest); when full
    // with other properties' values, the oldest is dropped.
    KeepLatestPerProperty,
};

// How the server's certificate is checked. The default is the system's CA
// store with host name verification.
enum class Verification
{
    SystemCertificates, // default
    CaFile,             // only the CAs in caFile() (PEM), plus host name verification
    PinnedFingerprint,  // the server certificate's SHA-256 must equal the pin (chain and name not
                        // checked)
    Insecure, // NOTHING is checked: only with setInsecureSkipVerification(); logged loudly
};

enum class OverwritePolicy
{
    KeepExisting, // an existing target is an error ("exists")
    Replace,
};

enum class TransferDirection
{
    ToDevice,   // the device receives (file.receive): a download
    FromDevice, // the device sends (file.send): an upload
};

// A file transfer the device takes part in.
struct TransferInfo
{
    QUuid id;
    TransferDirection direction = TransferDirection::ToDevice;
    QString thing;     // the bound Thing
    QString path;      // the device-side logical path ("logs/today.txt")
    QString localFile; // the absolute local file
    qint64 size = -1;  // plaintext bytes; -1 while unknown
    qint64 bytes = 0;  // bytes verified (receiving) or acknowledged (sending)
    QString md5;       // lowercase hex, once complete
    QString sha256;    // lowercase hex, once complete
};

// A platform request the device answers: a property write ("write") or a
// service call ("invoke").
struct WriteRequest
{
    QString thing;
    QString property;
    QJsonValue value; // already checked by the server against the property's base type
};

struct ServiceRequest
{
    QString thing;
    QString service;
    QJsonObject parameters;
};

// The answer to one platform request. Copyable; the first answer counts and
// later ones are ignored. May be answered from any thread and at any later
// time; an answer after the session it came in ended is dropped (the server
// has already answered the REST caller "not-connected"). A request never
// answered times out on the server (write 10 s, invoke 30 s by default).
class BULWARK_EDGE_EXPORT Reply
{
public:
    Reply();
    // write: `value` is what the device applied (null: the requested value);
    // invoke: `value` is the service's output (checked against its output type).
    void succeed(const QJsonValue &value = QJsonValue()) const;
    // The message reaches the REST caller: write it for a person.
    void fail(ErrorCode code, const QString &message) const;
    [[nodiscard]] bool isAnswered() const;

private:
    friend class EdgeClientPrivate;
    struct State;
    explicit Reply(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
};

using WriteHandler = std::function<void(const WriteRequest &request, const Reply &reply)>;
using ServiceHandler = std::function<void(const ServiceRequest &request, const Reply &reply)>;
// error is null on success.
using Completion = std::function<void(const Error *error)>;
// What the server answered to the values of one setPropertyValue() or
// updateProperties() call: how many it stored and how many it acknowledged
// without storing because it held a newer value (docs/protocol.md "update").
struct UpdateResult
{
    int accepted = 0;
    int stale = 0;
};
// error is null when every value of the call was acknowledged.
using UpdateCompletion = std::function<void(const UpdateResult &result, const Error *error)>;
// transfer is the new transfer's id (null when error is set).
using TransferCompletion = std::function<void(const QUuid &transfer, const Error *error)>;
// The transfer object (docs/protocol.md "Transfer object"), or error.
using StatusCompletion = std::function<void(const QJsonObject &transfer, const Error *error)>;

class EdgeClientPrivate;

class BULWARK_EDGE_EXPORT EdgeClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EdgeClient)

public:
    enum class State
    {
        Disconnected,   // not connected and not trying (initially, after disconnectFromServer(), or
                        // after a fatal error)
        Connecting,     // TCP and TLS handshake, WebSocket upgrade
        Authenticating, // `auth` sent; then the Things are bound again
        Connected,      // authenticated and the Things' bind answered: values flow
        Backoff,        // waiting before the next attempt (exponential backoff, full jitter)
    };
    Q_ENUM(State)

    explicit EdgeClient(QObject *parent = nullptr);
    ~EdgeClient() override;

    // The highest edge protocol version the SDK speaks (2).
    [[nodiscard]] static int protocolVersion();
    // Lowercase hex SHA-256 of the DER certificate: the pin for setPinnedFingerprint().
    [[nodiscard]] static QString certificateFingerprint(const QSslCertificate &certificate);

    // ---- Configuration: before connectToServer(); a change applies at the next connection.

    // wss://HOST:PORT/edge (an empty path means /edge). Only wss is accepted.
    void setServerUrl(const QUrl &url);
    [[nodiscard]] QUrl serverUrl() const;
    // Credentials: an app key (recommended for devices) or a user and password.
    // Setting one clears the other.
    void setAppKey(const QString &appKey);
    void setUserCredentials(const QString &user, const QString &password);

    // Trust only the CA certificates in this PEM file (instead of the system
    // store). Read at connectToServer(); an unreadable or empty file is an
    // InvalidConfiguration error.
    void setCaFile(const QString &path);
    [[nodiscard]] QString caFile() const;
    // Accept exactly the server certificate with this SHA-256 fingerprint
    // (hex, upper or lower case, ':' separators allowed: as printed by
    // `openssl x509 -noout -fingerprint -sha256`). With a CA file as well,
    // both must pass. Empty: no pin.
    void setPinnedFingerprint(const QString &sha256Hex);
    [[nodiscard]] QString pinnedFingerprint() const;
    // Accept ANY certificate: for a first test on a bench only. Every
    // connection then logs a warning that the connection is not authenticated.
    void setInsecureSkipVerification(bool insecure);
    [[nodiscard]] Verification verification() const;

    // Reconnection: the n-th delay (n = 0, 1, ...) is uniform in
    // [minimumMs, min(maximumMs, minimumMs * 2^n)]; the attempt counter
    // resets once a connection reaches Connected. Defaults 1000 / 60000.
    void setReconnectDelays(int minimumMs, int maximumMs);
    // Values queued while offline (or before their Thing is bound): at most
    // capacity values (default 10000, at least 1), with the policy when full
    // (default DropOldest). Flushed, in order, once the Thing is bound again.
    void setOfflineQueue(int capacity, QueuePolicy policy);
    [[nodiscard]] int queuedValueCount() const;
    // Values set within this many milliseconds go out together in one `update`
    // message per Thing (default 0: those set in one event-loop turn).
    void setBatchInterval(int milliseconds);
    // A WebSocket ping every interval; no pong within the next interval closes
    // the connection and reconnects (default 30000; 0 disables).
    void setKeepAliveInterval(int milliseconds);

    // ---- Connection

    // Starts connecting (and reconnecting after every loss) until
    // disconnectFromServer(). A wrong configuration, and credentials the
    // server refuses ("unauthorized"), emit errorOccurred and end in
    // Disconnected without retrying; every other failure is retried.
    void connectToServer();
    // Closes the connection and stops reconnecting; queued values are kept.
    void disconnectFromServer();
    [[nodiscard]] State state() const;
    // After authentication: the user the session acts as, and the server's protocol version.
    [[nodiscard]] QString sessionUser() const;
    [[nodiscard]] int serverProtocolVersion() const;

    // ---- Things (bound now when connected, and again after every reconnection)

    // The directories are validated at once: a bad name or a local root
    // that is not an existing directory emits errorOccurred (InvalidConfiguration)
    // and the Thing is not bound.
    void bindThing(const QString &thing, const QList<VirtualDirectory> &directories = {});
    void unbindThing(const QString &thing);
    [[nodiscard]] QStringList boundThings() const; // as last confirmed by the server

    // Declares how a property is pushed (a property never declared is pushed
    // OnChange with threshold 0). Returns false (and emits errorOccurred) on
    // invalid options (negative threshold, scan without provider).
    bool declareProperty(const QString &thing, const QString &property,
                         const PropertyOptions &options);
    // Sets a value locally and pushes it according to the property's policy.
    // time: when it was measured (invalid: now). done, when given, gets the
    // server's answer to this value (as for updateProperties()); a value the
    // policy does not push completes at once with nothing accepted.
    void setPropertyValue(const QString &thing, const QString &property, const QJsonValue &value,
                          const QDateTime &time = QDateTime(), Quality quality = Quality::Good,
                          const UpdateCompletion &done = UpdateCompletion());
    // Pushes these values as they are (no push policy), batched like the others.
    // done, when given, is called once with the server's answer to these
    // values alone: they go out in update messages of their own (so another
    // call's refused value cannot take them down, "all or nothing" being per
    // message), queued like the others while offline and sent again after a
    // reconnection, so done waits until the server answered. done gets an
    // error when the server refused them (the first refusal, when more than
    // 1,000 values went out in several messages), or when the offline queue
    // dropped one of them (Cancelled). Not called if the EdgeClient is
    // destroyed first. updateAcknowledged and updateRejected are emitted too.
    void updateProperties(const QString &thing, const QList<PropertyValue> &values,
                          const UpdateCompletion &done = UpdateCompletion());
    // The last value set, scanned or written by the platform; undefined if none.
    [[nodiscard]] QJsonValue propertyValue(const QString &thing, const QString &property) const;

    // Fires an event (not queued: when not connected, done gets Unavailable).
    void fireEvent(const QString &thing, const QString &event,
                   const QJsonObject &data = QJsonObject(), const Completion &done = Completion(),
                   const QDateTime &time = QDateTime());

    // Handlers for platform requests. property/service empty: every one of
    // the Thing without its own handler. A write without a handler is
    // refused ("unsupported"); a succeeded write updates propertyValue() and
    // counts as pushed. A null handler removes it.
    void setWriteHandler(const QString &thing, const QString &property,
                         const WriteHandler &handler);
    void setServiceHandler(const QString &thing, const QString &service,
                           const ServiceHandler &handler);

    // ---- Files (protocol version 2; the Thing must have virtual directories)

    // Copies the device's `path` ("logs/today.txt") into `repository` at
    // `repositoryPath`; done gets the transfer id once the server queued it.
    void uploadFile(const QString &thing, const QString &path, const QString &repository,
                    const QString &repositoryPath, OverwritePolicy overwrite,
                    const TransferCompletion &done);
    // Copies a repository file to the device's `path`.
    void downloadFile(const QString &thing, const QString &repository,
                      const QString &repositoryPath, const QString &path, OverwritePolicy overwrite,
                      const TransferCompletion &done);
    // Asks the server for a transfer's state (file.status).
    void queryTransfer(const QUuid &transfer, const StatusCompletion &done);
    // Stops a transfer this device is carrying out (file.cancel) and deletes its staging file.
    void cancelTransfer(const QUuid &transfer, const QString &reason);

Q_SIGNALS:
    void stateChanged(BulwarkEdge::EdgeClient::State state);
    void errorOccurred(const BulwarkEdge::Error &error);
    void thingBound(const QString &thing);
    // The server refused a bind, or later dropped the Thing (authorization change).
    void thingBindFailed(const QString &thing, const BulwarkEdge::Error &error);
    void updateAcknowledged(const QString &thing, int accepted, int stale);
    // The server refused an update (nothing of it was stored; not retried).
    void updateRejected(const QString &thing, const BulwarkEdge::Error &error);
    // Values dropped because the offline queue was full.
    void valuesDropped(int count);
    void propertyWritten(const QString &thing, const QString &property, const QJsonValue &value);

    void transferStarted(const BulwarkEdge::TransferInfo &transfer);
    void transferProgress(const BulwarkEdge::TransferInfo &transfer);
    // The receiving side verified size, MD5 and SHA-256; a received file is in place.
    void transferFinished(const BulwarkEdge::TransferInfo &transfer);
    void transferFailed(const BulwarkEdge::TransferInfo &transfer, const BulwarkEdge::Error &error);

private:
    friend class EdgeClientPrivate;
    std::unique_ptr<EdgeClientPrivate> d;
};

// "disconnected", "connecting", "authenticating", "connected", "waiting to
// reconnect": the state as a person reads it in a log or status.
[[nodiscard]] BULWARK_EDGE_EXPORT QString stateName(EdgeClient::State state);

} // namespace BulwarkEdge

Q_DECLARE_METATYPE(BulwarkEdge::Error)
Q_DECLARE_METATYPE(BulwarkEdge::TransferInfo)
