// Explains one decision of the server in sentences: the answer of
// GET /api/Permissions/explain — the decision, the deciding rule with its
// level, holder and principal, how the rule reaches the user, and through
// which organization unit (if any) the entity is visible.
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QWidget>

class QLabel;

namespace Bulwark::Ui {

class ExplainPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExplainPane)

public:
    explicit ExplainPane(QWidget *parent = nullptr);

    // Shows the explanation of `answer` (an explain body).
    void setExplanation(const QJsonObject &answer);
    // Shows a hint or progress note instead of an explanation.
    void setPlaceholder(const QString &text);
    void setError(const QString &message);

    // The shown explanation as plain text (one sentence per line).
    [[nodiscard]] QString text() const;

    // The sentences for an explain answer; also used for tooltips and tests.
    [[nodiscard]] static QStringList describe(const QJsonObject &answer);

private:
    QLabel *m_title;
    QLabel *m_body;
};

} // namespace Bulwark::Ui
