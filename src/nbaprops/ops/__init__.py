"""Operations: health checks (``nbaprops health``), alerts without noise, Prometheus metrics."""
