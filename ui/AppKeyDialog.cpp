#include "AppKeyDialog.h"

#include "models/ApiClient.h"
#include "models/EntityName.h"
#include "wire/Wire.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;

namespace {
constexpr int DefaultLifetimeDays = 30;
constexpr int MaximumLifetimeDays = 365; // the server's default limit
} // namespace

AppKeyDialog::AppKeyDialog(Models::ApiClient *client, const QString &currentUser, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_user(new QComboBox(this))
    , m_expires(new QDateTimeEdit(this))
    , m_addresses(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    setObjectName(u"appKeyDialog"_s);
    setWindowTitle(tr("New Application Key"));
    m_name->setObjectName(u"appKeyNameEdit"_s);
    m_name->setMaxLength(int(Models::EntityName::MaximumLength));
    m_name->setPlaceholderText(tr("e.g. backup-script"));
    m_description->setObjectName(u"appKeyDescriptionEdit"_s);
    m_description->setPlaceholderText(tr("Optional: what uses this key"));
    m_user->setObjectName(u"appKeyUserCombo"_s);
    m_user->setEditable(true);
    m_user->addItem(currentUser);
    m_user->setToolTip(tr("The key acts with exactly this user's rights. It cannot change later."));
    const QDateTime now = QDateTime::currentDateTime();
    m_expires->setObjectName(u"appKeyExpiresEdit"_s);
    m_expires->setCalendarPopup(true);
    m_expires->setMinimumDateTime(now.addSecs(60 * 60));
    m_expires->setMaximumDateTime(now.addDays(MaximumLifetimeDays).addSecs(-60 * 60));
    m_expires->setDateTime(now.addDays(DefaultLifetimeDays));
    m_expires->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    m_addresses->setObjectName(u"appKeyAddressesEdit"_s);
    m_addresses->setPlaceholderText(tr("Optional: e.g. 192.0.2.7, 10.0.0.0/8 (empty: any)"));
    m_error->setObjectName(u"appKeyErrorLabel"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the server's words, never markup
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("Acts as &user:"), m_user);
    form->addRow(tr("&Expires:"), m_expires);
    form->addRow(tr("Allowed &addresses:"), m_addresses);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_create = buttons->addButton(tr("&Create Key"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(u"createAppKeyButton"_s);
    m_create->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &AppKeyDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(420);

    connect(m_name, &QLineEdit::textChanged, this, &AppKeyDialog::updateValidity);
    connect(m_user, &QComboBox::currentTextChanged, this, &AppKeyDialog::updateValidity);
    updateValidity();
    loadUsers();
}

void AppKeyDialog::done(int result)
{
    // While the key is being created the dialog stays: the secret arrives
    // only in that answer and is shown from here, once.
    if (m_busy)
        return;
    QDialog::done(result);
}

void AppKeyDialog::loadUsers()
{
    if (!m_client)
        return;
    // Only administrators may list users (and make keys for others); for
    // anyone else the combo keeps just their own name.
    m_client->get(Wire::ApiPrefix + Wire::Users, this, [this](const ApiResult &result) {
        if (!result.isOk())
            return;
        const QJsonArray items = result.body.object().value(Wire::Items).toArray();
        for (const QJsonValue &item : items) {
            const QString name = item.toObject().value(Wire::Name).toString();
            if (!name.isEmpty() && m_user->findText(name) < 0)
                m_user->addItem(name);
        }
    });
}

QStringList AppKeyDialog::parseAddresses(const QString &text)
{
    static const QRegularExpression separators(u"[\\s,;]+"_s);
    return text.split(separators, Qt::SkipEmptyParts);
}

void AppKeyDialog::updateValidity()
{
    const QString name = m_name->text();
    const QString problem = Models::EntityName::problem(name);
    if (!name.isEmpty() && !problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
    } else if (!m_busy) {
        m_error->hide();
    }
    m_create->setEnabled(problem.isEmpty() && !m_user->currentText().trimmed().isEmpty() &&
                         !m_busy && m_client);
}

void AppKeyDialog::submit()
{
    if (!m_create->isEnabled() || !m_client)
        return;
    QJsonArray addresses;
    for (const QString &address : parseAddresses(m_addresses->text()))
        addresses.append(address);
    const QString name = m_name->text();
    const QJsonObject body{
        {Wire::Name, name},
        {Wire::Description, m_description->text()},
        {Wire::User, m_user->currentText().trimmed()},
        {Wire::AppKeyExpires, m_expires->dateTime().toUTC().toString(Qt::ISODateWithMs)},
        {Wire::AppKeyIpAllowlist, addresses}};
    m_busy = true;
    updateValidity();
    m_client->post(
        Wire::ApiPrefix + Wire::ApplicationKeys, body, this, [this, name](const ApiResult &result) {
            m_busy = false;
            updateValidity();
            const QString secret = result.body.object().value(Wire::AppKeySecret).toString();
            if (!result.isOk() || secret.isEmpty()) {
                m_error->setText(result.isOk() ? tr("The server created the key but sent no "
                                                    "secret; revoke it and try again.")
                                               : result.errorMessage);
                m_error->show();
                return;
            }
            Q_EMIT keyCreated(name, secret);
            accept();
        });
}

} // namespace Bulwark::Ui
