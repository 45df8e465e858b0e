// The bulwark-edge agent: one EdgeClient configured from the agent's JSON
// file, kept connected, and the loopback HTTP interface (LocalHttp) through
// which local programs set properties, fire events and answer the
// platform's property writes and service calls.
#pragma once

#include "AgentConfig.h"
#include "LocalHttp.h"

#include <BulwarkEdge/EdgeClient.h>

#include <QHash>
#include <QObject>
#include <QTimer>

#include <deque>

namespace BulwarkEdge::Agent {

class Agent final : public QObject, public LocalBackend
{
    Q_OBJECT

public:
    explicit Agent(AgentConfig config, QObject *parent = nullptr);
    ~Agent() override;
    Q_DISABLE_COPY_MOVE(Agent)

    // Opens the local interface and starts connecting; empty, or why not.
    [[nodiscard]] QString start();
    [[nodiscard]] quint16 httpPort() const { return m_http.port(); }

    // LocalBackend
    [[nodiscard]] bool hasThing(const QString &thing) const override;
    void setProperty(const QString &thing, const QString &property, const QJsonValue &value,
                     const QString &time, const QString &quality, Done done) override;
    void fireEvent(const QString &thing, const QString &event, const QJsonObject &data,
                   Done done) override;
    [[nodiscard]] QJsonObject status() const override;

private:
    // A PUT waiting for the platform's answer, or for its turn.
    struct PendingPut
    {
        PropertyValue value;
        Done done;
    };

    void connectSignals();
    void installHandlers(const QString &thing);
    void sendNext(const QString &thing);
    void finishInFlight(const QString &thing, const LocalReply &reply);
    void requeuePending();
    void failInFlight(const QString &reason);
    void scheduleRetry();

    AgentConfig m_config;
    EdgeClient m_client;
    LocalHttp m_http;
    QTimer m_retry;
    // Per Thing: at most one update in flight while connected, so that the
    // platform's answer to it is the answer to that PUT.
    QHash<QString, std::deque<PendingPut>> m_puts;
    QHash<QString, bool> m_inFlight;
    QHash<QString, QString> m_bindErrors;
    QString m_lastError; // why the last connection attempt failed
    bool m_stopping = false;
};

} // namespace BulwarkEdge::Agent
