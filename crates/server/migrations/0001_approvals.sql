-- Tessera approval server, schema 1. The same text runs on SQLite and Postgres: only types and
-- statements both understand (TEXT, BIGINT, partial indexes, ON CONFLICT, RETURNING).
-- Times are Unix milliseconds.

CREATE TABLE server_keys (
    id TEXT PRIMARY KEY,
    pkcs8 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE relying_parties (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT UNIQUE,
    webhook_url TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    rp_id TEXT NOT NULL REFERENCES relying_parties (id),
    account TEXT NOT NULL,
    muted_until BIGINT NOT NULL DEFAULT 0,
    denials BIGINT NOT NULL DEFAULT 0,
    last_denied_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (rp_id, account)
);

CREATE TABLE enrollment_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    jwk TEXT NOT NULL,
    thumbprint TEXT NOT NULL UNIQUE,
    push_kind TEXT,
    push_address TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX devices_of_user ON devices (user_id);

CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    rp_id TEXT NOT NULL REFERENCES relying_parties (id),
    number BIGINT NOT NULL,
    mode TEXT NOT NULL,
    choices TEXT,
    context TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    device_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_at BIGINT,
    redeemed_at BIGINT
);
CREATE UNIQUE INDEX one_pending_approval_per_user ON approvals (user_id) WHERE state = 'pending';
CREATE INDEX approvals_of_user ON approvals (user_id, created_at);

CREATE TABLE seen_messages (
    device_id TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, jti)
);
CREATE INDEX seen_messages_by_expiry ON seen_messages (expires_at);

CREATE TABLE rate_windows (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    rp_id TEXT,
    user_id TEXT,
    approval_id TEXT,
    device_id TEXT,
    detail TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TABLE demo_users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE demo_sign_ins (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    approval_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
