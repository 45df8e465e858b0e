#include "DevicesValueEditor.h"

#include "models/LivePropertiesModel.h"
#include "wire/Wire.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>

#include <cmath>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {
constexpr auto TypeString = "STRING"_L1;
constexpr auto TypeNumber = "NUMBER"_L1;
constexpr auto TypeInteger = "INTEGER"_L1;
constexpr auto TypeBoolean = "BOOLEAN"_L1;
constexpr auto TypeDateTime = "DATETIME"_L1;
constexpr auto TypeJson = "JSON"_L1;
constexpr auto TypePassword = "PASSWORD"_L1;
constexpr qint64 LargestInteger = 9007199254740991; // 2^53 − 1, as the server allows
} // namespace

ValueEditor::ValueEditor(const QString &baseType, NullChoice nullChoice, QWidget *parent)
    : QWidget(parent)
    , m_baseType(baseType)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (baseType == TypeBoolean) {
        auto *combo = new QComboBox(this);
        combo->addItem(u"true"_s, true);
        combo->addItem(u"false"_s, false);
        connect(combo, &QComboBox::currentIndexChanged, this, &ValueEditor::changed);
        m_input = combo;
    } else if (baseType == TypeDateTime) {
        auto *edit = new QDateTimeEdit(QDateTime::currentDateTime(), this);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm:ss.zzz"_s);
        edit->setToolTip(tr("Your local time; it is sent in UTC."));
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, &ValueEditor::changed);
        m_input = edit;
    } else if (baseType == TypeJson || baseType.isEmpty()) {
        auto *edit = new QPlainTextEdit(this);
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        edit->setPlaceholderText(baseType == TypeJson
                                     ? tr("A JSON object or array, e.g. {\"mode\": 2}")
                                     : tr("A JSON value"));
        edit->setTabChangesFocus(true);
        edit->setMinimumHeight(80);
        connect(edit, &QPlainTextEdit::textChanged, this, &ValueEditor::changed);
        m_input = edit;
    } else {
        auto *edit = new QLineEdit(this);
        edit->setClearButtonEnabled(true);
        if (baseType == TypePassword) {
            edit->setEchoMode(QLineEdit::Password);
            edit->setPlaceholderText(tr("The new password"));
        } else if (baseType == TypeNumber) {
            edit->setPlaceholderText(tr("A number, e.g. 21.5"));
        } else if (baseType == TypeInteger) {
            edit->setPlaceholderText(tr("A whole number, e.g. 42"));
        }
        connect(edit, &QLineEdit::textChanged, this, &ValueEditor::changed);
        m_input = edit;
    }
    m_input->setObjectName(u"valueInput"_s);
    layout->addWidget(m_input, 1);
    setFocusProxy(m_input);

    if (nullChoice == NullChoice::Offer) {
        m_null = new QCheckBox(tr("No value"), this);
        m_null->setObjectName(u"valueNullCheck"_s);
        m_null->setToolTip(
            baseType == TypePassword
                ? tr("Clears the stored password.")
                : tr("Sends null: the property then has no value (reads give null)."));
        connect(m_null, &QCheckBox::toggled, this, [this](bool checked) {
            m_input->setEnabled(!checked);
            Q_EMIT changed();
        });
        layout->addWidget(m_null, 0, Qt::AlignTop);
    }
}

void ValueEditor::setValue(const QJsonValue &value)
{
    // Undefined (never written) leaves the field empty; null means "no value".
    const bool isNull = value.isNull() || value.isUndefined();
    if (m_null)
        m_null->setChecked(value.isNull() && m_baseType != TypePassword);
    if (auto *combo = qobject_cast<QComboBox *>(m_input)) {
        combo->setCurrentIndex(value.toBool(true) ? 0 : 1);
    } else if (auto *edit = qobject_cast<QDateTimeEdit *>(m_input)) {
        const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        edit->setDateTime(time.isValid() ? time.toLocalTime() : QDateTime::currentDateTime());
    } else if (auto *text = qobject_cast<QPlainTextEdit *>(m_input)) {
        text->setPlainText(isNull ? QString() : Models::LivePropertiesModel::displayValue(value));
    } else if (auto *line = qobject_cast<QLineEdit *>(m_input)) {
        // A password is never shown: reads give only the mask.
        if (m_baseType == TypePassword || isNull)
            line->clear();
        else
            line->setText(Models::LivePropertiesModel::displayValue(value));
    }
}

QString ValueEditor::text() const
{
    if (auto *text = qobject_cast<QPlainTextEdit *>(m_input))
        return text->toPlainText();
    if (auto *line = qobject_cast<QLineEdit *>(m_input))
        return line->text();
    return {};
}

std::optional<QJsonValue> ValueEditor::value() const
{
    return parse(nullptr);
}

QString ValueEditor::problem() const
{
    QString problem;
    (void)parse(&problem);
    return problem;
}

std::optional<QJsonValue> ValueEditor::parse(QString *problem) const
{
    const auto fail = [problem](const QString &message) -> std::optional<QJsonValue> {
        if (problem)
            *problem = message;
        return std::nullopt;
    };
    if (m_null && m_null->isChecked())
        return QJsonValue(QJsonValue::Null);
    if (auto *combo = qobject_cast<QComboBox *>(m_input))
        return QJsonValue(combo->currentData().toBool());
    if (auto *edit = qobject_cast<QDateTimeEdit *>(m_input))
        return QJsonValue(edit->dateTime().toUTC().toString(Qt::ISODateWithMs));

    const QString input = text();
    const QString trimmed = input.trimmed();
    if (m_baseType == TypeString)
        return QJsonValue(input);
    if (m_baseType == TypePassword) {
        if (input.isEmpty())
            return fail(tr("Type the new password, or tick “No value” to clear it."));
        if (input == Wire::PasswordMask)
            return fail(tr("“********” is what reads show for a password; type the new "
                           "password itself."));
        return QJsonValue(input);
    }
    if (m_baseType == TypeNumber) {
        bool ok = false;
        double number = QLocale::c().toDouble(trimmed, &ok);
        if (!ok)
            number = QLocale().toDouble(trimmed, &ok);
        if (!ok || !std::isfinite(number))
            return fail(tr("Type a number, such as 21.5."));
        return QJsonValue(number);
    }
    if (m_baseType == TypeInteger) {
        bool ok = false;
        const qlonglong number = trimmed.toLongLong(&ok);
        if (!ok || number > LargestInteger || number < -LargestInteger)
            return fail(tr("Type a whole number between −9007199254740991 and "
                           "9007199254740991."));
        return QJsonValue(number);
    }
    // JSON (an object or array), or any JSON value for an unknown type.
    if (trimmed.isEmpty())
        return fail(m_baseType == TypeJson ? tr("Type a JSON object {…} or array […].")
                                           : tr("Type a JSON value."));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson((u'[' + input + u']').toUtf8(), &error);
    const QJsonArray wrapped = document.array();
    if (error.error != QJsonParseError::NoError)
        return fail(tr("This is not valid JSON: %1.").arg(error.errorString()));
    if (wrapped.size() != 1)
        return fail(tr("Type one JSON value, not a list separated by commas."));
    const QJsonValue value = wrapped.at(0);
    if (m_baseType == TypeJson && !value.isObject() && !value.isArray())
        return fail(tr("A JSON property holds an object {…} or an array […]."));
    return value;
}

} // namespace Bulwark::Ui
