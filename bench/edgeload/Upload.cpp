// File transfer end to end (edge protocol 2, /work/notes/edge-files.md): the
// device asks to upload a file into a repository (file.upload), answers the
// platform's file.send with chunks sealed by FileSealer, keeps within the flow
// control window (8 chunks, 4 MiB unacknowledged), then sends file.complete
// with its digests. Timed from file.upload to the file.complete result, which
// the server sends once it verified and stored the file.

#include "Load.h"

#include "security/FileCipher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

#include <cstdio>
#include <cstring>
#include <random>

namespace EdgeLoad {

using asio::use_awaitable;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr int SendWindowChunks = 8;
constexpr qint64 SendWindowBytes = 4 * 1024 * 1024;
constexpr int UploadPrefixSize = 16 + 4 + 1;

QJsonObject parseObject(std::string_view text)
{
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray(text.data(), static_cast<qsizetype>(text.size())));
    return document.object();
}

std::string compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

std::string errorText(const QJsonObject &reply)
{
    const QJsonObject error = reply.value(QLatin1String("error")).toObject();
    return error.value(QLatin1String("code")).toString().toStdString() + ": " +
           error.value(QLatin1String("message")).toString().toStdString();
}

// One transfer of the device's file, as the platform asked for it.
struct Sending
{
    QByteArray transferId;    // the 36-character form: the chunks' additional data
    QByteArray transferBytes; // RFC 4122 bytes, in every binary frame
    Bulwark::FileKey key;
    int chunkSize = 0;
    quint32 fromChunk = 0;
    quint32 verified = 0;
    quint32 sent = 0;
    bool failed = false;
    std::string failure;
};

struct Upload
{
    WebSocket &socket;
    const QByteArray &data;
    std::int64_t completeId = 0;
    asio::steady_timer wake;
    Sending sending;
};

asio::awaitable<void> writeText(WebSocket &socket, const std::string &text)
{
    socket.text(true);
    co_await socket.async_write(asio::buffer(text), use_awaitable);
}

// Seals and sends the chunks, then file.complete.
asio::awaitable<void> sendChunks(Upload &upload)
{
    Sending &sending = upload.sending;
    auto sealer = Bulwark::FileSealer::create(sending.key, sending.transferId, sending.chunkSize);
    if (!sealer) {
        sending.failed = true;
        sending.failure = "FileSealer: " + sealer.error().message.toStdString();
        co_return;
    }
    const qsizetype size = upload.data.size();
    const qsizetype chunkSize = sending.chunkSize;
    const quint32 chunks = static_cast<quint32>(size == 0 ? 1 : (size + chunkSize - 1) / chunkSize);
    for (quint32 i = 0; i < sending.fromChunk; ++i) {
        if (!sealer->absorb(upload.data.mid(i * chunkSize, chunkSize)).ok()) {
            sending.failed = true;
            sending.failure = "the platform asked to resume past the end of the file";
            co_return;
        }
    }
    sending.sent = sending.fromChunk;
    std::vector<char> frame;
    for (quint32 index = sending.fromChunk; index < chunks; ++index) {
        // Flow control: at most 8 chunks and 4 MiB sent but not acknowledged.
        while (!sending.failed &&
               (sending.sent - sending.verified >= SendWindowChunks ||
                static_cast<qint64>(sending.sent - sending.verified + 1) * chunkSize >
                    SendWindowBytes)) {
            boost::system::error_code ignored;
            upload.wake.expires_at(Clock::time_point::max());
            co_await upload.wake.async_wait(asio::redirect_error(use_awaitable, ignored));
        }
        if (sending.failed)
            co_return;
        const bool final = index + 1 == chunks;
        const QByteArray plain = QByteArray::fromRawData(
            upload.data.constData() + index * chunkSize,
            std::min<qsizetype>(chunkSize, size - static_cast<qsizetype>(index) * chunkSize));
        auto sealed = sealer->seal(plain, final ? Bulwark::ChunkPosition::Final
                                                : Bulwark::ChunkPosition::Middle);
        if (!sealed) {
            sending.failed = true;
            sending.failure = "sealing chunk " + std::to_string(index) + ": " +
                              sealed.error().message.toStdString();
            co_return;
        }
        frame.resize(UploadPrefixSize + static_cast<std::size_t>(sealed->size()));
        std::memcpy(frame.data(), sending.transferBytes.constData(), 16);
        frame[16] = static_cast<char>(index >> 24);
        frame[17] = static_cast<char>(index >> 16);
        frame[18] = static_cast<char>(index >> 8);
        frame[19] = static_cast<char>(index);
        frame[20] = final ? 1 : 0;
        std::memcpy(frame.data() + UploadPrefixSize, sealed->constData(),
                    static_cast<std::size_t>(sealed->size()));
        upload.socket.binary(true);
        co_await upload.socket.async_write(asio::buffer(frame), use_awaitable);
        ++sending.sent;
    }
    QJsonObject complete{{u"id"_s, static_cast<qint64>(upload.completeId)},
                         {u"type"_s, u"file.complete"_s},
                         {u"transfer"_s, QString::fromLatin1(sending.transferId)},
                         {u"size"_s, static_cast<qint64>(size)},
                         {u"md5"_s, QString::fromLatin1(sealer->md5())},
                         {u"sha256"_s, QString::fromLatin1(sealer->sha256())}};
    co_await writeText(upload.socket, compact(complete));
}

// One upload of `data` as `target` in the repository; answers the seconds it took.
asio::awaitable<double> uploadOnce(WebSocket &socket, const QByteArray &data,
                                   const std::string &thing, const std::string &repository,
                                   const std::string &target, std::int64_t requestId)
{
    auto executor = co_await asio::this_coro::executor;
    Upload upload{socket, data, requestId + 1, asio::steady_timer(executor), {}};
    const QJsonObject request{{u"id"_s, static_cast<qint64>(requestId)},
                              {u"type"_s, u"file.upload"_s},
                              {u"thing"_s, QString::fromStdString(thing)},
                              {u"path"_s, u"bench/edgeload.bin"_s},
                              {u"repository"_s, QString::fromStdString(repository)},
                              {u"target"_s, QString::fromStdString(target)},
                              {u"overwrite"_s, true}};
    const auto started = Clock::now();
    co_await writeText(socket, compact(request));
    beast::flat_buffer buffer;
    QString transfer;
    for (;;) {
        buffer.clear();
        co_await socket.async_read(buffer, use_awaitable);
        if (upload.sending.failed)
            throw ProtocolError(upload.sending.failure);
        if (!socket.got_text())
            continue; // the device receives no chunks in an upload
        const auto bytes = buffer.cdata();
        const QJsonObject message =
            parseObject({static_cast<const char *>(bytes.data()), bytes.size()});
        const QString type = message.value(QLatin1String("type")).toString();
        const qint64 id = message.value(QLatin1String("id")).toInteger(-1);
        if (id == requestId) {
            if (type != QLatin1String("result"))
                throw ProtocolError("file.upload refused: " + errorText(message));
            transfer = message.value(QLatin1String("result"))
                           .toObject()
                           .value(QLatin1String("transfer"))
                           .toString();
        } else if (id == upload.completeId) {
            if (type != QLatin1String("result"))
                throw ProtocolError("file.complete refused: " + errorText(message));
            const auto result = message.value(QLatin1String("result")).toObject();
            if (result.value(QLatin1String("size")).toInteger() != data.size())
                throw ProtocolError("file.complete answered a different size: " + compact(result));
            co_return std::chrono::duration<double>(Clock::now() - started).count();
        } else if (type == QLatin1String("file.send")) {
            const QString transferId = message.value(QLatin1String("transfer")).toString();
            const auto key = Bulwark::FileKey::fromBytes(
                QByteArray::fromBase64(message.value(QLatin1String("key")).toString().toLatin1()),
                QByteArray::fromBase64(
                    message.value(QLatin1String("noncePrefix")).toString().toLatin1()));
            const QUuid uuid(transferId);
            if (!key || uuid.isNull() || transferId.size() != 36)
                throw ProtocolError("file.send with a bad key, nonce prefix or transfer id: " +
                                    compact(message));
            upload.sending.transferId = transferId.toLatin1();
            upload.sending.transferBytes = uuid.toRfc4122();
            upload.sending.key = *key;
            upload.sending.chunkSize = message.value(QLatin1String("chunkSize")).toInt();
            upload.sending.fromChunk =
                static_cast<quint32>(message.value(QLatin1String("fromChunk")).toInteger());
            const QJsonObject reply{
                {u"id"_s, message.value(QLatin1String("id"))},
                {u"type"_s, u"result"_s},
                {u"result"_s, QJsonObject{{u"size"_s, static_cast<qint64>(data.size())}}}};
            co_await writeText(socket, compact(reply));
            asio::co_spawn(executor, sendChunks(upload), asio::detached);
        } else if (type == QLatin1String("file.ack")) {
            upload.sending.verified =
                static_cast<quint32>(message.value(QLatin1String("verified")).toInteger());
            upload.wake.cancel();
        } else if (type == QLatin1String("file.cancel")) {
            upload.sending.failed = true;
            upload.wake.cancel();
            throw ProtocolError("the platform cancelled the transfer: " +
                                message.value(QLatin1String("reason")).toString().toStdString());
        } else if (type == QLatin1String("error")) {
            std::fprintf(stderr, "[edgeload] upload: error notice: %s\n", compact(message).c_str());
        }
        (void)transfer;
    }
}

struct UploadResult
{
    std::vector<double> seconds;
    int protocol = 0;
    std::string failure;
};

struct UploadPlan
{
    std::string thing;
    std::string repository;
    long long runs = 1;
};

asio::awaitable<void> uploads(const Target &target, const UploadPlan &plan, const QByteArray &data,
                              UploadResult &result)
{
    const std::string &thing = plan.thing;
    const std::string &repository = plan.repository;
    const long long runs = plan.runs;
    try {
        auto socket = co_await openWebSocket(target, "/edge", Credentials::None, 0, 60s);
        result.protocol = co_await authenticate(*socket, target.appKey);
        if (result.protocol < 2)
            co_return;
        const std::string bind =
            R"({"id":2,"type":"bind","things":[")" + thing + R"("],"directories":["bench"]})";
        co_await writeText(*socket, bind);
        beast::flat_buffer buffer;
        const std::string_view reply = co_await readText(*socket, buffer);
        if (reply.find(R"("bound":true)") == std::string_view::npos)
            throw ProtocolError("bind of '" + thing + "' refused: " + std::string(reply));
        for (long long run = 0; run < runs; ++run) {
            result.seconds.push_back(
                co_await uploadOnce(*socket, data, thing, repository,
                                    "edgeload/run" + std::to_string(run) + ".bin", 100 + 2 * run));
            std::fprintf(stderr, "[edgeload] upload %lld: %.1f MB/s\n", run + 1,
                         static_cast<double>(data.size()) / 1e6 / result.seconds.back());
        }
        try {
            co_await socket->async_close(beast::websocket::close_code::normal, use_awaitable);
        } catch (const std::exception &) {
            // Measured already; how the connection ends does not change the figures.
        }
    } catch (const std::exception &error) {
        result.failure = error.what();
    }
}

} // namespace

int runUpload(Target &target, const Options &options)
{
    const auto megabytes = options.number("megabytes", 64, 0, 4096);
    const UploadPlan plan{options.text("thing", ""), options.text("repository", ""),
                          options.number("runs", 1, 1, 1000)};
    options.checkAllUsed();
    if (plan.thing.empty() || plan.repository.empty())
        throw std::invalid_argument("upload needs --thing (the device's Thing) and --repository.");
    ThreadPool pool(1);
    // Incompressible content, the same every run.
    QByteArray data(static_cast<qsizetype>(megabytes * 1024 * 1024), Qt::Uninitialized);
    std::mt19937_64 random(20261127);
    for (qsizetype i = 0; i + 8 <= data.size(); i += 8) {
        const std::uint64_t word = random();
        std::memcpy(data.data() + i, &word, 8);
    }
    UploadResult result;
    asio::co_spawn(pool.context(0), uploads(target, plan, data, result), asio::detached);
    pool.join();
    if (result.protocol > 0 && result.protocol < 2) {
        printResult("upload", {{"protocol", result.protocol}, {"supported", 0}});
        std::fprintf(stderr,
                     "[edgeload] upload: the server speaks edge protocol %d; file transfer needs "
                     "protocol 2.\n",
                     result.protocol);
        return 4;
    }
    if (!result.failure.empty()) {
        std::fprintf(stderr, "[edgeload] upload failed: %s\n", result.failure.c_str());
        return 1;
    }
    std::vector<double> speeds;
    for (double seconds : result.seconds)
        speeds.push_back(static_cast<double>(data.size()) / 1e6 / seconds);
    std::sort(speeds.begin(), speeds.end());
    printResult("upload", {{"protocol", result.protocol},
                           {"supported", 1},
                           {"megabytes", static_cast<double>(data.size()) / 1e6},
                           {"runs", static_cast<double>(speeds.size())},
                           {"median_mb_per_second", speeds[speeds.size() / 2]},
                           {"best_mb_per_second", speeds.back()}});
    return 0;
}

} // namespace EdgeLoad
