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
        {3,
         "identity and secrets",
         {
             // Installation-wide values: the installation id, the audit head.
             R"(CREATE TABLE settings (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL))",
             // Data keys, one per purpose, wrapped by the master key.
             R"(CREATE TABLE data_keys (
                    purpose TEXT PRIMARY KEY,
                    wrapped TEXT NOT NULL,
                    master_key_id TEXT NOT NULL,
                    created TEXT NOT NULL,
                    rotated TEXT NOT NULL))",
             // Other sealed secrets the platform keeps (the TLS private key).
             R"(CREATE TABLE secrets (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(ALTER TABLE users ADD COLUMN auth_source TEXT NOT NULL DEFAULT 'local')",
             R"(ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0)",
             R"(ALTER TABLE users ADD COLUMN first_failure TEXT)",
             R"(ALTER TABLE users ADD COLUMN locked INTEGER NOT NULL DEFAULT 0)",
             R"(ALTER TABLE users ADD COLUMN locked_until TEXT)",
             R"(ALTER TABLE users ADD COLUMN last_login TEXT)",
             R"(ALTER TABLE users ADD COLUMN last_login_address TEXT)",
             // Bumped by every password change except a rehash of the same
             // password: a sign-in checked against an older one is refused.
             R"(ALTER TABLE users ADD COLUMN credentials_version INTEGER NOT NULL DEFAULT 0)",
             R"(CREATE TABLE application_keys (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                    key_hash TEXT NOT NULL UNIQUE,
                    expires TEXT NOT NULL,
                    ip_allowlist TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    last_used TEXT,
                    last_address TEXT,
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(CREATE INDEX application_keys_by_user ON application_keys(user_name))",
             R"(CREATE TABLE directory_services (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    bind_password TEXT,
                    enabled INTEGER NOT NULL,
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL))",
             R"(CREATE TABLE audit_log (
                    id BIGINT PRIMARY KEY,
                    time TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    source TEXT NOT NULL,
                    category TEXT NOT NULL,
                    action TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    details TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL))",
             R"(CREATE INDEX audit_by_time ON audit_log(time))",
             R"(CREATE INDEX audit_by_actor ON audit_log(actor, id))",
             R"(CREATE INDEX audit_by_category ON audit_log(category, id))",
         }},
        {4,
         "authorization",
         {
             // Rules: holder_kind is 'entity', 'instance' (a template's
             // instance rules) or 'collection' (holder ''); member '' names
             // no member. At most one rule per (member, principal, permission).
             R"(CREATE TABLE access_rules (
                    holder_kind TEXT NOT NULL,
                    collection TEXT NOT NULL,
                    holder TEXT NOT NULL,
                    member TEXT NOT NULL,
                    principal_kind TEXT NOT NULL,
                    principal TEXT NOT NULL,
                    permission TEXT NOT NULL,
                    effect TEXT NOT NULL,
                    PRIMARY KEY (holder_kind, collection, holder, member, principal_kind,
                                 principal, permission)))",
             R"(CREATE INDEX access_rules_by_principal ON access_rules(principal_kind, principal))",
             // Visibility grants to units ('Org/Unit'). The primary key also
             // serves lookups by holder.
             R"(CREATE TABLE access_visibility (
                    holder_kind TEXT NOT NULL,
                    collection TEXT NOT NULL,
                    holder TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    PRIMARY KEY (holder_kind, collection, holder, unit)))",
             R"(CREATE INDEX access_visibility_by_unit ON access_visibility(unit))",
             R"(CREATE TABLE unit_members (
                    organization TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    member_kind TEXT NOT NULL,
                    member_name TEXT NOT NULL,
                    PRIMARY KEY (organization, unit, member_kind, member_name)))",
             R"(CREATE INDEX unit_members_by_member ON unit_members(member_kind, member_name))",
             // Who created an entity; NULL for rows from before this version.
             R"(ALTER TABLE things ADD COLUMN creator TEXT)",
             R"(ALTER TABLE thing_templates ADD COLUMN creator TEXT)",
             R"(ALTER TABLE users ADD COLUMN creator TEXT)",
             R"(ALTER TABLE user_groups ADD COLUMN creator TEXT)",
             R"(ALTER TABLE organizations ADD COLUMN creator TEXT)",
         }},
        {5,
         "property value quality",
         {
             // What the device said of a value (edge protocol 1): good,
             // uncertain or bad. Values from before, and REST writes, are good.
             R"(ALTER TABLE property_values ADD COLUMN quality TEXT NOT NULL DEFAULT 'good')",
         }},
        {6,
         "file repositories",
         {
             // The built-in template a file repository Thing derives from
             // (docs/rest-api.md). A template of that name made before this
             // version is kept and takes the role.
             R"(INSERT INTO thing_templates (name, description, base_template, definitions,
                    created, modified)
                SELECT 'FileRepository',
                       'Built-in: a Thing whose template derives from this one keeps files, '
                       || 'encrypted at rest (docs/rest-api.md, File repositories).',
                       NULL, '{"events":[],"properties":[],"services":[]}',
                       '2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z'
                WHERE NOT EXISTS (SELECT 1 FROM thing_templates WHERE name = 'FileRepository'))",
             // The stable id of each repository, which names its directory
             // under DATA-DIR/repositories; made on first use, so a Thing
             // deleted and made again under the same name starts empty.
             R"(CREATE TABLE file_repositories (
                    thing TEXT PRIMARY KEY REFERENCES things(name) ON DELETE CASCADE,
                    id TEXT NOT NULL UNIQUE,
                    created TEXT NOT NULL))",
         }},
        {7,
         "durable file transfers",
         {
             // Each transfer's state (server/files/TransferStore.cpp), so
             // that a restart resumes unfinished ones. chunks_durable: chunks
             // on the receiver's disk (fsync'd in the repository's staging
             // file, or acknowledged by the device). md5 and sha256 are the
             // expected digests once known; the transfer key is never stored.
             R"(CREATE TABLE file_transfers (
                    id TEXT PRIMARY KEY,
                    direction TEXT NOT NULL,
                    source_thing TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    source_repository TEXT NOT NULL,
                    target_thing TEXT NOT NULL,
                    target_path TEXT NOT NULL,
                    target_repository TEXT NOT NULL,
                    overwrite INTEGER NOT NULL,
                    requested_by TEXT NOT NULL,
                    state TEXT NOT NULL,
                    chunk_size INTEGER NOT NULL,
                    size BIGINT NOT NULL,
                    chunks_durable BIGINT NOT NULL,
                    bytes_durable BIGINT NOT NULL,
                    md5 TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    checks TEXT NOT NULL,
                    resumes INTEGER NOT NULL,
                    error_code TEXT NOT NULL,
                    error_message TEXT NOT NULL,
                    created TEXT NOT NULL,
                    started TEXT,
                    finished TEXT))",
             R"(CREATE INDEX file_transfers_by_state ON file_transfers(state))",
         }},
    };
    return migrations;
}

int latestVersion()
{
    return all().constLast().version;
}

} // namespace Bulwark::Migrations
