// bulwark: the console with an embedded server, or with --headless the
// server alone (no QtWidgets loaded).
#include "HeadlessRunner.h"
#include "Maintenance.h"
#include "ServerConfig.h"
#include "security/AuditLog.h"
#include "security/Secrets.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QSettings>
#include <QStandardPaths>

#include <sys/stat.h>

#include <cstdio>
#include <memory>

#ifdef BULWARK_WITH_GUI
#include "Console.h"
#include <QApplication>
#endif

using namespace Bulwark;

namespace {

enum class Command
{
    Serve,
    RotateMasterKey,
    VerifyAudit,
    UnlockUser,
};

struct Options
{
    bool headless = false;
    Command command = Command::Serve;
    QString user; // for --unlock-user
    ServerConfig config;
};

// Parses the command line; prints help, version or an error and exits on those.
Options parse(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Bulwark: a secure IoT platform server and its administration console.\n"
                "Without --headless the console opens with an embedded server on a free "
                "loopback port."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(
        QStringLiteral("headless"),
        QCoreApplication::translate("main", "Run the server alone, without the console."));
    const QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QCoreApplication::translate("main", "Directory for the database, keys and certificate "
                                            "(default: %1).")
            .arg(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)),
        QStringLiteral("DIR"));
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QCoreApplication::translate("main", "Address and port to serve HTTPS and WSS on "
                                            "(default: 127.0.0.1:8443; the console's embedded "
                                            "server picks a free loopback port)."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption database(
        QStringLiteral("database"),
        QCoreApplication::translate("main", "sqlite: (default, in the data directory), "
                                            "sqlite:/path/file.db, or "
                                            "postgresql://user@host:port/database."),
        QStringLiteral("URL"));
    const QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"),
        QCoreApplication::translate("main", "PEM certificate (chain) to serve; default: a "
                                            "self-signed one made on first start."),
        QStringLiteral("FILE"));
    const QCommandLineOption tlsKey(
        QStringLiteral("tls-key"),
        QCoreApplication::translate("main", "PEM private key of --tls-cert."),
        QStringLiteral("FILE"));
    const QCommandLineOption masterKey(
        QStringLiteral("master-key-file"),
        QCoreApplication::translate("main", "File holding the master key that encrypts secrets "
                                            "at rest. Default: the key the data directory "
                                            "already has (DATA-DIR/master.key or the OS "
                                            "keychain); for a new one, the keychain when "
                                            "reachable, else DATA-DIR/master.key (0600)."),
        QStringLiteral("FILE"));
    const QCommandLineOption configFile(
        QStringLiteral("config"),
        QCoreApplication::translate("main", "Configuration file with security settings "
                                            "(passwords, sessions, lockout, app keys, master key "
                                            "source; see docs/operations.md). Default: "
                                            "DATA-DIR/bulwark.conf when it exists."),
        QStringLiteral("FILE"));
    const QCommandLineOption rotate(
        QStringLiteral("rotate-master-key"),
        QCoreApplication::translate("main", "Make a new master key, re-wrap the data keys with "
                                            "it, and exit. Encrypted data stays readable "
                                            "throughout."));
    const QCommandLineOption verifyAudit(
        QStringLiteral("verify-audit"),
        QCoreApplication::translate("main", "Check the audit log's hash chain and exit: 0 when "
                                            "intact, 1 when a record was changed or removed."));
    const QCommandLineOption unlock(
        QStringLiteral("unlock-user"),
        QCoreApplication::translate("main", "End the lockout of a user and exit (audited). The "
                                            "way back in when the only administrator is locked "
                                            "until unlocked."),
        QStringLiteral("NAME"));
    parser.addOptions({headless, dataDir, listen, database, tlsCert, tlsKey, masterKey, configFile,
                       rotate, verifyAudit, unlock});
    parser.process(app);

    Options options;
    options.headless = parser.isSet(headless);
    options.config.dataDir =
        parser.isSet(dataDir) ? parser.value(dataDir)
                              : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    options.config.dataDir = QDir(options.config.dataDir).absolutePath();
    options.config.databaseUrl = parser.value(database);
    options.config.tlsCertFile = parser.value(tlsCert);
    options.config.tlsKeyFile = parser.value(tlsKey);
    options.config.masterKeyFile = parser.value(masterKey);
    if (int(parser.isSet(rotate)) + int(parser.isSet(verifyAudit)) + int(parser.isSet(unlock)) >
        1) {
        std::fprintf(stderr, "bulwark: give one of --rotate-master-key, --verify-audit and "
                             "--unlock-user.\n");
        std::exit(2);
    }
    if (parser.isSet(rotate) || parser.isSet(verifyAudit) || parser.isSet(unlock)) {
        options.headless = true;
        options.command = parser.isSet(rotate)        ? Command::RotateMasterKey
                          : parser.isSet(verifyAudit) ? Command::VerifyAudit
                                                      : Command::UnlockUser;
        options.user = parser.value(unlock);
    }
    QString settingsPath = parser.value(configFile);
    if (settingsPath.isEmpty() &&
        QFile::exists(QDir(options.config.dataDir).filePath(QStringLiteral("bulwark.conf"))))
        settingsPath = QDir(options.config.dataDir).filePath(QStringLiteral("bulwark.conf"));
    if (!settingsPath.isEmpty()) {
        if (!QFile::exists(settingsPath)) {
            std::fprintf(stderr, "bulwark: the configuration file %s does not exist.\n",
                         qPrintable(settingsPath));
            std::exit(2);
        }
        QSettings file(settingsPath, QSettings::IniFormat);
        if (file.status() != QSettings::NoError) {
            std::fprintf(stderr,
                         "bulwark: cannot read the configuration file %s: it is not "
                         "in INI format.\n",
                         qPrintable(settingsPath));
            std::exit(2);
        }
        auto security = SecuritySettings::load(file);
        if (!security) {
            std::fprintf(stderr, "bulwark: %s (%s)\n", qPrintable(security.error().message),
                         qPrintable(settingsPath));
            std::exit(2);
        }
        options.config.security = *security;
        auto edge = EdgeSettings::load(file);
        if (!edge) {
            std::fprintf(stderr, "bulwark: %s (%s)\n", qPrintable(edge.error().message),
                         qPrintable(settingsPath));
            std::exit(2);
        }
        options.config.edge = *edge;
        auto files = FileSettings::load(file);
        if (!files) {
            std::fprintf(stderr, "bulwark: %s (%s)\n", qPrintable(files.error().message),
                         qPrintable(settingsPath));
            std::exit(2);
        }
        options.config.files = *files;
        auto http = HttpSettings::load(file);
        if (!http) {
            std::fprintf(stderr, "bulwark: %s (%s)\n", qPrintable(http.error().message),
                         qPrintable(settingsPath));
            std::exit(2);
        }
        options.config.http = *http;
    }
    if (!options.headless)
        options.config.port = 0;
    if (parser.isSet(listen)) {
        const QString value = parser.value(listen);
        const qsizetype colon = value.lastIndexOf(u':');
        bool portOk = false;
        const uint port = colon > 0 ? value.mid(colon + 1).toUInt(&portOk) : 0;
        QString host = colon > 0 ? value.left(colon) : QString();
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        const QHostAddress address(host);
        if (!portOk || port > 65535 || address.isNull()) {
            std::fprintf(stderr,
                         "bulwark: --listen wants HOST:PORT with an IP address, such as "
                         "127.0.0.1:8443 or [::1]:8443; got '%s'.\n",
                         qPrintable(value));
            std::exit(2);
        }
        options.config.listenAddress = address;
        options.config.port = quint16(port);
    }
    return options;
}

bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--headless" || arg == "--rotate-master-key" || arg == "--verify-audit" ||
            arg == "--unlock-user" || arg.startsWith("--unlock-user=") || arg == "-h" ||
            arg == "--help" || arg == "-v" || arg == "--version" || arg == "--help-all")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    // Everything the server writes (database, keys, logs) is for its owner only.
    ::umask(077);
    // Debug lines (every GET) only when asked for with QT_LOGGING_RULES.
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false\nqt.*.info=false"));
    QCoreApplication::setApplicationName(QStringLiteral("bulwark"));
    QCoreApplication::setOrganizationName(QStringLiteral("Bulwark"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BULWARK_VERSION));

#ifdef BULWARK_WITH_GUI
    // Only the console loads QtWidgets; headless, help and version do not.
    if (!wantsHeadless(argc, argv)) {
        QApplication app(argc, argv);
        const Options options = parse(app);
        Ui::ConsoleOptions console;
        console.embeddedServer = options.config;
        return Ui::runConsole(app, console);
    }
#else
    if (!wantsHeadless(argc, argv)) {
        std::fprintf(stderr, "bulwark: this build has no console; run with --headless.\n");
        return 2;
    }
#endif
    QCoreApplication app(argc, argv);
    const Options options = parse(app);
    switch (options.command) {
    case Command::RotateMasterKey:
    case Command::VerifyAudit:
    case Command::UnlockUser: {
        const auto outcome =
            options.command == Command::RotateMasterKey ? rotateMasterKey(options.config)
            : options.command == Command::VerifyAudit   ? Bulwark::verifyAudit(options.config)
                                                        : unlockUser(options.config, options.user);
        if (!outcome) {
            std::fprintf(stderr, "bulwark: %s\n", qPrintable(outcome.error().message));
            return 1;
        }
        std::printf("%s\n", qPrintable(*outcome));
        return 0;
    }
    case Command::Serve:
        break;
    }
    return runHeadless(options.config);
}
