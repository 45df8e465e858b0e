#include "DirectoryStore.h"

#include "Database.h"
#include "Sql_p.h"
#include "security/Vault.h"
#include "wire/Wire.h"

#include <QJsonDocument>
#include <QSet>

namespace Bulwark {

namespace W = Wire;

namespace {

const QString kTable = QStringLiteral("directory_services");

SealContext passwordPlace(const QString &name)
{
    return SealContext{kTable, QStringLiteral("bind_password"), name};
}

Error notFound(const QString &name)
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("Directory service '%1' does not exist.").arg(name));
}

Error wrongType(QLatin1StringView field, const char *expected)
{
    return makeError(ErrorCode::BadRequest,
                     QStringLiteral("'%1' must be %2.").arg(field, QString::fromLatin1(expected)));
}

Status readString(const QJsonObject &json, QLatin1StringView field, QString &target)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined())
        return {};
    if (!value.isString())
        return wrongType(field, "a string");
    target = value.toString();
    return {};
}

Status readBool(const QJsonObject &json, QLatin1StringView field, bool &target)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined())
        return {};
    if (!value.isBool())
        return wrongType(field, "true or false");
    target = value.toBool();
    return {};
}

} // namespace

DirectoryStore::DirectoryStore(Database &database, const Vault &vault)
    : m_database(database)
    , m_vault(vault)
{}

QJsonObject DirectoryStore::settingsToJson(const DirectoryConfig &config)
{
    QJsonObject mapping;
    for (auto it = config.groupMapping.cbegin(); it != config.groupMapping.cend(); ++it)
        mapping.insert(it.key(), it.value());
    return {{W::Url, config.url},
            {W::CaFile, config.caFile},
            {W::Insecure, config.insecure},
            {W::BindDn, config.bindDn},
            {W::UserBase, config.userBase},
            {W::UserFilter, config.userFilter},
            {W::GroupBase, config.groupBase},
            {W::GroupFilter, config.groupFilter},
            {W::GroupMapping, mapping},
            {W::ProvisionUsers, config.provisionUsers},
            {W::TimeoutSeconds, config.timeoutSeconds}};
}

Status DirectoryStore::settingsFromJson(const QJsonObject &json, DirectoryConfig &config)
{
    static const QSet<QString> known = {
        W::Url,          W::CaFile,         W::Insecure,      W::BindDn,
        W::UserBase,     W::UserFilter,     W::GroupBase,     W::GroupFilter,
        W::GroupMapping, W::ProvisionUsers, W::TimeoutSeconds};
    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return makeError(
                ErrorCode::BadRequest,
                QStringLiteral("Unknown directory service setting '%1'.").arg(it.key().left(64)));
    }
    const std::pair<QLatin1StringView, QString *> strings[] = {
        {W::Url, &config.url},
        {W::CaFile, &config.caFile},
        {W::BindDn, &config.bindDn},
        {W::UserBase, &config.userBase},
        {W::UserFilter, &config.userFilter},
        {W::GroupBase, &config.groupBase},
        {W::GroupFilter, &config.groupFilter}};
    for (const auto &[field, target] : strings) {
        if (auto s = readString(json, field, *target); !s)
            return s;
    }
    if (auto s = readBool(json, W::Insecure, config.insecure); !s)
        return s;
    if (auto s = readBool(json, W::ProvisionUsers, config.provisionUsers); !s)
        return s;
    const QJsonValue timeout = json.value(W::TimeoutSeconds);
    if (!timeout.isUndefined()) {
        if (!timeout.isDouble() || timeout.toDouble() != double(timeout.toInt()))
            return wrongType(W::TimeoutSeconds, "a whole number of seconds");
        config.timeoutSeconds = timeout.toInt();
    }
    const QJsonValue mapping = json.value(W::GroupMapping);
    if (!mapping.isUndefined()) {
        if (!mapping.isObject())
            return wrongType(W::GroupMapping,
                             "an object from directory group DN to platform group name");
        config.groupMapping.clear();
        const QJsonObject object = mapping.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!it.value().isString())
                return makeError(ErrorCode::BadRequest,
                                 QStringLiteral("'groupMapping' maps '%1' to something that is "
                                                "not a platform group name.")
                                     .arg(it.key().left(256)));
            config.groupMapping.insert(it.key(), it.value().toString());
        }
    }
    return {};
}

Result<QList<DirectoryService>> DirectoryStore::list()
{
    auto q = Sql::run(m_database.connection(), "SELECT name FROM directory_services ORDER BY name");
    if (!q)
        return q.error();
    QStringList names;
    while (q->next())
        names.append(q->value(0).toString());
    QList<DirectoryService> services;
    for (const QString &name : names) {
        auto service = read(name, false);
        if (!service)
            return service.error();
        services.append(*service);
    }
    return services;
}

Result<DirectoryService> DirectoryStore::get(const QString &name)
{
    return read(name, true);
}

Result<DirectoryService> DirectoryStore::describe(const QString &name)
{
    return read(name, false);
}

Result<DirectoryService> DirectoryStore::read(const QString &name, bool openPassword)
{
    auto q = Sql::run(m_database.connection(),
                      "SELECT name, description, settings, bind_password, enabled, created, "
                      "modified FROM directory_services WHERE name = ?",
                      {name});
    if (!q)
        return q.error();
    if (!q->next())
        return notFound(name);
    DirectoryService service;
    DirectoryConfig &config = service.config;
    config.name = q->value(0).toString();
    config.description = q->value(1).toString();
    QJsonParseError error;
    const QJsonDocument settings = QJsonDocument::fromJson(q->value(2).toByteArray(), &error);
    if (!settings.isObject())
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The stored settings of directory service '%1' are not a "
                                        "JSON object.")
                             .arg(name));
    if (auto s = settingsFromJson(settings.object(), config); !s)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The stored settings of directory service '%1' are "
                                        "damaged: %2")
                             .arg(name, s.error().message));
    const QString sealed = q->value(3).toString();
    service.hasBindPassword = !sealed.isEmpty();
    config.enabled = q->value(4).toInt() != 0;
    service.created = Sql::fromText(q->value(5));
    service.modified = Sql::fromText(q->value(6));
    if (openPassword && service.hasBindPassword) {
        auto plain = m_vault.open(sealed, passwordPlace(name));
        if (!plain)
            return makeError(plain.error().code,
                             QStringLiteral("The bind password of directory service '%1' cannot "
                                            "be decrypted: %2")
                                 .arg(name, plain.error().message));
        config.bindPassword = QString::fromUtf8(*plain);
    }
    return service;
}

Result<QString> DirectoryStore::sealPassword(const DirectoryConfig &config) const
{
    if (config.bindPassword.isEmpty())
        return QString();
    return m_vault.seal(config.bindPassword.toUtf8(), passwordPlace(config.name));
}

Status DirectoryStore::create(const DirectoryService &service)
{
    const DirectoryConfig &config = service.config;
    auto existing = Sql::run(m_database.connection(),
                             "SELECT 1 FROM directory_services WHERE name = ?", {config.name});
    if (!existing)
        return existing.error();
    if (existing->next())
        return makeError(
            ErrorCode::Conflict,
            QStringLiteral("A directory service named '%1' already exists.").arg(config.name));
    auto sealed = sealPassword(config);
    if (!sealed)
        return sealed.error();
    const QByteArray settings =
        QJsonDocument(settingsToJson(config)).toJson(QJsonDocument::Compact);
    auto q = Sql::run(m_database.connection(),
                      "INSERT INTO directory_services (name, description, settings, "
                      "bind_password, enabled, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      {config.name, config.description, QString::fromUtf8(settings),
                       Sql::nullable(*sealed), config.enabled ? 1 : 0, Sql::toText(service.created),
                       Sql::toText(service.modified)});
    if (!q)
        return q.error();
    return {};
}

Status DirectoryStore::update(const DirectoryService &service)
{
    const DirectoryConfig &config = service.config;
    const QByteArray settings =
        QJsonDocument(settingsToJson(config)).toJson(QJsonDocument::Compact);
    Result<QSqlQuery> q = makeError(ErrorCode::Internal, QString());
    if (config.bindPassword.isEmpty()) {
        q = Sql::run(m_database.connection(),
                     "UPDATE directory_services SET description = ?, settings = ?, enabled = ?, "
                     "modified = ? WHERE name = ?",
                     {config.description, QString::fromUtf8(settings), config.enabled ? 1 : 0,
                      Sql::toText(service.modified), config.name});
    } else {
        auto sealed = sealPassword(config);
        if (!sealed)
            return sealed.error();
        q = Sql::run(m_database.connection(),
                     "UPDATE directory_services SET description = ?, settings = ?, "
                     "bind_password = ?, enabled = ?, modified = ? WHERE name = ?",
                     {config.description, QString::fromUtf8(settings), *sealed,
                      config.enabled ? 1 : 0, Sql::toText(service.modified), config.name});
    }
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(config.name);
    return {};
}

Status DirectoryStore::remove(const QString &name)
{
    auto q =
        Sql::run(m_database.connection(), "DELETE FROM directory_services WHERE name = ?", {name});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return notFound(name);
    return {};
}

} // namespace Bulwark
