// The schema, as an ordered list of migrations. Never edit a released
// migration: add a new one. SQL here is common to SQLite and PostgreSQL.
#include "Database.h"
#include "Migrations_p.h"

namespace Bulwark::Migrations {

const QList<Migration> &all()
{
    static const QList<Migration> migrations{
        {1,
         "core entities",
         {
             R"(CREATE TABLE thing_templates (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    base_template TEXT REFERENCES thing_templates(name),
                    definitions TEXT NOT NULL,
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(CREATE TABLE things (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    template TEXT REFERENCES thing_templates(name),
                    definitions TEXT NOT NULL,
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(CREATE TABLE users (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    password_hash TEXT,
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(CREATE TABLE user_groups (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(CREATE TABLE group_members (
                    group_name TEXT NOT NULL REFERENCES user_groups(name) ON DELETE CASCADE,
                    member_kind TEXT NOT NULL,
                    member_name TEXT NOT NULL,
                    PRIMARY KEY (group_name, member_kind, member_name)))",
             R"(CREATE TABLE organizations (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(CREATE TABLE org_units (
                    organization TEXT NOT NULL REFERENCES organizations(name) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    parent TEXT,
                    description TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (organization, name)))",
         }},
        {2,
         "property values",
         {
             R"(CREATE TABLE property_values (
                    thing TEXT NOT NULL REFERENCES things(name) ON DELETE CASCADE,
                    property TEXT NOT NULL,
                    value TEXT NOT NULL,
                    time TEXT NOT NULL,
                    PRIMARY KEY (thing, property)))",
             R"(CREATE INDEX things_by_template ON things(template))",
             R"(CREATE INDEX group_members_by_member ON group_members(member_kind, member_name))",
         }},
    };
    return migrations;
}

int latestVersion()
{
    return all().constLast().version;
}

} // namespace Bulwark::Migrations
