#pragma once

#include <QList>

namespace Bulwark::Migrations {

struct Migration
{
    int version;
    const char *description;
    QList<const char *> statements;
};

const QList<Migration> &all();

} // namespace Bulwark::Migrations
