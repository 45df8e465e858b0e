#include "NewThingDialog.h"

#include "models/ApiClient.h"
#include "models/EntityName.h"
#include "wire/Wire.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::EntityName;

NewThingDialog::NewThingDialog(Models::ApiClient *client, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_name(new QLineEdit(this))
    , m_description(new QLineEdit(this))
    , m_template(new QComboBox(this))
    , m_error(new QLabel(this))
    , m_create(nullptr)
{
    setObjectName(u"newThingDialog"_s);
    setWindowTitle(tr("New Thing"));

    m_name->setObjectName(u"thingNameEdit"_s);
    m_name->setMaxLength(int(EntityName::MaximumLength));
    m_name->setPlaceholderText(tr("e.g. Pump-07"));
    m_description->setObjectName(u"thingDescriptionEdit"_s);
    m_template->setObjectName(u"thingTemplateCombo"_s);
    m_template->setEditable(true);
    m_template->addItem(QString());
    m_template->setToolTip(tr("Optional: the Thing inherits the template's properties, "
                              "services and events."));
    m_error->setObjectName(u"thingErrorLabel"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the server's words, never markup
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Description:"), m_description);
    form->addRow(tr("&Template:"), m_template);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_create = buttons->addButton(tr("&Create"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(u"createThingButton"_s);
    m_create->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &NewThingDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_name, &QLineEdit::textChanged, this, &NewThingDialog::updateValidity);
    updateValidity();
    loadTemplates();
}

void NewThingDialog::loadTemplates()
{
    if (!m_client)
        return;
    // Offering the existing templates saves typing; the field stays editable
    // (and optional) if the list cannot be loaded.
    m_client->get(Wire::ApiPrefix + Wire::ThingTemplates, this, [this](const ApiResult &result) {
        if (!result.isOk())
            return;
        const QJsonArray items = result.body.object().value(Wire::Items).toArray();
        for (const QJsonValue &item : items) {
            const QString name = item.toObject().value(Wire::Name).toString();
            if (!name.isEmpty())
                m_template->addItem(name);
        }
    });
}

void NewThingDialog::updateValidity()
{
    const QString name = m_name->text();
    const QString problem = EntityName::problem(name);
    // An empty field is not an error yet, just not ready.
    if (!name.isEmpty() && !problem.isEmpty())
        showError(problem);
    else
        m_error->hide();
    m_create->setEnabled(problem.isEmpty() && !m_busy && m_client);
}

void NewThingDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void NewThingDialog::submit()
{
    const QString name = m_name->text();
    if (!EntityName::isValid(name) || m_busy || !m_client)
        return;
    QJsonObject body{{Wire::Name, name},
                     {Wire::Description, m_description->text()},
                     {Wire::Properties, QJsonArray()},
                     {Wire::Services, QJsonArray()},
                     {Wire::Events, QJsonArray()}};
    const QString templateName = m_template->currentText().trimmed();
    if (!templateName.isEmpty())
        body.insert(Wire::Template, templateName);

    m_busy = true;
    updateValidity();
    m_client->post(Wire::ApiPrefix + Wire::Things, body, this,
                   [this, name](const ApiResult &result) {
                       m_busy = false;
                       if (!result.isOk()) {
                           showError(result.errorMessage);
                           updateValidity();
                           m_error->show();
                           return;
                       }
                       Q_EMIT thingCreated(name);
                       accept();
                   });
}

} // namespace Bulwark::Ui
