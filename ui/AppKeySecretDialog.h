// Shows a new application key's secret the only time it exists outside the
// server (which keeps just its hash), with a Copy button and a warning that
// it cannot be shown again.
#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace Bulwark::Ui {

class AppKeySecretDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppKeySecretDialog)

public:
    AppKeySecretDialog(const QString &name, const QString &secret, QWidget *parent = nullptr);

    // Puts the secret on the clipboard and says so on the button.
    void copySecret();

private:
    QLineEdit *m_secret;
    QPushButton *m_copy;
};

} // namespace Bulwark::Ui
