from experiments.stats.srm import has_sample_ratio_mismatch, sample_ratio_p_value


def test_a_50_50_split_that_drifted_is_flagged_and_a_fair_one_is_not():
    assert has_sample_ratio_mismatch([50_000, 48_500], [1, 1])
    assert not has_sample_ratio_mismatch([50_000, 49_900], [1, 1])


def test_the_p_value_is_scipys_chi_square():
    # (520-500)^2/500 * 2 = 1.6 on 1 df -> p = 0.2059
    assert abs(sample_ratio_p_value([520, 480], [1, 1]) - 0.2059) < 1e-3
