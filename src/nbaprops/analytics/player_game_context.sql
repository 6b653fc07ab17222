-- analytics.player_game_context: everything known before tip-off about each player in each game in
-- [$start, $end] — the upcoming slate and history alike. A player is in a game's context when he
-- has a box score row for it (box_score), a line for it (line), or, for games not yet played, when
-- he played for one of the teams in the 30 days before (roster). Only games strictly before the
-- game's date are read; schedule facts (rest, travel) are known in advance.
WITH games_in_range AS (
    SELECT * FROM analytics.games WHERE game_date BETWEEN $start AND $end
),
played AS (
    SELECT player_id, game_id, game_date, team, minutes
    FROM analytics.player_game_summary
    WHERE status = 'played' AND game_date <= $end
),
-- The official injury report: each team's latest submitted report before tip-off — the schedule's
-- tip-off, else the one the report itself prints, else noon US/Eastern (16:00 UTC) of game day —
-- and who was on it.
team_reports AS (
    SELECT g.game_id, t.team, t.report_utc
    FROM raw.nbac_injury_report_teams AS t
    JOIN games_in_range AS g
        ON g.game_date = t.game_date AND t.team IN (g.home, g.away)
    WHERE t.submitted
        AND t.report_utc < coalesce(g.start_utc, t.tipoff_utc, CAST(g.game_date AS TIMESTAMP) + INTERVAL 16 HOUR)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY g.game_id, t.team ORDER BY t.report_utc DESC NULLS LAST) = 1
),
reported_players AS (
    SELECT tr.game_id, r.team, r.player_id, r.status, r.reason
    FROM team_reports AS tr
    JOIN raw.nbac_injury_report AS r
        ON r.report_utc = tr.report_utc AND r.team = tr.team
    JOIN games_in_range AS g
        ON g.game_id = tr.game_id AND g.game_date = r.game_date
    WHERE r.player_id IS NOT NULL
),
reported_out AS (
    SELECT game_id, team, COUNT(*) AS players_out
    FROM reported_players
    WHERE status = 'Out'
    GROUP BY game_id, team
),
from_box AS (
    SELECT player_id, game_id, team, 'box_score' AS reason, 1 AS priority
    FROM analytics.player_game_summary
    WHERE game_date BETWEEN $start AND $end
),
without_box AS (
    SELECT DISTINCT player_id, game_id, game_date, 'line' AS reason, 2 AS priority
    FROM analytics.consensus_lines
    WHERE game_date BETWEEN $start AND $end
    UNION ALL
    SELECT DISTINCT p.player_id, g.game_id, g.game_date, 'roster' AS reason, 3 AS priority
    FROM games_in_range AS g
    JOIN played AS p
        ON p.team IN (g.home, g.away)
        AND p.game_date < g.game_date
        AND p.game_date >= g.game_date - INTERVAL 30 DAY
    WHERE NOT g.is_final
    UNION ALL
    SELECT DISTINCT r.player_id, r.game_id, g.game_date, 'injury_report' AS reason, 4 AS priority
    FROM reported_players AS r
    JOIN games_in_range AS g ON g.game_id = r.game_id
),
-- Without a box score, a player's team is the team of his latest earlier game, if it plays here.
with_latest_team AS (
    SELECT w.player_id, w.game_id, p.team, w.reason, w.priority
    FROM without_box AS w
    JOIN played AS p
        ON p.player_id = w.player_id AND p.game_date < w.game_date
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY w.player_id, w.game_id, w.reason ORDER BY p.game_date DESC NULLS LAST
    ) = 1
),
spine AS (
    SELECT s.player_id, s.game_id, s.team, s.reason
    FROM (
        SELECT * FROM from_box
        UNION ALL
        SELECT l.* FROM with_latest_team AS l
        JOIN games_in_range AS g ON g.game_id = l.game_id AND l.team IN (g.home, g.away)
    ) AS s
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (PARTITION BY s.player_id, s.game_id ORDER BY s.priority NULLS LAST) = 1
),
located AS (
    SELECT
        s.player_id, s.game_id, g.game_date, g.season, s.team,
        CASE WHEN s.team = g.home THEN g.away ELSE g.home END AS opponent,
        g.is_final, s.reason
    FROM spine AS s
    JOIN games_in_range AS g ON g.game_id = s.game_id
),
-- Recent load before each game. For games the player played, windows over his own games (the frame
-- ends at 1 PRECEDING, so the game itself is never counted); for the others, a join on the 14 days
-- before. Both read earlier dates only.
played_windows AS (
    SELECT
        player_id,
        game_id,
        LAG(game_date) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST) AS last_game_date,
        COUNT(*) OVER (PARTITION BY player_id ORDER BY day_number NULLS FIRST
            RANGE BETWEEN 7 PRECEDING AND 1 PRECEDING) AS games_last_7d,
        COUNT(*) OVER (PARTITION BY player_id ORDER BY day_number NULLS FIRST
            RANGE BETWEEN 14 PRECEDING AND 1 PRECEDING) AS games_last_14d,
        SUM(minutes) OVER (PARTITION BY player_id ORDER BY day_number NULLS FIRST
            RANGE BETWEEN 7 PRECEDING AND 1 PRECEDING) AS minutes_last_7d,
        SUM(minutes) OVER (PARTITION BY player_id ORDER BY day_number NULLS FIRST
            RANGE BETWEEN 14 PRECEDING AND 1 PRECEDING) AS minutes_last_14d
    FROM (SELECT *, DATE_DIFF('day', DATE '1970-01-01', game_date) AS day_number FROM played) AS p
),
player_recent AS (
    SELECT w.*
    FROM played_windows AS w
    JOIN located AS l ON l.player_id = w.player_id AND l.game_id = w.game_id
    UNION ALL
    SELECT
        l.player_id,
        l.game_id,
        (SELECT MAX(p.game_date) FROM played AS p
         WHERE p.player_id = l.player_id AND p.game_date < l.game_date) AS last_game_date,
        COUNT(CASE WHEN p.game_date >= l.game_date - INTERVAL 7 DAY THEN 1 END) AS games_last_7d,
        COUNT(p.game_date) AS games_last_14d,
        SUM(CASE WHEN p.game_date >= l.game_date - INTERVAL 7 DAY THEN p.minutes ELSE 0 END) AS minutes_last_7d,
        SUM(p.minutes) AS minutes_last_14d
    FROM located AS l
    LEFT JOIN played AS p
        ON p.player_id = l.player_id
        AND p.game_date < l.game_date
        AND p.game_date >= l.game_date - INTERVAL 14 DAY
    WHERE NOT EXISTS (SELECT 1 FROM played AS x WHERE x.player_id = l.player_id AND x.game_id = l.game_id)
    GROUP BY l.player_id, l.game_id, l.game_date
),
-- Each team's defence and pace over its last 10 games, after each game.
team_after_game AS (
    SELECT
        team,
        game_date,
        AVG(opp_pts) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pts_allowed_l10,
        AVG(def_rating) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS def_rating_l10,
        AVG(pace) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pace_l10
    FROM analytics.team_game_summary
    WHERE game_date < $end
),
team_sides AS (
    SELECT game_id, game_date, home AS team FROM games_in_range
    UNION ALL
    SELECT game_id, game_date, away AS team FROM games_in_range
),
team_state AS (
    SELECT s.game_id, s.team, t.pts_allowed_l10, t.def_rating_l10, t.pace_l10
    FROM team_sides AS s
    LEFT JOIN team_after_game AS t
        ON t.team = s.team AND t.game_date < s.game_date AND t.game_date >= s.game_date - INTERVAL 400 DAY
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (PARTITION BY s.game_id, s.team ORDER BY t.game_date DESC NULLS LAST) = 1
),
-- Game lines: each book's last spread and total before tip-off, averaged across books, with the
-- spread turned to the designated home team's side (books may call the other team home).
game_lines AS (
    SELECT
        g.game_id,
        gl.market,
        CASE WHEN gl.market = 'spreads' AND gl.home <> g.home THEN -gl.point ELSE gl.point END AS point
    FROM raw.odds_game_lines AS gl
    JOIN games_in_range AS g
        ON g.game_date = gl.game_date
        AND ((g.home = gl.home AND g.away = gl.away) OR (g.home = gl.away AND g.away = gl.home))
    WHERE gl.point IS NOT NULL
        AND gl.snapshot_utc < gl.commence_utc
        AND ((gl.market = 'spreads' AND gl.side = 'home') OR (gl.market = 'totals' AND gl.side = 'over'))
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY g.game_id, gl.bookmaker, gl.market ORDER BY gl.snapshot_utc DESC NULLS LAST
    ) = 1
),
game_line_consensus AS (
    SELECT
        game_id,
        AVG(CASE WHEN market = 'spreads' THEN point END) AS home_spread,
        AVG(CASE WHEN market = 'totals' THEN point END) AS total
    FROM game_lines
    GROUP BY game_id
),
league_level AS (
    SELECT d.game_date, AVG(t.pts) AS league_pts, AVG(t.def_rating) AS league_def_rating
    FROM (SELECT DISTINCT game_date FROM games_in_range) AS d
    JOIN analytics.team_game_summary AS t
        ON t.game_date < d.game_date AND t.game_date >= d.game_date - INTERVAL 30 DAY
    GROUP BY d.game_date
)
SELECT
    l.player_id,
    l.game_id,
    l.game_date,
    l.season,
    l.team,
    l.opponent,
    tc.is_home,
    l.is_final,
    l.reason AS in_spine_because,
    r.last_game_date,
    CAST(DATE_DIFF('day', r.last_game_date, l.game_date) AS INTEGER) AS days_rest,
    DATE_DIFF('day', r.last_game_date, l.game_date) = 1 AS back_to_back,
    CAST(r.games_last_7d AS INTEGER) AS games_last_7d,
    CAST(r.games_last_14d AS INTEGER) AS games_last_14d,
    coalesce(r.minutes_last_7d, 0.0) AS minutes_last_7d,
    coalesce(r.minutes_last_14d, 0.0) AS minutes_last_14d,
    tc.days_rest AS team_days_rest,
    tc.back_to_back AS team_back_to_back,
    tc.travel_km AS team_travel_km,
    tc.tz_shift_hours AS team_tz_shift_hours,
    oc.days_rest AS opp_days_rest,
    os.pts_allowed_l10 AS opp_pts_allowed_l10,
    os.def_rating_l10 AS opp_def_rating_l10,
    os.pace_l10 AS opp_pace_l10,
    ts.pace_l10 AS team_pace_l10,
    ll.league_pts AS league_pts_30d,
    ll.league_def_rating AS league_def_rating_30d,
    CASE WHEN tr.team IS NOT NULL THEN coalesce(rp.status, 'Not listed') END AS injury_status,
    rp.reason AS injury_reason,
    CASE
        WHEN tr.team IS NOT NULL
        THEN CAST(coalesce(ro.players_out, 0) - CASE WHEN rp.status = 'Out' THEN 1 ELSE 0 END AS INTEGER)
    END AS teammates_out,
    CASE WHEN l.team = g.home THEN gc.home_spread ELSE -gc.home_spread END AS game_spread,
    gc.total AS game_total
FROM located AS l
JOIN player_recent AS r ON r.player_id = l.player_id AND r.game_id = l.game_id
JOIN analytics.team_game_context AS tc ON tc.game_id = l.game_id AND tc.team = l.team
JOIN analytics.team_game_context AS oc ON oc.game_id = l.game_id AND oc.team = l.opponent
LEFT JOIN team_state AS os ON os.game_id = l.game_id AND os.team = l.opponent
LEFT JOIN team_state AS ts ON ts.game_id = l.game_id AND ts.team = l.team
LEFT JOIN league_level AS ll ON ll.game_date = l.game_date
JOIN games_in_range AS g ON g.game_id = l.game_id
LEFT JOIN game_line_consensus AS gc ON gc.game_id = l.game_id
LEFT JOIN team_reports AS tr ON tr.game_id = l.game_id AND tr.team = l.team
LEFT JOIN reported_players AS rp ON rp.game_id = l.game_id AND rp.player_id = l.player_id
LEFT JOIN reported_out AS ro ON ro.game_id = l.game_id AND ro.team = l.team
