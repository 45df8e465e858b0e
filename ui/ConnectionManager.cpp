#include "ConnectionManager.h"

#include "ServerThread.h"
#include "wire/Wire.h"

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiClient;
using Models::ApiResult;
using Models::EventStream;

namespace {

// The URL the console uses for a server listening on `address`: a wildcard
// listener is reached through loopback, which its certificate pin covers.
QUrl loopbackUrlFor(const QHostAddress &address, quint16 port)
{
    QUrl url;
    url.setScheme(u"https"_s);
    if (address == QHostAddress::AnyIPv6 || address == QHostAddress::LocalHostIPv6)
        url.setHost(u"::1"_s);
    else if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4 || address.isNull())
        url.setHost(u"127.0.0.1"_s);
    else
        url.setHost(address.toString());
    url.setPort(port);
    return url;
}

} // namespace

ConnectionManager::ConnectionManager(QObject *parent)
    : QObject(parent)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] { openSession(m_endpoint); });
}

// Declared here so that unique_ptr sees the complete ServerThread.
ConnectionManager::~ConnectionManager()
{
    endSession();
}

EventStream::State ConnectionManager::liveEventsState() const
{
    return m_events ? m_events->state() : EventStream::State::Off;
}

void ConnectionManager::startEmbeddedServer(const ServerConfig &config)
{
    if (m_server)
        return;
    m_serverConfig = config;
    m_server = std::make_unique<ServerThread>(config);
    connect(m_server.get(), &ServerThread::started, this, &ConnectionManager::handleServerStarted);
    connect(m_server.get(), &ServerThread::failed, this, [this](const QString &message) {
        fail(tr("The embedded server could not start: %1").arg(message));
    });
    setState(State::StartingServer);
    m_server->start();
}

void ConnectionManager::handleServerStarted(const ServerStartInfo &info)
{
    m_embeddedPort = info.port;
    Models::ServerEndpoint endpoint;
    endpoint.baseUrl = loopbackUrlFor(m_serverConfig.listenAddress, info.port);
    endpoint.user = QString(Wire::AdministratorUser);
    endpoint.pinnedFingerprint = info.certificateFingerprint;
    const QString fromEnvironment = qEnvironmentVariable("BULWARK_ADMIN_PASSWORD");
    if (!fromEnvironment.isEmpty()) {
        endpoint.password = fromEnvironment;
    } else if (!info.initialAdminPassword.isEmpty()) {
        endpoint.password = info.initialAdminPassword;
        Q_EMIT initialPasswordGenerated(info.initialAdminPassword);
    } else {
        m_endpoint = endpoint;
        setState(State::Disconnected);
        Q_EMIT passwordNeeded(
            tr("Enter the password of %1 for the embedded server.").arg(endpoint.user));
        return;
    }
    connectTo(endpoint);
}

void ConnectionManager::retryWithPassword(const QString &password)
{
    Models::ServerEndpoint endpoint = m_endpoint;
    endpoint.password = password;
    connectTo(endpoint);
}

void ConnectionManager::connectTo(const Models::ServerEndpoint &endpoint)
{
    // Asked for by the user (or the embedded server's start): a fresh backoff.
    m_retryTimer.stop();
    m_retryDelayMs = FirstRetryDelayMs;
    openSession(endpoint);
}

void ConnectionManager::openSession(const Models::ServerEndpoint &endpoint)
{
    endSession();
    m_endpoint = endpoint;
    m_lastError.clear();
    m_client = new ApiClient(endpoint, this);
    setState(State::Connecting);
    Q_EMIT sessionChanged();

    // Any authenticated route proves the credentials; the Things list is one
    // the console loads anyway.
    const QPointer<ApiClient> client = m_client;
    m_client->get(
        Wire::ApiPrefix + Wire::Things, m_client, [this, client](const ApiResult &result) {
            // A replaced session's client lives until deleteLater() runs: its late
            // answer must not act on the session that replaced it.
            if (client != m_client)
                return;
            if (result.httpStatus == 401) {
                endSession();
                setState(State::Disconnected);
                Q_EMIT sessionChanged();
                Q_EMIT passwordNeeded(result.errorMessage);
                return;
            }
            if (!result.isOk()) {
                // No server answered (down, restarting, refusing connections) or
                // a proxy in front says it is unavailable: that passes, so try
                // again. A wrong certificate or a refusal does not.
                const bool transient = (result.httpStatus == 0 && result.errorCode == u"network") ||
                                       result.httpStatus >= 500;
                fail(result.errorMessage);
                if (transient)
                    scheduleRetry();
                return;
            }
            m_retryDelayMs = FirstRetryDelayMs;
            m_events = new EventStream(m_endpoint, this);
            connect(m_events, &EventStream::stateChanged, this,
                    &ConnectionManager::handleLiveEventsState);
            connect(m_events, &EventStream::resynchronized, this, [this] {
                if (m_state != State::Reconnecting)
                    return;
                setState(State::Connected);
                Q_EMIT reconnected();
            });
            setState(State::Connected);
            Q_EMIT sessionChanged();
            m_events->start();
        });
}

void ConnectionManager::handleLiveEventsState(EventStream::State state)
{
    if (state == EventStream::State::Live)
        m_wasLive = true;
    else if (m_wasLive && m_state == State::Connected)
        setState(State::Reconnecting); // the link dropped; the stream retries
    Q_EMIT liveEventsStateChanged(state);
}

void ConnectionManager::scheduleRetry()
{
    const int delay = m_retryDelayMs;
    m_retryDelayMs = qMin(m_retryDelayMs * 2, MaximumRetryDelayMs);
    m_retryTimer.start(delay);
    Q_EMIT retryScheduled(delay);
}

int ConnectionManager::millisecondsUntilRetry() const
{
    return m_retryTimer.isActive() ? m_retryTimer.remainingTime() : -1;
}

bool ConnectionManager::canReconnectNow() const
{
    return m_retryTimer.isActive() || m_state == State::Reconnecting;
}

void ConnectionManager::reconnectNow()
{
    if (m_state == State::Reconnecting && m_events) {
        m_events->stop();
        m_events->start();
        return;
    }
    if (m_retryTimer.isActive()) {
        m_retryTimer.stop();
        openSession(m_endpoint);
    }
}

void ConnectionManager::disconnectFromServer()
{
    m_retryTimer.stop();
    endSession();
    setState(State::Disconnected);
    Q_EMIT sessionChanged();
}

void ConnectionManager::endSession()
{
    m_wasLive = false;
    // deleteLater: we may be inside one of their callbacks.
    if (m_events) {
        m_events->stop();
        m_events->deleteLater();
        m_events = nullptr;
    }
    if (m_client) {
        m_client->deleteLater();
        m_client = nullptr;
    }
}

void ConnectionManager::fail(const QString &message)
{
    endSession();
    m_lastError = message;
    setState(State::Disconnected);
    Q_EMIT sessionChanged();
    Q_EMIT errorOccurred(message);
}

void ConnectionManager::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace Bulwark::Ui
