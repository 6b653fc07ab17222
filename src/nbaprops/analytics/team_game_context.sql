-- analytics.team_game_context: the schedule situation of every team in every game in
-- [$start, $end], played or scheduled: rest, back-to-back, density, travel and time zones.
-- Everything here is known when the schedule is published, so it is safe before tip-off. Distances
-- are between arenas (a neutral-site game counts as played in the designated home team's arena).
WITH sides AS (
    SELECT game_id, game_date, season, is_final, home AS team, away AS opponent, TRUE AS is_home, home AS arena
    FROM analytics.games
    WHERE game_date <= $end
    UNION ALL
    SELECT game_id, game_date, season, is_final, away AS team, home AS opponent, FALSE AS is_home, home AS arena
    FROM analytics.games
    WHERE game_date <= $end
),
located AS (
    SELECT
        s.*,
        DATE_DIFF('day', DATE '1970-01-01', s.game_date) AS day_number,
        r.latitude * ACOS(-1) / 180 AS lat,
        r.longitude * ACOS(-1) / 180 AS lon,
        r.utc_offset_hours
    FROM sides AS s
    JOIN ref.teams AS r ON r.tricode = s.arena
),
sequenced AS (
    SELECT
        *,
        LAG(game_date) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST) AS previous_game_date,
        LAG(lat) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST) AS previous_lat,
        LAG(lon) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST) AS previous_lon,
        LAG(utc_offset_hours) OVER (PARTITION BY team ORDER BY game_date NULLS FIRST) AS previous_utc_offset,
        COUNT(*) OVER (PARTITION BY team ORDER BY day_number NULLS FIRST
            RANGE BETWEEN 7 PRECEDING AND 1 PRECEDING) AS games_last_7d,
        COUNT(*) OVER (PARTITION BY team ORDER BY day_number NULLS FIRST
            RANGE BETWEEN 14 PRECEDING AND 1 PRECEDING) AS games_last_14d
    FROM located
)
SELECT
    game_id,
    team,
    game_date,
    season,
    opponent,
    is_home,
    is_final,
    previous_game_date,
    CAST(DATE_DIFF('day', previous_game_date, game_date) AS INTEGER) AS days_rest,
    DATE_DIFF('day', previous_game_date, game_date) = 1 AS back_to_back,
    CAST(games_last_7d AS INTEGER) AS games_last_7d,
    CAST(games_last_14d AS INTEGER) AS games_last_14d,
    2 * 6371.0 * ASIN(SQRT(
        POWER(SIN((lat - previous_lat) / 2), 2)
        + COS(previous_lat) * COS(lat) * POWER(SIN((lon - previous_lon) / 2), 2)
    )) AS travel_km,
    utc_offset_hours - previous_utc_offset AS tz_shift_hours
FROM sequenced
WHERE game_date BETWEEN $start AND $end
