// Runs a complete Bulwark server (storage, TLS listener, REST, WebSockets)
// on a QThread of its own. The caller's thread never waits on it: start()
// and stop() return at once and the outcome arrives as a signal.
#pragma once

#include "ServerConfig.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace Bulwark {

class Server;

class ServerThread final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerThread)

public:
    explicit ServerThread(ServerConfig config, QObject *parent = nullptr);
    ~ServerThread() override; // stops the server and joins the thread

    void start();
    void stop();
    [[nodiscard]] bool isRunning() const;

Q_SIGNALS:
    void started(const Bulwark::ServerStartInfo &info);
    void failed(const QString &message);
    void stopped();

private:
    ServerConfig m_config;
    QThread m_thread;
    Server *m_server = nullptr; // lives in m_thread, deleted there
};

} // namespace Bulwark
