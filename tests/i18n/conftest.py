import pytest

from tests.i18n.compiled import compile_catalogues


@pytest.fixture(scope="session")
def compiled_catalogues():
    compile_catalogues()
