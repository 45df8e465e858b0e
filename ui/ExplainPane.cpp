#include "ExplainPane.h"

#include <QJsonArray>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {

QString levelText(const QString &level)
{
    if (level == u"member")
        return ExplainPane::tr("level 1, a member override on the entity");
    if (level == u"entity")
        return ExplainPane::tr("level 2, the entity's own rules");
    if (level == u"template-member")
        return ExplainPane::tr("level 3, a member override in a template's instance rules");
    if (level == u"template")
        return ExplainPane::tr("level 3, a template's instance rules");
    if (level == u"collection")
        return ExplainPane::tr("level 4, the collection's rules");
    return level;
}

QString ruleText(const QJsonObject &rule)
{
    const QJsonObject principal = rule.value("principal"_L1).toObject();
    const QString who = principal.value("type"_L1).toString() == u"Group"
                            ? ExplainPane::tr("group %1").arg(principal.value("name"_L1).toString())
                            : ExplainPane::tr("user %1").arg(principal.value("name"_L1).toString());
    const QString permission = rule.value("permission"_L1).toString();
    const QString member = rule.value("member"_L1).toString();
    const QString what =
        member.isEmpty() ? permission : ExplainPane::tr("%1 on member %2").arg(permission, member);
    return rule.value("effect"_L1).toString() == u"Deny"
               ? ExplainPane::tr("Deny %1 for %2").arg(what, who)
               : ExplainPane::tr("Allow %1 for %2").arg(what, who);
}

QString pathText(const QJsonArray &path)
{
    QStringList names;
    for (const QJsonValue &value : path)
        names.append(value.toString());
    return names.join(u" → "_s);
}

QString visibilityText(const QString &user, const QString &entity, const QJsonObject &visibility)
{
    const QString through = visibility.value("through"_L1).toString();
    if (through == u"administrator")
        return ExplainPane::tr("%1 sees %2 as a member of Administrators.").arg(user, entity);
    if (through == u"creator")
        return ExplainPane::tr("%1 sees %2 because they created it.").arg(user, entity);
    if (through == u"self")
        return ExplainPane::tr("%1 sees %2 because it is their own user.").arg(user, entity);
    if (through == u"unit") {
        QString text = ExplainPane::tr("%1 sees %2 through the unit %3 of the organization %4")
                           .arg(user, entity, visibility.value("unit"_L1).toString(),
                                visibility.value("organization"_L1).toString());
        const QString granted = visibility.value("grantedUnit"_L1).toString();
        const QString grantedOn = visibility.value("grantedOn"_L1).toString();
        if (!granted.isEmpty())
            text += ExplainPane::tr(", which the visibility list of %1 grants (to unit %2)")
                        .arg(grantedOn, granted);
        const QJsonArray via = visibility.value("memberVia"_L1).toArray();
        if (via.size() > 1)
            text += ExplainPane::tr("; %1 is a member of it through %2").arg(user, pathText(via));
        return text + u'.';
    }
    return ExplainPane::tr("%2 is not visible to %1: for them it does not exist (they get "
                           "“not found”). What the rules alone would decide is shown below.")
        .arg(user, entity);
}

} // namespace

ExplainPane::ExplainPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_body(new QLabel(this))
{
    setObjectName(u"explainPane"_s);
    m_title->setObjectName(u"explainTitle"_s);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_body->setObjectName(u"explainText"_s);
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::PlainText);
    m_body->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_body);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(scroll, 1);
    setMinimumWidth(220);
    setPlaceholder(tr("Turn on “Effective for” and select a cell to see why the server decides "
                      "as it does."));
}

void ExplainPane::setPlaceholder(const QString &text)
{
    m_title->setText(tr("Explanation"));
    m_body->setText(text);
}

void ExplainPane::setError(const QString &message)
{
    m_title->setText(tr("No explanation"));
    m_body->setText(tr("The server could not explain this decision: %1").arg(message));
}

void ExplainPane::setExplanation(const QJsonObject &answer)
{
    const bool allowed = answer.value("decision"_L1).toString() == u"allow";
    m_title->setText(allowed ? tr("Allowed") : tr("Denied"));
    m_body->setText(describe(answer).join(u"\n\n"_s));
}

QString ExplainPane::text() const
{
    return m_title->text() + u"\n\n"_s + m_body->text();
}

QStringList ExplainPane::describe(const QJsonObject &answer)
{
    const QString user = answer.value("user"_L1).toString();
    const QString entity = answer.value("entity"_L1).toString();
    const QString permission = answer.value("permission"_L1).toString();
    const QString member = answer.value("member"_L1).toString();
    const bool allowed = answer.value("decision"_L1).toString() == u"allow";
    const QString target =
        member.isEmpty() ? entity : tr("the member %1 of %2").arg(member, entity);

    QStringList sentences;
    sentences.append(allowed ? tr("%1 may use %2 on %3.").arg(user, permission, target)
                             : tr("%1 may not use %2 on %3.").arg(user, permission, target));

    const QJsonObject resolution = answer.value("resolution"_L1).toObject();
    const QString level = resolution.value("level"_L1).toString();
    if (level == u"administrator") {
        sentences.append(
            tr("%1 is a member of Administrators, who may do everything: no rule is looked at.")
                .arg(user));
    } else if (level == u"none" || level.isEmpty()) {
        sentences.append(tr("No rule for %1 names %2 or one of their groups at any level, so it "
                            "is denied by default.")
                             .arg(permission, user));
    } else {
        const QJsonObject rule = resolution.value("rule"_L1).toObject();
        sentences.append(
            tr("The deciding rule is “%1”, set on %2 (%3).")
                .arg(ruleText(rule), resolution.value("holder"_L1).toString(), levelText(level)));
        const QJsonArray path = resolution.value("principalPath"_L1).toArray();
        if (path.size() > 1)
            sentences.append(tr("It reaches %1 through the groups %2.").arg(user, pathText(path)));
        else
            sentences.append(tr("It names %1 directly.").arg(user));
        if (rule.value("effect"_L1).toString() == u"Deny")
            sentences.append(tr("Within one level, a Deny wins over any Allow."));
        const QJsonArray others = resolution.value("otherMatches"_L1).toArray();
        if (!others.isEmpty()) {
            QStringList texts;
            for (const QJsonValue &other : others)
                texts.append(u"“"_s + ruleText(other.toObject()) + u"”"_s);
            sentences.append(
                tr("Other rules at the same level also match: %1.").arg(texts.join(u", "_s)));
        }
    }

    const QJsonObject visibility = answer.value("visibility"_L1).toObject();
    if (!visibility.isEmpty())
        sentences.append(visibilityText(user, entity, visibility));
    return sentences;
}

} // namespace Bulwark::Ui
