#include "Maintenance.h"

#include "security/AuditLog.h"
#include "security/Secrets.h"
#include "security/Vault.h"
#include "storage/LoginStore.h"
#include "storage/StorageThread.h"

#include <QFileInfo>
#include <QJsonObject>

namespace Bulwark {

Result<std::unique_ptr<StorageThread>> openExistingDatabase(const ServerConfig &config)
{
    auto url = DatabaseUrl::parse(config.databaseUrl, config.dataDir);
    if (!url)
        return url.error();
    // Opening would create an empty database: say what is wrong instead.
    if (url->backend == Backend::Sqlite && !QFileInfo::exists(url->sqliteFile))
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("There is no database at %1: check --data-dir or "
                                        "--database.")
                             .arg(url->sqliteFile));
    auto storage = std::make_unique<StorageThread>(*url);
    if (auto s = storage->open([](EntityStore &) -> Status { return {}; }); !s)
        return s.error();
    return storage;
}

Result<QString> unlockUser(const ServerConfig &config, const QString &user)
{
    auto storage = openExistingDatabase(config);
    if (!storage)
        return storage.error();
    // The unlock is audited like one made through the API, so the vault
    // (which holds the audit head's key) must open.
    auto vault = openVault(config, **storage, false);
    if (!vault)
        return vault.error();
    const auto log = AuditLog::of(**vault);
    if (!log)
        return log.error();
    bool wasLocked = false;
    const Status done = (*storage)->runBlocking([&](EntityStore &store) -> Status {
        return store.inTransaction([&]() -> Status {
            auto unlocked = LoginStore(store.database()).unlock(user);
            if (!unlocked)
                return unlocked.error();
            wasLocked = *unlocked;
            AuditRecord record;
            record.actor = QStringLiteral("system");
            record.source = QStringLiteral("command line");
            record.category = QString(Audit::UserCategory);
            record.action = QStringLiteral("unlock");
            record.entity = QStringLiteral("Users/") + user;
            record.outcome = QString(Audit::Success);
            record.details = QJsonObject{{QStringLiteral("wasLocked"), wasLocked}};
            return log->append(store, record);
        });
    });
    (*storage)->close();
    if (!done)
        return done.error();
    return wasLocked ? QStringLiteral("Unlocked the user %1; they can sign in again.").arg(user)
                     : QStringLiteral("The user %1 was not locked; nothing changed.").arg(user);
}

} // namespace Bulwark
