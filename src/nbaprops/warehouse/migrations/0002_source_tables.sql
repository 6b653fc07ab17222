-- Raw tables of the scraped sources NBA.com, ESPN, balldontlie and Basketball Reference (issue 4).
-- One table per kind of row, keyed by the row's natural key. The scrape step adds to every row
-- content_hash (over the parser's columns), payload_sha256 (the stored payload it came from) and
-- ingested_utc, and merges on the key: the same payload twice changes nothing.
-- Game dates are US/Eastern; *_utc timestamps are naive UTC; seasons are start years (2024 = 2024-25).
-- Rows of sources without NBA.com ids keep the source's name (and id) and a player_id column that
-- nbaprops.ingest.players.resolve_source_tables fills from the registry after the merge (NULL until
-- then, and for names that stay in ref.unresolved_players); it is not part of the content hash.

-- ---------------------------------------------------------------- NBA.com stats, CDN and pages
CREATE TABLE raw.nbac_schedule (
    game_id        VARCHAR PRIMARY KEY,
    game_date      DATE NOT NULL,
    start_utc      TIMESTAMP,
    season         INTEGER,
    season_type    VARCHAR,               -- from the game id: Pre Season, Regular Season, Playoffs, Play-In, ...
    game_code      VARCHAR,
    game_label     VARCHAR,               -- stage: Preseason, Emirates NBA Cup, East First Round, ...
    game_sub_label VARCHAR,
    status         INTEGER,               -- 1 scheduled, 2 in progress, 3 final
    status_text    VARCHAR,
    home_team_id   BIGINT,
    home           VARCHAR NOT NULL,      -- tricode as NBA.com prints it (non-NBA clubs keep theirs)
    away_team_id   BIGINT,
    away           VARCHAR NOT NULL,
    home_pts       INTEGER,               -- NULL until the game starts
    away_pts       INTEGER,
    neutral        BOOLEAN,
    arena          VARCHAR,
    arena_city     VARCHAR,
    postponed      VARCHAR,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL
);

CREATE TABLE raw.nbac_player_game_logs (
    player_id      BIGINT NOT NULL,
    player_name    VARCHAR NOT NULL,
    season_type    VARCHAR,
    game_id        VARCHAR NOT NULL,
    season         INTEGER,
    game_date      DATE NOT NULL,
    team_id        BIGINT,
    team           VARCHAR NOT NULL,
    matchup        VARCHAR,
    wl             VARCHAR,
    minutes        DOUBLE,
    fgm INTEGER, fga INTEGER, fg_pct DOUBLE, fg3m INTEGER, fg3a INTEGER, fg3_pct DOUBLE,
    ftm INTEGER, fta INTEGER, ft_pct DOUBLE, oreb INTEGER, dreb INTEGER, reb INTEGER, ast INTEGER,
    stl INTEGER, blk INTEGER, tov INTEGER, pf INTEGER, pts INTEGER, plus_minus INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, player_id)
);

CREATE TABLE raw.nbac_team_game_logs (
    team_name      VARCHAR,
    game_id        VARCHAR NOT NULL,
    season_type    VARCHAR,
    season         INTEGER,
    game_date      DATE NOT NULL,
    team_id        BIGINT NOT NULL,
    team           VARCHAR NOT NULL,
    matchup        VARCHAR,
    wl             VARCHAR,
    minutes        DOUBLE,
    fgm INTEGER, fga INTEGER, fg_pct DOUBLE, fg3m INTEGER, fg3a INTEGER, fg3_pct DOUBLE,
    ftm INTEGER, fta INTEGER, ft_pct DOUBLE, oreb INTEGER, dreb INTEGER, reb INTEGER, ast INTEGER,
    stl INTEGER, blk INTEGER, tov INTEGER, pf INTEGER, pts INTEGER, plus_minus INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, team_id)
);

-- Traditional box score: every player of the game, those who did not play with NULL minutes and
-- stats and NBA.com's comment (DNP - Coach's Decision, DND - Injury/Illness, NWT - ...).
CREATE TABLE raw.nbac_boxscore_players (
    game_id        VARCHAR NOT NULL,
    team_id        BIGINT NOT NULL,
    team           VARCHAR NOT NULL,
    player_id      BIGINT NOT NULL,
    player_name    VARCHAR NOT NULL,
    start_position VARCHAR,
    comment        VARCHAR,
    minutes        DOUBLE,
    fgm INTEGER, fga INTEGER, fg_pct DOUBLE, fg3m INTEGER, fg3a INTEGER, fg3_pct DOUBLE,
    ftm INTEGER, fta INTEGER, ft_pct DOUBLE, oreb INTEGER, dreb INTEGER, reb INTEGER, ast INTEGER,
    stl INTEGER, blk INTEGER, tov INTEGER, pf INTEGER, pts INTEGER, plus_minus INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, player_id)
);

CREATE TABLE raw.nbac_boxscore_teams (
    game_id        VARCHAR NOT NULL,
    team_id        BIGINT NOT NULL,
    team           VARCHAR NOT NULL,
    team_name      VARCHAR,
    minutes        DOUBLE,                -- 240 in regulation, 265 after one overtime
    fgm INTEGER, fga INTEGER, fg_pct DOUBLE, fg3m INTEGER, fg3a INTEGER, fg3_pct DOUBLE,
    ftm INTEGER, fta INTEGER, ft_pct DOUBLE, oreb INTEGER, dreb INTEGER, reb INTEGER, ast INTEGER,
    stl INTEGER, blk INTEGER, tov INTEGER, pf INTEGER, pts INTEGER, plus_minus INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, team_id)
);

CREATE TABLE raw.nbac_scoreboard_games (
    game_id        VARCHAR PRIMARY KEY,
    game_date      DATE NOT NULL,
    game_sequence  INTEGER,
    status         INTEGER,
    status_text    VARCHAR,
    game_code      VARCHAR NOT NULL,
    season         INTEGER,
    home_team_id   BIGINT NOT NULL,
    away_team_id   BIGINT NOT NULL,
    away           VARCHAR NOT NULL,
    home           VARCHAR NOT NULL,
    live_period    INTEGER,
    arena          VARCHAR,
    national_tv    VARCHAR,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL
);

CREATE TABLE raw.nbac_scoreboard_line_scores (
    game_id        VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    team_id        BIGINT NOT NULL,
    team           VARCHAR NOT NULL,
    record         VARCHAR,               -- wins-losses after the game
    q1 INTEGER, q2 INTEGER, q3 INTEGER, q4 INTEGER,
    ot_pts         INTEGER,               -- all overtime periods together
    pts            INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, team_id)
);

CREATE TABLE raw.nbac_players (
    player_id      BIGINT PRIMARY KEY,
    player_name    VARCHAR NOT NULL,
    first_name     VARCHAR,
    last_name      VARCHAR,
    slug           VARCHAR,
    team_id        BIGINT,
    team           VARCHAR,
    jersey         VARCHAR,
    position       VARCHAR,
    height         VARCHAR,
    weight         INTEGER,
    college        VARCHAR,
    country        VARCHAR,
    draft_year     INTEGER,
    draft_round    INTEGER,
    draft_number   INTEGER,
    roster_status  INTEGER,
    from_year      INTEGER,
    to_year        INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL
);

CREATE TABLE raw.nbac_rosters (
    season         INTEGER NOT NULL,
    team_id        BIGINT NOT NULL,
    team           VARCHAR,
    player_id      BIGINT NOT NULL,
    player_name    VARCHAR NOT NULL,
    jersey         VARCHAR,
    position       VARCHAR,
    height         VARCHAR,
    weight         INTEGER,
    birth_date     DATE,
    age            DOUBLE,
    experience     VARCHAR,
    school         VARCHAR,
    how_acquired   VARCHAR,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (season, team_id, player_id)
);

-- Transactions; player_id 0 is a traded draft pick, additional_sort the other team of a trade.
CREATE TABLE raw.nbac_player_movement (
    group_sort       VARCHAR NOT NULL,
    player_id        BIGINT NOT NULL,
    team_id          BIGINT NOT NULL,
    additional_sort  BIGINT NOT NULL,
    transaction_type VARCHAR NOT NULL,
    transaction_date DATE,
    description      VARCHAR,
    team             VARCHAR,
    player_slug      VARCHAR,
    content_hash     VARCHAR NOT NULL,
    payload_sha256   VARCHAR NOT NULL,
    ingested_utc     TIMESTAMP NOT NULL,
    PRIMARY KEY (group_sort, player_id, team_id, additional_sort)
);

CREATE TABLE raw.nbac_referee_assignments (
    game_id        VARCHAR NOT NULL,
    slot           INTEGER NOT NULL,      -- 1 crew chief, 2 referee, 3 umpire, 4 alternate
    game_date      DATE NOT NULL,
    home           VARCHAR,
    away           VARCHAR,
    official_name  VARCHAR NOT NULL,
    official_id    BIGINT,
    jersey         VARCHAR,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, slot)
);

CREATE TABLE raw.nbac_play_by_play (
    game_id          VARCHAR NOT NULL,
    action_number    INTEGER NOT NULL,
    order_number     BIGINT,
    period           INTEGER NOT NULL,
    period_type      VARCHAR,
    clock_seconds    DOUBLE,              -- time left in the period
    time_actual_utc  TIMESTAMP,
    team_id          BIGINT,
    team             VARCHAR,
    person_id        BIGINT,
    player_name      VARCHAR,             -- 'K. Leonard', as the feed abbreviates it
    action_type      VARCHAR NOT NULL,
    sub_type         VARCHAR,
    descriptor       VARCHAR,
    qualifiers       VARCHAR,
    shot_result      VARCHAR,
    is_field_goal    BOOLEAN,
    shot_distance    DOUBLE,
    x                DOUBLE,
    y                DOUBLE,
    area             VARCHAR,
    score_home       INTEGER,
    score_away       INTEGER,
    points_total     INTEGER,
    assist_person_id BIGINT,
    description      VARCHAR,
    content_hash     VARCHAR NOT NULL,
    payload_sha256   VARCHAR NOT NULL,
    ingested_utc     TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, action_number)
);

-- ---------------------------------------------------------------- NBA.com PDFs (names resolved later)
-- Game book: every player of the game; status active (with the box-score line), dnp, dnd, nwt
-- (with the reason as printed) or inactive (the game book lists inactive players by surname).
CREATE TABLE raw.nbac_gamebook_players (
    game_date      DATE NOT NULL,
    game_code      VARCHAR,
    team           VARCHAR NOT NULL,
    player_name    VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    reason         VARCHAR,
    jersey         VARCHAR,
    position       VARCHAR,
    minutes        DOUBLE,
    fgm INTEGER, fga INTEGER, fg3m INTEGER, fg3a INTEGER, ftm INTEGER, fta INTEGER, oreb INTEGER,
    dreb INTEGER, reb INTEGER, ast INTEGER, pf INTEGER, stl INTEGER, tov INTEGER, blk INTEGER,
    plus_minus INTEGER, pts INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    player_id      BIGINT,
    PRIMARY KEY (game_date, team, player_name)
);

CREATE TABLE raw.nbac_injury_report (
    report_utc      TIMESTAMP NOT NULL,   -- the report's own time (printed in US/Eastern)
    game_date       DATE NOT NULL,
    tipoff_et       VARCHAR,              -- 'HH:MM', 24-hour US/Eastern
    matchup         VARCHAR NOT NULL,     -- 'MIL@SAS'
    away            VARCHAR NOT NULL,
    home            VARCHAR NOT NULL,
    team            VARCHAR NOT NULL,
    player_name     VARCHAR NOT NULL,     -- 'David Duke Jr.'
    player_name_raw VARCHAR NOT NULL,     -- as printed: 'Duke Jr., David'
    status          VARCHAR,              -- Out, Doubtful, Questionable, Probable, Available
    reason          VARCHAR,
    content_hash    VARCHAR NOT NULL,
    payload_sha256  VARCHAR NOT NULL,
    ingested_utc    TIMESTAMP NOT NULL,
    player_id       BIGINT,
    PRIMARY KEY (report_utc, game_date, team, player_name)
);

-- Whether each team of each game on the report had submitted its list ('NOT YET SUBMITTED').
CREATE TABLE raw.nbac_injury_report_teams (
    report_utc     TIMESTAMP NOT NULL,
    game_date      DATE NOT NULL,
    tipoff_et      VARCHAR,
    matchup        VARCHAR NOT NULL,
    away           VARCHAR NOT NULL,
    home           VARCHAR NOT NULL,
    team           VARCHAR NOT NULL,
    submitted      BOOLEAN NOT NULL,
    players        INTEGER NOT NULL,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    PRIMARY KEY (report_utc, game_date, team)
);

-- ---------------------------------------------------------------- ESPN
CREATE TABLE raw.espn_games (
    espn_game_id   VARCHAR PRIMARY KEY,
    game_date      DATE NOT NULL,
    start_utc      TIMESTAMP,
    season         INTEGER,
    status         VARCHAR,               -- STATUS_SCHEDULED, STATUS_IN_PROGRESS, STATUS_FINAL, ...
    completed      BOOLEAN,
    period         INTEGER,
    home           VARCHAR NOT NULL,
    away           VARCHAR NOT NULL,
    home_espn_id   VARCHAR,
    away_espn_id   VARCHAR,
    home_pts       INTEGER,
    away_pts       INTEGER,
    venue          VARCHAR,
    attendance     INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL
);

CREATE TABLE raw.espn_boxscore_players (
    espn_game_id   VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    espn_player_id VARCHAR NOT NULL,
    team           VARCHAR NOT NULL,
    player_name    VARCHAR NOT NULL,
    starter        BOOLEAN,
    minutes        DOUBLE,
    fgm INTEGER, fga INTEGER, fg3m INTEGER, fg3a INTEGER, ftm INTEGER, fta INTEGER, oreb INTEGER,
    dreb INTEGER, reb INTEGER, ast INTEGER, stl INTEGER, blk INTEGER, tov INTEGER, pf INTEGER,
    plus_minus INTEGER, pts INTEGER,
    dnp_reason     VARCHAR,               -- 'DNP-COACH'S DECISION', ...
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    player_id      BIGINT,
    PRIMARY KEY (espn_game_id, espn_player_id)
);

CREATE TABLE raw.espn_rosters (
    season         INTEGER NOT NULL,
    team           VARCHAR NOT NULL,
    espn_player_id VARCHAR NOT NULL,
    player_name    VARCHAR NOT NULL,
    jersey         VARCHAR,
    position       VARCHAR,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    player_id      BIGINT,
    PRIMARY KEY (season, team, espn_player_id)
);

-- ---------------------------------------------------------------- balldontlie
CREATE TABLE raw.bdl_games (
    bdl_game_id    BIGINT PRIMARY KEY,
    game_date      DATE NOT NULL,
    start_utc      TIMESTAMP,
    season         INTEGER,
    status         VARCHAR,
    period         INTEGER,
    postseason     BOOLEAN,
    home           VARCHAR NOT NULL,
    away           VARCHAR NOT NULL,
    home_pts       INTEGER,
    away_pts       INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL
);

-- From /box_scores (older answers carry no game id) and /stats; minutes 0 = did not get in.
CREATE TABLE raw.bdl_player_boxscores (
    game_date      DATE NOT NULL,
    team           VARCHAR NOT NULL,
    bdl_player_id  BIGINT NOT NULL,
    player_name    VARCHAR NOT NULL,
    first_name     VARCHAR,
    last_name      VARCHAR,
    bdl_game_id    BIGINT,
    minutes        DOUBLE,
    fgm INTEGER, fga INTEGER, fg3m INTEGER, fg3a INTEGER, ftm INTEGER, fta INTEGER, oreb INTEGER,
    dreb INTEGER, reb INTEGER, ast INTEGER, stl INTEGER, blk INTEGER, tov INTEGER, pf INTEGER,
    pts INTEGER, plus_minus INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    player_id      BIGINT,
    PRIMARY KEY (game_date, team, bdl_player_id)
);

CREATE TABLE raw.bdl_players (
    bdl_player_id  BIGINT PRIMARY KEY,
    player_name    VARCHAR NOT NULL,
    first_name     VARCHAR,
    last_name      VARCHAR,
    team           VARCHAR,               -- NULL for a defunct franchise
    position       VARCHAR,
    jersey         VARCHAR,
    height         VARCHAR,
    weight         INTEGER,
    college        VARCHAR,
    country        VARCHAR,
    draft_year     INTEGER,
    draft_round    INTEGER,
    draft_number   INTEGER,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    player_id      BIGINT
);

-- The injury list as it stood on as_of_date (US/Eastern date of the fetch).
CREATE TABLE raw.bdl_injuries (
    as_of_date     DATE NOT NULL,
    team           VARCHAR,
    bdl_player_id  BIGINT NOT NULL,
    player_name    VARCHAR NOT NULL,
    first_name     VARCHAR,
    last_name      VARCHAR,
    status         VARCHAR NOT NULL,      -- Out, Day-To-Day, ...
    return_date    VARCHAR,               -- as printed: 'Oct 1'
    description    VARCHAR,
    content_hash   VARCHAR NOT NULL,
    payload_sha256 VARCHAR NOT NULL,
    ingested_utc   TIMESTAMP NOT NULL,
    player_id      BIGINT,
    PRIMARY KEY (as_of_date, bdl_player_id)
);

-- ---------------------------------------------------------------- Basketball Reference
CREATE TABLE raw.bbref_rosters (
    season          INTEGER NOT NULL,
    team            VARCHAR NOT NULL,
    bbref_player_id VARCHAR NOT NULL,     -- 'jamesle01'
    player_name     VARCHAR NOT NULL,
    number          VARCHAR,
    position        VARCHAR,
    height          VARCHAR,
    weight          INTEGER,
    birth_date      DATE,
    experience      VARCHAR,              -- 'R' for rookies
    college         VARCHAR,
    content_hash    VARCHAR NOT NULL,
    payload_sha256  VARCHAR NOT NULL,
    ingested_utc    TIMESTAMP NOT NULL,
    player_id       BIGINT,
    PRIMARY KEY (season, team, bbref_player_id)
);
