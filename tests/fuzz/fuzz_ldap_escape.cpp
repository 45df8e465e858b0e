// LDAP escaping of user input (Ldap::escapeFilterValue, escapeDnValue): the
// escaped value, put into a filter or DN and parsed back by libldap itself,
// is one assertion value equal to the input, whatever the input: no
// injection of filter or DN syntax. Also parses the raw input as a DN
// (normalizeDn), as the server does with configured and returned DNs.
#include "FuzzCheck.h"
#include "security/Ldap.h"

#include <lber.h>
#include <ldap.h>

#include <cstddef>
#include <cstdint>

// libldap's string-to-BER filter encoder (what ldap_search_ext uses); exported
// by libldap but declared only in its private header.
extern "C" int ldap_pvt_put_filter(BerElement *ber, const char *text);

using namespace Bulwark;
using namespace Qt::StringLiterals;

namespace {

QByteArray bytesOf(const berval &value)
{
    return QByteArray(value.bv_val, qsizetype(value.bv_len));
}

// The filter "(uid=<escaped>)", encoded by libldap: an equality match of uid
// with exactly the input as its assertion value, and nothing else.
void checkFilter(const QString &value)
{
    const QString escaped = Ldap::escapeFilterValue(value);
    const QByteArray filter = u"(uid=%1)"_s.arg(escaped).toUtf8();
    BerElement *out = ber_alloc_t(LBER_USE_DER);
    FUZZ_CHECK(out != nullptr);
    FUZZ_CHECK(ldap_pvt_put_filter(out, filter.constData()) != -1);
    berval *flat = nullptr;
    FUZZ_CHECK(ber_flatten(out, &flat) == 0);
    ber_free(out, 1);
    BerElement *in = ber_init(flat);
    FUZZ_CHECK(in != nullptr);
    ber_len_t length = 0;
    FUZZ_CHECK(ber_peek_tag(in, &length) == LDAP_FILTER_EQUALITY);
    berval attribute{}, assertion{};
    FUZZ_CHECK(ber_scanf(in, "{mm}", &attribute, &assertion) != LBER_ERROR);
    FUZZ_CHECK(bytesOf(attribute) == "uid");
    FUZZ_CHECK(bytesOf(assertion) == value.toUtf8());
    FUZZ_CHECK(ber_peek_tag(in, &length) == LBER_DEFAULT); // nothing after it
    ber_free(in, 1);
    ber_bvfree(flat);
}

// The DN "uid=<escaped>,ou=people,dc=example,dc=org", parsed by libldap: four
// RDNs, the first one AVA uid with exactly the input as its value.
void checkDn(const QString &value)
{
    const QString escaped = Ldap::escapeDnValue(value);
    const QByteArray dnText = u"uid=%1,ou=people,dc=example,dc=org"_s.arg(escaped).toUtf8();
    LDAPDN dn = nullptr;
    FUZZ_CHECK(ldap_str2dn(dnText.constData(), &dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS);
    FUZZ_CHECK(dn != nullptr);
    int rdns = 0;
    while (dn[rdns])
        ++rdns;
    FUZZ_CHECK(rdns == 4);
    FUZZ_CHECK(dn[0][0] != nullptr && dn[0][1] == nullptr); // one AVA
    FUZZ_CHECK(bytesOf(dn[0][0]->la_attr) == "uid");
    FUZZ_CHECK(bytesOf(dn[0][0]->la_value) == value.toUtf8());
    ldap_dnfree(dn);
    FUZZ_CHECK(!Ldap::normalizeDn(QString::fromUtf8(dnText)).isEmpty());
}

// libldap is not instrumented, so the fuzzer sees no coverage inside it;
// telling apart here which of the characters that filter and DN syntax give
// a meaning to an input holds (and how often) lets it keep inputs that mix
// them differently.
int syntaxCharacters(const QByteArray &bytes)
{
    int seen = 0;
    for (const char c : bytes) {
        switch (c) {
        case '\0':
            seen += 1;
            break;
        case '*':
            seen += 2;
            break;
        case '(':
            seen += 3;
            break;
        case ')':
            seen += 4;
            break;
        case '\\':
            seen += 5;
            break;
        case ',':
            seen += 6;
            break;
        case '+':
            seen += 7;
            break;
        case '"':
            seen += 8;
            break;
        case '<':
            seen += 9;
            break;
        case '>':
            seen += 10;
            break;
        case ';':
            seen += 11;
            break;
        case '=':
            seen += 12;
            break;
        case '#':
            seen += 13;
            break;
        case ' ':
            seen += 14;
            break;
        default:
            seen += (c & 0x80) ? 15 : 0;
            break;
        }
    }
    return seen;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    BulwarkFuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString value = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    if (syntaxCharacters(value.toUtf8()) < 0)
        return 0;
    checkFilter(value);
    if (!value.isEmpty())
        checkDn(value);
    (void)Ldap::normalizeDn(value);
    return 0;
}
