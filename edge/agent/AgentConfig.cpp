#include "AgentConfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <sys/stat.h>

namespace BulwarkEdge::Agent {

namespace {

using namespace Qt::StringLiterals;

QString tr(const char *text)
{
    return QCoreApplication::translate("AgentConfig", text);
}

ConfigResult failure(const QString &message)
{
    return {std::nullopt, message};
}

QString absolutePath(const QString &path, const QString &baseDirectory)
{
    return QDir::cleanPath(QDir(baseDirectory).absoluteFilePath(path));
}

// A name the platform accepts as a path segment (edge-files.md).
bool isValidDirectoryName(const QString &name)
{
    if (name.isEmpty() || name == "."_L1 || name == ".."_L1 || name.toUtf8().size() > 255)
        return false;
    for (const QChar c : name) {
        if (c == u'/' || c == u'\\' || c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    }
    return true;
}

const QSet<QString> kTopLevelKeys{u"server"_s,
                                  u"caFile"_s,
                                  u"fingerprint"_s,
                                  u"insecure"_s,
                                  u"appKeyFile"_s,
                                  u"things"_s,
                                  u"http"_s,
                                  u"writeTimeoutSeconds"_s,
                                  u"invokeTimeoutSeconds"_s};

std::optional<QString> unknownKey(const QJsonObject &object, const QSet<QString> &known)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return it.key();
    }
    return std::nullopt;
}

// Reads "key": an integer in [low, high]; error names the key.
bool readBoundedInt(const QJsonObject &object, const QString &key, const QString &where, int low,
                    int high, int &out, QString &error)
{
    if (!object.contains(key))
        return true;
    const QJsonValue value = object.value(key);
    const double number = value.toDouble(-1);
    // The range first: converting a double outside int's range is undefined.
    if (!value.isDouble() || number < low || number > high || number != static_cast<int>(number)) {
        error = tr("\"%1\" must be a whole number from %2 to %3.")
                    .arg(where, QString::number(low), QString::number(high));
        return false;
    }
    out = static_cast<int>(number);
    return true;
}

} // namespace

QByteArray parseFingerprint(const QString &text)
{
    QString hex = text;
    hex.remove(u':').remove(u' ');
    static const QRegularExpression shape(u"^[0-9A-Fa-f]{64}$"_s);
    if (!shape.match(hex).hasMatch())
        return {};
    return QByteArray::fromHex(hex.toLatin1());
}

QString checkKeyFilePermissions(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return tr("The app key file %1 cannot be read: %2. Write the key into it (one line) and "
                  "run `chmod 600 %1`.")
            .arg(path, QString::fromLocal8Bit(strerror(errno)));
    if (!S_ISREG(info.st_mode))
        return tr("The app key file %1 is not a regular file.").arg(path);
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return tr("The app key file %1 may be read or changed by other users (mode %2): an app "
                  "key is a secret. Run `chmod 600 %1` and start again.")
            .arg(path, QString::number(info.st_mode & 07777, 8).rightJustified(4, u'0'));
    return {};
}

ConfigResult loadAgentConfig(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(
            tr("Cannot read the configuration file %1: %2.").arg(path, file.errorString()));
    // A configuration is small; anything bigger is not one.
    constexpr qint64 kMaximumSize = 1024 * 1024;
    if (file.size() > kMaximumSize)
        return failure(tr("The configuration file %1 is larger than 1 MiB.").arg(path));
    ConfigResult result = parseAgentConfig(file.readAll(), QFileInfo(path).absolutePath());
    if (!result.config)
        result.error = tr("%1: %2").arg(path, result.error);
    return result;
}

ConfigResult parseAgentConfig(const QByteArray &json, const QString &baseDirectory)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return failure(tr("not valid JSON: %1 at offset %2.")
                           .arg(parseError.errorString())
                           .arg(parseError.offset));
    if (!document.isObject())
        return failure(tr("the configuration must be one JSON object."));
    const QJsonObject root = document.object();
    if (const auto key = unknownKey(root, kTopLevelKeys))
        return failure(tr("unknown key \"%1\" (known: server, caFile, fingerprint, insecure, "
                          "appKeyFile, things, http, writeTimeoutSeconds, invokeTimeoutSeconds).")
                           .arg(*key));

    AgentConfig config;

    // server
    const QString server = root.value("server"_L1).toString();
    if (server.isEmpty())
        return failure(tr("\"server\" is missing: give the platform's edge address, for example "
                          "\"wss://plant.example:8443/edge\"."));
    config.server = QUrl(server, QUrl::StrictMode);
    if (!config.server.isValid() || config.server.scheme() != "wss"_L1 ||
        config.server.host().isEmpty())
        return failure(tr("\"server\" must be a wss:// address such as "
                          "\"wss://plant.example:8443/edge\", not \"%1\".")
                           .arg(server));
    if (config.server.path().isEmpty())
        config.server.setPath(u"/edge"_s);

    // Server certificate: exactly one way to trust it.
    const QJsonValue caFile = root.value("caFile"_L1);
    const QJsonValue fingerprint = root.value("fingerprint"_L1);
    const QJsonValue insecure = root.value("insecure"_L1);
    if (!insecure.isUndefined() && !insecure.isBool())
        return failure(tr("\"insecure\" must be true or false."));
    config.insecure = insecure.toBool(false);
    const int trustChoices =
        int(!caFile.isUndefined()) + int(!fingerprint.isUndefined()) + int(config.insecure);
    if (trustChoices == 0)
        return failure(tr("say how to check the server's certificate: \"caFile\" (a PEM file of "
                          "the CA that signed it) or \"fingerprint\" (its SHA-256 fingerprint, "
                          "as the server logs it at start)."));
    if (trustChoices > 1)
        return failure(tr("give only one of \"caFile\", \"fingerprint\" and \"insecure\"."));
    if (!caFile.isUndefined()) {
        if (!caFile.isString() || caFile.toString().isEmpty())
            return failure(tr("\"caFile\" must be the path of a PEM file."));
        config.caFile = absolutePath(caFile.toString(), baseDirectory);
        if (!QFileInfo(config.caFile).isReadable())
            return failure(tr("\"caFile\": cannot read %1.").arg(config.caFile));
    }
    if (!fingerprint.isUndefined()) {
        config.fingerprint = parseFingerprint(fingerprint.toString());
        if (config.fingerprint.isEmpty())
            return failure(tr("\"fingerprint\" must be a SHA-256 fingerprint: 64 hexadecimal "
                              "digits, optionally in pairs separated by colons."));
    }

    // appKeyFile
    const QJsonValue keyFile = root.value("appKeyFile"_L1);
    if (!keyFile.isString() || keyFile.toString().isEmpty())
        return failure(tr("\"appKeyFile\" is missing: give the path of a file that holds the "
                          "device's app key and only its owner may read (chmod 600)."));
    config.appKeyFile = absolutePath(keyFile.toString(), baseDirectory);
    if (const QString refusal = checkKeyFilePermissions(config.appKeyFile); !refusal.isEmpty())
        return failure(tr("\"appKeyFile\": %1").arg(refusal));
    QFile key(config.appKeyFile);
    if (!key.open(QIODevice::ReadOnly))
        return failure(
            tr("\"appKeyFile\": cannot read %1: %2.").arg(config.appKeyFile, key.errorString()));
    config.appKey = key.read(4096).trimmed();
    if (config.appKey.isEmpty() || config.appKey.contains('\n') || config.appKey.contains(' '))
        return failure(tr("\"appKeyFile\": %1 must hold the app key alone, on one line.")
                           .arg(config.appKeyFile));

    // things
    const QJsonValue things = root.value("things"_L1);
    if (!things.isArray() || things.toArray().isEmpty())
        return failure(tr("\"things\" must list the Things to bind, for example "
                          "[{\"name\": \"Pump1\"}]."));
    QSet<QString> thingNames;
    const QJsonArray thingList = things.toArray();
    for (qsizetype i = 0; i < thingList.size(); ++i) {
        const QString where = u"things[%1]"_s.arg(i);
        const QJsonValue entry = thingList.at(i);
        ThingConfig thing;
        if (entry.isString()) {
            thing.name = entry.toString();
        } else if (entry.isObject()) {
            const QJsonObject object = entry.toObject();
            if (const auto key = unknownKey(object, {u"name"_s, u"directories"_s}))
                return failure(
                    tr("unknown key \"%1.%2\" (known: name, directories).").arg(where, *key));
            thing.name = object.value("name"_L1).toString();
            const QJsonValue directories = object.value("directories"_L1);
            if (!directories.isUndefined() && !directories.isObject())
                return failure(tr("\"%1.directories\" must be an object of name: local "
                                  "directory, for example {\"logs\": \"/var/log/pump\"}.")
                                   .arg(where));
            const QJsonObject directoryMap = directories.toObject();
            if (directoryMap.size() > 32)
                return failure(tr("\"%1.directories\" has more than 32 entries.").arg(where));
            for (auto it = directoryMap.begin(); it != directoryMap.end(); ++it) {
                const QString name = it.key();
                if (!isValidDirectoryName(name))
                    return failure(tr("\"%1.directories\": \"%2\" is not a valid directory name "
                                      "(one path segment: no '/', '\\', '.', '..' or control "
                                      "characters).")
                                       .arg(where, name));
                if (!it.value().isString() || it.value().toString().isEmpty())
                    return failure(
                        tr("\"%1.directories.%2\" must be a local directory.").arg(where, name));
                const QString root = absolutePath(it.value().toString(), baseDirectory);
                if (!QFileInfo(root).isDir())
                    return failure(
                        tr("\"%1.directories.%2\": %3 is not a directory.").arg(where, name, root));
                thing.directories.insert(name, root);
            }
        } else {
            return failure(
                tr("\"%1\" must be a Thing name or an object with \"name\".").arg(where));
        }
        if (thing.name.isEmpty())
            return failure(tr("\"%1.name\" is missing.").arg(where));
        if (thingNames.contains(thing.name))
            return failure(tr("\"%1\": Thing \"%2\" is listed twice.").arg(where, thing.name));
        thingNames.insert(thing.name);
        config.things.append(thing);
    }

    // http
    const QJsonValue http = root.value("http"_L1);
    if (!http.isUndefined()) {
        if (!http.isObject())
            return failure(tr("\"http\" must be an object such as "
                              "{\"address\": \"127.0.0.1\", \"port\": 8585}."));
        const QJsonObject object = http.toObject();
        if (const auto key = unknownKey(object, {u"address"_s, u"port"_s}))
            return failure(tr("unknown key \"http.%1\" (known: address, port).").arg(*key));
        if (object.contains("address"_L1)) {
            const QString address = object.value("address"_L1).toString();
            if (address == "localhost"_L1)
                config.httpAddress = QHostAddress(QHostAddress::LocalHost);
            else if (!config.httpAddress.setAddress(address))
                return failure(
                    tr("\"http.address\" must be 127.0.0.1 or ::1, not \"%1\".").arg(address));
            // The local interface has no sign-in: only programs on this
            // machine may reach it.
            if (!config.httpAddress.isLoopback())
                return failure(tr("\"http.address\" is %1, which is not a loopback address: the "
                                  "agent's local interface has no sign-in and is only served on "
                                  "127.0.0.1 or ::1.")
                                   .arg(address));
        }
        int port = config.httpPort;
        QString error;
        if (!readBoundedInt(object, u"port"_s, u"http.port"_s, 0, 65535, port, error))
            return failure(error);
        config.httpPort = static_cast<quint16>(port);
    }

    QString error;
    if (!readBoundedInt(root, u"writeTimeoutSeconds"_s, u"writeTimeoutSeconds"_s, 1, 600,
                        config.writeTimeoutSeconds, error) ||
        !readBoundedInt(root, u"invokeTimeoutSeconds"_s, u"invokeTimeoutSeconds"_s, 1, 600,
                        config.invokeTimeoutSeconds, error))
        return failure(error);
    return {config, {}};
}

} // namespace BulwarkEdge::Agent
