-- features.player_game: the feature store, one row per (player, game) of
-- analytics.player_game_context in [$start, $end]. Every value is computed from games strictly
-- earlier than the game's date: each player's state after each game is joined to his next games
-- (earlier.game_date < game.game_date, latest first). The final SELECT, which applies the documented
-- defaults and scores quality, is generated from features/contract.py and appended below.
WITH spine AS (
    SELECT * FROM analytics.player_game_context WHERE game_date BETWEEN $start AND $end
),
played AS (
    SELECT player_id, game_id, game_date, season, opponent, minutes, pts, reb, ast, pts + reb + ast AS pra
    FROM analytics.player_game_summary
    WHERE status = 'played' AND game_date < $end
),
-- Each player's state after each game he played: windows that include that game.
after_game AS (
    SELECT
        player_id,
        game_id,
        game_date,
        season,
        AVG(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS pts_l3,
        AVG(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS pts_l5,
        AVG(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pts_l10,
        AVG(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS pts_l20,
        AVG(reb) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS reb_l5,
        AVG(reb) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS reb_l10,
        AVG(ast) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS ast_l5,
        AVG(ast) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS ast_l10,
        AVG(pra) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS pra_l5,
        AVG(pra) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pra_l10,
        AVG(minutes) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS min_l3,
        AVG(minutes) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS min_l5,
        AVG(minutes) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS min_l10,
        STDDEV_SAMP(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pts_std_l10,
        STDDEV_SAMP(reb) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS reb_std_l10,
        STDDEV_SAMP(ast) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS ast_std_l10,
        STDDEV_SAMP(pra) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pra_std_l10,
        STDDEV_SAMP(minutes) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS min_std_l10,
        SUM(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)
            / NULLIF(SUM(minutes) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW), 0)
            AS pts_per_min_l10,
        AVG(CASE WHEN minutes >= 28 THEN 1.0 ELSE 0.0 END) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)
            AS heavy_minutes_share_l10,
        AVG(pts) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS pts_season,
        AVG(reb) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS reb_season,
        AVG(ast) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ast_season,
        AVG(pra) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS pra_season,
        AVG(minutes) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS min_season,
        COUNT(*) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS games_season,
        COUNT(*) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS games_total
    FROM played
),
-- The state strictly before a game is the state after the player's previous game. For the games he
-- played that is one LAG; for the others (a line or a roster spot without a box score) it is the
-- latest earlier state, found by an as-of join. Either way: earlier dates only.
before_played AS (
    SELECT
        player_id,
        game_id,
        LAG(game_date) OVER w AS game_date,
        LAG(season) OVER w AS season,
        LAG(pts_l3) OVER w AS pts_l3,
        LAG(pts_l5) OVER w AS pts_l5,
        LAG(pts_l10) OVER w AS pts_l10,
        LAG(pts_l20) OVER w AS pts_l20,
        LAG(reb_l5) OVER w AS reb_l5,
        LAG(reb_l10) OVER w AS reb_l10,
        LAG(ast_l5) OVER w AS ast_l5,
        LAG(ast_l10) OVER w AS ast_l10,
        LAG(pra_l5) OVER w AS pra_l5,
        LAG(pra_l10) OVER w AS pra_l10,
        LAG(min_l3) OVER w AS min_l3,
        LAG(min_l5) OVER w AS min_l5,
        LAG(min_l10) OVER w AS min_l10,
        LAG(pts_std_l10) OVER w AS pts_std_l10,
        LAG(reb_std_l10) OVER w AS reb_std_l10,
        LAG(ast_std_l10) OVER w AS ast_std_l10,
        LAG(pra_std_l10) OVER w AS pra_std_l10,
        LAG(min_std_l10) OVER w AS min_std_l10,
        LAG(pts_per_min_l10) OVER w AS pts_per_min_l10,
        LAG(heavy_minutes_share_l10) OVER w AS heavy_minutes_share_l10,
        LAG(pts_season) OVER w AS pts_season,
        LAG(reb_season) OVER w AS reb_season,
        LAG(ast_season) OVER w AS ast_season,
        LAG(pra_season) OVER w AS pra_season,
        LAG(min_season) OVER w AS min_season,
        LAG(games_season) OVER w AS games_season,
        LAG(games_total) OVER w AS games_total
    FROM after_game
    WINDOW w AS (PARTITION BY player_id ORDER BY game_date NULLS FIRST)
),
before_other AS (
    SELECT
        s.player_id,
        s.game_id,
        a.game_date,
        a.season,
        a.pts_l3,
        a.pts_l5,
        a.pts_l10,
        a.pts_l20,
        a.reb_l5,
        a.reb_l10,
        a.ast_l5,
        a.ast_l10,
        a.pra_l5,
        a.pra_l10,
        a.min_l3,
        a.min_l5,
        a.min_l10,
        a.pts_std_l10,
        a.reb_std_l10,
        a.ast_std_l10,
        a.pra_std_l10,
        a.min_std_l10,
        a.pts_per_min_l10,
        a.heavy_minutes_share_l10,
        a.pts_season,
        a.reb_season,
        a.ast_season,
        a.pra_season,
        a.min_season,
        a.games_season,
        a.games_total
    FROM spine AS s
    LEFT JOIN after_game AS a
        ON a.player_id = s.player_id AND a.game_date < s.game_date
    WHERE NOT EXISTS (SELECT 1 FROM after_game AS p WHERE p.player_id = s.player_id AND p.game_id = s.game_id)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY s.player_id, s.game_id ORDER BY a.game_date DESC NULLS LAST) = 1
),
player_state AS (
    SELECT * FROM before_played
    UNION ALL
    SELECT * FROM before_other
),
versus_opponent AS (
    SELECT s.player_id, s.game_id, AVG(p.pts) AS pts_vs_opp, COUNT(p.pts) AS games_vs_opp
    FROM spine AS s
    JOIN played AS p
        ON p.player_id = s.player_id
        AND p.opponent = s.opponent
        AND p.game_date < s.game_date
        AND p.game_date >= s.game_date - INTERVAL 1095 DAY
    GROUP BY s.player_id, s.game_id
),
raw_features AS (
    SELECT
        s.player_id,
        s.game_id,
        s.game_date,
        s.season,
        s.team,
        s.opponent,
        s.is_final,
        ps.game_date AS last_game_date,
        CAST(coalesce(ps.games_total, 0) AS INTEGER) AS prior_games,
        CAST(CASE WHEN ps.season = s.season THEN ps.games_season ELSE 0 END AS INTEGER) AS games_played_season,
        CASE WHEN s.is_home THEN 1.0 ELSE 0.0 END AS is_home,
        ps.pts_l3, ps.pts_l5, ps.pts_l10, ps.pts_l20,
        CASE WHEN ps.season = s.season THEN ps.pts_season END AS pts_season,
        ps.reb_l5, ps.reb_l10,
        CASE WHEN ps.season = s.season THEN ps.reb_season END AS reb_season,
        ps.ast_l5, ps.ast_l10,
        CASE WHEN ps.season = s.season THEN ps.ast_season END AS ast_season,
        ps.pra_l5, ps.pra_l10,
        CASE WHEN ps.season = s.season THEN ps.pra_season END AS pra_season,
        ps.pts_std_l10, ps.reb_std_l10, ps.ast_std_l10, ps.pra_std_l10, ps.min_std_l10,
        ps.pts_l5 - ps.pts_l20 AS pts_trend,
        ps.min_l3 - ps.min_l10 AS min_trend,
        ps.min_l3, ps.min_l5, ps.min_l10,
        CASE WHEN ps.season = s.season THEN ps.min_season END AS min_season,
        ps.pts_per_min_l10,
        ps.heavy_minutes_share_l10,
        CAST(s.days_rest AS DOUBLE) AS days_rest,
        CASE WHEN s.back_to_back THEN 1.0 WHEN s.back_to_back IS NOT NULL THEN 0.0 END AS back_to_back,
        CAST(s.games_last_7d AS DOUBLE) AS games_last_7d,
        CAST(s.games_last_14d AS DOUBLE) AS games_last_14d,
        s.minutes_last_7d,
        s.team_travel_km,
        s.team_tz_shift_hours,
        CAST(s.opp_days_rest AS DOUBLE) AS opp_days_rest,
        s.opp_pts_allowed_l10,
        s.opp_pts_allowed_l10 / NULLIF(s.league_pts_30d, 0) AS opp_pts_allowed_ratio,
        s.opp_def_rating_l10,
        s.opp_pace_l10,
        s.team_pace_l10,
        vo.pts_vs_opp,
        CAST(coalesce(vo.games_vs_opp, 0) AS DOUBLE) AS games_vs_opp,
        CAST(s.teammates_out AS DOUBLE) AS teammates_out,
        CASE
            WHEN s.injury_status IN ('Questionable', 'Doubtful') THEN 1.0
            WHEN s.injury_status IS NOT NULL THEN 0.0
        END AS injury_questionable,
        s.game_spread,
        s.game_total,
        s.league_pts_30d,
        s.league_def_rating_30d
    FROM spine AS s
    LEFT JOIN player_state AS ps ON ps.player_id = s.player_id AND ps.game_id = s.game_id
    LEFT JOIN versus_opponent AS vo ON vo.player_id = s.player_id AND vo.game_id = s.game_id
)
