// File repositories over REST. Every decision goes through the AccessModel
// in the storage work (an invisible Thing answers exactly like a missing
// one). A repository's files are read and written in that storage work too:
// REST bodies are bounded by files/rest_upload_limit_mb, larger files go
// through transfers. A device's directories are the device's: listing and
// deleting are forwarded to it.
#include "FileRoutes.h"

#include "ThingRoutes.h"
#include "edge/EdgeEndpoint.h"
#include "files/FileRepository.h"
#include "storage/EntityStore.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUuid>

#include <memory>

namespace Bulwark::Routes {

namespace W = Wire;
using Access::EntityRef;
using Access::Permission;
using namespace Qt::StringLiterals;

namespace {

constexpr auto kPath = "path"_L1;
constexpr auto kEntries = "entries"_L1;
constexpr auto kSize = "size"_L1;
constexpr auto kMd5 = "md5"_L1;
constexpr auto kSha256 = "sha256"_L1;
constexpr auto kDirectory = "directory"_L1;
constexpr auto kFile = "file"_L1;
constexpr auto kUsedBytes = "usedBytes"_L1;
constexpr auto kQuotaBytes = "quotaBytes"_L1;
constexpr auto kContentPart = "Content"_L1;

// The REST form of a repository error: limits and verification get their own codes.
ApiResponse fileError(const Error &error)
{
    if (error.code == ErrorCode::PayloadTooLarge && error.message.startsWith(QuotaExceededPrefix))
        return ApiResponse::failure(507, "quota-exceeded"_L1,
                                    error.message.mid(QuotaExceededPrefix.size()));
    if (error.code == ErrorCode::PayloadTooLarge && error.message.startsWith(TooLargePrefix))
        return ApiResponse::fromError(
            makeError(error.code, error.message.mid(TooLargePrefix.size())));
    if (error.code == ErrorCode::Conflict && error.message.startsWith(ExistsPrefix))
        return ApiResponse::fromError(
            makeError(error.code, error.message.mid(ExistsPrefix.size())));
    return ApiResponse::fromError(error);
}

QJsonObject entryJson(const RepositoryEntry &e)
{
    QJsonObject o{{W::Name, e.name},
                  {W::Type, e.directory ? kDirectory : kFile},
                  {W::Modified, e.modified.toString(Qt::ISODateWithMs)}};
    if (!e.directory) {
        o.insert(kSize, e.size);
        o.insert(kMd5, QString::fromLatin1(e.md5));
        o.insert(kSha256, QString::fromLatin1(e.sha256));
    }
    return o;
}

QJsonObject storedJson(const StoredFile &f)
{
    return {{kPath, f.path},
            {kSize, f.size},
            {kMd5, QString::fromLatin1(f.md5)},
            {kSha256, QString::fromLatin1(f.sha256)},
            {W::Modified, f.modified.toString(Qt::ISODateWithMs)}};
}

// The device's answer to a forwarded file.list or file.delete.
ApiResponse deviceOutcome(const DeviceAnswer &answer, const std::function<ApiResponse()> &done)
{
    switch (answer.outcome) {
    case DeviceAnswer::Outcome::Done:
        return done();
    case DeviceAnswer::Outcome::Refused: {
        // The device's own verdict on its files keeps its meaning.
        const QString words = u"The device refused: %1"_s.arg(answer.message.left(1024));
        if (answer.code == u"not-found")
            return ApiResponse::failure(404, "not-found"_L1, words);
        if (answer.code == u"forbidden")
            return ApiResponse::failure(403, "forbidden"_L1, words);
        if (answer.code == u"bad-request")
            return ApiResponse::failure(400, "bad-request"_L1, words);
        return ApiResponse::failure(409, W::EdgeDeviceRefused, words);
    }
    case DeviceAnswer::Outcome::TimedOut:
        return ApiResponse::failure(504, W::EdgeDeviceTimeout, answer.message);
    case DeviceAnswer::Outcome::NotConnected:
        return ApiResponse::failure(409, W::EdgeNotConnected,
                                    answer.message +
                                        u" Its files are on the device: connect it and bind the "
                                        "Thing with its directories, then try again."_s);
    }
    return ApiResponse::fromError(makeError(ErrorCode::Internal, u"unknown device outcome"_s));
}

// A device's listing, checked before it reaches the client.
ApiResponse deviceListing(const QString &path, const QJsonObject &result)
{
    const QJsonValue entries = result.value(kEntries);
    if (!entries.isArray())
        return ApiResponse::failure(
            502, "bad-device-answer"_L1,
            u"The device answered file.list without an \"entries\" array."_s);
    QJsonArray checked;
    for (const QJsonValue &v : entries.toArray()) {
        const QJsonObject e = v.toObject();
        const QString name = e.value(W::Name).toString();
        const QString type = e.value(W::Type).toString();
        if (!checkRepositoryPath(name, RootPath::Refuse) || name.contains(u'/') ||
            (type != kFile && type != kDirectory))
            return ApiResponse::failure(
                502, "bad-device-answer"_L1,
                u"The device answered file.list with an entry that is not a valid "
                "name and type ('%1', '%2')."_s.arg(name.left(64), type.left(16)));
        QJsonObject o{{W::Name, name}, {W::Type, type}};
        if (e.value(kSize).isDouble())
            o.insert(kSize, e.value(kSize).toInteger());
        if (e.value(W::Modified).isString())
            o.insert(W::Modified, e.value(W::Modified).toString().left(64));
        checked.append(o);
    }
    return ApiResponse::json({{kPath, path}, {kEntries, checked}});
}

// What the storage work found out about the Thing: a repository (its id)
// or a device Thing whose request goes to the device.
struct Target
{
    bool device = false;
    QString repoId;
};

// Visibility (404), existence, then the permission for the kind of Thing.
Result<Target> resolveTarget(EntityStore &store, const Access::AccessModel &model,
                             const QString &user, const QString &thing, Permission repository,
                             std::optional<Permission> device)
{
    const EntityRef ref{QString(W::Things), thing};
    if (!model.isVisible(user, ref))
        return Access::notFound(ref);
    auto is = RepositoryCatalog::isRepository(store, thing);
    if (!is)
        return is.error();
    if (!*is) {
        if (!device)
            return makeError(ErrorCode::BadRequest,
                             u"Thing '%1' is not a file repository: its template does not derive "
                             "from %2. Copy a device's file into a repository with POST "
                             "/api/Transfers."_s.arg(thing, FileRepositoryTemplate));
        if (auto s = authorize(model, user, ref, *device); !s)
            return s.error();
        return Target{true, {}};
    }
    if (auto s = authorize(model, user, ref, repository); !s)
        return s.error();
    auto id = RepositoryCatalog::repositoryId(store, thing);
    if (!id)
        return id.error();
    return Target{false, *id};
}

Result<QByteArray> digestHeader(const ApiRequest &request, const QByteArray &name, int hexLength)
{
    const QByteArray value = request.header(name).trimmed().toLower();
    if (value.isEmpty())
        return value;
    static const QByteArray hexDigits("0123456789abcdef");
    if (value.size() != hexLength ||
        std::any_of(value.cbegin(), value.cend(), [](char c) { return !hexDigits.contains(c); }))
        return makeError(ErrorCode::BadRequest,
                         u"The %1 header must be %2 hexadecimal digits."_s.arg(
                             QString::fromLatin1(name), QString::number(hexLength)));
    return value;
}

} // namespace

Result<RoutePlan> fileRepositories(const ApiRequest &request, const Access::AccessModel &access,
                                   FileRepositories &files)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    if (request.arguments.size() > 1)
        return makeError(ErrorCode::NotFound,
                         u"A repository's files are at /api/Things/%1/Files."_s.arg(
                             request.arguments.at(1).left(64)));
    const QString user = request.user;
    const Access::AccessModel *model = &access;
    FileRepositories *repositories = &files;
    return RoutePlan{
        {}, [user, model, repositories](EntityStore &store) {
            auto list = RepositoryCatalog::list(store);
            if (!list)
                return ApiResponse::fromError(list.error());
            QJsonArray items;
            const qint64 quota = repositories->settings().repositoryQuotaBytes();
            for (const auto &repository : *list) {
                if (model->check(user, {QString(W::Things), repository.thing}, Permission::Read) !=
                    Access::Answer::Allow)
                    continue;
                items.append(QJsonObject{
                    {W::Name, repository.thing},
                    {W::Description, repository.description},
                    {kUsedBytes, repository.id.isEmpty() ? 0 : repositories->usage(repository.id)},
                    {kQuotaBytes, quota}});
            }
            return ApiResponse::json({{W::Items, items}});
        }};
}

Result<RoutePlan> thingFiles(const ApiRequest &request, const Access::AccessModel &access,
                             FileRepositories &files, EdgeEndpoint *edge)
{
    const QString thing = request.arguments.at(0);
    const bool content = request.arguments.size() > 1;
    if (content && request.arguments.at(1) != kContentPart)
        return makeError(
            ErrorCode::NotFound,
            u"There is nothing at Files/%1; a file's bytes are at Files/Content."_s.arg(
                request.arguments.at(1).left(64)));
    if (content && request.method != HttpMethod::Get && request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");
    if (!content && request.method != HttpMethod::Get && request.method != HttpMethod::Delete)
        return methodNotAllowed(request, "GET, DELETE");
    const QString path = request.query.queryItemValue(kPath, QUrl::FullyDecoded);
    const bool listing = !content && request.method == HttpMethod::Get;
    auto checked = checkRepositoryPath(path, listing ? RootPath::Allow : RootPath::Refuse);
    if (!checked)
        return checked.error();

    const QString user = request.user;
    const Access::AccessModel *model = &access;
    FileRepositories *repositories = &files;

    if (content && request.method == HttpMethod::Get) {
        return RoutePlan{{}, [user, model, repositories, thing, path](EntityStore &store) {
                             auto target = resolveTarget(store, *model, user, thing,
                                                         Permission::Read, std::nullopt);
                             if (!target)
                                 return ApiResponse::fromError(target.error());
                             auto reader = repositories->openRead(target->repoId, path);
                             if (!reader)
                                 return fileError(reader.error());
                             const qint64 limit = repositories->settings().restUploadLimitBytes();
                             if ((*reader)->size() > limit)
                                 return ApiResponse::fromError(makeError(
                                     ErrorCode::PayloadTooLarge,
                                     u"'%1' is larger than the %2 MiB a REST download may be "
                                     "(files/rest_upload_limit_mb): copy it to a device with "
                                     "POST /api/Transfers."_s.arg(path)
                                         .arg(repositories->settings().restUploadLimitMb)));
                             auto bytes = (*reader)->read(0, (*reader)->size());
                             if (!bytes)
                                 return fileError(bytes.error());
                             ApiResponse r;
                             r.status = 200;
                             r.rawBody = *bytes;
                             r.contentType = "application/octet-stream";
                             r.headers.append({"X-Bulwark-MD5", (*reader)->md5()});
                             r.headers.append({"X-Bulwark-SHA256", (*reader)->sha256()});
                             return r;
                         }};
    }

    if (content) { // PUT
        const QString overwriteText =
            request.query.queryItemValue(u"overwrite"_s, QUrl::FullyDecoded).toLower();
        if (!overwriteText.isEmpty() && overwriteText != u"true" && overwriteText != u"false")
            return makeError(
                ErrorCode::BadRequest,
                u"overwrite must be true or false; it is '%1'."_s.arg(overwriteText.left(16)));
        const auto overwrite = overwriteText == u"true" ? FileRepositories::Overwrite::Yes
                                                        : FileRepositories::Overwrite::No;
        auto md5 = digestHeader(request, "x-bulwark-md5", 32);
        if (!md5)
            return md5.error();
        auto sha256 = digestHeader(request, "x-bulwark-sha256", 64);
        if (!sha256)
            return sha256.error();
        if (request.body.size() > files.settings().restUploadLimitBytes())
            return makeError(ErrorCode::PayloadTooLarge,
                             u"A REST upload may be at most %1 MiB (files/rest_upload_limit_mb); "
                             "copy larger files with POST /api/Transfers."_s.arg(
                                 files.settings().restUploadLimitMb));
        const QByteArray body = request.body;
        return RoutePlan{
            {},
            [user, model, repositories, thing, path, body, overwrite, md5 = *md5,
             sha256 = *sha256](EntityStore &store) {
                auto target =
                    resolveTarget(store, *model, user, thing, Permission::Update, std::nullopt);
                if (!target)
                    return ApiResponse::fromError(target.error());
                const int chunkSize = repositories->settings().chunkSizeBytes();
                auto writer = repositories->beginWrite(
                    target->repoId, path, body.size(), chunkSize,
                    QUuid::createUuid().toString(QUuid::WithoutBraces), overwrite);
                if (!writer)
                    return fileError(writer.error());
                for (qsizetype at = 0;; at += chunkSize) {
                    const bool final = at + chunkSize >= body.size();
                    const QByteArray chunk =
                        body.mid(at, final ? body.size() - at : qsizetype(chunkSize));
                    if (auto s = (*writer)->append(chunk, final ? ChunkPosition::Final
                                                                : ChunkPosition::Middle);
                        !s) {
                        (*writer)->abandon();
                        return fileError(s.error());
                    }
                    if (final)
                        break;
                }
                auto stored = (*writer)->commit(md5, sha256);
                if (!stored) {
                    // commit() answers BadRequest only for a failed check.
                    if (stored.error().code == ErrorCode::BadRequest)
                        return ApiResponse::failure(400, "verification-failed"_L1,
                                                    stored.error().message +
                                                        u" Nothing was stored."_s);
                    return fileError(stored.error());
                }
                return ApiResponse::json(storedJson(*stored), 201);
            }};
    }

    // GET list or DELETE: a repository's own, or forwarded to the device.
    const bool remove = request.method == HttpMethod::Delete;
    auto forward = std::make_shared<bool>(false);
    RoutePlan plan{{},
                   [user, model, repositories, thing, path, remove, forward](EntityStore &store) {
                       auto target = resolveTarget(store, *model, user, thing,
                                                   remove ? Permission::Update : Permission::Read,
                                                   Permission::ServiceInvoke);
                       if (!target)
                           return ApiResponse::fromError(target.error());
                       if (target->device) {
                           *forward = true;
                           return ApiResponse::json({{kPath, path}});
                       }
                       if (remove) {
                           if (auto s = repositories->remove(target->repoId, path); !s)
                               return fileError(s.error());
                           return ApiResponse::noContent();
                       }
                       auto entries = repositories->list(target->repoId, path);
                       if (!entries)
                           return fileError(entries.error());
                       QJsonArray items;
                       for (const RepositoryEntry &e : *entries)
                           items.append(entryJson(e));
                       return ApiResponse::json({{kPath, path}, {kEntries, items}});
                   }};
    if (!edge)
        return plan;
    plan.throughDevice = [edge, thing, path, remove, forward](const ApiResponse &checked,
                                                              RoutePlan::DeviceFinish finish) {
        if (!*forward) {
            finish(checked, {}); // a repository: answered by the storage work
            return;
        }
        // Only a session that declared directories for the Thing gets file messages.
        const quint64 session = edge->fileSession(thing);
        if (session == 0) {
            finish(ApiResponse::failure(
                       409, W::EdgeNotConnected,
                       u"No connected device declared directories for Thing '%1'. Its "
                       "files are on the device: connect it and bind the Thing with "
                       "\"directories\", then try again."_s.arg(thing)),
                   {});
            return;
        }
        const QStringList declared = edge->directories(thing);
        if (!path.isEmpty() && !declared.contains(path.section(u'/', 0, 0))) {
            finish(ApiResponse::failure(
                       404, "not-found"_L1,
                       u"Thing '%1' has no directory '%2'; its device declared: %3."_s.arg(
                           thing, path.section(u'/', 0, 0), declared.join(u", "_s))),
                   {});
            return;
        }
        const int timeoutMs = edge->settings().invokeTimeoutSeconds * 1000;
        edge->requestSession(session,
                             {{W::Type, remove ? "file.delete"_L1 : "file.list"_L1},
                              {W::Thing, thing},
                              {kPath, path}},
                             timeoutMs, [finish, path, remove](DeviceAnswer answer) {
                                 finish(deviceOutcome(answer,
                                                      [&]() {
                                                          return remove ? ApiResponse::noContent()
                                                                        : deviceListing(
                                                                              path, answer.result);
                                                      }),
                                        {});
                             });
    };
    return plan;
}

} // namespace Bulwark::Routes
