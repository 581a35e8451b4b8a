-- keyward's state in PostgreSQL, schema 1. Applied by keyward itself
-- (keyward_apply::state::pg::migrate); never edit an applied migration:
-- add V2__… instead.

-- The head of each chain: one row per chain, locked (SELECT … FOR UPDATE)
-- by every append, so writers take turns and the chain cannot fork.
CREATE TABLE keyward_chain (
    chain     text    PRIMARY KEY,
    seq       bigint  NOT NULL CHECK (seq >= 0),
    last_hash text    NOT NULL,
    -- true once a record carries an HMAC: every later record must.
    keyed     boolean NOT NULL DEFAULT false
);

-- The records. `line` is the exact canonical JSON line of the JSON Lines
-- log (without the line end): the hash covers it, and `keyward audit
-- export` writes it unchanged. The other columns are copies for queries.
CREATE TABLE keyward_audit (
    chain        text   NOT NULL REFERENCES keyward_chain (chain),
    seq          bigint NOT NULL CHECK (seq > 0),
    prev         text   NOT NULL,
    hash         text   NOT NULL,
    time         text   NOT NULL,
    run          text   NOT NULL,
    event        text   NOT NULL,
    people_total bigint,
    refusals     bigint,
    line         text   NOT NULL,
    PRIMARY KEY (chain, seq),
    -- A second line of defence against a fork: two records cannot follow
    -- the same one.
    UNIQUE (chain, prev)
);
CREATE INDEX keyward_audit_runs ON keyward_audit (chain, run, event);
CREATE INDEX keyward_audit_events ON keyward_audit (chain, event, seq);

-- Whom keyward has seen in the HR master, per chain (roster.json's content).
CREATE TABLE keyward_roster (
    chain   text PRIMARY KEY REFERENCES keyward_chain (chain),
    roster  text NOT NULL,
    updated text NOT NULL
);
