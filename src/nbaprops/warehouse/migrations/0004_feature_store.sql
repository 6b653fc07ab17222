-- The analytics layer and the feature store, second version.
-- Analytics and features are derived tables: the pipeline rebuilds them from raw data, so this
-- migration replaces them outright (run `nbaprops features rebuild` after upgrading).
-- Derived tables carry no PRIMARY KEY: index upkeep made every rebuild several times slower. Their
-- keys are declared with the transform instead (warehouse/transforms.py), which checks uniqueness
-- before writing and fails the step as validation_failed on a duplicate.

ALTER TABLE ref.teams ADD COLUMN utc_offset_hours DOUBLE;  -- standard time (January), for time zones crossed

-- ---------------------------------------------------------------- analytics
DROP TABLE analytics.team_game_summary;
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
    fga            INTEGER,
    fta            INTEGER,
    oreb           INTEGER,
    tov            INTEGER,
    possessions    DOUBLE,                -- average of both teams' FGA - OREB + TOV + 0.44 FTA
    pace           DOUBLE,                -- possessions per 48 minutes
    off_rating     DOUBLE,                -- points per 100 possessions
    def_rating     DOUBLE,                -- points allowed per 100 possessions
    source         VARCHAR NOT NULL,
    missing_fields VARCHAR  -- why possessions/pace/ratings are NULL, when they are
);

DROP TABLE analytics.player_game_summary;
CREATE TABLE analytics.player_game_summary (
    player_id         BIGINT NOT NULL,
    game_id           VARCHAR NOT NULL,
    game_date         DATE NOT NULL,
    season            INTEGER NOT NULL,
    season_type       VARCHAR,
    team              VARCHAR NOT NULL,
    opponent          VARCHAR NOT NULL,
    is_home           BOOLEAN NOT NULL,
    player_name       VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,   -- played / did_not_play / inactive
    status_reason     VARCHAR,            -- e.g. "DNP - Coach's Decision", "Inactive - Injury/Illness - Left Ankle"
    minutes           DOUBLE,
    pts               INTEGER,
    reb               INTEGER,
    ast               INTEGER,
    stl               INTEGER,
    blk               INTEGER,
    tov               INTEGER,
    fgm               INTEGER,
    fga               INTEGER,
    fg3m              INTEGER,
    fg3a              INTEGER,
    ftm               INTEGER,
    fta               INTEGER,
    plus_minus        INTEGER,
    ts_pct            DOUBLE,             -- PTS / (2 * (FGA + 0.44 FTA)), when FGA and FTA are known
    usage_rate        DOUBLE,             -- share of team possessions used while on the floor
    source            VARCHAR NOT NULL,   -- the source that won, by priority
    sources_available VARCHAR NOT NULL,   -- every source that had this player-game
    completeness      DOUBLE NOT NULL,    -- share of the stat columns the winning source filled
    missing_fields    VARCHAR  -- which stat columns are NULL (the source lacks them)
);

-- Schedule context of every team in every game, played or scheduled.
CREATE TABLE analytics.team_game_context (
    game_id         VARCHAR NOT NULL,
    team            VARCHAR NOT NULL,
    game_date       DATE NOT NULL,
    season          INTEGER NOT NULL,
    opponent        VARCHAR NOT NULL,
    is_home         BOOLEAN NOT NULL,
    is_final        BOOLEAN NOT NULL,
    previous_game_date DATE,
    days_rest       INTEGER,
    back_to_back    BOOLEAN,
    games_last_7d   INTEGER NOT NULL,     -- earlier games in the 7 days before (this game excluded)
    games_last_14d  INTEGER NOT NULL,
    travel_km       DOUBLE,               -- great-circle distance from the previous game's arena
    tz_shift_hours  DOUBLE  -- signed change of time zone since the previous game
);

-- Everything known before tip-off about a player in a game, for a slate date and for history alike.
CREATE TABLE analytics.player_game_context (
    player_id         BIGINT NOT NULL,
    game_id           VARCHAR NOT NULL,
    game_date         DATE NOT NULL,
    season            INTEGER NOT NULL,
    team              VARCHAR NOT NULL,
    opponent          VARCHAR NOT NULL,
    is_home           BOOLEAN NOT NULL,
    is_final          BOOLEAN NOT NULL,
    in_spine_because  VARCHAR NOT NULL,   -- box_score / line / roster
    last_game_date    DATE,
    days_rest         INTEGER,
    back_to_back      BOOLEAN,
    games_last_7d     INTEGER NOT NULL,
    games_last_14d    INTEGER NOT NULL,
    minutes_last_7d   DOUBLE NOT NULL,
    minutes_last_14d  DOUBLE NOT NULL,
    team_days_rest    INTEGER,
    team_back_to_back BOOLEAN,
    team_travel_km    DOUBLE,
    team_tz_shift_hours DOUBLE,
    opp_days_rest     INTEGER,
    opp_pts_allowed_l10 DOUBLE,
    opp_def_rating_l10  DOUBLE,
    opp_pace_l10      DOUBLE,
    team_pace_l10     DOUBLE,
    league_pts_30d    DOUBLE,
    league_def_rating_30d DOUBLE,
    injury_status     VARCHAR,            -- latest official report before tip-off (Out / Questionable / ...)
    injury_reason     VARCHAR,
    teammates_out     INTEGER,            -- teammates reported Out before tip-off
    game_spread       DOUBLE,             -- this team's point spread, last quote before tip-off
    game_total        DOUBLE
);

-- Lines, with the first and last quotes before tip-off for line movement.
DROP TABLE analytics.book_lines;
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
    opening_line   DOUBLE,                -- the book's main line at its first snapshot before tip-off
    opening_snapshot_utc TIMESTAMP
);

DROP TABLE analytics.consensus_lines;
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
    opening_line   DOUBLE,                -- median of the books' opening lines
    opening_snapshot_utc TIMESTAMP
);

-- ---------------------------------------------------------------- features
DROP TABLE features.player_points;

-- The feature store: one row per (player, game). Columns are documented in
-- nbaprops/features/contract.py (and docs/features.md): definition, source, default.
CREATE TABLE features.player_game (
    player_id              BIGINT NOT NULL,
    game_id                VARCHAR NOT NULL,
    game_date              DATE NOT NULL,
    season                 INTEGER NOT NULL,
    team                   VARCHAR NOT NULL,
    opponent               VARCHAR NOT NULL,
    is_final               BOOLEAN NOT NULL,
    last_game_date         DATE,
    prior_games            INTEGER NOT NULL,
    games_played_season    INTEGER NOT NULL,
    is_home                DOUBLE,
    pts_l3                 DOUBLE,
    pts_l5                 DOUBLE,
    pts_l10                DOUBLE,
    pts_l20                DOUBLE,
    pts_season             DOUBLE,
    pts_std_l10            DOUBLE,
    pts_trend              DOUBLE,
    reb_l5                 DOUBLE,
    reb_l10                DOUBLE,
    reb_season             DOUBLE,
    reb_std_l10            DOUBLE,
    ast_l5                 DOUBLE,
    ast_l10                DOUBLE,
    ast_season             DOUBLE,
    ast_std_l10            DOUBLE,
    pra_l5                 DOUBLE,
    pra_l10                DOUBLE,
    pra_season             DOUBLE,
    pra_std_l10            DOUBLE,
    min_l3                 DOUBLE,
    min_l5                 DOUBLE,
    min_l10                DOUBLE,
    min_season             DOUBLE,
    min_std_l10            DOUBLE,
    min_trend              DOUBLE,
    pts_per_min_l10        DOUBLE,
    heavy_minutes_share_l10 DOUBLE,
    days_rest              DOUBLE,
    back_to_back           DOUBLE,
    games_last_7d          DOUBLE,
    games_last_14d         DOUBLE,
    minutes_last_7d        DOUBLE,
    team_travel_km         DOUBLE,
    team_tz_shift_hours    DOUBLE,
    opp_days_rest          DOUBLE,
    opp_pts_allowed_l10    DOUBLE,
    opp_pts_allowed_ratio  DOUBLE,
    opp_def_rating_l10     DOUBLE,
    opp_pace_l10           DOUBLE,
    team_pace_l10          DOUBLE,
    pts_vs_opp             DOUBLE,
    games_vs_opp           DOUBLE,
    teammates_out          DOUBLE,
    injury_questionable    DOUBLE,
    game_spread            DOUBLE,
    game_total             DOUBLE,
    defaulted_count        INTEGER NOT NULL,
    defaulted_features     VARCHAR,
    quality_score          DOUBLE NOT NULL,
    quality_tier           VARCHAR NOT NULL  -- high / medium / low
);

-- Market features: one row per (player, game, market) with a consensus line before tip-off.
CREATE TABLE features.player_game_market (
    player_id         BIGINT NOT NULL,
    game_id           VARCHAR NOT NULL,
    market            VARCHAR NOT NULL,
    game_date         DATE NOT NULL,
    line              DOUBLE NOT NULL,
    bookmaker         VARCHAR NOT NULL,
    over_odds         DOUBLE,
    under_odds        DOUBLE,
    market_p_over     DOUBLE,             -- the book's over probability with the vig removed
    n_books           INTEGER NOT NULL,
    line_disagreement DOUBLE NOT NULL,    -- highest minus lowest main line across books
    opening_line      DOUBLE,
    line_movement     DOUBLE,             -- consensus now minus at the first snapshot
    stat_l10          DOUBLE,             -- the market's stat, last 10 games (points for points, ...)
    stat_season       DOUBLE,
    line_vs_l10       DOUBLE,
    line_vs_season    DOUBLE
);
