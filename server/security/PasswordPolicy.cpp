#include "PasswordPolicy.h"

#include "SecuritySettings.h"

#include <QFileInfo>
#include <QMutex>

#include <libintl.h>
#include <pwquality.h>

#include <cstring>
#include <memory>

namespace Bulwark::PasswordPolicy {

namespace {

const QString kAdvice = QStringLiteral("Choose a longer passphrase of unrelated words.");

Error refuse(const QString &why)
{
    return makeError(ErrorCode::BadRequest, why);
}

struct SettingsDeleter
{
    void operator()(pwquality_settings_t *settings) const { pwquality_free_settings(settings); }
};
using Settings = std::unique_ptr<pwquality_settings_t, SettingsDeleter>;

// Our rules decide length and character classes; pwquality contributes only
// its palindrome, user-name and cracklib checks. Its configuration file is
// never read, so /etc/security/pwquality.conf does not change our policy.
Settings makeSettings()
{
    Settings s(pwquality_default_settings());
    if (!s)
        return s;
    const std::pair<int, int> values[] = {
        {PWQ_SETTING_MIN_LENGTH, 6},   {PWQ_SETTING_DIG_CREDIT, 0},
        {PWQ_SETTING_UP_CREDIT, 0},    {PWQ_SETTING_LOW_CREDIT, 0},
        {PWQ_SETTING_OTH_CREDIT, 0},   {PWQ_SETTING_MIN_CLASS, 0},
        {PWQ_SETTING_MAX_REPEAT, 0},   {PWQ_SETTING_MAX_CLASS_REPEAT, 0},
        {PWQ_SETTING_MAX_SEQUENCE, 0}, {PWQ_SETTING_GECOS_CHECK, 0},
        {PWQ_SETTING_DICT_CHECK, 1},   {PWQ_SETTING_USER_CHECK, 1},
    };
    for (const auto &[setting, value] : values) {
        if (pwquality_set_int_value(s.get(), setting, value) != 0)
            return nullptr;
    }
    if (pwquality_set_str_value(s.get(), PWQ_SETTING_DICT_PATH, DictionaryPath) != 0)
        return nullptr;
    return s;
}

// cracklib's reasons, in English or in the language of the process locale.
bool isReason(const char *message, const char *english)
{
    return message && (std::strcmp(message, english) == 0 ||
                       std::strcmp(message, dgettext("cracklib", english)) == 0);
}

bool isDictionaryWord(const char *message)
{
    return isReason(message, "it is based on a dictionary word") ||
           isReason(message, "it is based on a (reversed) dictionary word");
}

enum class Subject
{
    Whole,     // the password as given
    Decorated, // its core word, without the digits and symbols at its ends
};

Error cracklibRefusal(const char *message, Subject subject)
{
    if (isReason(message, "error loading dictionary"))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The common-password dictionary %1 could not be read; "
                                        "reinstall the Debian package cracklib-runtime.")
                             .arg(QString::fromLatin1(DictionaryPath)));
    if (subject == Subject::Decorated) {
        if (isDictionaryWord(message))
            return refuse(QStringLiteral("This password is too common: it is a dictionary word "
                                         "with digits or symbols added. ") +
                          kAdvice);
        return refuse(QStringLiteral("This password is too easy to guess: it is a simple pattern "
                                     "with digits or symbols added. ") +
                      kAdvice);
    }
    if (isDictionaryWord(message))
        return refuse(QStringLiteral("This password is too common: it is based on a dictionary "
                                     "word. ") +
                      kAdvice);
    if (isReason(message, "it is too simplistic/systematic"))
        return refuse(QStringLiteral("This password is too easy to guess: it is too simple or "
                                     "systematic, such as a run of consecutive keys or digits. ") +
                      kAdvice);
    if (isReason(message, "it does not contain enough DIFFERENT characters") ||
        isReason(message, "it is all whitespace"))
        return refuse(QStringLiteral("This password repeats too few different characters. ") +
                      kAdvice);
    if (isReason(message, "it looks like a National Insurance number."))
        return refuse(QStringLiteral("This password looks like a National Insurance number. ") +
                      kAdvice);
    return refuse(QStringLiteral("This password is too easy to guess (%1). ")
                      .arg(QString::fromLocal8Bit(message ? message : "cracklib")) +
                  kAdvice);
}

// Runs pwquality; an empty Status when it has nothing against the text.
Status runPwquality(pwquality_settings_t *settings, const QByteArray &text, const QByteArray &user,
                    Subject subject)
{
    void *aux = nullptr;
    const int rc = pwquality_check(settings, text.constData(), nullptr,
                                   user.isEmpty() ? nullptr : user.constData(), &aux);
    if (rc >= 0)
        return {};
    switch (rc) {
    case PWQ_ERROR_USER_CHECK:
        return refuse(QStringLiteral("The password contains the user name. Choose one that "
                                     "does not."));
    case PWQ_ERROR_PALINDROME:
        return refuse(QStringLiteral("The password reads the same backwards (a palindrome). ") +
                      kAdvice);
    case PWQ_ERROR_CRACKLIB_CHECK:
        // aux is cracklib's static message: not ours to free.
        return cracklibRefusal(static_cast<const char *>(aux), subject);
    default: {
        char buffer[PWQ_MAX_ERROR_MESSAGE_LEN];
        const char *what = pwquality_strerror(buffer, sizeof buffer, rc, aux);
        return makeError(ErrorCode::Internal,
                         QStringLiteral("The password could not be checked (libpwquality: %1).")
                             .arg(QString::fromLocal8Bit(what)));
    }
    }
}

// "P@ssw0rd2024!" -> "password": what is left after removing non-letters from
// both ends and undoing the usual letter-for-symbol swaps inside. Empty when
// the middle still holds anything but letters (a passphrase with spaces).
QString coreWord(const QString &password)
{
    qsizetype begin = 0;
    qsizetype end = password.size();
    while (begin < end && !password.at(begin).isLetter())
        ++begin;
    while (end > begin && !password.at(end - 1).isLetter())
        --end;
    QString core;
    for (qsizetype i = begin; i < end; ++i) {
        QChar c = password.at(i).toLower();
        switch (c.unicode()) {
        case u'0':
            c = u'o';
            break;
        case u'1':
            c = u'i';
            break;
        case u'3':
            c = u'e';
            break;
        case u'4':
            c = u'a';
            break;
        case u'5':
            c = u's';
            break;
        case u'7':
            c = u't';
            break;
        case u'@':
            c = u'a';
            break;
        case u'$':
            c = u's';
            break;
        case u'!':
            c = u'i';
            break;
        default:
            break;
        }
        if (!c.isLetter())
            return {};
        core.append(c);
    }
    return core;
}

Status checkCommon(const QString &password, const QString &userName)
{
    for (const char *suffix : {".pwd", ".pwi", ".hwm"}) {
        const QString file = QString::fromLatin1(DictionaryPath) + QLatin1String(suffix);
        if (!QFileInfo(file).isReadable())
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The common-password dictionary %1 is missing, so "
                                            "new passwords cannot be checked. Install the Debian "
                                            "package cracklib-runtime, or set "
                                            "passwords/reject_common=false.")
                                 .arg(file));
    }
    static QMutex mutex;
    static Settings settings;
    QMutexLocker lock(&mutex);
    if (!settings)
        settings = makeSettings();
    if (!settings)
        return makeError(ErrorCode::Internal,
                         QStringLiteral("libpwquality could not be set up to check passwords."));
    const QByteArray user = userName.toUtf8();
    if (auto s = runPwquality(settings.get(), password.toUtf8(), user, Subject::Whole); !s)
        return s;
    // cracklib strips at most a few digits; "Summer2024!!" passes it whole.
    // cracklib refuses words shorter than 6 before looking them up.
    const QString core = coreWord(password);
    if (core.size() >= 6 && core != password.toLower())
        return runPwquality(settings.get(), core.toUtf8(), QByteArray(), Subject::Decorated);
    return {};
}

} // namespace

Status check(const QString &password, const QString &userName, const PasswordSettings &settings)
{
    const QString normalized = password.normalized(QString::NormalizationForm_C);
    if (normalized.contains(QChar(u'\0')))
        return refuse(QStringLiteral("The password contains a NUL character, which cannot be "
                                     "typed at a login prompt."));
    const qsizetype length = normalized.toUcs4().size();
    const int maximum = std::max(settings.maximumLength, AlwaysAcceptedLength);
    if (length < settings.minimumLength)
        return refuse(QStringLiteral("The password has %1 characters; it needs at least %2. A "
                                     "passphrase of a few unrelated words is long enough and "
                                     "easy to remember.")
                          .arg(length)
                          .arg(settings.minimumLength));
    if (length > maximum)
        return refuse(QStringLiteral("The password has %1 characters; at most %2 are accepted.")
                          .arg(length)
                          .arg(maximum));
    if (!settings.rejectCommon)
        return {};
    return checkCommon(normalized, userName);
}

} // namespace Bulwark::PasswordPolicy
