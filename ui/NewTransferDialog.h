// Starts a file transfer between a file repository and a device's declared
// directories: direction, repository and path, device Thing and path (both
// browsable through the Files API), overwrite; POST /api/Transfers, showing
// the server's message when it refuses.
#pragma once

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class TransferFileBrowser;

class NewTransferDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewTransferDialog)

public:
    enum class Direction
    {
        RepositoryToDevice,
        DeviceToRepository
    };

    explicit NewTransferDialog(Models::ApiClient *client, QWidget *parent = nullptr);

    [[nodiscard]] Direction direction() const;
    // True once the repositories and Things have been listed.
    [[nodiscard]] bool isReady() const { return m_pendingLists == 0; }

Q_SIGNALS:
    // The server accepted the transfer; `transfer` is its transfer object.
    void transferStarted(const QJsonObject &transfer);

private:
    void loadLists();
    void updateDirection();
    void updateValidity();
    void fillPath(QLineEdit *edit, const QString &chosen, bool isDirectory, bool isSource);
    void submit();
    void showError(const QString &message);

    QPointer<Models::ApiClient> m_client;
    QComboBox *m_direction;
    QCheckBox *m_overwrite;
    QGroupBox *m_repositoryBox;
    QComboBox *m_repository;
    TransferFileBrowser *m_repositoryBrowser;
    QLineEdit *m_repositoryPath;
    QGroupBox *m_deviceBox;
    QComboBox *m_device;
    TransferFileBrowser *m_deviceBrowser;
    QLineEdit *m_devicePath;
    QLabel *m_error;
    QPushButton *m_start;
    QStringList m_repositories;
    int m_pendingLists = 0;
    bool m_busy = false;
};

} // namespace Bulwark::Ui
