// Integration-test fixture: the real `bulwark --headless` (path in
// $BULWARK_BINARY) as a child process on a free loopback port with its own
// data directory, and an HTTPS client that trusts only that server's
// certificate. All waiting runs an event loop woken by signals, with a
// timeout; nothing sleeps.
#pragma once

#include <QByteArray>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace BulwarkTest {

using namespace Qt::StringLiterals;

inline constexpr int kTimeoutMs = 5000;
// A first start makes a key pair and hashes the Administrator password.
inline constexpr int kStartTimeoutMs = 20000;

inline const QString kAdministrator = u"Administrator"_s;
inline const QString kAdminPassword = u"integration-Admin-pass-2024"_s;

// Runs an event loop until a condition holds; the loop wakes on the signals
// given to wakeOn() and on the timeout.
class SignalWaiter final
{
public:
    explicit SignalWaiter(int timeoutMs = kTimeoutMs)
        : m_timeoutMs(timeoutMs)
    {
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, &m_loop, &QEventLoop::quit);
    }

    template <typename Object, typename Signal> void wakeOn(const Object *sender, Signal signal)
    {
        QObject::connect(sender, signal, &m_loop, &QEventLoop::quit);
    }

    // False when the timeout passed first.
    [[nodiscard]] bool waitFor(const std::function<bool()> &condition)
    {
        m_timer.start(m_timeoutMs);
        while (!condition()) {
            if (!m_timer.isActive())
                return false;
            m_loop.exec();
        }
        m_timer.stop();
        return true;
    }

private:
    int m_timeoutMs;
    QEventLoop m_loop;
    QTimer m_timer;
};

struct Credentials
{
    QString user;
    QString password;

    [[nodiscard]] QByteArray basicHeader() const
    {
        return "Basic " + (user + u':' + password).toUtf8().toBase64();
    }
};

// One REST call; by default signed in as the Administrator.
struct Request
{
    Request(QByteArray verb, QString path, QByteArray body = {}, QByteArray contentType = {})
        : verb(std::move(verb))
        , path(std::move(path))
        , body(std::move(body))
        , contentType(std::move(contentType))
    {}

    [[nodiscard]] Request &withCredentials(std::optional<Credentials> signIn)
    {
        credentials = std::move(signIn);
        return *this;
    }
    // A header sent as given; it replaces one the credentials would set.
    [[nodiscard]] Request &withHeader(QByteArray name, QByteArray value)
    {
        headers.append({std::move(name), std::move(value)});
        return *this;
    }
    // Signed in with a session token or an app key instead of Basic.
    [[nodiscard]] Request &withBearer(const QByteArray &token)
    {
        credentials.reset();
        return withHeader("Authorization", "Bearer " + token);
    }

    QByteArray verb;
    QString path;
    QByteArray body;
    QByteArray contentType; // empty: no Content-Type header
    std::optional<Credentials> credentials = Credentials{kAdministrator, kAdminPassword};
    QList<QPair<QByteArray, QByteArray>> headers;
};

struct Answer
{
    int status = 0; // 0: no HTTP answer at all (see networkError)
    QString networkError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    [[nodiscard]] QString errorCode() const
    {
        return json().value("error"_L1).toObject().value("code"_L1).toString();
    }
    [[nodiscard]] QString errorMessage() const
    {
        return json().value("error"_L1).toObject().value("message"_L1).toString();
    }
    [[nodiscard]] QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

inline QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// One bulwark process; start() may be called again after stop() to restart
// it on the same data directory.
class HeadlessServer final
{
public:
    explicit HeadlessServer(QString adminPassword = kAdminPassword)
        : m_adminPassword(std::move(adminPassword))
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&m_process, &QProcess::readyRead, &m_process,
                         [this] { m_log += m_process.readAll(); });
    }
    ~HeadlessServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kTimeoutMs);
        }
    }
    Q_DISABLE_COPY_MOVE(HeadlessServer)

    void setAdminPassword(const QString &password) { m_adminPassword = password; }
    // The port of every later start(); 0 (the default): a free port at each
    // start. Keeping the port lets a client reconnect to a restarted server.
    void setPort(quint16 port) { m_fixedPort = port; }
    // Appended to the command line of every later start() (e.g. --database URL).
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }

    // Starts the server and waits until it listens and /api/health answers.
    // On failure, errorString() says why and log() has the server's output.
    [[nodiscard]] bool start()
    {
        m_errorString.clear();
        m_log.clear();
        const QString binary = qEnvironmentVariable("BULWARK_BINARY");
        if (binary.isEmpty() || !m_dataDir.isValid())
            return fail(u"BULWARK_BINARY is not set or the data directory is missing"_s);
        m_port = m_fixedPort != 0 ? m_fixedPort : freePort();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"BULWARK_ADMIN_PASSWORD"_s, m_adminPassword);
        environment.insert(u"QT_FORCE_STDERR_LOGGING"_s, u"1"_s);
        environment.remove(u"QT_LOGGING_RULES"_s);
        m_process.setProcessEnvironment(environment);
        m_process.start(binary, QStringList{u"--headless"_s, u"--data-dir"_s, dataDir(),
                                            u"--listen"_s, u"127.0.0.1:%1"_s.arg(m_port)} +
                                    m_extraArguments);

        static const QRegularExpression fingerprintLine(u"SHA-256 fingerprint ([0-9A-F:]{95})"_s);
        QRegularExpressionMatch match;
        SignalWaiter waiter(kStartTimeoutMs);
        waiter.wakeOn(&m_process, &QProcess::readyRead);
        waiter.wakeOn(&m_process, &QProcess::finished);
        waiter.wakeOn(&m_process, &QProcess::errorOccurred);
        const bool logged = waiter.waitFor([&] {
            match = fingerprintLine.match(QString::fromUtf8(m_log));
            return match.hasMatch() || m_process.state() == QProcess::NotRunning;
        });
        if (!logged || !match.hasMatch())
            return fail(u"the server did not log its certificate fingerprint"_s);
        m_fingerprint = match.captured(1);

        const auto certificates = QSslCertificate::fromPath(dataDir() + u"/tls/server.crt"_s);
        if (certificates.size() != 1)
            return fail(u"no certificate in the data directory"_s);
        m_certificate = certificates.first();
        m_network = std::make_unique<QNetworkAccessManager>();
        const Answer health =
            request(Request("GET", u"/api/health"_s).withCredentials(std::nullopt));
        if (health.status != 200)
            return fail(
                u"GET /api/health answered %1 (%2)"_s.arg(health.status).arg(health.networkError));
        return true;
    }

    // SIGTERM, then the exit code; -1 if it crashed or did not stop in time.
    [[nodiscard]] int stop()
    {
        m_network.reset(); // no kept-alive connection outlives the process
        if (m_process.state() == QProcess::NotRunning)
            return -1;
        m_process.terminate();
        SignalWaiter waiter(kStartTimeoutMs);
        waiter.wakeOn(&m_process, &QProcess::finished);
        if (!waiter.waitFor([this] { return m_process.state() == QProcess::NotRunning; }))
            return -1;
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    // SIGKILL, as a crash or `kill -9` would do it: no shutdown code runs.
    // True once the process is gone. start() then restarts it on the same
    // data directory.
    [[nodiscard]] bool kill()
    {
        m_network.reset();
        if (m_process.state() == QProcess::NotRunning)
            return false;
        m_process.kill(); // SIGKILL on Unix
        SignalWaiter waiter(kStartTimeoutMs);
        waiter.wakeOn(&m_process, &QProcess::finished);
        return waiter.waitFor([this] { return m_process.state() == QProcess::NotRunning; });
    }

    [[nodiscard]] Answer request(const Request &request) const
    {
        if (!m_network)
            return {0, u"the server is not running"_s, {}, {}};
        std::unique_ptr<QNetworkReply> reply = send(*m_network, request);
        SignalWaiter waiter;
        waiter.wakeOn(reply.get(), &QNetworkReply::finished);
        if (!waiter.waitFor([&reply] { return reply->isFinished(); })) {
            Answer answer;
            answer.networkError = u"timeout"_s;
            return answer;
        }
        return answerOf(*reply);
    }

    // The request as Qt sends it. Cookies are never stored or added by Qt:
    // a test sends the Cookie header it means to send.
    [[nodiscard]] QNetworkRequest networkRequest(const Request &request,
                                                 int timeoutMs = kTimeoutMs) const
    {
        QNetworkRequest networkRequest(url(request.path));
        networkRequest.setSslConfiguration(sslConfiguration());
        networkRequest.setTransferTimeout(timeoutMs);
        networkRequest.setAttribute(QNetworkRequest::CookieLoadControlAttribute,
                                    QNetworkRequest::Manual);
        networkRequest.setAttribute(QNetworkRequest::CookieSaveControlAttribute,
                                    QNetworkRequest::Manual);
        if (request.credentials)
            networkRequest.setRawHeader("Authorization", request.credentials->basicHeader());
        if (!request.contentType.isEmpty())
            networkRequest.setRawHeader("Content-Type", request.contentType);
        for (const auto &[name, value] : request.headers)
            networkRequest.setRawHeader(name, value);
        return networkRequest;
    }

    // Sends without waiting, on a network access manager of the caller's
    // (each has its own connections, so several requests run side by side);
    // the answer is answerOf(*reply) once the reply has finished.
    [[nodiscard]] std::unique_ptr<QNetworkReply>
    send(QNetworkAccessManager &network, const Request &request, int timeoutMs = kTimeoutMs) const
    {
        return std::unique_ptr<QNetworkReply>(network.sendCustomRequest(
            networkRequest(request, timeoutMs), request.verb, request.body));
    }

    [[nodiscard]] static Answer answerOf(QNetworkReply &reply)
    {
        Answer answer;
        answer.status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply.error() != QNetworkReply::NoError && answer.status == 0)
            answer.networkError = reply.errorString();
        answer.headers = reply.rawHeaderPairs();
        answer.body = reply.readAll();
        return answer;
    }

    // Writes DATA-DIR/bulwark.conf (INI), which the server reads at start.
    [[nodiscard]] bool writeConfig(const QByteArray &ini) const
    {
        QFile file(dataDir() + u"/bulwark.conf"_s);
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
               file.write(ini) == ini.size();
    }

    [[nodiscard]] Answer get(const QString &path) const { return request({"GET", path}); }
    [[nodiscard]] Answer remove(const QString &path) const { return request({"DELETE", path}); }
    [[nodiscard]] Answer post(const QString &path, const QJsonObject &body) const
    {
        return request({"POST", path, jsonBody(body), "application/json"});
    }
    [[nodiscard]] Answer put(const QString &path, const QJsonObject &body) const
    {
        return request({"PUT", path, jsonBody(body), "application/json"});
    }

    // Trusts exactly the server's own certificate, nothing else.
    [[nodiscard]] QSslConfiguration sslConfiguration() const
    {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates({m_certificate});
        return configuration;
    }

    // What follows a '?' in path is the query, sent as given (already
    // percent-encoded where it needs to be).
    [[nodiscard]] QUrl url(const QString &path, const QString &scheme = u"https"_s) const
    {
        QUrl result;
        result.setScheme(scheme);
        result.setHost(u"127.0.0.1"_s);
        result.setPort(m_port);
        const qsizetype question = path.indexOf(u'?');
        result.setPath(path.left(question));
        if (question >= 0)
            result.setQuery(path.mid(question + 1), QUrl::StrictMode);
        return result;
    }

    [[nodiscard]] QString dataDir() const { return m_dataDir.path(); }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString fingerprint() const { return m_fingerprint; }
    [[nodiscard]] QSslCertificate certificate() const { return m_certificate; }
    [[nodiscard]] QString log() const { return QString::fromUtf8(m_log); }
    [[nodiscard]] QString errorString() const
    {
        return m_errorString + u"\n--- server output ---\n"_s + QString::fromUtf8(m_log);
    }

private:
    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        const quint16 port = probe.serverPort();
        probe.close();
        return port;
    }

    bool fail(const QString &why)
    {
        m_errorString = why;
        return false;
    }

    QString m_adminPassword;
    QStringList m_extraArguments;
    QTemporaryDir m_dataDir;
    QProcess m_process;
    QByteArray m_log;
    QString m_errorString;
    QString m_fingerprint;
    QSslCertificate m_certificate;
    quint16 m_port = 0;
    quint16 m_fixedPort = 0;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

// A raw TLS connection to the server, for what HTTP clients hide:
// pipelining, partial and oversized requests. Everything received collects
// in received.
class RawConnection final
{
public:
    explicit RawConnection(const HeadlessServer &server)
    {
        socket.setSslConfiguration(server.sslConfiguration());
        QObject::connect(&socket, &QSslSocket::readyRead, &socket,
                         [this] { received += socket.readAll(); });
        socket.connectToHostEncrypted(u"127.0.0.1"_s, server.port());
    }
    Q_DISABLE_COPY_MOVE(RawConnection)

    [[nodiscard]] bool waitForEncrypted() { return socket.waitForEncrypted(kTimeoutMs); }

    QSslSocket socket;
    QByteArray received;
};

} // namespace BulwarkTest
