// EdgeClient: configuration, the connection's state machine (connect, TLS
// verification, auth, bind, backoff), properties and their push policies,
// the offline queue, events, and the platform's write and invoke requests.
// Files are in Files.cpp.
#include "EdgeClientPrivate.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslKey>

#include <algorithm>
#include <cmath>

namespace BulwarkEdge {

Q_LOGGING_CATEGORY(lcEdgeSdk, "bulwark.edge.sdk", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace {

struct CodeName
{
    ErrorCode code;
    const char *name;
};

constexpr CodeName kCodeNames[] = {
    {ErrorCode::BadRequest, "bad-request"},
    {ErrorCode::Unauthorized, "unauthorized"},
    {ErrorCode::Forbidden, "forbidden"},
    {ErrorCode::NotFound, "not-found"},
    {ErrorCode::NotBound, "not-bound"},
    {ErrorCode::TypeMismatch, "type-mismatch"},
    {ErrorCode::TooManyRequests, "too-many-requests"},
    {ErrorCode::Unavailable, "unavailable"},
    {ErrorCode::Unsupported, "unsupported"},
    {ErrorCode::VerificationFailed, "verification-failed"},
    {ErrorCode::TooLarge, "too-large"},
    {ErrorCode::QuotaExceeded, "quota-exceeded"},
    {ErrorCode::Exists, "exists"},
    {ErrorCode::Cancelled, "cancelled"},
    {ErrorCode::Conflict, "conflict"},
    {ErrorCode::InvalidConfiguration, "invalid-configuration"},
    {ErrorCode::ConnectionFailed, "connection-failed"},
    {ErrorCode::TlsFailed, "tls-failed"},
    {ErrorCode::ProtocolViolation, "protocol-violation"},
};

QString qualityName(Quality quality)
{
    switch (quality) {
    case Quality::Good:
        return u"good"_s;
    case Quality::Uncertain:
        return u"uncertain"_s;
    case Quality::Bad:
        return u"bad"_s;
    }
    return u"good"_s;
}

QString isoTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QString hexFingerprint(const QByteArray &digest)
{
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

// A value of a property declared OnChange is pushed when it differs from the
// last pushed one (numbers: by at least the threshold).
bool changedEnough(const QJsonValue &last, const QJsonValue &value, double threshold)
{
    if (last.isUndefined())
        return true;
    if (last.isDouble() && value.isDouble()) {
        const double difference = std::fabs(value.toDouble() - last.toDouble());
        if (threshold > 0)
            return difference >= threshold;
        return difference != 0;
    }
    return last != value;
}

} // namespace

QString errorCodeName(ErrorCode code)
{
    for (const CodeName &entry : kCodeNames) {
        if (entry.code == code)
            return QString::fromLatin1(entry.name);
    }
    return u"protocol-violation"_s;
}

ErrorCode errorCodeFromName(const QString &name)
{
    for (const CodeName &entry : kCodeNames) {
        if (name == QLatin1StringView(entry.name))
            return entry.code;
    }
    return ErrorCode::ProtocolViolation;
}

// ---------------------------------------------------------------- Private

EdgeClientPrivate::EdgeClientPrivate(EdgeClient *client)
    : q(client)
{
    backoffTimer.setSingleShot(true);
    flushTimer.setSingleShot(true);
    QObject::connect(&backoffTimer, &QTimer::timeout, q, [this] { openSocket(); });
    QObject::connect(&flushTimer, &QTimer::timeout, q, [this] { flush(); });
    QObject::connect(&keepAliveTimer, &QTimer::timeout, q, [this] { onKeepAlive(); });
}

EdgeClientPrivate::~EdgeClientPrivate()
{
    if (socket) {
        socket->disconnect();
        socket->abort();
    }
}

void EdgeClientPrivate::setState(State newState)
{
    if (state == newState)
        return;
    state = newState;
    qCDebug(lcEdgeSdk) << "state" << newState;
    Q_EMIT q->stateChanged(newState);
}

void EdgeClientPrivate::fail(ErrorCode code, const QString &message)
{
    qCWarning(lcEdgeSdk).noquote() << errorCodeName(code) << message;
    Q_EMIT q->errorOccurred(Error{code, message});
}

// An error retrying cannot fix: stop until connectToServer() is called again.
void EdgeClientPrivate::fatal(ErrorCode code, const QString &message)
{
    wanted = false;
    backoffTimer.stop();
    fail(code, message);
    closeSocket();
}

// Closes the connection on purpose: a clean close when open, else at once.
void EdgeClientPrivate::closeSocket()
{
    if (socket && socket->state() == QAbstractSocket::ConnectedState) {
        stopping = true;
        socket->close(); // disconnected() follows
        return;
    }
    if (socket)
        socket->abort();
    endSession();
    setState(State::Disconnected);
}

std::optional<Error> EdgeClientPrivate::loadConfiguration()
{
    if (url.scheme() != u"wss"_s || url.host().isEmpty())
        return Error{ErrorCode::InvalidConfiguration,
                     u"The server URL '%1' is not usable: give wss://HOST:PORT/edge (only TLS "
                     "connections are supported)."_s.arg(url.toDisplayString())};
    if (appKey.isEmpty() && (user.isEmpty() || password.isEmpty()))
        return Error{ErrorCode::InvalidConfiguration,
                     u"No credentials: set an application key (setAppKey) or a user name and "
                     "password (setUserCredentials)."_s};
    caCertificates.clear();
    if (!caFile.isEmpty()) {
        QFile file(caFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error{ErrorCode::InvalidConfiguration,
                         u"Cannot read the CA file '%1': %2."_s.arg(caFile, file.errorString())};
        caCertificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        if (caCertificates.isEmpty())
            return Error{
                ErrorCode::InvalidConfiguration,
                u"The CA file '%1' holds no PEM certificate (-----BEGIN CERTIFICATE-----)."_s.arg(
                    caFile)};
    }
    pinBytes.clear();
    if (!pin.isEmpty()) {
        QString hex = pin;
        hex.remove(u':').remove(u' ');
        static const QRegularExpression hexDigits(u"^[0-9A-Fa-f]{64}$"_s);
        if (!hexDigits.match(hex).hasMatch())
            return Error{ErrorCode::InvalidConfiguration,
                         u"The pinned fingerprint '%1' is not a SHA-256 fingerprint: give 64 "
                         "hexadecimal digits (colons allowed), as printed by `openssl x509 "
                         "-noout -fingerprint -sha256 -in server.crt`."_s.arg(pin)};
        pinBytes = QByteArray::fromHex(hex.toLatin1());
    }
    return std::nullopt;
}

void EdgeClientPrivate::openSocket()
{
    if (!wanted)
        return;
    if (socket) {
        socket->disconnect();
        socket->abort();
        socket.release()->deleteLater();
    }
    tlsRefused = false;
    stopping = false;
    socketEnded = false;
    socketError = QAbstractSocket::UnknownSocketError;
    setState(State::Connecting);
    socket = std::make_unique<QWebSocket>(QString(), QWebSocketProtocol::VersionLatest);
    socket->setMaxAllowedIncomingMessageSize(1024 * 1024);
    socket->setMaxAllowedIncomingFrameSize(1024 * 1024);

    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!caCertificates.isEmpty())
        configuration.setCaCertificates(caCertificates);
    socket->setSslConfiguration(configuration);
    if (insecure)
        qCWarning(lcEdgeSdk).noquote()
            << "INSECURE: the server's certificate is NOT verified "
               "(setInsecureSkipVerification): anyone on the path can read and change this "
               "connection, credentials included. Use a CA file or a pinned fingerprint.";

    QWebSocket *s = socket.get();
    QObject::connect(s, &QWebSocket::connected, q, [this] { onConnected(); });
    QObject::connect(s, &QWebSocket::disconnected, q, [this] { onDisconnected(); });
    QObject::connect(s, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q,
                     [this, s](QAbstractSocket::SocketError error) {
                         socketError = error;
                         // A connection that never opened ends with error() alone.
                         if (s->state() == QAbstractSocket::UnconnectedState)
                             onDisconnected();
                     });
    QObject::connect(s, &QWebSocket::sslErrors, q,
                     [this](const QList<QSslError> &errors) { onSslErrors(errors); });
    QObject::connect(s, &QWebSocket::textMessageReceived, q,
                     [this](const QString &text) { onTextMessage(text); });
    QObject::connect(s, &QWebSocket::binaryMessageReceived, q,
                     [this](const QByteArray &frame) { onBinaryMessage(frame); });
    QObject::connect(s, &QWebSocket::pong, q, [this] { awaitingPong = false; });

    QUrl target = url;
    if (target.path().isEmpty() || target.path() == u"/"_s)
        target.setPath(u"/edge"_s);
    qCInfo(lcEdgeSdk).noquote() << "connecting to" << target.toDisplayString();
    socket->open(target);
}

void EdgeClientPrivate::onSslErrors(const QList<QSslError> &errors)
{
    QSslCertificate peer = socket->sslConfiguration().peerCertificate();
    if (peer.isNull() && !errors.isEmpty())
        peer = errors.first().certificate();
    const QByteArray digest =
        peer.isNull() ? QByteArray() : peer.digest(QCryptographicHash::Sha256);
    if (insecure) {
        socket->ignoreSslErrors();
        return;
    }
    // A pin alone replaces the chain and name checks; with a CA file both apply.
    if (!pinBytes.isEmpty() && caCertificates.isEmpty() && digest == pinBytes) {
        socket->ignoreSslErrors();
        return;
    }
    QStringList reasons;
    for (const QSslError &error : errors)
        reasons.append(error.errorString());
    tlsRefused = true;
    QString advice;
    if (!pinBytes.isEmpty() && digest != pinBytes)
        advice = u"The certificate's SHA-256 fingerprint is %1 but %2 is pinned: this is not the "
                 "server you pinned, or its certificate was replaced. Check the server, then "
                 "correct the pin."_s.arg(hexFingerprint(digest), hexFingerprint(pinBytes));
    else if (!caCertificates.isEmpty())
        advice = u"It does not verify against the CA file '%1': give the CA that issued the "
                 "server's certificate (its SHA-256 fingerprint is %2)."_s.arg(
                     caFile, hexFingerprint(digest));
    else
        advice =
            u"It does not verify against the system's CA certificates: give the server's CA "
            "file (setCaFile) or pin the certificate's SHA-256 fingerprint %1 "
            "(setPinnedFingerprint) after checking it on the server (it logs it at start)."_s.arg(
                hexFingerprint(digest));
    fail(ErrorCode::TlsFailed, u"The certificate of %1 was refused (%2). %3"_s.arg(
                                   url.host(), reasons.join(u"; "_s), advice));
}

void EdgeClientPrivate::onConnected()
{
    // With a CA file and a pin, or a certificate that verified, the pin must still match.
    if (!pinBytes.isEmpty() && !insecure) {
        const QByteArray digest =
            socket->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256);
        if (digest != pinBytes) {
            tlsRefused = true;
            fail(ErrorCode::TlsFailed,
                 u"The certificate of %1 has the SHA-256 fingerprint %2 but %3 is pinned: this "
                 "is not the server you pinned, or its certificate was replaced. Check the "
                 "server, then correct the pin."_s.arg(url.host(), hexFingerprint(digest),
                                                       hexFingerprint(pinBytes)));
            stopping = false;
            socket->abort();
            return;
        }
    }
    ++session;
    setState(State::Authenticating);
    QJsonObject auth{{"type"_L1, "auth"_L1}};
    if (!appKey.isEmpty()) {
        auth.insert("appKey"_L1, appKey);
    } else {
        auth.insert("user"_L1, user);
        auth.insert("password"_L1, password);
    }
    request(auth, [this](const QJsonObject &reply) { onAuthenticated(reply); });
}

void EdgeClientPrivate::onAuthenticated(const QJsonObject &reply)
{
    if (reply.value("type"_L1).toString() != u"result"_s) {
        const Error error = errorOf(reply);
        if (error.code == ErrorCode::Unauthorized)
            fatal(error.code,
                  u"The server refused the credentials: %1 Correct the application key or the "
                  "user name and password, then connect again."_s.arg(error.message));
        else if (error.code != ErrorCode::ConnectionFailed)
            fail(error.code, u"Sign-in failed, will retry: %1"_s.arg(error.message));
        return; // the server closes the connection; onDisconnected() schedules the retry
    }
    const QJsonObject result = reply.value("result"_L1).toObject();
    sessionUser = result.value("user"_L1).toString();
    serverProtocol = result.value("protocol"_L1).toInt();
    qCInfo(lcEdgeSdk).noquote() << "signed in as" << sessionUser << "protocol" << serverProtocol;
    sendBinds();
}

void EdgeClientPrivate::sendBinds()
{
    // One bind per set of directory names (bind declares them for all its Things).
    QMap<QStringList, QStringList> groups;
    for (auto &[name, thing] : things) {
        if (!thing.declared)
            continue;
        QStringList directoryNames;
        for (const VirtualDirectory &directory : thing.directories)
            directoryNames.append(directory.name);
        groups[directoryNames].append(name);
        if (!directoryNames.isEmpty() && serverProtocol < 2)
            fail(ErrorCode::Unsupported,
                 u"The server speaks edge protocol %1, without files: the directories of Thing "
                 "'%2' are not served. Upgrade the server for file transfer."_s.arg(serverProtocol)
                     .arg(name));
    }
    if (groups.isEmpty()) {
        enterConnected();
        return;
    }
    auto outstanding = std::make_shared<int>(0);
    for (auto group = groups.cbegin(); group != groups.cend(); ++group) {
        for (qsizetype start = 0; start < group.value().size(); start += 1000) {
            QJsonObject bind{
                {"type"_L1, "bind"_L1},
                {"things"_L1, QJsonArray::fromStringList(group.value().mid(start, 1000))}};
            if (!group.key().isEmpty() && serverProtocol >= 2)
                bind.insert("directories"_L1, QJsonArray::fromStringList(group.key()));
            ++*outstanding;
            const quint64 bindSession = session;
            request(bind, [this, outstanding, bindSession](const QJsonObject &reply) {
                if (bindSession == session)
                    onBindReply(reply, outstanding.get());
            });
        }
    }
}

void EdgeClientPrivate::onBindReply(const QJsonObject &reply, int *outstanding)
{
    if (reply.value("type"_L1).toString() == u"result"_s) {
        const QJsonArray results = reply.value("result"_L1)["things"_L1].toArray();
        for (const QJsonValue &entry : results) {
            const QString name = entry["thing"_L1].toString();
            auto it = things.find(name);
            if (it == things.end())
                continue;
            if (entry["bound"_L1].toBool()) {
                it->second.bound = true;
                Q_EMIT q->thingBound(name);
            } else {
                const Error error = errorOf(entry.toObject());
                fail(error.code, u"Thing '%1' could not be bound: %2"_s.arg(name, error.message));
                Q_EMIT q->thingBindFailed(name, error);
            }
        }
    } else {
        const Error error = errorOf(reply);
        if (error.code != ErrorCode::ConnectionFailed)
            fail(error.code, u"Binding failed: %1"_s.arg(error.message));
    }
    if (--*outstanding == 0 && state == State::Authenticating)
        enterConnected();
}

void EdgeClientPrivate::enterConnected()
{
    attempt = 0;
    setState(State::Connected);
    if (keepAliveMs > 0) {
        awaitingPong = false;
        keepAliveTimer.start(keepAliveMs);
    }
    startScanning();
    scheduleFlush();
}

void EdgeClientPrivate::onKeepAlive()
{
    if (!socket || state != State::Connected)
        return;
    if (awaitingPong) {
        fail(ErrorCode::ConnectionFailed,
             u"The server did not answer a ping within %1 ms: the connection is considered "
             "lost; reconnecting."_s.arg(keepAliveMs));
        socket->abort();
        return;
    }
    awaitingPong = true;
    socket->ping();
}

// Everything tied to the session ends; values in flight go back to the queue.
void EdgeClientPrivate::endSession()
{
    keepAliveTimer.stop();
    flushTimer.stop();
    stopScanning();
    for (auto &[name, thing] : things)
        thing.bound = false;
    // In-flight updates, oldest first, back to the front of the queue.
    QList<qint64> ids = inFlight.keys();
    std::sort(ids.begin(), ids.end(), std::greater<>());
    for (qint64 id : ids) {
        const auto &[thing, values] = inFlight.value(id);
        for (auto value = values.crbegin(); value != values.crend(); ++value)
            queue.push_front(QueuedValue{thing, *value});
    }
    inFlight.clear();
    trimQueue();
    interruptTransfers();
    const QHash<qint64, ReplyHandler> waiting = std::exchange(pending, {});
    const QJsonObject lost{
        {"type"_L1, "error"_L1},
        {"error"_L1, QJsonObject{{"code"_L1, "connection-failed"_L1},
                                 {"message"_L1,
                                  "The connection to the server was lost before the answer."_L1}}}};
    QList<qint64> waitingIds = waiting.keys();
    std::sort(waitingIds.begin(), waitingIds.end());
    for (qint64 id : waitingIds)
        waiting.value(id)(lost);
}

void EdgeClientPrivate::onDisconnected()
{
    if (socketEnded)
        return;
    socketEnded = true;
    const auto closeCode = socket ? socket->closeCode() : QWebSocketProtocol::CloseCodeNormal;
    const QString closeReason = socket ? socket->closeReason() : QString();
    QString why = socket ? socket->errorString() : QString();
    switch (socketError) {
    case QAbstractSocket::ConnectionRefusedError:
        why = u"the connection was refused"_s;
        break;
    case QAbstractSocket::HostNotFoundError:
        why = u"the host name was not found"_s;
        break;
    case QAbstractSocket::SocketTimeoutError:
        why = u"the connection timed out"_s;
        break;
    case QAbstractSocket::NetworkError:
        why = u"the network is unreachable"_s;
        break;
    default:
        break;
    }
    const State before = state;
    endSession();
    if (!wanted) {
        setState(State::Disconnected);
        return;
    }
    if (!tlsRefused) {
        if (before == State::Connecting)
            fail(ErrorCode::ConnectionFailed,
                 u"Cannot connect to %1: %2. Check the address and that the server runs; "
                 "retrying."_s.arg(url.toDisplayString(), why));
        else
            fail(ErrorCode::ConnectionFailed,
                 u"The connection to %1 ended (close code %2%3); reconnecting."_s.arg(
                     url.toDisplayString(), QString::number(int(closeCode)),
                     closeReason.isEmpty() ? QString() : u" \""_s + closeReason + u'"'));
    }
    scheduleReconnect();
}

void EdgeClientPrivate::scheduleReconnect()
{
    // Full jitter over [minimum, min(maximum, minimum * 2^attempt)].
    const double ceiling =
        std::min<double>(maximumDelayMs, minimumDelayMs * std::pow(2.0, std::min(attempt, 30)));
    const int upper = std::max(minimumDelayMs, int(ceiling));
    const int delay =
        minimumDelayMs + int(QRandomGenerator::global()->bounded(upper - minimumDelayMs + 1));
    ++attempt;
    qCInfo(lcEdgeSdk) << "reconnecting in" << delay << "ms (attempt" << attempt << ")";
    setState(State::Backoff);
    backoffTimer.start(delay);
}

void EdgeClientPrivate::onTextMessage(const QString &text)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!document.isObject()) {
        qCWarning(lcEdgeSdk) << "ignoring a message that is not a JSON object:" << text.left(200);
        return;
    }
    const QJsonObject message = document.object();
    const QString type = message.value("type"_L1).toString();
    const QJsonValue id = message.value("id"_L1);
    if (type == u"result"_s || type == u"error"_s) {
        if (id.isDouble()) {
            const qint64 key = qint64(id.toDouble());
            if (auto handler = pending.take(key))
                handler(message);
            return;
        }
        if (type == u"error"_s)
            fail(errorOf(message).code, u"The server reported: %1"_s.arg(errorOf(message).message));
        return;
    }
    if (type == u"write"_s || type == u"invoke"_s) {
        onPlatformRequest(message);
        return;
    }
    if (type == u"unbound"_s) {
        const QString name = message.value("thing"_L1).toString();
        const Error error = errorOf(message);
        auto it = things.find(name);
        if (it != things.end())
            it->second.bound = false;
        fail(error.code, u"The server unbound Thing '%1': %2"_s.arg(name, error.message));
        Q_EMIT q->thingBindFailed(name, error);
        return;
    }
    if (type.startsWith(u"file."_s)) {
        onFileRequest(type, message);
        return;
    }
    if (!id.isNull() && !id.isUndefined())
        sendError(id, ErrorCode::Unsupported,
                  u"This device does not support '%1' requests."_s.arg(type));
}

void EdgeClientPrivate::request(QJsonObject message, ReplyHandler handler)
{
    const qint64 id = nextId++;
    message.insert("id"_L1, id);
    pending.insert(id, std::move(handler));
    send(message);
}

void EdgeClientPrivate::send(const QJsonObject &message)
{
    if (socket)
        socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void EdgeClientPrivate::sendBinary(const QByteArray &frame)
{
    if (socket)
        socket->sendBinaryMessage(frame);
}

void EdgeClientPrivate::sendError(const QJsonValue &id, ErrorCode code, const QString &message)
{
    send({{"id"_L1, id},
          {"type"_L1, "error"_L1},
          {"error"_L1, QJsonObject{{"code"_L1, errorCodeName(code)}, {"message"_L1, message}}}});
}

void EdgeClientPrivate::sendResult(const QJsonValue &id, const QJsonObject &result)
{
    send({{"id"_L1, id}, {"type"_L1, "result"_L1}, {"result"_L1, result}});
}

Error EdgeClientPrivate::errorOf(const QJsonObject &reply)
{
    const QJsonObject error = reply.value("error"_L1).toObject();
    return Error{errorCodeFromName(error.value("code"_L1).toString()),
                 error.value("message"_L1).toString()};
}

// ---------------------------------------------------------------- properties

EdgeClientPrivate::PropertyState &EdgeClientPrivate::property(const QString &thing,
                                                              const QString &name)
{
    return things[thing].properties[name];
}

void EdgeClientPrivate::offer(const QString &thing, const QString &name, const QJsonValue &value,
                              const QDateTime &time, Quality quality)
{
    PropertyState &state = property(thing, name);
    state.current = value;
    switch (state.options.push) {
    case PushPolicy::Never:
        return;
    case PushPolicy::OnChange:
        if (!changedEnough(state.lastPushed, value, state.options.threshold))
            return;
        break;
    case PushPolicy::Always:
        break;
    }
    state.lastPushed = value;
    enqueue(thing, PropertyValue{name, value,
                                 time.isValid() ? time : QDateTime::currentDateTimeUtc(), quality});
}

void EdgeClientPrivate::enqueue(const QString &thing, const PropertyValue &value)
{
    if (policy == QueuePolicy::KeepLatestPerProperty) {
        for (auto it = queue.begin(); it != queue.end(); ++it) {
            if (it->thing == thing && it->value.property == value.property) {
                queue.erase(it);
                break;
            }
        }
    }
    if (policy == QueuePolicy::DropNewest && int(queue.size()) >= capacity) {
        qCWarning(lcEdgeSdk) << "offline queue full: dropped the new value of" << thing
                             << value.property;
        Q_EMIT q->valuesDropped(1);
        return;
    }
    queue.push_back(QueuedValue{thing, value});
    trimQueue();
    scheduleFlush();
}

void EdgeClientPrivate::trimQueue()
{
    int dropped = 0;
    while (int(queue.size()) > capacity) {
        if (policy == QueuePolicy::DropNewest)
            queue.pop_back();
        else
            queue.pop_front();
        ++dropped;
    }
    if (dropped > 0) {
        qCWarning(lcEdgeSdk) << "offline queue full: dropped" << dropped << "value(s)";
        Q_EMIT q->valuesDropped(dropped);
    }
}

void EdgeClientPrivate::scheduleFlush()
{
    if (state == State::Connected && !flushTimer.isActive() && !queue.empty())
        flushTimer.start(batchIntervalMs);
}

void EdgeClientPrivate::flush()
{
    if (state != State::Connected)
        return;
    // Per bound Thing, in queue order, at most 1,000 values per message.
    std::map<QString, QList<PropertyValue>> batches;
    std::deque<QueuedValue> kept;
    for (QueuedValue &entry : queue) {
        auto it = things.find(entry.thing);
        if (it == things.end() || !it->second.bound)
            kept.push_back(std::move(entry));
        else
            batches[entry.thing].append(std::move(entry.value));
    }
    queue = std::move(kept);
    for (auto &[thing, values] : batches) {
        for (qsizetype start = 0; start < values.size(); start += 1000) {
            const QList<PropertyValue> part = values.mid(start, 1000);
            QJsonArray array;
            for (const PropertyValue &value : part) {
                QJsonObject entry{
                    {"property"_L1, value.property},
                    {"value"_L1, value.value.isUndefined() ? QJsonValue() : value.value},
                    {"time"_L1, isoTime(value.time)}};
                if (value.quality != Quality::Good)
                    entry.insert("quality"_L1, qualityName(value.quality));
                array.append(entry);
            }
            const qint64 id = nextId;
            inFlight.insert(id, {thing, part});
            const QString name = thing;
            request({{"type"_L1, "update"_L1}, {"thing"_L1, thing}, {"values"_L1, array}},
                    [this, id, name](const QJsonObject &reply) {
                        const auto values = inFlight.take(id);
                        if (reply.value("type"_L1).toString() == u"result"_s) {
                            const QJsonObject result = reply.value("result"_L1).toObject();
                            Q_EMIT q->updateAcknowledged(name, result["accepted"_L1].toInt(),
                                                         result["stale"_L1].toInt());
                            return;
                        }
                        const Error error = errorOf(reply);
                        if (error.code == ErrorCode::ConnectionFailed)
                            return; // endSession() already put the values back
                        if (error.code == ErrorCode::Unavailable ||
                            error.code == ErrorCode::TooManyRequests) {
                            // Nothing was stored: send again shortly.
                            for (auto v = values.second.crbegin(); v != values.second.crend(); ++v)
                                queue.push_front(QueuedValue{name, *v});
                            trimQueue();
                            if (state == State::Connected)
                                flushTimer.start(std::max(batchIntervalMs, 1000));
                            return;
                        }
                        fail(error.code, u"The server refused an update of Thing '%1' (nothing "
                                         "of it was stored): %2"_s.arg(name, error.message));
                        Q_EMIT q->updateRejected(name, error);
                    });
        }
    }
}

void EdgeClientPrivate::startScanning()
{
    for (auto &[thingName, thing] : things) {
        for (auto &[propertyName, state] : thing.properties) {
            if (state.options.scanIntervalMs <= 0 || !state.options.provider)
                continue;
            if (!state.scanTimer) {
                state.scanTimer = std::make_unique<QTimer>();
                const QString t = thingName;
                const QString p = propertyName;
                QObject::connect(state.scanTimer.get(), &QTimer::timeout, q,
                                 [this, t, p] { scan(t, p); });
            }
            state.scanTimer->start(state.options.scanIntervalMs);
            scan(thingName, propertyName);
        }
    }
}

void EdgeClientPrivate::stopScanning()
{
    for (auto &[thingName, thing] : things) {
        for (auto &[propertyName, state] : thing.properties) {
            if (state.scanTimer)
                state.scanTimer->stop();
        }
    }
}

void EdgeClientPrivate::scan(const QString &thing, const QString &name)
{
    PropertyState &state = property(thing, name);
    if (!state.options.provider)
        return;
    const QJsonValue value = state.options.provider();
    if (value.isUndefined())
        return; // the provider has no value this time
    offer(thing, name, value, QDateTime(), Quality::Good);
}

// ---------------------------------------------------------------- requests

void EdgeClientPrivate::onPlatformRequest(const QJsonObject &message)
{
    auto state = std::make_shared<Reply::State>();
    state->client = q;
    state->session = session;
    state->id = message.value("id"_L1);
    state->thing = message.value("thing"_L1).toString();
    const bool isWrite = message.value("type"_L1).toString() == u"write"_s;
    state->kind = isWrite ? Reply::State::Kind::Write : Reply::State::Kind::Invoke;
    state->name = message.value(isWrite ? "property"_L1 : "service"_L1).toString();
    state->requested = message.value("value"_L1);
    const Reply reply{state};
    auto thing = things.find(state->thing);
    if (isWrite) {
        WriteHandler handler;
        if (thing != things.end())
            handler = thing->second.writeHandlers.value(
                state->name, thing->second.writeHandlers.value(QString()));
        if (!handler) {
            reply.fail(ErrorCode::Unsupported,
                       u"Property '%1' of Thing '%2' cannot be written from the platform on this "
                       "device."_s.arg(state->name, state->thing));
            return;
        }
        handler(WriteRequest{state->thing, state->name, state->requested}, reply);
        return;
    }
    ServiceHandler handler;
    if (thing != things.end())
        handler = thing->second.serviceHandlers.value(
            state->name, thing->second.serviceHandlers.value(QString()));
    if (!handler) {
        reply.fail(ErrorCode::Unsupported, u"Service '%1' of Thing '%2' is not implemented on "
                                           "this device."_s.arg(state->name, state->thing));
        return;
    }
    handler(ServiceRequest{state->thing, state->name, message.value("parameters"_L1).toObject()},
            reply);
}

void EdgeClientPrivate::answerLater(const std::shared_ptr<Reply::State> &reply, bool ok,
                                    const QJsonValue &value, ErrorCode code, const QString &message)
{
    const QPointer<EdgeClient> client = reply->client;
    if (!client)
        return;
    QMetaObject::invokeMethod(client.data(), [client, reply, ok, value, code, message] {
        if (client)
            client->d->answer(reply, ok, value, code, message);
    });
}

void EdgeClientPrivate::answer(const std::shared_ptr<Reply::State> &reply, bool ok,
                               const QJsonValue &value, ErrorCode code, const QString &message)
{
    const auto &state = reply;
    if (state->session != session || !socket ||
        socket->state() != QAbstractSocket::ConnectedState) {
        qCInfo(lcEdgeSdk).noquote() << "dropping the answer to" << state->id.toVariant().toString()
                                    << "of an earlier session";
        return;
    }
    if (!ok) {
        sendError(state->id, code, message);
        return;
    }
    if (state->kind == Reply::State::Kind::Write) {
        const QJsonValue applied = value.isNull() || value.isUndefined() ? state->requested : value;
        QJsonObject result;
        if (!(value.isNull() || value.isUndefined()))
            result.insert("value"_L1, value);
        sendResult(state->id, result);
        PropertyState &property = this->property(state->thing, state->name);
        property.current = applied;
        property.lastPushed = applied; // the server stores it
        Q_EMIT q->propertyWritten(state->thing, state->name, applied);
        return;
    }
    QJsonObject result;
    if (!(value.isNull() || value.isUndefined()))
        result.insert("output"_L1, value);
    sendResult(state->id, result);
}

// ---------------------------------------------------------------- Reply

Reply::Reply() = default;

Reply::Reply(std::shared_ptr<State> state)
    : m_state(std::move(state))
{}

void Reply::succeed(const QJsonValue &value) const
{
    if (!m_state || m_state->answered.exchange(true))
        return;
    EdgeClientPrivate::answerLater(m_state, true, value, ErrorCode::BadRequest, QString());
}

void Reply::fail(ErrorCode code, const QString &message) const
{
    if (!m_state || m_state->answered.exchange(true))
        return;
    EdgeClientPrivate::answerLater(m_state, false, QJsonValue(), code, message);
}

bool Reply::isAnswered() const
{
    return m_state && m_state->answered.load();
}

// ---------------------------------------------------------------- EdgeClient

EdgeClient::EdgeClient(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<EdgeClientPrivate>(this))
{
    qRegisterMetaType<BulwarkEdge::Error>();
    qRegisterMetaType<BulwarkEdge::TransferInfo>();
}

EdgeClient::~EdgeClient() = default;

int EdgeClient::protocolVersion()
{
    return 2;
}

QString EdgeClient::certificateFingerprint(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex());
}

void EdgeClient::setServerUrl(const QUrl &url)
{
    d->url = url;
}

QUrl EdgeClient::serverUrl() const
{
    return d->url;
}

void EdgeClient::setAppKey(const QString &appKey)
{
    d->appKey = appKey;
    d->user.clear();
    d->password.clear();
}

void EdgeClient::setUserCredentials(const QString &user, const QString &password)
{
    d->appKey.clear();
    d->user = user;
    d->password = password;
}

void EdgeClient::setCaFile(const QString &path)
{
    d->caFile = path;
}

QString EdgeClient::caFile() const
{
    return d->caFile;
}

void EdgeClient::setPinnedFingerprint(const QString &sha256Hex)
{
    d->pin = sha256Hex.trimmed();
}

QString EdgeClient::pinnedFingerprint() const
{
    return d->pin;
}

void EdgeClient::setInsecureSkipVerification(bool insecure)
{
    d->insecure = insecure;
    if (insecure)
        qCWarning(lcEdgeSdk) << "INSECURE: server certificate verification is switched off";
}

Verification EdgeClient::verification() const
{
    if (d->insecure)
        return Verification::Insecure;
    if (!d->pin.isEmpty())
        return Verification::PinnedFingerprint;
    if (!d->caFile.isEmpty())
        return Verification::CaFile;
    return Verification::SystemCertificates;
}

void EdgeClient::setReconnectDelays(int minimumMs, int maximumMs)
{
    d->minimumDelayMs = std::max(0, minimumMs);
    d->maximumDelayMs = std::max(d->minimumDelayMs, maximumMs);
}

void EdgeClient::setOfflineQueue(int capacity, QueuePolicy policy)
{
    d->capacity = std::max(1, capacity);
    d->policy = policy;
    d->trimQueue();
}

int EdgeClient::queuedValueCount() const
{
    return int(d->queue.size());
}

void EdgeClient::setBatchInterval(int milliseconds)
{
    d->batchIntervalMs = std::max(0, milliseconds);
}

void EdgeClient::setKeepAliveInterval(int milliseconds)
{
    d->keepAliveMs = std::max(0, milliseconds);
}

void EdgeClient::connectToServer()
{
    if (d->wanted)
        return;
    if (const auto error = d->loadConfiguration()) {
        d->fail(error->code, error->message);
        d->setState(State::Disconnected);
        return;
    }
    d->wanted = true;
    d->attempt = 0;
    d->openSocket();
}

void EdgeClient::disconnectFromServer()
{
    d->wanted = false;
    d->backoffTimer.stop();
    d->closeSocket();
}

EdgeClient::State EdgeClient::state() const
{
    return d->state;
}

QString EdgeClient::sessionUser() const
{
    return d->sessionUser;
}

int EdgeClient::serverProtocolVersion() const
{
    return d->serverProtocol;
}

void EdgeClient::bindThing(const QString &thing, const QList<VirtualDirectory> &directories)
{
    QStringList names;
    for (const VirtualDirectory &directory : directories) {
        static const QRegularExpression badSegment(u"[/\\\\\\x00-\\x1f\\x7f]"_s);
        if (directory.name.isEmpty() || directory.name == u"."_s || directory.name == u".."_s ||
            badSegment.match(directory.name).hasMatch() || directory.name.toUtf8().size() > 255 ||
            names.contains(directory.name)) {
            d->fail(ErrorCode::InvalidConfiguration,
                    u"Virtual directory name '%1' of Thing '%2' is not usable: give a single, "
                    "unique path segment (no '/', '\\', '.', '..' or control characters)."_s.arg(
                        directory.name, thing));
            return;
        }
        const QFileInfo root(directory.localRoot);
        if (!root.isDir()) {
            d->fail(ErrorCode::InvalidConfiguration,
                    u"The local root '%1' of virtual directory '%2' (Thing '%3') is not an "
                    "existing directory: create it or correct the path."_s.arg(
                        directory.localRoot, directory.name, thing));
            return;
        }
        names.append(directory.name);
    }
    if (names.size() > 32) {
        d->fail(
            ErrorCode::InvalidConfiguration,
            u"Thing '%1' declares %2 virtual directories; at most 32 are allowed."_s.arg(thing).arg(
                names.size()));
        return;
    }
    auto &state = d->things[thing];
    state.declared = true;
    state.directories = directories;
    d->removeStaleStaging(directories);
    if (d->state == State::Connected || d->state == State::Authenticating) {
        QJsonObject bind{{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{thing}}};
        if (!names.isEmpty() && d->serverProtocol >= 2)
            bind.insert("directories"_L1, QJsonArray::fromStringList(names));
        const quint64 session = d->session;
        auto outstanding = std::make_shared<int>(1);
        d->request(bind, [this, outstanding, session](const QJsonObject &reply) {
            if (session != d->session)
                return;
            d->onBindReply(reply, outstanding.get());
            d->startScanning();
            d->scheduleFlush();
        });
    }
}

void EdgeClient::unbindThing(const QString &thing)
{
    auto it = d->things.find(thing);
    if (it == d->things.end())
        return;
    const bool wasBound = it->second.bound;
    it->second.declared = false;
    it->second.bound = false;
    if (wasBound && d->state == State::Connected)
        d->request({{"type"_L1, "unbind"_L1}, {"things"_L1, QJsonArray{thing}}},
                   [](const QJsonObject &) {});
}

QStringList EdgeClient::boundThings() const
{
    QStringList bound;
    for (const auto &[name, thing] : d->things) {
        if (thing.bound)
            bound.append(name);
    }
    return bound;
}

bool EdgeClient::declareProperty(const QString &thing, const QString &property,
                                 const PropertyOptions &options)
{
    if (!(options.threshold >= 0) || !std::isfinite(options.threshold)) {
        d->fail(ErrorCode::InvalidConfiguration,
                u"The threshold of property '%1' of Thing '%2' must be a finite number >= 0."_s.arg(
                    property, thing));
        return false;
    }
    if (options.scanIntervalMs < 0 || (options.scanIntervalMs > 0 && !options.provider)) {
        d->fail(ErrorCode::InvalidConfiguration,
                u"Property '%1' of Thing '%2': a scan interval needs a value provider, and the "
                "interval cannot be negative."_s.arg(property, thing));
        return false;
    }
    auto &state = d->property(thing, property);
    state.options = options;
    if (state.scanTimer)
        state.scanTimer->stop();
    if (d->state == State::Connected && options.scanIntervalMs > 0)
        d->startScanning();
    return true;
}

void EdgeClient::setPropertyValue(const QString &thing, const QString &property,
                                  const QJsonValue &value, const QDateTime &time, Quality quality)
{
    d->offer(thing, property, value, time, quality);
}

void EdgeClient::updateProperties(const QString &thing, const QList<PropertyValue> &values)
{
    for (PropertyValue value : values) {
        if (!value.time.isValid())
            value.time = QDateTime::currentDateTimeUtc();
        auto &state = d->property(thing, value.property);
        state.current = value.value;
        state.lastPushed = value.value;
        d->enqueue(thing, value);
    }
}

QJsonValue EdgeClient::propertyValue(const QString &thing, const QString &property) const
{
    const auto it = d->things.find(thing);
    if (it == d->things.end())
        return QJsonValue(QJsonValue::Undefined);
    const auto p = it->second.properties.find(property);
    return p == it->second.properties.end() ? QJsonValue(QJsonValue::Undefined) : p->second.current;
}

void EdgeClient::fireEvent(const QString &thing, const QString &event, const QJsonObject &data,
                           const Completion &done, const QDateTime &time)
{
    const auto it = d->things.find(thing);
    if (d->state != State::Connected || it == d->things.end() || !it->second.bound) {
        const Error error{ErrorCode::Unavailable,
                          u"Event '%1' of Thing '%2' was not sent: the Thing is not bound to a "
                          "connected server (events are not queued)."_s.arg(event, thing)};
        qCWarning(lcEdgeSdk).noquote() << error.message;
        if (done)
            done(&error);
        return;
    }
    QJsonObject message{
        {"type"_L1, "event"_L1},
        {"thing"_L1, thing},
        {"event"_L1, event},
        {"time"_L1, isoTime(time.isValid() ? time : QDateTime::currentDateTimeUtc())}};
    if (!data.isEmpty())
        message.insert("data"_L1, data);
    d->request(message, [this, done, thing, event](const QJsonObject &reply) {
        if (reply.value("type"_L1).toString() == u"result"_s) {
            if (done)
                done(nullptr);
            return;
        }
        Error error = EdgeClientPrivate::errorOf(reply);
        error.message = u"Event '%1' of Thing '%2': %3"_s.arg(event, thing, error.message);
        qCWarning(lcEdgeSdk).noquote() << error.message;
        if (done)
            done(&error);
    });
}

void EdgeClient::setWriteHandler(const QString &thing, const QString &property,
                                 const WriteHandler &handler)
{
    auto &handlers = d->things[thing].writeHandlers;
    if (handler)
        handlers.insert(property, handler);
    else
        handlers.remove(property);
}

void EdgeClient::setServiceHandler(const QString &thing, const QString &service,
                                   const ServiceHandler &handler)
{
    auto &handlers = d->things[thing].serviceHandlers;
    if (handler)
        handlers.insert(service, handler);
    else
        handlers.remove(service);
}

} // namespace BulwarkEdge
