-- analytics.player_game_summary: one row per player per game in [$start, $end].
-- History exports carry no game id: the team's game on that date supplies it.
SELECT
    p.player_id,
    t.game_id,
    p.game_date,
    t.season,
    p.season_type,
    p.team,
    t.opponent,
    t.is_home,
    p.player_name,
    p.minutes,
    p.pts,
    p.reb,
    p.ast,
    p.stl,
    p.blk,
    p.tov,
    'nbacom_history' AS source
FROM raw.player_game_logs AS p
JOIN analytics.team_game_summary AS t
    ON t.team = p.team AND t.game_date = p.game_date
WHERE p.game_date BETWEEN $start AND $end
