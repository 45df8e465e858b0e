#include "ConnectDialog.h"

#include "models/CertificateProbe.h"
#include "models/RecentServers.h"
#include "wire/Wire.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::CertificateProbe;
using Models::CertificateProbeResult;
using Models::KeychainResult;
using Models::RecentServer;
using Models::RecentServers;

namespace {
// Item data of the recent-servers combo: index into the stored list.
constexpr int RecentIndexRole = Qt::UserRole + 1;
} // namespace

ConnectDialog::ConnectDialog(RecentServers *recentServers, QWidget *parent)
    : QDialog(parent)
    , m_recentServers(recentServers)
    , m_recent(new QComboBox(this))
    , m_forget(new QPushButton(tr("&Forget"), this))
    , m_url(new QLineEdit(this))
    , m_user(new QLineEdit(QString(Wire::AdministratorUser), this))
    , m_password(new QLineEdit(this))
    , m_fetch(new QPushButton(tr("&Fetch Certificate"), this))
    , m_fingerprint(new QLabel(this))
    , m_trust(new QCheckBox(this))
    , m_remember(new QCheckBox(tr("&Remember password in the system keychain"), this))
    , m_keychainStatus(new QLabel(this))
    , m_error(new QLabel(this))
    , m_connect(nullptr)
{
    setObjectName(u"connectDialog"_s);
    setWindowTitle(tr("Connect to Server"));
    m_recent->setObjectName(u"recentServersCombo"_s);
    m_forget->setObjectName(u"forgetServerButton"_s);
    m_forget->setToolTip(tr("Remove this server from the list, and its password from the "
                            "system keychain"));
    m_remember->setObjectName(u"rememberPasswordCheck"_s);
    m_remember->setToolTip(tr("The password is kept only in the system keychain, never in "
                              "Bulwark's settings."));
    m_keychainStatus->setObjectName(u"keychainStatusLabel"_s);
    m_keychainStatus->setWordWrap(true);
    m_keychainStatus->hide();
    m_url->setObjectName(u"serverUrlEdit"_s);
    m_url->setClearButtonEnabled(true);
    m_url->setPlaceholderText(tr("https://server.example.com:8443"));
    m_user->setObjectName(u"userEdit"_s);
    m_password->setObjectName(u"passwordEdit"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_fetch->setObjectName(u"fetchCertificateButton"_s);
    m_fingerprint->setObjectName(u"fingerprintLabel"_s);
    m_fingerprint->setWordWrap(true);
    m_fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fingerprint->setText(tr("Fetch the server's certificate to see its fingerprint."));
    m_trust->setObjectName(u"trustCertificateCheck"_s);
    m_trust->setText(tr("I compared this fingerprint with the one the server shows and "
                        "trust it"));
    m_error->setObjectName(u"connectErrorLabel"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the server's words, never markup
    m_error->hide();

    auto *recentRow = new QHBoxLayout;
    recentRow->addWidget(m_recent, 1);
    recentRow->addWidget(m_forget);
    auto *form = new QFormLayout;
    form->addRow(tr("R&ecent:"), recentRow);
    form->addRow(tr("&Server:"), m_url);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_remember);
    form->addRow(QString(), m_keychainStatus);
    form->addRow(QString(), m_fetch);
    form->addRow(tr("Certificate SHA-256:"), m_fingerprint);
    form->addRow(QString(), m_trust);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_connect = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setObjectName(u"connectButton"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_fetch, &QPushButton::clicked, this, &ConnectDialog::fetchCertificate);
    connect(m_url, &QLineEdit::textChanged, this, &ConnectDialog::resetCertificate);
    connect(m_user, &QLineEdit::textChanged, this, &ConnectDialog::updateButtons);
    connect(m_password, &QLineEdit::textChanged, this, &ConnectDialog::updateButtons);
    connect(m_trust, &QCheckBox::toggled, this, &ConnectDialog::updateButtons);
    connect(m_recent, &QComboBox::activated, this, &ConnectDialog::selectRecentServer);
    connect(m_forget, &QPushButton::clicked, this, &ConnectDialog::forgetSelectedServer);
    resetCertificate();
    fillRecentServers();

    if (m_recentServers) {
        m_recentServers->checkKeychain(this, [this](const KeychainResult &result) {
            if (result.outcome == KeychainResult::Outcome::Unavailable)
                showKeychainProblem(result);
        });
    } else {
        m_remember->setEnabled(false);
    }
}

void ConnectDialog::showKeychainProblem(const KeychainResult &result)
{
    if (result.outcome == KeychainResult::Outcome::Unavailable) {
        m_keychainAvailable = false;
        m_remember->setChecked(false);
        m_remember->setEnabled(false);
    }
    m_keychainStatus->setText(result.message);
    m_keychainStatus->show();
}

void ConnectDialog::fillRecentServers()
{
    m_recent->clear();
    const QList<RecentServer> servers =
        m_recentServers ? m_recentServers->servers() : QList<RecentServer>();
    m_recent->addItem(tr("New server…"));
    for (int i = 0; i < servers.size(); ++i)
        m_recent->addItem(servers.at(i).displayName(), i);
    m_recent->setEnabled(!servers.isEmpty());
    if (!servers.isEmpty()) {
        m_recent->setCurrentIndex(1);
        selectRecentServer(1);
    } else {
        m_forget->setEnabled(false);
    }
}

void ConnectDialog::selectRecentServer(int index)
{
    const QList<RecentServer> servers =
        m_recentServers ? m_recentServers->servers() : QList<RecentServer>();
    const int entry = m_recent->itemData(index).isValid() ? m_recent->itemData(index).toInt() : -1;
    m_forget->setEnabled(entry >= 0);
    if (entry < 0 || entry >= servers.size()) {
        m_url->clear();
        m_password->clear();
        m_remember->setChecked(false);
        return;
    }
    const RecentServer server = servers.at(entry);
    m_url->setText(server.url.toDisplayString()); // resets the certificate
    m_user->setText(server.user);
    m_password->clear();
    if (!server.fingerprint.isEmpty()) {
        // Accepted when connecting before; the client refuses any other
        // certificate, so a changed one is still caught.
        m_probedUrl = server.url;
        m_probedFingerprint = server.fingerprint;
        m_fingerprint->setText(tr("%1\n(accepted when you last connected; fetch the certificate "
                                  "again to compare it with the server's)")
                                   .arg(server.fingerprint));
        m_trust->setEnabled(true);
        m_trust->setChecked(true);
    }
    m_remember->setChecked(server.passwordRemembered && m_keychainAvailable);
    updateButtons();
    if (!server.passwordRemembered || !m_keychainAvailable)
        return;
    m_recentServers->readPassword(
        server.url, server.user, this, [this, server](const KeychainResult &result) {
            if (parseServerUrl(m_url->text()) != server.url || m_user->text() != server.user)
                return; // the user moved on meanwhile
            if (result.isOk()) {
                m_password->setText(result.password);
                return;
            }
            m_remember->setChecked(false);
            if (result.outcome != KeychainResult::Outcome::NotFound)
                showKeychainProblem(result);
        });
}

void ConnectDialog::forgetSelectedServer()
{
    const QList<RecentServer> servers =
        m_recentServers ? m_recentServers->servers() : QList<RecentServer>();
    const QVariant data = m_recent->currentData();
    if (!data.isValid() || data.toInt() < 0 || data.toInt() >= servers.size())
        return;
    const RecentServer server = servers.at(data.toInt());
    m_recentServers->forget(server.url, server.user, this, [this](const KeychainResult &result) {
        if (!result.isOk())
            showKeychainProblem(result);
    });
    fillRecentServers();
    if (m_recent->count() == 1)
        selectRecentServer(0);
}

bool ConnectDialog::rememberPassword() const
{
    return m_keychainAvailable && m_remember->isEnabled() && m_remember->isChecked();
}

QUrl ConnectDialog::parseServerUrl(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (!trimmed.contains(u"://"_s))
        trimmed.prepend(u"https://"_s);
    QUrl url(trimmed, QUrl::StrictMode);
    // Credentials never go in the address (it is remembered and shown): the
    // user and password have their own fields.
    if (!url.isValid() || url.scheme() != u"https" || url.host().isEmpty() ||
        !url.userInfo().isEmpty())
        return {};
    // The API lives at fixed paths under the root.
    url.setPath(QString());
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

void ConnectDialog::resetCertificate()
{
    m_probedUrl.clear();
    m_probedFingerprint.clear();
    m_trust->setChecked(false);
    m_trust->setEnabled(false);
    m_fingerprint->setText(tr("Fetch the server's certificate to see its fingerprint."));
    m_error->hide();
    updateButtons();
}

void ConnectDialog::fetchCertificate()
{
    const QUrl url = parseServerUrl(m_url->text());
    if (!url.isValid()) {
        m_error->setText(tr("Enter a server address of the form https://host:port."));
        m_error->show();
        return;
    }
    m_probing = true;
    m_trust->setEnabled(false); // nothing to accept until the answer is in
    m_error->hide();
    m_fingerprint->setText(tr("Fetching the certificate of %1…").arg(url.toDisplayString()));
    updateButtons();
    CertificateProbe::fetch(url, this, [this, url](const CertificateProbeResult &result) {
        m_probing = false;
        if (parseServerUrl(m_url->text()) != url) {
            updateButtons(); // the address changed meanwhile
            return;
        }
        if (!result.isOk()) {
            m_fingerprint->setText(tr("No certificate."));
            m_error->setText(result.errorMessage);
            m_error->show();
            updateButtons();
            return;
        }
        // A certificate other than the one accepted before is not trusted
        // until the user compares and ticks again.
        if (result.fingerprint != m_probedFingerprint)
            m_trust->setChecked(false);
        m_probedUrl = url;
        m_probedFingerprint = result.fingerprint;
        const QString subject =
            result.certificate.subjectInfo(QSslCertificate::CommonName).join(u", "_s);
        m_fingerprint->setText(
            tr("%1\n(issued to “%2”; %3)")
                .arg(result.fingerprint, subject,
                     result.trustedBySystem
                         ? tr("also trusted by this computer's certificate authorities")
                         : tr("self-signed or not trusted by this computer: compare it "
                              "carefully")));
        m_trust->setEnabled(true);
        updateButtons();
    });
}

void ConnectDialog::updateButtons()
{
    m_fetch->setEnabled(!m_probing);
    m_connect->setEnabled(!m_probedFingerprint.isEmpty() && m_trust->isChecked() &&
                          !m_user->text().isEmpty() && !m_password->text().isEmpty());
}

Models::ServerEndpoint ConnectDialog::endpoint() const
{
    Models::ServerEndpoint endpoint;
    endpoint.baseUrl = m_probedUrl;
    endpoint.user = m_user->text();
    endpoint.password = m_password->text();
    endpoint.pinnedFingerprint = m_probedFingerprint;
    return endpoint;
}

} // namespace Bulwark::Ui
