#include "ServerThread.h"

#include "Server.h"

namespace Bulwark {

ServerThread::ServerThread(ServerConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    qRegisterMetaType<Bulwark::ServerStartInfo>();
    m_thread.setObjectName(QStringLiteral("bulwark-server"));
    connect(&m_thread, &QThread::finished, this, [this]() {
        m_server = nullptr; // deleted on the thread's way out
        Q_EMIT stopped();
    });
}

ServerThread::~ServerThread()
{
    stop();
    m_thread.wait();
}

bool ServerThread::isRunning() const
{
    return m_thread.isRunning();
}

void ServerThread::start()
{
    if (m_server)
        return;
    m_server = new Server;
    m_server->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);

    m_thread.start();
    Server *server = m_server;
    QMetaObject::invokeMethod(server, [this, server, config = m_config]() {
        auto result = server->start(config);
        if (result) {
            Q_EMIT started(*result);
        } else {
            server->stop();
            Q_EMIT failed(result.error().message);
            m_thread.quit();
        }
    });
}

void ServerThread::stop()
{
    if (!m_server || !m_thread.isRunning())
        return;
    Server *server = m_server;
    QMetaObject::invokeMethod(server, [this, server]() {
        server->stop();
        m_thread.quit();
    });
}

} // namespace Bulwark
