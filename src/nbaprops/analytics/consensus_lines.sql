-- analytics.consensus_lines: per player, game and market, the book line closest to the median of
-- all books' main lines (ties broken by a fixed book order), so the consensus is a line someone
-- actually offered, at its real prices.
WITH books AS (
    SELECT
        *,
        QUANTILE_CONT(line, 0.5) OVER (PARTITION BY player_id, game_id, market) AS median_line,
        MIN(line) OVER (PARTITION BY player_id, game_id, market) AS min_line,
        MAX(line) OVER (PARTITION BY player_id, game_id, market) AS max_line,
        COUNT(*) OVER (PARTITION BY player_id, game_id, market) AS n_books,
        QUANTILE_CONT(opening_line, 0.5) OVER (PARTITION BY player_id, game_id, market) AS median_opening_line,
        MIN(opening_snapshot_utc) OVER (PARTITION BY player_id, game_id, market) AS first_snapshot_utc,
        CASE bookmaker
            WHEN 'draftkings' THEN 1
            WHEN 'fanduel' THEN 2
            WHEN 'betmgm' THEN 3
            WHEN 'williamhill_us' THEN 4
            WHEN 'fanatics' THEN 5
            WHEN 'betrivers' THEN 6
            WHEN 'bovada' THEN 7
            WHEN 'betonlineag' THEN 8
            ELSE 9
        END AS book_rank
    FROM analytics.book_lines
    WHERE game_date BETWEEN $start AND $end
)
SELECT
    player_id,
    game_id,
    market,
    game_date,
    line,
    bookmaker,
    over_odds,
    under_odds,
    median_line,
    min_line,
    max_line,
    CAST(n_books AS INTEGER) AS n_books,
    snapshot_utc,
    commence_utc,
    median_opening_line AS opening_line,
    first_snapshot_utc AS opening_snapshot_utc
FROM books
WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
QUALIFY ROW_NUMBER() OVER (
    PARTITION BY player_id, game_id, market
    ORDER BY ABS(line - median_line) NULLS LAST, book_rank NULLS LAST
) = 1
