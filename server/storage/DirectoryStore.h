// Reads and writes the configured directory services (table
// directory_services). The service account password is sealed by the vault,
// bound to its row; every other setting is one JSON object in the settings
// column. Used only on the storage thread.
#pragma once

#include "security/Ldap.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace Bulwark {

class Database;
class Vault;

struct DirectoryService
{
    DirectoryConfig config; // bindPassword is filled only by DirectoryStore::get
    bool hasBindPassword = false;
    QDateTime created;
    QDateTime modified;
};

class DirectoryStore final
{
    Q_DISABLE_COPY_MOVE(DirectoryStore)

public:
    DirectoryStore(Database &database, const Vault &vault);

    // Without passwords (config.bindPassword stays empty).
    [[nodiscard]] Result<QList<DirectoryService>> list();
    // With the bind password opened: for the worker that talks to the
    // directory, never for an API answer.
    [[nodiscard]] Result<DirectoryService> get(const QString &name);
    // Without the password, for API answers.
    [[nodiscard]] Result<DirectoryService> describe(const QString &name);
    [[nodiscard]] Status create(const DirectoryService &service);
    // An empty config.bindPassword keeps the stored one.
    [[nodiscard]] Status update(const DirectoryService &service);
    [[nodiscard]] Status remove(const QString &name);

    // The settings column: everything but name, description, enabled and
    // the password.
    [[nodiscard]] static QJsonObject settingsToJson(const DirectoryConfig &config);
    // Fills the settings of config from JSON; unknown or mistyped fields are
    // errors that name the field. Absent fields keep config's value.
    [[nodiscard]] static Status settingsFromJson(const QJsonObject &json, DirectoryConfig &config);

private:
    [[nodiscard]] Result<DirectoryService> read(const QString &name, bool openPassword);
    [[nodiscard]] Result<QString> sealPassword(const DirectoryConfig &config) const;

    Database &m_database;
    const Vault &m_vault;
};

} // namespace Bulwark
