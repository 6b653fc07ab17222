-- analytics.team_game_summary: one row per team per game in [$start, $end], with possessions,
-- pace and ratings. Sources by priority: NBA.com box score, NBA.com game log, imported team logs;
-- where none has a team's game (older exports stop at the regular season), the team's row is
-- summed from its players' box scores.
-- Possessions are the average of both teams' FGA - OREB + TOV + 0.44 FTA; when an export lacks those
-- columns they stay NULL and `missing_fields` says so. The game id comes from the team log, else the
-- schedule, else a derived id 'H<date><away><home>'.
WITH team_rows AS (
    -- NBA.com box scores (scraped), dated and matched up through the NBA.com schedule
    SELECT
        b.team, s.game_date, b.game_id,
        CASE WHEN b.team = s.home THEN b.team || ' vs. ' || s.away ELSE b.team || ' @ ' || s.home END AS matchup,
        b.minutes, b.pts, b.fga, b.fta, b.oreb, b.tov, s.season_type,
        'nbacom_boxscore' AS source, 1 AS priority
    FROM raw.nbac_boxscore_teams AS b
    JOIN raw.nbac_schedule AS s ON s.game_id = b.game_id
    WHERE s.game_date BETWEEN $start AND $end
    UNION ALL
    -- NBA.com league game log (scraped)
    SELECT
        team, game_date, game_id, matchup, minutes, pts, fga, fta, oreb, tov, season_type,
        'nbacom_gamelog' AS source, 2 AS priority
    FROM raw.nbac_team_game_logs
    WHERE game_date BETWEEN $start AND $end
    UNION ALL
    -- imported history files
    SELECT
        team, game_date, game_id, matchup, minutes, pts, fga, fta, oreb, tov, season_type,
        'team_game_logs' AS source, 3 AS priority
    FROM raw.team_game_logs
    WHERE game_date BETWEEN $start AND $end
),
log_sides AS (
    SELECT team, game_date, game_id, matchup, minutes, pts, fga, fta, oreb, tov, season_type, source
    FROM team_rows
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (PARTITION BY team, game_date ORDER BY priority NULLS LAST) = 1
),
player_sides AS (
    SELECT
        p.team,
        p.game_date,
        CAST(NULL AS VARCHAR) AS game_id,
        MIN(p.matchup) AS matchup,
        CAST(NULL AS INTEGER) AS minutes,
        CAST(SUM(p.pts) AS INTEGER) AS pts,
        CAST(NULL AS INTEGER) AS fga,
        CAST(NULL AS INTEGER) AS fta,
        CAST(NULL AS INTEGER) AS oreb,
        CAST(NULL AS INTEGER) AS tov,
        MIN(p.season_type) AS season_type,
        'player_game_logs' AS source
    FROM raw.player_game_logs AS p
    LEFT JOIN log_sides AS l
        ON l.team = p.team AND l.game_date = p.game_date
    WHERE p.game_date BETWEEN $start AND $end AND l.team IS NULL
    GROUP BY p.team, p.game_date
),
sides AS (
    SELECT
        *,
        RIGHT(matchup, 3) AS opponent,
        matchup LIKE '% vs. %' AS is_home,
        fga - oreb + tov + 0.44 * fta AS raw_possessions
    FROM (SELECT * FROM log_sides UNION ALL SELECT * FROM player_sides) AS both_sources
),
paired AS (
    SELECT
        s.*,
        o.pts AS opp_pts,
        o.game_id AS opp_game_id,
        o.raw_possessions AS opp_raw_possessions,
        -- Neutral-site games (NBA Cup final four, games abroad) list both teams as away ('@'):
        -- the designated home is then the schedule's, else the first tricode alphabetically.
        CASE WHEN s.is_home THEN s.team WHEN o.is_home THEN o.team ELSE LEAST(s.team, o.team) END AS home,
        CASE WHEN s.is_home THEN o.team WHEN o.is_home THEN s.team ELSE GREATEST(s.team, o.team) END AS away
    FROM sides AS s
    JOIN sides AS o
        ON o.game_date = s.game_date AND o.team = s.opponent
)
SELECT
    coalesce(
        p.game_id, p.opp_game_id, sch.game_id,
        'H' || REPLACE(CAST(p.game_date AS VARCHAR), '-', '') || p.away || p.home
    ) AS game_id,
    p.team,
    p.game_date,
    CAST(EXTRACT(YEAR FROM p.game_date) - CASE WHEN EXTRACT(MONTH FROM p.game_date) < 8 THEN 1 ELSE 0 END
        AS INTEGER) AS season,
    p.season_type,
    p.opponent,
    p.is_home,
    p.pts,
    p.opp_pts,
    p.fga,
    p.fta,
    p.oreb,
    p.tov,
    (p.raw_possessions + p.opp_raw_possessions) / 2 AS possessions,
    (p.raw_possessions + p.opp_raw_possessions) / 2 * 48.0 / (coalesce(p.minutes, 240) / 5.0) AS pace,
    100.0 * p.pts / ((p.raw_possessions + p.opp_raw_possessions) / 2) AS off_rating,
    100.0 * p.opp_pts / ((p.raw_possessions + p.opp_raw_possessions) / 2) AS def_rating,
    p.source,
    CASE
        WHEN p.raw_possessions IS NULL OR p.opp_raw_possessions IS NULL
        THEN 'possessions, pace, off_rating, def_rating: ' || p.source || ' lacks FGA/FTA/OREB/TOV for this game'
    END AS missing_fields
FROM paired AS p
LEFT JOIN raw.schedule AS sch
    ON sch.game_date = p.game_date
    AND ((sch.home = p.home AND sch.away = p.away) OR (sch.home = p.away AND sch.away = p.home))
