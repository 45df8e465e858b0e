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

#include <map>

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
    void connectSignals();
    void installHandlers(const QString &thing);
    // Answers every PUT still waiting for the platform.
    void answerPuts(const std::function<LocalReply(const QString &thing)> &reply);
    void scheduleRetry();

    AgentConfig m_config;
    EdgeClient m_client;
    LocalHttp m_http;
    QTimer m_retry;
    // A PUT waiting for the platform's answer to its value.
    struct PendingPut
    {
        QString thing;
        Done done;
    };
    std::map<quint64, PendingPut> m_puts; // by number, oldest first
    quint64 m_nextPut = 1;
    QHash<QString, QString> m_bindErrors;
    QString m_lastError; // why the last connection attempt failed
    bool m_stopping = false;
};

} // namespace BulwarkEdge::Agent
