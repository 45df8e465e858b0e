// Merges what a Thing or template declares with what its template chain
// declares, so that every member has exactly one owner.
#pragma once

#include "Entities.h"

namespace Bulwark::Inheritance {

// chain: the templates the owner derives from, nearest first. The result
// lists the owner's own members first, then inherited ones marked with the
// template that declares them. A name declared twice along the chain is a
// Conflict that names both declarers.
[[nodiscard]] Result<Definitions> effective(const QString &owner, const Definitions &own,
                                            const QList<ThingTemplate> &chain);

} // namespace Bulwark::Inheritance
