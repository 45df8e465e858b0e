// Owns the console's link to a server: optionally the embedded ServerThread,
// then one session (API client + live-event stream) at a time. It never
// waits: the server's start, the login check and the event stream all report
// back through signals, and the window asks the user only when told to.
// When the server goes away it keeps trying: a login that finds no server is
// retried with backoff (reconnectNow() skips the wait), and a session whose
// live events drop is Reconnecting until they are back, then reconnected()
// tells the window to reload everything it shows.
#pragma once

#include "ServerConfig.h"
#include "models/ApiClient.h"
#include "models/EventStream.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace Bulwark {
class ServerThread;
}

namespace Bulwark::Ui {

class ConnectionManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionManager)

public:
    enum class State
    {
        Disconnected,
        StartingServer,
        Connecting,
        Connected,
        // The session's link dropped (server restarting?); the event stream
        // is trying again. The client and stream stay in place.
        Reconnecting
    };
    Q_ENUM(State)

    explicit ConnectionManager(QObject *parent = nullptr);
    ~ConnectionManager() override;

    // Starts the in-process server; once it listens, logs in to it.
    void startEmbeddedServer(const ServerConfig &config);
    // Drops the current session and logs in to `endpoint` instead.
    void connectTo(const Models::ServerEndpoint &endpoint);
    // Tries the pending endpoint again with another password.
    void retryWithPassword(const QString &password);
    // Skips the wait: logs in again now (after a failed login that is being
    // retried) or reopens the live events (while Reconnecting).
    void reconnectNow();
    // Ends the session and any retries (nothing is connected afterwards).
    void disconnectFromServer();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const Models::ServerEndpoint &endpoint() const { return m_endpoint; }
    [[nodiscard]] Models::ApiClient *client() const { return m_client; }
    [[nodiscard]] Models::EventStream *events() const { return m_events; }
    [[nodiscard]] Models::EventStream::State liveEventsState() const;
    [[nodiscard]] quint16 embeddedServerPort() const { return m_embeddedPort; }
    [[nodiscard]] QString lastError() const { return m_lastError; }
    // A login that found no server will be tried again.
    [[nodiscard]] bool isRetryScheduled() const { return m_retryTimer.isActive(); }
    // Milliseconds until that retry; -1 when none is scheduled.
    [[nodiscard]] int millisecondsUntilRetry() const;
    // reconnectNow() has something to do.
    [[nodiscard]] bool canReconnectNow() const;

    static constexpr int FirstRetryDelayMs = 1000;
    static constexpr int MaximumRetryDelayMs = 30000;

Q_SIGNALS:
    void stateChanged(Bulwark::Ui::ConnectionManager::State state);
    // A new session (or none) replaced the previous one.
    void sessionChanged();
    void liveEventsStateChanged(Bulwark::Models::EventStream::State state);
    // The window should ask for a password, then call retryWithPassword().
    void passwordNeeded(const QString &reason);
    // Shown once: the server generated this password at its first start.
    void initialPasswordGenerated(const QString &password);
    void errorOccurred(const QString &message);
    // The login failed for want of a server; it is tried again in `delayMs`.
    void retryScheduled(int delayMs);
    // The session's link is back after a drop (Reconnecting → Connected):
    // events were missed, so everything shown should be reloaded.
    void reconnected();

private:
    void handleServerStarted(const ServerStartInfo &info);
    void openSession(const Models::ServerEndpoint &endpoint);
    void handleLiveEventsState(Models::EventStream::State state);
    void scheduleRetry();
    void endSession();
    void setState(State state);
    void fail(const QString &message);

    std::unique_ptr<ServerThread> m_server;
    ServerConfig m_serverConfig;
    Models::ServerEndpoint m_endpoint;
    QPointer<Models::ApiClient> m_client;
    QPointer<Models::EventStream> m_events;
    quint16 m_embeddedPort = 0;
    State m_state = State::Disconnected;
    QString m_lastError;
    QTimer m_retryTimer;
    int m_retryDelayMs = FirstRetryDelayMs;
    bool m_wasLive = false; // the current session's events were live once
};

} // namespace Bulwark::Ui
