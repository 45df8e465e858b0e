// Start-up of everything secret: the master key (OS keychain or key file),
// the vault with its data keys, and the TLS identity whose generated private
// key is kept sealed in the database. Also the offline maintenance commands
// that need them.
#pragma once

#include "ServerConfig.h"
#include "core/Result.h"
#include "net/Certificates.h"

#include <memory>

namespace Bulwark {

class StorageThread;
class Vault;

// Finds the master key as config.security.masterKeySource says (keychain,
// --master-key-file, or DATA-DIR/master.key) and opens the vault over the
// database's data keys. A fresh database gets a new master key and data
// keys; an existing one with a missing or wrong master key is an error that
// says which, never a fresh start. Blocks: start-up only.
[[nodiscard]] Result<std::unique_ptr<Vault>> openVault(const ServerConfig &config,
                                                       StorageThread &storage, bool freshDatabase);

// The certificate and key to serve: --tls-cert/--tls-key when given, or the
// self-signed identity made on first start (private key sealed in the
// database, certificate in DATA-DIR/tls/server.crt).
[[nodiscard]] Result<Certificates::Identity>
loadTlsIdentity(const ServerConfig &config, StorageThread &storage, const Vault &vault);

// bulwark --rotate-master-key: a new master key re-wraps the data keys; the
// data itself is not re-encrypted. Returns a line saying what was done.
[[nodiscard]] Result<QString> rotateMasterKey(const ServerConfig &config);

} // namespace Bulwark
