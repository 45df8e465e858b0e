// File transfers (edge protocol version 2, docs/protocol.md "Version 2:
// files") against the real server: a raw device made of a WebSocket and
// FileSealer/FileOpener, so it can also misbehave. Both directions with
// files of several sizes; tampered, dropped, swapped and truncated streams
// and a wrong MD5 each rejected, naming the check, with no file (and no
// staging file) left; resume after the connection is cut; cancel; path
// traversal; authorization; states through REST and live events.
#include "../common/AccessFixture.h"
#include "../common/WebSocketClient.h"

#include "security/FileCipher.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonArray>
#include <QTest>
#include <QUuid>
#include <QWebSocket>
#include <QtEndian>

using namespace BulwarkTest;
using Bulwark::ChunkPosition;
using Bulwark::FileKey;
using Bulwark::FileOpener;
using Bulwark::FileSealer;

namespace {

constexpr int kChunk = 4096; // [files] chunk_size_kb=4
const QString kPassword = u"amber-kettle-harbour-73"_s;

QByteArray pattern(qsizetype size, int seed)
{
    QByteArray data(size, Qt::Uninitialized);
    quint32 x = 2463534242u + quint32(seed);
    for (qsizetype i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = char(x & 0xff);
    }
    return data;
}

QString hex(QCryptographicHash::Algorithm algorithm, const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, algorithm).toHex());
}

quint32 chunkCount(qsizetype size)
{
    return size == 0 ? 1 : quint32((size + kChunk - 1) / kChunk);
}

QByteArray frame(const QString &transfer, quint32 index, bool final, const QByteArray &sealed)
{
    QByteArray f = QUuid::fromString(transfer).toRfc4122();
    char counter[4];
    qToBigEndian(index, counter);
    f.append(counter, 4);
    f.append(char(final ? 1 : 0));
    f.append(sealed);
    return f;
}

FileKey keyOf(const QJsonObject &request)
{
    auto key =
        FileKey::fromBytes(QByteArray::fromBase64(request["key"_L1].toString().toLatin1()),
                           QByteArray::fromBase64(request["noncePrefix"_L1].toString().toLatin1()));
    return key ? *key : FileKey{};
}

enum class Misbehaviour
{
    None,
    FlipByte,   // one byte of chunk 2's ciphertext flipped
    DropChunk,  // chunk 1 never sent
    SwapChunks, // chunks 1 and 2 sent in the wrong order
    Truncate,   // the final chunk never sent; file.complete anyway
    WrongMd5,   // file.complete claims another MD5
};

// A device: a raw edge session that records text messages and binary frames.
class Device final
{
public:
    explicit Device(const HeadlessServer &server)
        : m_server(server)
        , m_ws(server.sslConfiguration())
    {
        QObject::connect(&m_ws.socket(), &QWebSocket::binaryMessageReceived, &m_ws.socket(),
                         [this](const QByteArray &f) {
                             trace("<< ", describe(f));
                             m_frames.append(f);
                         });
        // BULWARK_TRACE=1 prints the session (docs/protocol.md's example).
        QObject::connect(&m_ws.socket(), &QWebSocket::textMessageReceived, &m_ws.socket(),
                         [](const QString &text) { trace("<< ", text.toUtf8()); });
    }

    [[nodiscard]] bool open(const Credentials &who, const QString &thing,
                            const QStringList &directories = {u"logs"_s, u"firmware"_s})
    {
        if (!m_ws.open(QNetworkRequest(m_server.url(u"/edge"_s, u"wss"_s))))
            return false;
        const QJsonObject auth =
            call({{"type"_L1, "auth"_L1}, {"user"_L1, who.user}, {"password"_L1, who.password}});
        if (auth["result"_L1]["protocol"_L1].toInt() != 2)
            return false;
        const QJsonObject bound =
            call({{"type"_L1, "bind"_L1},
                  {"things"_L1, QJsonArray{thing}},
                  {"directories"_L1, QJsonArray::fromStringList(directories)}});
        return bound["result"_L1]["bound"_L1].toArray().contains(thing) &&
               bound["result"_L1]["directories"_L1].toArray() ==
                   QJsonArray::fromStringList(directories);
    }

    // The n-th message (0-based) of type about transfer; empty if none came.
    [[nodiscard]] QJsonObject message(const QString &type, const QString &transfer, int n = 0)
    {
        QJsonObject found;
        SignalWaiter waiter;
        waiter.wakeOn(&m_ws.socket(), &QWebSocket::textMessageReceived);
        waiter.wakeOn(&m_ws.socket(), &QWebSocket::disconnected);
        (void)waiter.waitFor([&] {
            int seen = 0;
            for (const QJsonObject &m : m_ws.messages()) {
                if (m["type"_L1].toString() == type &&
                    (transfer.isEmpty() || m["transfer"_L1].toString() == transfer) &&
                    seen++ == n) {
                    found = m;
                    return true;
                }
            }
            return m_ws.socket().state() == QAbstractSocket::UnconnectedState;
        });
        return found;
    }

    [[nodiscard]] qint64 acked(const QString &transfer) const
    {
        qint64 most = 0;
        for (const QJsonObject &m : m_ws.messages()) {
            if (m["type"_L1].toString() == u"file.ack" && m["transfer"_L1].toString() == transfer)
                most = qMax(most, m["verified"_L1].toInteger());
        }
        return most;
    }
    [[nodiscard]] bool waitAcked(const QString &transfer, qint64 count)
    {
        SignalWaiter waiter;
        waiter.wakeOn(&m_ws.socket(), &QWebSocket::textMessageReceived);
        waiter.wakeOn(&m_ws.socket(), &QWebSocket::disconnected);
        return waiter.waitFor([&] {
            return acked(transfer) >= count ||
                   m_ws.socket().state() == QAbstractSocket::UnconnectedState;
        }) && acked(transfer) >= count;
    }
    // The next binary frame not taken yet; empty if none came.
    [[nodiscard]] QByteArray nextFrame()
    {
        SignalWaiter waiter;
        waiter.wakeOn(&m_ws.socket(), &QWebSocket::binaryMessageReceived);
        waiter.wakeOn(&m_ws.socket(), &QWebSocket::disconnected);
        if (!waiter.waitFor([&] {
                return m_taken < m_frames.size() ||
                       m_ws.socket().state() == QAbstractSocket::UnconnectedState;
            }) ||
            m_taken >= m_frames.size())
            return {};
        return m_frames.at(m_taken++);
    }

    void result(const QJsonObject &request, const QJsonObject &result)
    {
        send({{"id"_L1, request["id"_L1]}, {"type"_L1, "result"_L1}, {"result"_L1, result}});
    }
    void error(const QJsonObject &request, const QString &code, const QString &text)
    {
        send({{"id"_L1, request["id"_L1]},
              {"type"_L1, "error"_L1},
              {"error"_L1, QJsonObject{{"code"_L1, code}, {"message"_L1, text}}}});
    }
    [[nodiscard]] QJsonObject call(QJsonObject message)
    {
        const int id = m_nextId++;
        message.insert("id"_L1, id);
        send(message);
        return m_ws.reply(id);
    }
    void send(const QJsonObject &message)
    {
        trace(">> ", jsonBody(message));
        m_ws.send(message);
    }
    void sendFrame(const QByteArray &f)
    {
        trace(">> ", describe(f));
        m_ws.socket().sendBinaryMessage(f);
    }
    // The connection cut without a closing handshake.
    void cut()
    {
        m_ws.socket().abort();
        (void)m_ws.waitForDisconnected();
    }
    [[nodiscard]] WebSocketClient &client() { return m_ws; }

private:
    const HeadlessServer &m_server;
    WebSocketClient m_ws;
    static void trace(const char *direction, const QByteArray &text)
    {
        if (qEnvironmentVariableIsSet("BULWARK_TRACE"))
            qInfo().noquote() << direction + text;
    }
    static QByteArray describe(const QByteArray &f)
    {
        if (f.size() < 21)
            return "[binary, " + QByteArray::number(f.size()) + " bytes]";
        return "[binary: transfer " +
               QUuid::fromRfc4122(QByteArrayView(f).first(16)).toByteArray(QUuid::WithoutBraces) +
               ", chunk " + QByteArray::number(qFromBigEndian<quint32>(f.constData() + 16)) +
               ", flags " + QByteArray::number(int(f.at(20))) + ", " +
               QByteArray::number(f.size() - 21) + " bytes sealed]";
    }

    QList<QByteArray> m_frames;
    qsizetype m_taken = 0;
    int m_nextId = 1;
};

// The device's part of an upload: answers file.send and sends data from the
// requested chunk on, 8 chunks ahead of the acknowledgements. stopAfter >= 0:
// stops after that many frames once they are acknowledged (for resume).
// Returns the reply to file.complete (empty when stopped early).
QJsonObject sendFile(Device &device, const QJsonObject &request, const QByteArray &data,
                     Misbehaviour how = Misbehaviour::None, int stopAfter = -1)
{
    const QString transfer = request["transfer"_L1].toString();
    const int chunkSize = request["chunkSize"_L1].toInt();
    const quint32 from = quint32(request["fromChunk"_L1].toInteger());
    device.result(request, {{"size"_L1, data.size()}});
    auto sealer = FileSealer::create(keyOf(request), transfer.toLatin1(), chunkSize);
    if (!sealer)
        return {};
    const quint32 total = chunkCount(data.size());
    for (quint32 i = 0; i < from; ++i)
        (void)sealer->absorb(data.mid(qsizetype(i) * chunkSize, chunkSize));
    struct Chunk
    {
        quint32 index;
        bool final;
        QByteArray sealed;
    };
    QList<Chunk> chunks;
    for (quint32 i = from; i < total; ++i) {
        const bool final = i + 1 == total;
        auto sealed = sealer->seal(data.mid(qsizetype(i) * chunkSize, chunkSize),
                                   final ? ChunkPosition::Final : ChunkPosition::Middle);
        chunks.append({i, final, sealed ? *sealed : QByteArray()});
    }
    switch (how) {
    case Misbehaviour::FlipByte:
        chunks[2].sealed[5] = char(chunks[2].sealed[5] ^ 0x01);
        break;
    case Misbehaviour::DropChunk:
        chunks.removeAt(1);
        break;
    case Misbehaviour::SwapChunks:
        chunks.swapItemsAt(1, 2);
        break;
    case Misbehaviour::Truncate:
        chunks.removeLast();
        break;
    default:
        break;
    }
    int sent = 0;
    for (const Chunk &c : std::as_const(chunks)) {
        if (stopAfter >= 0 && sent == stopAfter) {
            (void)device.waitAcked(transfer, from + quint32(stopAfter));
            return {};
        }
        if (c.index >= from + 8 && !device.waitAcked(transfer, c.index - 7))
            return {};
        device.sendFrame(frame(transfer, c.index, c.final, c.sealed));
        ++sent;
    }
    return device.call(
        {{"type"_L1, "file.complete"_L1},
         {"transfer"_L1, transfer},
         {"size"_L1, data.size()},
         {"md5"_L1,
          how == Misbehaviour::WrongMd5 ? QString(32, u'0') : QString::fromLatin1(sealer->md5())},
         {"sha256"_L1, QString::fromLatin1(sealer->sha256())}});
}

// The device's part of a download: answers file.receive (nextChunk = the
// chunks of kept it holds), opens and acknowledges each frame, then answers
// file.complete after checking it. stopAfter >= 0: stops after that many
// frames (for resume). Returns the whole plaintext (kept included).
QByteArray receiveFile(Device &device, const QJsonObject &request, QByteArray kept = {},
                       int stopAfter = -1, bool *completed = nullptr)
{
    if (completed)
        *completed = false;
    const QString transfer = request["transfer"_L1].toString();
    const int chunkSize = request["chunkSize"_L1].toInt();
    auto opener = FileOpener::create(keyOf(request), transfer.toLatin1(), chunkSize);
    if (!opener)
        return {};
    const quint32 keptChunks = quint32(kept.size() / chunkSize);
    for (quint32 i = 0; i < keptChunks; ++i)
        (void)opener->absorb(kept.mid(qsizetype(i) * chunkSize, chunkSize));
    QByteArray data = kept.left(qsizetype(keptChunks) * chunkSize);
    device.result(request, {{"nextChunk"_L1, qint64(keptChunks)}});
    for (int n = 0; !opener->isFinished(); ++n) {
        if (stopAfter >= 0 && n == stopAfter)
            return data;
        const QByteArray f = device.nextFrame();
        if (f.size() < 37 ||
            QUuid::fromRfc4122(QByteArrayView(f).first(16)).toString(QUuid::WithoutBraces) !=
                transfer)
            return data;
        const quint32 index = qFromBigEndian<quint32>(f.constData() + 16);
        if (index != opener->chunksOpened())
            return data;
        auto plaintext =
            opener->open(f.mid(21), (f.at(20) & 1) ? ChunkPosition::Final : ChunkPosition::Middle);
        if (!plaintext)
            return data;
        data.append(*plaintext);
        device.send({{"type"_L1, "file.ack"_L1},
                     {"transfer"_L1, transfer},
                     {"verified"_L1, qint64(opener->chunksOpened())}});
    }
    const QJsonObject complete = device.message(u"file.complete"_s, transfer);
    if (complete["size"_L1].toInteger() != data.size() ||
        complete["md5"_L1].toString() != QString::fromLatin1(opener->md5()) ||
        complete["sha256"_L1].toString() != QString::fromLatin1(opener->sha256())) {
        device.error(complete, u"verification-failed"_s, u"MD5 mismatch"_s);
        return data;
    }
    device.result(complete, {{"size"_L1, data.size()},
                             {"md5"_L1, QString::fromLatin1(opener->md5())},
                             {"sha256"_L1, QString::fromLatin1(opener->sha256())}});
    if (completed)
        *completed = true;
    return data;
}

QJsonObject side(const QString &thing, const QString &path)
{
    return {{"thing"_L1, thing}, {"path"_L1, path}};
}

} // namespace

class TestFileTransfer final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void upload_data();
    void upload();
    void download_data();
    void download();
    void rejectedUpload_data();
    void rejectedUpload();
    void deviceRejectsDownload();
    void resumeUpload();
    void resumeDownload();
    void deviceStartsTransfers();
    void cancel();
    void queueLimits();
    void traversalRefused();
    void authorization();
    void badFramesCloseTheSession();
    void sessionsTakeOnlyWhatTheirUserMay();
    void onlyTheAskedSessionAnswers();

private:
    // POST /api/Transfers as who; the transfer's id, or empty (answer in last).
    QString startTransfer(const QJsonObject &source, const QJsonObject &target,
                          const Credentials &who, int expectedStatus = 202)
    {
        m_last = requestAs(*m_server, who, "POST", u"/api/Transfers"_s,
                           QJsonObject{{"source"_L1, source}, {"target"_L1, target}});
        if (m_last.status != expectedStatus)
            return {};
        return m_last.json()["id"_L1].toString();
    }
    QString startTransfer(const QJsonObject &source, const QJsonObject &target)
    {
        return startTransfer(source, target, admin());
    }
    [[nodiscard]] QJsonObject transfer(const QString &id) const
    {
        return m_server->get(u"/api/Transfers/"_s + id).json();
    }
    // The transferChanged event of id in state (waiting for it).
    QJsonObject changed(const QString &id, const QString &state)
    {
        return m_events
            ->waitFor([&](const QJsonObject &m) {
                const QJsonObject t = m["transfer"_L1].toObject();
                return m["type"_L1].toString() == u"transferChanged" &&
                       t["id"_L1].toString() == id && t["state"_L1].toString() == state;
            })["transfer"_L1]
            .toObject();
    }
    [[nodiscard]] static Credentials admin() { return {kAdministrator, kAdminPassword}; }
    [[nodiscard]] QByteArray stored(const QString &path) const
    {
        const Answer a = m_server->get(u"/api/Things/Repo/Files/Content?path="_s + path);
        return a.status == 200 ? a.body : QByteArray("(status ") + QByteArray::number(a.status);
    }
    [[nodiscard]] bool putStored(const QString &path, const QByteArray &data) const
    {
        return m_server
                   ->request(Request("PUT", u"/api/Things/Repo/Files/Content?path="_s + path, data,
                                     "application/octet-stream"))
                   .status == 201;
    }
    // Files in staging directories of every repository.
    [[nodiscard]] QStringList stagingFiles() const
    {
        QStringList files;
        QDirIterator it(m_server->dataDir() + u"/repositories"_s, QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (path.contains(u"/.staging/"_s))
                files << path;
        }
        return files;
    }

    std::unique_ptr<HeadlessServer> m_server;
    std::unique_ptr<WebSocketClient> m_events;
    Answer m_last;
};

void TestFileTransfer::initTestCase()
{
    m_server = std::make_unique<HeadlessServer>();
    QVERIFY(m_server->writeConfig("[files]\nchunk_size_kb=4\n"));
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    RestSetup setup(*m_server, kPassword);
    setup.makeThing(u"Repo"_s, u"FileRepository"_s);
    setup.makeThing(u"Pump1"_s);
    setup.makeThing(u"Pump2"_s);
    // "reader" may see and read everything and call Pump1, but not Update
    // Repo; "writer" may update Repo but not call Pump1. "watcher" may Read
    // both Things (and so follows their transfers).
    setup.makeUsers({u"reader"_s, u"writer"_s, u"watcher"_s, u"stranger"_s});
    setup.makeOrganization(u"Plant"_s, {{u"Hall"_s, u"Plant"_s}});
    setup.setUnitMembers(u"Plant/Hall"_s,
                         {user(u"reader"_s), user(u"writer"_s), user(u"watcher"_s)});
    for (const QString &thing : {u"Repo"_s, u"Pump1"_s})
        setup.setVisibility(u"Things/%1/Visibility"_s.arg(thing), {u"Plant/Hall"_s});
    setup.setRules(u"Things/Repo/Permissions"_s,
                   {rule(user(u"reader"_s), u"Read"_s), rule(user(u"writer"_s), u"Read"_s),
                    rule(user(u"writer"_s), u"Update"_s), rule(user(u"watcher"_s), u"Read"_s)});
    setup.setRules(u"Things/Pump1/Permissions"_s,
                   {rule(user(u"reader"_s), u"Read"_s), rule(user(u"reader"_s), u"ServiceInvoke"_s),
                    rule(user(u"writer"_s), u"Read"_s), rule(user(u"watcher"_s), u"Read"_s)});
    QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
    m_events = std::make_unique<WebSocketClient>(m_server->sslConfiguration());
    QNetworkRequest events(m_server->url(u"/api/events"_s, u"wss"_s));
    events.setRawHeader("Authorization", admin().basicHeader());
    QVERIFY(m_events->open(events));
}

void TestFileTransfer::cleanupTestCase()
{
    m_events.reset();
    QCOMPARE(m_server->stop(), 0);
}

void TestFileTransfer::upload_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::newRow("0 B") << qsizetype(0);
    QTest::newRow("1 B") << qsizetype(1);
    QTest::newRow("one chunk") << qsizetype(kChunk);
    QTest::newRow("many chunks") << qsizetype(kChunk * 20 + 5);
    QTest::newRow("3 MiB") << qsizetype(3 * 1024 * 1024 + 17);
}

void TestFileTransfer::upload()
{
    QFETCH(qsizetype, size);
    const QByteArray data = pattern(size, int(size));
    const QString path = u"up/%1.bin"_s.arg(size);
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    const QString id = startTransfer(side(u"Pump1"_s, u"logs/a.bin"_s), side(u"Repo"_s, path));
    QVERIFY2(!id.isEmpty(), m_last.body.constData());
    QCOMPARE(m_last.json()["state"_L1].toString(), u"queued"_s);
    QCOMPARE(m_last.json()["requestedBy"_L1].toString(), kAdministrator);

    const QJsonObject send = device.message(u"file.send"_s, id);
    QCOMPARE(send["thing"_L1].toString(), u"Pump1"_s);
    QCOMPARE(send["path"_L1].toString(), u"logs/a.bin"_s);
    QCOMPARE(send["chunkSize"_L1].toInt(), kChunk);
    QCOMPARE(send["fromChunk"_L1].toInt(), 0);
    QCOMPARE(QByteArray::fromBase64(send["key"_L1].toString().toLatin1()).size(), 32);
    QCOMPARE(QByteArray::fromBase64(send["noncePrefix"_L1].toString().toLatin1()).size(), 7);
    const QJsonObject complete = sendFile(device, send, data);
    QCOMPARE(complete["type"_L1].toString(), u"result"_s);
    const QString md5 = hex(QCryptographicHash::Md5, data);
    const QString sha256 = hex(QCryptographicHash::Sha256, data);
    QCOMPARE(complete["result"_L1]["size"_L1].toInteger(), size);
    QCOMPARE(complete["result"_L1]["md5"_L1].toString(), md5);
    QCOMPARE(complete["result"_L1]["sha256"_L1].toString(), sha256);
    QCOMPARE(device.acked(id), qint64(chunkCount(size)));

    QVERIFY(stored(path) == data);
    const QJsonObject t = transfer(id);
    QCOMPARE(t["state"_L1].toString(), u"done"_s);
    QCOMPARE(t["bytes"_L1].toInteger(), size);
    QCOMPARE(t["size"_L1].toInteger(), size);
    QCOMPARE(t["chunksVerified"_L1].toInteger(), qint64(chunkCount(size)));
    QCOMPARE(t["md5"_L1].toString(), md5);
    QCOMPARE(t["verification"_L1].toObject(), (QJsonObject{{"chunks"_L1, "ok"_L1},
                                                           {"size"_L1, "ok"_L1},
                                                           {"md5"_L1, "ok"_L1},
                                                           {"sha256"_L1, "ok"_L1}}));
    // The live events followed it: queued, running, verifying, done.
    for (const QString &state : {u"queued"_s, u"running"_s, u"verifying"_s, u"done"_s})
        QVERIFY2(!changed(id, state).isEmpty(), qPrintable(state));
    QVERIFY(stagingFiles().isEmpty());
}

void TestFileTransfer::download_data()
{
    upload_data();
}

void TestFileTransfer::download()
{
    QFETCH(qsizetype, size);
    const QByteArray data = pattern(size, int(size) + 1);
    const QString path = u"down/%1.bin"_s.arg(size);
    QVERIFY(putStored(path, data));
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    const QString id =
        startTransfer(side(u"Repo"_s, path), side(u"Pump1"_s, u"firmware/image.bin"_s));
    QVERIFY2(!id.isEmpty(), m_last.body.constData());
    const QJsonObject receive = device.message(u"file.receive"_s, id);
    QCOMPARE(receive["path"_L1].toString(), u"firmware/image.bin"_s);
    QCOMPARE(receive["size"_L1].toInteger(), size);
    QCOMPARE(receive["overwrite"_L1].toBool(), false);
    bool completed = false;
    const QByteArray received = receiveFile(device, receive, {}, -1, &completed);
    QVERIFY(completed);
    QVERIFY(received == data);
    QVERIFY(!changed(id, u"done"_s).isEmpty());
    const QJsonObject t = transfer(id);
    QCOMPARE(t["state"_L1].toString(), u"done"_s);
    QCOMPARE(t["sha256"_L1].toString(), hex(QCryptographicHash::Sha256, data));
    QCOMPARE(t["bytes"_L1].toInteger(), size);
}

void TestFileTransfer::rejectedUpload_data()
{
    QTest::addColumn<int>("how");
    QTest::addColumn<QString>("says");
    QTest::addColumn<QString>("check");
    QTest::newRow("flipped byte") << int(Misbehaviour::FlipByte)
                                  << u"Chunk 2 failed authentication"_s << u"chunks"_s;
    QTest::newRow("dropped chunk")
        << int(Misbehaviour::DropChunk) << u"Chunk 2 arrived where 1 was expected"_s << u"chunks"_s;
    QTest::newRow("swapped chunks") << int(Misbehaviour::SwapChunks)
                                    << u"Chunk 2 arrived where 1 was expected"_s << u"chunks"_s;
    QTest::newRow("truncated") << int(Misbehaviour::Truncate)
                               << u"Truncated: the final chunk never arrived"_s << u"chunks"_s;
    QTest::newRow("wrong MD5") << int(Misbehaviour::WrongMd5)
                               << u"MD5 mismatch: expected 00000000000000000000000000000000"_s
                               << u"md5"_s;
}

void TestFileTransfer::rejectedUpload()
{
    QFETCH(int, how);
    QFETCH(QString, says);
    QFETCH(QString, check);
    const QByteArray data = pattern(kChunk * 4 + 100, how);
    const QString path = u"bad/%1.bin"_s.arg(how);
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    const QString id = startTransfer(side(u"Pump1"_s, u"logs/x.bin"_s), side(u"Repo"_s, path));
    QVERIFY2(!id.isEmpty(), m_last.body.constData());
    const QJsonObject complete =
        sendFile(device, device.message(u"file.send"_s, id), data, Misbehaviour(how));
    // The device hears why: file.complete refused (verification-failed), or
    // a file.cancel naming the rejected chunk.
    QCOMPARE(complete["type"_L1].toString(), u"error"_s);
    const QJsonObject failed = changed(id, u"failed"_s);
    QVERIFY(!failed.isEmpty());
    const QString message = failed["error"_L1]["message"_L1].toString();
    QVERIFY2(message.contains(says), qPrintable(message));
    QCOMPARE(failed["error"_L1]["code"_L1].toString(), u"verification-failed"_s);
    QCOMPARE(failed["verification"_L1][check].toString(),
             check == u"chunks" ? u"failed"_s : u"mismatch"_s);
    if (how == int(Misbehaviour::Truncate) || how == int(Misbehaviour::WrongMd5)) {
        QCOMPARE(complete["error"_L1]["code"_L1].toString(), u"verification-failed"_s);
        QVERIFY2(complete["error"_L1]["message"_L1].toString().contains(says),
                 qPrintable(complete["error"_L1]["message"_L1].toString()));
    } else {
        const QJsonObject cancel = device.message(u"file.cancel"_s, id);
        QVERIFY2(cancel["reason"_L1].toString().contains(says),
                 qPrintable(cancel["reason"_L1].toString()));
    }
    // No file, no staging file; the session is fine.
    QCOMPARE(m_server->get(u"/api/Things/Repo/Files/Content?path="_s + path).status, 404);
    QVERIFY2(stagingFiles().isEmpty(), qPrintable(stagingFiles().join(u", "_s)));
    QCOMPARE(device.call({{"type"_L1, "ping"_L1}})["type"_L1].toString(), u"result"_s);
}

void TestFileTransfer::deviceRejectsDownload()
{
    const QByteArray data = pattern(kChunk * 2 + 3, 77);
    QVERIFY(putStored(u"down/rejected.bin"_s, data));
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    // The device's target exists: it says so, and the transfer fails with its words.
    QString id = startTransfer(side(u"Repo"_s, u"down/rejected.bin"_s),
                               side(u"Pump1"_s, u"firmware/exists.bin"_s));
    device.error(device.message(u"file.receive"_s, id), u"exists"_s,
                 u"firmware/exists.bin exists"_s);
    QJsonObject failed = changed(id, u"failed"_s);
    QCOMPARE(failed["error"_L1]["code"_L1].toString(), u"exists"_s);
    QVERIFY(failed["error"_L1]["message"_L1].toString().contains(u"firmware/exists.bin exists"_s));
    // The device's digest disagrees at file.complete.
    id = startTransfer(side(u"Repo"_s, u"down/rejected.bin"_s),
                       side(u"Pump1"_s, u"firmware/b.bin"_s));
    const QJsonObject receive = device.message(u"file.receive"_s, id);
    device.result(receive, {{"nextChunk"_L1, 0}});
    for (int i = 0; i < 3; ++i) {
        QVERIFY(!device.nextFrame().isEmpty());
        device.send({{"type"_L1, "file.ack"_L1}, {"transfer"_L1, id}, {"verified"_L1, i + 1}});
    }
    device.error(device.message(u"file.complete"_s, id), u"verification-failed"_s,
                 u"MD5 mismatch: expected a, computed b"_s);
    failed = changed(id, u"failed"_s);
    QCOMPARE(failed["error"_L1]["code"_L1].toString(), u"verification-failed"_s);
    QCOMPARE(failed["verification"_L1]["md5"_L1].toString(), u"mismatch"_s);
}

void TestFileTransfer::resumeUpload()
{
    const QByteArray data = pattern(kChunk * 30 + 11, 5);
    auto first = std::make_unique<Device>(*m_server);
    QVERIFY(first->open(admin(), u"Pump1"_s));
    const QString id =
        startTransfer(side(u"Pump1"_s, u"logs/big.log"_s), side(u"Repo"_s, u"up/resumed.log"_s));
    QVERIFY(!id.isEmpty());
    const QJsonObject send = first->message(u"file.send"_s, id);
    QVERIFY(sendFile(*first, send, data, Misbehaviour::None, 12).isEmpty());
    QCOMPARE(first->acked(id), 12);
    first->cut();
    const QJsonObject waiting = m_events->waitFor([&](const QJsonObject &m) {
        const QJsonObject t = m["transfer"_L1].toObject();
        return t["id"_L1].toString() == id && t["waiting"_L1].toString() == u"device not connected";
    });
    QCOMPARE(waiting["transfer"_L1]["state"_L1].toString(), u"queued"_s);
    QCOMPARE(transfer(id)["chunksVerified"_L1].toInt(), 12);

    Device second(*m_server);
    QVERIFY(second.open(admin(), u"Pump1"_s));
    const QJsonObject again = second.message(u"file.send"_s, id);
    QCOMPARE(again["fromChunk"_L1].toInt(), 12);
    QCOMPARE(again["key"_L1], send["key"_L1]);
    QCOMPARE(again["noncePrefix"_L1], send["noncePrefix"_L1]);
    const QJsonObject complete = sendFile(second, again, data);
    QCOMPARE(complete["result"_L1]["sha256"_L1].toString(), hex(QCryptographicHash::Sha256, data));
    QVERIFY(stored(u"up/resumed.log"_s) == data);
    const QJsonObject t = transfer(id);
    QCOMPARE(t["state"_L1].toString(), u"done"_s);
    QCOMPARE(t["resumes"_L1].toInt(), 1);
}

void TestFileTransfer::resumeDownload()
{
    const QByteArray data = pattern(kChunk * 30 + 11, 6);
    QVERIFY(putStored(u"down/resume.bin"_s, data));
    auto first = std::make_unique<Device>(*m_server);
    QVERIFY(first->open(admin(), u"Pump1"_s));
    const QString id = startTransfer(side(u"Repo"_s, u"down/resume.bin"_s),
                                     side(u"Pump1"_s, u"firmware/resume.bin"_s));
    QVERIFY(!id.isEmpty());
    const QJsonObject receive = first->message(u"file.receive"_s, id);
    const QByteArray kept = receiveFile(*first, receive, {}, 10);
    QCOMPARE(kept.size(), 10 * kChunk);
    first->cut();

    Device second(*m_server);
    QVERIFY(second.open(admin(), u"Pump1"_s));
    const QJsonObject again = second.message(u"file.receive"_s, id);
    QCOMPARE(again["key"_L1], receive["key"_L1]);
    bool completed = false;
    QVERIFY(receiveFile(second, again, kept, -1, &completed) == data);
    QVERIFY(completed);
    QVERIFY(!changed(id, u"done"_s).isEmpty());
    const QJsonObject t = transfer(id);
    QCOMPARE(t["resumes"_L1].toInt(), 1);
    QCOMPARE(t["md5"_L1].toString(), hex(QCryptographicHash::Md5, data));
}

void TestFileTransfer::deviceStartsTransfers()
{
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    const QByteArray data = pattern(kChunk + 1, 9);
    const QJsonObject up = device.call({{"type"_L1, "file.upload"_L1},
                                        {"thing"_L1, "Pump1"_L1},
                                        {"path"_L1, "logs/dev.log"_L1},
                                        {"repository"_L1, "Repo"_L1},
                                        {"target"_L1, "up/from-device.log"_L1}});
    const QString id = up["result"_L1]["transfer"_L1].toString();
    QCOMPARE(id.size(), 36);
    QCOMPARE(sendFile(device, device.message(u"file.send"_s, id), data)["type"_L1].toString(),
             u"result"_s);
    QVERIFY(stored(u"up/from-device.log"_s) == data);
    const QJsonObject status = device.call({{"type"_L1, "file.status"_L1}, {"transfer"_L1, id}});
    QCOMPARE(status["result"_L1]["state"_L1].toString(), u"done"_s);

    const QJsonObject down = device.call({{"type"_L1, "file.download"_L1},
                                          {"thing"_L1, "Pump1"_L1},
                                          {"repository"_L1, "Repo"_L1},
                                          {"path"_L1, "up/from-device.log"_L1},
                                          {"target"_L1, "firmware/back.log"_L1}});
    const QString back = down["result"_L1]["transfer"_L1].toString();
    bool completed = false;
    QVERIFY(receiveFile(device, device.message(u"file.receive"_s, back), {}, -1, &completed) ==
            data);
    QVERIFY(completed);
    // A repository the user cannot see is not-found, like one that does not exist.
    const QJsonObject hidden = device.call({{"type"_L1, "file.download"_L1},
                                            {"thing"_L1, "Pump1"_L1},
                                            {"repository"_L1, "NoSuchRepo"_L1},
                                            {"path"_L1, "a.bin"_L1},
                                            {"target"_L1, "firmware/a.bin"_L1}});
    QCOMPARE(hidden["error"_L1]["code"_L1].toString(), u"not-found"_s);
}

void TestFileTransfer::cancel()
{
    const QByteArray data = pattern(kChunk * 20, 8);
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    const QString id =
        startTransfer(side(u"Pump1"_s, u"logs/c.bin"_s), side(u"Repo"_s, u"up/cancelled.bin"_s));
    QVERIFY(sendFile(device, device.message(u"file.send"_s, id), data, Misbehaviour::None, 4)
                .isEmpty());
    QVERIFY(!stagingFiles().isEmpty()); // the part received so far
    const Answer cancelled = m_server->post(u"/api/Transfers/%1/Cancel"_s.arg(id), {});
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json()["state"_L1].toString(), u"cancelled"_s);
    QVERIFY(!device.message(u"file.cancel"_s, id).isEmpty());
    QVERIFY(!changed(id, u"cancelled"_s).isEmpty());
    QCOMPARE(m_server->post(u"/api/Transfers/%1/Cancel"_s.arg(id), {}).status, 409);
    QCOMPARE(m_server->get(u"/api/Things/Repo/Files/Content?path=up/cancelled.bin"_s).status, 404);
    // The staging file goes on the file thread: a later transfer's state
    // proves that work has run (it is ordered after).
    const QString later =
        startTransfer(side(u"Pump1"_s, u"logs/d.bin"_s), side(u"Repo"_s, u"up/after.bin"_s));
    QCOMPARE(sendFile(device, device.message(u"file.send"_s, later), "x")["type"_L1].toString(),
             u"result"_s);
    QVERIFY2(stagingFiles().isEmpty(), qPrintable(stagingFiles().join(u", "_s)));
    // Retry makes a new transfer with the same sides.
    const Answer retry = m_server->post(u"/api/Transfers/%1/Retry"_s.arg(id), {});
    QCOMPARE(retry.status, 202);
    const QString retried = retry.json()["id"_L1].toString();
    QVERIFY(retried != id);
    QCOMPARE(sendFile(device, device.message(u"file.send"_s, retried), data)["type"_L1].toString(),
             u"result"_s);
    QVERIFY(stored(u"up/cancelled.bin"_s) == data);
    // Listed, newest first, filtered by state.
    const QJsonArray cancelledList =
        m_server->get(u"/api/Transfers?state=cancelled"_s).json()["items"_L1].toArray();
    QVERIFY(!cancelledList.isEmpty());
    for (const QJsonValue &item : cancelledList)
        QCOMPARE(item["state"_L1].toString(), u"cancelled"_s);
    QCOMPARE(m_server->get(u"/api/Transfers"_s).json()["items"_L1][0]["id"_L1].toString(), retried);
}

void TestFileTransfer::queueLimits()
{
    QVERIFY(putStored(u"down/limits.bin"_s, "limits"));
    // No device for Pump2: the transfer waits, saying why.
    const QString waiting =
        startTransfer(side(u"Repo"_s, u"down/limits.bin"_s), side(u"Pump2"_s, u"firmware/l.bin"_s));
    QVERIFY(!waiting.isEmpty());
    const QJsonObject queued = m_events->waitFor([&](const QJsonObject &m) {
        const QJsonObject t = m["transfer"_L1].toObject();
        return t["id"_L1].toString() == waiting && t.contains("waiting"_L1);
    });
    QCOMPARE(queued["transfer"_L1]["waiting"_L1].toString(), u"device not connected"_s);
    QCOMPARE(transfer(waiting)["state"_L1].toString(), u"queued"_s);
    QCOMPARE(m_server->post(u"/api/Transfers/%1/Cancel"_s.arg(waiting), {}).status, 200);

    // [files] running_per_device = 2: a third transfer to Pump1 waits for a slot.
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    QStringList ids;
    for (int i = 0; i < 3; ++i)
        ids << startTransfer(side(u"Repo"_s, u"down/limits.bin"_s),
                             side(u"Pump1"_s, u"firmware/l%1.bin"_s.arg(i)));
    const QJsonObject first = device.message(u"file.receive"_s, ids.at(0));
    QVERIFY(!device.message(u"file.receive"_s, ids.at(1)).isEmpty());
    const QJsonObject third = m_events->waitFor([&](const QJsonObject &m) {
        const QJsonObject t = m["transfer"_L1].toObject();
        return t["id"_L1].toString() == ids.at(2) &&
               t["waiting"_L1].toString().startsWith(u"waiting for a free slot"_s);
    });
    QCOMPARE(third["transfer"_L1]["state"_L1].toString(), u"queued"_s);
    // The first one ends (the device refuses it): the third starts.
    device.error(first, u"too-large"_s, u"No room for it."_s);
    QVERIFY(!device.message(u"file.receive"_s, ids.at(2)).isEmpty());
    QCOMPARE(transfer(ids.at(0))["error"_L1]["code"_L1].toString(), u"too-large"_s);
    for (const QString &id : std::as_const(ids).mid(1))
        QCOMPARE(m_server->post(u"/api/Transfers/%1/Cancel"_s.arg(id), {}).status, 200);
}

void TestFileTransfer::traversalRefused()
{
    const QStringList bad{u"../etc/passwd"_s, u"/etc/passwd"_s, u"a/../../b"_s, u"a/./b"_s,
                          u"a//b"_s,          u"a\\b"_s,        u""_s};
    for (const QString &path : bad) {
        QVERIFY(startTransfer(side(u"Pump1"_s, u"logs/a"_s), side(u"Repo"_s, path), admin(), 400)
                    .isEmpty());
        QVERIFY(startTransfer(side(u"Repo"_s, u"up/1.bin"_s), side(u"Pump1"_s, path), admin(), 400)
                    .isEmpty());
    }
    QVERIFY2(m_last.errorMessage().contains(u"path"_s), qPrintable(m_last.errorMessage()));
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    const QJsonObject r = device.call({{"type"_L1, "file.download"_L1},
                                       {"thing"_L1, "Pump1"_L1},
                                       {"repository"_L1, "Repo"_L1},
                                       {"path"_L1, "up/1.bin"_L1},
                                       {"target"_L1, "../outside"_L1}});
    QCOMPARE(r["error"_L1]["code"_L1].toString(), u"bad-request"_s);
    // A directory name is one segment.
    Device other(*m_server);
    QVERIFY(!other.open(admin(), u"Pump2"_s, {u"../up"_s}));
}

void TestFileTransfer::authorization()
{
    const Credentials reader{u"reader"_s, kPassword};
    const Credentials writer{u"writer"_s, kPassword};
    // reader may not Update the repository.
    QVERIFY(
        startTransfer(side(u"Pump1"_s, u"logs/a"_s), side(u"Repo"_s, u"up/r.bin"_s), reader, 403)
            .isEmpty());
    QVERIFY2(m_last.errorMessage().contains(u"Update"_s), qPrintable(m_last.errorMessage()));
    // writer may not call Pump1 (ServiceInvoke).
    QVERIFY(
        startTransfer(side(u"Pump1"_s, u"logs/a"_s), side(u"Repo"_s, u"up/w.bin"_s), writer, 403)
            .isEmpty());
    QVERIFY2(m_last.errorMessage().contains(u"ServiceInvoke"_s), qPrintable(m_last.errorMessage()));
    // Pump2 is invisible to writer: not-found, as for a Thing that does not exist.
    QVERIFY(
        startTransfer(side(u"Pump2"_s, u"logs/a"_s), side(u"Repo"_s, u"up/w.bin"_s), writer, 404)
            .isEmpty());
    const QByteArray hidden = m_last.body;
    QVERIFY(
        startTransfer(side(u"Pump9"_s, u"logs/a"_s), side(u"Repo"_s, u"up/w.bin"_s), writer, 404)
            .isEmpty());
    QCOMPARE(QString::fromUtf8(hidden).replace(u"Pump2"_s, u"Pump9"_s),
             QString::fromUtf8(m_last.body));
    // reader may download from the repository to Pump1 (Read + ServiceInvoke).
    QVERIFY(putStored(u"down/auth.bin"_s, "abc"));
    const QString id = startTransfer(side(u"Repo"_s, u"down/auth.bin"_s),
                                     side(u"Pump1"_s, u"firmware/auth.bin"_s), reader);
    QVERIFY2(!id.isEmpty(), m_last.body.constData());
    // Who sees it: the requester, and whoever may Read both Things; not a stranger.
    QCOMPARE(requestAs(*m_server, reader, "GET", u"/api/Transfers/"_s + id).status, 200);
    QCOMPARE(
        requestAs(*m_server, {u"watcher"_s, kPassword}, "GET", u"/api/Transfers/"_s + id).status,
        200);
    QCOMPARE(
        requestAs(*m_server, {u"stranger"_s, kPassword}, "GET", u"/api/Transfers/"_s + id).status,
        404);
    // Only the requester or an administrator cancels.
    QCOMPARE(requestAs(*m_server, {u"watcher"_s, kPassword}, "POST",
                       u"/api/Transfers/%1/Cancel"_s.arg(id), QJsonObject{})
                 .status,
             403);
    QCOMPARE(
        requestAs(*m_server, reader, "POST", u"/api/Transfers/%1/Cancel"_s.arg(id), QJsonObject{})
            .status,
        200);
}

void TestFileTransfer::badFramesCloseTheSession()
{
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    const QString unknown = QUuid::createUuid().toString(QUuid::WithoutBraces);
    device.sendFrame(frame(unknown, 0, true, QByteArray(16, 'x')));
    const QJsonObject notice = device.client().waitFor(
        [](const QJsonObject &m) { return m["type"_L1].toString() == u"error"; });
    QVERIFY(notice["id"_L1].isNull());
    QVERIFY2(notice["error"_L1]["message"_L1].toString().contains(unknown),
             qPrintable(notice["error"_L1]["message"_L1].toString()));
    device.sendFrame(QByteArray(5, 'y'));
    device.sendFrame(frame(unknown, 1, true, QByteArray(16, 'x')));
    QVERIFY(device.client().waitForDisconnected());
    QCOMPARE(device.client().socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
}

void TestFileTransfer::sessionsTakeOnlyWhatTheirUserMay()
{
    // watcher may only Read Pump1: it may bind it, but not declare directories.
    Device watcher(*m_server);
    QVERIFY(!watcher.open({u"watcher"_s, kPassword}, u"Pump1"_s));
    const QJsonObject refused =
        watcher.client().messages().last()["result"_L1]["things"_L1][0].toObject();
    QCOMPARE(refused["bound"_L1].toBool(true), false);
    QCOMPARE(refused["error"_L1]["code"_L1].toString(), u"forbidden"_s);
    QVERIFY(refused["error"_L1]["message"_L1].toString().contains(u"ServiceInvoke"_s));

    // reader may call Pump1 and read Repo, but not Update it: its session
    // does not take an upload into Repo, which waits, saying why.
    Device reader(*m_server);
    QVERIFY(reader.open({u"reader"_s, kPassword}, u"Pump1"_s));
    const QString id =
        startTransfer(side(u"Pump1"_s, u"logs/secret.log"_s), side(u"Repo"_s, u"up/taken.log"_s));
    QVERIFY2(!id.isEmpty(), m_last.body.constData());
    const QJsonObject waiting = m_events->waitFor([&](const QJsonObject &m) {
        const QJsonObject t = m["transfer"_L1].toObject();
        return m["type"_L1].toString() == u"transferChanged" && t["id"_L1].toString() == id &&
               t["waiting"_L1].toString().contains(u"may not take it"_s);
    });
    QVERIFY2(!waiting.isEmpty(), jsonBody(transfer(id)).constData());
    QCOMPARE(transfer(id)["state"_L1].toString(), u"queued"_s);
    // And reader's session did not hear of it.
    QVERIFY(reader.call({{"type"_L1, "ping"_L1}})["result"_L1]["pong"_L1].toBool());
    for (const QJsonObject &m : reader.client().messages())
        QVERIFY2(!m["type"_L1].toString().startsWith(u"file."_s), jsonBody(m).constData());
    QCOMPARE(m_server->post(u"/api/Transfers/%1/Cancel"_s.arg(id), QJsonObject{}).status, 200);
}

void TestFileTransfer::onlyTheAskedSessionAnswers()
{
    const QByteArray data = pattern(10000, 7);
    QVERIFY(putStored(u"down/asked.bin"_s, data));
    Device device(*m_server);
    QVERIFY(device.open(admin(), u"Pump1"_s));
    // Another session of the same user, bound elsewhere, tries to answer the
    // platform's request to the device first.
    Device other(*m_server);
    QVERIFY(other.open(admin(), u"Pump2"_s));
    const QString id =
        startTransfer(side(u"Repo"_s, u"down/asked.bin"_s), side(u"Pump1"_s, u"firmware/a.bin"_s));
    QVERIFY2(!id.isEmpty(), m_last.body.constData());
    const QJsonObject receive = device.message(u"file.receive"_s, id);
    QVERIFY(!receive.isEmpty());
    other.error(receive, u"forbidden"_s, u"Forged by another session."_s);
    QVERIFY(other.call({{"type"_L1, "ping"_L1}})["result"_L1]["pong"_L1].toBool());
    bool completed = false;
    QVERIFY(receiveFile(device, receive, {}, -1, &completed) == data);
    QVERIFY(completed);
    QVERIFY(!changed(id, u"done"_s).isEmpty());
    QCOMPARE(transfer(id)["state"_L1].toString(), u"done"_s);
}

QTEST_MAIN(TestFileTransfer)
#include "tst_file_transfer.moc"
