-- features.player_points: one row per (player, game) in [$start, $end] — every game a player
-- played and every game he had a points line for — computed ONLY from information available
-- before tip-off: games strictly earlier than the game's date, and the consensus line, whose
-- snapshots are taken before tip-off (analytics.book_lines).
WITH lines AS (
    SELECT * FROM analytics.consensus_lines
    WHERE market = 'player_points' AND game_date BETWEEN $start AND $end
),
played AS (
    SELECT player_id, game_id, game_date, season, team, opponent, is_home
    FROM analytics.player_game_summary
    WHERE game_date BETWEEN $start AND $end
),
-- Players with a line but no box score (not played yet, or did not play): their team is the one
-- they last played for, when it is in this game.
line_only AS (
    SELECT
        l.player_id,
        l.game_id,
        l.game_date,
        g.season,
        g.home,
        g.away,
        last_team.team
    FROM lines AS l
    JOIN analytics.games AS g ON g.game_id = l.game_id
    LEFT JOIN played AS p ON p.player_id = l.player_id AND p.game_id = l.game_id
    JOIN analytics.player_game_summary AS last_team
        ON last_team.player_id = l.player_id AND last_team.game_date < l.game_date
    WHERE p.player_id IS NULL
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY l.player_id, l.game_id ORDER BY last_team.game_date DESC NULLS LAST
    ) = 1
),
spine AS (
    SELECT * FROM played
    UNION ALL
    SELECT
        player_id,
        game_id,
        game_date,
        season,
        team,
        CASE WHEN team = home THEN away ELSE home END AS opponent,
        team = home AS is_home
    FROM line_only
    WHERE team = home OR team = away
),
-- Each player's state after each game he played: rolling windows that include that game.
after_game AS (
    SELECT
        player_id,
        game_date,
        season,
        AVG(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS pts_l5,
        AVG(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pts_l10,
        STDDEV_SAMP(pts) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pts_std_l10,
        AVG(minutes) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 4 PRECEDING AND CURRENT ROW) AS min_l5,
        AVG(minutes) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS min_l10,
        AVG(pts) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS pts_season,
        AVG(minutes) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS min_season,
        COUNT(*) OVER (PARTITION BY player_id, season ORDER BY game_date NULLS FIRST
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS games_season,
        COUNT(*) OVER (PARTITION BY player_id ORDER BY game_date NULLS FIRST
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS games_total
    FROM analytics.player_game_summary
    WHERE game_date < $end
),
-- The latest state strictly before the game's date: the point-in-time guarantee.
player_state AS (
    SELECT
        s.player_id,
        s.game_id,
        a.game_date AS last_game_date,
        a.season AS last_season,
        a.pts_l5, a.pts_l10, a.pts_std_l10, a.min_l5, a.min_l10,
        a.pts_season, a.min_season, a.games_season, a.games_total
    FROM spine AS s
    LEFT JOIN after_game AS a
        ON a.player_id = s.player_id AND a.game_date < s.game_date
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY s.player_id, s.game_id ORDER BY a.game_date DESC NULLS LAST
    ) = 1
),
-- Points each team allowed over its last 10 games, after each game.
team_after_game AS (
    SELECT
        team,
        game_date,
        AVG(opp_pts) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST
            ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS pts_allowed_l10
    FROM analytics.team_game_summary
    WHERE game_date < $end
),
opponent_state AS (
    SELECT s.player_id, s.game_id, t.pts_allowed_l10
    FROM spine AS s
    LEFT JOIN team_after_game AS t
        ON t.team = s.opponent AND t.game_date < s.game_date
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY s.player_id, s.game_id ORDER BY t.game_date DESC NULLS LAST
    ) = 1
),
-- League scoring level over the 30 days before each date, to turn points allowed into a ratio.
slate_dates AS (
    SELECT DISTINCT game_date FROM spine
),
league_level AS (
    SELECT d.game_date, AVG(t.pts) AS league_pts
    FROM slate_dates AS d
    JOIN analytics.team_game_summary AS t
        ON t.game_date < d.game_date AND t.game_date >= d.game_date - INTERVAL 30 DAY
    GROUP BY d.game_date
)
SELECT
    s.player_id,
    s.game_id,
    s.game_date,
    s.season,
    s.team,
    s.opponent,
    s.is_home,
    CAST(coalesce(ps.games_total, 0) AS INTEGER) AS prior_games,
    CAST(CASE WHEN ps.last_season = s.season THEN ps.games_season ELSE 0 END AS INTEGER)
        AS games_played_season,
    ps.pts_l5,
    ps.pts_l10,
    CASE WHEN ps.last_season = s.season THEN ps.pts_season END AS pts_season,
    ps.pts_std_l10,
    ps.min_l5,
    ps.min_l10,
    CASE WHEN ps.last_season = s.season THEN ps.min_season END AS min_season,
    ps.last_game_date,
    CAST(DATE_DIFF('day', ps.last_game_date, s.game_date) AS INTEGER) AS days_rest,
    DATE_DIFF('day', ps.last_game_date, s.game_date) = 1 AS back_to_back,
    os.pts_allowed_l10 AS opp_pts_allowed_l10,
    ll.league_pts AS league_pts_l10,
    l.line,
    l.bookmaker AS line_bookmaker,
    l.over_odds,
    l.under_odds,
    l.n_books
FROM spine AS s
LEFT JOIN player_state AS ps ON ps.player_id = s.player_id AND ps.game_id = s.game_id
LEFT JOIN opponent_state AS os ON os.player_id = s.player_id AND os.game_id = s.game_id
LEFT JOIN league_level AS ll ON ll.game_date = s.game_date
LEFT JOIN lines AS l ON l.player_id = s.player_id AND l.game_id = s.game_id
