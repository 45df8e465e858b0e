// Fixture for the fault tests (tests/integration/tst_fault_*): a Thing with
// one NUMBER property written over REST and by a device on /edge (signed in
// as the Administrator), a ledger of which values were acknowledged and
// which refused, and helpers to run a system command (mount, pg_ctl).
#pragma once

#include "AccessFixture.h"
#include "HeadlessServer.h"
#include "WebSocketClient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QProcess>
#include <QSet>

namespace BulwarkTest {

// The device binds kFaultThing; REST writes go to kRestThing (a REST write to
// a Thing a device speaks for would go to the device).
inline const QString kFaultThing = u"Tank1"_s;
inline const QString kRestThing = u"Tank2"_s;
inline const QString kFaultProperty = u"level"_s;

// Runs program with arguments; empty when it exited 0, else its output.
[[nodiscard]] inline QString runCommand(const QString &program, const QStringList &arguments,
                                        int timeoutMs = 30000)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return u"%1 did not finish"_s.arg(program);
    }
    if (process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return {};
    const QString output = QString::fromUtf8(process.readAll()).trimmed();
    return u"%1 %2 failed (%3): %4"_s.arg(program, arguments.join(u' '))
        .arg(process.exitCode())
        .arg(output.isEmpty() ? process.errorString() : output);
}

// The Things with their property; failures as RestSetup reports them.
[[nodiscard]] inline QString makeFaultThing(const HeadlessServer &server)
{
    RestSetup setup(server, kAdminPassword);
    for (const QString &thing : {kFaultThing, kRestThing})
        setup.makeThing(thing, {},
                        {{"properties"_L1, QJsonArray{QJsonObject{{"name"_L1, kFaultProperty},
                                                                  {"baseType"_L1, "NUMBER"_L1}}}}});
    return setup.report();
}

// Every value written to one Thing, by whether the server acknowledged it.
struct WriteLedger
{
    explicit WriteLedger(QString thingName)
        : thing(std::move(thingName))
    {}

    QString thing;
    QList<double> acknowledged; // in the order the answers came
    QSet<double> refused;
    double next = 1;

    // The stored value must be the last acknowledged one when writes go one
    // at a time; empty when it is, else what is wrong.
    [[nodiscard]] QString checkStored(const HeadlessServer &server) const
    {
        const Answer answer =
            server.get(u"/api/Things/%1/Properties/%2"_s.arg(thing, kFaultProperty));
        if (answer.status != 200)
            return u"reading the value answered %1 %2"_s.arg(answer.status)
                .arg(QString::fromUtf8(answer.body));
        const QJsonValue stored = answer.json().value("value"_L1);
        if (acknowledged.isEmpty())
            return stored.isNull() ? QString() : u"a value is stored but none was acknowledged"_s;
        if (refused.contains(stored.toDouble()))
            return u"the stored value %1 was refused with an error, yet it is stored"_s.arg(
                stored.toDouble());
        if (stored.toDouble() != acknowledged.last())
            return u"the stored value is %1, but %2 was the last acknowledged write"_s
                .arg(stored.toDouble())
                .arg(acknowledged.last());
        return {};
    }
};

// One REST write of the next value, recorded in the ledger (of kRestThing).
inline Answer restWrite(const HeadlessServer &server, WriteLedger &ledger)
{
    const double value = ledger.next++;
    const Answer answer = server.put(
        u"/api/Things/%1/Properties/%2"_s.arg(ledger.thing, kFaultProperty), {{"value"_L1, value}});
    if (answer.status == 200)
        ledger.acknowledged.append(value);
    else if (answer.status != 0) // no answer at all: neither (the test fails on it)
        ledger.refused.insert(value);
    return answer;
}

// A device on /edge bound to the Thing, signed in as the Administrator.
class FaultDevice final
{
public:
    explicit FaultDevice(const HeadlessServer &server)
        : m_client(server.sslConfiguration())
        , m_server(server)
    {}

    // Empty when connected, signed in and bound; otherwise what went wrong.
    [[nodiscard]] QString open()
    {
        QNetworkRequest request(m_server.url(u"/edge"_s, u"wss"_s));
        request.setSslConfiguration(m_server.sslConfiguration());
        if (!m_client.open(request))
            return u"the WebSocket to /edge did not open: "_s + m_client.socket().errorString();
        const QJsonObject auth = m_client.call(
            {{"type"_L1, "auth"_L1}, {"user"_L1, kAdministrator}, {"password"_L1, kAdminPassword}});
        if (auth.value("type"_L1) != "result"_L1)
            return u"auth was not accepted: "_s + QString::fromUtf8(jsonBody(auth));
        const QJsonObject bind =
            m_client.call({{"type"_L1, "bind"_L1}, {"things"_L1, QJsonArray{kFaultThing}}});
        if (bind.value("type"_L1) != "result"_L1)
            return u"bind was not accepted: "_s + QString::fromUtf8(jsonBody(bind));
        return {};
    }

    // One update of the next value; the answer (empty if none came).
    [[nodiscard]] QJsonObject update(WriteLedger &ledger)
    {
        const double value = ledger.next++;
        const QJsonObject answer = m_client.call(
            {{"type"_L1, "update"_L1},
             {"thing"_L1, ledger.thing},
             {"values"_L1,
              QJsonArray{QJsonObject{
                  {"property"_L1, kFaultProperty},
                  {"value"_L1, value},
                  {"time"_L1, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}}}}});
        if (answer.value("type"_L1) == "result"_L1)
            ledger.acknowledged.append(value);
        else if (!answer.isEmpty())
            ledger.refused.insert(value);
        return answer;
    }

    [[nodiscard]] WebSocketClient &client() { return m_client; }

private:
    WebSocketClient m_client;
    const HeadlessServer &m_server;
};

inline QString errorCodeOf(const QJsonObject &edgeAnswer)
{
    return edgeAnswer.value("error"_L1).toObject().value("code"_L1).toString();
}
inline QString errorMessageOf(const QJsonObject &edgeAnswer)
{
    return edgeAnswer.value("error"_L1).toObject().value("message"_L1).toString();
}

} // namespace BulwarkTest
