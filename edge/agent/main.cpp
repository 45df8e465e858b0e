// bulwark-edge: the agent that connects a device which cannot link an SDK.
// It reads a JSON configuration, keeps one edge connection up, and serves a
// loopback-only HTTP interface to local programs (docs/edge-agent.md).
#include "Agent.h"
#include "AgentConfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace BulwarkEdge::Agent;

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    // Only async-signal-safe calls here: the event loop reads the pipe.
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
}

// SIGTERM and SIGINT end the event loop, so the agent closes its connection.
void quitOnSignals(QCoreApplication &app)
{
    if (::pipe(g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
        char byte = 0;
        [[maybe_unused]] const ssize_t got = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
}

QString tr(const char *text)
{
    return QCoreApplication::translate("main", text);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bulwark-edge"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BULWARK_VERSION));
    // Debug output on request only (QT_LOGGING_RULES overrides this).
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false"));
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddThh:mm:ss.zzz} "
        "%{if-debug}debug%{endif}%{if-info}info%{endif}%{if-warning}warning%{endif}"
        "%{if-critical}error%{endif}%{if-fatal}fatal%{endif} %{category}: %{message}"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("bulwark-edge: connects this device to a Bulwark platform and lets local programs "
           "take part through a loopback-only HTTP interface:\n"
           "  PUT  /things/THING/properties/PROPERTY   {\"value\": …}\n"
           "  POST /things/THING/events/EVENT          {…event data…}\n"
           "  GET  /things/THING/requests?wait=30      property writes and service calls\n"
           "  POST /things/THING/requests/ID           {\"output\": …} or {\"error\": \"…\"}\n"
           "  GET  /status\n"
           "The configuration file (JSON) names the server, how to check its certificate, the "
           "app key file (mode 0600), the Things and the local port; see docs/edge-agent.md."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption(
        {QStringLiteral("c"), QStringLiteral("config")},
        tr("The configuration file (default: /etc/bulwark-edge/agent.json)."), tr("FILE"),
        QStringLiteral("/etc/bulwark-edge/agent.json"));
    const QCommandLineOption checkOption(
        QStringLiteral("check"), tr("Check the configuration, print what is wrong, and exit."));
    parser.addOption(configOption);
    parser.addOption(checkOption);
    parser.process(app);
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(tr("Unexpected argument %1; see --help.")
                                    .arg(parser.positionalArguments().constFirst())));
        return 2;
    }

    const ConfigResult loaded = loadAgentConfig(parser.value(configOption));
    if (!loaded.config) {
        std::fprintf(stderr, "bulwark-edge: %s\n", qPrintable(loaded.error));
        return 2;
    }
    if (parser.isSet(checkOption)) {
        std::printf("%s\n", qPrintable(tr("The configuration is valid.")));
        return 0;
    }

    Agent agent(*loaded.config);
    if (const QString error = agent.start(); !error.isEmpty()) {
        std::fprintf(stderr, "bulwark-edge: %s\n", qPrintable(error));
        return 1;
    }
    quitOnSignals(app);
    return QCoreApplication::exec();
}
