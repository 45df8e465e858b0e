#include "EmptyStatePage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace Bulwark::Ui {

EmptyStatePage::EmptyStatePage(const QString &title, const QString &explanation, QWidget *parent)
    : QWidget(parent)
    , m_explanation(new QLabel(explanation, this))
{
    auto *heading = new QLabel(title, this);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    heading->setFont(font);
    heading->setAlignment(Qt::AlignCenter);

    m_explanation->setObjectName(QStringLiteral("emptyStateText"));
    m_explanation->setAlignment(Qt::AlignCenter);
    m_explanation->setWordWrap(true);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Centred by stretches rather than an alignment flag: a word-wrapped label
    // only gets the height it needs when the layout controls its width.
    auto *column = new QVBoxLayout;
    column->addStretch(1);
    column->addWidget(heading);
    column->addWidget(m_explanation);
    column->addStretch(2);
    auto *layout = new QHBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(column, 3);
    layout->addStretch(1);
}

void EmptyStatePage::setExplanation(const QString &explanation)
{
    m_explanation->setText(explanation);
}

QString EmptyStatePage::explanation() const
{
    return m_explanation->text();
}

} // namespace Bulwark::Ui
