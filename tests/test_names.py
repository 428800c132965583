"""Agency names as people write them (nianbao/names.py)."""

from __future__ import annotations

from nianbao.names import name_variants


def test_variants_drop_the_region_and_the_suffix_but_keep_a_distinctive_core():
    assert name_variants("文水县刘胡兰镇人民政府") == ["文水县刘胡兰镇人民政府", "文水县刘胡兰镇", "刘胡兰镇人民政府", "刘胡兰镇"]


def test_a_city_government_has_no_variant_that_is_only_a_generic_word():
    variants = name_variants("淮安市人民政府")
    assert "人民政府" not in variants and "政府" not in variants
    assert variants == ["淮安市人民政府", "淮安市"]
    assert name_variants("沭阳县人民政府2025年政府信息公开工作年度报告") == ["沭阳县人民政府", "沭阳县"]
