// The machinery behind EdgeClient: one WebSocket per connection attempt, the
// session's request bookkeeping, the Things and their properties, the
// bounded queue of values waiting to be sent, and the file transfers.
#pragma once

#include "BulwarkEdge/EdgeClient.h"

#include "security/FileCipher.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QSslError>
#include <QTimer>
#include <QWebSocket>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>

namespace BulwarkEdge {

Q_DECLARE_LOGGING_CATEGORY(lcEdgeSdk)

// ISO 8601 in UTC with milliseconds, as the protocol's times are written.
[[nodiscard]] QString isoTime(const QDateTime &time);

struct Reply::State
{
    enum class Kind
    {
        Write,
        Invoke,
    };
    QPointer<EdgeClient> client;
    quint64 session = 0; // the session the request came in on
    QJsonValue id;
    Kind kind = Kind::Write;
    QString thing;
    QString name; // property or service
    QJsonValue requested;
    std::atomic_bool answered{false};
};

// One setPropertyValue() or updateProperties() call with a completion: its
// values travel in update messages of their own, and done is called once,
// when they are all acknowledged or at the first refusal or drop.
struct UpdateCall
{
    UpdateCompletion done;
    qsizetype unanswered = 0; // values not yet acknowledged
    UpdateResult result;
    bool finished = false;

    void acknowledge(qsizetype values, int accepted, int stale);
    void refuse(const Error &error);
};

// One transfer this device takes part in (Files.cpp).
struct Transfer
{
    Transfer();
    ~Transfer();
    Q_DISABLE_COPY_MOVE(Transfer)

    TransferInfo info;
    QByteArray idText; // the 36-character lowercase id: the chunks' additional data
    int chunkSize = 0;
    quint32 chunkCount = 0; // receiving: from the announced size; sending: from the file's size
    std::unique_ptr<QFile> file;
    QString stagingPath; // receiving
    bool overwrite = false;
    std::unique_ptr<Bulwark::FileOpener> opener; // receiving
    std::unique_ptr<Bulwark::FileSealer> sealer; // sending
    Bulwark::FileKey key;                        // receiving: to start over
    quint32 kept = 0;                            // receiving: chunks kept from an earlier attempt
    QJsonValue replyId =
        QJsonValue(QJsonValue::Undefined); // receiving: file.receive not yet answered
    quint32 acknowledged = 0;              // sending: chunks the receiver verified
    bool completeSent = false;             // sending
};

class EdgeClientPrivate final
{
public:
    using State = EdgeClient::State;

    explicit EdgeClientPrivate(EdgeClient *client);
    ~EdgeClientPrivate();
    Q_DISABLE_COPY_MOVE(EdgeClientPrivate)

    struct PropertyState
    {
        PropertyOptions options;
        QJsonValue current = QJsonValue(QJsonValue::Undefined);
        QJsonValue lastPushed = QJsonValue(QJsonValue::Undefined);
        std::unique_ptr<QTimer> scanTimer;
    };
    struct ThingState
    {
        QList<VirtualDirectory> directories;
        bool declared = false; // bindThing() called (and not unbindThing())
        bool bound = false;    // confirmed by the server in this session
        std::map<QString, PropertyState> properties;
        QHash<QString, WriteHandler> writeHandlers;
        QHash<QString, ServiceHandler> serviceHandlers;
    };
    struct QueuedValue
    {
        QString thing;
        PropertyValue value;
        std::shared_ptr<UpdateCall> call; // null: no completion
    };
    struct InFlightUpdate
    {
        QString thing;
        QList<PropertyValue> values;
        std::shared_ptr<UpdateCall> call;
    };
    using ReplyHandler = std::function<void(const QJsonObject &reply)>;

    // ---- connection (Connection.cpp)
    [[nodiscard]] std::optional<Error> loadConfiguration();
    void openSocket();
    void onConnected();
    void onDisconnected();
    void onSslErrors(const QList<QSslError> &errors);
    void onTextMessage(const QString &text);
    void onAuthenticated(const QJsonObject &reply);
    void sendBinds();
    void onBindReply(const QJsonObject &reply, int *outstanding);
    void enterConnected();
    void endSession();
    void scheduleReconnect();
    void setState(State state);
    void fail(ErrorCode code, const QString &message);
    void fatal(ErrorCode code, const QString &message);
    void closeSocket();
    void onKeepAlive();

    // Sends a request; handler gets the reply (or a synthesized error when
    // the session ends first).
    void request(QJsonObject message, ReplyHandler handler);
    void send(const QJsonObject &message);
    void sendBinary(const QByteArray &frame);
    void sendError(const QJsonValue &id, ErrorCode code, const QString &message);
    void sendResult(const QJsonValue &id, const QJsonObject &result);
    [[nodiscard]] bool isConnected() const { return state == State::Connected; }
    [[nodiscard]] static Error errorOf(const QJsonObject &reply);

    // ---- properties and updates (Properties.cpp)
    PropertyState &property(const QString &thing, const QString &name);
    void offer(const QString &thing, const QString &name, const QJsonValue &value,
               const QDateTime &time, Quality quality,
               const UpdateCompletion &done = UpdateCompletion());
    void enqueue(QueuedValue entry);
    void requeue(const InFlightUpdate &update); // to the front, in order
    void dropped(const QueuedValue &entry, const QString &why);
    void trimQueue();
    void scheduleFlush();
    void flush();
    void sendUpdate(const QString &thing, const QList<PropertyValue> &values,
                    const std::shared_ptr<UpdateCall> &call);
    void onUpdateReply(qint64 id, const QJsonObject &reply);
    void startScanning();
    void stopScanning();
    void scan(const QString &thing, const QString &name);

    // ---- platform requests (Requests.cpp)
    void onPlatformRequest(const QJsonObject &message);
    static void answerLater(const std::shared_ptr<Reply::State> &reply, bool ok,
                            const QJsonValue &value, ErrorCode code, const QString &message);
    void answer(const std::shared_ptr<Reply::State> &reply, bool ok, const QJsonValue &value,
                ErrorCode code, const QString &message);

    // ---- files (Files.cpp)
    void onFileRequest(const QString &type, const QJsonObject &message);
    void onFileList(const QJsonValue &id, const QJsonObject &message);
    void onFileDelete(const QJsonValue &id, const QJsonObject &message);
    void onFileReceive(const QJsonValue &id, const QJsonObject &message);
    void onFileSend(const QJsonValue &id, const QJsonObject &message);
    void absorbStaged(const QUuid &id);
    void onFileComplete(const QJsonValue &id, const QJsonObject &message);
    void onFileAck(const QJsonObject &message);
    void onFileCancel(const QJsonObject &message);
    void onBinaryMessage(const QByteArray &frame);
    void pumpSending(const QUuid &id);
    void failTransfer(const QUuid &id, ErrorCode code, const QString &message, bool tellPeer);
    void interruptTransfers();
    void removeStaleStaging(const QList<VirtualDirectory> &directories);
    [[nodiscard]] const ThingState *filesThing(const QString &thing, Error *error) const;

    EdgeClient *q;

    // configuration
    QUrl url;
    QString appKey;
    QString user;
    QString password;
    QString caFile;
    QString pin;         // as given
    QByteArray pinBytes; // 32 bytes once loaded
    bool insecure = false;
    int minimumDelayMs = 1000;
    int maximumDelayMs = 60000;
    int capacity = 10000;
    QueuePolicy policy = QueuePolicy::DropOldest;
    int batchIntervalMs = 0;
    int keepAliveMs = 30000;
    QList<QSslCertificate> caCertificates;

    // connection
    State state = State::Disconnected;
    bool wanted = false;   // connectToServer() until disconnectFromServer() or a fatal error
    bool stopping = false; // the current socket is being closed on purpose
    bool tlsRefused = false;
    bool socketEnded = false;
    QAbstractSocket::SocketError socketError = QAbstractSocket::UnknownSocketError;
    std::unique_ptr<QWebSocket> socket;
    QTimer backoffTimer;
    QTimer flushTimer;
    QTimer keepAliveTimer;
    bool awaitingPong = false;
    int attempt = 0;
    quint64 session = 0; // counts sessions, so late answers to an old one are dropped
    qint64 nextId = 1;
    QHash<qint64, ReplyHandler> pending;
    QString sessionUser;
    int serverProtocol = 0;

    std::map<QString, ThingState> things;
    std::deque<QueuedValue> queue;
    QHash<qint64, InFlightUpdate> inFlight; // by the update message's id

    std::map<QUuid, std::unique_ptr<Transfer>> transfers;
};

} // namespace BulwarkEdge
