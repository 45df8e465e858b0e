// File → Connect to server…: asks for the address and credentials, fetches
// the server's certificate and shows its SHA-256 fingerprint, and lets the
// user connect only after accepting that fingerprint, which is then pinned.
// It offers the servers connected to before (their fingerprint already
// accepted), fills in a password remembered in the OS keychain, and can
// forget a server together with its keychain entry.
#pragma once

#include "models/ServerEndpoint.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Bulwark::Models {
class RecentServers;
struct KeychainResult;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    // `recentServers` may be null: then nothing is offered or remembered.
    explicit ConnectDialog(Models::RecentServers *recentServers, QWidget *parent = nullptr);

    // Valid once the dialog was accepted: the pinned fingerprint is the one
    // the user accepted.
    [[nodiscard]] Models::ServerEndpoint endpoint() const;
    // The user asked to keep the password in the OS keychain (only possible
    // when one is available).
    [[nodiscard]] bool rememberPassword() const;

    // "host:port" or "https://host:port" to a base URL; invalid when unusable.
    [[nodiscard]] static QUrl parseServerUrl(const QString &text);

private:
    void fetchCertificate();
    void resetCertificate();
    void updateButtons();
    void fillRecentServers();
    void selectRecentServer(int index);
    void forgetSelectedServer();
    void showKeychainProblem(const Models::KeychainResult &result);

    Models::RecentServers *m_recentServers;
    QComboBox *m_recent;
    QPushButton *m_forget;
    QLineEdit *m_url;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QPushButton *m_fetch;
    QLabel *m_fingerprint;
    QCheckBox *m_trust;
    QCheckBox *m_remember;
    QLabel *m_keychainStatus;
    QLabel *m_error;
    QPushButton *m_connect;
    QUrl m_probedUrl;
    QString m_probedFingerprint;
    bool m_probing = false;
    bool m_keychainAvailable = true;
    bool m_filling = false; // a recent server is being filled in
};

} // namespace Bulwark::Ui
