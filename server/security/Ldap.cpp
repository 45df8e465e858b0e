#include "Ldap.h"

#include "core/Names.h"

#include <QFileInfo>
#include <QSet>

#include <ldap.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <memory>
#include <mutex>
#include <thread>

namespace Bulwark::Ldap {

namespace {

// libldap writes to its sockets with write(2), not send(2) with
// MSG_NOSIGNAL as Qt does: a directory that closes a connection while a
// request goes out would end the whole process with SIGPIPE. Ignored once,
// before the first connection, unless the program set a handler of its own.
void ignoreBrokenPipes()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current = {};
        if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
            struct sigaction ignore = {};
            ignore.sa_handler = SIG_IGN;
            sigemptyset(&ignore.sa_mask);
            sigaction(SIGPIPE, &ignore, nullptr);
        }
    });
}

// One message for every failed sign-in, so that the answer never tells an
// unknown user from a wrong password or an ambiguous name.
QString genericFailure()
{
    return QStringLiteral("The user name or password is not correct.");
}

struct HandleDeleter
{
    void operator()(LDAP *ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
using Handle = std::unique_ptr<LDAP, HandleDeleter>;

struct MessageDeleter
{
    void operator()(LDAPMessage *message) const { ldap_msgfree(message); }
};
using Message = std::unique_ptr<LDAPMessage, MessageDeleter>;

struct DnDeleter
{
    void operator()(LDAPDN dn) const { ldap_dnfree(dn); }
};

struct UrlDeleter
{
    void operator()(LDAPURLDesc *url) const { ldap_free_urldesc(url); }
};

QString takeLdapString(char *text)
{
    const QString result = text ? QString::fromUtf8(text) : QString();
    ldap_memfree(text);
    return result;
}

berval toBerval(QByteArray &bytes)
{
    berval value{};
    value.bv_len = ber_len_t(bytes.size());
    value.bv_val = bytes.data();
    return value;
}

// Replaces {name} placeholders in one pass, so that a substituted value can
// never introduce another placeholder.
QString substitute(const QString &pattern, const QHash<QString, QString> &values)
{
    QString out;
    qsizetype i = 0;
    while (i < pattern.size()) {
        bool replaced = false;
        if (pattern.at(i) == u'{') {
            for (auto it = values.cbegin(); it != values.cend(); ++it) {
                const QString token = u'{' + it.key() + u'}';
                if (QStringView(pattern).mid(i).startsWith(token)) {
                    out += it.value();
                    i += token.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced)
            out += pattern.at(i++);
    }
    return out;
}

bool isTlsProblem(const QString &text)
{
    static const char *const markers[] = {"certificate", "TLS",    "tls", "handshake", "x509",
                                          "X.509",       "issuer", "SSL", "verify"};
    for (const char *marker : markers) {
        if (text.contains(QLatin1StringView(marker)))
            return true;
    }
    return false;
}

// Bounds a blocking call on a socket: when the budget runs out before
// disarm(), the socket is shut down, which ends any read or write on it.
// Needed because libldap 2.5 runs the TLS handshake (ldaps:// and after
// StartTLS) on a blocking socket with no timeout of its own: a server that
// accepts and never answers would otherwise hang the worker forever.
class SocketWatchdog final
{
public:
    SocketWatchdog() = default;
    SocketWatchdog(const SocketWatchdog &) = delete;
    SocketWatchdog &operator=(const SocketWatchdog &) = delete;
    ~SocketWatchdog() { disarm(); }

    void arm(int fd, std::chrono::milliseconds budget)
    {
        disarm();
        m_stop = false;
        m_thread = std::thread([this, fd, budget]() {
            std::unique_lock lock(m_mutex);
            if (!m_wake.wait_for(lock, budget, [this]() { return m_stop; })) {
                ::shutdown(fd, SHUT_RDWR);
                m_fired = true;
            }
        });
    }

    void disarm()
    {
        if (!m_thread.joinable())
            return;
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }

    [[nodiscard]] bool fired() const { return m_fired; }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::atomic<bool> m_fired = false;
    std::thread m_thread;
};

// libldap calls this once TCP is connected, before any TLS handshake.
int onConnected(LDAP *, Sockbuf *sb, LDAPURLDesc *, sockaddr *, ldap_conncb *context);
void onClosed(LDAP *, Sockbuf *, ldap_conncb *) {}

// A connection to one directory, bound to one config. Every failing call
// returns an error that says which step failed and what to check.
class Session final
{
public:
    explicit Session(const DirectoryConfig &config)
        : m_config(config)
    {}

    [[nodiscard]] bool usesLdaps() const
    {
        return m_config.url.startsWith(QLatin1StringView("ldaps://"), Qt::CaseInsensitive);
    }
    [[nodiscard]] bool usesStartTls() const { return !usesLdaps() && !m_config.insecure; }

    void connected(Sockbuf *sb)
    {
        m_tcpConnected = true;
        ber_socket_t fd = -1;
        if (ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) != 1 || fd < 0)
            return;
        m_fd = fd;
        if (usesLdaps())
            m_watchdog.arm(m_fd, budget());
    }

    [[nodiscard]] std::chrono::milliseconds budget() const
    {
        return std::chrono::seconds(m_config.timeoutSeconds);
    }

    // TCP (and TLS for ldaps://).
    [[nodiscard]] Result<QString> connect()
    {
        ignoreBrokenPipes();
        LDAP *raw = nullptr;
        int rc = ldap_initialize(&raw, m_config.url.toUtf8().constData());
        m_ld.reset(raw);
        if (rc != LDAP_SUCCESS || !m_ld)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The directory URL '%1' cannot be used: %2.")
                                 .arg(m_config.url, QString::fromUtf8(ldap_err2string(rc))));
        if (auto s = setOptions(); !s)
            return s.error();
        rc = ldap_connect(m_ld.get());
        m_watchdog.disarm();
        // A handshake cut short by the watchdog reads as a TLS error.
        if (m_watchdog.fired())
            return timeoutError(QStringLiteral("the TLS handshake"));
        if (rc != LDAP_SUCCESS)
            return connectionError(rc, usesLdaps() && m_tcpConnected);
        return usesLdaps() ? QStringLiteral("Connected to %1 over TLS; the server certificate is "
                                            "trusted.")
                                 .arg(m_config.url)
                           : QStringLiteral("Connected to %1.").arg(m_config.url);
    }

    [[nodiscard]] Result<QString> startTls()
    {
        if (usesLdaps())
            return QStringLiteral("TLS from the start (ldaps://).");
        if (!usesStartTls())
            return QStringLiteral("No TLS: this directory service is marked insecure, so "
                                  "passwords cross the network in clear text.");
        if (m_fd >= 0)
            m_watchdog.arm(m_fd, budget());
        const int rc = ldap_start_tls_s(m_ld.get(), nullptr, nullptr);
        m_watchdog.disarm();
        if (m_watchdog.fired())
            return timeoutError(QStringLiteral("StartTLS"));
        if (rc == LDAP_SUCCESS)
            return QStringLiteral("StartTLS succeeded; the server certificate is trusted.");
        if (rc == LDAP_TIMEOUT)
            return timeoutError(QStringLiteral("StartTLS"));
        const QString reason = describe(rc);
        if (rc == LDAP_CONNECT_ERROR || isTlsProblem(reason))
            return makeError(
                ErrorCode::Unavailable,
                QStringLiteral("TLS with the directory at %1 failed: the server certificate "
                               "could not be verified or the handshake failed (%2). Check the "
                               "CA file and that the certificate names this host.")
                    .arg(m_config.url, reason));
        if (rc == LDAP_SERVER_DOWN)
            return connectionError(rc, false);
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The directory at %1 refused StartTLS (%2); use an "
                                        "ldaps:// URL or enable TLS on the server.")
                             .arg(m_config.url, reason));
    }

    [[nodiscard]] Result<QString> bindService()
    {
        QByteArray password = m_config.bindPassword.toUtf8();
        berval credentials = toBerval(password);
        const int rc = ldap_sasl_bind_s(m_ld.get(), m_config.bindDn.toUtf8().constData(),
                                        LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
        if (rc == LDAP_SUCCESS)
            return QStringLiteral("Signed in as the service account '%1'.").arg(m_config.bindDn);
        if (rc == LDAP_TIMEOUT)
            return timeoutError(QStringLiteral("the service account bind"));
        if (rc == LDAP_SERVER_DOWN)
            return connectionError(rc, false);
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The directory refused the service account '%1' (%2). "
                                        "Check the bind DN and password.")
                             .arg(m_config.bindDn, describe(rc)));
    }

    [[nodiscard]] Result<QString> readBase()
    {
        auto entries =
            search(m_config.userBase, LDAP_SCOPE_BASE, QStringLiteral("(objectClass=*)"), 1);
        if (!entries)
            return entries.error();
        return QStringLiteral("The user search base '%1' exists and the service account can "
                              "read it.")
            .arg(m_config.userBase);
    }

    // The DN of the one entry the user filter matches.
    [[nodiscard]] Result<QString> findUser(const QString &user)
    {
        const QString filter =
            substitute(m_config.userFilter, {{QStringLiteral("user"), escapeFilterValue(user)}});
        auto entries = search(m_config.userBase, LDAP_SCOPE_SUBTREE, filter, 2);
        if (!entries)
            return entries.error();
        if (entries->size() != 1)
            return makeError(ErrorCode::Unauthorized, genericFailure());
        return entries->constFirst();
    }

    [[nodiscard]] Result<QStringList> groupsOf(const QString &dn, const QString &user)
    {
        if (m_config.groupBase.isEmpty())
            return QStringList();
        const QString filter =
            substitute(m_config.groupFilter, {{QStringLiteral("dn"), escapeFilterValue(dn)},
                                              {QStringLiteral("user"), escapeFilterValue(user)}});
        return search(m_config.groupBase, LDAP_SCOPE_SUBTREE, filter, LDAP_NO_LIMIT);
    }

    [[nodiscard]] Status bindUser(const QString &dn, const QString &password)
    {
        QByteArray bytes = password.toUtf8();
        berval credentials = toBerval(bytes);
        const int rc = ldap_sasl_bind_s(m_ld.get(), dn.toUtf8().constData(), LDAP_SASL_SIMPLE,
                                        &credentials, nullptr, nullptr, nullptr);
        if (rc == LDAP_SUCCESS)
            return {};
        if (rc == LDAP_INVALID_CREDENTIALS)
            return makeError(ErrorCode::Unauthorized, genericFailure());
        if (rc == LDAP_TIMEOUT)
            return timeoutError(QStringLiteral("the user bind"));
        if (rc == LDAP_SERVER_DOWN)
            return connectionError(rc, false);
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The directory at %1 refused the sign-in for a reason "
                                        "other than the password (%2).")
                             .arg(m_config.url, describe(rc)));
    }

private:
    [[nodiscard]] Status setOptions()
    {
        LDAP *ld = m_ld.get();
        const int version = LDAP_VERSION3;
        timeval timeout{};
        timeout.tv_sec = m_config.timeoutSeconds;
        const int demand = LDAP_OPT_X_TLS_DEMAND;
        const int minimumTls = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
        const int client = 0;
        const QByteArray caFile = m_config.caFile.toUtf8();
        m_callbacks.lc_add = &onConnected;
        m_callbacks.lc_del = &onClosed;
        m_callbacks.lc_arg = this;
        bool ok = ldap_set_option(ld, LDAP_OPT_CONNECT_CB, &m_callbacks) == LDAP_OPT_SUCCESS &&
                  ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) == LDAP_OPT_SUCCESS &&
                  ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) == LDAP_OPT_SUCCESS &&
                  ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout) == LDAP_OPT_SUCCESS &&
                  ldap_set_option(ld, LDAP_OPT_TIMEOUT, &timeout) == LDAP_OPT_SUCCESS &&
                  ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) == LDAP_OPT_SUCCESS &&
                  ldap_set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &minimumTls) == LDAP_OPT_SUCCESS;
        if (ok && !caFile.isEmpty())
            ok = ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, caFile.constData()) ==
                 LDAP_OPT_SUCCESS;
        // The options above apply only once the handle has its own context.
        if (!ok || ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &client) != LDAP_OPT_SUCCESS)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The TLS settings for %1 could not be applied (%2); "
                                            "check that the CA file '%3' is a readable PEM file.")
                                 .arg(m_config.url, describe(LDAP_OTHER), m_config.caFile));
        return {};
    }

    [[nodiscard]] QString describe(int rc) const
    {
        QString text = QString::fromUtf8(ldap_err2string(rc));
        char *diagnostic = nullptr;
        if (m_ld)
            ldap_get_option(m_ld.get(), LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic);
        const QString detail = takeLdapString(diagnostic);
        if (!detail.isEmpty() && detail != text)
            text += QStringLiteral(": ") + detail;
        return text;
    }

    [[nodiscard]] Error timeoutError(const QString &what) const
    {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The directory at %1 did not answer %2 within %3 "
                                        "seconds.")
                             .arg(m_config.url, what)
                             .arg(m_config.timeoutSeconds));
    }

    // tlsStarted: TCP was connected and the failure came during or after
    // the TLS handshake of an ldaps:// connection.
    [[nodiscard]] Error connectionError(int rc, bool tlsStarted) const
    {
        const QString reason = describe(rc);
        if (rc == LDAP_TIMEOUT ||
            reason.contains(QLatin1StringView("timed out"), Qt::CaseInsensitive))
            return timeoutError(QStringLiteral("the connection"));
        if (tlsStarted)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("TLS with the directory at %1 failed: the server "
                                            "certificate could not be verified or the handshake "
                                            "failed (%2). Check the CA file and that the "
                                            "certificate names this host.")
                                 .arg(m_config.url, reason));
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot connect to the directory at %1 (%2). Check the "
                                        "address and port, and that the server is running.")
                             .arg(m_config.url, reason));
    }

    // DNs of the entries found. A size limit hit counts as "more than
    // limit", which is all a user search needs to know.
    [[nodiscard]] Result<QStringList> search(const QString &base, int scope, const QString &filter,
                                             int sizeLimit)
    {
        timeval timeout{};
        timeout.tv_sec = m_config.timeoutSeconds;
        char noAttributes[] = LDAP_NO_ATTRS;
        char *attributes[] = {noAttributes, nullptr};
        LDAPMessage *raw = nullptr;
        const int rc = ldap_search_ext_s(m_ld.get(), base.toUtf8().constData(), scope,
                                         filter.toUtf8().constData(), attributes, 0, nullptr,
                                         nullptr, &timeout, sizeLimit, &raw);
        Message result(raw);
        if (rc == LDAP_TIMEOUT || rc == LDAP_TIMELIMIT_EXCEEDED)
            return timeoutError(QStringLiteral("a search"));
        if (rc == LDAP_NO_SUCH_OBJECT)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The search base '%1' does not exist in the "
                                            "directory at %2, or the service account cannot "
                                            "see it.")
                                 .arg(base, m_config.url));
        if (rc == LDAP_FILTER_ERROR)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The directory at %1 rejected the search filter "
                                            "'%2'; check the configured filter.")
                                 .arg(m_config.url, filter));
        if (rc == LDAP_SERVER_DOWN)
            return connectionError(rc, false);
        if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED)
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("A search in '%1' on the directory at %2 failed "
                                            "(%3).")
                                 .arg(base, m_config.url, describe(rc)));
        QStringList dns;
        for (LDAPMessage *entry = ldap_first_entry(m_ld.get(), result.get()); entry;
             entry = ldap_next_entry(m_ld.get(), entry))
            dns.append(takeLdapString(ldap_get_dn(m_ld.get(), entry)));
        if (rc == LDAP_SIZELIMIT_EXCEEDED && sizeLimit > 0 && dns.size() <= sizeLimit)
            dns.append(QString()); // more than the limit
        return dns;
    }

    const DirectoryConfig &m_config;
    ldap_conncb m_callbacks{};   // must outlive m_ld, which refers to it
    bool m_tcpConnected = false; // a failure after this is TLS or the server
    int m_fd = -1;
    SocketWatchdog m_watchdog; // joined before m_ld closes the socket
    Handle m_ld;
};

int onConnected(LDAP *, Sockbuf *sb, LDAPURLDesc *, sockaddr *, ldap_conncb *context)
{
    static_cast<Session *>(context->lc_arg)->connected(sb);
    return 0;
}

QStringList mapGroups(const DirectoryConfig &config, const QStringList &directoryGroups)
{
    QHash<QString, QString> byNormalDn;
    for (auto it = config.groupMapping.cbegin(); it != config.groupMapping.cend(); ++it)
        byNormalDn.insert(normalizeDn(it.key()), it.value());
    QSet<QString> platform;
    for (const QString &dn : directoryGroups) {
        const auto found = byNormalDn.constFind(normalizeDn(dn));
        if (found != byNormalDn.cend())
            platform.insert(*found);
    }
    QStringList sorted(platform.cbegin(), platform.cend());
    sorted.sort();
    return sorted;
}

Status checkDn(const QString &what, const QString &dn, bool required)
{
    if (dn.isEmpty()) {
        if (required)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("The %1 is missing; give a DN such as "
                                            "'ou=people,dc=example,dc=com'.")
                                 .arg(what));
        return {};
    }
    if (normalizeDn(dn).isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The %1 '%2' is not a valid DN (RFC 4514), for example "
                                        "'ou=people,dc=example,dc=com'.")
                             .arg(what, dn.left(256)));
    return {};
}

Status checkFilter(const QString &what, const QString &filter, const QStringList &placeholders)
{
    bool hasPlaceholder = false;
    for (const QString &p : placeholders)
        hasPlaceholder = hasPlaceholder || filter.contains(p);
    if (!hasPlaceholder)
        return makeError(
            ErrorCode::BadRequest,
            QStringLiteral("The %1 '%2' must contain %3, which is replaced by the "
                           "escaped value at sign-in.")
                .arg(what, filter.left(256), placeholders.join(QStringLiteral(" or "))));
    int depth = 0;
    for (const QChar c : filter) {
        depth += c == u'(' ? 1 : c == u')' ? -1 : 0;
        if (depth < 0)
            break;
    }
    if (!filter.startsWith(u'(') || !filter.endsWith(u')') || depth != 0)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The %1 '%2' is not a parenthesised LDAP filter with "
                                        "balanced parentheses, such as '(uid={user})'.")
                             .arg(what, filter.left(256)));
    return {};
}

} // namespace

QString escapeFilterValue(const QString &value)
{
    QByteArray bytes = value.toUtf8();
    berval in = toBerval(bytes);
    berval out{};
    if (ldap_bv2escaped_filter_value(&in, &out) != 0)
        return {};
    const QString escaped = QString::fromUtf8(out.bv_val, qsizetype(out.bv_len));
    ber_memfree(out.bv_val);
    return escaped;
}

QString escapeDnValue(const QString &value)
{
    // libldap has no public "escape one value" call; serialising a DN of one
    // AVA with ldap_dn2bv applies its RFC 4514 escaping, and the attribute
    // prefix is then cut off.
    QByteArray attribute("x");
    QByteArray bytes = value.toUtf8();
    LDAPAVA ava{};
    ava.la_attr = toBerval(attribute);
    ava.la_value = toBerval(bytes);
    ava.la_flags = LDAP_AVA_STRING;
    LDAPAVA *rdn[] = {&ava, nullptr};
    LDAPRDN dn[] = {rdn, nullptr};
    berval out{};
    if (ldap_dn2bv(dn, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
        return {};
    QByteArray serialised(out.bv_val, qsizetype(out.bv_len));
    ldap_memfree(out.bv_val);
    return QString::fromUtf8(serialised.mid(attribute.size() + 1));
}

QString normalizeDn(const QString &dn)
{
    LDAPDN parsed = nullptr;
    if (ldap_str2dn(dn.toUtf8().constData(), &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS)
        return {};
    std::unique_ptr<LDAPRDN, DnDeleter> owner(parsed);
    if (!parsed)
        return {};
    char *text = nullptr;
    if (ldap_dn2str(parsed, &text, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
        return {};
    return takeLdapString(text).toLower();
}

Status validate(const DirectoryConfig &config)
{
    if (auto s = Names::validate(QStringLiteral("directory service"), config.name); !s)
        return s;
    if (config.url.isEmpty() || config.url.contains(u' ') || config.url.contains(u','))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Give the directory as one URL, ldaps://host:port or "
                                        "ldap://host:port (StartTLS)."));
    LDAPURLDesc *rawUrl = nullptr;
    if (ldap_url_parse(config.url.toUtf8().constData(), &rawUrl) != LDAP_URL_SUCCESS)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'%1' is not an LDAP URL; use ldaps://host:port or "
                                        "ldap://host:port.")
                             .arg(config.url.left(256)));
    std::unique_ptr<LDAPURLDesc, UrlDeleter> url(rawUrl);
    const QString scheme = QString::fromUtf8(url->lud_scheme).toLower();
    if (scheme != u"ldap" && scheme != u"ldaps")
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The URL scheme '%1' is not supported; use ldaps:// or "
                                        "ldap:// (with StartTLS).")
                             .arg(scheme));
    if (!url->lud_host || !*url->lud_host)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The URL '%1' names no host.").arg(config.url.left(256)));
    if (scheme == u"ldaps" && config.insecure)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'insecure' only lets an ldap:// URL skip StartTLS; an "
                                        "ldaps:// URL always uses TLS. Remove 'insecure'."));
    if (!config.caFile.isEmpty()) {
        const QFileInfo ca(config.caFile);
        if (!ca.isAbsolute() || !ca.isFile() || !ca.isReadable())
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("The CA file '%1' is not a readable file given by "
                                            "an absolute path on the server.")
                                 .arg(config.caFile.left(256)));
    }
    if (auto s = checkDn(QStringLiteral("service bind DN"), config.bindDn, true); !s)
        return s;
    if (auto s = checkDn(QStringLiteral("user search base"), config.userBase, true); !s)
        return s;
    if (auto s = checkFilter(QStringLiteral("user filter"), config.userFilter,
                             {QStringLiteral("{user}")});
        !s)
        return s;
    if (auto s = checkDn(QStringLiteral("group search base"), config.groupBase, false); !s)
        return s;
    if (!config.groupBase.isEmpty()) {
        if (auto s = checkFilter(QStringLiteral("group filter"), config.groupFilter,
                                 {QStringLiteral("{dn}"), QStringLiteral("{user}")});
            !s)
            return s;
    }
    if (!config.groupMapping.isEmpty() && config.groupBase.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("A group mapping needs a group search base to find the "
                                        "user's directory groups."));
    for (auto it = config.groupMapping.cbegin(); it != config.groupMapping.cend(); ++it) {
        if (auto s = checkDn(QStringLiteral("mapped directory group"), it.key(), true); !s)
            return s;
        if (auto s = Names::validate(QStringLiteral("mapped platform group"), it.value()); !s)
            return makeError(ErrorCode::BadRequest, s.error().message);
    }
    if (config.timeoutSeconds < MinimumTimeoutSeconds ||
        config.timeoutSeconds > MaximumTimeoutSeconds)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The timeout is %1 seconds; use %2 to %3.")
                             .arg(config.timeoutSeconds)
                             .arg(MinimumTimeoutSeconds)
                             .arg(MaximumTimeoutSeconds));
    return {};
}

Result<DirectoryLogin> authenticate(const DirectoryConfig &config, const QString &user,
                                    const QString &password)
{
    // An empty password would be an unauthenticated bind, which directories
    // answer with success: refuse it before any network traffic.
    if (user.isEmpty() || password.isEmpty())
        return makeError(ErrorCode::Unauthorized, genericFailure());
    if (!config.enabled)
        return makeError(
            ErrorCode::Unavailable,
            QStringLiteral("The directory service '%1' is disabled.").arg(config.name));
    Session session(config);
    if (auto s = session.connect(); !s)
        return s.error();
    if (auto s = session.startTls(); !s)
        return s.error();
    if (auto s = session.bindService(); !s)
        return s.error();
    auto dn = session.findUser(user);
    if (!dn)
        return dn.error();
    // Groups are read while still bound as the service account: users often
    // cannot read group entries themselves.
    auto groups = session.groupsOf(*dn, user);
    if (!groups)
        return groups.error();
    if (auto s = session.bindUser(*dn, password); !s)
        return s.error();
    return DirectoryLogin{*dn, *groups, mapGroups(config, *groups)};
}

QList<DirectoryTestStep> testSteps(const DirectoryConfig &config, const QString &user,
                                   const QString &password)
{
    QList<DirectoryTestStep> steps;
    auto record = [&steps](const char *step, const Result<QString> &result) {
        steps.append(
            {QString::fromLatin1(step), result.ok(), result ? *result : result.error().message});
        return result.ok();
    };
    Session session(config);
    if (!record("connect", session.connect()) || !record("tls", session.startTls()) ||
        !record("bind", session.bindService()) || !record("search", session.readBase()))
        return steps;
    if (user.isEmpty())
        return steps;

    if (password.isEmpty()) {
        record("login", makeError(ErrorCode::Unauthorized,
                                  QStringLiteral("No password was given: an empty password "
                                                 "would be an unauthenticated bind, so it is "
                                                 "refused without asking the directory.")));
        return steps;
    }
    auto dn = session.findUser(user);
    if (!dn) {
        record("login", dn.error().code == ErrorCode::Unauthorized
                            ? makeError(ErrorCode::Unauthorized,
                                        QStringLiteral("The user filter matched no entry or "
                                                       "more than one for '%1'.")
                                            .arg(user.left(128)))
                            : dn.error());
        return steps;
    }
    auto groups = session.groupsOf(*dn, user);
    if (auto s = session.bindUser(*dn, password); !s) {
        record("login", s.error().code == ErrorCode::Unauthorized
                            ? makeError(ErrorCode::Unauthorized,
                                        QStringLiteral("Found '%1', but the directory refused "
                                                       "the password.")
                                            .arg(*dn))
                            : s.error());
        return steps;
    }
    record("login", QStringLiteral("Signed in as '%1'.").arg(*dn));
    if (!groups) {
        record("groups", groups.error());
        return steps;
    }
    const QStringList mapped = mapGroups(config, *groups);
    record("groups",
           config.groupBase.isEmpty()
               ? QStringLiteral("No group search base is configured, so no groups are read.")
               : QStringLiteral("Member of %1 directory group(s)%2; platform groups: %3.")
                     .arg(groups->size())
                     .arg(groups->isEmpty() ? QString()
                                            : QStringLiteral(" (%1)").arg(groups->join(u"; ")))
                     .arg(mapped.isEmpty() ? QStringLiteral("none") : mapped.join(u", ")));
    return steps;
}

Result<QString> testConnection(const DirectoryConfig &config)
{
    const QList<DirectoryTestStep> steps = testSteps(config);
    QStringList messages;
    for (const DirectoryTestStep &step : steps) {
        if (!step.ok)
            return makeError(ErrorCode::Unavailable, step.message);
        messages.append(step.message);
    }
    return messages.join(u' ');
}

} // namespace Bulwark::Ldap
