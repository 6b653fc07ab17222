-- grading.player_props: every prediction for a game whose box scores are in, in [$start, $end].
-- outcome grades the prediction's lean (predicted above or below the line): correct / incorrect /
-- push (the stat landed exactly on the line) / void (the player did not play: a DNP or inactive row
-- with its reason, or no box score row at all) / ungraded (he played, but the box score lacks the
-- stat: the NBA.com history exports have no 3-pointers made, so threes grade only from box scores
-- that carry them).
-- profit is per unit staked at the real odds of the side taken, for actionable picks only.
-- Brier scores compare P(over | no push) with the market's de-vigged P(over) on the same rows.
WITH joined AS (
    SELECT
        p.*,
        coalesce(s.status = 'played', FALSE) AS played,
        s.status_reason,
        CASE p.market
            WHEN 'player_points' THEN s.pts
            WHEN 'player_rebounds' THEN s.reb
            WHEN 'player_assists' THEN s.ast
            WHEN 'player_threes' THEN s.fg3m
            WHEN 'player_points_rebounds_assists' THEN s.pts + s.reb + s.ast
        END AS stat
    FROM predictions.player_props AS p
    JOIN analytics.games AS g
        ON g.game_id = p.game_id AND g.is_final
    LEFT JOIN analytics.player_game_summary AS s
        ON s.player_id = p.player_id AND s.game_id = p.game_id
    WHERE p.game_date BETWEEN $start AND $end
),
outcomes AS (
    SELECT
        *,
        CASE
            WHEN NOT played THEN 'void'
            WHEN stat IS NULL THEN 'ungraded'
            WHEN stat = line THEN 'push'
            WHEN (stat > line) = (predicted > line) THEN 'correct'
            ELSE 'incorrect'
        END AS outcome,
        CASE
            WHEN NOT played OR stat IS NULL THEN NULL
            WHEN stat > line THEN 'over'
            WHEN stat < line THEN 'under'
            ELSE 'push'
        END AS line_result,
        CASE WHEN p_over + p_under > 0 THEN p_over / (p_over + p_under) END AS p_over_no_push,
        CASE WHEN recommendation = 'OVER' THEN over_odds ELSE under_odds END AS side_odds,
        (recommendation = 'OVER' AND stat > line) OR (recommendation = 'UNDER' AND stat < line) AS pick_won
    FROM joined
),
scored AS (
    SELECT
        *,
        played AND stat IS NOT NULL AS graded_ok,
        CASE line_result WHEN 'over' THEN 1.0 WHEN 'under' THEN 0.0 END AS went_over
    FROM outcomes
)
SELECT
    system_id,
    market,
    player_id,
    game_id,
    game_date,
    model_id,
    line,
    predicted,
    CASE WHEN graded_ok THEN CAST(stat AS DOUBLE) END AS actual,
    recommendation,
    actionable,
    outcome,
    CASE
        WHEN NOT played THEN coalesce('did not play: ' || status_reason, 'did not play: no box score row for this game')
        WHEN stat IS NULL THEN 'played, but the box score has no value for this market''s stat'
    END AS void_reason,
    CASE WHEN graded_ok THEN ABS(predicted - stat) END AS abs_error,
    CASE WHEN graded_ok THEN predicted - stat END AS signed_error,
    CASE WHEN graded_ok THEN ABS(line - stat) END AS market_abs_error,
    CASE WHEN graded_ok THEN ABS(predicted - stat) <= 3 END AS within_3,
    CASE WHEN graded_ok THEN ABS(predicted - stat) <= 5 END AS within_5,
    line_result,
    p_over_no_push AS p_over,
    market_p_over,
    (p_over_no_push - went_over) * (p_over_no_push - went_over) AS brier,
    (market_p_over - went_over) * (market_p_over - went_over) AS market_brier,
    expected_value,
    CASE
        WHEN NOT actionable OR NOT graded_ok THEN NULL
        WHEN stat = line THEN 0.0
        WHEN pick_won THEN CASE WHEN side_odds < 0 THEN 100.0 / -side_odds ELSE side_odds / 100.0 END
        ELSE -1.0
    END AS profit,
    CAST($graded_utc AS TIMESTAMP) AS graded_utc
FROM scored
