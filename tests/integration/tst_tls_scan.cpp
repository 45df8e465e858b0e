// The server's TLS port scanned by an independent tool, nmap's
// ssl-enum-ciphers (Debian's nmap), and held to Mozilla's "intermediate"
// profile: TLS 1.2 and 1.3 only; every suite AEAD (GCM, ChaCha20-Poly1305,
// CCM) with forward secrecy (ECDHE/DHE, or TLS 1.3); nothing nmap grades
// below A (it grades weak keys and groups down too).
#include "HeadlessServer.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using BulwarkTest::HeadlessServer;

class TestTlsScan final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void portMeetsMozillaIntermediate();

private:
    std::unique_ptr<HeadlessServer> m_server;
    QString m_nmap;
};

void TestTlsScan::initTestCase()
{
    m_nmap = QStandardPaths::findExecutable(u"nmap"_s);
    QVERIFY2(!m_nmap.isEmpty(), "nmap is missing: apt-get install nmap (.ci/packages.txt has it)");
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
}

void TestTlsScan::portMeetsMozillaIntermediate()
{
    QProcess nmap;
    nmap.start(m_nmap, {u"-Pn"_s, u"-n"_s, u"-p"_s, QString::number(m_server->port()),
                        u"--script"_s, u"ssl-enum-ciphers"_s, u"127.0.0.1"_s});
    QVERIFY2(nmap.waitForFinished(60000), "nmap did not finish within a minute");
    const QString report = QString::fromUtf8(nmap.readAllStandardOutput());
    QVERIFY2(nmap.exitCode() == 0,
             qPrintable(report + QString::fromUtf8(nmap.readAllStandardError())));
    QVERIFY2(report.contains(u"ssl-enum-ciphers"_s), qPrintable(report));

    // Protocol versions: each is a "|   TLSv1.x: " heading.
    static const QRegularExpression versionLine(u"^\\|\\s+(SSLv[23]|TLSv1\\.\\d):"_s,
                                                QRegularExpression::MultilineOption);
    QStringList versions;
    for (auto it = versionLine.globalMatch(report); it.hasNext();)
        versions << it.next().captured(1);
    QVERIFY2(versions.contains(u"TLSv1.2"_s) && versions.contains(u"TLSv1.3"_s),
             qPrintable(report));
    for (const QString &version : std::as_const(versions))
        QVERIFY2(version == u"TLSv1.2"_s || version == u"TLSv1.3"_s,
                 qPrintable(u"offered below TLS 1.2: "_s + version + u'\n' + report));

    // Suites: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (ecdh_x25519) - A".
    static const QRegularExpression suiteLine(
        u"^\\|\\s+(TLS_\\w+)\\s+\\(([^)]*)\\)\\s+-\\s+(\\S+)"_s,
        QRegularExpression::MultilineOption);
    int suites = 0;
    for (auto it = suiteLine.globalMatch(report); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const QString suite = match.captured(1);
        const QString grade = match.captured(3);
        ++suites;
        const bool tls13 = suite.startsWith(u"TLS_AKE_"_s) || suite.startsWith(u"TLS_AES_"_s) ||
                           suite.startsWith(u"TLS_CHACHA20_"_s);
        const bool forwardSecret =
            tls13 || suite.startsWith(u"TLS_ECDHE_"_s) || suite.startsWith(u"TLS_DHE_"_s);
        const bool aead = suite.contains(u"_GCM_"_s) || suite.contains(u"CHACHA20_POLY1305"_s) ||
                          suite.contains(u"_CCM"_s);
        QVERIFY2(forwardSecret, qPrintable(u"no forward secrecy: "_s + suite));
        QVERIFY2(aead, qPrintable(u"not AEAD: "_s + suite));
        QVERIFY2(grade == u"A"_s, qPrintable(u"nmap grades "_s + suite + u" (" + match.captured(2) +
                                             u") "_s + grade));
    }
    QVERIFY2(suites >= 2, qPrintable(report));
    QVERIFY2(report.contains(u"least strength: A"_s), qPrintable(report));
}

QTEST_GUILESS_MAIN(TestTlsScan)
#include "tst_tls_scan.moc"
