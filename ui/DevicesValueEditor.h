// An editor for one value of a Bulwark base type (STRING, NUMBER, INTEGER,
// BOOLEAN, DATETIME, JSON, PASSWORD), used to write a property and to fill a
// service's parameters. It checks the value as the server will (a whole
// number within ±(2^53−1), a finite number, JSON that is an object or array)
// and says what is wrong before anything is sent.
#pragma once

#include <QJsonValue>
#include <QWidget>

#include <optional>

class QCheckBox;

namespace Bulwark::Ui {

class ValueEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValueEditor)

public:
    enum class NullChoice
    {
        Offer, // a "No value" check box: sends null
        Hide,
    };

    ValueEditor(const QString &baseType, NullChoice nullChoice, QWidget *parent = nullptr);

    [[nodiscard]] QString baseType() const { return m_baseType; }
    // null ticks "No value"; undefined leaves the input empty.
    void setValue(const QJsonValue &value);
    // The value to send, or nothing when the input is not valid (problem() says why).
    [[nodiscard]] std::optional<QJsonValue> value() const;
    [[nodiscard]] QString problem() const;
    // The widget the value is typed into (objectName "valueInput").
    [[nodiscard]] QWidget *input() const { return m_input; }

Q_SIGNALS:
    void changed();

private:
    [[nodiscard]] std::optional<QJsonValue> parse(QString *problem) const;
    [[nodiscard]] QString text() const;

    QString m_baseType;
    QWidget *m_input = nullptr;
    QCheckBox *m_null = nullptr;
};

} // namespace Bulwark::Ui
