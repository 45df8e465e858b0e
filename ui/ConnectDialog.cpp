#include "ConnectDialog.h"

#include "models/CertificateProbe.h"
#include "wire/Wire.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::CertificateProbe;
using Models::CertificateProbeResult;

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_url(new QLineEdit(this))
    , m_user(new QLineEdit(QString(Wire::AdministratorUser), this))
    , m_password(new QLineEdit(this))
    , m_fetch(new QPushButton(tr("&Fetch Certificate"), this))
    , m_fingerprint(new QLabel(this))
    , m_trust(new QCheckBox(this))
    , m_error(new QLabel(this))
    , m_connect(nullptr)
{
    setObjectName(u"connectDialog"_s);
    setWindowTitle(tr("Connect to Server"));
    m_url->setObjectName(u"serverUrlEdit"_s);
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
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Server:"), m_url);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Password:"), m_password);
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
    resetCertificate();
}

QUrl ConnectDialog::parseServerUrl(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (!trimmed.contains(u"://"_s))
        trimmed.prepend(u"https://"_s);
    QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"https" || url.host().isEmpty())
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
