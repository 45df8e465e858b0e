// Owns the console's link to a server: optionally the embedded ServerThread,
// then one session (API client + live-event stream) at a time. It never
// waits: the server's start, the login check and the event stream all report
// back through signals, and the window asks the user only when told to.
#pragma once

#include "ServerConfig.h"
#include "models/ApiClient.h"
#include "models/EventStream.h"

#include <QObject>
#include <QPointer>

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
        Connected
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

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const Models::ServerEndpoint &endpoint() const { return m_endpoint; }
    [[nodiscard]] Models::ApiClient *client() const { return m_client; }
    [[nodiscard]] Models::EventStream *events() const { return m_events; }
    [[nodiscard]] Models::EventStream::State liveEventsState() const;
    [[nodiscard]] quint16 embeddedServerPort() const { return m_embeddedPort; }
    [[nodiscard]] QString lastError() const { return m_lastError; }

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

private:
    void handleServerStarted(const ServerStartInfo &info);
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
};

} // namespace Bulwark::Ui
