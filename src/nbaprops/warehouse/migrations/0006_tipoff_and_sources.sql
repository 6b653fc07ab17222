-- Tip-off times on games (from the NBA.com schedule), so lines and injury reports can be checked
-- against the real start of a game even when the source of a line did not say when it started.
DROP TABLE analytics.games;
CREATE TABLE analytics.games (
    game_id        VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    season         INTEGER NOT NULL,     -- start year: 2025 is the 2025-26 season
    season_type    VARCHAR,
    home           VARCHAR NOT NULL,     -- the designated home team at a neutral site
    away           VARCHAR NOT NULL,
    home_pts       INTEGER,
    away_pts       INTEGER,
    start_utc      TIMESTAMP,            -- scheduled tip-off, when a schedule source gives it
    is_final       BOOLEAN NOT NULL      -- box scores are in the warehouse
);

-- The injury report prints each game's tip-off (US/Eastern wall clock); the parser now also gives it
-- in UTC, so a report can be checked as published before tip-off without time-zone arithmetic.
ALTER TABLE raw.nbac_injury_report ADD COLUMN tipoff_utc TIMESTAMP;
ALTER TABLE raw.nbac_injury_report_teams ADD COLUMN tipoff_utc TIMESTAMP;
