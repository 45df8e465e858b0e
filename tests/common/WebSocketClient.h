// A WebSocket client for the integration tests, on /edge or /api/events:
// records every text message it receives (as JSON) and waits, bounded, for
// what a test expects.
#pragma once

#include "HeadlessServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

#include <functional>

namespace BulwarkTest {

class WebSocketClient final
{
public:
    explicit WebSocketClient(const QSslConfiguration &tls, const QString &origin = {})
        : m_socket(origin)
    {
        m_socket.setSslConfiguration(tls);
        QObject::connect(&m_socket, &QWebSocket::connected, &m_socket,
                         [this] { m_wasConnected = true; });
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &text) {
                             m_messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
                         });
    }

    // True once connected; false if the server refused or closed first.
    [[nodiscard]] bool open(const QNetworkRequest &request)
    {
        m_socket.open(request);
        SignalWaiter waiter;
        waiter.wakeOn(&m_socket, &QWebSocket::stateChanged);
        const bool settled = waiter.waitFor([this] {
            return m_wasConnected || m_socket.state() == QAbstractSocket::UnconnectedState;
        });
        return settled && m_socket.state() == QAbstractSocket::ConnectedState;
    }

    void send(const QJsonObject &message)
    {
        m_socket.sendTextMessage(QString::fromUtf8(jsonBody(message)));
    }

    [[nodiscard]] bool waitForMessages(qsizetype count)
    {
        SignalWaiter waiter;
        waiter.wakeOn(&m_socket, &QWebSocket::textMessageReceived);
        waiter.wakeOn(&m_socket, &QWebSocket::disconnected);
        return waiter.waitFor([&] {
            return m_messages.size() >= count ||
                   m_socket.state() == QAbstractSocket::UnconnectedState;
        }) && m_messages.size() >= count;
    }

    [[nodiscard]] bool waitForDisconnected()
    {
        SignalWaiter waiter;
        waiter.wakeOn(&m_socket, &QWebSocket::disconnected);
        waiter.wakeOn(&m_socket, &QWebSocket::stateChanged);
        return waiter.waitFor(
            [this] { return m_socket.state() == QAbstractSocket::UnconnectedState; });
    }

    // The first message received that matches, waiting for it; empty if none came.
    [[nodiscard]] QJsonObject waitFor(const std::function<bool(const QJsonObject &)> &matches)
    {
        SignalWaiter waiter;
        waiter.wakeOn(&m_socket, &QWebSocket::textMessageReceived);
        waiter.wakeOn(&m_socket, &QWebSocket::disconnected);
        QJsonObject found;
        (void)waiter.waitFor([&] {
            for (const QJsonObject &m : std::as_const(m_messages)) {
                if (matches(m)) {
                    found = m;
                    return true;
                }
            }
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        });
        return found;
    }

    [[nodiscard]] QJsonObject reply(int id)
    {
        return waitFor([id](const QJsonObject &m) {
            return m.value(QLatin1StringView("id")) == QJsonValue(id);
        });
    }

    // Sends and waits for the reply with the same id.
    [[nodiscard]] QJsonObject call(QJsonObject message)
    {
        const int id = m_nextId++;
        message.insert(QLatin1StringView("id"), id);
        send(message);
        return reply(id);
    }

    // The first message of type whose field key is value.
    [[nodiscard]] QJsonObject event(const QString &type, const QString &key, const QString &value)
    {
        return waitFor([&](const QJsonObject &m) {
            return m.value(QLatin1StringView("type")).toString() == type &&
                   m.value(key).toString() == value;
        });
    }

    [[nodiscard]] QWebSocket &socket() { return m_socket; }
    [[nodiscard]] bool wasConnected() const { return m_wasConnected; }
    [[nodiscard]] const QList<QJsonObject> &messages() const { return m_messages; }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
    bool m_wasConnected = false;
    int m_nextId = 100;
};

} // namespace BulwarkTest
