// Where each HTTP/1.1 request on a connection begins and ends, followed from
// the raw bytes before Qt's request parser sees them. Qt 6.4's QHttpServer
// (over the node http_parser) accepts shapes that front-end proxies read
// differently: a request with both Content-Length and Transfer-Encoding, two
// differing Content-Length values, headers folded onto the next line, a
// space before the colon. A proxy and Bulwark disagreeing on where a request
// ends is request smuggling (RFC 9112 sections 6.3 and 11.2), so such a
// connection is answered 400 and closed instead.
//
// A request is an upgrade exactly when Qt's parser takes it for one (an
// Upgrade header and the upgrade token in Connection); after it nothing is
// followed (the listener closes the connection if the upgrade is refused).
// Methods other than those of the API are refused (501) before Qt's parser,
// which would otherwise drop the connection's handling without closing it.
//
// Bulwark takes request bodies with a Content-Length only: a request with
// Transfer-Encoding is answered 411. Every request's length is then known at
// the end of its headers, which is also where an oversized one is refused
// (413) before any body byte is buffered. Header blocks are bounded (431).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QRegularExpression>
#include <QString>

namespace Bulwark {

class RequestFraming
{
public:
    struct Limits
    {
        qint64 maximumRequestBytes = 0; // head and body of one request
        qint64 maximumHeaderBytes = 32 * 1024;
        int maximumHeaderLines = 100;
        // A larger maximumRequestBytes for requests with this method and a
        // path (without the query) matching largePath: file uploads.
        QByteArray largeMethod;
        QRegularExpression largePath;
        qint64 largeMaximumBytes = 0;
    };

    enum class State
    {
        BetweenRequests, // nothing of the next request has arrived
        Head,            // in a request's request line and headers
        Body,            // in a request's body
        Upgraded,        // the request asked for an upgrade: what follows is not HTTP
        Refused,         // see refusal()
    };

    struct Refusal
    {
        QByteArray statusLine; // "400 Bad Request"
        QString code;          // as the REST API's error codes
        QString message;       // for the client, in words it can act on
    };

    explicit RequestFraming(Limits limits);

    // Follows the next bytes received; returns false once the connection
    // must be refused (then and afterwards: state() == Refused).
    bool feed(QByteArrayView bytes);
    // Follows count bytes that are all body of the request in progress,
    // without looking at them; false (and nothing done) when they are not.
    bool skipBody(qint64 count);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const Refusal &refusal() const { return m_refusal; }
    // Body bytes still expected of the request in progress (State::Body).
    [[nodiscard]] qint64 bodyRemaining() const { return m_bodyRemaining; }
    // Requests whose head was complete so far.
    [[nodiscard]] qint64 requestsSeen() const { return m_requests; }

private:
    bool feedHead(QByteArrayView &bytes);
    bool endOfHead();
    bool headerLine(QByteArrayView line);
    bool requestLine(QByteArrayView line);
    bool refuse(QByteArray statusLine, QString code, QString message);

    Limits m_limits;
    State m_state = State::BetweenRequests;
    Refusal m_refusal;
    QByteArray m_line; // the unfinished line of the head
    qint64 m_headBytes = 0;
    int m_headLines = 0;
    bool m_sawRequestLine = false;
    qint64 m_requestLimit = 0;
    qint64 m_contentLength = -1;
    bool m_transferEncoding = false;
    bool m_upgradeHeader = false;     // an Upgrade header
    bool m_connectionUpgrade = false; // Connection (or Proxy-Connection) with the upgrade token
    qint64 m_bodyRemaining = 0;
    qint64 m_requests = 0;
};

} // namespace Bulwark
