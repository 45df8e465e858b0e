#include "EventStream.h"

#include "ApiClient.h"
#include "CertificatePin.h"
#include "wire/Wire.h"

#include <QJsonDocument>
#include <QSslConfiguration>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
constexpr int FirstReconnectDelayMs = 1000;
constexpr int MaximumReconnectDelayMs = 30000;
} // namespace

LiveEvent LiveEvent::fromJson(const QJsonObject &object)
{
    LiveEvent event;
    event.type = object.value(Wire::Type).toString();
    event.collection = object.value(Wire::Collection).toString();
    event.name = object.value(Wire::Name).toString();
    event.thing = object.value(Wire::Thing).toString();
    event.property = object.value(Wire::Property).toString();
    event.value = object.value(Wire::Value);
    event.time = object.value(Wire::Time).toString();
    event.raw = object;
    return event;
}

EventStream::EventStream(ServerEndpoint endpoint, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
{
    m_endpoint.pinnedFingerprint = CertificatePin::normalized(m_endpoint.pinnedFingerprint);
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &EventStream::open);

    connect(&m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        // QWebSocket exposes the peer certificate only after the handshake,
        // so the pin is checked against the certificate the errors are about.
        const QSslCertificate peer =
            errors.isEmpty() ? QSslCertificate() : errors.constFirst().certificate();
        if (CertificatePin::errorsConcernOnlyPinned(errors, peer, m_endpoint.pinnedFingerprint)) {
            m_pinVerified = true;
            m_socket.ignoreSslErrors();
        } else {
            m_pinRefused = true;
        }
    });
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        const QString pin = m_endpoint.pinnedFingerprint;
        if (pin.isEmpty())
            return;
        // With no trusted CA, every handshake raises sslErrors, so the pin was
        // checked there; this also covers a peer certificate known afterwards.
        const QSslCertificate peer = m_socket.sslConfiguration().peerCertificate();
        const bool matches =
            peer.isNull() ? m_pinVerified : CertificatePin::fingerprint(peer) == pin;
        if (!matches) {
            m_pinRefused = true;
            m_socket.abort();
        }
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &EventStream::handleMessage);
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_wanted)
            scheduleReconnect();
        else
            setState(State::Off);
    });
}

EventStream::~EventStream()
{
    m_wanted = false;
    m_socket.abort();
}

void EventStream::start()
{
    if (m_wanted)
        return;
    m_wanted = true;
    m_reconnectDelayMs = FirstReconnectDelayMs;
    open();
}

void EventStream::stop()
{
    m_wanted = false;
    m_reconnectTimer.stop();
    m_socket.abort();
    setState(State::Off);
}

void EventStream::open()
{
    if (!m_wanted)
        return;
    setState(State::Connecting);
    m_pinRefused = false;
    m_pinVerified = false;
    QUrl url = m_endpoint.baseUrl;
    url.setScheme(u"wss"_s);
    url.setPath(Wire::EventsPath);
    const QNetworkRequest request = ApiClient::authorizedRequest(m_endpoint, url);
    m_socket.setSslConfiguration(request.sslConfiguration());
    m_socket.open(request);
}

void EventStream::scheduleReconnect()
{
    setState(State::Connecting);
    // A refused pin will not fix itself quickly; back off to the maximum.
    if (m_pinRefused)
        m_reconnectDelayMs = MaximumReconnectDelayMs;
    m_reconnectTimer.start(m_reconnectDelayMs);
    m_reconnectDelayMs = qMin(m_reconnectDelayMs * 2, MaximumReconnectDelayMs);
}

void EventStream::handleMessage(const QString &message)
{
    const QJsonObject object = QJsonDocument::fromJson(message.toUtf8()).object();
    if (object.isEmpty())
        return;
    const LiveEvent event = LiveEvent::fromJson(object);
    if (event.type == Wire::EventHello) {
        // The server accepted us: the backoff starts over from the next drop.
        m_reconnectDelayMs = FirstReconnectDelayMs;
        setState(State::Live);
        Q_EMIT resynchronized();
        return;
    }
    Q_EMIT eventReceived(event);
}

void EventStream::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace Bulwark::Models
