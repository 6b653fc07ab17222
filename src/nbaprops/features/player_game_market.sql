-- features.player_game_market: one row per (player, game, market) with a consensus line before
-- tip-off in [$start, $end], with the market's features next to the player's form in that stat.
SELECT
    c.player_id,
    c.game_id,
    c.market,
    c.game_date,
    c.line,
    c.bookmaker,
    c.over_odds,
    c.under_odds,
    -- de-vigged: the over's implied probability over the sum of both sides'
    CASE WHEN c.over_odds < 0 THEN -c.over_odds / (100 - c.over_odds) ELSE 100 / (c.over_odds + 100) END
    / (CASE WHEN c.over_odds < 0 THEN -c.over_odds / (100 - c.over_odds) ELSE 100 / (c.over_odds + 100) END
       + CASE WHEN c.under_odds < 0 THEN -c.under_odds / (100 - c.under_odds) ELSE 100 / (c.under_odds + 100) END)
        AS market_p_over,
    c.n_books,
    c.max_line - c.min_line AS line_disagreement,
    c.opening_line,
    c.median_line - c.opening_line AS line_movement,
    f.stat_l10,
    f.stat_season,
    c.line - f.stat_l10 AS line_vs_l10,
    c.line - f.stat_season AS line_vs_season
FROM analytics.consensus_lines AS c
LEFT JOIN (
    SELECT
        player_id,
        game_id,
        m.market,
        CASE m.market
            WHEN 'player_points' THEN pts_l10
            WHEN 'player_rebounds' THEN reb_l10
            WHEN 'player_assists' THEN ast_l10
            WHEN 'player_points_rebounds_assists' THEN pra_l10
        END AS stat_l10,
        CASE m.market
            WHEN 'player_points' THEN pts_season
            WHEN 'player_rebounds' THEN reb_season
            WHEN 'player_assists' THEN ast_season
            WHEN 'player_points_rebounds_assists' THEN pra_season
        END AS stat_season
    FROM features.player_game
    CROSS JOIN (
        SELECT 'player_points' AS market UNION ALL SELECT 'player_rebounds' UNION ALL SELECT 'player_assists'
        UNION ALL SELECT 'player_points_rebounds_assists'
    ) AS m
    WHERE game_date BETWEEN $start AND $end
) AS f
    ON f.player_id = c.player_id AND f.game_id = c.game_id AND f.market = c.market
WHERE c.game_date BETWEEN $start AND $end
