/// Append-only schema migrations, each applied once in its own transaction
/// and recorded by id. Never edit a shipped migration: add a new one.
enum SQLiteMigrations {
    static let all: [(id: String, sql: String)] = [
        ("2026-11-25-initial", """
        CREATE TABLE events (
            rid INTEGER PRIMARY KEY,
            tenant TEXT NOT NULL,
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            occurred_at REAL NOT NULL,
            contract_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            status TEXT NOT NULL,
            received_at REAL NOT NULL,
            raw BLOB NOT NULL,
            UNIQUE (tenant, event_id)
        );
        CREATE TABLE deliveries (
            rid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            tenant TEXT NOT NULL,
            connector TEXT NOT NULL,
            event_rid INTEGER NOT NULL REFERENCES events(rid),
            contract_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            state INTEGER NOT NULL,
            is_state INTEGER NOT NULL,
            head INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at REAL NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL,
            last_error TEXT
        );
        -- The dispatcher's query: claimable heads of one connector, earliest first.
        CREATE INDEX deliveries_due ON deliveries (tenant, connector, next_at) WHERE head = 1 AND state IN (0, 3);
        -- One lane: a connector's deliveries of one contract, in sequence order.
        CREATE INDEX deliveries_lane ON deliveries (tenant, connector, contract_id, sequence);
        -- Backlog, metrics and filtered listings.
        CREATE INDEX deliveries_state ON deliveries (tenant, connector, state);
        CREATE INDEX deliveries_event ON deliveries (event_rid);
        CREATE TABLE attempts (
            delivery_rid INTEGER NOT NULL,
            number INTEGER NOT NULL,
            started_at REAL NOT NULL,
            duration_ms REAL NOT NULL,
            http_status INTEGER,
            error_code TEXT,
            error_message TEXT,
            excerpt TEXT,
            PRIMARY KEY (delivery_rid, number)
        ) WITHOUT ROWID;
        -- The registry points at the event that carries the contract's latest state instead of
        -- copying its `contract` object: ingest writes a small row, reads parse the event.
        CREATE TABLE contracts (
            tenant TEXT NOT NULL,
            contract_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            status TEXT NOT NULL,
            updated_at REAL NOT NULL,
            customer_id TEXT,
            event_rid INTEGER NOT NULL REFERENCES events(rid),
            PRIMARY KEY (tenant, contract_id)
        ) WITHOUT ROWID;
        CREATE INDEX contracts_customer ON contracts (tenant, customer_id);
        CREATE TABLE connector_state (
            tenant TEXT NOT NULL,
            connector TEXT NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant, connector)
        ) WITHOUT ROWID;
        CREATE TABLE secrets (
            tenant TEXT NOT NULL,
            name TEXT NOT NULL,
            sealed BLOB NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (tenant, name)
        ) WITHOUT ROWID;
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        """),
        // A lane head with followers = 0 has no other active delivery behind it, so finishing it
        // skips the search for a next head (an index search and a row read per delivery). Rows
        // from before this migration count as having followers: the search is then merely done.
        ("2026-11-26-lane-followers", """
        ALTER TABLE deliveries ADD COLUMN followers INTEGER NOT NULL DEFAULT 1;
        """),
        // Counts per connector and state, kept by the store's writes (SQLiteEventStore+Counts),
        // replace the (tenant, connector, state) index; the rare states keep a partial one.
        ("2026-11-26-delivery-counts", """
        CREATE TABLE delivery_counts (
            tenant TEXT NOT NULL,
            connector TEXT NOT NULL,
            state INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (tenant, connector, state)
        ) WITHOUT ROWID;
        INSERT INTO delivery_counts (tenant, connector, state, n)
            SELECT tenant, connector, state, count(*) FROM deliveries GROUP BY tenant, connector, state;
        DROP INDEX deliveries_state;
        -- Retrying, dead, superseded, stale, paused: listings and replays of one connector.
        -- A query uses it when its WHERE says `state > 2` too.
        CREATE INDEX deliveries_problem ON deliveries (tenant, connector, state) WHERE state > 2;
        """),
    ]
}
