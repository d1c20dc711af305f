-- Calls (product.md "call"), in the SQL subset shared by PostgreSQL 15 and H2 2.x (PostgreSQL mode).
--
-- At most one non-terminal call per session, enforced by the schema without a partial index (H2 has none):
-- live_session_id equals session_id while the call is non-terminal and is NULL once it is terminal; a plain
-- UNIQUE constraint on it allows any number of NULLs (terminal calls) but only one live call per session.
-- The CHECKs tie live_session_id to the state so the application cannot forget to clear or set it.
CREATE TABLE call (
    id                UUID        NOT NULL PRIMARY KEY,
    session_id        UUID        NOT NULL REFERENCES visitor_session (id) ON DELETE CASCADE,
    -- denormalized from the session: authorization and dashboard fan-out without a join
    homeowner_id      UUID        NOT NULL,
    client_call_id    VARCHAR(64) NOT NULL,
    initiator_role    VARCHAR(16) NOT NULL,
    media             VARCHAR(8)  NOT NULL,
    state             VARCHAR(16) NOT NULL,
    live_session_id   UUID,
    -- the homeowner device (bearer token id) that started or accepted the call; NULL while it rings everywhere
    homeowner_device  VARCHAR(64),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at       TIMESTAMP WITH TIME ZONE,
    connected_at      TIMESTAMP WITH TIME ZONE,
    ended_at          TIMESTAMP WITH TIME ZONE,
    end_reason        VARCHAR(32),
    path              VARCHAR(16),
    setup_ms          INTEGER,
    -- a party's signaling connection went away at this instant; the call fails if it is not back within the grace
    visitor_lost_at   TIMESTAMP WITH TIME ZONE,
    homeowner_lost_at TIMESTAMP WITH TIME ZONE,
    -- optimistic concurrency: every update is "WHERE version = ?" and increments it
    version           BIGINT      NOT NULL DEFAULT 0,
    -- call.start is idempotent on clientCallId, per side of the session
    CONSTRAINT uq_call_client UNIQUE (session_id, initiator_role, client_call_id),
    CONSTRAINT uq_call_live_session UNIQUE (live_session_id),
    CONSTRAINT ck_call_role CHECK (initiator_role IN ('visitor', 'homeowner')),
    CONSTRAINT ck_call_media CHECK (media IN ('audio', 'video')),
    CONSTRAINT ck_call_state CHECK (state IN ('ringing', 'accepted', 'connecting', 'connected',
                                              'ended', 'declined', 'missed', 'cancelled', 'failed')),
    CONSTRAINT ck_call_live CHECK (
        (state IN ('ringing', 'accepted', 'connecting', 'connected') AND live_session_id = session_id)
        OR (state IN ('ended', 'declined', 'missed', 'cancelled', 'failed') AND live_session_id IS NULL)),
    CONSTRAINT ck_call_setup CHECK (setup_ms IS NULL OR (setup_ms >= 0 AND setup_ms <= 600000))
);
CREATE INDEX ix_call_session ON call (session_id, created_at);
-- a homeowner device's live calls (its last signaling connection went away: start their reconnect grace)
CREATE INDEX ix_call_owner_device ON call (homeowner_id, homeowner_device);
