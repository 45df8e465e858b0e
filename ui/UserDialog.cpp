#include "UserDialog.h"

#include "models/ApiClient.h"
#include "models/EntityName.h"
#include "wire/Wire.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::EntityName;

namespace {
// Long enough that a check does not run for every key of a fast typist,
// short enough that the verdict seems to follow the typing.
constexpr int CheckDelayMs = 300;
constexpr int IconSize = 16;

const QString LocalSource = u"local"_s;
} // namespace

UserDialog::UserDialog(Models::ApiClient *client, Mode mode, const Models::UserSummary &user,
                       QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_mode(mode)
    , m_user(user)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_authSource(new QComboBox(this))
    , m_enabled(new QCheckBox(tr("The user can sign in"), this))
    , m_password(new QLineEdit(this))
    , m_confirm(new QLineEdit(this))
    , m_length(new QLabel(this))
    , m_feedbackIcon(new QLabel(this))
    , m_feedback(new QLabel(this))
    , m_error(new QLabel(this))
{
    setObjectName(u"userDialog"_s);
    switch (mode) {
    case Mode::Create:
        setWindowTitle(tr("New User"));
        break;
    case Mode::Edit:
        setWindowTitle(tr("Edit User %1").arg(user.name));
        break;
    case Mode::ResetPassword:
        setWindowTitle(tr("Reset Password of %1").arg(user.name));
        break;
    }

    m_name->setObjectName(u"userNameEdit"_s);
    m_name->setMaxLength(int(EntityName::MaximumLength));
    m_name->setPlaceholderText(tr("e.g. alice"));
    m_description->setObjectName(u"userDescriptionEdit"_s);
    m_description->setPlaceholderText(tr("Optional, e.g. the person's full name"));
    m_authSource->setObjectName(u"userAuthSourceCombo"_s);
    m_authSource->addItem(tr("Local: Bulwark stores the password"), LocalSource);
    m_authSource->setToolTip(tr("Who checks this user's password: Bulwark itself, or an LDAP "
                                "directory (configured under Directory services)."));
    m_enabled->setObjectName(u"userEnabledCheck"_s);
    m_enabled->setChecked(true);
    m_enabled->setToolTip(tr("A disabled user cannot sign in, and their sessions end."));
    m_password->setObjectName(u"userPasswordEdit"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setClearButtonEnabled(true);
    m_confirm->setObjectName(u"userPasswordConfirmEdit"_s);
    m_confirm->setEchoMode(QLineEdit::Password);
    m_confirm->setPlaceholderText(tr("Type the password again"));
    if (mode == Mode::Edit)
        m_password->setPlaceholderText(tr("Leave empty to keep the current password"));
    else
        m_password->setPlaceholderText(tr("At least 12 characters: a few unrelated words"));
    m_length->setObjectName(u"passwordLengthLabel"_s);
    m_feedbackIcon->setObjectName(u"passwordFeedbackIcon"_s);
    m_feedbackIcon->setFixedSize(IconSize, IconSize);
    m_feedback->setObjectName(u"passwordFeedbackLabel"_s);
    m_feedback->setWordWrap(true);
    m_error->setObjectName(u"userErrorLabel"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the server's words, never markup
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    if (mode != Mode::Create) {
        m_name->setText(user.name);
        m_name->setReadOnly(true);
        m_description->setText(user.description);
        m_enabled->setChecked(user.enabled);
        if (!user.isLocal())
            m_authSource->addItem(tr("Directory: %1").arg(user.authSource), user.authSource);
        m_authSource->setCurrentIndex(
            m_authSource->findData(user.isLocal() ? LocalSource : user.authSource));
    }

    auto *feedbackRow = new QHBoxLayout;
    feedbackRow->setContentsMargins(0, 0, 0, 0);
    feedbackRow->addWidget(m_feedbackIcon, 0, Qt::AlignTop);
    feedbackRow->addWidget(m_feedback, 1);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    if (mode != Mode::ResetPassword) {
        form->addRow(tr("&Description:"), m_description);
        form->addRow(tr("&Authentication:"), m_authSource);
        form->addRow(QString(), m_enabled);
    } else {
        m_description->hide();
        m_authSource->hide();
        m_enabled->hide();
    }
    form->addRow(mode == Mode::Create ? tr("&Password:") : tr("New &password:"), m_password);
    form->addRow(QString(), m_length);
    form->addRow(QString(), feedbackRow);
    form->addRow(tr("&Confirm:"), m_confirm);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    const QString saveText = mode == Mode::Create          ? tr("&Create User")
                             : mode == Mode::ResetPassword ? tr("&Set Password")
                                                           : tr("&Save");
    m_save = buttons->addButton(saveText, QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"saveUserButton"_s);
    m_save->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &UserDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    if (mode != Mode::Create) {
        auto *consequence =
            new QLabel(tr("Setting a password ends every session of %1 and closes their live "
                          "connections; they sign in again with the new password.")
                           .arg(user.name),
                       this);
        consequence->setObjectName(u"passwordConsequenceLabel"_s);
        consequence->setWordWrap(true);
        layout->addWidget(consequence);
    }
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(460);

    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(CheckDelayMs);
    connect(&m_checkTimer, &QTimer::timeout, this, &UserDialog::checkPassword);
    connect(m_password, &QLineEdit::textChanged, this, &UserDialog::passwordEdited);
    // The policy refuses passwords that contain the user name: check again.
    connect(m_name, &QLineEdit::textChanged, this, [this] {
        if (!m_password->text().isEmpty())
            passwordEdited();
        updateValidity();
    });
    connect(m_confirm, &QLineEdit::textChanged, this, &UserDialog::updateValidity);
    connect(m_authSource, &QComboBox::currentIndexChanged, this, [this] {
        const bool local = !usesDirectory();
        m_password->setEnabled(local);
        m_confirm->setEnabled(local);
        if (!local) {
            m_password->clear();
            m_confirm->clear();
        }
        passwordEdited();
    });

    passwordEdited();
    if (mode != Mode::ResetPassword)
        loadDirectories();
}

void UserDialog::loadDirectories()
{
    if (!m_client)
        return;
    // Without the list (e.g. no directories, or not allowed) the combo keeps
    // "Local" and the user's current source: still a valid choice.
    m_client->get(Wire::ApiPrefix + Wire::DirectoryServices, this, [this](const ApiResult &result) {
        if (!result.isOk())
            return;
        const QJsonArray items = result.body.object().value(Wire::Items).toArray();
        for (const QJsonValue &item : items) {
            const QString name = item.toObject().value(Wire::Name).toString();
            if (!name.isEmpty() && m_authSource->findData(name) < 0)
                m_authSource->addItem(tr("Directory: %1").arg(name), name);
        }
    });
}

bool UserDialog::usesDirectory() const
{
    const QString source = m_authSource->currentData().toString();
    return !source.isEmpty() && source != LocalSource;
}

QString UserDialog::userName() const
{
    return m_mode == Mode::Create ? m_name->text() : m_user.name;
}

void UserDialog::passwordEdited()
{
    ++m_checkSerial;
    const QString password = m_password->text();
    const qsizetype length = password.toUcs4().size();
    if (usesDirectory())
        m_length->setText(tr("The directory checks this user's password; Bulwark stores none."));
    else if (password.isEmpty())
        m_length->setText(m_mode == Mode::Create
                              ? tr("Without a password the user cannot sign in until one is set.")
                          : m_mode == Mode::Edit ? tr("The current password stays.")
                                                 : tr("Type the new password."));
    else
        m_length->setText(length == 1 ? tr("1 character")
                                      : tr("%1 characters").arg(QLocale().toString(length)));

    if (password.isEmpty() || usesDirectory()) {
        m_checkTimer.stop();
        setVerdict(PasswordVerdict::None, QString());
        return;
    }
    setVerdict(PasswordVerdict::Pending, tr("Checking the password against the policy…"));
    m_checkTimer.start();
}

void UserDialog::checkPassword()
{
    if (!m_client) {
        setVerdict(PasswordVerdict::Unchecked,
                   tr("Not connected: the password is checked when you save."));
        return;
    }
    const quint64 serial = m_checkSerial;
    const QJsonObject body{{Wire::Password, m_password->text()}, {Wire::User, userName()}};
    m_client->post(Wire::PasswordCheckPath, body, this, [this, serial](const ApiResult &result) {
        if (serial != m_checkSerial)
            return; // the text changed meanwhile: a newer check follows
        if (!result.isOk()) {
            setVerdict(PasswordVerdict::Unchecked,
                       tr("The server could not check the password now (%1); it checks it "
                          "when you save.")
                           .arg(result.errorMessage));
            return;
        }
        const QJsonObject answer = result.body.object();
        const bool acceptable = answer.value("acceptable"_L1).toBool(false);
        QString message = answer.value(Wire::Message).toString();
        if (message.isEmpty())
            message = acceptable ? tr("The password meets the server's password policy.")
                                 : tr("The server's password policy refuses this password.");
        setVerdict(acceptable ? PasswordVerdict::Acceptable : PasswordVerdict::Refused, message);
    });
}

void UserDialog::setVerdict(PasswordVerdict verdict, const QString &message)
{
    m_verdict = verdict;
    m_feedback->setText(message);
    QIcon icon;
    if (verdict == PasswordVerdict::Acceptable)
        icon = QIcon(u":/icons/allow.svg"_s);
    else if (verdict == PasswordVerdict::Refused)
        icon = QIcon(u":/icons/deny.svg"_s);
    else if (verdict == PasswordVerdict::Pending || verdict == PasswordVerdict::Unchecked)
        icon = QIcon(u":/icons/inherit.svg"_s);
    m_feedbackIcon->setPixmap(icon.isNull() ? QPixmap()
                                            : icon.pixmap(IconSize, IconSize, QIcon::Normal));
    m_feedbackIcon->setVisible(verdict != PasswordVerdict::None);
    m_feedback->setVisible(verdict != PasswordVerdict::None);
    updateValidity();
}

void UserDialog::updateValidity()
{
    const QString name = m_name->text();
    const QString nameProblem = m_mode == Mode::Create ? EntityName::problem(name) : QString();
    QString problem;
    if (!name.isEmpty() && !nameProblem.isEmpty())
        problem = nameProblem;
    const bool passwordsMatch = m_password->text() == m_confirm->text();
    if (problem.isEmpty() && !m_confirm->text().isEmpty() && !passwordsMatch)
        problem = tr("The two passwords differ.");
    if (problem.isEmpty())
        m_error->hide();
    else
        showError(problem);

    bool passwordReady = false;
    switch (m_verdict) {
    case PasswordVerdict::None:
        passwordReady = m_mode != Mode::ResetPassword || usesDirectory();
        break;
    case PasswordVerdict::Acceptable:
    case PasswordVerdict::Unchecked:
        passwordReady = passwordsMatch;
        break;
    case PasswordVerdict::Pending:
    case PasswordVerdict::Refused:
        break;
    }
    m_save->setEnabled(nameProblem.isEmpty() && passwordReady && !m_busy && m_client);
}

void UserDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void UserDialog::submit()
{
    if (!m_save->isEnabled() || !m_client)
        return;
    const QString name = userName();
    QJsonObject body;
    if (m_mode == Mode::ResetPassword) {
        // PUT replaces these: send them back as they are.
        body = {{Wire::Description, m_user.description},
                {Wire::Enabled, m_user.enabled},
                {Wire::AuthSource, m_user.isLocal() ? LocalSource : m_user.authSource}};
    } else {
        body = {{Wire::Description, m_description->text()},
                {Wire::Enabled, m_enabled->isChecked()},
                {Wire::AuthSource, m_authSource->currentData().toString()}};
    }
    if (!m_password->text().isEmpty() && !usesDirectory())
        body.insert(Wire::Password, m_password->text());

    m_busy = true;
    updateValidity();
    const auto done = [this, name](const ApiResult &result) {
        m_busy = false;
        if (!result.isOk()) {
            updateValidity();
            showError(result.errorMessage);
            return;
        }
        Q_EMIT userSaved(name);
        accept();
    };
    if (m_mode == Mode::Create) {
        body.insert(Wire::Name, name);
        m_client->post(Wire::ApiPrefix + Wire::Users, body, this, done);
    } else {
        m_client->put(Models::ApiClient::entityPath(Wire::Users, name), body, this, done);
    }
}

} // namespace Bulwark::Ui
