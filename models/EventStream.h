// The live admin event feed (wss://host:port/api/events): authenticates with
// the endpoint's credentials, enforces the same certificate pin as the REST
// client, parses each message and reconnects with backoff when dropped.
#pragma once

#include "ServerEndpoint.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QTimer>
#include <QWebSocket>

namespace Bulwark::Models {

// One message from /api/events; fields not used by a type stay empty.
struct LiveEvent
{
    QString type;       // "entityCreated", "entityUpdated", "entityDeleted", "propertyChanged"
    QString collection; // entity events: "Things", "Users", …
    QString name;       // entity events: the entity's name
    QString thing;      // propertyChanged
    QString property;   // propertyChanged
    QJsonValue value;   // propertyChanged
    QString time;       // propertyChanged, ISO 8601
    QJsonObject raw;    // the whole message, for types this version does not know

    [[nodiscard]] static LiveEvent fromJson(const QJsonObject &object);
};

class EventStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventStream)

public:
    enum class State
    {
        Off,
        Connecting,
        Live
    };
    Q_ENUM(State)

    explicit EventStream(ServerEndpoint endpoint, QObject *parent = nullptr);
    ~EventStream() override;

    void start();
    void stop();
    [[nodiscard]] State state() const { return m_state; }

Q_SIGNALS:
    void stateChanged(Bulwark::Models::EventStream::State state);
    void eventReceived(const Bulwark::Models::LiveEvent &event);
    // The stream is live again after a gap: events may have been missed, so
    // listeners should reload what they show.
    void resynchronized();

private:
    void open();
    void scheduleReconnect();
    void setState(State state);
    void handleMessage(const QString &message);

    ServerEndpoint m_endpoint;
    QWebSocket m_socket;
    QTimer m_reconnectTimer;
    int m_reconnectDelayMs = 0;
    bool m_wanted = false;
    bool m_pinRefused = false;
    bool m_pinVerified = false;
    State m_state = State::Off;
};

} // namespace Bulwark::Models
