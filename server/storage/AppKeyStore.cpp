#include "AppKeyStore.h"

#include "Database.h"
#include "Sql_p.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Bulwark {

namespace {

#define KEY_COLUMNS                                                                                \
    "name, description, user_name, expires, ip_allowlist, enabled, last_used, last_address, "      \
    "created, modified"

QString allowlistText(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

ApplicationKey readKey(const QSqlQuery &q)
{
    ApplicationKey key;
    key.name = q.value(0).toString();
    key.description = q.value(1).toString();
    key.user = q.value(2).toString();
    key.expires = Sql::fromText(q.value(3));
    for (const QJsonValue &v : QJsonDocument::fromJson(q.value(4).toString().toUtf8()).array())
        key.ipAllowlist << v.toString();
    key.enabled = q.value(5).toInt() != 0;
    if (!q.value(6).isNull())
        key.lastUsed = Sql::fromText(q.value(6));
    key.lastAddress = q.value(7).toString();
    key.created = Sql::fromText(q.value(8));
    key.modified = Sql::fromText(q.value(9));
    return key;
}

Error notFound(const QString &name)
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("Application key '%1' does not exist.").arg(name));
}

QVariant nullableTime(const QDateTime &time)
{
    return time.isValid() ? QVariant(Sql::toText(time)) : QVariant(QMetaType::fromType<QString>());
}

} // namespace

Result<QList<ApplicationKey>> AppKeyStore::list(const QString &user)
{
    auto q = user.isEmpty()
                 ? Sql::run(m_database.connection(),
                            "SELECT " KEY_COLUMNS " FROM application_keys ORDER BY name")
                 : Sql::run(m_database.connection(),
                            "SELECT " KEY_COLUMNS " FROM application_keys WHERE user_name = ? "
                            "ORDER BY name",
                            {user});
    if (!q)
        return q.error();
    QList<ApplicationKey> keys;
    while (q->next())
        keys.append(readKey(*q));
    return keys;
}

Result<ApplicationKey> AppKeyStore::get(const QString &name)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT " KEY_COLUMNS " FROM application_keys WHERE name = ?", {name});
    if (!q)
        return q.error();
    if (!q->next())
        return notFound(name);
    return readKey(*q);
}

Status AppKeyStore::create(const ApplicationKey &key, const QByteArray &secretHash)
{
    auto existing = Sql::run(m_database.connection(),
                             "SELECT 1 FROM application_keys WHERE name = ?", {key.name});
    if (!existing)
        return existing.error();
    if (existing->next())
        return makeError(
            ErrorCode::Conflict,
            QStringLiteral("An application key named '%1' already exists.").arg(key.name));
    existing->finish();
    auto q =
        Sql::run(m_database.connection(),
                 "INSERT INTO application_keys (" KEY_COLUMNS ", key_hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {key.name, key.description, key.user, Sql::toText(key.expires),
                  allowlistText(key.ipAllowlist), key.enabled ? 1 : 0, nullableTime(key.lastUsed),
                  Sql::nullable(key.lastAddress), Sql::toText(key.created),
                  Sql::toText(key.modified), QString::fromLatin1(secretHash)});
    if (!q)
        return q.error();
    return {};
}

Status AppKeyStore::update(const ApplicationKey &key)
{
    auto q = Sql::run(m_database.connection(),
                      "UPDATE application_keys SET description = ?, expires = ?, ip_allowlist = ?, "
                      "enabled = ?, modified = ? WHERE name = ?",
                      {key.description, Sql::toText(key.expires), allowlistText(key.ipAllowlist),
                       key.enabled ? 1 : 0, Sql::toText(key.modified), key.name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(key.name);
    return {};
}

Status AppKeyStore::remove(const QString &name)
{
    auto q =
        Sql::run(m_database.connection(), "DELETE FROM application_keys WHERE name = ?", {name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(name);
    return {};
}

Result<std::optional<ApplicationKey>> AppKeyStore::findBySecretHash(const QByteArray &hash)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT " KEY_COLUMNS " FROM application_keys WHERE key_hash = ?",
                      {QString::fromLatin1(hash)});
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<ApplicationKey>();
    return std::optional<ApplicationKey>(readKey(*q));
}

Result<bool> AppKeyStore::hasSecretHash(const QString &name, const QByteArray &hash)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT 1 FROM application_keys WHERE name = ? AND key_hash = ?",
                      {name, QString::fromLatin1(hash)});
    if (!q)
        return q.error();
    return q->next();
}

Status AppKeyStore::recordUse(const QString &name, const QDateTime &time, const QString &address)
{
    auto q = Sql::run(m_database.connection(),
                      "UPDATE application_keys SET last_used = ?, last_address = ? WHERE name = ?",
                      {Sql::toText(time), address, name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(name);
    return {};
}

} // namespace Bulwark
