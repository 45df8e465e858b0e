// File → Connect to server…: asks for the address and credentials, fetches
// the server's certificate and shows its SHA-256 fingerprint, and lets the
// user connect only after accepting that fingerprint, which is then pinned.
#pragma once

#include "models/ServerEndpoint.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Bulwark::Ui {

class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    explicit ConnectDialog(QWidget *parent = nullptr);

    // Valid once the dialog was accepted: the pinned fingerprint is the one
    // the user accepted.
    [[nodiscard]] Models::ServerEndpoint endpoint() const;

    // "host:port" or "https://host:port" to a base URL; invalid when unusable.
    [[nodiscard]] static QUrl parseServerUrl(const QString &text);

private:
    void fetchCertificate();
    void resetCertificate();
    void updateButtons();

    QLineEdit *m_url;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QPushButton *m_fetch;
    QLabel *m_fingerprint;
    QCheckBox *m_trust;
    QLabel *m_error;
    QPushButton *m_connect;
    QUrl m_probedUrl;
    QString m_probedFingerprint;
    bool m_probing = false;
};

} // namespace Bulwark::Ui
