-- secfixes store, SQLite schema, version 1.
--
-- Times are INTEGER unix seconds and JSON is TEXT, so that columns mean the
-- same as in the PostgreSQL schema. Every key that is meant is a PRIMARY KEY
-- or UNIQUE constraint (the tracker we replace had none); every lookup the
-- Store API makes has an index. Narrow tables are WITHOUT ROWID (one b-tree
-- instead of table + key index).
--
-- References between the bulk tables (vulns, vuln_products, packages, fixes,
-- kev, epss, state_changes) and their parents (sources, repos, runs) are
-- kept by the store's single write path rather than by FOREIGN KEYs: each
-- import records its source and repository first in the same transaction,
-- products are written and deleted with their vulnerability, and
-- apply_states checks its run. PostgreSQL checks a foreign key with a
-- trigger per row, which tripled the time of a 300k-row insert (1.83 s
-- against 0.66 s, measured on the development machine). Small tables keep
-- their foreign keys.

CREATE TABLE meta (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
    name          TEXT NOT NULL PRIMARY KEY CHECK (name <> ''),
    kind          TEXT NOT NULL,
    location      TEXT NOT NULL,
    checksum      TEXT,
    etag          TEXT,
    last_modified TEXT,
    imported_at   INTEGER NOT NULL,
    records       INTEGER NOT NULL,
    summary       TEXT NOT NULL
);

CREATE TABLE vulns (
    id         TEXT NOT NULL CHECK (id <> ''),
    kind       TEXT NOT NULL CHECK (kind IN ('nvd', 'cve5', 'osv', 'advisory')),
    status     TEXT NOT NULL,
    published  INTEGER,
    modified   INTEGER,
    cvss_score REAL,
    severity   TEXT,
    source     TEXT NOT NULL,
    data       BLOB NOT NULL,
    -- A digest of the content (all but source), so that a re-import can
    -- tell unchanged rows without reading them.
    digest     BLOB NOT NULL,
    PRIMARY KEY (id, kind)
);

CREATE TABLE vuln_products (
    vuln_id   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    vendor    TEXT NOT NULL,
    product   TEXT NOT NULL,
    target_sw TEXT NOT NULL,
    PRIMARY KEY (vuln_id, kind, vendor, product, target_sw)
) WITHOUT ROWID;

CREATE TABLE kev (
    id     TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
    source TEXT NOT NULL,
    data   TEXT NOT NULL
);
CREATE INDEX kev_by_source ON kev (source);

CREATE TABLE epss (
    id         TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
    source     TEXT NOT NULL,
    score      REAL NOT NULL,
    percentile REAL NOT NULL,
    date       TEXT
) WITHOUT ROWID;
CREATE INDEX epss_by_source ON epss (source);

CREATE TABLE branches (
    name TEXT NOT NULL PRIMARY KEY CHECK (name <> '')
) WITHOUT ROWID;

CREATE TABLE repos (
    branch TEXT NOT NULL REFERENCES branches (name),
    repo   TEXT NOT NULL CHECK (repo <> ''),
    PRIMARY KEY (branch, repo)
) WITHOUT ROWID;

CREATE TABLE packages (
    branch     TEXT NOT NULL,
    repo       TEXT NOT NULL,
    arch       TEXT NOT NULL CHECK (arch <> ''),
    name       TEXT NOT NULL CHECK (name <> ''),
    version    TEXT NOT NULL CHECK (version <> ''),
    origin     TEXT NOT NULL CHECK (origin <> ''),
    maintainer TEXT,
    build_time INTEGER,
    git_commit TEXT,
    published  INTEGER NOT NULL CHECK (published IN (0, 1)),
    PRIMARY KEY (branch, repo, arch, name, version)
) WITHOUT ROWID;
-- Packages of an origin (the per-package pages, the matcher's consolidation).
CREATE INDEX packages_by_origin ON packages (branch, repo, origin);

CREATE TABLE fixes (
    source   TEXT NOT NULL,
    branch   TEXT NOT NULL CHECK (branch <> ''),
    origin   TEXT NOT NULL CHECK (origin <> ''),
    vuln_id  TEXT NOT NULL CHECK (vuln_id <> ''),
    kind     TEXT NOT NULL CHECK (kind IN ('fixed', 'not-affected')),
    version  TEXT NOT NULL CHECK (version <> ''),
    location TEXT,
    note     TEXT,
    PRIMARY KEY (source, branch, origin, vuln_id, kind, version)
) WITHOUT ROWID;
CREATE INDEX fixes_by_origin ON fixes (branch, origin);

CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    branch        TEXT CHECK (branch <> ''),
    origin        TEXT NOT NULL CHECK (origin <> ''),
    vuln_id       TEXT NOT NULL CHECK (vuln_id <> ''),
    status        TEXT NOT NULL
        CHECK (status IN ('not-affected', 'affected', 'under-investigation')),
    justification TEXT CHECK (justification IN ('component_not_present',
        'vulnerable_code_not_present', 'vulnerable_code_not_in_execute_path',
        'vulnerable_code_cannot_be_controlled_by_adversary', 'inline_mitigations_already_exist')),
    statement     TEXT NOT NULL,
    author        TEXT NOT NULL CHECK (author <> ''),
    created_at    INTEGER NOT NULL,
    -- Deferred: a new decision and the one it supersedes are written in one
    -- transaction, the old one first.
    superseded_by INTEGER REFERENCES decisions (id) DEFERRABLE INITIALLY DEFERRED
);
-- At most one current decision per (branch or every branch, origin, vuln).
CREATE UNIQUE INDEX decisions_current
    ON decisions (coalesce(branch, ''), origin, vuln_id) WHERE superseded_by IS NULL;

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind <> ''),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    fingerprint TEXT,
    stats       TEXT NOT NULL
);
CREATE INDEX runs_by_kind ON runs (kind, id);

CREATE TABLE states (
    branch        TEXT NOT NULL CHECK (branch <> ''),
    repo          TEXT NOT NULL CHECK (repo <> ''),
    origin        TEXT NOT NULL CHECK (origin <> ''),
    vuln_id       TEXT NOT NULL CHECK (vuln_id <> ''),
    state         TEXT NOT NULL
        CHECK (state IN ('fixed', 'vulnerable', 'possibly-vulnerable', 'not-affected')),
    version       TEXT NOT NULL,
    fixed_version TEXT,
    reason        TEXT,
    evidence      TEXT NOT NULL,
    since         INTEGER NOT NULL,
    updated_run   INTEGER NOT NULL,
    PRIMARY KEY (branch, repo, origin, vuln_id)
);
CREATE INDEX states_by_vuln ON states (vuln_id);
CREATE INDEX states_by_origin ON states (origin);
-- No index on state: state_counts() and per-branch lists filtered by state
-- scan the primary key's (branch, repo) prefix, and every index costs a
-- b-tree insert per state on a cold run (300k states).

CREATE TABLE state_changes (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL,
    at                INTEGER NOT NULL,
    branch            TEXT NOT NULL,
    repo              TEXT NOT NULL,
    origin            TEXT NOT NULL,
    vuln_id           TEXT NOT NULL,
    old_state         TEXT
        CHECK (old_state IN ('fixed', 'vulnerable', 'possibly-vulnerable', 'not-affected')),
    new_state         TEXT
        CHECK (new_state IN ('fixed', 'vulnerable', 'possibly-vulnerable', 'not-affected')),
    old_fixed_version TEXT,
    new_fixed_version TEXT,
    reason            TEXT,
    CHECK (old_state IS NOT NULL OR new_state IS NOT NULL)
);
CREATE INDEX state_changes_by_run ON state_changes (run_id);
CREATE INDEX state_changes_by_vuln ON state_changes (vuln_id);
CREATE INDEX state_changes_by_origin ON state_changes (branch, repo, origin);
