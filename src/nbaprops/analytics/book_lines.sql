-- analytics.book_lines: per player, game, market and book, the main line of the last snapshot
-- taken strictly before tip-off, and of the first (the opening line). A book's main line is the
-- quote whose two prices are closest to even money (bovada and betrivers post ladders of alternate
-- lines). The Odds API is the line source of record; BettingPros (its lines carry event ids
-- 'bp-...') fills in only for a book The Odds API has no line from.
WITH priced AS (
    SELECT
        p.* REPLACE (coalesce(p.commence_utc, g.start_utc) AS commence_utc),
        CASE WHEN p.event_id LIKE 'bp-%' THEN 2 ELSE 1 END AS source_rank,
        CASE WHEN p.over_odds < 0 THEN -p.over_odds / (100 - p.over_odds) ELSE 100 / (p.over_odds + 100) END
            AS p_over_implied,
        CASE WHEN p.under_odds < 0 THEN -p.under_odds / (100 - p.under_odds) ELSE 100 / (p.under_odds + 100) END
            AS p_under_implied
    FROM raw.prop_lines AS p
    LEFT JOIN analytics.games AS g ON g.game_id = p.game_id
    WHERE p.game_date BETWEEN $start AND $end
        AND p.player_id IS NOT NULL
        AND p.game_id IS NOT NULL
        -- the tip-off the line's source gave, else the schedule's; a line with neither is not used
        AND coalesce(p.commence_utc, g.start_utc) IS NOT NULL
        AND p.snapshot_utc < coalesce(p.commence_utc, g.start_utc)
        AND p.over_odds IS NOT NULL
        AND p.under_odds IS NOT NULL
),
main_lines AS (
    SELECT *
    FROM priced
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (
        PARTITION BY snapshot_utc, source_rank, player_id, game_id, market, bookmaker
        ORDER BY ABS(p_over_implied - p_under_implied) NULLS LAST, line NULLS LAST
    ) = 1
)
SELECT
    player_id,
    game_id,
    market,
    bookmaker,
    game_date,
    snapshot_utc,
    commence_utc,
    line,
    over_odds,
    under_odds,
    FIRST_VALUE(line) OVER (
        PARTITION BY player_id, game_id, market, bookmaker, source_rank ORDER BY snapshot_utc NULLS FIRST
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS opening_line,
    MIN(snapshot_utc) OVER (PARTITION BY player_id, game_id, market, bookmaker, source_rank) AS opening_snapshot_utc
FROM main_lines
WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
QUALIFY ROW_NUMBER() OVER (
    PARTITION BY player_id, game_id, market, bookmaker
    ORDER BY source_rank NULLS LAST, snapshot_utc DESC NULLS LAST
) = 1
