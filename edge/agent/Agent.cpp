#include "Agent.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAgent, "bulwark.edge.agent")

namespace BulwarkEdge::Agent {

using namespace Qt::StringLiterals;

namespace {

// After the server refused the key (or the configuration), try again this
// much later: the key may be re-enabled, or the key file replaced.
constexpr int kRetryAfterRefusalMs = 60 * 1000;

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
    case ErrorCode::TypeMismatch:
        return 400;
    case ErrorCode::Unauthorized:
        return 401;
    case ErrorCode::Forbidden:
        return 403;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::NotBound:
    case ErrorCode::Conflict:
    case ErrorCode::Exists:
        return 409;
    case ErrorCode::TooLarge:
        return 413;
    case ErrorCode::TooManyRequests:
        return 429;
    case ErrorCode::Unsupported:
        return 501;
    default:
        return 503;
    }
}

LocalReply errorReply(const Error &error)
{
    return BulwarkEdge::Agent::errorReply(httpStatus(error.code), errorCodeName(error.code),
                                          error.message);
}

std::optional<Quality> qualityFrom(const QString &text)
{
    if (text.isEmpty() || text == "good"_L1)
        return Quality::Good;
    if (text == "uncertain"_L1)
        return Quality::Uncertain;
    if (text == "bad"_L1)
        return Quality::Bad;
    return std::nullopt;
}

// The wire code a local program gave, or bad-request for one the platform
// would not know.
ErrorCode refusalCode(const QString &name)
{
    const ErrorCode code = errorCodeFromName(name);
    switch (code) {
    case ErrorCode::InvalidConfiguration:
    case ErrorCode::ConnectionFailed:
    case ErrorCode::TlsFailed:
    case ErrorCode::ProtocolViolation:
        return ErrorCode::BadRequest;
    default:
        return code;
    }
}

// What a local program answered, given back to the platform: the result's
// resultKey ("value" of a write, "output" of a service call), or its refusal.
LocalHttp::AnswerFunction answerTo(const Reply &reply, QLatin1StringView resultKey)
{
    return [reply, resultKey](const RequestAnswer &answer) {
        if (!answer.ok)
            return reply.fail(refusalCode(answer.errorCode), answer.errorMessage);
        const QJsonValue result = answer.result.value(resultKey);
        reply.succeed(result.isUndefined() ? QJsonValue() : result);
    };
}

} // namespace

Agent::Agent(AgentConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_http(*this)
{
    m_client.setServerUrl(m_config.server);
    m_client.setAppKey(QString::fromUtf8(m_config.appKey));
    if (!m_config.caFile.isEmpty())
        m_client.setCaFile(m_config.caFile);
    if (!m_config.fingerprint.isEmpty())
        m_client.setPinnedFingerprint(QString::fromLatin1(m_config.fingerprint.toHex()));
    if (m_config.insecure)
        m_client.setInsecureSkipVerification(true);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        // A replaced key file is picked up here.
        if (const QString refusal = checkKeyFilePermissions(m_config.appKeyFile);
            !refusal.isEmpty()) {
            qCCritical(lcAgent).noquote() << refusal;
            return scheduleRetry();
        }
        QFile key(m_config.appKeyFile);
        if (key.open(QIODevice::ReadOnly)) {
            const QByteArray secret = key.read(4096).trimmed();
            if (!secret.isEmpty())
                m_client.setAppKey(QString::fromUtf8(secret));
        }
        qCInfo(lcAgent) << "Connecting again";
        m_client.connectToServer();
    });
    connectSignals();
    for (const ThingConfig &thing : std::as_const(m_config.things)) {
        // Values are pushed as the local programs send them.
        installHandlers(thing.name);
    }
}

Agent::~Agent()
{
    m_stopping = true;
    m_retry.stop();
    answerPuts([](const QString &) {
        return errorReply(503, u"unavailable"_s, tr("The bulwark-edge agent is stopping."));
    });
    m_client.disconnectFromServer();
}

QString Agent::start()
{
    if (const QString error = m_http.listen(m_config.httpAddress, m_config.httpPort);
        !error.isEmpty())
        return error;
    const QString host = m_config.httpAddress.protocol() == QAbstractSocket::IPv6Protocol
                             ? u"[%1]"_s.arg(m_config.httpAddress.toString())
                             : m_config.httpAddress.toString();
    qCInfo(lcAgent).noquote() << "Local interface on http://%1:%2/"_L1.arg(host).arg(m_http.port());
    for (const ThingConfig &thing : std::as_const(m_config.things)) {
        QList<VirtualDirectory> directories;
        for (auto it = thing.directories.begin(); it != thing.directories.end(); ++it)
            directories.append({it.key(), it.value()});
        m_client.bindThing(thing.name, directories);
    }
    qCInfo(lcAgent).noquote() << "Connecting to" << m_config.server.toString();
    m_client.connectToServer();
    return {};
}

void Agent::connectSignals()
{
    connect(&m_client, &EdgeClient::stateChanged, this, [this](EdgeClient::State state) {
        qCInfo(lcAgent).noquote() << "Connection:" << stateName(state);
        if (state == EdgeClient::State::Connected) {
            m_lastError.clear();
            return;
        }
        // The SDK keeps the values of unanswered PUTs and sends them again.
        answerPuts([](const QString &thing) -> LocalReply {
            return {202,
                    {{"queued"_L1, true},
                     {"message"_L1, tr("The connection to the platform dropped before it "
                                       "answered: the value is queued and sent again when "
                                       "Thing '%1' is bound again.")
                                        .arg(thing)}}};
        });
        if (state == EdgeClient::State::Disconnected && !m_stopping && !m_lastError.isEmpty())
            scheduleRetry();
    });
    connect(&m_client, &EdgeClient::errorOccurred, this, [this](const Error &error) {
        // While connected, an error is about one operation (a refused value
        // or event), answered to the local program that asked; the SDK logs it.
        if (m_client.state() == EdgeClient::State::Connected)
            return;
        m_lastError = error.message;
        qCWarning(lcAgent).noquote() << errorCodeName(error.code) + u": "_s + error.message;
    });
    connect(&m_client, &EdgeClient::thingBound, this, [this](const QString &thing) {
        m_bindErrors.remove(thing);
        qCInfo(lcAgent).noquote() << "Bound Thing" << thing;
    });
    connect(&m_client, &EdgeClient::thingBindFailed, this,
            [this](const QString &thing, const Error &error) {
                m_bindErrors.insert(thing, error.message);
                qCWarning(lcAgent).noquote()
                    << "Thing" << thing << "is not bound:" << error.message;
            });
    connect(&m_client, &EdgeClient::updateRejected, this,
            [](const QString &thing, const Error &error) {
                qCWarning(lcAgent).noquote()
                    << "The platform refused a value of" << thing + u": "_s + error.message;
            });
    connect(&m_client, &EdgeClient::valuesDropped, this, [](int count) {
        qCWarning(lcAgent) << count << "queued values were dropped: the offline queue is full";
    });
    connect(&m_client, &EdgeClient::transferFinished, this, [](const TransferInfo &transfer) {
        qCInfo(lcAgent).noquote() << "Transfer" << transfer.id.toString(QUuid::WithoutBraces)
                                  << "of" << transfer.path << "done:" << transfer.size
                                  << "bytes, SHA-256" << transfer.sha256;
    });
    connect(&m_client, &EdgeClient::transferFailed, this,
            [](const TransferInfo &transfer, const Error &error) {
                qCWarning(lcAgent).noquote()
                    << "Transfer" << transfer.id.toString(QUuid::WithoutBraces) << "of"
                    << transfer.path << "failed:" << error.message;
            });
}

void Agent::installHandlers(const QString &thing)
{
    m_client.setWriteHandler(thing, {}, [this](const WriteRequest &request, const Reply &reply) {
        QJsonObject local{{"type"_L1, "write"_L1},
                          {"property"_L1, request.property},
                          {"value"_L1, request.value}};
        m_http.enqueue(request.thing, local, m_config.writeTimeoutSeconds,
                       answerTo(reply, "value"_L1));
    });
    m_client.setServiceHandler(
        thing, {}, [this](const ServiceRequest &request, const Reply &reply) {
            QJsonObject local{{"type"_L1, "invoke"_L1},
                              {"service"_L1, request.service},
                              {"parameters"_L1, request.parameters}};
            m_http.enqueue(request.thing, local, m_config.invokeTimeoutSeconds,
                           answerTo(reply, "output"_L1));
        });
}

bool Agent::hasThing(const QString &thing) const
{
    return std::any_of(m_config.things.begin(), m_config.things.end(),
                       [&thing](const ThingConfig &t) { return t.name == thing; });
}

void Agent::setProperty(const QString &thing, const QString &property, const QJsonValue &value,
                        const QString &time, const QString &quality, Done done)
{
    PropertyValue update;
    update.property = property;
    update.value = value;
    if (!time.isEmpty()) {
        update.time = QDateTime::fromString(time, Qt::ISODateWithMs);
        if (!update.time.isValid() || update.time.timeSpec() == Qt::LocalTime)
            return done(errorReply(400, u"bad-request"_s,
                                   tr("\"time\" must be ISO 8601 with a zone, such as "
                                      "2026-11-27T10:00:00.000Z.")));
    }
    const auto parsedQuality = qualityFrom(quality);
    if (!parsedQuality)
        return done(
            errorReply(400, u"bad-request"_s, tr("\"quality\" must be good, uncertain or bad.")));
    update.quality = *parsedQuality;

    const bool online =
        m_client.state() == EdgeClient::State::Connected && m_client.boundThings().contains(thing);
    if (!online) {
        // The SDK keeps it in its offline queue and sends it once bound.
        m_client.updateProperties(thing, {update});
        return done({202,
                     {{"queued"_L1, true},
                      {"message"_L1, tr("Not connected to the platform (%1): the value is queued "
                                        "and sent when Thing '%2' is bound again.")
                                         .arg(stateName(m_client.state()), thing)}}});
    }
    // Each PUT gets the platform's answer to its own value.
    const quint64 put = m_nextPut++;
    m_puts.emplace(put, PendingPut{thing, std::move(done)});
    m_client.updateProperties(
        thing, {update}, [this, put](const UpdateResult &result, const Error *error) {
            const auto it = m_puts.find(put);
            if (it == m_puts.end())
                return; // already answered: the connection dropped first
            const Done answer = std::move(it->second.done);
            m_puts.erase(it);
            if (error)
                return answer(errorReply(*error));
            answer({200, {{"accepted"_L1, result.accepted}, {"stale"_L1, result.stale}}});
        });
}

void Agent::answerPuts(const std::function<LocalReply(const QString &thing)> &reply)
{
    for (auto &[number, put] : std::exchange(m_puts, {}))
        put.done(reply(put.thing));
}

void Agent::fireEvent(const QString &thing, const QString &event, const QJsonObject &data,
                      Done done)
{
    m_client.fireEvent(thing, event, data, [done](const Error *error) {
        if (error)
            return done(errorReply(*error));
        done({200, {{"delivered"_L1, true}}});
    });
}

QJsonObject Agent::status() const
{
    QJsonArray things;
    const QStringList bound = m_client.boundThings();
    for (const ThingConfig &thing : m_config.things) {
        QJsonObject entry{{"name"_L1, thing.name}, {"bound"_L1, bound.contains(thing.name)}};
        if (!thing.directories.isEmpty())
            entry.insert("directories"_L1, QJsonArray::fromStringList(thing.directories.keys()));
        if (m_bindErrors.contains(thing.name))
            entry.insert("error"_L1, m_bindErrors.value(thing.name));
        things.append(entry);
    }
    QJsonObject status{{"state"_L1, stateName(m_client.state())},
                       {"connected"_L1, m_client.state() == EdgeClient::State::Connected},
                       {"server"_L1, m_config.server.toString()},
                       {"things"_L1, things},
                       {"queuedValues"_L1, m_client.queuedValueCount()}};
    if (!m_client.sessionUser().isEmpty())
        status.insert("user"_L1, m_client.sessionUser());
    if (!m_lastError.isEmpty())
        status.insert("lastError"_L1, m_lastError);
    return status;
}

void Agent::scheduleRetry()
{
    if (m_retry.isActive())
        return;
    qCWarning(lcAgent).noquote() << "Not connected:" << m_lastError << "Trying again in"
                                 << kRetryAfterRefusalMs / 1000 << "s.";
    m_retry.start(kRetryAfterRefusalMs);
}

} // namespace BulwarkEdge::Agent
