// Same-origin checks for browser writes and live-event upgrades: an Origin
// matches the server's Host as a URL (scheme, host in any case, port with
// 443 as the default), and nothing else does.
#include "api/ApiServer.h"

#include <QTest>

using namespace Bulwark;

class TestOrigin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameOrigin_data()
    {
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("same");
        QTest::newRow("no Origin: not a browser") << QByteArray() << QByteArray("h:8443") << true;
        QTest::newRow("exact") << QByteArray("https://h.example:8443")
                               << QByteArray("h.example:8443") << true;
        QTest::newRow("case") << QByteArray("https://H.Example:8443")
                              << QByteArray("h.example:8443") << true;
        QTest::newRow("default port on the Origin side")
            << QByteArray("https://h.example") << QByteArray("h.example:443") << true;
        QTest::newRow("default port on the Host side")
            << QByteArray("https://h.example:443") << QByteArray("h.example") << true;
        QTest::newRow("IPv6") << QByteArray("https://[::1]:8443") << QByteArray("[::1]:8443")
                              << true;
        QTest::newRow("other host")
            << QByteArray("https://evil.example:8443") << QByteArray("h.example:8443") << false;
        QTest::newRow("other port")
            << QByteArray("https://h.example:9443") << QByteArray("h.example:8443") << false;
        QTest::newRow("plain http")
            << QByteArray("http://h.example:8443") << QByteArray("h.example:8443") << false;
        QTest::newRow("null") << QByteArray("null") << QByteArray("h.example:8443") << false;
        QTest::newRow("suffix trick") << QByteArray("https://h.example:8443.evil.example")
                                      << QByteArray("h.example:8443") << false;
        QTest::newRow("user info") << QByteArray("https://h.example:8443@evil.example")
                                   << QByteArray("h.example:8443") << false;
        QTest::newRow("garbage") << QByteArray("https://") << QByteArray("h.example:8443") << false;
    }

    void sameOrigin()
    {
        QFETCH(QByteArray, origin);
        QFETCH(QByteArray, host);
        QFETCH(bool, same);
        QCOMPARE(isSameOrigin(origin, host), same);
    }
};

QTEST_GUILESS_MAIN(TestOrigin)
#include "tst_origin.moc"
