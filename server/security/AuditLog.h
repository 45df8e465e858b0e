// The tamper-evident audit log. Each record stores the SHA-256 of its
// predecessor and of its own contents, so an edited, removed or reordered
// record breaks the chain; a "head" kept in the settings table and
// authenticated with a key the database does not hold (HMAC under a vault
// MAC key) also reveals removal of the newest records, which a bare chain
// cannot. Used on the storage thread only (it is the log's only writer).
#pragma once

#include "ServerConfig.h"
#include "core/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Bulwark {

class Database;
class EntityStore;
class Vault;

namespace Audit {
// Categories
inline constexpr auto Auth = QLatin1StringView("auth");
inline constexpr auto UserCategory = QLatin1StringView("user");
inline constexpr auto GroupCategory = QLatin1StringView("group");
inline constexpr auto OrganizationCategory = QLatin1StringView("organization");
inline constexpr auto Permission = QLatin1StringView("permission");
inline constexpr auto AppKey = QLatin1StringView("appkey");
inline constexpr auto Directory = QLatin1StringView("directory");
inline constexpr auto ThingCategory = QLatin1StringView("thing");
inline constexpr auto TemplateCategory = QLatin1StringView("template");
inline constexpr auto Admin = QLatin1StringView("admin");
inline constexpr auto System = QLatin1StringView("system");
// Outcomes
inline constexpr auto Success = QLatin1StringView("success");
inline constexpr auto Failure = QLatin1StringView("failure");
inline constexpr auto Denied = QLatin1StringView("denied");

[[nodiscard]] const QStringList &categories();
[[nodiscard]] const QStringList &outcomes();
} // namespace Audit

struct AuditRecord
{
    qint64 id = 0;
    QDateTime time;
    QString actor;    // the user, or "" for an anonymous request, or "system"
    QString source;   // the client address
    QString category; // one of Audit::categories()
    QString action;   // e.g. "login", "create", "delete", "lockout"
    QString entity;   // "Collection/Name", e.g. "Users/alice", "ApplicationKeys/k1"
    QString outcome;  // one of Audit::outcomes()
    QJsonObject details;
    QByteArray previousHash; // 32 bytes
    QByteArray hash;         // 32 bytes
};

struct AuditFilter
{
    QDateTime from; // inclusive; null: no lower bound
    QDateTime to;   // inclusive; null: no upper bound
    QString actor;  // exact
    // The entity and everything below it: "Things/Pump1" matches
    // "Things/Pump1" and "Things/Pump1/Properties/speed", not "Things/Pump10".
    QString entity;
    QString category; // exact
    QString outcome;  // exact
    qint64 offset = 0;
    int limit = 100;

    static constexpr int DefaultLimit = 100;
    static constexpr int MaximumLimit = 1000;
};

struct AuditPage
{
    QList<AuditRecord> items; // newest first
    qint64 total = 0;         // records matching the filter, over all pages
};

struct AuditVerification
{
    bool intact = false;
    qint64 checked = 0;    // records examined
    qint64 firstBadId = 0; // 0 when intact
    QString message;       // in words, for a person
};

class AuditLog final
{
public:
    // headKey: Vault::macKey("audit-head").
    explicit AuditLog(QByteArray headKey);
    // The log of an installation, with the head key its vault keeps.
    [[nodiscard]] static Result<AuditLog> of(const Vault &vault);

    // Assigns id and (when null) time, chains and stores the record, and
    // moves the signed head. Runs inside the caller's transaction when one is
    // open; otherwise use the EntityStore overload, which makes it atomic.
    [[nodiscard]] Status append(Database &db, AuditRecord record) const;
    [[nodiscard]] Status append(EntityStore &store, AuditRecord record) const;

    [[nodiscard]] Result<AuditPage> list(Database &db, const AuditFilter &filter) const;

    // Walks the whole chain in id order. A broken chain is a successful
    // answer with intact = false; an error means the check could not run.
    [[nodiscard]] Result<AuditVerification> verify(Database &db) const;
    // verify() for a server's own database: every start writes a record, so
    // an empty log there means its records and head were deleted.
    [[nodiscard]] Result<AuditVerification> verifyInstallation(Database &db) const;

    // The hash a record must carry (exposed for tests).
    [[nodiscard]] static QByteArray computeHash(const AuditRecord &record,
                                                const QByteArray &detailsJson);

private:
    QByteArray m_headKey;
};

[[nodiscard]] QJsonObject toJson(const AuditRecord &record);

// bulwark --verify-audit: checks the audit chain of the configured database.
[[nodiscard]] Result<QString> verifyAudit(const ServerConfig &config);

} // namespace Bulwark
