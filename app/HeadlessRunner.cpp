#include "HeadlessRunner.h"

#include "ServerThread.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcMain, "bulwark.main")

namespace Bulwark {

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    // Only async-signal-safe work here: wake the event loop.
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}
} // namespace

int runHeadless(const ServerConfig &config)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0) {
        qCCritical(lcMain, "Cannot set up signal handling");
        return 1;
    }
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);

    ServerThread server(config);
    int exitCode = 0;
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &server, [&]() {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        qCInfo(lcMain, "Stopping (signal received)");
        notifier.setEnabled(false);
        server.stop();
    });
    QObject::connect(&server, &ServerThread::started, qApp, [](const ServerStartInfo &info) {
        if (!info.initialAdminPassword.isEmpty()) {
            // Printed once to the terminal, never to the log.
            std::fprintf(stdout,
                         "\nFirst start: the Administrator password is\n\n    %s\n\n"
                         "Store it now; it is not shown again.\n\n",
                         qPrintable(info.initialAdminPassword));
            std::fflush(stdout);
        }
    });
    QObject::connect(&server, &ServerThread::failed, qApp, [&](const QString &message) {
        std::fprintf(stderr, "bulwark: %s\n", qPrintable(message));
        exitCode = 1;
    });
    QObject::connect(&server, &ServerThread::stopped, qApp, [&]() {
        qCInfo(lcMain, "Stopped");
        QCoreApplication::exit(exitCode);
    });
    server.start();
    const int result = QCoreApplication::exec();
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
    return result;
}

} // namespace Bulwark
