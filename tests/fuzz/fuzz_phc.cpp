// PHC strings of stored password hashes (PasswordHasher::parsePhc): strict,
// so that what it accepts is exactly what hash() writes. A stored string
// that is neither PHC nor the legacy PBKDF2 format never verifies.
#include "FuzzCheck.h"
#include "security/PasswordHasher.h"

#include <cstddef>
#include <cstdint>

using namespace Bulwark;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    BulwarkFuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto phc = PasswordHasher::parsePhc(text);
    const PasswordHasher::Parameters defaults;
    if (!phc) {
        FUZZ_CHECK(PasswordHasher::needsRehash(text, defaults));
        // Not PHC and not legacy: refused before any key derivation runs.
        if (!text.startsWith(u"$pbkdf2-sha256$"))
            FUZZ_CHECK(!PasswordHasher::verify(u"password"_s, text));
        return 0;
    }
    const auto base64 = QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals;
    const QString written = u"$argon2id$v=19$m=%1,t=%2,p=%3$%4$%5"_s.arg(phc->parameters.memoryKiB)
                                .arg(phc->parameters.iterations)
                                .arg(phc->parameters.parallelism)
                                .arg(QString::fromLatin1(phc->salt.toBase64(base64)),
                                     QString::fromLatin1(phc->hash.toBase64(base64)));
    FUZZ_CHECK(written == text); // one canonical form
    FUZZ_CHECK(phc->salt.size() >= 8 && phc->salt.size() <= 64);
    FUZZ_CHECK(phc->hash.size() >= 16 && phc->hash.size() <= 64);
    FUZZ_CHECK(phc->parameters.iterations >= 1 && phc->parameters.iterations <= 100);
    FUZZ_CHECK(phc->parameters.parallelism >= 1 && phc->parameters.parallelism <= 64);
    FUZZ_CHECK(phc->parameters.memoryKiB >= 8 * phc->parameters.parallelism &&
               phc->parameters.memoryKiB <= 4194304);
    return 0;
}
