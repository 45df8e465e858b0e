// Interim: the key-file vault of the foundation work, behind the final API.
#include "Secrets.h"

#include "Vault.h"
#include "storage/StorageThread.h"

#include <QDir>

namespace Bulwark {

Result<std::unique_ptr<Vault>> openVault(const ServerConfig &config, StorageThread &,
                                         bool freshDatabase)
{
    const QString keyFile = config.masterKeyFile.isEmpty()
                                ? QDir(config.dataDir).filePath(QStringLiteral("master.key"))
                                : config.masterKeyFile;
    auto vault = Vault::openKeyFile(keyFile, freshDatabase ? Vault::KeyFile::CreateIfMissing
                                                           : Vault::KeyFile::MustExist);
    if (!vault)
        return vault.error();
    return std::make_unique<Vault>(*vault);
}

Result<Certificates::Identity> loadTlsIdentity(const ServerConfig &config, StorageThread &,
                                               const Vault &)
{
    return Certificates::loadOrCreate(config.tlsCertFile, config.tlsKeyFile, config.dataDir);
}

Result<QString> rotateMasterKey(const ServerConfig &)
{
    return makeError(ErrorCode::Internal, QStringLiteral("Master key rotation is not built yet."));
}

} // namespace Bulwark
