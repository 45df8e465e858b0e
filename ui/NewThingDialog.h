// Asks for a new Thing's name, description and optional template, checks the
// name with the server's own rule as the user types, and creates the Thing
// through the API, showing the server's message if it refuses.
#pragma once

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class NewThingDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NewThingDialog)

public:
    explicit NewThingDialog(Models::ApiClient *client, QWidget *parent = nullptr);

Q_SIGNALS:
    void thingCreated(const QString &name);

private:
    void loadTemplates();
    void updateValidity();
    void submit();
    void showError(const QString &message);

    QPointer<Models::ApiClient> m_client;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_template;
    QLabel *m_error;
    QPushButton *m_create;
    bool m_busy = false;
};

} // namespace Bulwark::Ui
