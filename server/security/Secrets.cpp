// Start-up of the master key, the vault's data keys and the TLS identity;
// and master key rotation. See docs/security-model.md for the design.
#include "Secrets.h"

#include "AuditLog.h"
#include "Maintenance.h"

#include "MasterKey.h"
#include "Vault.h"
#include "storage/SecretStore.h"
#include "storage/StorageThread.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUuid>

Q_LOGGING_CATEGORY(lcSecrets, "bulwark.secrets")

namespace Bulwark {

namespace {

const QString kTlsKeySecret = QStringLiteral("tls-private-key");
const SealContext kTlsKeyPlace{QStringLiteral("secrets"), QStringLiteral("value"), kTlsKeySecret};
// Beside a key file or keychain entry: the new key of a rotation that has
// not finished yet.
const QString kPendingSuffix = QStringLiteral(".new");

// What the database holds about its keys.
struct KeyState
{
    QString installationId;
    QList<Vault::WrappedKey> dataKeys;
};

Result<KeyState> readKeyState(StorageThread &storage)
{
    KeyState state;
    const Status status = storage.runBlocking([&state](EntityStore &entities) -> Status {
        SecretStore store(entities.database());
        return entities.inTransaction([&]() -> Status {
            auto id = store.setting(SecretStore::InstallationId);
            if (!id)
                return id.error();
            state.installationId = *id;
            if (state.installationId.isEmpty()) {
                // Names this installation's keychain entry; made once.
                state.installationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
                if (auto s = store.setSetting(SecretStore::InstallationId, state.installationId);
                    !s)
                    return s;
            }
            auto keys = store.dataKeys();
            if (!keys)
                return keys.error();
            state.dataKeys = *keys;
            return {};
        });
    });
    if (!status)
        return status.error();
    return state;
}

// A master key and where it was found (or put).
struct FoundKey
{
    enum class Place
    {
        File,
        Keychain
    };
    QByteArray key;
    Place place = Place::File;
    QString path;  // key file
    QString entry; // keychain entry
    bool created = false;

    [[nodiscard]] QString describe() const
    {
        return place == Place::File
                   ? QStringLiteral("the key file %1").arg(path)
                   : QStringLiteral("the OS keychain (service \"%1\", entry \"%2\")")
                         .arg(MasterKey::KeychainService, entry);
    }
};

enum class IfMissing
{
    Create, // a new database: make the key
    Fail,   // a database with data: a missing key is an error
};

Error missingKey(const QStringList &lookedAt)
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("The master key is missing: %1. This database already holds "
                                    "data encrypted under it, so Bulwark will not make a new key. "
                                    "Restore the key file from your backup into the data "
                                    "directory (or point --master-key-file at it), or restore the "
                                    "keychain entry, and start again.")
                         .arg(lookedAt.join(QStringLiteral("; "))));
}

QString keyFileMissing(const QString &path)
{
    return QStringLiteral("the master key file %1 is missing").arg(path);
}

QString keychainMissing(const MasterKey::KeychainAnswer &answer, const QString &entry)
{
    return answer.outcome == MasterKey::KeychainAnswer::Outcome::NotFound
               ? QStringLiteral("the OS keychain has no entry \"%1\" (service \"%2\")")
                     .arg(entry, MasterKey::KeychainService)
               : QStringLiteral("the OS keychain, which should hold entry \"%1\" (service "
                                "\"%2\"), could not be reached (%3): if the key is there, start "
                                "or unlock the Secret Service of this session (gnome-keyring, "
                                "KWallet)")
                     .arg(entry, MasterKey::KeychainService, answer.reason);
}

Result<FoundKey> fromFile(const QString &path, IfMissing ifMissing)
{
    auto read = MasterKey::readFile(path);
    if (!read)
        return read.error();
    FoundKey found;
    found.path = path;
    if (*read) {
        found.key = **read;
        return found;
    }
    if (ifMissing == IfMissing::Fail)
        return missingKey({keyFileMissing(path)});
    found.key = Vault::newKey();
    if (auto s = MasterKey::writeFile(path, found.key); !s)
        return s.error();
    found.created = true;
    return found;
}

Result<FoundKey> findMasterKey(const ServerConfig &config, const QString &installationId,
                               IfMissing ifMissing)
{
    const QString defaultFile = QDir(config.dataDir).filePath(QStringLiteral("master.key"));
    const QString entry = MasterKey::keychainEntry(installationId);
    FoundKey inKeychain;
    inKeychain.place = FoundKey::Place::Keychain;
    inKeychain.entry = entry;

    switch (config.security.masterKeySource) {
    case MasterKeySource::File:
        return fromFile(config.masterKeyFile.isEmpty() ? defaultFile : config.masterKeyFile,
                        ifMissing);
    case MasterKeySource::Keychain: {
        if (!config.masterKeyFile.isEmpty())
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("--master-key-file was given, but the configuration "
                                            "says masterkey/source = keychain; use one or the "
                                            "other."));
        const auto answer = MasterKey::readKeychain(entry);
        if (answer.outcome == MasterKey::KeychainAnswer::Outcome::Found) {
            inKeychain.key = answer.key;
            return inKeychain;
        }
        if (ifMissing == IfMissing::Fail)
            return missingKey({keychainMissing(answer, entry)});
        if (answer.outcome == MasterKey::KeychainAnswer::Outcome::Unreachable)
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The configuration says masterkey/source = keychain, "
                                            "but the OS keychain could not be reached (%1). Start "
                                            "a Secret Service (gnome-keyring, KWallet) in this "
                                            "session, or set masterkey/source to auto or file to "
                                            "keep the key in a 0600 file.")
                                 .arg(answer.reason));
        inKeychain.key = Vault::newKey();
        if (auto s = MasterKey::writeKeychain(entry, inKeychain.key); !s)
            return s.error();
        inKeychain.created = true;
        return inKeychain;
    }
    case MasterKeySource::Automatic:
        break;
    }

    if (!config.masterKeyFile.isEmpty())
        return fromFile(config.masterKeyFile, ifMissing);
    auto file = fromFile(defaultFile, IfMissing::Fail);
    if (file)
        return file;
    if (QFile::exists(defaultFile))
        return file.error(); // there, but unusable: say why, look no further
    const auto answer = MasterKey::readKeychain(entry);
    if (answer.outcome == MasterKey::KeychainAnswer::Outcome::Found) {
        inKeychain.key = answer.key;
        return inKeychain;
    }
    if (ifMissing == IfMissing::Fail)
        return missingKey({keyFileMissing(defaultFile), keychainMissing(answer, entry)});
    QString why = answer.reason;
    if (answer.outcome == MasterKey::KeychainAnswer::Outcome::NotFound) {
        inKeychain.key = Vault::newKey();
        const Status stored = MasterKey::writeKeychain(entry, inKeychain.key);
        if (stored) {
            inKeychain.created = true;
            return inKeychain;
        }
        why = stored.error().message;
    }
    qCWarning(lcSecrets).noquote()
        << QStringLiteral("No OS keychain was reachable (%1), so the new master key is in the "
                          "file %2 (mode 0600). Whoever can read that file and the database can "
                          "decrypt the secrets in it: keep it off shared disks and out of the "
                          "database's backups (back it up separately), or run where a Secret "
                          "Service is available (masterkey/source = keychain).")
               .arg(why, defaultFile);
    return fromFile(defaultFile, IfMissing::Create);
}

Result<QHash<QString, QByteArray>> unwrapAll(const QByteArray &masterKey,
                                             const QList<Vault::WrappedKey> &wrapped)
{
    QHash<QString, QByteArray> keys;
    for (const auto &key : wrapped) {
        auto plain = Vault::unwrap(masterKey, key);
        if (!plain)
            return plain.error();
        keys.insert(key.purpose, *plain);
    }
    return keys;
}

Error wrongKey(const FoundKey &found, const QList<Vault::WrappedKey> &wrapped)
{
    return makeError(
        ErrorCode::Internal,
        QStringLiteral("The master key from %1 is wrong for this database: it does not open the "
                       "database's data keys (they were wrapped by master key id %2; this key has "
                       "id %3). Put back the key that belongs to this database (from your backup, "
                       "or the one the last --rotate-master-key stored) and start again. Bulwark "
                       "does not start with new keys over existing data.")
            .arg(found.describe(), wrapped.value(0).masterKeyId, Vault::masterKeyId(found.key)));
}

// Unwraps the data keys with the found key. A rotation that stopped after
// its commit left the new key beside the old one: it is used and put in
// place. A rotation that stopped before its commit left a new key that
// opens nothing: it is removed.
Result<QHash<QString, QByteArray>> unlock(FoundKey &found, const QList<Vault::WrappedKey> &wrapped)
{
    auto keys = unwrapAll(found.key, wrapped);
    const bool isFile = found.place == FoundKey::Place::File;
    const QString pendingPath = found.path + kPendingSuffix;
    const QString pendingEntry = found.entry + kPendingSuffix;
    if (keys) {
        if (isFile && QFile::exists(pendingPath))
            QFile::remove(pendingPath);
        else if (!isFile && MasterKey::readKeychain(pendingEntry).outcome ==
                                MasterKey::KeychainAnswer::Outcome::Found)
            (void)MasterKey::removeKeychain(pendingEntry);
        return keys;
    }
    QByteArray pending;
    if (isFile) {
        if (auto read = MasterKey::readFile(pendingPath); read && *read)
            pending = **read;
    } else if (auto answer = MasterKey::readKeychain(pendingEntry);
               answer.outcome == MasterKey::KeychainAnswer::Outcome::Found) {
        pending = answer.key;
    }
    if (pending.isEmpty())
        return wrongKey(found, wrapped);
    auto pendingKeys = unwrapAll(pending, wrapped);
    if (!pendingKeys)
        return wrongKey(found, wrapped);
    if (isFile) {
        if (auto s = MasterKey::replaceFile(pendingPath, found.path); !s)
            return s.error();
    } else {
        if (auto s = MasterKey::writeKeychain(found.entry, pending); !s)
            return s.error();
        (void)MasterKey::removeKeychain(pendingEntry);
    }
    qCInfo(lcSecrets).noquote() << "Finished an interrupted master key rotation: the new key is "
                                   "now in"
                                << found.describe();
    found.key = pending;
    return pendingKeys;
}

Status storeDataKeys(StorageThread &storage, const QList<Vault::WrappedKey> &keys)
{
    if (keys.isEmpty())
        return {};
    return storage.runBlocking([&keys](EntityStore &entities) {
        SecretStore store(entities.database());
        return entities.inTransaction([&]() -> Status {
            for (const auto &key : keys) {
                if (auto s = store.addDataKey(key); !s)
                    return s;
            }
            return {};
        });
    });
}

} // namespace

Result<std::unique_ptr<Vault>> openVault(const ServerConfig &config, StorageThread &storage,
                                         bool freshDatabase)
{
    auto state = readKeyState(storage);
    if (!state)
        return state.error();
    // Only a database without users and without data keys may get a new
    // master key: anything else holds data that a new key would not open.
    const bool newDatabase = freshDatabase && state->dataKeys.isEmpty();
    auto found = findMasterKey(config, state->installationId,
                               newDatabase ? IfMissing::Create : IfMissing::Fail);
    if (!found)
        return found.error();
    auto keys = unlock(*found, state->dataKeys);
    if (!keys)
        return keys.error();

    // Purposes this database has no key for yet: all of them on a new
    // database, new ones after an upgrade.
    QList<Vault::WrappedKey> added;
    auto add = [&](const QString &purpose, const QByteArray &key) -> Status {
        auto wrapped = Vault::wrap(found->key, purpose, key);
        if (!wrapped)
            return wrapped.error();
        added.append(*wrapped);
        keys->insert(purpose, key);
        return {};
    };
    for (const QString &purpose : Vault::purposes()) {
        if (!keys->contains(purpose)) {
            if (auto s = add(purpose, Vault::newKey()); !s)
                return s.error();
        }
    }
    // A database from before data keys sealed values directly under the
    // master key ("v1:"); that key becomes the data key that opens them, so
    // they still open after a rotation.
    if (state->dataKeys.isEmpty() && !freshDatabase) {
        if (auto s = add(Vault::LegacyPurpose, found->key); !s)
            return s.error();
    }
    if (auto s = storeDataKeys(storage, added); !s)
        return s.error();

    qCInfo(lcSecrets).noquote()
        << QStringLiteral("%1 %2 (key id %3); %4 data keys%5.")
               .arg(found->created ? QStringLiteral("Made a new master key in")
                                   : QStringLiteral("Master key from"),
                    found->describe(), Vault::masterKeyId(found->key))
               .arg(keys->size())
               .arg(added.isEmpty() ? QString()
                                    : QStringLiteral(", %1 of them new").arg(added.size()));
    return std::make_unique<Vault>(*keys);
}

Result<Certificates::Identity> loadTlsIdentity(const ServerConfig &config, StorageThread &storage,
                                               const Vault &vault)
{
    if (!config.tlsCertFile.isEmpty() || !config.tlsKeyFile.isEmpty())
        return Certificates::loadFiles(config.tlsCertFile, config.tlsKeyFile);

    const QDir dir(config.dataDir);
    if (!dir.mkpath(QStringLiteral("tls")))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Cannot create %1/tls.").arg(config.dataDir));
    const QString certPath = dir.filePath(QStringLiteral("tls/server.crt"));
    // Where versions before the vault kept the private key in plain text.
    const QString oldKeyPath = dir.filePath(QStringLiteral("tls/server.key"));
    const QString keySource = QStringLiteral("the TLS private key sealed in the database");

    QString sealed;
    if (auto s = storage.runBlocking([&sealed](EntityStore &entities) -> Status {
            auto value = SecretStore(entities.database()).secret(kTlsKeySecret);
            if (!value)
                return value.error();
            sealed = *value;
            return {};
        });
        !s)
        return s.error();

    QByteArray keyPem;
    bool store = false;
    if (!sealed.isEmpty()) {
        auto opened = vault.open(sealed, kTlsKeyPlace);
        if (!opened)
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The TLS private key in the database does not open "
                                            "(%1) Delete the row 'tls-private-key' of the table "
                                            "'secrets' to make a new self-signed certificate.")
                                 .arg(opened.error().message));
        keyPem = *opened;
    } else if (QFile::exists(oldKeyPath)) {
        QFile file(oldKeyPath);
        if (!file.open(QIODevice::ReadOnly))
            return makeError(
                ErrorCode::Internal,
                QStringLiteral("Cannot read %1: %2").arg(oldKeyPath, file.errorString()));
        keyPem = file.readAll();
        store = true;
    }

    QByteArray certPem;
    if (!keyPem.isEmpty()) {
        QFile file(certPath);
        if (file.open(QIODevice::ReadOnly))
            certPem = file.readAll();
        else
            qCWarning(lcSecrets).noquote()
                << "The certificate" << certPath
                << "is missing; making a new self-signed one (its fingerprint changes).";
    }
    bool generated = false;
    if (certPem.isEmpty()) {
        auto made = Certificates::makeLocalSelfSigned();
        if (!made)
            return made.error();
        certPem = made->first;
        keyPem = made->second;
        generated = true;
        store = true;
    }
    auto identity = Certificates::fromPem(certPem, keyPem, certPath, keySource);
    if (!identity)
        return identity.error();
    identity->generated = generated;

    // The key first: a certificate without its key is remade at the next
    // start, a key without its certificate would be lost.
    if (store) {
        auto sealedKey = vault.seal(keyPem, kTlsKeyPlace);
        if (!sealedKey)
            return sealedKey.error();
        if (auto s = storage.runBlocking([&sealedKey](EntityStore &entities) {
                return SecretStore(entities.database()).setSecret(kTlsKeySecret, *sealedKey);
            });
            !s)
            return s.error();
    }
    if (generated) {
        if (auto s = Certificates::writeCertificate(certPath, certPem); !s)
            return s.error();
    }
    if (QFile::exists(oldKeyPath)) {
        if (auto s = Certificates::scrubFile(oldKeyPath); !s)
            return s.error();
        qCInfo(lcSecrets).noquote() << "Moved the TLS private key from" << oldKeyPath
                                    << "into the database (sealed) and overwrote and removed "
                                       "the file.";
    }
    return identity;
}

Result<QString> rotateMasterKey(const ServerConfig &config)
{
    auto opened = openExistingDatabase(config);
    if (!opened)
        return opened.error();
    StorageThread &storage = **opened;
    auto state = readKeyState(storage);
    if (!state)
        return state.error();
    if (state->dataKeys.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("This database has no data keys yet, so there is nothing "
                                        "to rotate: start the server once first."));
    auto found = findMasterKey(config, state->installationId, IfMissing::Fail);
    if (!found)
        return found.error();
    auto keys = unlock(*found, state->dataKeys);
    if (!keys)
        return keys.error();

    const QByteArray newMaster = Vault::newKey();
    QList<Vault::WrappedKey> rewrapped;
    for (auto it = keys->cbegin(); it != keys->cend(); ++it) {
        auto wrapped = Vault::wrap(newMaster, it.key(), it.value());
        if (!wrapped)
            return wrapped.error();
        rewrapped.append(*wrapped);
    }

    // The new key is durable beside the old one before the database
    // commits to it; a crash after the commit is finished at the next start.
    const bool isFile = found->place == FoundKey::Place::File;
    const QString pendingPath = found->path + kPendingSuffix;
    const QString pendingEntry = found->entry + kPendingSuffix;
    if (isFile) {
        QFile::remove(pendingPath);
        if (auto s = MasterKey::writeFile(pendingPath, newMaster); !s)
            return s.error();
    } else if (auto s = MasterKey::writeKeychain(pendingEntry, newMaster); !s) {
        return s.error();
    }
    // Audited in the same transaction (key ids only, never keys).
    const auto log = AuditLog::of(Vault(*keys));
    if (!log)
        return log.error();
    AuditRecord record;
    record.actor = QStringLiteral("system");
    record.source = QStringLiteral("command line");
    record.category = QString(Audit::System);
    record.action = QStringLiteral("rotate-master-key");
    record.entity = QStringLiteral("Server");
    record.outcome = QString(Audit::Success);
    record.details = QJsonObject{{QStringLiteral("previousKeyId"), Vault::masterKeyId(found->key)},
                                 {QStringLiteral("keyId"), Vault::masterKeyId(newMaster)},
                                 {QStringLiteral("dataKeys"), int(rewrapped.size())}};
    const Status committed = storage.runBlocking([&](EntityStore &entities) {
        return entities.inTransaction([&]() -> Status {
            if (auto s = SecretStore(entities.database()).rewrapDataKeys(rewrapped); !s)
                return s;
            return log->append(entities, record);
        });
    });
    if (!committed) {
        if (isFile)
            QFile::remove(pendingPath);
        else
            (void)MasterKey::removeKeychain(pendingEntry);
        return committed.error();
    }
    if (isFile) {
        if (auto s = MasterKey::replaceFile(pendingPath, found->path); !s)
            return s.error();
    } else {
        if (auto s = MasterKey::writeKeychain(found->entry, newMaster); !s)
            return s.error();
        (void)MasterKey::removeKeychain(pendingEntry);
    }
    storage.close();
    return QStringLiteral("Re-wrapped %1 data keys under a new master key (key id %2) in %3; the "
                          "old key no longer opens this database.")
        .arg(rewrapped.size())
        .arg(Vault::masterKeyId(newMaster), found->describe());
}

} // namespace Bulwark
