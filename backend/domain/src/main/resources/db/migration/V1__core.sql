-- QRing core schema: accounts, doors, visitor sessions, chat.
-- Written in the SQL subset shared by PostgreSQL 15 and H2 2.x in PostgreSQL mode (no expression indexes,
-- no ON CONFLICT, no partial indexes). Times are UTC instants (TIMESTAMP WITH TIME ZONE, microseconds).
-- Calls live in V2__calls.sql.

CREATE TABLE homeowner (
    id               UUID         NOT NULL PRIMARY KEY,
    email            VARCHAR(320) NOT NULL,
    -- lower-cased email: case-insensitive uniqueness without an expression index (H2 has none)
    email_normalized VARCHAR(320) NOT NULL,
    display_name     VARCHAR(100) NOT NULL,
    password_hash    VARCHAR(255) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_homeowner_email UNIQUE (email_normalized)
);

-- Opaque bearer tokens: only the SHA-256 of the token is stored.
CREATE TABLE homeowner_token (
    id           UUID        NOT NULL PRIMARY KEY,
    token_hash   VARCHAR(64) NOT NULL,
    homeowner_id UUID        NOT NULL REFERENCES homeowner (id) ON DELETE CASCADE,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT uq_homeowner_token_hash UNIQUE (token_hash)
);
CREATE INDEX ix_homeowner_token_owner ON homeowner_token (homeowner_id);

CREATE TABLE door (
    id           UUID         NOT NULL PRIMARY KEY,
    homeowner_id UUID         NOT NULL REFERENCES homeowner (id) ON DELETE CASCADE,
    label        VARCHAR(100) NOT NULL,
    qr_slug      VARCHAR(64)  NOT NULL,
    active       BOOLEAN      NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- soft delete: the QR stops working and the door leaves the list, its past sessions stay in the history
    deleted_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT uq_door_qr_slug UNIQUE (qr_slug)
);
CREATE INDEX ix_door_owner ON door (homeowner_id, created_at);

CREATE TABLE visitor_session (
    id                 UUID         NOT NULL PRIMARY KEY,
    door_id            UUID         NOT NULL REFERENCES door (id),
    homeowner_id       UUID         NOT NULL REFERENCES homeowner (id) ON DELETE CASCADE,
    request_id         VARCHAR(100) NOT NULL,
    visitor_name       VARCHAR(100) NOT NULL,
    purpose            VARCHAR(500) NOT NULL,
    status             VARCHAR(16)  NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    ring_deadline      TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the latest visitor token's expiry: the session ends ("expired") when it passes
    token_expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at        TIMESTAMP WITH TIME ZONE,
    ended_at           TIMESTAMP WITH TIME ZONE,
    end_reason         VARCHAR(32),
    -- chat: last allocated message seq (allocated under this row's lock, in the inserting transaction)
    last_seq           BIGINT       NOT NULL DEFAULT 0,
    visitor_read_seq   BIGINT       NOT NULL DEFAULT 0,
    homeowner_read_seq BIGINT       NOT NULL DEFAULT 0,
    -- one request_id → one session, always (a replayed create returns the existing row)
    CONSTRAINT uq_visitor_session_request UNIQUE (door_id, request_id),
    CONSTRAINT ck_visitor_session_status CHECK (status IN ('ringing', 'active', 'declined', 'missed', 'ended')),
    CONSTRAINT ck_visitor_session_seq CHECK (last_seq >= 0 AND visitor_read_seq >= 0 AND homeowner_read_seq >= 0)
);
CREATE INDEX ix_visitor_session_owner ON visitor_session (homeowner_id, created_at, id);
CREATE INDEX ix_visitor_session_status ON visitor_session (status, ring_deadline);

-- Visitor tokens (SHA-256 only). Several per session: a replayed create issues a fresh one without cutting off
-- the device that got the first answer.
CREATE TABLE visitor_token (
    token_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    session_id UUID        NOT NULL REFERENCES visitor_session (id) ON DELETE CASCADE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_visitor_token_session ON visitor_token (session_id);

CREATE TABLE message (
    id          UUID          NOT NULL PRIMARY KEY,
    session_id  UUID          NOT NULL REFERENCES visitor_session (id) ON DELETE CASCADE,
    seq         BIGINT        NOT NULL,
    client_id   VARCHAR(100)  NOT NULL,
    sender_role VARCHAR(16)   NOT NULL,
    -- up to 2000 characters (code points) are accepted; 8000 leaves room for any UTF-16 counting
    body        VARCHAR(8000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- gap-free, monotonic per session: seq comes from visitor_session.last_seq in the same transaction
    CONSTRAINT uq_message_seq UNIQUE (session_id, seq),
    -- a retried send never duplicates
    CONSTRAINT uq_message_client UNIQUE (session_id, sender_role, client_id),
    CONSTRAINT ck_message_role CHECK (sender_role IN ('visitor', 'homeowner')),
    CONSTRAINT ck_message_seq CHECK (seq > 0)
);
