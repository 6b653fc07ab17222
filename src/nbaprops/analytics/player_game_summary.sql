-- analytics.player_game_summary: one row per player per game in [$start, $end], from the best
-- source that has it. Every source contributes candidate rows with a priority (lower wins); the row
-- records which source won, every source that had the player-game, how complete the winner is and
-- which stat columns it lacks — so a NULL is never silent. Game ids come from the team's game on
-- that date (history exports carry none).
WITH candidates AS (
    SELECT
        player_id, game_date, team, player_name,
        'played' AS status, CAST(NULL AS VARCHAR) AS status_reason,
        minutes, pts, reb, ast, stl, blk, tov,
        CAST(NULL AS INTEGER) AS fgm, CAST(NULL AS INTEGER) AS fga,
        CAST(NULL AS INTEGER) AS fg3m, CAST(NULL AS INTEGER) AS fg3a,
        CAST(NULL AS INTEGER) AS ftm, CAST(NULL AS INTEGER) AS fta,
        plus_minus, season_type,
        'nbacom_history' AS source, 5 AS priority
    FROM raw.player_game_logs
    WHERE game_date BETWEEN $start AND $end
),
availability AS (
    SELECT player_id, game_date, STRING_AGG(DISTINCT source, ',') AS sources_available
    FROM candidates
    GROUP BY player_id, game_date
),
best AS (
    SELECT *
    FROM candidates
    WHERE TRUE  -- BigQuery accepts QUALIFY only beside WHERE, GROUP BY or HAVING
    QUALIFY ROW_NUMBER() OVER (PARTITION BY player_id, game_date ORDER BY priority NULLS LAST) = 1
),
with_game AS (
    SELECT
        b.*,
        t.game_id, t.season, t.opponent, t.is_home,
        t.fga AS team_fga, t.fta AS team_fta, t.tov AS team_tov,
        CASE WHEN b.minutes IS NULL THEN 'minutes,' ELSE '' END
        || CASE WHEN b.pts IS NULL THEN 'pts,' ELSE '' END
        || CASE WHEN b.reb IS NULL THEN 'reb,' ELSE '' END
        || CASE WHEN b.ast IS NULL THEN 'ast,' ELSE '' END
        || CASE WHEN b.stl IS NULL THEN 'stl,' ELSE '' END
        || CASE WHEN b.blk IS NULL THEN 'blk,' ELSE '' END
        || CASE WHEN b.tov IS NULL THEN 'tov,' ELSE '' END
        || CASE WHEN b.fgm IS NULL THEN 'fgm,' ELSE '' END
        || CASE WHEN b.fga IS NULL THEN 'fga,' ELSE '' END
        || CASE WHEN b.fg3m IS NULL THEN 'fg3m,' ELSE '' END
        || CASE WHEN b.fg3a IS NULL THEN 'fg3a,' ELSE '' END
        || CASE WHEN b.ftm IS NULL THEN 'ftm,' ELSE '' END
        || CASE WHEN b.fta IS NULL THEN 'fta,' ELSE '' END
        || CASE WHEN b.plus_minus IS NULL THEN 'plus_minus,' ELSE '' END AS missing_list
    FROM best AS b
    JOIN analytics.team_game_summary AS t
        ON t.team = b.team AND t.game_date = b.game_date
)
SELECT
    w.player_id,
    w.game_id,
    w.game_date,
    w.season,
    w.season_type,
    w.team,
    w.opponent,
    w.is_home,
    w.player_name,
    w.status,
    w.status_reason,
    w.minutes,
    w.pts,
    w.reb,
    w.ast,
    w.stl,
    w.blk,
    w.tov,
    w.fgm,
    w.fga,
    w.fg3m,
    w.fg3a,
    w.ftm,
    w.fta,
    w.plus_minus,
    CASE WHEN w.fga + 0.44 * w.fta > 0 THEN w.pts / (2.0 * (w.fga + 0.44 * w.fta)) END AS ts_pct,
    CASE
        WHEN w.minutes > 0 AND w.team_fga + 0.44 * w.team_fta + w.team_tov > 0
        -- team minutes taken as regulation 240: exports do not all carry overtime minutes
        THEN (w.fga + 0.44 * w.fta + w.tov) * (240.0 / 5.0)
            / (w.minutes * (w.team_fga + 0.44 * w.team_fta + w.team_tov))
    END AS usage_rate,
    w.source,
    a.sources_available,
    1.0 - (LENGTH(w.missing_list) - LENGTH(REPLACE(w.missing_list, ',', ''))) / 14.0 AS completeness,
    CASE
        WHEN w.missing_list <> ''
        THEN RTRIM(w.missing_list, ',') || ': not in ' || w.source
    END AS missing_fields
FROM with_game AS w
JOIN availability AS a
    ON a.player_id = w.player_id AND a.game_date = w.game_date
