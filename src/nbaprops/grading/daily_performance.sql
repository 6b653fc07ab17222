-- grading.daily_performance: per system and market, as of each graded date in [$start, $end], how the
-- predictions of the last 7, 14 and 30 days did: hit rate and ROI of the actionable picks at the real
-- odds, MAE against the line's MAE, Brier of P(over) against the market's de-vigged P(over) (both on
-- the rows that have the market's probability). Reads grading.player_props only.
WITH as_of AS (
    SELECT DISTINCT system_id, market, game_date
    FROM grading.player_props
    WHERE game_date BETWEEN $start AND $end
),
windows AS (
    SELECT 7 AS window_days
    UNION ALL
    SELECT 14
    UNION ALL
    SELECT 30
),
in_window AS (
    SELECT
        d.system_id,
        d.market,
        d.game_date,
        w.window_days,
        g.outcome,
        g.actionable,
        g.profit,
        g.abs_error,
        g.market_abs_error,
        CASE WHEN g.market_brier IS NOT NULL THEN g.brier END AS brier,
        g.market_brier
    FROM as_of AS d
    CROSS JOIN windows AS w
    JOIN grading.player_props AS g
        ON g.system_id = d.system_id
        AND g.market = d.market
        AND g.game_date <= d.game_date
        AND DATE_DIFF('day', g.game_date, d.game_date) < w.window_days
),
totals AS (
    SELECT
        system_id,
        market,
        game_date,
        window_days,
        SUM(CASE WHEN outcome IN ('correct', 'incorrect', 'push') THEN 1 ELSE 0 END) AS graded,
        SUM(CASE WHEN profit IS NOT NULL THEN 1 ELSE 0 END) AS picks,
        SUM(CASE WHEN profit > 0 THEN 1 ELSE 0 END) AS wins,
        SUM(CASE WHEN profit < 0 THEN 1 ELSE 0 END) AS losses,
        SUM(CASE WHEN profit = 0 THEN 1 ELSE 0 END) AS pushes,
        AVG(abs_error) AS mae,
        AVG(market_abs_error) AS market_mae,
        AVG(brier) AS brier,
        AVG(market_brier) AS market_brier,
        coalesce(SUM(profit), 0.0) AS profit
    FROM in_window
    GROUP BY system_id, market, game_date, window_days
)
SELECT
    system_id,
    market,
    game_date,
    window_days,
    CAST(graded AS INTEGER) AS graded,
    CAST(picks AS INTEGER) AS picks,
    CAST(wins AS INTEGER) AS wins,
    CAST(losses AS INTEGER) AS losses,
    CAST(pushes AS INTEGER) AS pushes,
    CASE WHEN wins + losses > 0 THEN CAST(wins AS DOUBLE) / (wins + losses) END AS hit_rate,
    mae,
    market_mae,
    brier,
    market_brier,
    profit,
    CASE WHEN picks > 0 THEN profit / picks END AS roi
FROM totals
