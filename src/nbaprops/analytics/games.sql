-- analytics.games: one row per game in [$start, $end]: every game with box scores (final) and
-- every scheduled game not yet played. `is_final` means box scores are in the warehouse — the
-- condition for grading — not merely that a schedule says the game ended. Schedules come from the
-- scraped NBA.com schedule (which also gives tip-off times) and from imported schedule files; only
-- games between two NBA teams count (preseason games against clubs abroad do not).
-- The home side is the team playing at home; at a neutral site (both teams listed as away) it is the
-- schedule's designated home, else the first tricode alphabetically.
WITH schedules AS (
    SELECT game_id, game_date, home, away, start_utc, season_type, 1 AS priority
    FROM raw.nbac_schedule
    WHERE game_date BETWEEN $start AND $end
    UNION ALL
    SELECT game_id, game_date, home, away, CAST(NULL AS TIMESTAMP) AS start_utc, stage AS season_type, 2 AS priority
    FROM raw.schedule
    WHERE game_date BETWEEN $start AND $end
),
schedule AS (
    SELECT s.*
    FROM schedules AS s
    JOIN ref.teams AS h ON h.tricode = s.home
    JOIN ref.teams AS a ON a.tricode = s.away
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (PARTITION BY s.game_id ORDER BY s.priority NULLS LAST) = 1
),
played AS (
    SELECT t.game_id, t.game_date, t.season, t.season_type, t.team AS home, t.opponent AS away,
           t.pts AS home_pts, t.opp_pts AS away_pts, TRUE AS is_final
    FROM analytics.team_game_summary AS t
    LEFT JOIN schedule AS sch ON sch.game_id = t.game_id
    WHERE t.game_date BETWEEN $start AND $end
        AND CASE
            WHEN sch.game_id IS NOT NULL THEN t.team = sch.home
            WHEN t.is_home THEN TRUE
            ELSE t.team < t.opponent AND NOT EXISTS (
                SELECT 1 FROM analytics.team_game_summary AS o WHERE o.game_id = t.game_id AND o.is_home
            )
        END
)
SELECT
    p.game_id, p.game_date, p.season, p.season_type, p.home, p.away, p.home_pts, p.away_pts,
    sch.start_utc, p.is_final
FROM played AS p
LEFT JOIN schedule AS sch ON sch.game_id = p.game_id
UNION ALL
SELECT
    s.game_id,
    s.game_date,
    CAST(EXTRACT(YEAR FROM s.game_date) - CASE WHEN EXTRACT(MONTH FROM s.game_date) < 8 THEN 1 ELSE 0 END
        AS INTEGER) AS season,
    s.season_type,
    s.home,
    s.away,
    CAST(NULL AS INTEGER) AS home_pts,
    CAST(NULL AS INTEGER) AS away_pts,
    s.start_utc,
    FALSE AS is_final
FROM schedule AS s
LEFT JOIN played AS p ON p.game_id = s.game_id
WHERE p.game_id IS NULL
