// The HTTP side of the one TLS port: QHttpServer with Bulwark's routes, and
// the single request pipeline every route goes through, in a fixed order:
// method and size limits, media type, JSON parsing, authentication, the
// route's plan (worker pool, then storage thread), the answer, its events.
// WebSocket upgrades on /api/events and /edge are handed on after the same
// early checks.
#pragma once

#include "ApiTypes.h"

#include <QHash>
#include <QHttpServer>
#include <QObject>
#include <QSslConfiguration>
#include <QThreadPool>

class QTcpSocket;

#include <memory>

namespace Bulwark {

class AuditLog;
class Authenticator;
class EdgeEndpoint;
class EventHub;
class FileRepositories;
class TransferManager;
class StorageThread;
class TlsListener;
struct HttpSettings;
class Vault;

struct HealthInfo
{
    QString storageBackend;
    int schemaVersion = 0;
};

// Whether a WebSocket upgrade's Origin (empty for non-browser clients) is
// this server itself, as named by the request's Host.
[[nodiscard]] bool isSameOrigin(const QByteArray &origin, const QByteArray &host);

class ApiServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    static constexpr qsizetype MaximumBodySize = 1024 * 1024;

    ApiServer(StorageThread &storage, Authenticator &authenticator, Access::AccessModel &access,
              const Vault &vault, const AuditLog &audit, EventHub &events, EdgeEndpoint &edge,
              HealthInfo health, QObject *parent = nullptr);
    ~ApiServer() override;

    [[nodiscard]] Status listen(const QHostAddress &address, quint16 port,
                                const QSslConfiguration &tls, const HttpSettings &http);
    [[nodiscard]] quint16 port() const;
    void stopListening();
    // The server's file repositories (before listen(): their REST upload
    // limit raises the request size limit of Files/Content uploads).
    void setFileRepositories(FileRepositories *files) { m_files = files; }
    // The transfer engine (/api/Transfers).
    void setTransfers(TransferManager *transfers) { m_transfers = transfers; }

private:
    enum class RouteKind
    {
        Health,
        Login,
        Logout,
        SessionInfo,
        ChangePassword,
        PasswordCheck, // /api/auth/password-check: the policy's answer, nothing changed
        Collection,
        Entity,
        Action, // /api/<collection>/<name>/<action or part>
        Properties,
        Property,
        Units,   // /api/Organizations/<org>/Units/<unit>[/<part>]
        Service, // /api/Things/<thing>/Services/<service>
        Files    // /api/Things/<thing>/Files[/Content]
    };
    struct Pending;
    struct Connection;

    void registerRoutes();
    void handle(RouteKind kind, QStringList arguments, const QHttpServerRequest &request,
                QHttpServerResponder &&responder);
    void acceptWebSockets();
    void login(std::shared_ptr<Pending> pending);
    void authenticated(std::shared_ptr<Pending> pending, RouteKind kind);
    void authorized(std::shared_ptr<Pending> pending, RouteKind kind);
    void changePassword(std::shared_ptr<Pending> pending);
    void checkPassword(std::shared_ptr<Pending> pending);
    // Audits a refused or failed write that did not reach its transaction.
    void auditOutside(const std::shared_ptr<Pending> &pending, const ApiResponse &response);
    void prepareAndExecute(std::shared_ptr<Pending> pending, RoutePlan plan);
    void execute(std::shared_ptr<Pending> pending, RoutePlan plan);
    [[nodiscard]] static Error administratorsOnly();
    void send(const std::shared_ptr<Pending> &pending, const ApiResponse &response);
    [[nodiscard]] Result<RoutePlan> plan(RouteKind kind, const ApiRequest &request);

    StorageThread &m_storage;
    Authenticator &m_authenticator;
    Access::AccessModel &m_access;
    const Vault &m_vault;
    const AuditLog &m_audit;
    EventHub &m_events;
    EdgeEndpoint &m_edge;
    FileRepositories *m_files = nullptr;
    TransferManager *m_transfers = nullptr;
    HealthInfo m_health;
    // Declared before m_http so that it outlives the sockets m_http owns:
    // their destruction removes them from it.
    QHash<QTcpSocket *, Connection> m_connections;
    QHttpServer m_http;
    TlsListener *m_listener = nullptr; // owned by m_http after bind()
    QThreadPool m_workers;
};

} // namespace Bulwark
