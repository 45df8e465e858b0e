// A searchable list of the server's users and groups to add to the
// permission matrix. Loads GET /api/Users and GET /api/Groups when opened.
#pragma once

#include "models/PermissionMatrixModel.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class PermissionPrincipalPicker final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionPrincipalPicker)

public:
    explicit PermissionPrincipalPicker(Models::ApiClient *client, QWidget *parent = nullptr);

    [[nodiscard]] QList<Models::PermissionPrincipal> selectedPrincipals() const;
    // True once both lists arrived (or failed).
    [[nodiscard]] bool isLoaded() const { return m_pending == 0; }

Q_SIGNALS:
    void principalsChosen(const QList<Bulwark::Models::PermissionPrincipal> &principals);

private:
    void load(Models::PrincipalType type);
    void applyFilter(const QString &text);
    void updateButtons();

    QPointer<Models::ApiClient> m_client;
    QLineEdit *m_filter;
    QListWidget *m_list;
    QLabel *m_status;
    QPushButton *m_add;
    QStringList m_errors;
    int m_pending = 0;
};

} // namespace Bulwark::Ui
