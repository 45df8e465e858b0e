// Where the master key is kept: a 0600 key file, or the OS keychain through
// QtKeychain (the Secret Service on Linux). Only storage and retrieval; the
// choice between them and the checks against the database are in
// Secrets.cpp. Blocking calls: start-up and maintenance commands only.
#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Bulwark::MasterKey {

// The key file: base64 of 32 bytes and a newline.
// Empty optional: there is no such file.
[[nodiscard]] Result<std::optional<QByteArray>> readFile(const QString &path);
// A new file (never an existing one), 0600 from the start, synced to disk
// together with its directory entry.
[[nodiscard]] Status writeFile(const QString &path, const QByteArray &key);
// Atomically replaces to with from and syncs the directory.
[[nodiscard]] Status replaceFile(const QString &from, const QString &to);

// The keychain entry of one installation: service "Bulwark",
// key "master-key/<installation id>".
inline const QString KeychainService = QStringLiteral("Bulwark");
[[nodiscard]] QString keychainEntry(const QString &installationId);

struct KeychainAnswer
{
    enum class Outcome
    {
        Found,
        NotFound,    // the keychain answered: no such entry
        Unreachable, // no keychain, or it did not answer in time
    };
    Outcome outcome = Outcome::Unreachable;
    QByteArray key;
    QString reason; // for Unreachable: what QtKeychain said
};

[[nodiscard]] KeychainAnswer readKeychain(const QString &entry);
[[nodiscard]] Status writeKeychain(const QString &entry, const QByteArray &key);
[[nodiscard]] Status removeKeychain(const QString &entry);

} // namespace Bulwark::MasterKey
