-- analytics.games: one row per game in [$start, $end]: every game with box scores (final) and
-- every scheduled game not yet played. `is_final` means box scores are in the warehouse — the
-- condition for grading — not merely that the schedule says the game ended.
-- The home side is the team playing at home; at a neutral site (both teams listed as away) it is
-- the schedule's designated home, else the first tricode alphabetically.
WITH played AS (
    SELECT t.game_id, t.game_date, t.season, t.season_type, t.team AS home, t.opponent AS away,
           t.pts AS home_pts, t.opp_pts AS away_pts, TRUE AS is_final
    FROM analytics.team_game_summary AS t
    LEFT JOIN raw.schedule AS sch ON sch.game_id = t.game_id
    WHERE t.game_date BETWEEN $start AND $end
        AND CASE
            WHEN sch.game_id IS NOT NULL THEN t.team = sch.home
            WHEN t.is_home THEN TRUE
            ELSE t.team < t.opponent AND NOT EXISTS (
                SELECT 1 FROM analytics.team_game_summary AS o WHERE o.game_id = t.game_id AND o.is_home
            )
        END
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
