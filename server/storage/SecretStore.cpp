#include "SecretStore.h"

#include "Database.h"
#include "Sql_p.h"

namespace Bulwark {

namespace {
QString now()
{
    return Sql::toText(QDateTime::currentDateTimeUtc());
}
} // namespace

Result<QString> SecretStore::setting(const QString &name)
{
    auto q = Sql::run(m_database.connection(), "SELECT value FROM settings WHERE name = ?", {name});
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toString() : QString();
}

Status SecretStore::setSetting(const QString &name, const QString &value)
{
    auto q = Sql::run(m_database.connection(),
                      "INSERT INTO settings (name, value) VALUES (?, ?) "
                      "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                      {name, value});
    if (!q)
        return q.error();
    return {};
}

Result<QList<SecretStore::WrappedKey>> SecretStore::dataKeys()
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT purpose, wrapped, master_key_id FROM data_keys ORDER BY purpose");
    if (!q)
        return q.error();
    QList<WrappedKey> keys;
    while (q->next())
        keys.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toString()});
    return keys;
}

Status SecretStore::addDataKey(const WrappedKey &key)
{
    const QString time = now();
    auto q = Sql::run(m_database.connection(),
                      "INSERT INTO data_keys (purpose, wrapped, master_key_id, created, rotated) "
                      "VALUES (?, ?, ?, ?, ?)",
                      {key.purpose, key.wrapped, key.masterKeyId, time, time});
    if (!q)
        return q.error();
    return {};
}

Status SecretStore::rewrapDataKeys(const QList<WrappedKey> &keys)
{
    const QString time = now();
    for (const WrappedKey &key : keys) {
        auto q = Sql::run(m_database.connection(),
                          "UPDATE data_keys SET wrapped = ?, master_key_id = ?, rotated = ? "
                          "WHERE purpose = ?",
                          {key.wrapped, key.masterKeyId, time, key.purpose});
        if (!q)
            return q.error();
        if (q->numRowsAffected() != 1)
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The data key '%1' vanished during the master key "
                                            "rotation; nothing was changed.")
                                 .arg(key.purpose));
    }
    return {};
}

Result<QString> SecretStore::secret(const QString &name)
{
    auto q = Sql::run(m_database.connection(), "SELECT value FROM secrets WHERE name = ?", {name});
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toString() : QString();
}

Status SecretStore::setSecret(const QString &name, const QString &sealed)
{
    auto q = Sql::run(m_database.connection(),
                      "INSERT INTO secrets (name, value, modified) VALUES (?, ?, ?) "
                      "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                      "modified = excluded.modified",
                      {name, sealed, now()});
    if (!q)
        return q.error();
    return {};
}

} // namespace Bulwark
