// The agent's local HTTP interface (docs/edge-agent.md): programs on this
// machine set properties, fire events and answer the platform's property
// writes and service calls, which they collect by long polling. It is served
// on a loopback address only, has no sign-in, and refuses requests a web
// browser could make for a foreign page (an Origin header, or a Host that is
// not a loopback name: DNS rebinding).
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>

class QTimer;
class QTcpSocket;

namespace BulwarkEdge::Agent {

// An HTTP answer: status and JSON body (empty body: none).
struct LocalReply
{
    int status = 200;
    QJsonObject body;
};

// {"error": {"code": code, "message": message}} with this HTTP status.
[[nodiscard]] LocalReply errorReply(int status, const QString &code, const QString &message);

// What the local interface asks of the platform connection.
class LocalBackend
{
public:
    virtual ~LocalBackend() = default;
    using Done = std::function<void(LocalReply)>;
    [[nodiscard]] virtual bool hasThing(const QString &thing) const = 0;
    // value: the property's new value; time (may be invalid) and quality ("" = good).
    virtual void setProperty(const QString &thing, const QString &property, const QJsonValue &value,
                             const QString &time, const QString &quality, Done done) = 0;
    virtual void fireEvent(const QString &thing, const QString &event, const QJsonObject &data,
                           Done done) = 0;
    [[nodiscard]] virtual QJsonObject status() const = 0;
};

// How a local program answered a platform request.
struct RequestAnswer
{
    bool ok = false;
    QJsonObject result;   // when ok
    QString errorCode;    // otherwise
    QString errorMessage; // otherwise
};

class LocalHttp final : public QObject
{
    Q_OBJECT

public:
    explicit LocalHttp(LocalBackend &backend, QObject *parent = nullptr);
    ~LocalHttp() override;
    Q_DISABLE_COPY_MOVE(LocalHttp)

    // Empty on success, else why not. Refuses any address that is not loopback.
    [[nodiscard]] QString listen(const QHostAddress &address, quint16 port);
    [[nodiscard]] quint16 port() const { return m_port; }

    using AnswerFunction = std::function<void(const RequestAnswer &)>;
    // A platform request for thing, for the local programs to collect:
    // request holds type ("write" or "invoke") and its fields; answer is
    // called once, with the program's answer or a timeout error.
    void enqueue(const QString &thing, QJsonObject request, int timeoutSeconds,
                 AnswerFunction answer);
    // Requests not yet answered (delivered or not).
    [[nodiscard]] int pendingCount() const { return int(m_pending.size()); }

private:
    struct Pending;
    struct Waiter;

    void registerRoutes();
    // Why a request is refused: from a web page, for another host, or with
    // another method than allowed.
    [[nodiscard]] std::optional<LocalReply> refusal(const QHttpServerRequest &request,
                                                    QHttpServerRequest::Method allowed) const;
    [[nodiscard]] std::optional<LocalReply> unknownThing(const QString &thing) const;
    void handleProperty(const QString &thing, const QString &property,
                        const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void handleEvent(const QString &thing, const QString &event, const QHttpServerRequest &request,
                     QHttpServerResponder &&responder);
    void handlePoll(const QString &thing, const QHttpServerRequest &request,
                    QHttpServerResponder &&responder);
    void handleAnswer(const QString &thing, const QString &id, const QHttpServerRequest &request,
                      QHttpServerResponder &&responder);
    // Hands waiting requests of thing to its oldest live waiter.
    void deliver(const QString &thing);
    [[nodiscard]] QJsonArray takeUndelivered(const QString &thing);
    void expire(quint64 key);

    LocalBackend &m_backend;
    QHttpServer m_http;
    quint16 m_port = 0;
    quint64 m_nextId = 1;
    std::map<quint64, std::unique_ptr<Pending>> m_pending; // by id, oldest first
    std::list<std::unique_ptr<Waiter>> m_waiters;          // oldest first
};

} // namespace BulwarkEdge::Agent
