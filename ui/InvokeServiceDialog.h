// Calls a service of a Thing (POST /api/Things/{n}/Services/{s}): pick one
// of the Thing's services, fill its parameters field by field (an editor per
// input, suited to its base type) or as a JSON object, and see the device's
// output or why the call failed (not connected, refused by the device, no
// answer in time, or the server's 403 when ServiceInvoke is not granted).
#pragma once

#include <QDialog>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

#include <optional>

class QComboBox;
class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class ValueEditor;

class InvokeServiceDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InvokeServiceDialog)

public:
    // services: the Thing's "services" as GET /api/Things/{n} gives them.
    // allowed: service → whether the user may invoke it (missing: unknown,
    // the server decides).
    InvokeServiceDialog(Models::ApiClient *client, const QString &thing, const QJsonArray &services,
                        const QHash<QString, bool> &allowed, QWidget *parent = nullptr);

    void selectService(const QString &service);
    [[nodiscard]] QString currentService() const;
    // The editor of one input on the "Fields" tab, or null.
    [[nodiscard]] ValueEditor *fieldEditor(const QString &input) const;
    [[nodiscard]] QString resultText() const;
    [[nodiscard]] QString outputText() const;
    [[nodiscard]] bool isBusy() const { return m_busy; }

public Q_SLOTS:
    void submit();

Q_SIGNALS:
    void invoked(const QString &service, const QJsonValue &output);

private:
    void rebuildFields();
    [[nodiscard]] std::optional<QJsonObject> parameters(QString *problem) const;
    void syncTabs(int tab);
    void showResult(bool success, const QString &text);
    void updateState();
    [[nodiscard]] QJsonObject serviceObject() const;

    QPointer<Models::ApiClient> m_client;
    QString m_thing;
    QJsonArray m_services;
    QHash<QString, bool> m_allowed;
    QComboBox *m_service;
    QLabel *m_signature;
    QLabel *m_description;
    QTabWidget *m_tabs;
    QWidget *m_fieldsPage;
    QFormLayout *m_fields;
    QPlainTextEdit *m_json;
    QLabel *m_problem;
    QLabel *m_resultIcon;
    QLabel *m_result;
    QPlainTextEdit *m_output;
    QPushButton *m_invoke;
    QHash<QString, ValueEditor *> m_editors;
    bool m_busy = false;
};

} // namespace Bulwark::Ui
