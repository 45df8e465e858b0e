// REST request bodies (docs/rest-api.md) as the routes decode them: the body
// must be one JSON object (ApiServer's parseBody), then the entity parsers
// of EntityJson turn it into a Thing, ThingTemplate, User, Group,
// Organization or a set of definitions. Every parser gets every body; what
// one accepts must survive toJson() and parse again to the same JSON.
#include "FuzzCheck.h"
#include "core/EntityJson.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace Bulwark;
using namespace Qt::StringLiterals;

namespace {

// A parsed entity, written out and parsed again, gives the same JSON.
template <typename Parse> void checkRoundTrip(Parse parse, const QJsonObject &body)
{
    auto first = parse(body);
    if (!first) {
        FUZZ_CHECK(!first.error().message.isEmpty());
        return;
    }
    const QJsonObject written = EntityJson::toJson(*first);
    auto second = parse(written);
    FUZZ_CHECK(bool(second));
    FUZZ_CHECK(EntityJson::toJson(*second) == written);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    BulwarkFuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return 0;
    const QJsonObject object = document.object();
    checkRoundTrip(EntityJson::thingFromJson, object);
    checkRoundTrip(EntityJson::templateFromJson, object);
    checkRoundTrip(EntityJson::userFromJson, object);
    checkRoundTrip(EntityJson::groupFromJson, object);
    checkRoundTrip(EntityJson::organizationFromJson, object);
    checkRoundTrip(
        [](const QJsonObject &o) { return EntityJson::definitionsFromJson(o, u"Boiler1"_s); },
        object);
    return 0;
}
