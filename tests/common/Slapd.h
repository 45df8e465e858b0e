// Test fixture: a real OpenLDAP slapd (Debian's /usr/sbin/slapd) as the
// current user on a free loopback port, in its own temporary directory,
// with a throw-away CA and server certificate made by the openssl CLI.
// The server accepts StartTLS and refuses simple binds without TLS
// ("security simple_bind=128"). Data: users alice (operators), bob
// (viewers), carol (no group), "Smith, Dave" (operators, a DN that needs
// escaping), two entries with uid=twin, and a service account; anonymous
// users can read nothing.
#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace BulwarkTest {

// Skips the test when slapd or its tools are missing, fails instead on CI.
#define BULWARK_REQUIRE_SLAPD()                                                                    \
    do {                                                                                           \
        const QString missing = BulwarkTest::Slapd::missingTools();                                \
        if (!missing.isEmpty()) {                                                                  \
            if (qEnvironmentVariableIsSet("CI"))                                                   \
                QFAIL(qPrintable(missing));                                                        \
            QSKIP(qPrintable(missing));                                                            \
        }                                                                                          \
    } while (false)

class Slapd final
{
public:
    static inline const QString SlapdPath = QStringLiteral("/usr/sbin/slapd");
    static inline const QString SlapaddPath = QStringLiteral("/usr/sbin/slapadd");
    static inline const QString ModulePath = QStringLiteral("/usr/lib/ldap");
    static inline const QString SchemaDir = QStringLiteral("/etc/ldap/schema");

    static inline const QString baseDn = QStringLiteral("dc=example,dc=test");
    static inline const QString peopleDn = QStringLiteral("ou=people,dc=example,dc=test");
    static inline const QString groupsDn = QStringLiteral("ou=groups,dc=example,dc=test");
    static inline const QString serviceDn =
        QStringLiteral("cn=bulwark-service,ou=services,dc=example,dc=test");
    static inline const QString servicePassword = QStringLiteral("service-Secret-4821");
    static inline const QString alicePassword = QStringLiteral("alice-Password-7731");
    static inline const QString bobPassword = QStringLiteral("bob-Password-9120");
    static inline const QString carolPassword = QStringLiteral("carol-Password-3348");
    static inline const QString davePassword = QStringLiteral("dave-Password-6615");
    static inline const QString twinPassword = QStringLiteral("twin-Password-2207");
    static inline const QString operatorsDn =
        QStringLiteral("cn=operators,ou=groups,dc=example,dc=test");
    static inline const QString viewersDn =
        QStringLiteral("cn=viewers,ou=groups,dc=example,dc=test");

    // What is missing to run slapd here, in words; empty when all is present.
    static QString missingTools()
    {
        QStringList missing;
        for (const QString &tool : {SlapdPath, SlapaddPath}) {
            if (!QFileInfo(tool).isExecutable())
                missing << tool;
        }
        if (!QFileInfo(ModulePath + QStringLiteral("/back_mdb.so")).exists())
            missing << ModulePath + QStringLiteral("/back_mdb.so");
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            missing << QStringLiteral("openssl");
        if (missing.isEmpty())
            return {};
        return QStringLiteral("Missing %1: install the Debian packages slapd, ldap-utils and "
                              "openssl (.ci/packages.txt).")
            .arg(missing.join(QStringLiteral(", ")));
    }

    Slapd() { m_error = start(); }

    ~Slapd()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    Slapd(const Slapd &) = delete;
    Slapd &operator=(const Slapd &) = delete;

    // Empty when slapd is up and answering.
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString url() const { return QStringLiteral("ldap://127.0.0.1:%1").arg(m_port); }
    // The same server with TLS from the start.
    [[nodiscard]] QString ldapsUrl() const
    {
        return QStringLiteral("ldaps://127.0.0.1:%1").arg(m_tlsPort);
    }
    [[nodiscard]] QString caFile() const { return path(QStringLiteral("ca.pem")); }
    // A CA that did not sign the server certificate.
    [[nodiscard]] QString otherCaFile() const { return path(QStringLiteral("other-ca.pem")); }
    [[nodiscard]] QString directory() const { return m_dir.path(); }

    // For the fault tests: the process (to freeze it with SIGSTOP), a stop,
    // and a start again on the same ports with the same data.
    [[nodiscard]] qint64 processId() const { return m_process.processId(); }
    [[nodiscard]] bool stop()
    {
        m_process.terminate();
        return m_process.waitForFinished(10000);
    }
    [[nodiscard]] QString restart()
    {
        m_process.start(SlapdPath, {QStringLiteral("-d"), QStringLiteral("0"), QStringLiteral("-f"),
                                    path(QStringLiteral("slapd.conf")), QStringLiteral("-h"),
                                    url() + u'/' + u' ' + ldapsUrl() + u'/'});
        if (!m_process.waitForStarted(10000))
            return QStringLiteral("slapd did not start: %1").arg(m_process.errorString());
        return waitUntilAnswering() ? QString()
                                    : QStringLiteral("slapd did not come back on port %1: %2")
                                          .arg(m_port)
                                          .arg(QString::fromLocal8Bit(m_process.readAll()));
    }

private:
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }

    static QString ssha(const QString &password)
    {
        QByteArray salt(8, Qt::Uninitialized);
        for (char &c : salt)
            c = char(QRandomGenerator::global()->bounded(256));
        const QByteArray salted = password.toUtf8() + salt;
        const QByteArray digestAndSalt =
            QCryptographicHash::hash(salted, QCryptographicHash::Sha1) + salt;
        return QStringLiteral("{SSHA}") + QString::fromLatin1(digestAndSalt.toBase64());
    }

    // Runs a tool to completion; empty on success, else what went wrong.
    QString run(const QString &program, const QStringList &arguments) const
    {
        QProcess process;
        process.setWorkingDirectory(m_dir.path());
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        if (!process.waitForStarted(10000))
            return QStringLiteral("%1 did not start: %2").arg(program, process.errorString());
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished(5000);
            return QStringLiteral("%1 did not finish").arg(program);
        }
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return QStringLiteral("%1 %2 failed: %3")
                .arg(program, arguments.join(u' '), QString::fromLocal8Bit(process.readAll()));
        return {};
    }

    bool write(const QString &name, const QByteArray &content) const
    {
        QFile file(path(name));
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
               file.write(content) == content.size();
    }

    QString makeCertificates() const
    {
        const QString openssl = QStringLiteral("openssl");
        const QStringList ecKey = {
            QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
            QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
        for (const QString &ca : {QStringLiteral("ca"), QStringLiteral("other-ca")}) {
            QStringList args = {QStringLiteral("req"), QStringLiteral("-x509")};
            args << ecKey << QStringList{QStringLiteral("-keyout"),
                                         ca + QStringLiteral(".key"),
                                         QStringLiteral("-out"),
                                         ca + QStringLiteral(".pem"),
                                         QStringLiteral("-days"),
                                         QStringLiteral("2"),
                                         QStringLiteral("-subj"),
                                         QStringLiteral("/CN=Bulwark test ") + ca,
                                         QStringLiteral("-addext"),
                                         QStringLiteral("basicConstraints=critical,CA:TRUE"),
                                         QStringLiteral("-addext"),
                                         QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")};
            if (QString e = run(openssl, args); !e.isEmpty())
                return e;
        }
        QStringList request = {QStringLiteral("req")};
        request << ecKey << QStringList{QStringLiteral("-keyout"), QStringLiteral("server.key"),
                                        QStringLiteral("-out"),    QStringLiteral("server.csr"),
                                        QStringLiteral("-subj"),   QStringLiteral("/CN=localhost")};
        if (QString e = run(openssl, request); !e.isEmpty())
            return e;
        if (!write(QStringLiteral("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                                 "basicConstraints=critical,CA:FALSE\n"
                                                 "keyUsage=critical,digitalSignature\n"
                                                 "extendedKeyUsage=serverAuth\n"))
            return QStringLiteral("cannot write server.ext");
        return run(openssl,
                   {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                    QStringLiteral("server.csr"), QStringLiteral("-CA"), QStringLiteral("ca.pem"),
                    QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                    QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                    QStringLiteral("server.pem"), QStringLiteral("-days"), QStringLiteral("2"),
                    QStringLiteral("-extfile"), QStringLiteral("server.ext")});
    }

    QByteArray config() const
    {
        const QString dir = m_dir.path();
        QString conf;
        for (const char *schema : {"core", "cosine", "inetorgperson"})
            conf +=
                QStringLiteral("include %1/%2.schema\n").arg(SchemaDir, QLatin1StringView(schema));
        conf += QStringLiteral("pidfile %1/slapd.pid\n"
                               "argsfile %1/slapd.args\n"
                               "modulepath %2\n"
                               "moduleload back_mdb\n"
                               "TLSCACertificateFile %1/ca.pem\n"
                               "TLSCertificateFile %1/server.pem\n"
                               "TLSCertificateKeyFile %1/server.key\n"
                               // A simple bind needs a protected connection (SSF >= 128).
                               "security simple_bind=128\n"
                               "database mdb\n"
                               "maxsize 10485760\n"
                               "suffix \"%3\"\n"
                               "rootdn \"cn=admin,%3\"\n"
                               "directory %1/db\n"
                               "access to attrs=userPassword by anonymous auth by * none\n"
                               "access to * by users read by * none\n")
                    .arg(dir, ModulePath, baseDn);
        return conf.toUtf8();
    }

    static QString person(const QString &dn, const QString &uid, const QString &cn,
                          const QString &password)
    {
        return QStringLiteral("dn: %1\nobjectClass: inetOrgPerson\nuid: %2\ncn: %3\nsn: %3\n"
                              "userPassword: %4\n\n")
            .arg(dn, uid, cn, ssha(password));
    }

    static QByteArray ldif()
    {
        QString data =
            QStringLiteral("dn: %1\nobjectClass: dcObject\nobjectClass: organization\n"
                           "dc: example\no: Example\n\n"
                           "dn: ou=people,%1\nobjectClass: organizationalUnit\nou: people\n\n"
                           "dn: ou=others,%1\nobjectClass: organizationalUnit\nou: others\n\n"
                           "dn: ou=groups,%1\nobjectClass: organizationalUnit\nou: groups\n\n"
                           "dn: ou=services,%1\nobjectClass: organizationalUnit\nou: services\n\n")
                .arg(baseDn);
        data += person(serviceDn, QStringLiteral("bulwark-service"),
                       QStringLiteral("bulwark-service"), servicePassword);
        data += person(QStringLiteral("uid=alice,") + peopleDn, QStringLiteral("alice"),
                       QStringLiteral("Alice"), alicePassword);
        data += person(QStringLiteral("uid=bob,") + peopleDn, QStringLiteral("bob"),
                       QStringLiteral("Bob"), bobPassword);
        data += person(QStringLiteral("uid=carol,") + peopleDn, QStringLiteral("carol"),
                       QStringLiteral("Carol"), carolPassword);
        data += person(QStringLiteral("cn=Smith\\, Dave,") + peopleDn, QStringLiteral("dave"),
                       QStringLiteral("Smith, Dave"), davePassword);
        data += person(QStringLiteral("uid=twin,") + peopleDn, QStringLiteral("twin"),
                       QStringLiteral("Twin One"), twinPassword);
        data += person(QStringLiteral("uid=twin,ou=others,") + baseDn, QStringLiteral("twin"),
                       QStringLiteral("Twin Two"), twinPassword);
        data += QStringLiteral("dn: %1\nobjectClass: groupOfNames\ncn: operators\n"
                               "member: uid=alice,%3\nmember: cn=Smith\\, Dave,%3\n\n"
                               "dn: %2\nobjectClass: groupOfNames\ncn: viewers\n"
                               "member: uid=bob,%3\n\n")
                    .arg(operatorsDn, viewersDn, peopleDn);
        return data.toUtf8();
    }

    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    QString start()
    {
        if (QString missing = missingTools(); !missing.isEmpty())
            return missing;
        if (!m_dir.isValid())
            return QStringLiteral("cannot create a temporary directory");
        if (QString e = makeCertificates(); !e.isEmpty())
            return e;
        if (!QDir(m_dir.path()).mkpath(QStringLiteral("db")) ||
            !write(QStringLiteral("slapd.conf"), config()) ||
            !write(QStringLiteral("data.ldif"), ldif()))
            return QStringLiteral("cannot write the slapd files in %1").arg(m_dir.path());
        if (QString e = run(SlapaddPath, {QStringLiteral("-f"), path(QStringLiteral("slapd.conf")),
                                          QStringLiteral("-l"), path(QStringLiteral("data.ldif"))});
            !e.isEmpty())
            return e;

        // A port taken between the probe and slapd's bind makes slapd exit:
        // try a few.
        QString lastError;
        for (int attempt = 0; attempt < 5; ++attempt) {
            m_port = freePort();
            m_tlsPort = freePort();
            if (m_port == 0 || m_tlsPort == 0 || m_port == m_tlsPort)
                return QStringLiteral("no free loopback port");
            m_process.setWorkingDirectory(m_dir.path());
            m_process.setProcessChannelMode(QProcess::MergedChannels);
            m_process.start(SlapdPath,
                            {QStringLiteral("-d"), QStringLiteral("0"), QStringLiteral("-f"),
                             path(QStringLiteral("slapd.conf")), QStringLiteral("-h"),
                             url() + u'/' + u' ' + ldapsUrl() + u'/'});
            if (!m_process.waitForStarted(10000))
                return QStringLiteral("slapd did not start: %1").arg(m_process.errorString());
            if (waitUntilAnswering())
                return {};
            lastError = QString::fromLocal8Bit(m_process.readAll());
            if (m_process.state() != QProcess::NotRunning) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
        return QStringLiteral("slapd did not come up on 127.0.0.1: %1").arg(lastError);
    }

    // Bounded: up to 15 s, probing the port; the pause between probes waits
    // on the process, so a slapd that exits ends the wait at once.
    bool waitUntilAnswering()
    {
        for (int i = 0; i < 150; ++i) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(1000))
                return true;
            if (m_process.waitForFinished(100) || m_process.state() == QProcess::NotRunning)
                return false;
        }
        return false;
    }

    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    QString m_error;
};

} // namespace BulwarkTest
