// The bulwark-edge agent's configuration: a JSON file (docs/edge-agent.md),
// read and checked as a whole before anything connects, so that a mistake is
// reported once, naming the key, instead of showing up later as a refused
// connection.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

#include <optional>

namespace BulwarkEdge::Agent {

struct ThingConfig
{
    QString name;
    // Virtual directory name -> absolute local root.
    QMap<QString, QString> directories;
};

struct AgentConfig
{
    QUrl server; // wss://host:port/edge
    QString caFile;
    QByteArray fingerprint; // SHA-256 of the server certificate, 32 bytes
    bool insecure = false;
    QString appKeyFile;
    QByteArray appKey; // read from appKeyFile
    QList<ThingConfig> things;
    QHostAddress httpAddress{QHostAddress::LocalHost};
    quint16 httpPort = 8585;
    int writeTimeoutSeconds = 8;
    int invokeTimeoutSeconds = 25;
};

struct ConfigResult
{
    std::optional<AgentConfig> config;
    QString error; // set when config is empty: what is wrong and what to do
};

// Reads and checks the file at path; relative paths in it are relative to
// the file's directory. The app key file must be readable by its owner only.
[[nodiscard]] ConfigResult loadAgentConfig(const QString &path);

// The same, from JSON text (baseDirectory resolves relative paths).
[[nodiscard]] ConfigResult parseAgentConfig(const QByteArray &json, const QString &baseDirectory);

// "AB:CD:…" or "abcd…" (64 hex digits, colons and spaces ignored) -> 32 bytes,
// empty when it is not a SHA-256 fingerprint.
[[nodiscard]] QByteArray parseFingerprint(const QString &text);

// Empty when the key file may be used; otherwise why not and how to fix it.
[[nodiscard]] QString checkKeyFilePermissions(const QString &path);

} // namespace BulwarkEdge::Agent
