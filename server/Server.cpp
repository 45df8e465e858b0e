#include "Server.h"

#include "api/AccessSync.h"
#include "api/ApiServer.h"
#include "api/EventHub.h"
#include "edge/EdgeEndpoint.h"
#include "files/FileRepository.h"
#include "files/TransferManager.h"
#include "net/Certificates.h"
#include "net/TlsPolicy.h"
#include "security/Access.h"
#include "security/AuditLog.h"
#include "security/Authenticator.h"
#include "security/Crypto.h"
#include "security/PasswordHasher.h"
#include "security/PasswordPolicy.h"
#include "security/Secrets.h"
#include "security/Vault.h"
#include "storage/LoginStore.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcServer, "bulwark.server")

namespace Bulwark {

namespace {

const QString kAdministrator = Wire::AdministratorUser;
const QString kAdministrators = Wire::AdministratorsGroup;

QString randomPassword()
{
    // 144 bits, URL-safe, no padding: easy to copy from a terminal.
    return QString::fromLatin1(Crypto::randomBytes(18).toBase64(QByteArray::Base64UrlEncoding |
                                                                QByteArray::OmitTrailingEquals));
}

// First start: the Administrator user and the Administrators group.
Status createFirstAdministrator(EntityStore &store, const PasswordSettings &settings,
                                QString &generatedPassword)
{
    auto count = store.userCount();
    if (!count)
        return count.error();
    if (*count > 0)
        return {};
    QString password = qEnvironmentVariable("BULWARK_ADMIN_PASSWORD");
    if (password.isEmpty()) {
        password = randomPassword();
        generatedPassword = password;
    } else if (auto s = PasswordPolicy::check(password, kAdministrator, settings); !s) {
        return makeError(
            ErrorCode::BadRequest,
            QStringLiteral("BULWARK_ADMIN_PASSWORD is refused: %1").arg(s.error().message));
    }
    auto hash = PasswordHasher::hash(password, PasswordHasher::Parameters::from(settings));
    if (!hash)
        return hash.error();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    User administrator;
    administrator.name = kAdministrator;
    administrator.description = QStringLiteral("Built-in administrator");
    administrator.created = administrator.modified = now;
    if (auto s = store.createUser(administrator, *hash); !s)
        return s;
    qCInfo(lcServer) << "Created the Administrator user"
                     << (generatedPassword.isEmpty() ? "with the password from "
                                                       "BULWARK_ADMIN_PASSWORD"
                                                     : "with a generated password");
    return store.createGroup(Group{kAdministrators,
                                   QStringLiteral("Members may do everything (audited)."),
                                   {GroupMember{MemberKind::User, kAdministrator}},
                                   now,
                                   now});
}

Status prepareDataDir(const QString &path)
{
    QDir dir(path);
    if (!dir.exists() && !dir.mkpath(QStringLiteral(".")))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot create the data directory %1.").arg(path));
    // The data directory holds keys and the database: owner only.
    QFile::setPermissions(path,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return {};
}

} // namespace

Server::Server(QObject *parent)
    : QObject(parent)
{}

Server::~Server()
{
    stop();
}

Result<ServerStartInfo> Server::start(const ServerConfig &config)
{
    if (auto s = Crypto::selfTest(); !s)
        return s.error();
    if (config.dataDir.isEmpty())
        return makeError(ErrorCode::BadRequest, QStringLiteral("No data directory was given."));
    if (auto s = prepareDataDir(config.dataDir); !s)
        return s.error();

    auto url = DatabaseUrl::parse(config.databaseUrl, config.dataDir);
    if (!url)
        return url.error();
    ServerStartInfo info;
    bool fresh = false;
    m_storage = std::make_unique<StorageThread>(*url);
    if (auto s = m_storage->open([&fresh](EntityStore &store) -> Status {
            auto users = store.userCount();
            if (!users)
                return users.error();
            fresh = *users == 0;
            return {};
        });
        !s) {
        m_storage.reset();
        return s.error();
    }

    // A new master key only for a new database: for one that holds data, a
    // missing or wrong key is an error, not a reason to start over.
    auto vault = openVault(config, *m_storage, fresh);
    if (!vault) {
        m_storage.reset();
        return vault.error();
    }
    m_vault = std::move(*vault);
    auto identity = loadTlsIdentity(config, *m_storage, *m_vault);
    if (!identity) {
        m_storage.reset();
        return identity.error();
    }

    if (auto s = m_storage->runBlocking([&](EntityStore &store) {
            return store.inTransaction([&]() {
                return createFirstAdministrator(store, config.security.passwords,
                                                info.initialAdminPassword);
            });
        });
        !s) {
        m_storage.reset();
        return s.error();
    }

    auto audit = AuditLog::of(*m_vault);
    if (!audit) {
        m_storage.reset();
        return audit.error();
    }
    m_audit = std::make_unique<AuditLog>(*audit);
    QSet<QString> administrators;
    if (auto s = m_storage->runBlocking([&](EntityStore &store) -> Status {
            auto admins = LoginStore(store.database()).administrators();
            if (!admins)
                return admins.error();
            administrators = *admins;
            AuditRecord started;
            started.actor = QStringLiteral("system");
            started.category = QString(Audit::System);
            started.action = QStringLiteral("start");
            started.entity = QStringLiteral("Server");
            started.outcome = QString(Audit::Success);
            started.details =
                QJsonObject{{QStringLiteral("version"), QStringLiteral(BULWARK_VERSION)}};
            return m_audit->append(store, started);
        });
        !s) {
        m_storage.reset();
        return s.error();
    }

    // Authorization decides from memory: everything it needs, loaded once.
    m_access = std::make_unique<Access::AccessModel>();
    if (auto s = m_storage->runBlocking(
            [this](EntityStore &store) { return AccessSync::loadAll(*m_access, store); });
        !s) {
        m_storage.reset();
        return s.error();
    }

    m_authenticator =
        std::make_unique<Authenticator>(*m_storage, *m_vault, *m_audit, config.security);
    m_authenticator->setAdministrators(administrators);
    // A user made by just-in-time provisioning, and its groups, are known to
    // authorization before its first request is served.
    connect(m_authenticator.get(), &Authenticator::userProvisioned, this,
            [this](const QString &user) {
                m_storage->run<int>(
                    [this, user](EntityStore &store) {
                        AccessSync::apply(
                            *m_access, store,
                            {AccessChange::of(AccessChange::Kind::Principals),
                             AccessChange::entityChanged({QStringLiteral("Users"), user})});
                        return 0;
                    },
                    this, [](int) {});
            });
    m_events = std::make_unique<EventHub>(*m_authenticator, *m_access);
    m_edge = std::make_unique<EdgeEndpoint>(*m_authenticator, *m_access, *m_storage, *m_vault,
                                            *m_events, config.edge);
    // File repositories: files of deleted repository Things and staging
    // files older than the resume window go before anything is served.
    m_files = std::make_unique<FileRepositories>(
        QDir(config.dataDir).filePath(QStringLiteral("repositories")), *m_vault, config.files);
    if (auto s = m_storage->runBlocking([this](EntityStore &store) -> Status {
            auto known = RepositoryCatalog::knownIds(store);
            if (!known)
                return known.error();
            m_files->removeOrphans(*known);
            return {};
        });
        !s) {
        stop();
        return s.error();
    }
    m_files->cleanStaging(std::chrono::minutes(config.files.resumeWindowMinutes));
    // The transfer engine: its queue on this thread, its disk work on its own.
    m_transfers =
        std::make_unique<TransferManager>(*m_files, *m_storage, *m_access, *m_edge, *m_events);
    m_edge->setTransfers(m_transfers.get());
    m_api = std::make_unique<ApiServer>(
        *m_storage, *m_authenticator, *m_access, *m_vault, *m_audit, *m_events, *m_edge,
        HealthInfo{m_storage->backendName(), m_storage->schemaVersion()});
    m_api->setFileRepositories(m_files.get());
    m_api->setTransfers(m_transfers.get());
    if (auto s = m_api->listen(config.listenAddress, config.port,
                               TlsPolicy::serverConfiguration(identity->certificate, identity->key),
                               config.http);
        !s) {
        stop();
        return s.error();
    }

    info.port = m_api->port();
    info.certificateFingerprint = Certificates::fingerprint(identity->certificate);
    info.storageBackend = m_storage->backendName();
    const QString host = config.listenAddress.protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + config.listenAddress.toString() + u']'
                             : config.listenAddress.toString();
    qCInfo(lcServer).noquote() << "Bulwark" << BULWARK_VERSION << "listening on"
                               << QStringLiteral("https://%1:%2").arg(host).arg(info.port)
                               << QStringLiteral("(storage: %1, schema %2)")
                                      .arg(info.storageBackend)
                                      .arg(m_storage->schemaVersion());
    qCInfo(lcServer).noquote() << (identity->generated ? "Made a self-signed certificate;"
                                                       : "TLS certificate")
                               << "SHA-256 fingerprint" << info.certificateFingerprint;
    return info;
}

void Server::stop()
{
    if (m_api)
        m_api->stopListening();
    if (m_edge)
        m_edge->closeAll();
    if (m_events)
        m_events->closeAll();
    // Join the storage thread first: queued writes finish, and no callback
    // can reach the objects destroyed below.
    if (m_storage)
        m_storage->close();
    // The file thread ends before the repositories it writes to.
    if (m_transfers)
        m_transfers->stop();
    if (m_edge)
        m_edge->setTransfers(nullptr);
    m_api.reset();
    m_transfers.reset();
    m_files.reset();
    m_edge.reset();
    m_events.reset();
    m_authenticator.reset();
    m_audit.reset();
    m_storage.reset();
}

} // namespace Bulwark
