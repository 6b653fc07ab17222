-- Prediction systems (issue 6): the model registry, richer predictions, grading and daily performance,
-- and the daily best bets. Predictions and grading are derived tables; columns are added in place so
-- nothing already predicted or graded is lost.

-- Every trained model: what it learned from, how it did on games it never saw, which code made it.
CREATE TABLE predictions.models (
    model_id        VARCHAR PRIMARY KEY,   -- system-market-cutoff-hash of everything it was trained from
    system_id       VARCHAR NOT NULL,
    system_version  VARCHAR NOT NULL,
    market          VARCHAR NOT NULL,
    train_start     DATE,                  -- first game date in the training window
    train_end       DATE NOT NULL,         -- the cutoff: trained on games strictly before this date
    train_rows      INTEGER NOT NULL,
    data_hash       VARCHAR NOT NULL,      -- fingerprint of every played player-game before the cutoff
    features        VARCHAR NOT NULL,      -- JSON list of the columns it learns from
    config          VARCHAR NOT NULL,      -- JSON hyper-parameters
    metrics         VARCHAR NOT NULL,      -- JSON: holdout MAE, bias, Brier at pseudo-lines
    code_version    VARCHAR NOT NULL,      -- package version + git commit
    path            VARCHAR NOT NULL,      -- the pickle, relative to $NBAPROPS_HOME
    status          VARCHAR NOT NULL,      -- candidate / production / retired
    created_utc     TIMESTAMP NOT NULL,
    promoted_utc    TIMESTAMP
);

ALTER TABLE predictions.player_props ADD COLUMN model_id VARCHAR;          -- predictions.models row that made it
ALTER TABLE predictions.player_props ADD COLUMN p_over_raw DOUBLE;         -- before calibration
ALTER TABLE predictions.player_props ADD COLUMN market_p_over DOUBLE;      -- the line's de-vigged P(over)
ALTER TABLE predictions.player_props ADD COLUMN expected_value DOUBLE;     -- profit per unit at the side's odds
ALTER TABLE predictions.player_props ADD COLUMN quality_tier VARCHAR;      -- of the feature row used
ALTER TABLE predictions.player_props ADD COLUMN q10 DOUBLE;                -- quantiles of the predictive distribution
ALTER TABLE predictions.player_props ADD COLUMN q25 DOUBLE;
ALTER TABLE predictions.player_props ADD COLUMN q50 DOUBLE;
ALTER TABLE predictions.player_props ADD COLUMN q75 DOUBLE;
ALTER TABLE predictions.player_props ADD COLUMN q90 DOUBLE;

ALTER TABLE grading.player_props ADD COLUMN model_id VARCHAR;
ALTER TABLE grading.player_props ADD COLUMN within_3 BOOLEAN;             -- |predicted - actual| <= 3
ALTER TABLE grading.player_props ADD COLUMN within_5 BOOLEAN;
ALTER TABLE grading.player_props ADD COLUMN line_result VARCHAR;          -- over / under / push (of the stat vs the line)
ALTER TABLE grading.player_props ADD COLUMN p_over DOUBLE;                -- P(over | no push), the model's
ALTER TABLE grading.player_props ADD COLUMN market_p_over DOUBLE;         -- the market's de-vigged P(over)
ALTER TABLE grading.player_props ADD COLUMN brier DOUBLE;                  -- (p_over - over)^2, no push
ALTER TABLE grading.player_props ADD COLUMN market_brier DOUBLE;
ALTER TABLE grading.player_props ADD COLUMN expected_value DOUBLE;

-- Rolling performance per system and market, as of each date, over the last 7 / 14 / 30 days.
CREATE TABLE grading.daily_performance (
    system_id       VARCHAR NOT NULL,
    market          VARCHAR NOT NULL,
    game_date       DATE NOT NULL,         -- as of this date (window ends on it)
    window_days     INTEGER NOT NULL,
    graded          INTEGER NOT NULL,      -- played player-games with a prediction
    picks           INTEGER NOT NULL,
    wins            INTEGER NOT NULL,
    losses          INTEGER NOT NULL,
    pushes          INTEGER NOT NULL,
    hit_rate        DOUBLE,
    mae             DOUBLE,
    market_mae      DOUBLE,
    brier           DOUBLE,
    market_brier    DOUBLE,
    profit          DOUBLE,
    roi             DOUBLE
);

-- The daily best bets: one system's actionable picks, best expected value first, under caps.
CREATE TABLE predictions.best_bets (
    game_date       DATE NOT NULL,
    rank            INTEGER NOT NULL,
    system_id       VARCHAR NOT NULL,
    market          VARCHAR NOT NULL,
    player_id       BIGINT NOT NULL,
    game_id         VARCHAR NOT NULL,
    team            VARCHAR,
    opponent        VARCHAR,
    recommendation  VARCHAR NOT NULL,
    line            DOUBLE NOT NULL,
    odds            DOUBLE,
    p_side          DOUBLE NOT NULL,
    edge            DOUBLE NOT NULL,
    expected_value  DOUBLE,
    model_id        VARCHAR,
    created_utc     TIMESTAMP NOT NULL
);
