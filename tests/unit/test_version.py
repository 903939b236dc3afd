import moiety


def test_version_is_pep440():
    from packaging.version import Version

    assert Version(moiety.__version__).release >= (0, 1)
