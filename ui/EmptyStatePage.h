// A page that says what belongs here when there is nothing to show yet, so
// that an area is never a blank, puzzling page.
#pragma once

#include <QWidget>

class QLabel;

namespace Bulwark::Ui {

class EmptyStatePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmptyStatePage)

public:
    EmptyStatePage(const QString &title, const QString &explanation, QWidget *parent = nullptr);

    void setExplanation(const QString &explanation);
    [[nodiscard]] QString explanation() const;

private:
    QLabel *m_explanation;
};

} // namespace Bulwark::Ui
