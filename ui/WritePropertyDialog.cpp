#include "WritePropertyDialog.h"

#include "DevicesValueEditor.h"
#include "models/ApiClient.h"
#include "wire/Wire.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::LivePropertiesModel;

namespace {
constexpr int ResultIconSize = 16;
} // namespace

WritePropertyDialog::WritePropertyDialog(Models::ApiClient *client, const QString &thing,
                                         const Models::LiveProperty &property, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_thing(thing)
    , m_property(property)
    , m_editor(new ValueEditor(property.baseType, ValueEditor::NullChoice::Offer, this))
    , m_problem(new QLabel(this))
    , m_resultIcon(new QLabel(this))
    , m_result(new QLabel(this))
    , m_write(nullptr)
    , m_close(nullptr)
{
    setObjectName(u"writePropertyDialog"_s);
    setWindowTitle(tr("Write Property"));
    setMinimumWidth(440);

    auto *heading = new QLabel(tr("Write <b>%1</b> of <b>%2</b>")
                                   .arg(property.name.toHtmlEscaped(), thing.toHtmlEscaped()),
                               this);
    const QString current =
        property.time.isValid()
            ? tr("%1 (written %2)")
                  .arg(LivePropertiesModel::displayValue(property.value),
                       QLocale().toString(property.time.toLocalTime(), QLocale::ShortFormat))
            : tr("%1 (never written)").arg(LivePropertiesModel::displayValue(property.value));
    auto *currentLabel = new QLabel(current, this);
    currentLabel->setObjectName(u"currentValueLabel"_s);
    currentLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    currentLabel->setWordWrap(true);
    m_editor->setObjectName(u"propertyValueEditor"_s);
    // A property never written starts empty, not ticked "No value".
    m_editor->setValue(property.time.isValid() ? property.value
                                               : QJsonValue(QJsonValue::Undefined));

    auto *form = new QFormLayout;
    form->addRow(tr("Type:"), new QLabel(property.baseType, this));
    form->addRow(tr("Current value:"), currentLabel);
    form->addRow(tr("&New value:"), m_editor);

    auto *note = new QLabel(tr("If a device is connected for this Thing, it receives the value "
                               "first and may refuse it; the server waits for its answer."),
                            this);
    note->setWordWrap(true);
    note->setEnabled(false); // secondary text

    m_problem->setObjectName(u"valueProblemLabel"_s);
    m_problem->setWordWrap(true);
    m_problem->hide();

    m_resultIcon->setFixedSize(ResultIconSize, ResultIconSize);
    m_resultIcon->hide();
    m_result->setObjectName(u"writeResultLabel"_s);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *resultRow = new QHBoxLayout;
    resultRow->addWidget(m_resultIcon, 0, Qt::AlignTop);
    resultRow->addWidget(m_result, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_close = buttons->button(QDialogButtonBox::Close);
    m_write = buttons->addButton(tr("&Write"), QDialogButtonBox::ApplyRole);
    m_write->setObjectName(u"writePropertyButton"_s);
    m_write->setDefault(true);
    connect(m_write, &QPushButton::clicked, this, &WritePropertyDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(note);
    layout->addLayout(resultRow);
    layout->addWidget(buttons);

    connect(m_editor, &ValueEditor::changed, this, &WritePropertyDialog::updateValidity);
    updateValidity();
    m_editor->setFocus();
}

QString WritePropertyDialog::resultText() const
{
    return m_result->text();
}

void WritePropertyDialog::updateValidity()
{
    const QString problem = m_editor->problem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_write->setEnabled(problem.isEmpty() && !m_busy && m_client);
}

void WritePropertyDialog::submit()
{
    const std::optional<QJsonValue> value = m_editor->value();
    if (!value || m_busy || !m_client)
        return;
    m_busy = true;
    updateValidity();
    showResult(true, tr("Sending… (a connected device answers first)"));
    m_resultIcon->hide();
    const QString path = Models::ApiClient::entityPath(Wire::Things, m_thing) + u"/Properties/"_s +
                         QString::fromLatin1(QUrl::toPercentEncoding(m_property.name));
    m_client->put(path, QJsonObject{{Wire::Value, *value}}, this, [this](const ApiResult &result) {
        m_busy = false;
        updateValidity();
        if (result.isOk()) {
            const QJsonValue stored = result.body.object().value(Wire::Value);
            showResult(true, tr("Written: “%1” now holds %2.")
                                 .arg(m_property.name, LivePropertiesModel::displayValue(stored)));
            Q_EMIT written(m_property.name, stored);
            return;
        }
        QString text;
        if (result.errorCode == Wire::EdgeDeviceRefused)
            text = result.errorMessage; // "The device refused the write: …"
        else if (result.errorCode == Wire::EdgeDeviceTimeout)
            text = tr("The device did not answer in time; it may or may not have applied the "
                      "value. %1")
                       .arg(result.errorMessage);
        else if (result.httpStatus == 403)
            text = tr("You may not write this property. %1").arg(result.errorMessage);
        else
            text = tr("Not written. %1").arg(result.errorMessage);
        showResult(false, text);
    });
}

void WritePropertyDialog::showResult(bool success, const QString &text)
{
    m_result->setText(text);
    m_resultIcon->setPixmap(QIcon(success ? u":/icons/allow.svg"_s : u":/icons/deny.svg"_s)
                                .pixmap(ResultIconSize, ResultIconSize));
    m_resultIcon->show();
}

} // namespace Bulwark::Ui
