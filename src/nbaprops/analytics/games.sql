-- analytics.games: one row per game in [$start, $end]: every game with box scores (final) and
-- every scheduled game not yet played. `is_final` means box scores are in the warehouse — the
-- condition for grading — not merely that the schedule says the game ended.
WITH played AS (
    SELECT game_id, game_date, season, season_type, team AS home, opponent AS away,
           pts AS home_pts, opp_pts AS away_pts, TRUE AS is_final
    FROM analytics.team_game_summary
    WHERE is_home AND game_date BETWEEN $start AND $end
),
scheduled AS (
    SELECT
        s.game_id,
        s.game_date,
        CAST(EXTRACT(YEAR FROM s.game_date) - CASE WHEN EXTRACT(MONTH FROM s.game_date) < 8 THEN 1 ELSE 0 END
            AS INTEGER) AS season,
        s.stage AS season_type,
        s.home,
        s.away,
        CAST(NULL AS INTEGER) AS home_pts,
        CAST(NULL AS INTEGER) AS away_pts,
        FALSE AS is_final
    FROM raw.schedule AS s
    LEFT JOIN played AS p ON p.game_id = s.game_id
    WHERE s.game_date BETWEEN $start AND $end AND p.game_id IS NULL
)
SELECT * FROM played
UNION ALL
SELECT * FROM scheduled
