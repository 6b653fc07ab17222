-- Initial schema. Tables are grouped by phase, one schema per phase:
--   ref (registries), raw (as imported/scraped), analytics, features, predictions, grading.
-- Timestamps are UTC without a zone (suffix _utc); game dates are US/Eastern calendar dates.

CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS features;
CREATE SCHEMA IF NOT EXISTS predictions;
CREATE SCHEMA IF NOT EXISTS grading;

-- ---------------------------------------------------------------- ref: registries
CREATE TABLE ref.teams (
    tricode        VARCHAR PRIMARY KEY,
    team_id        BIGINT NOT NULL,
    name           VARCHAR NOT NULL,
    conference     VARCHAR,
    timezone       VARCHAR,
    latitude       DOUBLE,
    longitude      DOUBLE
);

CREATE TABLE ref.team_aliases (
    alias_key      VARCHAR PRIMARY KEY,   -- normalised name, e.g. 'los angeles clippers'
    tricode        VARCHAR NOT NULL
);

CREATE TABLE ref.players (
    player_id      BIGINT PRIMARY KEY,
    full_name      VARCHAR NOT NULL,
    name_key       VARCHAR NOT NULL,      -- normalised: lower case, no accents, punctuation or suffix
    first_game     DATE,
    last_game      DATE
);

CREATE TABLE ref.player_aliases (
    alias_key      VARCHAR NOT NULL,
    player_id      BIGINT NOT NULL,
    source         VARCHAR NOT NULL,      -- 'curated' (shipped list) or the source that produced it
    method         VARCHAR NOT NULL,      -- how it was established: curated, nickname, last_name_in_game, fuzzy
    example        VARCHAR,
    created_utc    TIMESTAMP NOT NULL,
    PRIMARY KEY (alias_key, player_id)
);

CREATE TABLE ref.unresolved_players (
    source         VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    name_key       VARCHAR NOT NULL,
    occurrences    INTEGER NOT NULL,      -- rows in the source that carry this name
    player_games   INTEGER NOT NULL,      -- distinct games
    first_date     DATE,
    last_date      DATE,
    teams          VARCHAR,               -- the teams of the games it appeared in
    example        VARCHAR,               -- one raw row, as JSON
    updated_utc    TIMESTAMP NOT NULL,
    PRIMARY KEY (source, name)
);

-- ---------------------------------------------------------------- raw: as imported
CREATE TABLE raw.import_files (
    path           VARCHAR PRIMARY KEY,
    format         VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    rows_read      INTEGER NOT NULL,
    rows_rejected  INTEGER NOT NULL,
    imported_utc   TIMESTAMP NOT NULL
);

CREATE TABLE raw.rejected_rows (
    path           VARCHAR NOT NULL,
    row_number     INTEGER NOT NULL,      -- 1-based data row (the header is row 0)
    reason         VARCHAR NOT NULL,
    raw_row        VARCHAR NOT NULL,      -- the row as read, as JSON
    rejected_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (path, row_number)
);

CREATE TABLE raw.player_game_logs (
    player_id      BIGINT NOT NULL,
    game_date      DATE NOT NULL,
    team           VARCHAR NOT NULL,
    player_name    VARCHAR NOT NULL,
    matchup        VARCHAR NOT NULL,
    wl             VARCHAR,
    minutes        DOUBLE,
    pts            INTEGER,
    reb            INTEGER,
    ast            INTEGER,
    stl            INTEGER,
    blk            INTEGER,
    tov            INTEGER,
    fg_pct         DOUBLE,
    fg3_pct        DOUBLE,
    ft_pct         DOUBLE,
    plus_minus     INTEGER,
    season_type    VARCHAR,
    source_file    VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    imported_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (player_id, game_date)
);

CREATE TABLE raw.team_game_logs (
    team           VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    team_id        BIGINT,
    team_name      VARCHAR,
    game_id        VARCHAR,               -- absent in some exports; resolved through the schedule
    matchup        VARCHAR NOT NULL,
    wl             VARCHAR,
    minutes        INTEGER,
    fgm            INTEGER,
    fga            INTEGER,
    fg3m           INTEGER,
    fg3a           INTEGER,
    ftm            INTEGER,
    fta            INTEGER,
    oreb           INTEGER,
    dreb           INTEGER,
    reb            INTEGER,
    ast            INTEGER,
    stl            INTEGER,
    blk            INTEGER,
    tov            INTEGER,
    pf             INTEGER,
    pts            INTEGER,
    plus_minus     INTEGER,
    season_type    VARCHAR,
    source_file    VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    imported_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (team, game_date)
);

CREATE TABLE raw.schedule (
    game_id        VARCHAR PRIMARY KEY,
    game_date      DATE NOT NULL,
    stage          VARCHAR,
    home_team_id   BIGINT,
    home           VARCHAR NOT NULL,
    away_team_id   BIGINT,
    away           VARCHAR NOT NULL,
    home_pts       INTEGER,
    away_pts       INTEGER,
    status         INTEGER,
    season         VARCHAR,
    source_file    VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    imported_utc   TIMESTAMP NOT NULL
);

-- One row per quoted line: ladders of alternate lines are kept here and reduced later.
CREATE TABLE raw.prop_lines (
    snapshot_utc   TIMESTAMP NOT NULL,
    event_id       VARCHAR NOT NULL,
    player_name    VARCHAR NOT NULL,
    market         VARCHAR NOT NULL,
    bookmaker      VARCHAR NOT NULL,
    line           DOUBLE NOT NULL,
    over_odds      DOUBLE,
    under_odds     DOUBLE,
    home           VARCHAR NOT NULL,      -- tricodes, from the source's team names
    away           VARCHAR NOT NULL,
    commence_utc   TIMESTAMP,             -- tip-off; NULL when the source does not say
    game_date      DATE NOT NULL,         -- US/Eastern
    source_file    VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    imported_utc   TIMESTAMP NOT NULL,
    -- resolution (filled by the player registry; not part of the content hash)
    game_id        VARCHAR,
    player_id      BIGINT,
    PRIMARY KEY (snapshot_utc, event_id, player_name, market, bookmaker, line)
);

-- ---------------------------------------------------------------- analytics
CREATE TABLE analytics.games (
    game_id        VARCHAR PRIMARY KEY,
    game_date      DATE NOT NULL,
    season         INTEGER NOT NULL,      -- start year: 2025 is the 2025-26 season
    season_type    VARCHAR,
    home           VARCHAR NOT NULL,
    away           VARCHAR NOT NULL,
    home_pts       INTEGER,
    away_pts       INTEGER,
    is_final       BOOLEAN NOT NULL       -- box scores are in the warehouse
);

CREATE TABLE analytics.team_game_summary (
    game_id        VARCHAR NOT NULL,
    team           VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    season         INTEGER NOT NULL,
    season_type    VARCHAR,
    opponent       VARCHAR NOT NULL,
    is_home        BOOLEAN NOT NULL,
    pts            INTEGER,
    opp_pts        INTEGER,
    possessions    DOUBLE,                -- NULL when the export lacks FGA/FTA/OREB
    source         VARCHAR NOT NULL,      -- team_game_logs, or player_game_logs when summed from players
    PRIMARY KEY (game_id, team)
);

CREATE TABLE analytics.player_game_summary (
    player_id      BIGINT NOT NULL,
    game_id        VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    season         INTEGER NOT NULL,
    season_type    VARCHAR,
    team           VARCHAR NOT NULL,
    opponent       VARCHAR NOT NULL,
    is_home        BOOLEAN NOT NULL,
    player_name    VARCHAR NOT NULL,
    minutes        DOUBLE,
    pts            INTEGER,
    reb            INTEGER,
    ast            INTEGER,
    stl            INTEGER,
    blk            INTEGER,
    tov            INTEGER,
    source         VARCHAR NOT NULL,
    PRIMARY KEY (player_id, game_id)
);

-- The line each book offered last before tip-off, its main line only.
CREATE TABLE analytics.book_lines (
    player_id      BIGINT NOT NULL,
    game_id        VARCHAR NOT NULL,
    market         VARCHAR NOT NULL,
    bookmaker      VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    snapshot_utc   TIMESTAMP NOT NULL,
    commence_utc   TIMESTAMP NOT NULL,
    line           DOUBLE NOT NULL,
    over_odds      DOUBLE,
    under_odds     DOUBLE,
    PRIMARY KEY (player_id, game_id, market, bookmaker)
);

CREATE TABLE analytics.consensus_lines (
    player_id      BIGINT NOT NULL,
    game_id        VARCHAR NOT NULL,
    market         VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    line           DOUBLE NOT NULL,       -- the line of the book chosen as consensus
    bookmaker      VARCHAR NOT NULL,
    over_odds      DOUBLE,
    under_odds     DOUBLE,
    median_line    DOUBLE NOT NULL,
    min_line       DOUBLE NOT NULL,
    max_line       DOUBLE NOT NULL,
    n_books        INTEGER NOT NULL,
    snapshot_utc   TIMESTAMP NOT NULL,
    commence_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (player_id, game_id, market)
);

-- ---------------------------------------------------------------- features
CREATE TABLE features.player_points (
    player_id            BIGINT NOT NULL,
    game_id              VARCHAR NOT NULL,
    game_date            DATE NOT NULL,
    season               INTEGER NOT NULL,
    team                 VARCHAR NOT NULL,
    opponent             VARCHAR NOT NULL,
    is_home              BOOLEAN NOT NULL,
    prior_games          INTEGER NOT NULL,  -- all earlier games of this player in the warehouse
    games_played_season  INTEGER NOT NULL,
    pts_l5               DOUBLE,
    pts_l10              DOUBLE,
    pts_season           DOUBLE,
    pts_std_l10          DOUBLE,
    min_l5               DOUBLE,
    min_l10              DOUBLE,
    min_season           DOUBLE,
    last_game_date       DATE,
    days_rest            INTEGER,
    back_to_back         BOOLEAN,
    opp_pts_allowed_l10  DOUBLE,
    league_pts_l10       DOUBLE,            -- league average team points, same window, for scaling
    line                 DOUBLE,
    line_bookmaker       VARCHAR,
    over_odds            DOUBLE,
    under_odds           DOUBLE,
    n_books              INTEGER,
    PRIMARY KEY (player_id, game_id)
);

-- ---------------------------------------------------------------- predictions
CREATE TABLE predictions.player_props (
    system_id       VARCHAR NOT NULL,
    market          VARCHAR NOT NULL,
    player_id       BIGINT NOT NULL,
    game_id         VARCHAR NOT NULL,
    game_date       DATE NOT NULL,
    line            DOUBLE NOT NULL,
    bookmaker       VARCHAR,
    over_odds       DOUBLE,
    under_odds      DOUBLE,
    predicted       DOUBLE NOT NULL,
    sigma           DOUBLE NOT NULL,
    p_over          DOUBLE NOT NULL,
    p_under         DOUBLE NOT NULL,
    edge            DOUBLE NOT NULL,       -- predicted - line
    recommendation  VARCHAR NOT NULL,      -- OVER / UNDER / PASS
    actionable      BOOLEAN NOT NULL,
    pass_reason     VARCHAR,
    model_version   VARCHAR NOT NULL,
    model_params    VARCHAR,               -- JSON: what the system learned for this date
    created_utc     TIMESTAMP NOT NULL,
    PRIMARY KEY (system_id, market, player_id, game_id)
);

-- ---------------------------------------------------------------- grading
CREATE TABLE grading.player_props (
    system_id       VARCHAR NOT NULL,
    market          VARCHAR NOT NULL,
    player_id       BIGINT NOT NULL,
    game_id         VARCHAR NOT NULL,
    game_date       DATE NOT NULL,
    line            DOUBLE NOT NULL,
    predicted       DOUBLE NOT NULL,
    actual          DOUBLE,               -- NULL when void
    recommendation  VARCHAR NOT NULL,
    actionable      BOOLEAN NOT NULL,
    outcome         VARCHAR NOT NULL,     -- correct / incorrect / push / void (of the lean)
    void_reason     VARCHAR,
    abs_error       DOUBLE,
    signed_error    DOUBLE,               -- predicted - actual
    market_abs_error DOUBLE,              -- |line - actual|
    profit          DOUBLE,               -- per unit staked, actionable picks only
    graded_utc      TIMESTAMP NOT NULL,
    PRIMARY KEY (system_id, market, player_id, game_id)
);
