#include "RequestFraming.h"

#include <algorithm>
#include <iterator>

namespace Bulwark {

namespace {
// RFC 9110 5.6.2: the characters of a token (a method or a header name).
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

QByteArrayView trimmedOws(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

// 1*DIGIT with at most 18 digits (fits qint64), else -1.
qint64 decimal(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 18)
        return -1;
    qint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

const QString kBadRequest = QStringLiteral("bad-request");
} // namespace

RequestFraming::RequestFraming(Limits limits)
    : m_limits(std::move(limits))
{}

bool RequestFraming::refuse(QByteArray statusLine, QString code, QString message)
{
    m_state = State::Refused;
    m_refusal = {std::move(statusLine), std::move(code), std::move(message)};
    m_line.clear();
    return false;
}

bool RequestFraming::feed(QByteArrayView bytes)
{
    while (!bytes.isEmpty()) {
        switch (m_state) {
        case State::Refused:
            return false;
        case State::Upgraded:
            // Not HTTP any more: the WebSocket's (or, when the upgrade is
            // refused, the connection is closed after the answer).
            return true;
        case State::Body: {
            const qint64 taken = qMin<qint64>(m_bodyRemaining, bytes.size());
            m_bodyRemaining -= taken;
            bytes = bytes.sliced(taken);
            if (m_bodyRemaining == 0)
                m_state = State::BetweenRequests;
            break;
        }
        case State::BetweenRequests:
            m_state = State::Head;
            m_headBytes = 0;
            m_headLines = 0;
            m_sawRequestLine = false;
            m_requestLimit = m_limits.maximumRequestBytes;
            m_contentLength = -1;
            m_transferEncoding = false;
            m_upgradeHeader = false;
            m_connectionUpgrade = false;
            [[fallthrough]];
        case State::Head:
            if (!feedHead(bytes))
                return false;
            break;
        }
    }
    return m_state != State::Refused;
}

bool RequestFraming::skipBody(qint64 count)
{
    if (m_state != State::Body || count > m_bodyRemaining)
        return false;
    m_bodyRemaining -= count;
    if (m_bodyRemaining == 0)
        m_state = State::BetweenRequests;
    return true;
}

bool RequestFraming::feedHead(QByteArrayView &bytes)
{
    while (!bytes.isEmpty() && m_state == State::Head) {
        const qsizetype newline = bytes.indexOf('\n');
        const qsizetype taken = newline < 0 ? bytes.size() : newline + 1;
        m_headBytes += taken;
        if (m_headBytes > m_limits.maximumHeaderBytes)
            return refuse("431 Request Header Fields Too Large",
                          QStringLiteral("headers-too-large"),
                          QStringLiteral("The request's headers are larger than the %1 KiB limit; "
                                         "the connection is closed.")
                              .arg(m_limits.maximumHeaderBytes / 1024));
        if (newline < 0) {
            m_line.append(bytes.data(), bytes.size());
            bytes = {};
            return true;
        }
        m_line.append(bytes.data(), newline);
        bytes = bytes.sliced(taken);
        // A line ends at LF, with or without CR before it: Qt's parser takes
        // both, so both must be followed here.
        QByteArrayView line(m_line);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r') || line.contains('\0'))
            return refuse("400 Bad Request", kBadRequest,
                          QStringLiteral("The request contains a stray carriage return or NUL "
                                         "byte; the connection is closed."));
        bool ok = true;
        if (!m_sawRequestLine) {
            // RFC 9112 2.2: empty lines before a request line are ignored.
            if (!line.isEmpty())
                ok = requestLine(line);
        } else if (line.isEmpty()) {
            ok = endOfHead();
        } else {
            ok = headerLine(line);
        }
        m_line.clear();
        if (!ok)
            return false;
    }
    return true;
}

bool RequestFraming::requestLine(QByteArrayView line)
{
    m_sawRequestLine = true;
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype lastSpace = line.lastIndexOf(' ');
    const QByteArrayView method = firstSpace > 0 ? line.first(firstSpace) : QByteArrayView();
    const QByteArrayView target = firstSpace > 0 && lastSpace > firstSpace
                                      ? line.sliced(firstSpace + 1, lastSpace - firstSpace - 1)
                                      : QByteArrayView();
    const QByteArrayView version =
        lastSpace > firstSpace ? line.sliced(lastSpace + 1) : QByteArrayView();
    if (!isToken(method) || target.isEmpty() || target.contains(' ') || target.contains('\t') ||
        (version != "HTTP/1.1" && version != "HTTP/1.0"))
        return refuse("400 Bad Request", kBadRequest,
                      QStringLiteral("The request line is not 'METHOD target HTTP/1.1'; the "
                                     "connection is closed."));
    static constexpr QByteArrayView kMethods[] = {"GET",    "HEAD",    "POST", "PUT",
                                                  "DELETE", "OPTIONS", "PATCH"};
    if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods))
        return refuse(
            "501 Not Implemented", QStringLiteral("not-implemented"),
            QStringLiteral("The method %1 is not supported (the REST API uses GET, "
                           "POST, PUT and DELETE); the connection is closed.")
                .arg(QString::fromLatin1(method.first(qMin<qsizetype>(method.size(), 32)))));
    if (m_limits.largeMaximumBytes > 0 && method == m_limits.largeMethod) {
        const qsizetype query = target.indexOf('?');
        const QByteArrayView path = query < 0 ? target : target.first(query);
        if (m_limits.largePath.match(QString::fromLatin1(path)).hasMatch())
            m_requestLimit = qMax(m_requestLimit, m_limits.largeMaximumBytes);
    }
    return true;
}

bool RequestFraming::headerLine(QByteArrayView line)
{
    if (++m_headLines > m_limits.maximumHeaderLines)
        return refuse("431 Request Header Fields Too Large", QStringLiteral("headers-too-large"),
                      QStringLiteral("The request has more than %1 header lines; the connection "
                                     "is closed.")
                          .arg(m_limits.maximumHeaderLines));
    // RFC 9112 5.2: obsolete line folding is refused.
    if (line.front() == ' ' || line.front() == '\t')
        return refuse("400 Bad Request", kBadRequest,
                      QStringLiteral("A header is folded onto a following line, which HTTP "
                                     "no longer allows; the connection is closed."));
    const qsizetype colon = line.indexOf(':');
    // RFC 9112 5.1: no whitespace between the field name and the colon.
    if (colon <= 0 || !isToken(line.first(colon)))
        return refuse("400 Bad Request", kBadRequest,
                      QStringLiteral("A header line is not 'Name: value' (no space before the "
                                     "colon); the connection is closed."));
    const QByteArrayView name = line.first(colon);
    const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
    if (equalsIgnoringCase(name, "Content-Length")) {
        // RFC 9112 6.3: a list of equal values may stand for one; anything
        // else is unrecoverable framing.
        for (const QByteArray &item : value.toByteArray().split(',')) {
            const qint64 length = decimal(trimmedOws(item));
            if (length < 0 || (m_contentLength >= 0 && length != m_contentLength))
                return refuse("400 Bad Request", kBadRequest,
                              QStringLiteral("The request's Content-Length is not one whole "
                                             "number (missing, repeated with another value, or "
                                             "not digits); the connection is closed."));
            m_contentLength = length;
        }
    } else if (equalsIgnoringCase(name, "Transfer-Encoding")) {
        m_transferEncoding = true;
    } else if (equalsIgnoringCase(name, "Upgrade")) {
        m_upgradeHeader = true;
    } else if (equalsIgnoringCase(name, "Connection") ||
               equalsIgnoringCase(name, "Proxy-Connection")) {
        for (const QByteArray &token : value.toByteArray().split(',')) {
            if (equalsIgnoringCase(trimmedOws(token), "upgrade"))
                m_connectionUpgrade = true;
        }
    }
    return true;
}

bool RequestFraming::endOfHead()
{
    if (m_transferEncoding && m_contentLength >= 0)
        return refuse("400 Bad Request", kBadRequest,
                      QStringLiteral("The request has both Content-Length and "
                                     "Transfer-Encoding, so its length is ambiguous; the "
                                     "connection is closed."));
    if (m_transferEncoding)
        return refuse("411 Length Required", QStringLiteral("length-required"),
                      QStringLiteral("Send the request body with a Content-Length header; "
                                     "Bulwark does not take Transfer-Encoding (chunked) request "
                                     "bodies. The connection is closed."));
    const qint64 body = qMax<qint64>(m_contentLength, 0);
    if (body > m_requestLimit - m_headBytes)
        return refuse("413 Payload Too Large", QStringLiteral("payload-too-large"),
                      QStringLiteral("The request is larger than the %1 KiB limit; the "
                                     "connection is closed.")
                          .arg(m_requestLimit / 1024));
    ++m_requests;
    if (m_upgradeHeader && m_connectionUpgrade) {
        m_state = State::Upgraded;
        return true;
    }
    m_bodyRemaining = body;
    m_state = body > 0 ? State::Body : State::BetweenRequests;
    return true;
}

} // namespace Bulwark
