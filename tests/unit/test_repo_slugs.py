import pytest

from moiety.core.slugs import InvalidSlug, validate_slug


@pytest.mark.parametrize("slug", ["egfr-sar", "egfr-sar2", "ab", "a1", "k" * 40, "sulfonamide-sar"])
def test_valid_slugs_come_back_unchanged(slug):
    assert validate_slug(slug) == slug


@pytest.mark.parametrize(
    "slug",
    [
        "a",
        "k" * 41,
        "Egfr",
        "1egfr",
        "-egfr",
        "egfr-",
        "egfr--sar",
        "egfr_sar",
        "egfr sar",
        "egfr/sar",
        "../x",
        "",
        "égfr",
        "egfr\n",
        None,
        42,
    ],
)
def test_invalid_slugs_are_refused_with_the_rule(slug):
    with pytest.raises(InvalidSlug, match="lowercase letters, digits and single dashes"):
        validate_slug(slug)


def test_invalid_slug_is_a_value_error():
    assert issubclass(InvalidSlug, ValueError)
