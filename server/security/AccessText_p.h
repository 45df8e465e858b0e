// What the model (Access.cpp, AccessResolver.cpp) and AccessText.cpp (the
// vocabulary and the words of explanations) share: collection names, and the
// sentences a decision or a refusal carries. Not part of Access.h's API.
#pragma once

#include "Access.h"

namespace Bulwark::Access::Text {

inline const QString ThingsCollection = QStringLiteral("Things");
inline const QString TemplatesCollection = QStringLiteral("ThingTemplates");
inline const QString UsersCollection = QStringLiteral("Users");
inline const QString AdministratorsGroup = QStringLiteral("Administrators");

// "Thing Boiler1", or "collection Things" for a reference without a name.
[[nodiscard]] QString targetWords(const EntityRef &ref);

// Decision::message for a visible target: the deciding rule, or the
// administrator's or default deny's reason.
[[nodiscard]] QString ruleMessage(const QString &user, const QString &target, Permission permission,
                                  const ResolutionExplanation &resolution);
// Decision::message for a target the user does not see.
[[nodiscard]] QString invisibleMessage(const QString &user, const QString &target,
                                       const ResolutionExplanation &resolution);

// require()'s Forbidden: "You may not read property 'setpoint' of Thing 'Boiler1' (PropertyRead)."
[[nodiscard]] Error forbidden(const EntityRef &ref, Permission permission, const QString &member);
// requireCreate()'s Forbidden: "You may not create a Thing from ThingTemplate 'Pump' (Create)."
[[nodiscard]] Error forbiddenToCreate(const QString &collection, const QString &templateName);

} // namespace Bulwark::Access::Text
