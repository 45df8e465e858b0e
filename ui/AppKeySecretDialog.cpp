#include "AppKeySecretDialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>

namespace Bulwark::Ui {

namespace {
constexpr int ClipboardLifetimeMs = 60000;
} // namespace

using namespace Qt::StringLiterals;

AppKeySecretDialog::AppKeySecretDialog(const QString &name, const QString &secret, QWidget *parent)
    : QDialog(parent)
    , m_secret(new QLineEdit(secret, this))
    , m_copy(new QPushButton(tr("&Copy"), this))
{
    setObjectName(u"appKeySecretDialog"_s);
    setWindowTitle(tr("Secret of %1").arg(name));

    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
    auto *warning = new QLabel(tr("<b>Store this secret now.</b> It is shown only this once: the "
                                  "server keeps only its hash and cannot show it again. If it is "
                                  "lost, revoke the key and create a new one.<br>Send it in the "
                                  "<tt>appKey</tt> header or as <tt>Authorization: Bearer</tt>, "
                                  "never in a URL."),
                               this);
    warning->setObjectName(u"appKeySecretWarning"_s);
    warning->setWordWrap(true);

    m_secret->setObjectName(u"appKeySecretEdit"_s);
    m_secret->setReadOnly(true);
    m_secret->setMinimumWidth(m_secret->fontMetrics().horizontalAdvance(secret) + 24);
    m_copy->setObjectName(u"copySecretButton"_s);
    m_copy->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    connect(m_copy, &QPushButton::clicked, this, &AppKeySecretDialog::copySecret);

    auto *top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addWidget(warning, 1);
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(m_copy);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *done = buttons->addButton(tr("I Have Stored It"), QDialogButtonBox::AcceptRole);
    done->setObjectName(u"secretStoredButton"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(secretRow);
    layout->addWidget(buttons);
    m_secret->selectAll();
    m_secret->setFocus();
}

void AppKeySecretDialog::copySecret()
{
    const QString secret = m_secret->text();
    QGuiApplication::clipboard()->setText(secret);
    m_copy->setText(tr("Copied"));
    m_copy->setToolTip(tr("The clipboard is cleared in one minute if it still holds the key."));
    // As password managers do: the secret does not stay on the clipboard for
    // whatever is pasted next, unless something else replaced it already.
    QTimer::singleShot(ClipboardLifetimeMs, qApp, [secret] {
        QClipboard *clipboard = QGuiApplication::clipboard();
        if (clipboard->text() == secret)
            clipboard->clear();
    });
}

} // namespace Bulwark::Ui
