#include "ConnectDeviceHelpDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

QString ConnectDeviceHelpDialog::instructions(const DeviceHelpTarget &target)
{
    const QString noServer = tr("(not connected: connect to a server first)");
    const QString base = target.serverUrl.isEmpty() ? noServer : target.serverUrl.toString();
    QUrl edge = target.serverUrl;
    edge.setScheme(u"wss"_s);
    edge.setPath(u"/edge"_s);
    const QString edgeUrl = target.serverUrl.isEmpty() ? noServer : edge.toString();
    const QString fingerprint = target.fingerprint.isEmpty() ? noServer : target.fingerprint;
    const QString user = target.user.isEmpty() ? u"Administrator"_s : target.user;
    QString certificateFile = target.certificateFile;

    QStringList text;
    text << tr("Connect the example device (a simulated pump) to %1").arg(base) << QString();
    text << tr("1. Set up the shell. curl checks the server against its certificate:");
    if (certificateFile.isEmpty()) {
        certificateFile = u"server.crt"_s;
        text << tr("   save it, then check that its fingerprint is %1:").arg(fingerprint)
             << u"   openssl s_client -connect %1:%2 </dev/null 2>/dev/null | openssl x509 > "
                u"server.crt"_s.arg(target.serverUrl.host())
                    .arg(target.serverUrl.port(8443))
             << u"   openssl x509 -noout -fingerprint -sha256 -in server.crt"_s;
    }
    text << u"   B=%1 C=\"-sS -w \\n --cacert %2\" J='Content-Type: application/json'"_s.arg(
                base, certificateFile)
         << u"   A=%1:YOUR-PASSWORD"_s.arg(user) << QString();
    text
        << tr("2. Create the device's Thing and a file repository for its log:")
        << uR"(   curl $C -u $A -H "$J" -d '{"name":"Pump1","properties":[{"name":"temperature","baseType":"NUMBER"},{"name":"pressure","baseType":"NUMBER"},{"name":"running","baseType":"BOOLEAN"}],"services":[{"name":"Reset","inputs":[{"name":"level","baseType":"INTEGER"}],"output":"STRING"}]}' $B/api/Things)"_s
        << uR"(   curl $C -u $A -H "$J" -d '{"name":"DeviceLogs","template":"FileRepository"}' $B/api/Things)"_s
        << QString();
    text
        << tr("3. Create an app key for the device (its secret is shown only once):")
        << uR"cmd(   export BULWARK_APP_KEY=$(curl $C -u $A -H "$J" -d '{"name":"pump1-key","user":"%1"}' $B/api/ApplicationKeys | sed -E 's/.*"secret":"([^"]+)".*/\1/'))cmd"_s
               .arg(user)
        << QString();
    text << tr("4. Start the device; it pins the server's certificate by its fingerprint:")
         << u"   build/edge/examples/simulated_device --server %1 \\"_s.arg(edgeUrl)
         << u"     --fingerprint %1 --thing Pump1 --repository DeviceLogs"_s.arg(fingerprint)
         << QString();
    text << tr("5. Watch it here: Devices shows the connection and live values, File transfers "
               "the upload of its log. A real device gets a key of its own user with only the "
               "rights it needs (see docs/security-model.md).");
    return text.join(u'\n');
}

ConnectDeviceHelpDialog::ConnectDeviceHelpDialog(const DeviceHelpTarget &target, QWidget *parent)
    : QDialog(parent)
    , m_text(new QPlainTextEdit(this))
{
    setObjectName(u"connectDeviceHelpDialog"_s);
    setWindowTitle(tr("Connect a Device"));
    auto *intro =
        new QLabel(tr("Run these commands in a terminal on a machine that can reach the server. "
                      "Replace YOUR-PASSWORD with the password of %1.")
                       .arg(target.user.isEmpty() ? u"Administrator"_s : target.user),
                   this);
    intro->setWordWrap(true);
    m_text->setObjectName(u"connectDeviceInstructions"_s);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlainText(instructions(target));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy All"), QDialogButtonBox::ActionRole);
    copy->setObjectName(u"copyInstructionsButton"_s);
    copy->setIcon(QIcon::fromTheme(u"edit-copy"_s));
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_text->toPlainText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_text, 1);
    layout->addWidget(buttons);
    resize(900, 520);
}

QString ConnectDeviceHelpDialog::text() const
{
    return m_text->toPlainText();
}

} // namespace Bulwark::Ui
