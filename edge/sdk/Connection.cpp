// EdgeClient's connection: the state machine (connect, TLS verification,
// sign-in, bind, keepalive, backoff), the session's requests and replies,
// and the dispatch of what the server sends.
#include "EdgeClientPrivate.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSslConfiguration>

#include <algorithm>
#include <cmath>

namespace BulwarkEdge {

using namespace Qt::StringLiterals;

namespace {

QString hexFingerprint(const QByteArray &digest)
{
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

// Why a connection failed, for a person: the socket error the usual causes
// name, else its own text.
QString socketErrorText(QAbstractSocket::SocketError error, const QString &errorString)
{
    static const std::pair<QAbstractSocket::SocketError, const char *> kReasons[] = {
        {QAbstractSocket::ConnectionRefusedError, "the connection was refused"},
        {QAbstractSocket::HostNotFoundError, "the host name was not found"},
        {QAbstractSocket::SocketTimeoutError, "the connection timed out"},
        {QAbstractSocket::NetworkError, "the network is unreachable"},
        {QAbstractSocket::UnknownSocketError, "the connection closed before it was established"},
    };
    for (const auto &[code, reason] : kReasons) {
        if (code == error)
            return QString::fromLatin1(reason);
    }
    return errorString;
}

} // namespace

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
    QObject::connect(s, &QWebSocket::disconnected, q, [this, s] {
        // A connection that never opened reports disconnected() before its
        // error() (QWebSocket forwards the socket's state change first): wait
        // for the error, so the message names it, unless none comes.
        if (state == State::Connecting && socketError == QAbstractSocket::UnknownSocketError) {
            QMetaObject::invokeMethod(
                q,
                [this, s] {
                    if (socket.get() == s)
                        onDisconnected();
                },
                Qt::QueuedConnection);
            return;
        }
        onDisconnected();
    });
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
    for (qint64 id : ids)
        requeue(inFlight.value(id));
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
    const QString why = socketErrorText(socketError, socket ? socket->errorString() : QString());
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
        // Our ids are small whole numbers; anything else answers nothing of ours.
        if (id.isDouble() && std::fabs(id.toDouble()) < 9.0e15) {
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

} // namespace BulwarkEdge
