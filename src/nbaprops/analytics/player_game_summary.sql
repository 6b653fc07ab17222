-- analytics.player_game_summary: one row per player per game in [$start, $end], from the best
-- source that has it: NBA.com game book > NBA.com box score > NBA.com game log > ESPN >
-- balldontlie > imported history. Players who did not play keep a row, with the status
-- (did_not_play / inactive) and the reason. The row records which source won, every source that had
-- the player-game, how complete the winner is and which stat columns it lacks — a NULL is never
-- silent. Game ids come from the team's game on that date (history exports carry none). Rows whose
-- player name did not resolve are left out here and wait in ref.unresolved_players.
WITH candidates AS (
    -- 1. NBA.com game book: the official record, with why a player did not play
    SELECT
        player_id, game_date, team, player_name,
        CASE status WHEN 'active' THEN 'played' WHEN 'inactive' THEN 'inactive' ELSE 'did_not_play' END AS status,
        CASE status
            WHEN 'active' THEN NULL
            WHEN 'inactive' THEN 'Inactive - ' || coalesce(reason, 'no reason given')
            ELSE UPPER(status) || ' - ' || coalesce(reason, 'no reason given')
        END AS status_reason,
        minutes, pts, reb, ast, stl, blk, tov, fgm, fga, fg3m, fg3a, ftm, fta, plus_minus,
        CAST(NULL AS VARCHAR) AS season_type,
        'nbacom_gamebook' AS source, 1 AS priority
    FROM raw.nbac_gamebook_players
    WHERE player_id IS NOT NULL AND game_date BETWEEN $start AND $end
    UNION ALL
    -- 2. NBA.com box score: a player who did not play has no minutes, only a comment
    SELECT
        b.player_id, s.game_date, b.team, b.player_name,
        CASE WHEN b.minutes > 0 THEN 'played' ELSE 'did_not_play' END AS status,
        CASE WHEN b.minutes > 0 THEN NULL ELSE coalesce(b.comment, 'no minutes in the box score') END,
        b.minutes, b.pts, b.reb, b.ast, b.stl, b.blk, b.tov, b.fgm, b.fga, b.fg3m, b.fg3a, b.ftm, b.fta,
        b.plus_minus, s.season_type,
        'nbacom_boxscore' AS source, 2 AS priority
    FROM raw.nbac_boxscore_players AS b
    JOIN raw.nbac_schedule AS s ON s.game_id = b.game_id
    WHERE s.game_date BETWEEN $start AND $end
    UNION ALL
    -- 3. NBA.com league game log (lists only players who played)
    SELECT
        player_id, game_date, team, player_name, 'played' AS status, CAST(NULL AS VARCHAR) AS status_reason,
        minutes, pts, reb, ast, stl, blk, tov, fgm, fga, fg3m, fg3a, ftm, fta, plus_minus, season_type,
        'nbacom_gamelog' AS source, 3 AS priority
    FROM raw.nbac_player_game_logs
    WHERE game_date BETWEEN $start AND $end
    UNION ALL
    -- 4. ESPN box score
    SELECT
        player_id, game_date, team, player_name,
        CASE WHEN minutes > 0 THEN 'played' ELSE 'did_not_play' END AS status,
        CASE WHEN minutes > 0 THEN NULL ELSE coalesce(dnp_reason, 'no minutes in the box score') END,
        minutes, pts, reb, ast, stl, blk, tov, fgm, fga, fg3m, fg3a, ftm, fta, plus_minus,
        CAST(NULL AS VARCHAR) AS season_type,
        'espn_boxscore' AS source, 4 AS priority
    FROM raw.espn_boxscore_players
    WHERE player_id IS NOT NULL AND game_date BETWEEN $start AND $end
    UNION ALL
    -- 5. balldontlie box score
    SELECT
        player_id, game_date, team, player_name,
        CASE WHEN minutes > 0 THEN 'played' ELSE 'did_not_play' END AS status,
        CASE WHEN minutes > 0 THEN NULL ELSE 'no minutes in the box score' END,
        minutes, pts, reb, ast, stl, blk, tov, fgm, fga, fg3m, fg3a, ftm, fta, plus_minus,
        CAST(NULL AS VARCHAR) AS season_type,
        'balldontlie_boxscore' AS source, 5 AS priority
    FROM raw.bdl_player_boxscores
    WHERE player_id IS NOT NULL AND game_date BETWEEN $start AND $end
    UNION ALL
    -- 6. imported history files (players who played)
    SELECT
        player_id, game_date, team, player_name, 'played' AS status, CAST(NULL AS VARCHAR) AS status_reason,
        minutes, pts, reb, ast, stl, blk, tov,
        CAST(NULL AS INTEGER) AS fgm, CAST(NULL AS INTEGER) AS fga,
        CAST(NULL AS INTEGER) AS fg3m, CAST(NULL AS INTEGER) AS fg3a,
        CAST(NULL AS INTEGER) AS ftm, CAST(NULL AS INTEGER) AS fta,
        plus_minus, season_type,
        'nbacom_history' AS source, 6 AS priority
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
    CASE
        WHEN w.status <> 'played' THEN 1.0  -- nothing to fill for a player who did not play
        ELSE 1.0 - (LENGTH(w.missing_list) - LENGTH(REPLACE(w.missing_list, ',', ''))) / 14.0
    END AS completeness,
    CASE
        WHEN w.status <> 'played' THEN 'no stats: ' || w.status
        WHEN w.missing_list <> '' THEN RTRIM(w.missing_list, ',') || ': not in ' || w.source
    END AS missing_fields
FROM with_game AS w
JOIN availability AS a
    ON a.player_id = w.player_id AND a.game_date = w.game_date
