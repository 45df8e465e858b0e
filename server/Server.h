// A whole Bulwark server, living on one thread: vault, certificate, storage
// thread, authenticator, REST and WebSocket endpoints on one TLS port.
#pragma once

#include "ServerConfig.h"
#include "core/Result.h"

#include <QObject>

#include <memory>
#include <optional>

namespace Bulwark {

namespace Access {
class AccessModel;
}
class ApiServer;
class AuditLog;
class Authenticator;
class EdgeEndpoint;
class EventHub;
class FileRepositories;
class TransferManager;
class StorageThread;
class Vault;

class Server final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Server)

public:
    explicit Server(QObject *parent = nullptr);
    ~Server() override;

    // Call on the thread the server lives on.
    [[nodiscard]] Result<ServerStartInfo> start(const ServerConfig &config);
    // Stops listening, closes connections, finishes queued storage work.
    void stop();

private:
    std::unique_ptr<Vault> m_vault;
    std::unique_ptr<StorageThread> m_storage;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<Access::AccessModel> m_access;
    std::unique_ptr<Authenticator> m_authenticator;
    std::unique_ptr<EventHub> m_events;
    std::unique_ptr<EdgeEndpoint> m_edge;
    std::unique_ptr<FileRepositories> m_files; // DATA-DIR/repositories
    std::unique_ptr<TransferManager> m_transfers;
    std::unique_ptr<ApiServer> m_api;
};

} // namespace Bulwark
