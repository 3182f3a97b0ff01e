import datetime as dt

from experiments.stats.windows import last_complete_day, readout_days


def test_the_last_lag_days_are_dropped():
    today = dt.date(2026, 3, 20)
    assert last_complete_day(today=today, lag_days=3) == dt.date(2026, 3, 16)
    assert (
        readout_days(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 28), today=today, lag_days=3)
        == 16
    )


def test_nothing_counts_before_the_first_window_completes():
    start = dt.date(2026, 3, 1)
    assert (
        readout_days(start=start, end=dt.date(2026, 3, 28), today=dt.date(2026, 3, 3), lag_days=3)
        == 0
    )


def test_a_finished_experiment_counts_to_its_end_once_the_lag_passed():
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 28)
    assert readout_days(start=start, end=end, today=dt.date(2026, 5, 1), lag_days=7) == 28
