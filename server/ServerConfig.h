// What a server is told at start, and what it reports once it listens.
#pragma once

#include "edge/EdgeSettings.h"
#include "files/FileSettings.h"
#include "net/HttpSettings.h"
#include "security/SecuritySettings.h"

#include <QHostAddress>
#include <QMetaType>
#include <QString>

namespace Bulwark {

struct ServerConfig
{
    QString dataDir; // created if missing, 0700
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 8443; // 0: any free port
    QString databaseUrl; // empty or "sqlite:" = SQLite in dataDir
    QString tlsCertFile; // empty: self-signed in dataDir
    QString tlsKeyFile;
    QString masterKeyFile; // empty: dataDir/master.key
    EdgeSettings edge;     // [edge] in the configuration file
    FileSettings files;    // [files] in the configuration file
    HttpSettings http;     // [http] in the configuration file
    SecuritySettings security;
};

struct ServerStartInfo
{
    quint16 port = 0;
    QString certificateFingerprint; // SHA-256, "AB:CD:…"
    QString storageBackend;         // "sqlite" or "postgresql"
    QString initialAdminPassword;   // set only when generated at this start
};

} // namespace Bulwark

Q_DECLARE_METATYPE(Bulwark::ServerStartInfo)
