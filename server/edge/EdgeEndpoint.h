// wss://…/edge, the device endpoint. Protocol version 1 (docs/protocol.md):
// a device authenticates with a first "auth" message within the configured
// time, then may "ping", "bind" the Things it speaks for (visibility and
// Read, decided by the AccessModel, re-checked after every change of what
// authorization decides from), push property values ("update", stored by
// PropertyIngest's group commit and answered once durable), fire events,
// and answer the platform's property writes and service calls. Each
// session is rate-limited (token bucket) and kept alive with pings. The
// Things bound are the connection state in ConnectionRegistry.
// Everything here runs on the server's I/O thread and never blocks.
#pragma once

#include "ConnectionRegistry.h"
#include "EdgeDecode.h"
#include "EdgeSettings.h"
#include "PropertyIngest.h"
#include "core/Result.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>

class QWebSocket;
class QTimer;

namespace Bulwark {

class Authenticator;
class EventHub;
class StorageThread;
class TransferManager;
class Vault;
namespace Access {
class AccessModel;
struct EntityRef;
} // namespace Access

// What became of a request the platform sent to a device.
struct DeviceAnswer
{
    enum class Outcome
    {
        Done,         // the device answered "result"
        Refused,      // the device answered "error"
        TimedOut,     // no answer within the timeout
        NotConnected, // no session speaks for the Thing (or it went away)
    };
    Outcome outcome = Outcome::Done;
    QJsonObject result; // Done: the device's result object
    QString message;    // Refused: the device's words; otherwise ours
    QString code;       // Refused: the device's error code (may be empty)
};

// Which error codes a reply to a device may use (docs/protocol.md): those of
// version 1 (update, event, ...), or also those version 2 added for files
// (too-large, quota-exceeded, exists, conflict).
enum class EdgeCodes
{
    Version1,
    Files,
};
// The edge error code a device gets for a failure on the server; one without
// a code of its own in codes is "unavailable". With EdgeCodes::Files the limit
// and exists prefixes of files/FileRepository.h choose the code.
[[nodiscard]] QString edgeErrorCode(const Error &error, EdgeCodes codes);

class EdgeEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EdgeEndpoint)

public:
    EdgeEndpoint(Authenticator &authenticator, const Access::AccessModel &access,
                 StorageThread &storage, const Vault &vault, EventHub &events,
                 EdgeSettings settings, QObject *parent = nullptr);
    ~EdgeEndpoint() override;

    void accept(QWebSocket *socket); // takes ownership
    void closeAll();
    [[nodiscard]] qsizetype sessionCount() const { return m_sessions.size(); }

    [[nodiscard]] const ConnectionRegistry &connections() const { return m_connections; }
    [[nodiscard]] const EdgeSettings &settings() const { return m_settings; }
    // Sends message (a "write" or "invoke", without its id) to the session
    // that most recently bound thing; done is called once, on this thread.
    void requestDevice(const QString &thing, QJsonObject message, int timeoutMs,
                       std::function<void(DeviceAnswer)> done);

    // Version 2, files (EdgeFiles.cpp). The transfer engine, once made.
    void setTransfers(TransferManager *transfers) { m_transfers = transfers; }
    // The session that most recently bound thing declaring directories; 0: none.
    // Only a connected session, and when userMay is given, one whose user
    // it accepts (a transfer needs the device's user allowed too).
    [[nodiscard]] quint64
    fileSession(const QString &thing,
                const std::function<bool(const QString &user)> &userMay = {}) const;
    // The directories that session declared for thing.
    [[nodiscard]] QStringList directories(const QString &thing) const;
    // To one session; false when it is gone.
    bool sendToSession(quint64 session, const QJsonObject &message);
    bool sendBinaryToSession(quint64 session, const QByteArray &frame);
    // requestDevice() to one session (a file transfer stays on its session).
    void requestSession(quint64 session, QJsonObject message, int timeoutMs,
                        std::function<void(DeviceAnswer)> done);
    static constexpr int MaximumDirectories = 32;
    static constexpr int MaximumBadFrames = 3; // binary protocol errors in a row

    static constexpr int MaximumBoundThings = 1000;
    static constexpr int MaximumValuesPerUpdate = EdgeDecode::MaximumValuesPerUpdate;
    static constexpr qsizetype MaximumEventData = 64 * 1024;
    static constexpr qint64 MaximumFutureMs = EdgeDecode::MaximumFutureMs;
    static constexpr qint64 RateLimitCloseMs = 10 * 1000;

private:
    struct Session
    {
        quint64 id = 0;
        QString user;      // empty until authenticated
        QString appKey;    // the key it signed in with, if any
        QDateTime expires; // when that key expires; null: never
        QString remoteAddress;
        bool authenticating = false;
        QTimer *authDeadline = nullptr;
        QStringList bound;             // Things this session speaks for
        quint64 checkedGeneration = 0; // the access state bound was last checked against
        double tokens = 0;             // rate limit bucket
        qint64 refilledAt = 0;         // m_clock ms
        qint64 overSince = -1;         // m_clock ms of the first refused message in a row
        qint64 refusedAt = -1;         // m_clock ms of the latest refused message
        qint64 heardAt = 0;            // m_clock ms of the last message or pong

        // Version 2: the directories declared for each bound Thing, and the
        // binary protocol errors in a row.
        QHash<QString, QStringList> directories;
        int badFrames = 0;

        // What it sent and received, shared with the registry's entries.
        std::shared_ptr<ConnectionRegistry::Traffic> traffic;
    };
    struct PlatformRequest
    {
        QPointer<QWebSocket> socket;
        QTimer *deadline = nullptr;
        std::function<void(DeviceAnswer)> done;
    };

    void onMessage(QWebSocket *socket, const QString &text);
    [[nodiscard]] bool withinRate(QWebSocket *socket, Session &session, const QJsonValue &id);
    void bind(QWebSocket *socket, Session &session, const QJsonValue &id,
              const QJsonObject &message, bool unbind);
    // Unbinds (and tells the device) what the session may no longer bind.
    void recheckBindings(QWebSocket *socket, Session &session);
    void bound(Session &session, const QString &thing);
    // The error a device is told when it may not bind ref.
    [[nodiscard]] static QJsonObject bindRefusal(const Session &session,
                                                 const Access::EntityRef &ref, const Error &why);
    void unbound(Session &session, const QString &thing);
    void publishConnection(const QString &thing);
    void sessionEnded(QWebSocket *socket);
    void keepAlive();

    // EdgeFiles.cpp: version 2, files.
    [[nodiscard]] static Result<QStringList> declaredDirectories(const QJsonObject &message);
    void onBinary(QWebSocket *socket, const QByteArray &frame);
    // Handles file.* from a device; false when type is none of them.
    bool fileMessage(QWebSocket *socket, Session &session, const QJsonValue &id,
                     const QString &type, const QJsonObject &message);
    void startDeviceTransfer(QWebSocket *socket, Session &session, const QJsonValue &id,
                             const QJsonObject &message, bool upload);

    // EdgeMessages.cpp: what a device sends about its Things.
    void update(QWebSocket *socket, Session &session, const QJsonValue &id,
                const QJsonObject &message);
    void fireEvent(QWebSocket *socket, Session &session, const QJsonValue &id,
                   const QJsonObject &message);
    void platformReply(QWebSocket *socket, const QString &id, const QString &type,
                       const QJsonObject &message);
    void finishRequest(const QString &id, DeviceAnswer answer);
    // Sends message to socket with a new platform request id; done gets the
    // answer, or TimedOut after timeoutMs.
    void sendRequest(QWebSocket *socket, QJsonObject message, int timeoutMs,
                     std::function<void(DeviceAnswer)> done);
    // Not bound by this session: the error the device gets.
    [[nodiscard]] bool requireBound(QWebSocket *socket, const Session &session,
                                    const QJsonValue &id, const QString &thing);

    void reply(QWebSocket *socket, const QJsonValue &id, const QJsonObject &result);
    void replyError(QWebSocket *socket, const QJsonValue &id, const QString &code,
                    const QString &message);
    void send(QWebSocket *socket, const QJsonObject &message);
    // A message sent to or received from socket, for its session's traffic.
    void countSent(QWebSocket *socket, qsizetype bytes);

    Authenticator &m_authenticator;
    const Access::AccessModel &m_access;
    StorageThread &m_storage;
    EventHub &m_events;
    EdgeSettings m_settings;
    PropertyIngest m_ingest;
    ConnectionRegistry m_connections;
    QHash<QWebSocket *, Session> m_sessions;
    QHash<quint64, QWebSocket *> m_socketsById;
    TransferManager *m_transfers = nullptr;
    QHash<QString, PlatformRequest> m_requests; // by the id the platform sent ("p-12")
    quint64 m_nextSession = 1;
    quint64 m_nextRequest = 1;
    QElapsedTimer m_clock;
    QTimer *m_keepAlive = nullptr;
};

} // namespace Bulwark
