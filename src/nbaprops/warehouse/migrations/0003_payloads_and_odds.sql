-- Issue 4 (sources): the raw-payload manifest, The Odds API events and game lines, BettingPros
-- events and offers. Player-prop lines from the live sources land in the existing raw.prop_lines.

-- One row per payload kept in the raw store (identical answers to the same request are kept once;
-- times_seen/last_seen_utc count the repeats). `category`/`message` say what parsing it gave.
CREATE TABLE raw.payloads (
    path             VARCHAR PRIMARY KEY,   -- relative to the store root: source/endpoint/YYYY-MM-DD/slug-sha8.ext
    store_url        VARCHAR NOT NULL,      -- the store root (a folder, or gs://... through fsspec)
    source           VARCHAR NOT NULL,
    endpoint         VARCHAR NOT NULL,
    for_date         DATE,                  -- the date the request was made for
    url              VARCHAR NOT NULL,      -- API keys redacted (apiKey=***)
    params           VARCHAR NOT NULL,      -- JSON, without keys
    status           INTEGER NOT NULL,
    bytes            BIGINT NOT NULL,
    sha256           VARCHAR NOT NULL,
    content_type     VARCHAR,
    response_headers VARCHAR,               -- JSON: content type, quota headers, Retry-After
    fetched_utc      TIMESTAMP NOT NULL,
    last_seen_utc    TIMESTAMP NOT NULL,
    times_seen       INTEGER NOT NULL,
    category         VARCHAR,               -- outcome of ingesting it (failure category)
    message          VARCHAR
);

-- Which stored payload a scraped prop line came from (NULL for lines from history files).
ALTER TABLE raw.prop_lines ADD COLUMN payload_sha256 VARCHAR;

-- The Odds API: one row per event (game); the latest answer wins.
CREATE TABLE raw.odds_events (
    event_id         VARCHAR PRIMARY KEY,
    sport_key        VARCHAR,
    commence_utc     TIMESTAMP NOT NULL,
    game_date        DATE NOT NULL,         -- US/Eastern
    home_team        VARCHAR NOT NULL,      -- as the source writes it
    away_team        VARCHAR NOT NULL,
    home             VARCHAR,               -- tricodes; NULL for a team the registry does not know
    away             VARCHAR,
    payload_sha256   VARCHAR NOT NULL,
    content_hash     VARCHAR NOT NULL,
    ingested_utc     TIMESTAMP NOT NULL
);

-- The Odds API game lines (h2h / spreads / totals), one row per book, market and side per snapshot.
CREATE TABLE raw.odds_game_lines (
    snapshot_utc     TIMESTAMP NOT NULL,    -- the historical snapshot, or the fetch time for live odds
    event_id         VARCHAR NOT NULL,
    bookmaker        VARCHAR NOT NULL,
    market           VARCHAR NOT NULL,      -- h2h, spreads, totals
    side             VARCHAR NOT NULL,      -- home, away, over, under
    outcome_name     VARCHAR NOT NULL,      -- as the source writes it
    point            DOUBLE,                -- spread or total; NULL for h2h
    price_american   DOUBLE,
    price_decimal    DOUBLE,
    book_update_utc  TIMESTAMP,
    commence_utc     TIMESTAMP NOT NULL,
    game_date        DATE NOT NULL,
    home             VARCHAR NOT NULL,
    away             VARCHAR NOT NULL,
    payload_sha256   VARCHAR NOT NULL,
    content_hash     VARCHAR NOT NULL,
    ingested_utc     TIMESTAMP NOT NULL,
    PRIMARY KEY (snapshot_utc, event_id, bookmaker, market, side)
);

-- Quota left after each Odds API call (from the response headers kept in the manifest).
CREATE VIEW raw.odds_api_quota AS
SELECT
    fetched_utc,
    endpoint,
    url,
    TRY_CAST(json_extract_string(response_headers, '$."x-requests-remaining"') AS DOUBLE) AS requests_remaining,
    TRY_CAST(json_extract_string(response_headers, '$."x-requests-used"') AS DOUBLE) AS requests_used,
    TRY_CAST(json_extract_string(response_headers, '$."x-requests-last"') AS DOUBLE) AS requests_last
FROM raw.payloads
WHERE source = 'odds_api' AND response_headers LIKE '%x-requests-%';

-- BettingPros events (games).
CREATE TABLE raw.bp_events (
    event_id         BIGINT PRIMARY KEY,
    sr_id            VARCHAR,
    scheduled_utc    TIMESTAMP NOT NULL,
    game_date        DATE NOT NULL,         -- US/Eastern
    season           INTEGER,
    season_type      VARCHAR,
    status           VARCHAR,
    home_code        VARCHAR NOT NULL,      -- as the source writes it
    away_code        VARCHAR NOT NULL,
    home             VARCHAR,               -- tricodes; NULL when unknown
    away             VARCHAR,
    home_score       INTEGER,
    away_score       INTEGER,
    venue            VARCHAR,
    payload_sha256   VARCHAR NOT NULL,
    content_hash     VARCHAR NOT NULL,
    ingested_utc     TIMESTAMP NOT NULL
);

-- BettingPros player-prop offers: one row per player, market, book and line per snapshot.
CREATE TABLE raw.bp_offers (
    snapshot_utc     TIMESTAMP NOT NULL,    -- fetch time
    event_id         BIGINT NOT NULL,
    market           VARCHAR NOT NULL,      -- player_points, player_rebounds, player_assists
    bp_market_id     INTEGER NOT NULL,
    player_name      VARCHAR NOT NULL,
    bp_player_id     VARCHAR,
    player_team      VARCHAR,
    book_id          INTEGER NOT NULL,      -- 0 is the BettingPros consensus, not a book
    bookmaker        VARCHAR NOT NULL,      -- The Odds API key of the book when known
    line             DOUBLE NOT NULL,
    over_odds        DOUBLE,
    under_odds       DOUBLE,
    line_updated_utc TIMESTAMP,
    payload_sha256   VARCHAR NOT NULL,
    content_hash     VARCHAR NOT NULL,
    ingested_utc     TIMESTAMP NOT NULL,
    PRIMARY KEY (snapshot_utc, event_id, market, player_name, book_id, line)
);
