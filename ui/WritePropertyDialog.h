// Writes one property of a Thing (PUT /api/Things/{n}/Properties/{p}) with
// an editor suited to its base type. When a device speaks for the Thing, the
// server hands it the value first; the dialog waits for that answer without
// blocking and shows it: the value stored, the device's refusal, or the
// server's reason (a 403 says which right is missing).
#pragma once

#include "models/LivePropertiesModel.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class ValueEditor;

class WritePropertyDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WritePropertyDialog)

public:
    WritePropertyDialog(Models::ApiClient *client, const QString &thing,
                        const Models::LiveProperty &property, QWidget *parent = nullptr);

    [[nodiscard]] ValueEditor *editor() const { return m_editor; }
    // The outcome line ("writeResultLabel").
    [[nodiscard]] QString resultText() const;
    [[nodiscard]] bool isBusy() const { return m_busy; }

public Q_SLOTS:
    void submit();

Q_SIGNALS:
    // The server stored the value (after the device accepted it, if one is connected).
    void written(const QString &property, const QJsonValue &stored);

private:
    void showResult(bool success, const QString &text);
    void updateValidity();

    QPointer<Models::ApiClient> m_client;
    QString m_thing;
    Models::LiveProperty m_property;
    ValueEditor *m_editor;
    QLabel *m_problem;
    QLabel *m_resultIcon;
    QLabel *m_result;
    QPushButton *m_write;
    QPushButton *m_close;
    bool m_busy = false;
};

} // namespace Bulwark::Ui
