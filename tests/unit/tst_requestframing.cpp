// RequestFraming: where each request on a connection ends, and which shapes
// are refused because a proxy in front could read them differently
// (request smuggling, RFC 9112 6.3 and 11.2). Every case is also fed one
// byte at a time: a client decides how its bytes are split.
#include "net/RequestFraming.h"

#include <QTest>

using namespace Bulwark;

namespace {
RequestFraming::Limits limits()
{
    RequestFraming::Limits l;
    l.maximumRequestBytes = 4096;
    l.maximumHeaderBytes = 1024;
    l.maximumHeaderLines = 10;
    l.largeMethod = "PUT";
    l.largePath = QRegularExpression(QStringLiteral("^/upload$"));
    l.largeMaximumBytes = 100000;
    return l;
}

struct Outcome
{
    bool accepted = false;
    QByteArray status;
    qint64 requests = 0;
    RequestFraming::State state = RequestFraming::State::BetweenRequests;
};

Outcome run(const QByteArray &bytes, bool bytewise)
{
    RequestFraming framing(limits());
    bool ok = true;
    if (bytewise) {
        for (qsizetype i = 0; i < bytes.size() && ok; ++i)
            ok = framing.feed(QByteArrayView(bytes).sliced(i, 1));
    } else {
        ok = framing.feed(bytes);
    }
    return {ok, ok ? QByteArray() : framing.refusal().statusLine.left(3), framing.requestsSeen(),
            framing.state()};
}
} // namespace

class TestRequestFraming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shapes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("status"); // empty: accepted
        QTest::addColumn<int>("requests");      // complete heads seen

        QTest::newRow("simple GET")
            << QByteArray("GET /api/health HTTP/1.1\r\nHost: h\r\n\r\n") << QByteArray() << 1;
        QTest::newRow("bare LF line ends")
            << QByteArray("GET / HTTP/1.1\nHost: h\n\n") << QByteArray() << 1;
        QTest::newRow("empty lines before the request line")
            << QByteArray("\r\n\r\nGET / HTTP/1.1\r\n\r\n") << QByteArray() << 1;
        QTest::newRow("POST with body, then a pipelined GET")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b "
                          "HTTP/1.1\r\n\r\n")
            << QByteArray() << 2;
        QTest::newRow("equal Content-Length values as a list")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\nabc") << QByteArray()
            << 1;
        QTest::newRow("equal Content-Length headers")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc")
            << QByteArray() << 1;

        // Smuggling shapes.
        QTest::newRow("CL and TE") << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 4\r\n"
                                                 "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                   << QByteArray("400") << 0;
        QTest::newRow("TE and CL") << QByteArray("POST /a HTTP/1.1\r\nTransfer-Encoding: "
                                                 "chunked\r\nContent-Length: 4\r\n\r\n")
                                   << QByteArray("400") << 0;
        QTest::newRow("two different Content-Length")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\n")
            << QByteArray("400") << 0;
        QTest::newRow("different values in one list")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 4, 5\r\n\r\n") << QByteArray("400")
            << 0;
        QTest::newRow("signed Content-Length")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: +4\r\n\r\n") << QByteArray("400")
            << 0;
        QTest::newRow("hex Content-Length")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 0x4\r\n\r\n") << QByteArray("400")
            << 0;
        QTest::newRow("empty Content-Length")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length:\r\n\r\n") << QByteArray("400") << 0;
        QTest::newRow("huge Content-Length")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n")
            << QByteArray("400") << 0;
        QTest::newRow("space before the colon")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length : 4\r\n\r\n") << QByteArray("400")
            << 0;
        QTest::newRow("obsolete line folding")
            << QByteArray("POST /a HTTP/1.1\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\n\r\n")
            << QByteArray("400") << 0;
        QTest::newRow("header without colon")
            << QByteArray("GET / HTTP/1.1\r\nnonsense\r\n\r\n") << QByteArray("400") << 0;
        QTest::newRow("stray CR") << QByteArray("GET / HTTP/1.1\r\nX-A: 1\r2\r\n\r\n")
                                  << QByteArray("400") << 0;
        QTest::newRow("NUL") << QByteArray("GET / HTTP/1.1\r\nX-A: 1\0\r\n\r\n", 28)
                             << QByteArray("400") << 0;
        QTest::newRow("chunked alone") << QByteArray("POST /a HTTP/1.1\r\nTransfer-Encoding: "
                                                     "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                                       << QByteArray("411") << 0;
        QTest::newRow("smuggled after a valid request")
            << QByteArray("GET / HTTP/1.1\r\n\r\nPOST /a HTTP/1.1\r\nContent-Length: 4\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n")
            << QByteArray("400") << 1;

        // Request lines.
        QTest::newRow("HTTP/2 preface")
            << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << QByteArray("400") << 0;
        QTest::newRow("HTTP/0.9") << QByteArray("GET /\r\n\r\n") << QByteArray("400") << 0;
        QTest::newRow("two spaces")
            << QByteArray("GET  / HTTP/1.1\r\n\r\n") << QByteArray("400") << 0;
        QTest::newRow("space in target")
            << QByteArray("GET /a b HTTP/1.1\r\n\r\n") << QByteArray("400") << 0;

        // Sizes.
        QTest::newRow("headers too large")
            << (QByteArray("GET / HTTP/1.1\r\nX-A: ") + QByteArray(2000, 'a') + "\r\n\r\n")
            << QByteArray("431") << 0;
        QTest::newRow("too many header lines")
            << (QByteArray("GET / HTTP/1.1\r\n") + QByteArray("X-A: 1\r\n").repeated(11) + "\r\n")
            << QByteArray("431") << 0;
        QTest::newRow("body over the limit, refused at the headers")
            << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 5000\r\n\r\n") << QByteArray("413")
            << 0;
        QTest::newRow("upload path may be larger")
            << QByteArray("PUT /upload?x=1 HTTP/1.1\r\nContent-Length: 5000\r\n\r\n")
            << QByteArray() << 1;
        QTest::newRow("only for its method")
            << QByteArray("POST /upload HTTP/1.1\r\nContent-Length: 5000\r\n\r\n")
            << QByteArray("413") << 0;
    }

    void shapes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, status);
        QFETCH(int, requests);
        for (const bool bytewise : {false, true}) {
            const Outcome outcome = run(bytes, bytewise);
            QCOMPARE(outcome.accepted, status.isEmpty());
            QCOMPARE(outcome.status, status);
            QCOMPARE(outcome.requests, qint64(requests));
        }
    }

    void refusalsSayWhatToDo()
    {
        RequestFraming framing(limits());
        QVERIFY(!framing.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        QCOMPARE(framing.refusal().code, QStringLiteral("length-required"));
        QVERIFY(framing.refusal().message.contains(QStringLiteral("Content-Length")));
        // Once refused, nothing more is taken.
        QVERIFY(!framing.feed("GET / HTTP/1.1\r\n\r\n"));
        QCOMPARE(framing.state(), RequestFraming::State::Refused);
    }

    void bodyIsFollowedAcrossReads()
    {
        RequestFraming framing(limits());
        QVERIFY(framing.feed("POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123"));
        QCOMPARE(framing.state(), RequestFraming::State::Body);
        QCOMPARE(framing.bodyRemaining(), qint64(6));
        QVERIFY(!framing.skipBody(7)); // more than the body: must be looked at
        QVERIFY(framing.skipBody(6));
        QCOMPARE(framing.state(), RequestFraming::State::BetweenRequests);
        // The body's bytes are never read as headers, whatever they contain.
        QVERIFY(framing.feed("POST /a HTTP/1.1\r\nContent-Length: 30\r\n\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n"));
        QCOMPARE(framing.state(), RequestFraming::State::BetweenRequests);
        QCOMPARE(framing.requestsSeen(), qint64(2));
    }

    void upgradeNeedsTheConnectionToken()
    {
        // Without "Connection: upgrade" Qt's parser takes the request for an
        // ordinary one, so the guard goes on following the connection.
        RequestFraming framing(limits());
        QVERIFY(framing.feed("GET /edge HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"));
        QCOMPARE(framing.state(), RequestFraming::State::BetweenRequests);
        QVERIFY(!framing.feed("POST /a HTTP/1.1\r\nContent-Length: 5000\r\n\r\n"));
        QCOMPARE(framing.refusal().statusLine, QByteArray("413 Payload Too Large"));

        RequestFraming proxy(limits());
        QVERIFY(proxy.feed("GET /edge HTTP/1.1\r\nUpgrade: websocket\r\nProxy-Connection: "
                           "keep-alive, Upgrade\r\n\r\n"));
        QCOMPARE(proxy.state(), RequestFraming::State::Upgraded);
    }

    void unknownMethodsAre501()
    {
        RequestFraming framing(limits());
        QVERIFY(!framing.feed("TRACE / HTTP/1.1\r\n\r\n"));
        QCOMPARE(framing.refusal().statusLine, QByteArray("501 Not Implemented"));
        RequestFraming connect(limits());
        QVERIFY(!connect.feed("CONNECT example.com:443 HTTP/1.1\r\n\r\n"));
        QCOMPARE(connect.refusal().code, QStringLiteral("not-implemented"));
    }

    void upgradeStopsTheFraming()
    {
        RequestFraming framing(limits());
        QVERIFY(framing.feed("GET /edge HTTP/1.1\r\nUpgrade: websocket\r\nConnection: "
                             "Upgrade\r\n\r\n"));
        QCOMPARE(framing.state(), RequestFraming::State::Upgraded);
        // What follows is never read as HTTP.
        QVERIFY(framing.feed("\x81\x85garbage that is a frame"));
        QVERIFY(framing.feed("Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        QCOMPARE(framing.state(), RequestFraming::State::Upgraded);
    }
};

QTEST_GUILESS_MAIN(TestRequestFraming)
#include "tst_requestframing.moc"
