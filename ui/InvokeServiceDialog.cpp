#include "InvokeServiceDialog.h"

#include "DevicesValueEditor.h"
#include "models/ApiClient.h"
#include "models/LivePropertiesModel.h"
#include "wire/Wire.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;

namespace {
constexpr int ResultIconSize = 16;
constexpr int FieldsTab = 0;
constexpr int JsonTab = 1;
constexpr auto Nothing = "NOTHING"_L1;
} // namespace

InvokeServiceDialog::InvokeServiceDialog(Models::ApiClient *client, const QString &thing,
                                         const QJsonArray &services,
                                         const QHash<QString, bool> &allowed, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_thing(thing)
    , m_services(services)
    , m_allowed(allowed)
    , m_service(new QComboBox(this))
    , m_signature(new QLabel(this))
    , m_description(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_fieldsPage(new QWidget(this))
    , m_fields(new QFormLayout(m_fieldsPage))
    , m_json(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
    , m_resultIcon(new QLabel(this))
    , m_result(new QLabel(this))
    , m_output(new QPlainTextEdit(this))
    , m_invoke(nullptr)
{
    setObjectName(u"invokeServiceDialog"_s);
    setWindowTitle(tr("Invoke Service"));
    setMinimumWidth(480);

    auto *heading = new QLabel(
        tr("Call a service of <b>%1</b> on its device").arg(thing.toHtmlEscaped()), this);
    m_service->setObjectName(u"serviceCombo"_s);
    for (const QJsonValue &service : services) {
        const QString name = service.toObject().value(Wire::Name).toString();
        if (allowed.value(name, true))
            m_service->addItem(name, name);
        else
            m_service->addItem(tr("%1 (not permitted for you)").arg(name), name);
    }
    m_signature->setObjectName(u"serviceSignatureLabel"_s);
    m_signature->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_description->setWordWrap(true);
    // Texts from the Thing's definition: shown as they are, never as markup.
    m_description->setTextFormat(Qt::PlainText);
    m_signature->setTextFormat(Qt::PlainText);
    m_description->setEnabled(false); // secondary text

    m_fieldsPage->setObjectName(u"serviceFieldsPage"_s);
    m_json->setObjectName(u"parametersJsonEdit"_s);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setPlaceholderText(tr("{\"level\": 2}"));
    m_json->setTabChangesFocus(true);
    m_tabs->setObjectName(u"parameterTabs"_s);
    m_tabs->addTab(m_fieldsPage, tr("&Fields"));
    m_tabs->addTab(m_json, tr("&JSON"));

    m_problem->setObjectName(u"parametersProblemLabel"_s);
    m_problem->setWordWrap(true);
    m_problem->hide();

    m_resultIcon->setFixedSize(ResultIconSize, ResultIconSize);
    m_resultIcon->hide();
    m_result->setObjectName(u"invokeResultLabel"_s);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *resultRow = new QHBoxLayout;
    resultRow->addWidget(m_resultIcon, 0, Qt::AlignTop);
    resultRow->addWidget(m_result, 1);
    m_output->setObjectName(u"serviceOutputView"_s);
    m_output->setReadOnly(true);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setPlaceholderText(tr("The service's output appears here."));
    m_output->setMaximumHeight(120);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_invoke = buttons->addButton(tr("&Invoke"), QDialogButtonBox::ApplyRole);
    m_invoke->setObjectName(u"invokeServiceButton"_s);
    m_invoke->setDefault(true);
    connect(m_invoke, &QPushButton::clicked, this, &InvokeServiceDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Service:"), m_service);
    form->addRow(QString(), m_signature);
    form->addRow(QString(), m_description);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addLayout(form);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_problem);
    layout->addLayout(resultRow);
    layout->addWidget(m_output);
    layout->addWidget(buttons);

    connect(m_service, &QComboBox::currentIndexChanged, this, &InvokeServiceDialog::rebuildFields);
    connect(m_tabs, &QTabWidget::currentChanged, this, &InvokeServiceDialog::syncTabs);
    connect(m_json, &QPlainTextEdit::textChanged, this, &InvokeServiceDialog::updateState);
    rebuildFields();
}

QString InvokeServiceDialog::currentService() const
{
    return m_service->currentData().toString();
}

void InvokeServiceDialog::selectService(const QString &service)
{
    const int index = m_service->findData(service);
    if (index >= 0)
        m_service->setCurrentIndex(index);
}

ValueEditor *InvokeServiceDialog::fieldEditor(const QString &input) const
{
    return m_editors.value(input);
}

QString InvokeServiceDialog::resultText() const
{
    return m_result->text();
}

QString InvokeServiceDialog::outputText() const
{
    return m_output->toPlainText();
}

QJsonObject InvokeServiceDialog::serviceObject() const
{
    const QString name = currentService();
    for (const QJsonValue &service : m_services) {
        if (service.toObject().value(Wire::Name).toString() == name)
            return service.toObject();
    }
    return {};
}

void InvokeServiceDialog::rebuildFields()
{
    while (m_fields->rowCount() > 0)
        m_fields->removeRow(0);
    m_editors.clear();
    const QJsonObject service = serviceObject();
    const QJsonArray inputs = service.value(Wire::Inputs).toArray();
    QStringList signature;
    for (const QJsonValue &input : inputs) {
        const QString name = input.toObject().value(Wire::Name).toString();
        const QString type = input.toObject().value(Wire::BaseType).toString();
        signature.append(u"%1: %2"_s.arg(name, type));
        auto *editor = new ValueEditor(type, ValueEditor::NullChoice::Hide, m_fieldsPage);
        editor->setObjectName(u"parameter_"_s + name);
        connect(editor, &ValueEditor::changed, this, &InvokeServiceDialog::updateState);
        m_fields->addRow(u"%1 (%2):"_s.arg(name, type), editor);
        m_editors.insert(name, editor);
    }
    if (inputs.isEmpty()) {
        auto *none = new QLabel(tr("This service takes no parameters."), m_fieldsPage);
        none->setEnabled(false);
        m_fields->addRow(none);
    }
    const QString output = service.value(Wire::Output).toString(Nothing);
    m_signature->setText(u"%1(%2) → %3"_s.arg(currentService(), signature.join(u", "_s), output));
    const QString description = service.value(Wire::Description).toString();
    m_description->setText(description);
    m_description->setVisible(!description.isEmpty());
    m_json->setPlainText(inputs.isEmpty() ? u"{}"_s : QString());
    updateState();
}

std::optional<QJsonObject> InvokeServiceDialog::parameters(QString *problem) const
{
    if (m_tabs->currentIndex() == JsonTab) {
        const QString text = m_json->toPlainText().trimmed();
        if (text.isEmpty())
            return QJsonObject();
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            *problem = error.error != QJsonParseError::NoError
                           ? tr("The parameters are not valid JSON: %1.").arg(error.errorString())
                           : tr("The parameters must be a JSON object, such as {\"level\": 2}.");
            return std::nullopt;
        }
        return document.object();
    }
    QJsonObject parameters;
    for (auto it = m_editors.cbegin(); it != m_editors.cend(); ++it) {
        const std::optional<QJsonValue> value = it.value()->value();
        if (!value) {
            *problem = tr("%1: %2").arg(it.key(), it.value()->problem());
            return std::nullopt;
        }
        parameters.insert(it.key(), *value);
    }
    return parameters;
}

void InvokeServiceDialog::syncTabs(int tab)
{
    if (tab == JsonTab) {
        // The JSON starts from what the fields hold (those that are valid).
        QJsonObject fromFields;
        for (auto it = m_editors.cbegin(); it != m_editors.cend(); ++it) {
            if (const std::optional<QJsonValue> value = it.value()->value())
                fromFields.insert(it.key(), *value);
        }
        if (!fromFields.isEmpty() || m_editors.isEmpty())
            m_json->setPlainText(
                QString::fromUtf8(QJsonDocument(fromFields).toJson(QJsonDocument::Indented)));
    } else if (tab == FieldsTab) {
        const QJsonDocument document = QJsonDocument::fromJson(m_json->toPlainText().toUtf8());
        const QJsonObject object = document.object();
        for (auto it = m_editors.cbegin(); it != m_editors.cend(); ++it) {
            if (object.contains(it.key()))
                it.value()->setValue(object.value(it.key()));
        }
    }
    updateState();
}

void InvokeServiceDialog::updateState()
{
    QString problem;
    const bool valid = parameters(&problem).has_value();
    const bool allowed = m_allowed.value(currentService(), true);
    if (!allowed)
        problem = tr("You may not invoke “%1”: ServiceInvoke is not granted to you on this "
                     "service. An administrator can grant it under Permissions.")
                      .arg(currentService());
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_invoke->setEnabled(valid && allowed && !m_busy && m_client && !currentService().isEmpty());
}

void InvokeServiceDialog::submit()
{
    QString problem;
    const std::optional<QJsonObject> parameters = this->parameters(&problem);
    const QString service = currentService();
    if (!parameters || m_busy || !m_client || service.isEmpty())
        return;
    m_busy = true;
    updateState();
    m_output->clear();
    m_resultIcon->hide();
    m_result->setText(tr("Waiting for the device…"));
    const QString path = Models::ApiClient::entityPath(Wire::Things, m_thing) + u"/Services/"_s +
                         QString::fromLatin1(QUrl::toPercentEncoding(service));
    m_client->post(
        path, QJsonObject{{Wire::Parameters, *parameters}}, this,
        [this, service](const ApiResult &result) {
            m_busy = false;
            updateState();
            if (result.isOk()) {
                const QJsonValue output = result.body.object().value(Wire::Output);
                if (output.isUndefined() || output.isNull()) {
                    showResult(true, tr("“%1” ran; it returns nothing.").arg(service));
                } else {
                    showResult(true, tr("“%1” answered:").arg(service));
                    m_output->setPlainText(Models::LivePropertiesModel::displayValue(output));
                }
                Q_EMIT invoked(service, output);
                return;
            }
            QString text;
            // The server's own words say it all for these two.
            if (result.errorCode == Wire::EdgeNotConnected ||
                result.errorCode == Wire::EdgeDeviceRefused)
                text = result.errorMessage;
            else if (result.errorCode == Wire::EdgeDeviceTimeout)
                text = tr("The device did not answer in time; the service may or "
                          "may not have run. %1")
                           .arg(result.errorMessage);
            else if (result.httpStatus == 403)
                text = tr("You may not invoke this service. %1").arg(result.errorMessage);
            else
                text = tr("The call failed. %1").arg(result.errorMessage);
            showResult(false, text);
        });
}

void InvokeServiceDialog::showResult(bool success, const QString &text)
{
    m_result->setText(text);
    m_resultIcon->setPixmap(QIcon(success ? u":/icons/allow.svg"_s : u":/icons/deny.svg"_s)
                                .pixmap(ResultIconSize, ResultIconSize));
    m_resultIcon->show();
}

} // namespace Bulwark::Ui
