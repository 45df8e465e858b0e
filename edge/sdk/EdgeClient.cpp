// EdgeClient's public face: the error code names, configuration, starting
// and stopping the connection, and binding Things. The machinery is in
// Connection.cpp (socket, TLS, sign-in, binds, reconnection), Properties.cpp
// (push policies, the offline queue, updates), Requests.cpp (the platform's
// writes and service calls, events) and Files.cpp.
#include "EdgeClientPrivate.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

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

QString stateName(EdgeClient::State state)
{
    switch (state) {
    case EdgeClient::State::Disconnected:
        return u"disconnected"_s;
    case EdgeClient::State::Connecting:
        return u"connecting"_s;
    case EdgeClient::State::Authenticating:
        return u"authenticating"_s;
    case EdgeClient::State::Connected:
        return u"connected"_s;
    case EdgeClient::State::Backoff:
        return u"waiting to reconnect"_s;
    }
    return u"unknown"_s;
}

QString isoTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

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

} // namespace BulwarkEdge
