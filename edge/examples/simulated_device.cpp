// simulated_device: a pump on the C++ edge SDK. It publishes temperature and
// pressure (scanned every second, pushed when they change by more than a
// threshold) and running, answers the service Reset(level), and uploads its
// log file to a file repository once connected.
//
//   BULWARK_APP_KEY=bwk_… simulated_device --server wss://HOST:PORT/edge
//       --fingerprint SHA256 --thing Pump1 --repository DeviceLogs [--once]
#include <BulwarkEdge/EdgeClient.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <cmath>
#include <cstdio>

using namespace BulwarkEdge;
using namespace Qt::StringLiterals;

namespace {

// The physics of a pump that heats up while it runs.
struct Pump
{
    bool running = true;
    double temperature = 20.0;
    double pressure = 1.0;
    qint64 ticks = 0;

    void step()
    {
        ++ticks;
        const double noise = QRandomGenerator::global()->bounded(0.2) - 0.1;
        temperature += running ? 0.3 + noise : (20.0 - temperature) * 0.1;
        pressure = running ? 1.0 + 0.25 * std::sin(double(ticks) / 10.0) + noise / 10 : 1.0;
    }
};

void say(const QString &line)
{
    std::printf("simulated_device: %s\n", qPrintable(line));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"A simulated pump on the Bulwark edge SDK. The app key is read from the environment "
        "variable BULWARK_APP_KEY."_s);
    parser.addHelpOption();
    const QCommandLineOption server(u"server"_s, u"wss://HOST:PORT/edge"_s, u"URL"_s);
    const QCommandLineOption fingerprint(
        u"fingerprint"_s, u"The server certificate's SHA-256 fingerprint."_s, u"HEX"_s);
    const QCommandLineOption caFile(u"ca-file"_s, u"PEM file of the CA to trust instead."_s,
                                    u"FILE"_s);
    const QCommandLineOption thingOption(u"thing"_s, u"The Thing to speak for."_s, u"NAME"_s,
                                         u"Pump1"_s);
    const QCommandLineOption repository(u"repository"_s, u"The file repository the log goes to."_s,
                                        u"NAME"_s, u"DeviceLogs"_s);
    const QCommandLineOption logDir(
        u"log-dir"_s, u"Directory for the log file (default: a new temporary one)."_s, u"DIR"_s);
    const QCommandLineOption once(u"once"_s,
                                  u"Exit once the log file is uploaded (0) or failed (1)."_s);
    parser.addOptions({server, fingerprint, caFile, thingOption, repository, logDir, once});
    parser.process(app);
    const QByteArray appKey = qgetenv("BULWARK_APP_KEY");
    if (!parser.isSet(server) || appKey.isEmpty()) {
        std::fprintf(stderr, "simulated_device: give --server and set BULWARK_APP_KEY; see "
                             "--help.\n");
        return 2;
    }
    const QString thing = parser.value(thingOption);

    QTemporaryDir temporary;
    const QString logs = parser.isSet(logDir) ? parser.value(logDir) : temporary.path();
    if (!QDir().mkpath(logs)) {
        std::fprintf(stderr, "simulated_device: cannot create %s\n", qPrintable(logs));
        return 2;
    }

    EdgeClient client;
    client.setServerUrl(QUrl(parser.value(server)));
    client.setAppKey(QString::fromUtf8(appKey));
    if (parser.isSet(fingerprint))
        client.setPinnedFingerprint(parser.value(fingerprint));
    if (parser.isSet(caFile))
        client.setCaFile(parser.value(caFile));

    Pump pump;
    QTimer physics;
    QObject::connect(&physics, &QTimer::timeout, &app, [&pump] { pump.step(); });
    physics.start(1000);
    PropertyOptions temperature;
    temperature.threshold = 0.5;
    temperature.scanIntervalMs = 1000;
    temperature.provider = [&pump] { return QJsonValue(std::round(pump.temperature * 10) / 10); };
    client.declareProperty(thing, u"temperature"_s, temperature);
    PropertyOptions pressure;
    pressure.threshold = 0.05;
    pressure.scanIntervalMs = 1000;
    pressure.provider = [&pump] { return QJsonValue(std::round(pump.pressure * 100) / 100); };
    client.declareProperty(thing, u"pressure"_s, pressure);
    client.setPropertyValue(thing, u"running"_s, pump.running);

    client.setServiceHandler(
        thing, u"Reset"_s, [&](const ServiceRequest &request, const Reply &reply) {
            const int level = request.parameters["level"_L1].toInt(-1);
            if (level < 0 || level > 5)
                return reply.fail(ErrorCode::BadRequest, u"The level must be from 0 to 5."_s);
            pump = Pump{};
            pump.running = level > 0;
            client.setPropertyValue(thing, u"running"_s, pump.running);
            say(u"Reset to level %1"_s.arg(level));
            reply.succeed(u"reset to %1"_s.arg(level));
        });

    // The log file that goes to the repository once connected.
    const QString logName = u"pump.log"_s;
    bool uploaded = false;
    QObject::connect(&client, &EdgeClient::stateChanged, &app, [&](EdgeClient::State state) {
        say(stateName(state));
        if (state != EdgeClient::State::Connected || uploaded)
            return;
        uploaded = true;
        QFile log(logs + u'/' + logName);
        if (!log.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return say(u"cannot write %1: %2"_s.arg(log.fileName(), log.errorString()));
        for (int i = 0; i < 100; ++i)
            log.write(u"%1 temperature=%2 pressure=%3\n"_s
                          .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
                          .arg(pump.temperature)
                          .arg(pump.pressure)
                          .toUtf8());
        log.close();
        client.uploadFile(thing, u"logs/"_s + logName, parser.value(repository),
                          thing + u'/' + logName, OverwritePolicy::Replace,
                          [&](const QUuid &transfer, const Error *error) {
                              if (error) {
                                  say(u"upload refused: "_s + error->message);
                                  if (parser.isSet(once))
                                      QCoreApplication::exit(1);
                                  return;
                              }
                              say(u"upload queued as "_s + transfer.toString(QUuid::WithoutBraces));
                          });
    });
    QObject::connect(&client, &EdgeClient::transferFinished, &app, [&](const TransferInfo &info) {
        say(u"uploaded %1: %2 bytes, SHA-256 %3"_s.arg(info.path).arg(info.size).arg(info.sha256));
        if (parser.isSet(once))
            QCoreApplication::exit(0);
    });
    QObject::connect(&client, &EdgeClient::transferFailed, &app,
                     [&](const TransferInfo &info, const Error &error) {
                         say(u"upload of %1 failed: %2"_s.arg(info.path, error.message));
                         if (parser.isSet(once))
                             QCoreApplication::exit(1);
                     });
    QObject::connect(&client, &EdgeClient::errorOccurred, &app, [](const Error &error) {
        say(errorCodeName(error.code) + u": "_s + error.message);
    });

    client.bindThing(thing, {{u"logs"_s, logs}});
    client.connectToServer();
    return QCoreApplication::exec();
}
